"""Downloading feeds: the only module that speaks HTTP (httpx). Bytes and headers out, no parsing.

Everything a hostile or broken server can do to us stops here with one clear line: a wall-clock
deadline per feed (a server trickling a byte a second cannot hold a worker), byte caps on the
wire and after decompression (we decompress ourselves, so a gzip bomb stops at the cap), our
own redirect handling (bounded, loop-checked, http/https only), and conditional GET with the
validators the store kept. Scheduling policy (when a feed is next due) lives here too, as pure
functions, because it follows from what the server said.
"""

from __future__ import annotations

import asyncio
import re
import ssl
import sys
import time
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email.utils import formatdate, parsedate_to_datetime
from http import HTTPStatus
from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urljoin, urlsplit

import certifi

from briefing import __version__
from briefing.core.errors import FetchError
from briefing.core.files import read_capped
from briefing.core.models import FeedSpec, FeedState
from briefing.core.text import clean_line

# httpx's package imports its own command-line client (rich, pygments, click: about 40 ms of
# every `briefing fetch` start) unless that import fails. We never use it, so it is marked
# absent before httpx loads; httpx then defines a stub in its place.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
import httpx  # noqa: E402

USER_AGENT = f"briefing/{__version__} (terminal news reader; +https://example.invalid/briefing)"
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
PERMANENT_REDIRECTS = frozenset({301, 308})
MAX_BACKOFF = timedelta(hours=24)
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")


@dataclass(frozen=True)
class FetchLimits:
    """What one fetch may cost. Tests shrink these; the defaults suit real feeds."""

    deadline: float = 20.0
    """Wall-clock seconds for the whole fetch (every redirect hop, headers and body)."""
    connect_timeout: float = 10.0
    max_wire_bytes: int = 10_000_000
    """Cap on the bytes received (compressed or not)."""
    max_body_bytes: int = 10_000_000
    """Cap on the body after decompression."""
    max_redirects: int = 5
    max_retry_after: float = 24 * 3600.0
    """Retry-After values beyond this are capped (a server asking for a year gets a day)."""
    user_agent: str = USER_AGENT


FetchResultStatus = Literal["ok", "not_modified", "error", "gone"]


@dataclass(frozen=True)
class FeedResponse:
    """What fetching one feed produced. `body` is decompressed; `headers` have lower-case keys."""

    feed: str
    status: FetchResultStatus
    url: str
    """The URL finally fetched (after redirects)."""
    http_status: int | None = None
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    permanent_url: str | None = None
    """Where 301/308 redirects (and only those) led, when that differs from the request URL."""
    retry_after: float | None = None
    """Seconds the server asked us to wait (429/503), already capped."""
    error: str | None = None
    elapsed: float = 0.0
    encoding: str = ""
    """The Content-Encoding still to undo on `body` (gzip, deflate), or "" when `body` is the
    document: only from a Fetcher made with `decode=False`, until `decode_body` undoes it."""


@dataclass(frozen=True)
class FetchedDocument:
    """One document downloaded by `fetch_document` (for `briefing import URL`)."""

    url: str
    status: int
    headers: Mapping[str, str]
    body: bytes


class _Failure(Exception):
    """One fetch failed; the message is the line shown to the user."""

    def __init__(
        self,
        message: str,
        *,
        http_status: int | None = None,
        retry_after: float | None = None,
        gone: bool = False,
    ) -> None:
        super().__init__(message)
        self.http_status = http_status
        self.retry_after = retry_after
        self.gone = gone


# ---------------------------------------------------------------------------------------------
# Pure helpers: sizes, Retry-After, schedules, sniffing
# ---------------------------------------------------------------------------------------------


def human_bytes(n: int) -> str:
    """10_000_000 → '10 MB'; used in the cap messages."""
    if n >= 1_000_000:
        return f"{n / 1_000_000:g} MB"
    if n >= 1000:
        return f"{n / 1000:g} kB"
    return f"{n} bytes"


