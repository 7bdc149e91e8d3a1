"""Read a response body with hard bounds on both received and decompressed size.

aiohttp's automatic decompression inflates whatever arrives; a few hundred kilobytes of
gzip can inflate to gigabytes (a "gzip bomb"). We therefore switch auto-decompression off
and inflate here with ``zlib``'s ``max_length``, so memory never exceeds the cap plus one
read chunk, however hostile the stream.
"""

from __future__ import annotations

import zlib

from .records import ErrorKind

_STEP = 64 * 1024
#: Inflation ratio above which "too large" is reported as a decompression bomb. Real HTML
#: compresses 5-15x; a bomb compresses ~1000x.
BOMB_RATIO = 100


class BodyLimitExceeded(Exception):
    def __init__(self, kind: ErrorKind) -> None:
        super().__init__(kind)
        self.kind = kind


class UnsupportedEncoding(Exception):
    """Content-Encoding we do not decode (we only ask for gzip and deflate)."""


class BoundedBody:
    """Accumulates raw bytes and their decoded form, raising once ``limit`` is passed.

    ``raw`` is what came over the wire (for the WARC record), ``data`` the decoded body.
    After :class:`BodyLimitExceeded` both hold what was read up to the limit.
    """

    def __init__(self, content_encoding: str | None, limit: int) -> None:
        coding = (content_encoding or "identity").strip().lower()
        if coding in ("gzip", "x-gzip"):
            self._mode = "gzip"
        elif coding == "deflate":
            self._mode = "deflate"
        elif coding in ("identity", "", "none"):
            self._mode = "identity"
        else:
            raise UnsupportedEncoding(coding)
        self.limit = limit
        self.raw = bytearray()
        self.data = self.raw if self._mode == "identity" else bytearray()  # one buffer if plain
        self._inflater: zlib._Decompress | None = None
        self._consumed = 0  # compressed bytes actually inflated so far

    def _new_inflater(self, first: bytes) -> zlib._Decompress:
        if self._mode == "gzip":
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        # "deflate" is officially zlib-wrapped, but some servers send raw deflate.
        zlib_header = (
            len(first) >= 2 and first[0] & 0x0F == 8 and (first[0] << 8 | first[1]) % 31 == 0
        )
        return zlib.decompressobj(zlib.MAX_WBITS if zlib_header else -zlib.MAX_WBITS)

    def _overflow(self) -> BodyLimitExceeded:
        if self._mode != "identity" and len(self.data) > BOMB_RATIO * max(self._consumed, 1):
            return BodyLimitExceeded(ErrorKind.DECOMPRESSION_BOMB)
        return BodyLimitExceeded(ErrorKind.TOO_LARGE)

    def feed(self, chunk: bytes) -> None:
        room = self.limit - len(self.raw)
        if len(chunk) > room:
            self.raw += chunk[: max(room, 0)]
            chunk = chunk[: max(room, 0)]
            self._inflate(chunk)
            raise BodyLimitExceeded(ErrorKind.TOO_LARGE)
        self.raw += chunk
        self._inflate(chunk)

    def _inflate(self, chunk: bytes) -> None:
        if self._mode == "identity":
            return  # ``data`` is ``raw``
        while chunk:
            if self._inflater is None:
                self._inflater = self._new_inflater(chunk)
            room = self.limit - len(self.data)
            try:
                out = self._inflater.decompress(chunk, min(_STEP, room + 1))
            except zlib.error as exc:
                raise ValueError(f"corrupt {self._mode} stream: {exc}") from exc
            left = (
                self._inflater.unused_data if self._inflater.eof else self._inflater.unconsumed_tail
            )
            self._consumed += len(chunk) - len(left)
            self.data += out[: max(room, 0)]
            if len(out) > room:
                raise self._overflow()
            if self._inflater.eof:  # concatenated gzip members are legal
                self._inflater = None
                if self._mode == "deflate":
                    break
            chunk = left

    def finish(self) -> None:
        if self._inflater is not None:
            room = self.limit - len(self.data)
            out = self._inflater.flush(room + 1) if room >= 0 else b""
            self.data += out[: max(room, 0)]
            if len(out) > room:
                raise self._overflow()
