"""The update pipeline, the only place that chains the stages: fetch → parse → tag → store.

`update` fetches every due feed concurrently (asyncio in this process), parses and tags the
downloaded documents in a pool of worker processes (so both cores work: parsing is where the
time goes), and the workers turn each feed into rows. One writer process stores them, one
short transaction per feed: a single writer never waits for a lock, keeps its page cache
between transactions, and never holds a transaction across network I/O (the network loop is
this process's). One bad feed never stops the others: whatever happens to a feed becomes that
feed's failure.

`ingest_document` is the same parse → tag → store path for one document already in hand (the
demo, the corpus test).
"""

from __future__ import annotations

import asyncio
import fcntl
import multiprocessing
import os
import pickle
import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from briefing.acquisition.fetch import FeedResponse, Fetcher, FetchLimits, is_due, next_fetch_at
from briefing.acquisition.parse import parse_feed
from briefing.core.errors import (
    ConfigError,
    FetchInProgressError,
    ParseError,
    ReadOnlyStoreError,
    StoreError,
)
from briefing.core.models import (
    ActorInfo,
    Config,
    Entry,
    FeedSpec,
    FeedState,
    FetchOutcome,
    FetchStatus,
    StoreResult,
    Tagged,
    Verdict,
)
from briefing.core.text import clean_line
from briefing.store import PreparedFeed, Store, prepare_feed

if TYPE_CHECKING:
    from briefing.intelligence.tagging import Tagger

# ---------------------------------------------------------------------------------------------
# What a run reports
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedReport:
    """One feed's result in one run: what the per-feed table shows."""

    feed: str
    status: FetchStatus
    http_status: int | None = None
    error: str | None = None
    seen: int = 0
    kept: int = 0
    dropped: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    merged: int = 0
    elapsed: float = 0.0
    next_fetch_at: datetime | None = None
    parser: str | None = None
    warnings: tuple[str, ...] = ()

    @property
    def failed(self) -> bool:
        return self.status in ("error", "gone")


@dataclass(frozen=True)
class RunReport:
    """A whole `update`: each fetched feed's report, and the feeds that were not due."""

    run_id: str
    started_at: datetime
    feeds: tuple[FeedReport, ...] = ()
    not_due: tuple[str, ...] = ()
    """Feeds skipped because their interval has not passed (use force to fetch them)."""
    disabled: tuple[str, ...] = ()
    """Feeds switched off in feeds.yaml or by a 410 Gone."""
    elapsed: float = 0.0

    @property
    def failed(self) -> tuple[FeedReport, ...]:
        return tuple(r for r in self.feeds if r.failed)

    @property
    def ok(self) -> bool:
        return not self.failed


ProgressCallback = Callable[[int, int, FeedReport | None], None]
"""Called as (done, total, report): once with (0, total, None) before fetching, then after each
feed. Always called on the thread that called `update`."""


# ---------------------------------------------------------------------------------------------
# Parse + tag: the CPU-bound part, run in worker processes
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Work:
    """A document parsed and tagged, ready for `store.store_feed`."""

    title: str | None
    tagged: tuple[Tagged, ...]
    dropped: tuple[tuple[Entry, Verdict], ...]
    parser: str
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Ready:
    """A feed parsed, tagged and turned into rows: what the writer stores (small to pickle)."""

    title: str | None
    kept: int
    dropped: int
    parser: str
    warnings: tuple[str, ...]
    rows: PreparedFeed
    actors: tuple[ActorInfo, ...] = ()
    """A worker's gazetteer, sent with its first feed: stored before the feed's mentions."""


def _ready(work: _Work, rows: PreparedFeed, actors: tuple[ActorInfo, ...] = ()) -> _Ready:
    return _Ready(
        work.title, len(work.tagged), len(work.dropped), work.parser, work.warnings, rows, actors
    )