def parse_retry_after(value: str | None, now: datetime, cap: float) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date), capped.

    Negative, past or unreadable values are ignored (None): the normal backoff applies then.
    """
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), cap)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    delta = (when - now).total_seconds()
    if delta < 0:
        return None
    return min(delta, cap)


def backoff_delay(spec: FeedSpec, error_streak: int) -> timedelta:
    """How long a feed rests after its `error_streak`-th failure in a row (1 = first failure).

    The feed's own interval, doubled for every further failure, capped at a day.
    """
    base = timedelta(minutes=max(spec.refresh_minutes, 1))
    factor: int = 2 ** min(max(error_streak - 1, 0), 16)
    delay: timedelta = min(base * factor, max(MAX_BACKOFF, base))
    return delay


def next_fetch_at(
    spec: FeedSpec, state: FeedState | None, response: FeedResponse, now: datetime
) -> datetime | None:
    """When the feed is next due, from what this fetch produced. None for a disabled feed."""
    if response.status == "gone":
        return None
    if response.status in ("ok", "not_modified"):
        return now + timedelta(minutes=max(spec.refresh_minutes, 1))
    if response.retry_after is not None:
        return now + timedelta(seconds=response.retry_after)
    streak = (state.error_count if state else 0) + 1
    return now + backoff_delay(spec, streak)


def is_due(spec: FeedSpec, state: FeedState | None, now: datetime) -> bool:
    """A feed is due when it never ran, or its next fetch time has come."""
    if state is None:
        return True
    if state.next_fetch_at is not None:
        return state.next_fetch_at <= now
    if state.last_fetched_at is not None:
        return state.last_fetched_at + timedelta(minutes=spec.refresh_minutes) <= now
    return True


def _status_line(code: int) -> str:
    try:
        phrase = HTTPStatus(code).phrase
    except ValueError:
        phrase = ""
    return f"HTTP {code} {phrase}".rstrip()


# ---------------------------------------------------------------------------------------------
# Body reading: byte caps on the wire and after our own decompression
# ---------------------------------------------------------------------------------------------


_READ_SIZE = 64 * 1024
"""What httpcore asks a socket for at a time: the largest chunk `_Body.feed` is given."""


class _Body:
    """Accumulates a response body chunk by chunk, decompressing and enforcing both caps.

    With `decode` False, a gzip or deflate body is kept as received, held to the wire cap only
    (`deferred`): `undo` decompresses it later, elsewhere, under the same caps.
    """

    def __init__(self, encoding: str, limits: FetchLimits, *, decode: bool = True) -> None:
        self.limits = limits
        self.wire = 0
        self.parts: list[bytes] = []
        self.size = 0
        encoding = encoding.strip().lower()
        self.encoding = encoding
        self.decoder: zlib._Decompress | None
        if encoding in ("", "identity"):
            self.decoder = None
        elif encoding in ("gzip", "x-gzip"):
            self.decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            # zlib-wrapped per the RFC; a raw deflate stream is retried below.
            self.decoder = zlib.decompressobj(zlib.MAX_WBITS)
        else:
            raise _Failure(f"unsupported Content-Encoding {clean_line(encoding, 40)!r}")
        self._first = True
        self.deferred = not decode and self.decoder is not None
        if self.deferred:
            self.decoder = None

    def undo(self, raw: bytes) -> bytes:
        """The document from a whole body received raw (wire cap already checked): the same
        decompression, caps and messages as `feed`. It goes in slices the size httpcore reads
        from a socket, so that a deflate stream is probed (zlib-wrapped or raw) on what its
        first read would have held, not on the whole body."""
        if self.decoder is None:
            self._add(raw)
        else:
            view = memoryview(raw)
            for start in range(0, len(view), _READ_SIZE):
                self._decode(view[start : start + _READ_SIZE])
        return self.finish()

    def feed(self, chunk: bytes) -> None:
        self.wire += len(chunk)
        if self.wire > self.limits.max_wire_bytes:
            raise _Failure(f"body over {human_bytes(self.limits.max_wire_bytes)} cap")
        if self.deferred:
            self.parts.append(chunk)
        elif self.decoder is None:
            self._add(chunk)
        else:
            self._decode(chunk)

    def _decode(self, chunk: bytes | memoryview) -> None:
        if self.decoder is None or self.decoder.eof:
            return  # trailing garbage after the stream: ignored, as browsers do
        try:
            if self._first and self.encoding == "deflate":
                self._first = False
                try:
                    probe = zlib.decompressobj(zlib.MAX_WBITS)
                    out = probe.decompress(chunk, self._room())
                    self.decoder = probe
                except zlib.error:
                    self.decoder = zlib.decompressobj(-zlib.MAX_WBITS)
                    out = self.decoder.decompress(chunk, self._room())
            else:
                out = self.decoder.decompress(chunk, self._room())
            self._add(out)
            # max_length leaves input unconsumed when the output is capped: keep draining.
            while self.decoder.unconsumed_tail and not self.decoder.eof:
                out = self.decoder.decompress(self.decoder.unconsumed_tail, self._room())
                self._add(out)
        except zlib.error as error:
            raise _Failure(f"corrupt {self.encoding} body ({error})") from error

    def _room(self) -> int:
        return self.limits.max_body_bytes - self.size + 1

    def _add(self, data: bytes) -> None:
        if not data:
            return
        self.size += len(data)
        if self.size > self.limits.max_body_bytes:
            raise _Failure(
                f"body over {human_bytes(self.limits.max_body_bytes)} cap after decompression"
            )
        self.parts.append(data)

    def finish(self) -> bytes:
        if self.decoder is not None:
            try:
                self._add(self.decoder.flush())
            except zlib.error as error:
                raise _Failure(f"corrupt {self.encoding} body ({error})") from error
            if not self.decoder.eof:
                raise _Failure(
                    f"{'gzip' if 'gzip' in self.encoding else 'deflate'} stream truncated"
                )
        return b"".join(self.parts)


# ---------------------------------------------------------------------------------------------
# The HTTP side
# ---------------------------------------------------------------------------------------------


def _lower_headers(headers: httpx.Headers) -> dict[str, str]:
    """Response headers with lower-case keys, describing the body we hand on (decoded)."""
    out: dict[str, str] = {}
    for key, value in headers.multi_items():
        key = key.lower()
        if key in ("content-encoding", "content-length", "location"):
            continue  # they describe the bytes on the wire, not the decoded body
        out[key] = f"{out[key]}, {value}" if key in out else value
    return out


_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)


class _Sender:
    """Sends one request straight to the transport, without httpx.AsyncClient.

    The client added nothing we use (we follow redirects, decode bodies and time out the
    whole fetch ourselves) and cost about half a millisecond of CPU per request; it also
    parsed every Location header even with redirects off, raising on one such as
    `javascript:alert(1)` that we want to report ourselves. No cookie jar either: one feed's
    cookies never reach another.
    """

    def __init__(
        self, transport: httpx.AsyncBaseTransport, limits: FetchLimits, *, accept: str | None
    ) -> None:
        self.transport = transport
        self.headers = {"User-Agent": limits.user_agent, "Accept-Encoding": "gzip, deflate"}
        if accept:
            self.headers["Accept"] = accept
        # The deadline (asyncio.timeout around the whole fetch) bounds reads, writes and the
        # pool; httpcore's own timeouts there would only race it with a less clear message.
        self.extensions = {"timeout": httpx.Timeout(None, connect=limits.connect_timeout).as_dict()}

    async def send(self, url: str, headers: Mapping[str, str]) -> httpx.Response:
        request = httpx.Request(
            "GET", url, headers={**self.headers, **headers}, extensions=self.extensions
        )
        return await self.transport.handle_async_request(request)

    async def aclose(self) -> None:
        await self.transport.aclose()


def _check_scheme(url: str, *, redirect: bool) -> None:
    scheme = urlsplit(url).scheme.lower()
    if scheme not in ("http", "https"):
        where = "redirect to" if redirect else "URL with"
        raise _Failure(f"{where} non-http scheme {clean_line(scheme, 20)!r}")


_MAX_SHARDS = 64


class _ShardedTransport(httpx.AsyncBaseTransport):
    """Connection pools by origin: each request goes to the pool its scheme, host and port hash to.

    httpcore's pool checks every idle connection it holds (a poll and a getpeername each) for
    every request it assigns and every response it closes, so one pool for hundreds of feeds
    spent more CPU on that than on the HTTP itself. With a pool per shard, a pool holds about
    one host's connections. The pools are made on first use (a few microseconds each); the
    Fetcher's semaphores keep the overall and per-host bounds, and each pool keeps at most
    `per_pool` idle connections per scheme, so at most 2 × shards × per_pool sockets stay open.

    http and https origins never share a pool. The certificate store (certifi's, about 30 ms to
    load) is read when the first https pool is made; http pools get a verifying context with no
    certificates at all, which they never use (no proxies) and which would refuse any TLS peer.
    """

    def __init__(self, *, shards: int, per_pool: int) -> None:
        self._shards = shards
        self._limits = httpx.Limits(
            max_connections=None, max_keepalive_connections=max(1, per_pool)
        )
        self._pools: dict[tuple[bytes, int], httpx.AsyncHTTPTransport] = {}
        self._tls: ssl.SSLContext | None = None
        self._plain = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # verifies, trusts nothing

    def _context(self, scheme: bytes) -> ssl.SSLContext:
        if scheme != b"https":
            return self._plain
        if self._tls is None:
            self._tls = ssl.create_default_context(cafile=certifi.where())
        return self._tls

    def _pool(self, url: httpx.URL) -> httpx.AsyncHTTPTransport:
        scheme = url.raw_scheme
        key = (scheme, zlib.crc32(b"%b:%d" % (url.raw_host, url.port or 0)) % self._shards)
        pool = self._pools.get(key)
        if pool is None:
            pool = self._pools[key] = httpx.AsyncHTTPTransport(
                verify=self._context(scheme), trust_env=False, limits=self._limits
            )
        return pool

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._pool(request.url).handle_async_request(request)

    async def aclose(self) -> None:
        for pool in self._pools.values():
            await pool.aclose()


class Fetcher:
    """Fetches feeds concurrently over small per-origin pools, bounded overall and per host.

    Use as `async with Fetcher(limits, ...) as fetcher: await fetcher.fetch(spec, state)`.
    """

    def __init__(
        self,
        limits: FetchLimits | None = None,
        *,
        max_connections: int = 32,
        max_per_host: int = 4,
        base_dir: Path | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        decode: bool = True,
    ) -> None:
        self.limits = limits or FetchLimits()
        self.base_dir = base_dir
        self.decode = decode
        """False: a gzip or deflate body comes back as received (its `encoding` says which),
        for `decode_body` to undo in the process that parses it (see the function)."""
        self._max_per_host = max(1, max_per_host)
        self._slots = asyncio.Semaphore(max(1, max_connections))
        self._hosts: dict[str, asyncio.Semaphore] = {}
        connections = max(1, max_connections)
        if transport is None:
            transport = _ShardedTransport(
                shards=max(1, min(_MAX_SHARDS, connections)), per_pool=self._max_per_host
            )
        self._sender = _Sender(transport, self.limits, accept=_ACCEPT)

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._sender.aclose()

    def _host_slot(self, url: str) -> asyncio.Semaphore:
        # The netloc as written (host and port), never parsed: a bad port must not raise here.
        key = urlsplit(url).netloc.rsplit("@", 1)[-1].lower()
        slot = self._hosts.get(key)
        if slot is None:
            slot = self._hosts[key] = asyncio.Semaphore(self._max_per_host)
        return slot

    async def fetch(self, spec: FeedSpec, state: FeedState | None = None) -> FeedResponse:
        """Fetch one feed; never raises for the feed's own failures (they come back as status)."""
        url = state.url if state is not None and state.url else spec.url
        started = time.monotonic()
        try:
            if _is_local(url):
                return await asyncio.to_thread(self._read_local, spec, url, state, started)
            async with self._slots:
                started = time.monotonic()  # waiting for a slot is not the feed's fault
                return await self._fetch_http(spec, url, state, started)
        except _Failure as failure:
            return FeedResponse(
                feed=spec.name,
                status="gone" if failure.gone else "error",
                url=url,
                http_status=failure.http_status,
                retry_after=failure.retry_after,
                error=str(failure),
                elapsed=time.monotonic() - started,
            )

    async def _fetch_http(
        self, spec: FeedSpec, url: str, state: FeedState | None, started: float
    ) -> FeedResponse:
        headers: dict[str, str] = {}
        if state is not None and state.etag:
            headers["If-None-Match"] = state.etag
        if state is not None and state.last_modified:
            headers["If-Modified-Since"] = state.last_modified
        try:
            async with asyncio.timeout(self.limits.deadline):
                result = await _get(
                    self._sender, url, headers, self.limits, self._host_slot, decode=self.decode
                )
        except TimeoutError as error:
            raise _Failure(f"timed out after {self.limits.deadline:g} s (deadline)") from error
        final_url, permanent, response, (body, encoding) = result
        elapsed = time.monotonic() - started
        lowered = _lower_headers(response.headers)
        not_modified = response.status_code == 304
        return FeedResponse(
            feed=spec.name,
            status="not_modified" if not_modified else "ok",
            url=final_url,
            http_status=response.status_code,
            body=body,
            headers=lowered,
            # A 304 may omit the validators: keep the ones we sent.
            etag=lowered.get("etag") or (state.etag if state and not_modified else None),
            last_modified=lowered.get("last-modified")
            or (state.last_modified if state and not_modified else None),
            permanent_url=permanent if permanent != url else None,
            elapsed=elapsed,
            encoding=encoding,
        )

    def _read_local(
        self, spec: FeedSpec, url: str, state: FeedState | None, started: float
    ) -> FeedResponse:
        path = _local_path(url, self.base_dir)
        try:
            stat = path.stat()
            stamp = formatdate(stat.st_mtime, usegmt=True)
            unchanged = state is not None and state.last_modified == stamp
            if unchanged and state is not None and state.last_status in ("ok", "not_modified"):
                return FeedResponse(
                    feed=spec.name,
                    status="not_modified",
                    url=url,
                    last_modified=stamp,
                    elapsed=time.monotonic() - started,
                )
        except OSError as error:
            raise _Failure(f"cannot read {path}: {error.strerror or error}") from error
        # Only a regular file, and only up to the cap: a FIFO would block this fetch forever,
        # /dev/zero fill the memory (read_capped refuses both, without waiting for a writer).
        body = read_capped(path, self.limits.max_body_bytes, "a feed", _Failure)
        return FeedResponse(
            feed=spec.name,
            status="ok",
            url=url,
            body=body,
            last_modified=stamp,
            elapsed=time.monotonic() - started,
        )


