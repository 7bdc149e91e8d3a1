"""Bounded body reading: the cap holds for plain, gzip, deflate and bomb bodies."""

from __future__ import annotations

import gzip
import os
import tracemalloc
import zlib

import pytest

from kaohe.crawler.body import BodyLimitExceeded, BoundedBody, UnsupportedEncoding
from kaohe.crawler.records import ErrorKind

MB = 1024 * 1024


def feed_all(body: BoundedBody, data: bytes, step: int = 65536) -> None:
    for i in range(0, len(data), step):
        body.feed(data[i : i + step])
    body.finish()


@pytest.mark.parametrize(
    ("encoding", "encode"),
    [
        (None, lambda b: b),
        ("gzip", gzip.compress),
        ("x-gzip", gzip.compress),
        ("deflate", zlib.compress),  # zlib-wrapped, as the RFC says
        ("deflate", lambda b: zlib.compress(b)[2:-4]),  # raw deflate, as some IIS send
    ],
)
def test_roundtrip(encoding: str | None, encode) -> None:  # type: ignore[no-untyped-def]
    payload = "县政府信息公开".encode() * 5000
    body = BoundedBody(encoding, MB)
    feed_all(body, encode(payload), step=1000)
    assert bytes(body.data) == payload


def test_concatenated_gzip_members() -> None:
    body = BoundedBody("gzip", MB)
    feed_all(body, gzip.compress(b"abc") + gzip.compress(b"def"))
    assert bytes(body.data) == b"abcdef"


def test_plain_body_cap() -> None:
    body = BoundedBody(None, 100)
    with pytest.raises(BodyLimitExceeded) as exc:
        feed_all(body, b"x" * 1000)
    assert exc.value.kind is ErrorKind.TOO_LARGE and len(body.data) == 100


def test_gzip_bomb_is_stopped_within_the_cap() -> None:
    bomb = gzip.compress(b"\0" * (10 * MB), 9) * 20  # 200 MB inflated, ~200 KB on the wire
    tracemalloc.start()
    try:
        body = BoundedBody("gzip", 5 * MB)
        with pytest.raises(BodyLimitExceeded) as exc:
            feed_all(body, bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert exc.value.kind is ErrorKind.DECOMPRESSION_BOMB
    assert len(body.data) == 5 * MB and len(body.raw) < 200 * 1024
    assert peak < 8 * MB


def test_large_but_honest_gzip_is_too_large_not_a_bomb() -> None:
    payload = os.urandom(3 * MB).hex().encode()  # 6 MB, compresses only ~2x
    body = BoundedBody("gzip", 5 * MB)
    with pytest.raises(BodyLimitExceeded) as exc:
        feed_all(body, gzip.compress(payload, 1))
    assert exc.value.kind is ErrorKind.TOO_LARGE


def test_corrupt_and_unsupported() -> None:
    body = BoundedBody("gzip", MB)
    with pytest.raises(ValueError):
        feed_all(body, b"this is not gzip at all")
    with pytest.raises(UnsupportedEncoding):
        BoundedBody("br", MB)
