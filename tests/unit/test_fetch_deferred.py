"""Bodies left compressed by the download (`Fetcher(decode=False)`) and undone by `decode_body`,
as the parsing workers do: against real servers on 127.0.0.1, the pair must give exactly what
`Fetcher()` gives, caps and error lines included."""

from __future__ import annotations

import gzip
import random
import zlib
from dataclasses import replace
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from briefing.acquisition.fetch import FeedResponse, Fetcher, FetchLimits, decode_body
from briefing.core.models import FeedSpec

SMALL = FetchLimits(
    deadline=5.0, connect_timeout=1.0, max_wire_bytes=40_000, max_body_bytes=150_000
)


async def both(url: str, limits: FetchLimits) -> tuple[FeedResponse, FeedResponse, FeedResponse]:
    """(what Fetcher() gives, what Fetcher(decode=False) gives, that after decode_body)."""
    spec = FeedSpec("feed", url)
    async with Fetcher(limits) as plain:
        whole = await plain.fetch(spec)
    async with Fetcher(limits, decode=False) as deferring:
        raw = await deferring.fetch(spec)
    return whole, raw, decode_body(raw, limits)


def same(a: FeedResponse, b: FeedResponse) -> bool:
    """Equal but for the time taken and the Date header (the two requests may straddle a
    second)."""

    def plain(response: FeedResponse) -> FeedResponse:
        headers = {k: v for k, v in response.headers.items() if k != "date"}
        return replace(response, elapsed=0.0, headers=headers)

    return plain(a) == plain(b)


def deflate_raw(data: bytes) -> bytes:
    packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


def hostile_bodies(seed: int) -> list[tuple[str, bytes]]:
    """(Content-Encoding, body) pairs: sound, truncated, corrupted, trailing garbage, bombs,
    over the wire cap, mislabelled; random sizes around the caps of SMALL."""
    rng = random.Random(seed)
    out: list[tuple[str, bytes]] = []
    for _ in range(14):
        size = rng.choice([0, 10, 2_000, 60_000, 149_999, 150_000, 150_001, 400_000])
        text = bytes(rng.choice(b"abc <>&\n\x00") for _ in range(min(size, 3000))) * (
            size // 3000 + 1
        )
        plain = text[:size]
        encoding, packed = rng.choice(
            [
                ("gzip", gzip.compress(plain)),
                ("x-gzip", gzip.compress(plain)),
                ("deflate", zlib.compress(plain)),
                ("deflate", deflate_raw(plain)),
                ("GZip ", gzip.compress(plain)),
                ("identity", plain),
                ("", plain),
            ]
        )
        damage = rng.choice(["none", "none", "truncate", "flip", "garbage", "label"])
        if damage == "truncate" and packed:
            packed = packed[: rng.randrange(len(packed))]
        elif damage == "flip" and packed:
            at = rng.randrange(len(packed))
            packed = packed[:at] + bytes([packed[at] ^ 0xFF]) + packed[at + 1 :]
        elif damage == "garbage":
            packed += b"trailing garbage"
        elif damage == "label":
            packed = plain  # labelled compressed, sent as it is
            encoding = encoding or "gzip"
        out.append((encoding, packed))
    return out


@pytest.mark.parametrize("seed", range(6))
async def test_decoding_later_gives_what_decoding_at_once_gives(
    httpserver: HTTPServer, seed: int
) -> None:
    for index, (encoding, body) in enumerate(hostile_bodies(seed)):
        path = f"/feed/{seed}/{index}"
        headers = {"Content-Encoding": encoding} if encoding else {}
        httpserver.expect_request(path).respond_with_data(body, headers=headers)
        whole, raw, later = await both(httpserver.url_for(path), SMALL)
        assert same(later, whole), (encoding, len(body), whole.error, later.error)
        if whole.status == "ok" and encoding.strip().lower() in ("gzip", "x-gzip", "deflate"):
            # It did come through compressed, as received.
            assert raw.body == body and raw.encoding == encoding.strip().lower()


async def test_a_gzip_bomb_is_stopped_at_the_cap_after_being_handed_on(
    httpserver: HTTPServer,
) -> None:
    bomb = gzip.compress(b"\0" * 20_000_000, compresslevel=9)  # ~20 kB on the wire
    httpserver.expect_request("/bomb").respond_with_data(bomb, headers={"Content-Encoding": "gzip"})
    limits = FetchLimits(deadline=5, max_wire_bytes=1_000_000, max_body_bytes=1_000_000)
    whole, raw, later = await both(httpserver.url_for("/bomb"), limits)
    assert raw.status == "ok" and raw.body == bomb and raw.encoding == "gzip"
    assert later.status == "error" and later.body == b""
    assert later.error == whole.error == "body over 1 MB cap after decompression"


async def test_a_body_labelled_gzip_that_is_not(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/x").respond_with_data(
        b"<rss>plain</rss>", headers={"Content-Encoding": "gzip"}
    )
    whole, _raw, later = await both(httpserver.url_for("/x"), SMALL)
    assert later.status == whole.status == "error"
    assert later.error == whole.error
    assert later.error is not None and later.error.startswith("corrupt gzip body (")


async def test_the_wire_cap_still_holds_in_the_downloader(httpserver: HTTPServer) -> None:
    packed = gzip.compress(random.Random(1).randbytes(60_000))  # incompressible: over 40 kB
    httpserver.expect_request("/big").respond_with_data(
        packed, headers={"Content-Encoding": "gzip"}
    )
    _whole, raw, _later = await both(httpserver.url_for("/big"), SMALL)
    assert raw.status == "error" and raw.error == "body over 40 kB cap" and raw.body == b""


async def test_local_files_and_plain_bodies_come_decoded(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    httpserver.expect_request("/plain").respond_with_data(b"<rss/>")
    (tmp_path / "f.xml").write_bytes(b"<rss/>")
    for url in (httpserver.url_for("/plain"), str(tmp_path / "f.xml")):
        _whole, raw, later = await both(url, SMALL)
        assert raw.encoding == "" and raw.body == b"<rss/>" and later is raw