def _is_local(url: str) -> bool:
    match = _SCHEME.match(url)
    if match is None:
        return True
    scheme = match.group(1).lower()
    # A one-letter "scheme" is a Windows drive (C:\feeds\x.xml).
    return scheme == "file" or len(scheme) == 1


def _local_path(url: str, base_dir: Path | None) -> Path:
    if url.lower().startswith("file:"):
        path = Path(unquote(urlsplit(url).path))
    else:
        path = Path(url).expanduser()
    if not path.is_absolute() and base_dir is not None:
        path = base_dir / path
    return path


SlotFor = Callable[[str], asyncio.Semaphore]
"""Gives the semaphore that bounds connections to a URL's host."""


async def _get(
    sender: _Sender,
    url: str,
    headers: Mapping[str, str],
    limits: FetchLimits,
    slot_for: SlotFor,
    *,
    decode: bool = True,
) -> tuple[str, str, httpx.Response, tuple[bytes, str]]:
    """GET `url` following redirects ourselves.

    Returns (final URL, permanent URL, response, (body, encoding still to undo)); the encoding
    is "" unless `decode` is False (see `_read`). The permanent URL is where the leading run of
    301/308 redirects led (the URL itself if none). Raises _Failure for every failure, with its
    one line.
    """
    _check_scheme(url, redirect=False)
    seen = {url}
    permanent = url
    only_permanent = True
    current = url
    for _hop in range(limits.max_redirects + 1):
        async with slot_for(current):
            try:
                response = await sender.send(current, headers)
            except httpx.ConnectTimeout as error:
                raise _Failure(f"connect timed out after {limits.connect_timeout:g} s") from error
            except httpx.TimeoutException as error:
                raise _Failure(f"timed out ({type(error).__name__})") from error
            except httpx.HTTPError as error:
                raise _Failure(_network_error(error)) from error
            except (httpx.InvalidURL, ValueError) as error:
                raise _Failure(f"invalid URL ({clean_line(str(error), 120)})") from error
            try:
                code = response.status_code
                if code in REDIRECT_CODES:
                    location = response.headers.get("location")
                    if not location:
                        raise _Failure(f"{_status_line(code)} without a Location", http_status=code)
                    try:
                        target = urljoin(current, location.strip())
                    except ValueError as error:
                        raise _Failure(
                            f"redirect to an invalid URL ({clean_line(location, 120)!r})",
                            http_status=code,
                        ) from error
                    _check_scheme(target, redirect=True)
                    if target in seen:
                        raise _Failure("redirect loop", http_status=code)
                    seen.add(target)
                    if only_permanent and code in PERMANENT_REDIRECTS:
                        permanent = target
                    else:
                        only_permanent = False
                    current = target
                    continue
                if code == 304:
                    return current, permanent, response, (b"", "")
                if 200 <= code < 300:
                    body = await _read(response, limits, decode=decode)
                    return current, permanent, response, body
                raise _http_failure(response, limits)
            finally:
                await response.aclose()
    raise _Failure(f"too many redirects (over {limits.max_redirects})")