def _parse_and_tag(
    spec: FeedSpec, body: bytes, headers: Mapping[str, str], tagger: Tagger, now: datetime
) -> _Work | str:
    """Parse and tag one document; any failure comes back as its one-line reason."""
    try:
        parsed = parse_feed(body, headers, spec, now=now)
        tagged: list[Tagged] = []
        dropped: list[tuple[Entry, Verdict]] = []
        for entry in parsed.entries:
            result = tagger.tag(entry, spec)
            if result.verdict.relevant:
                tagged.append(result)
            else:
                dropped.append((entry, result.verdict))
        return _Work(parsed.title, tuple(tagged), tuple(dropped), parsed.parser, parsed.warnings)
    except ParseError as error:
        return clean_line(str(error), 500)
    except Exception as error:  # noqa: BLE001 - a crashing parser or tagger fails this feed only
        return clean_line(f"could not process the feed ({type(error).__name__}: {error})", 500)


_WORKER_TAGGER: Tagger | None = None
"""The Tagger of this worker process: inherited on fork when the caller gave one, else made
from `_WORKER_CONFIG` as the worker starts (when documents are expected) or on its first
document (a warm run of 304s never makes one)."""
_WORKER_CONFIG: Config | None = None
_WORKER_SEND_ACTORS = False
"""True when this worker built its Tagger: its first feed carries the actors to store."""


def _init_worker(config: Config, warm: bool) -> None:
    global _WORKER_CONFIG
    # Ctrl-C is the main process's to handle: it lets the running feeds finish their
    # transaction and shuts the pool down, instead of each worker printing a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER_CONFIG = config
    if warm:
        # Documents are on their way: build the Tagger now, while the main process starts
        # downloading, rather than on the first document.
        with suppress(Exception):  # a failure shows again, as that feed's, on first use
            _worker_tagger()


def _worker_tagger() -> Tagger:
    global _WORKER_TAGGER, _WORKER_SEND_ACTORS
    if _WORKER_TAGGER is None:
        from briefing.intelligence.tagging import Tagger

        if _WORKER_CONFIG is None:  # pragma: no cover - the initializer always runs first
            raise RuntimeError("worker not ready")
        _WORKER_TAGGER = Tagger.from_config(_WORKER_CONFIG)
        _WORKER_SEND_ACTORS = True
    return _WORKER_TAGGER


def _prepare_in_worker(
    spec: FeedSpec,
    body: bytes,
    headers: Mapping[str, str],
    now: datetime,
    outcome: FetchOutcome,
    next_on_error: datetime | None,
    run_id: str,
) -> tuple[FetchOutcome, bytes | str]:
    """Parse and tag one fetched feed and build its rows, in a worker process (no database).

    The rows come back pickled: the main process hands them to the writer without unpickling.
    """
    global _WORKER_SEND_ACTORS
    started = time.monotonic()
    tagger = _worker_tagger()
    work = _parse_and_tag(spec, body, headers, tagger, now)
    ready: bytes | str
    if isinstance(work, str):
        outcome = replace(outcome, next_fetch_at=next_on_error)
        ready = work
    else:
        actors: tuple[ActorInfo, ...] = ()
        if _WORKER_SEND_ACTORS:
            actors, _WORKER_SEND_ACTORS = tuple(tagger.actor_infos()), False
        rows = prepare_feed(spec.name, work.tagged, work.dropped, run_id)
        ready = pickle.dumps(_ready(work, rows, actors), protocol=pickle.HIGHEST_PROTOCOL)
    return replace(outcome, elapsed=outcome.elapsed + time.monotonic() - started), ready


_RECORD_BATCH = 64
"""Feed-health records (304s, failures) written at a time by the writer."""

_WRITER_STORE: Store | None = None
"""The writer process's connection (see `_pools`)."""
INDEX_EVERY = 64
"""Feeds the writer stores between two rounds of search indexing: items become searchable during
a long fetch, and the run's end has little left to index (m005: one round costs about as much
as indexing a single feed by itself)."""
_WRITER_UNINDEXED = 0


