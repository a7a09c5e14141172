"""briefing.acquisition.fetch against real servers on 127.0.0.1: statuses, redirects, validators, caps."""

from __future__ import annotations

import gzip
import zlib
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from briefing.acquisition.fetch import (
    FeedResponse,
    Fetcher,
    FetchLimits,
    backoff_delay,
    fetch_document,
    human_bytes,
    is_due,
    next_fetch_at,
    parse_retry_after,
)
from briefing.core.errors import FetchError
from briefing.core.models import FeedSpec, FeedState

RSS = (
    b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>'
    b"<item><title>Tripoli clashes</title><link>http://example.org/1</link></item>"
    b"</channel></rss>"
)
FAST = FetchLimits(deadline=2.0, connect_timeout=1.0)


def spec(url: str, name: str = "feed", refresh: int = 60) -> FeedSpec:
    return FeedSpec(name=name, url=url, refresh_minutes=refresh)


async def fetch(
    url: str, state: FeedState | None = None, limits: FetchLimits = FAST, **kw: int
) -> FeedResponse:
    async with Fetcher(limits, **kw) as fetcher:  # type: ignore[arg-type]
        return await fetcher.fetch(spec(url), state)


# --- plain statuses -----------------------------------------------------------------------------


async def test_ok_returns_body_headers_and_validators(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data(
        RSS,
        content_type="application/rss+xml",
        headers={"ETag": '"v1"', "Last-Modified": "Mon, 01 Jan 2024 00:00:00 GMT"},
    )
    response = await fetch(httpserver.url_for("/feed"))
    assert response.status == "ok", response.error
    assert response.body == RSS
    assert response.http_status == 200
    assert response.etag == '"v1"'
    assert response.last_modified == "Mon, 01 Jan 2024 00:00:00 GMT"
    assert response.headers["content-type"] == "application/rss+xml"
    assert response.permanent_url is None


async def test_conditional_get_sends_stored_validators_and_304_is_not_modified(
    httpserver: HTTPServer,
) -> None:
    seen: list[tuple[str | None, str | None]] = []

    def handler(request: Request) -> Response:
        inm, ims = request.headers.get("If-None-Match"), request.headers.get("If-Modified-Since")
        seen.append((inm, ims))
        if inm == '"v1"':
            return Response(b"", status=304, headers={"ETag": '"v1"'})
        return Response(
            RSS, headers={"ETag": '"v1"', "Last-Modified": "Mon, 01 Jan 2024 00:00:00 GMT"}
        )

    httpserver.expect_request("/feed").respond_with_handler(handler)
    url = httpserver.url_for("/feed")
    first = await fetch(url)
    assert first.status == "ok"
    state = FeedState(
        name="feed", url=url, etag=first.etag, last_modified=first.last_modified, last_status="ok"
    )
    second = await fetch(url, state)
    assert seen == [(None, None), ('"v1"', "Mon, 01 Jan 2024 00:00:00 GMT")]
    assert second.status == "not_modified"
    assert second.body == b""
    # A 304 without Last-Modified keeps the validator we sent.
    assert second.last_modified == "Mon, 01 Jan 2024 00:00:00 GMT"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (404, "HTTP 404 Not Found"),
        (500, "HTTP 500 Internal Server Error"),
        (502, "HTTP 502 Bad Gateway"),
        (403, "HTTP 403 Forbidden"),
    ],
)
async def test_http_errors_have_one_clear_line(
    httpserver: HTTPServer, code: int, message: str
) -> None:
    httpserver.expect_request("/feed").respond_with_data(b"nope", status=code)
    response = await fetch(httpserver.url_for("/feed"))
    assert response.status == "error"
    assert response.error == message
    assert response.http_status == code