def _http_failure(response: httpx.Response, limits: FetchLimits) -> _Failure:
    code = response.status_code
    if code == 410:
        return _Failure(f"{_status_line(code)} (feed disabled)", http_status=code, gone=True)
    retry = None
    if code in (429, 503):
        retry = parse_retry_after(
            response.headers.get("retry-after"), datetime.now(UTC), limits.max_retry_after
        )
    message = _status_line(code)
    if retry is not None:
        message += f" (retry after {retry:.0f} s)"
    return _Failure(message, http_status=code, retry_after=retry)


def _network_error(error: httpx.HTTPError) -> str:
    kind = {
        httpx.ConnectError: "connection failed",
        httpx.RemoteProtocolError: "protocol error",
        httpx.ReadError: "read error",
    }
    for cls, label in kind.items():
        if isinstance(error, cls):
            detail = clean_line(str(error), 160)
            return f"{label}: {detail}" if detail else label
    return clean_line(f"{type(error).__name__}: {error}", 200)


async def _read(
    response: httpx.Response, limits: FetchLimits, *, decode: bool = True
) -> tuple[bytes, str]:
    """The body and the Content-Encoding still to undo on it.

    With `decode`, the body is decompressed here ("" comes back). Without, a gzip or deflate body
    is only held to the wire cap here and comes back as received, with its encoding, for
    `decode_body` to decompress (and hold to the decompressed cap) elsewhere; an identity body
    meets both caps here, and an unknown encoding fails here, as with `decode`.
    """
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limits.max_wire_bytes:
        raise _Failure(
            f"body over {human_bytes(limits.max_wire_bytes)} cap", http_status=response.status_code
        )
    body = _Body(response.headers.get("content-encoding", ""), limits, decode=decode)
    try:
        async for chunk in response.aiter_raw():
            body.feed(chunk)
    except httpx.TimeoutException as error:
        raise _Failure(f"timed out reading the body ({type(error).__name__})") from error
    except httpx.HTTPError as error:
        # A connection closed before Content-Length was reached lands here.
        raise _Failure(f"body cut short: {_network_error(error)}") from error
    if body.deferred:
        return b"".join(body.parts), body.encoding
    return body.finish(), ""