def _init_writer(db_path: Path) -> None:
    global _WRITER_STORE
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # as in _init_worker
    store = Store.open(db_path)
    # Hundreds of short transactions in a row: checkpoint, and add the new items to the search
    # index, once at the end of the run (`update` does both), not with every feed.
    store.defer_checkpoints()
    store.defer_search_index()
    _WRITER_STORE = store


def _writer_store() -> Store:
    if _WRITER_STORE is None:  # pragma: no cover - the initializer always runs first
        raise RuntimeError("writer not ready")
    return _WRITER_STORE


def _store_in_writer(outcome: FetchOutcome, ready: bytes | str, run_id: str) -> FeedReport:
    """Store one feed a worker prepared (pickled there: this process passes bytes along)."""
    global _WRITER_UNINDEXED
    work: _Ready | str = pickle.loads(ready) if isinstance(ready, bytes) else ready
    store = _writer_store()
    report = _store_work(store, outcome, work, run_id)
    if not isinstance(work, str):
        _WRITER_UNINDEXED += 1
        if _WRITER_UNINDEXED >= INDEX_EVERY:
            _WRITER_UNINDEXED = 0
            with suppress(StoreError):  # the feed is stored; its items wait for the next round
                store.index_pending()
    return report


def _record_in_writer(outcomes: Sequence[FetchOutcome], run_id: str) -> None:
    _writer_store().record_outcomes(outcomes, run_id=run_id)


def _close_writer() -> None:
    global _WRITER_STORE
    if _WRITER_STORE is not None:
        _WRITER_STORE.close()
        _WRITER_STORE = None


def _ping() -> int:
    return os.getpid()


@dataclass(frozen=True)
class _Pools:
    parse: Executor
    """Worker processes that parse, tag and build rows (`_prepare_in_worker`)."""
    write: Executor
    """One process that stores them (`_store_in_writer`)."""


@contextmanager
def _pools(
    config: Config, tagger: Tagger | None, db_path: Path | None, workers: int, *, warm: bool
) -> Iterator[_Pools | None]:
    """The parsing workers and the writer; None when all that should stay in this process.

    An in-memory database cannot be shared between processes, so it always stays in-process.
    The writer is a process of its own: in this process it would share one interpreter lock
    with the network loop, and storing is a quarter of a fetch's work. `warm`: each worker
    builds its Tagger (unless it inherits one) as soon as it starts, during the first downloads.
    """
    if workers <= 0 or db_path is None:
        yield None
        return
    global _WORKER_TAGGER
    context: multiprocessing.context.BaseContext
    forkable = "fork" in multiprocessing.get_all_start_methods()
    if forkable and threading.current_thread() is threading.main_thread():
        # Forked workers inherit a Tagger the caller gave (tests); else they build their own.
        _WORKER_TAGGER = tagger
        context = multiprocessing.get_context("fork")
    else:
        # Called from a worker thread (the TUI's fetch): forking while the app's threads run
        # could copy a lock one of them holds. Start fresh interpreters instead, each
        # building its own Tagger from the config.
        context = multiprocessing.get_context("spawn")
    write = ProcessPoolExecutor(
        1, mp_context=context, initializer=_init_writer, initargs=(db_path,)
    )
    parse: ProcessPoolExecutor | None = None
    try:
        # Start every process now: with fork, a pool's first submit forks all its processes,
        # before its management thread starts. Their start-up is not waited for: it overlaps
        # the first downloads.
        write.submit(_ping)
        parse = ProcessPoolExecutor(
            workers, mp_context=context, initializer=_init_worker, initargs=(config, warm)
        )
        for _ in range(workers):
            parse.submit(_ping)
        yield _Pools(parse, write)
    finally:
        if parse is not None:
            parse.shutdown(wait=True, cancel_futures=True)
        with suppress(Exception):  # a writer that died has nothing left to close
            write.submit(_close_writer).result(timeout=60)
        write.shutdown(wait=True, cancel_futures=True)
        _WORKER_TAGGER = None


