"""Evidence: every HTTP exchange archived as WARC request + response records.

A finding such as "column not updated since 2020-11-09" may be disputed weeks later, after
the unit has fixed its site. The WARC file lets staff show the page exactly as the crawler
saw it at check time. Each record is its own gzip member, so ``(file, offset)`` is enough to
read one response back without scanning the file.

Bodies are stored as received (still content-encoded, transfer-encoding removed), which is
what WARC expects; a body cut short by our size caps is marked ``WARC-Truncated: length``.
Reading back goes through the same bounded decompressor as fetching, so an archived gzip
bomb stays harmless.
"""

from __future__ import annotations

import io
import os
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from .body import BodyLimitExceeded, BoundedBody

_HOP_BY_HOP = {"transfer-encoding", "connection", "keep-alive"}


@dataclass(frozen=True, slots=True)
class ArchivedResponse:
    url: str
    date: str  # WARC-Date
    status: int
    headers: list[tuple[str, str]]
    body: bytes  # content-decoded (within the limit)
    truncated: bool


class WarcArchive:
    """One ``.warc.gz`` file per crawl. Not thread-safe; fine on one event loop, since each
    write is a single synchronous call and so cannot interleave with another."""

    def __init__(self, directory: str | Path, prefix: str = "kaohe", operator: str = "") -> None:
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
        self.path = directory / f"{prefix}-{stamp}-{os.getpid()}-{socket.gethostname()}.warc.gz"
        self._out = open(self.path, "wb")  # noqa: SIM115 - lives as long as the archive
        self._writer = WARCWriter(self._out, gzip=True)
        info = {"software": "kaohe-crawler", "format": "WARC File Format 1.1"}
        if operator:
            info["operator"] = operator
        self._writer.write_record(self._writer.create_warcinfo_record(self.path.name, info))

    def write_exchange(
        self,
        url: str,
        method: str,
        request_headers: list[tuple[str, str]],
        status: int,
        reason: str,
        response_headers: list[tuple[str, str]],
        raw_body: bytes,
        truncated: bool = False,
    ) -> int:
        """Archive one request/response pair; returns the response record's offset."""
        path_qs = url.split("://", 1)[-1]
        path_qs = path_qs[path_qs.find("/") :] if "/" in path_qs else "/"
        headers = [(k, v) for k, v in response_headers if k.lower() not in _HOP_BY_HOP]
        http_resp = StatusAndHeaders(f"{status} {reason}".strip(), headers, protocol="HTTP/1.1")
        extra = {"WARC-Truncated": "length"} if truncated else {}
        response = self._writer.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(raw_body),
            length=len(raw_body),
            http_headers=http_resp,
            warc_headers_dict=extra,
        )
        http_req = StatusAndHeaders(f"{method} {path_qs}", request_headers, protocol="HTTP/1.1")
        request = self._writer.create_warc_record(url, "request", http_headers=http_req)
        request.rec_headers.replace_header(
            "WARC-Date", response.rec_headers.get_header("WARC-Date")
        )
        request.rec_headers.add_header(
            "WARC-Concurrent-To", response.rec_headers.get_header("WARC-Record-ID")
        )
        offset = self._out.tell()
        self._writer.write_record(response)
        self._writer.write_record(request)
        return offset

    def close(self) -> None:
        self._out.close()

    def __enter__(self) -> WarcArchive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_response(path: str | Path, offset: int, limit: int = 5 * 1024 * 1024) -> ArchivedResponse:
    """Read back the response record at ``offset``, content-decoded up to ``limit`` bytes."""
    with open(path, "rb") as src:
        src.seek(offset)
        record = next(iter(ArchiveIterator(src)))
        if record.rec_type != "response" or record.http_headers is None:
            raise ValueError(f"no response record at {path}:{offset}")
        headers = list(record.http_headers.headers)
        encoding = record.http_headers.get_header("Content-Encoding")
        body = BoundedBody(encoding, limit)
        truncated = bool(record.rec_headers.get_header("WARC-Truncated"))
        try:
            stream = record.raw_stream
            while chunk := stream.read(65536):
                body.feed(chunk)
            body.finish()
        except BodyLimitExceeded:
            truncated = True
        except ValueError:  # body cut mid-stream by our own cap when it was fetched
            truncated = True
        return ArchivedResponse(
            url=record.rec_headers.get_header("WARC-Target-URI"),
            date=record.rec_headers.get_header("WARC-Date"),
            status=int(record.http_headers.get_statuscode()),
            headers=headers,
            body=bytes(body.data),
            truncated=truncated,
        )