def decode_body(response: FeedResponse, limits: FetchLimits) -> FeedResponse:
    """A response of a `Fetcher(decode=False)` as `Fetcher()` would have given it.

    The body decompressed, or, when that fails (corrupt, truncated, over the decompressed cap),
    the error response with the same one line. It lets a parsing worker process decompress a
    body instead of the process that downloads: the downloader then does less, and passes a
    body about a tenth the size to the worker.
    """
    if not response.encoding:
        return response
    try:
        body = _Body(response.encoding, limits).undo(response.body)
    except _Failure as failure:
        return FeedResponse(
            feed=response.feed,
            status="error",
            url=response.url,
            error=str(failure),
            elapsed=response.elapsed,
        )
    return replace(response, body=body, encoding="")


# ---------------------------------------------------------------------------------------------
# One document, synchronously (for `briefing import URL`)
# ---------------------------------------------------------------------------------------------


def fetch_document(
    url: str, *, timeout: float = 20.0, max_bytes: int = 10_000_000
) -> FetchedDocument:
    """Download one http(s) document with the feed limits. Raises FetchError with one line."""
    limits = FetchLimits(
        deadline=timeout,
        connect_timeout=min(timeout, 10.0),
        max_wire_bytes=max_bytes,
        max_body_bytes=max_bytes,
    )

    async def run() -> FetchedDocument:
        sender = _Sender(_ShardedTransport(shards=1, per_pool=1), limits, accept=None)
        try:
            slot = asyncio.Semaphore(1)
            try:
                async with asyncio.timeout(timeout):
                    final, _perm, response, body = await _get(
                        sender, url, {}, limits, lambda _url: slot
                    )
            except TimeoutError as error:
                raise _Failure(f"timed out after {timeout:g} s (deadline)") from error
            if response.status_code == 304 or not body[0].strip():
                raise _Failure("empty response")
            return FetchedDocument(
                url=final,
                status=response.status_code,
                headers=_lower_headers(response.headers),
                body=body[0],
            )
        finally:
            await sender.aclose()

    if _SCHEME.match(url) is None:
        raise FetchError(f"{clean_line(url, 200)}: not an http(s) URL")
    try:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return asyncio.run(run())
        # Called from inside an event loop: run ours on a helper thread.
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, run()).result()
    except _Failure as failure:
        raise FetchError(f"{clean_line(url, 200)}: {failure}") from failure


__all__ = [
    "FeedResponse",
    "FetchLimits",
    "FetchedDocument",
    "Fetcher",
    "backoff_delay",
    "decode_body",
    "fetch_document",
    "human_bytes",
    "is_due",
    "next_fetch_at",
    "parse_retry_after",
]