# ---------------------------------------------------------------------------------------------
# One document in hand
# ---------------------------------------------------------------------------------------------


def _report(
    outcome: FetchOutcome,
    result: StoreResult | None = None,
    *,
    parser: str | None = None,
    warnings: tuple[str, ...] = (),
) -> FeedReport:
    result = result or StoreResult()
    return FeedReport(
        feed=outcome.feed,
        status=outcome.status,
        http_status=outcome.http_status,
        error=outcome.error,
        seen=outcome.seen,
        kept=outcome.kept,
        dropped=outcome.dropped,
        new=result.new,
        updated=result.updated,
        unchanged=result.unchanged,
        merged=result.merged,
        elapsed=outcome.elapsed,
        next_fetch_at=outcome.next_fetch_at,
        parser=parser,
        warnings=warnings,
    )


def _prepare_here(store: Store, work: _Work | str, feed: str, run_id: str) -> _Ready | str:
    """`_prepare_in_worker`'s conversion, in this process (no worker pool)."""
    if isinstance(work, str):
        return work
    return _ready(work, store.prepare_feed(feed, work.tagged, work.dropped, run_id))


def _store_work(store: Store, outcome: FetchOutcome, work: _Ready | str, run_id: str) -> FeedReport:
    """Store one parsed feed (one transaction), or record its parse failure."""
    if isinstance(work, str):
        failed = FetchOutcome(
            feed=outcome.feed,
            status="error",
            http_status=outcome.http_status,
            error=work,
            next_fetch_at=outcome.next_fetch_at,
            elapsed=outcome.elapsed,
        )
        store.record_outcome(failed, run_id=run_id)
        return _report(failed)
    done = FetchOutcome(
        feed=outcome.feed,
        status="ok",
        http_status=outcome.http_status,
        etag=outcome.etag,
        last_modified=outcome.last_modified,
        new_url=outcome.new_url,
        next_fetch_at=outcome.next_fetch_at,
        seen=work.kept + work.dropped,
        kept=work.kept,
        dropped=work.dropped,
        elapsed=outcome.elapsed,
        feed_title=work.title,
    )
    if work.actors:
        # A worker's first feed: its actors go in before any mention of them (cheap when the
        # other worker's went in already).
        store.sync_actors(work.actors)
    result = store.store_prepared(done, work.rows)
    return _report(done, result, parser=work.parser, warnings=work.warnings)


def new_run_id(now: datetime | None = None) -> str:
    """A sortable, unique id for one run: `20260412T081500Z-1a2b3c`."""
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{stamp}-{uuid.uuid4().hex[:6]}"


def ingest_document(
    spec: FeedSpec,
    body: bytes,
    headers: Mapping[str, str],
    store: Store,
    tagger: Tagger,
    *,
    now: datetime | None = None,
    run_id: str = "",
) -> FeedReport:
    """Parse, tag and store one downloaded (or local) document as feed `spec`.

    The caller has run `store.sync_feeds` (with `spec` among the feeds) and
    `store.sync_actors(tagger.actor_infos())`. A document that cannot be parsed is recorded as
    the feed's failure and reported, never raised.

    Returns:
        FeedReport with the counts (seen, kept, dropped, new, updated) or the error.
    """
    now = now or datetime.now(UTC)
    started = time.monotonic()
    work = _parse_and_tag(spec, body, headers, tagger, now)
    outcome = FetchOutcome(
        feed=spec.name, status="ok", next_fetch_at=None, elapsed=time.monotonic() - started
    )
    run_id = run_id or new_run_id(now)
    return _store_work(store, outcome, _prepare_here(store, work, spec.name, run_id), run_id)


# ---------------------------------------------------------------------------------------------
# The fetch lock: one `briefing fetch` per database
# ---------------------------------------------------------------------------------------------


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".fetch.lock")