async def test_410_means_gone(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data(b"", status=410)
    response = await fetch(httpserver.url_for("/feed"))
    assert response.status == "gone"
    assert response.error is not None and "410 Gone" in response.error
    assert next_fetch_at(spec("x"), None, response, datetime.now(UTC)) is None


@pytest.mark.parametrize("code", [429, 503])
async def test_retry_after_seconds(httpserver: HTTPServer, code: int) -> None:
    httpserver.expect_request("/feed").respond_with_data(
        b"", status=code, headers={"Retry-After": "120"}
    )
    response = await fetch(httpserver.url_for("/feed"))
    assert response.status == "error"
    assert response.retry_after == 120
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert next_fetch_at(spec("x"), None, response, now) == now + timedelta(seconds=120)


async def test_retry_after_http_date(httpserver: HTTPServer) -> None:
    when = datetime.now(UTC) + timedelta(hours=2)
    httpserver.expect_request("/feed").respond_with_data(
        b"", status=429, headers={"Retry-After": format_datetime(when, usegmt=True)}
    )
    response = await fetch(httpserver.url_for("/feed"))
    assert response.retry_after is not None
    assert 7000 < response.retry_after <= 7200


async def test_absurd_retry_after_is_capped_and_garbage_ignored(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/a").respond_with_data(
        b"", status=503, headers={"Retry-After": "99999999999"}
    )
    httpserver.expect_request("/b").respond_with_data(
        b"", status=503, headers={"Retry-After": "soon, maybe"}
    )
    capped = await fetch(httpserver.url_for("/a"))
    assert capped.retry_after == 24 * 3600
    garbage = await fetch(httpserver.url_for("/b"))
    assert garbage.retry_after is None
    # No usable Retry-After: the normal backoff applies.
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert next_fetch_at(spec("x"), None, garbage, now) == now + timedelta(minutes=60)


def test_parse_retry_after_forms() -> None:
    now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    cap = 86400.0
    assert parse_retry_after("30", now, cap) == 30
    assert parse_retry_after("Thu, 01 Jan 2026 12:10:00 GMT", now, cap) == 600
    assert parse_retry_after("Thu, 01 Jan 2026 11:00:00 GMT", now, cap) is None  # past
    assert parse_retry_after("-5", now, cap) is None
    assert parse_retry_after("", now, cap) is None
    assert parse_retry_after(None, now, cap) is None
    assert parse_retry_after("Fri, 01 Jan 2100 00:00:00 GMT", now, cap) == cap


def test_backoff_is_exponential_and_capped() -> None:
    feed = spec("x", refresh=30)
    assert backoff_delay(feed, 1) == timedelta(minutes=30)
    assert backoff_delay(feed, 2) == timedelta(minutes=60)
    assert backoff_delay(feed, 3) == timedelta(minutes=120)
    assert backoff_delay(feed, 40) == timedelta(hours=24)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    failing = FeedState(name="x", url="u", error_count=2)
    error = FeedResponse("x", "error", "u", error="HTTP 500")
    assert next_fetch_at(feed, failing, error, now) == now + timedelta(minutes=120)
    ok = FeedResponse("x", "ok", "u")
    assert next_fetch_at(feed, failing, ok, now) == now + timedelta(minutes=30)


def test_is_due_respects_the_interval() -> None:
    now = datetime(2026, 1, 1, 12, tzinfo=UTC)
    feed = spec("x", refresh=60)
    assert is_due(feed, None, now)
    assert not is_due(feed, FeedState("x", "u", next_fetch_at=now + timedelta(minutes=1)), now)
    assert is_due(feed, FeedState("x", "u", next_fetch_at=now), now)
    recent = FeedState("x", "u", last_fetched_at=now - timedelta(minutes=10))
    assert not is_due(feed, recent, now)


# --- redirects ----------------------------------------------------------------------------------


async def test_permanent_redirect_chain_reports_the_new_url(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/old").respond_with_data(
        b"", status=301, headers={"Location": "/older"}
    )
    httpserver.expect_request("/older").respond_with_data(
        b"", status=308, headers={"Location": httpserver.url_for("/new")}
    )
    httpserver.expect_request("/new").respond_with_data(RSS)
    response = await fetch(httpserver.url_for("/old"))
    assert response.status == "ok"
    assert response.url == httpserver.url_for("/new")
    assert response.permanent_url == httpserver.url_for("/new")


async def test_temporary_redirect_keeps_the_url(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/a").respond_with_data(b"", status=302, headers={"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data(b"", status=307, headers={"Location": "/c"})
    httpserver.expect_request("/c").respond_with_data(RSS)
    response = await fetch(httpserver.url_for("/a"))
    assert response.status == "ok"
    assert response.permanent_url is None


async def test_permanent_then_temporary_moves_only_to_the_permanent_target(
    httpserver: HTTPServer,
) -> None:
    httpserver.expect_request("/a").respond_with_data(b"", status=301, headers={"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data(b"", status=302, headers={"Location": "/c"})
    httpserver.expect_request("/c").respond_with_data(RSS)
    response = await fetch(httpserver.url_for("/a"))
    assert response.permanent_url == httpserver.url_for("/b")


async def test_redirect_loop(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/a").respond_with_data(b"", status=302, headers={"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data(b"", status=302, headers={"Location": "/a"})
    response = await fetch(httpserver.url_for("/a"))
    assert response.status == "error"
    assert response.error == "redirect loop"


async def test_too_many_redirects(httpserver: HTTPServer) -> None:
    for i in range(10):
        httpserver.expect_request(f"/r{i}").respond_with_data(
            b"", status=302, headers={"Location": f"/r{i + 1}"}
        )
    response = await fetch(httpserver.url_for("/r0"), limits=FetchLimits(max_redirects=3))
    assert response.status == "error"
    assert response.error == "too many redirects (over 3)"


@pytest.mark.parametrize(
    ("location", "scheme"),
    [
        ("file:///etc/passwd", "file"),
        ("ftp://example.org/feed.xml", "ftp"),
        ("javascript:alert(1)", "javascript"),
        ("data:text/xml,<rss/>", "data"),
    ],
)
async def test_redirect_to_non_http_scheme_fails(
    httpserver: HTTPServer, location: str, scheme: str
) -> None:
    httpserver.expect_request("/feed").respond_with_data(
        b"", status=302, headers={"Location": location}
    )
    response = await fetch(httpserver.url_for("/feed"))
    assert response.status == "error"
    assert response.error == f"redirect to non-http scheme {scheme!r}"


async def test_redirect_without_location(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data(b"", status=301)
    response = await fetch(httpserver.url_for("/feed"))
    assert response.error == "HTTP 301 Moved Permanently without a Location"


# --- bodies: compression and caps ---------------------------------------------------------------


async def test_gzip_body_is_decompressed(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data(
        gzip.compress(RSS), headers={"Content-Encoding": "gzip"}
    )
    response = await fetch(httpserver.url_for("/feed"))
    assert response.status == "ok", response.error
    assert response.body == RSS


@pytest.mark.parametrize("wrapped", [True, False])
async def test_deflate_body_zlib_or_raw(httpserver: HTTPServer, wrapped: bool) -> None:
    if wrapped:
        data = zlib.compress(RSS)
    else:
        packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
        data = packer.compress(RSS) + packer.flush()
    httpserver.expect_request("/feed").respond_with_data(
        data, headers={"Content-Encoding": "deflate"}
    )
    response = await fetch(httpserver.url_for("/feed"))
    assert response.status == "ok", response.error
    assert response.body == RSS


async def test_truncated_gzip_is_a_failure(httpserver: HTTPServer) -> None:
    data = gzip.compress(RSS * 50)
    httpserver.expect_request("/feed").respond_with_data(
        data[: len(data) // 2], headers={"Content-Encoding": "gzip"}
    )
    response = await fetch(httpserver.url_for("/feed"))
    assert response.status == "error"
    assert response.error == "gzip stream truncated"


async def test_gzip_bomb_stops_at_the_decompressed_cap(httpserver: HTTPServer) -> None:
    bomb = gzip.compress(b"\0" * 20_000_000, compresslevel=9)  # ~20 kB on the wire
    httpserver.expect_request("/feed").respond_with_data(bomb, headers={"Content-Encoding": "gzip"})
    limits = FetchLimits(deadline=5, max_wire_bytes=1_000_000, max_body_bytes=1_000_000)
    response = await fetch(httpserver.url_for("/feed"), limits=limits)
    assert response.status == "error"
    assert response.error == "body over 1 MB cap after decompression"


async def test_oversized_body_stops_at_the_wire_cap(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data(b"x" * 300_000)
    limits = FetchLimits(deadline=5, max_wire_bytes=100_000, max_body_bytes=10_000_000)
    response = await fetch(httpserver.url_for("/feed"), limits=limits)
    assert response.error == "body over 100 kB cap"


async def test_unknown_content_encoding_fails(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data(RSS, headers={"Content-Encoding": "br"})
    response = await fetch(httpserver.url_for("/feed"))
    assert response.error == "unsupported Content-Encoding 'br'"


async def test_empty_200_comes_back_empty_for_the_parser_to_refuse(httpserver: HTTPServer) -> None:
    # fetch hands bytes on; parse.check_document refuses an empty body with a clear reason
    # (tests/unit/test_pipeline.py checks the stored error).
    httpserver.expect_request("/feed").respond_with_data(b"")
    response = await fetch(httpserver.url_for("/feed"))
    assert response.status == "ok"
    assert response.body == b""


def test_human_bytes() -> None:
    assert human_bytes(10_000_000) == "10 MB"
    assert human_bytes(1_500) == "1.5 kB"
    assert human_bytes(12) == "12 bytes"


# --- local files --------------------------------------------------------------------------------


async def test_local_file_named_in_feeds_yaml(tmp_path: Path) -> None:
    path = tmp_path / "feed.xml"
    path.write_bytes(RSS)
    first = await fetch(str(path))
    assert first.status == "ok"
    assert first.body == RSS
    state = FeedState("feed", str(path), last_modified=first.last_modified, last_status="ok")
    again = await fetch(str(path), state)
    assert again.status == "not_modified"
    missing = await fetch(str(tmp_path / "gone.xml"))
    assert missing.status == "error"
    assert missing.error is not None and "cannot read" in missing.error


async def test_relative_local_path_uses_base_dir(tmp_path: Path) -> None:
    (tmp_path / "f.xml").write_bytes(RSS)
    async with Fetcher(FAST, base_dir=tmp_path) as fetcher:
        response = await fetcher.fetch(spec("f.xml"))
    assert response.status == "ok"


async def test_other_schemes_are_not_fetched() -> None:
    response = await fetch("ftp://example.org/feed.xml")
    assert response.status == "error"
    assert response.error == "URL with non-http scheme 'ftp'"


# --- fetch_document (briefing import URL) -------------------------------------------------------


def test_fetch_document_returns_html_and_follows_redirects(httpserver: HTTPServer) -> None:
    page = b"<!doctype html><html><body><p>An article</p></body></html>"
    httpserver.expect_request("/a").respond_with_data(b"", status=301, headers={"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data(
        gzip.compress(page), content_type="text/html", headers={"Content-Encoding": "gzip"}
    )
    document = fetch_document(httpserver.url_for("/a"), timeout=5)
    assert document.body == page
    assert document.status == 200
    assert document.url == httpserver.url_for("/b")
    assert document.headers["content-type"].startswith("text/html")


def test_fetch_document_errors_are_fetch_errors(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/a").respond_with_data(b"", status=404)
    with pytest.raises(FetchError, match="HTTP 404 Not Found"):
        fetch_document(httpserver.url_for("/a"), timeout=5)
    httpserver.expect_request("/big").respond_with_data(b"x" * 5000)
    with pytest.raises(FetchError, match="body over 1 kB cap"):
        fetch_document(httpserver.url_for("/big"), timeout=5, max_bytes=1000)
    with pytest.raises(FetchError, match="not an http"):
        fetch_document("/etc/passwd")
    with pytest.raises(FetchError, match="non-http scheme 'file'"):
        fetch_document("file:///etc/passwd")


async def test_invalid_urls_are_one_line_failures() -> None:
    # Every hop goes through the same request building, so a redirect to such a URL fails alike.
    bad = await fetch("http://127.0.0.1:x/feed")
    assert bad.status == "error"
    assert bad.error == "invalid URL (Invalid port: 'x')"


async def test_one_feeds_cookies_never_reach_another(httpserver: HTTPServer) -> None:
    seen: list[str | None] = []

    def record(request: Request) -> Response:
        seen.append(request.headers.get("Cookie"))
        return Response(RSS, headers={"Set-Cookie": "session=abc; Path=/"})

    httpserver.expect_request("/a").respond_with_handler(record)
    httpserver.expect_request("/b").respond_with_handler(record)
    async with Fetcher(FAST) as fetcher:
        first = await fetcher.fetch(spec(httpserver.url_for("/a"), "a"))
        second = await fetcher.fetch(spec(httpserver.url_for("/b"), "b"))
    assert first.status == second.status == "ok"
    assert seen == [None, None]
