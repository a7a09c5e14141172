"""briefing.acquisition.fetch against a raw asyncio server: trickling, stalling, cut bodies, connection bounds."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from briefing.acquisition.fetch import Fetcher, FetchLimits
from briefing.core.models import FeedSpec

RSS = b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>'
Writer = Callable[[asyncio.StreamWriter], Awaitable[None]]


@asynccontextmanager
async def raw_server(respond: Writer) -> AsyncIterator[str]:
    """A bare HTTP server on 127.0.0.1 whose response is whatever `respond` writes."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while (await reader.readline()) not in (b"\r\n", b"\n", b""):
                pass
            await respond(writer)
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}/feed"
    finally:
        server.close()


async def trickle(writer: asyncio.StreamWriter) -> None:
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
    await writer.drain()
    for _ in range(100000):
        writer.write(b"x")
        await writer.drain()
        await asyncio.sleep(0.05)


async def stall_headers(writer: asyncio.StreamWriter) -> None:
    await asyncio.sleep(30)


async def cut_body(writer: asyncio.StreamWriter) -> None:
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n" + RSS)
    await writer.drain()


async def test_trickling_body_hits_the_wall_clock_deadline() -> None:
    # Each byte arrives well within any read timeout; only the total deadline stops it.
    async with raw_server(trickle) as url:
        limits = FetchLimits(deadline=0.6, connect_timeout=0.5)
        started = time.monotonic()
        async with Fetcher(limits) as fetcher:
            response = await fetcher.fetch(FeedSpec("slow", url))
        assert time.monotonic() - started < 5  # generous: this checks we stop, not how fast
    assert response.status == "error"
    assert response.error == "timed out after 0.6 s (deadline)"


async def test_server_that_never_answers_times_out() -> None:
    async with raw_server(stall_headers) as url:
        async with Fetcher(FetchLimits(deadline=0.5, connect_timeout=0.5)) as fetcher:
            response = await fetcher.fetch(FeedSpec("stall", url))
    assert response.status == "error"
    assert response.error == "timed out after 0.5 s (deadline)"


async def test_body_cut_before_content_length_is_a_failure() -> None:
    async with raw_server(cut_body) as url:
        async with Fetcher(FetchLimits(deadline=2)) as fetcher:
            response = await fetcher.fetch(FeedSpec("cut", url))
    assert response.status == "error"
    assert response.error is not None and response.error.startswith("body cut short")


async def test_connection_refused_is_one_line() -> None:
    server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()
    async with Fetcher(FetchLimits(deadline=2)) as fetcher:
        response = await fetcher.fetch(FeedSpec("down", f"http://127.0.0.1:{port}/"))
    assert response.status == "error"
    assert response.error is not None and response.error.startswith("connection failed")
    assert "\n" not in response.error


async def test_connections_are_bounded_per_host_and_overall() -> None:
    active = 0
    peak = 0

    async def slow_ok(writer: asyncio.StreamWriter) -> None:
        nonlocal active, peak
        active += 1
        peak = max(peak, active)
        await asyncio.sleep(0.05)
        active -= 1
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(RSS), RSS))
        await writer.drain()

    async with raw_server(slow_ok) as url:
        for per_host, overall, expected in ((2, 32, 2), (8, 3, 3)):
            peak = 0
            async with Fetcher(
                FetchLimits(deadline=5), max_per_host=per_host, max_connections=overall
            ) as fetcher:
                responses = await asyncio.gather(
                    *(fetcher.fetch(FeedSpec(f"f{i}", f"{url}?{i}")) for i in range(10))
                )
            assert all(r.status == "ok" for r in responses)
            assert peak == expected


async def test_connections_are_kept_alive_and_reused_per_host() -> None:
    """A host's kept-alive sockets are reused from one round of fetches to the next."""
    opened = 0

    async def keep_alive(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal opened
        opened += 1
        try:
            while True:
                await reader.readuntil(b"\r\n\r\n")
                await asyncio.sleep(0.01)
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(RSS), RSS))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(keep_alive, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        async with Fetcher(FetchLimits(deadline=5), max_per_host=2, max_connections=32) as f:
            for round_ in range(3):
                responses = await asyncio.gather(
                    *(
                        f.fetch(FeedSpec(f"f{i}", f"http://127.0.0.1:{port}/{round_}/{i}"))
                        for i in range(12)
                    )
                )
                assert all(r.status == "ok" for r in responses)
    finally:
        server.close()
        await server.wait_closed()
    assert opened == 2  # 36 requests over the host's two connections


def test_https_pools_verify_with_certifi_and_never_share_with_http() -> None:
    import ssl

    import httpx

    from briefing.acquisition.fetch import _ShardedTransport

    transport = _ShardedTransport(shards=1, per_pool=2)
    plain = transport._pool(httpx.URL("http://127.0.0.1:8080/feed"))
    assert transport._tls is None  # no certificate store read for plain http
    secure = transport._pool(httpx.URL("https://127.0.0.1:8080/feed"))
    assert secure is not plain  # one shard, yet two pools: one per scheme
    assert transport._pool(httpx.URL("https://127.0.0.1:8080/other")) is secure
    tls = transport._tls
    assert tls is not None and tls.cert_store_stats()["x509_ca"] > 0
    for scheme in (b"http", b"https"):
        context = transport._context(scheme)
        assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert transport._context(b"http").cert_store_stats()["x509_ca"] == 0


async def test_https_to_a_plain_http_server_fails_cleanly() -> None:
    async def plain(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # Answers in plain HTTP at once, whatever the client sent (a TLS hello here).
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(RSS), RSS))
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(plain, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        async with Fetcher(FetchLimits(deadline=3)) as fetcher:
            response = await fetcher.fetch(FeedSpec("tls", f"https://127.0.0.1:{port}/feed"))
    finally:
        server.close()
        await server.wait_closed()
    assert response.status == "error" and response.error
    assert "timed out" not in response.error and "\n" not in response.error