@contextmanager
def fetch_lock(db_path: Path | None, *, wait: bool = False) -> Iterator[None]:
    """Hold `<db>.fetch.lock` for the block; FetchInProgressError when another fetch holds it.

    flock is released by the kernel when the process dies, so a killed fetch leaves no stale lock.
    """
    if db_path is None:  # an in-memory store: nothing to share
        yield
        return
    path = lock_path(db_path)
    try:
        handle = path.open("a+")
    except OSError as error:
        raise StoreError(
            f"cannot create the fetch lock {path}: {error.strerror or error} — "
            "is the database folder writable?"
        ) from error
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError as error:
            raise FetchInProgressError(
                f"another fetch is running on {db_path} (lock {path}); "
                "it will store its feeds — use --wait to queue behind it"
            ) from error
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        yield
    finally:
        handle.close()  # closing the descriptor releases the lock


# ---------------------------------------------------------------------------------------------
# update(): every due feed, concurrently
# ---------------------------------------------------------------------------------------------


def _select(config: Config, only: Sequence[str]) -> list[FeedSpec]:
    if not only:
        return list(config.feeds)
    by_name = {spec.name.casefold(): spec for spec in config.feeds}
    chosen: list[FeedSpec] = []
    for name in only:
        spec = by_name.get(name.casefold())
        if spec is None:
            known = ", ".join(s.name for s in config.feeds) or "none"
            raise ConfigError(f"no feed named {name!r} in {config.path} (feeds: {known})")
        if spec not in chosen:
            chosen.append(spec)
    return chosen


def _outcome(
    spec: FeedSpec, state: FeedState | None, response: FeedResponse, now: datetime
) -> FetchOutcome:
    return FetchOutcome(
        feed=spec.name,
        status=response.status,
        http_status=response.http_status,
        error=response.error,
        etag=response.etag,
        last_modified=response.last_modified,
        # A permanent redirect moves the feed only once the new place gave us a feed:
        # _store_work keeps new_url for a parsed feed and drops it for a failure.
        new_url=response.permanent_url if response.status == "ok" else None,
        next_fetch_at=next_fetch_at(spec, state, response, now),
        disable=response.status == "gone",
        elapsed=response.elapsed,
    )


@dataclass
class _Run:
    config: Config
    store: Store
    tagger: Tagger | None
    """Built on the first document parsed in this process (never, on a run of 304s)."""
    pools: _Pools | None
    states: dict[str, FeedState]
    run_id: str
    now: datetime | None
    limits: FetchLimits
    reports: list[FeedReport] = field(default_factory=list)
    pending: list[FetchOutcome] = field(default_factory=list)
    batches: list[tuple[tuple[FetchOutcome, ...], asyncio.Future[None]]] = field(
        default_factory=list
    )

    def clock(self) -> datetime:
        return self.now or datetime.now(UTC)

    def _tagger(self) -> Tagger:
        if self.tagger is None:
            from briefing.intelligence.tagging import Tagger

            self.tagger = Tagger.from_config(self.config)
            self.store.sync_actors(self.tagger.actor_infos())
        return self.tagger

    def _next_on_error(self, spec: FeedSpec, state: FeedState | None) -> datetime | None:
        # A document that is not a usable feed backs off like any failure.
        return next_fetch_at(spec, state, FeedResponse(spec.name, "error", spec.url), self.clock())

    async def one(self, fetcher: Fetcher, spec: FeedSpec) -> FeedReport:
        state = self.states.get(spec.name)
        started = time.monotonic()
        try:
            response = await fetcher.fetch(spec, state)
            outcome = _outcome(spec, state, response, self.clock())
            if response.status != "ok":
                self._record(outcome)
                return _report(outcome)
            outcome = replace(outcome, elapsed=time.monotonic() - started)
            next_on_error = self._next_on_error(spec, state)
            if self.pools is not None:
                # Parsing is the costly part: a worker parses, tags and builds the rows; the
                # writer process stores them (its own transaction).
                loop = asyncio.get_running_loop()
                outcome, ready = await loop.run_in_executor(
                    self.pools.parse,
                    _prepare_in_worker,
                    spec,
                    response.body,
                    response.headers,
                    self.clock(),
                    outcome,
                    next_on_error,
                    self.run_id,
                )
                return await loop.run_in_executor(
                    self.pools.write, _store_in_writer, outcome, ready, self.run_id
                )
            work = _parse_and_tag(
                spec, response.body, response.headers, self._tagger(), self.clock()
            )
            if isinstance(work, str):
                outcome = replace(outcome, next_fetch_at=next_on_error)
            outcome = replace(outcome, elapsed=time.monotonic() - started)
            here = _prepare_here(self.store, work, spec.name, self.run_id)
            return _store_work(self.store, outcome, here, self.run_id)
        except Exception as error:  # noqa: BLE001 - one feed's surprise must not stop the run
            message = clean_line(f"internal error: {type(error).__name__}: {error}", 500)
            failed = FetchOutcome(
                feed=spec.name,
                status="error",
                error=message,
                next_fetch_at=self._next_on_error(spec, state),
                elapsed=time.monotonic() - started,
            )
            try:
                self.store.record_outcome(failed, run_id=self.run_id)
            except Exception:  # noqa: BLE001 - the database itself failed; report it anyway
                pass
            return _report(failed)

    def _record(self, outcome: FetchOutcome) -> None:
        """Record a 304 or a failure: only the feed's health, one short transaction each.

        With workers, the writer process records them in batches: on a warm run (hundreds of
        304s) one transaction each would take a third of the time.
        """
        if self.pools is None:
            self.store.record_outcome(outcome, run_id=self.run_id)
            return
        self.pending.append(outcome)
        if len(self.pending) >= _RECORD_BATCH:
            self._flush()

    def _flush(self) -> None:
        if self.pools is None or not self.pending:
            return
        batch, self.pending = tuple(self.pending), []
        future = asyncio.get_running_loop().run_in_executor(
            self.pools.write, _record_in_writer, batch, self.run_id
        )
        self.batches.append((batch, future))

    async def _drain(self) -> None:
        self._flush()
        results = await asyncio.gather(*(f for _, f in self.batches), return_exceptions=True)
        for (batch, _), result in zip(self.batches, results, strict=True):
            if isinstance(result, BaseException):
                # The writer's batch failed: record it feed by feed instead.
                for outcome in batch:
                    with suppress(Exception):
                        self.store.record_outcome(outcome, run_id=self.run_id)

    async def all(self, due: Sequence[FeedSpec], progress: ProgressCallback | None) -> None:
        async with Fetcher(
            self.limits,
            max_connections=self.config.max_connections,
            max_per_host=self.config.max_per_host,
            base_dir=self.config.path.parent,
        ) as fetcher:
            tasks = [asyncio.create_task(self.one(fetcher, spec)) for spec in due]
            for done in asyncio.as_completed(tasks):
                report = await done
                self.reports.append(report)
                if progress is not None:
                    progress(len(self.reports), len(due), report)
        await self._drain()


def event_loop_factory() -> Callable[[], asyncio.AbstractEventLoop]:
    """uvloop's event loop where it is installed (not on Windows), else asyncio's own.

    The fetcher process spends most of its CPU in the event loop and httpcore's socket calls;
    with uvloop a cold 1,000-feed fetch used about 6 % less CPU in all (bench/README_fetch.md).
    """
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop
    factory: Callable[[], asyncio.AbstractEventLoop] = uvloop.new_event_loop
    return factory


def update(
    config: Config,
    store: Store,
    *,
    force: bool = False,
    only: Sequence[str] = (),
    progress: ProgressCallback | None = None,
    now: datetime | None = None,
    wait: bool = False,
    limits: FetchLimits | None = None,
    workers: int = 2,
    tagger: Tagger | None = None,
) -> RunReport:
    """Fetch, parse, tag and store every due feed of `config`.

    Args:
        force: fetch every enabled feed, whatever its interval or backoff says.
        only: fetch just these feeds (by name); implies nothing about force.
        progress: see ProgressCallback.
        now: the reference time (tests); defaults to the clock.
        wait: wait for another running fetch instead of raising FetchInProgressError.
        limits: deadline and byte caps per feed (default: from config's fetch settings).
        workers: parsing processes (0 parses in this process).
        tagger: a ready Tagger (else built from config when a document needs tagging; forked
            workers inherit a given one, spawned workers always build their own).

    Returns:
        RunReport; per-feed failures are in it, never raised.

    Raises:
        FetchInProgressError: another fetch holds the lock on this database (and not `wait`).
        ReadOnlyStoreError: the database is open read-only.
        ConfigError: `only` names a feed that feeds.yaml does not have.
    """
    started = time.monotonic()
    started_at = now or datetime.now(UTC)
    run_id = new_run_id(started_at)
    chosen = _select(config, only)
    if store.read_only:
        raise ReadOnlyStoreError(
            f"{store.path} is open read-only: fetching needs a writable database"
        )
    with fetch_lock(store.path, wait=wait):
        store.sync_feeds(config.feeds)
        states = {state.name: state for state in store.feed_states()}
        due: list[FeedSpec] = []
        not_due: list[str] = []
        disabled: list[str] = []
        for spec in chosen:
            state = states.get(spec.name)
            if not spec.enabled or (state is not None and not state.enabled):
                disabled.append(spec.name)
            elif force or is_due(spec, state, started_at):
                due.append(spec)
            else:
                not_due.append(spec.name)
        if progress is not None:
            progress(0, len(due), None)
        reports: list[FeedReport] = []
        if due:
            # Fork the parsers only when there is more than a document or two to parse.
            n_workers = workers if len(due) > 2 else 0
            # Feeds without validators will send bodies, so the workers build their Tagger as
            # they start, while this process begins downloading. When every due feed can
            # answer 304 (a warm run), whoever parses first builds it, so such a run never
            # pays for it. A gazetteer of the user's own is checked here first, so a mistake
            # in it stops the run with its one line instead of failing every feed.
            unvalidated = any(
                not (state and (state.etag or state.last_modified))
                for state in (states.get(spec.name) for spec in due)
            )
            if tagger is None and n_workers and unvalidated and config.actors_file is not None:
                from briefing.intelligence.tagging import Tagger

                tagger = Tagger.from_config(config)
            if tagger is not None:
                store.sync_actors(tagger.actor_infos())
            warm = n_workers > 0 and unvalidated
            try:
                with _pools(config, tagger, store.path, n_workers, warm=warm) as pools:
                    limits = limits or FetchLimits(
                        deadline=config.fetch_timeout,
                        max_wire_bytes=config.fetch_max_bytes,
                        max_body_bytes=config.fetch_max_bytes,
                    )
                    run = _Run(config, store, tagger, pools, states, run_id, now, limits)
                    with asyncio.Runner(loop_factory=event_loop_factory()) as runner:
                        runner.run(run.all(due, progress))
                    reports = run.reports
            finally:
                # The writer deferred both (see _init_writer); an interrupted run does them too.
                # Should indexing fail, the items stay queued and the next write indexes them.
                with suppress(StoreError):
                    store.index_pending()
                store.checkpoint()
    order = {spec.name: i for i, spec in enumerate(chosen)}
    reports.sort(key=lambda r: order.get(r.feed, len(order)))
    return RunReport(
        run_id=run_id,
        started_at=started_at,
        feeds=tuple(reports),
        not_due=tuple(not_due),
        disabled=tuple(disabled),
        elapsed=time.monotonic() - started,
    )


__all__ = [
    "FeedReport",
    "ProgressCallback",
    "RunReport",
    "fetch_lock",
    "ingest_document",
    "lock_path",
    "new_run_id",
    "update",
]
