"""The worker processes of a fetch: parsers that prepare rows, and the one writer that stores them.

Each process holds its state in one object (`ParserProcess`, `WriterProcess`), set once by the
pool's initializer. Every worker dies with the process that started it (`die_with_parent`): a
killed `briefing fetch` must not leave orphans writing to the database.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from briefing.acquisition.fetch import FeedResponse, FetchLimits, decode_body
from briefing.core.errors import StoreError
from briefing.core.models import ActorInfo, Config, FetchOutcome, PlaceInfo
from briefing.store import Store, prepare_feed
from briefing.update.pipeline.outcome import Failure
from briefing.update.pipeline.plan import FeedJob
from briefing.update.pipeline.prepare import parse_and_tag, to_rows
from briefing.update.pipeline.report import FeedReport
from briefing.update.pipeline.storing import Stored, store_feeds

if TYPE_CHECKING:
    from briefing.intelligence.tagging import Tagger

INDEX_EVERY = 64
"""Feeds the writer stores between two rounds of search indexing: items become searchable during
a long fetch, and the run's end has little left to index (m005: one round costs about as much
as indexing a single feed by itself)."""

PARSER_NICENESS = 10
"""How much lower a parsing worker's CPU priority is than the writer's (`os.nice`). The one
writer is the stage every feed passes through in turn: on a machine with fewer cores than
processes (two parsers, the writer and the downloader on a laptop's two), an even share left
it a backlog that it then stored alone with a core idle, about a quarter of a cold 1,000-feed
fetch's time (bench/README_fetch.md). Parsers that yield keep the writer level with them; a
backlog of parsed feeds waits in the main process instead. It also keeps the parsers' bursts
from slowing the app's writes beside a fetch, whose turn comes after the writer's
transaction. Lowering one's own priority needs no privilege."""

WORKER_GC_THRESHOLD = 50_000
"""Container objects a worker allocates (net) before its youngest garbage generation is
collected (CPython's default is 700). A worker allocates millions of short-lived tuples and
dicts per run and keeps few: at the default, collections took about 3% of its CPU, with this
about 1% (bench/README_fetch.md). A few thousand cyclic objects more before a collection is
not a memory concern in a process that lives for one run."""

PARENT_POLL_SECONDS = 1.0
"""How often a worker checks that its parent lives, where the kernel cannot tell it."""


# ---------------------------------------------------------------------------------------------
# Dying with the parent
# ---------------------------------------------------------------------------------------------

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def die_with_parent(parent: int, *, kernel: bool = sys.platform == "linux") -> None:
    """End this process as soon as process `parent` ends, however it ends (kill -9 included).

    With `kernel` (Linux), the kernel sends SIGKILL on the parent's death (PR_SET_PDEATHSIG);
    everywhere, a thread also polls the parent's pid, which changes when an orphan is adopted.
    """
    if kernel:
        with suppress(Exception):  # no libc to speak to: the polling below still works
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)
    watch = threading.Thread(target=_watch_parent, args=(parent,), name="parent-watch", daemon=True)
    watch.start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(1)  # an orphan: whatever it was doing, its run is over


# ---------------------------------------------------------------------------------------------
# Parsers: parse, tag and build rows, with no database
# ---------------------------------------------------------------------------------------------


class ParserProcess:
    """A parsing worker's Tagger, built once (or inherited on fork), and whether the writer has
    had its gazetteer yet."""

    def __init__(
        self, config: Config, tagger: Tagger | None = None, limits: FetchLimits | None = None
    ) -> None:
        self.config = config
        self.limits = limits or FetchLimits()
        """The run's caps, for the bodies this worker decompresses (`decode_body`)."""
        self.tagger = tagger
        """Inherited when the caller gave one, else built on first use (a warm run of 304s
        never builds one)."""
        self.send_actors = False
        """True when this worker built its Tagger: its first feed carries the actors to store."""

    def get_tagger(self) -> Tagger:
        if self.tagger is None:
            from briefing.intelligence.tagging import Tagger

            self.tagger = Tagger.from_config(self.config)
            self.send_actors = True
        return self.tagger

    def prepare(self, job: FeedJob, response: FeedResponse) -> tuple[Prepared, float]:
        """Decompress, parse and tag one fetched feed and build its rows; returns them and the
        time spent.

        The rows come back pickled: the main process hands them to the writer without
        unpickling. A body that does not decompress (corrupt, truncated, over the cap) comes
        back as the failed download it is, the response `Fetcher()` would have given.
        """
        started = time.monotonic()
        if response.encoding:
            response = decode_body(response, self.limits)
            if response.status != "ok":
                return response, time.monotonic() - started
        tagger = self.get_tagger()
        parsed = parse_and_tag(job, response.body, response.headers, tagger)
        result: bytes | Failure
        if isinstance(parsed, Failure):
            result = parsed
        else:
            actors: tuple[ActorInfo, ...] = ()
            places: tuple[PlaceInfo, ...] = ()
            if self.send_actors:
                actors, self.send_actors = tuple(tagger.actor_infos()), False
                places = tuple(tagger.place_infos())
            rows = prepare_feed(job.spec.name, parsed.tagged, parsed.dropped, job.run_id)
            ready = to_rows(parsed, rows, actors, places)
            result = pickle.dumps(ready, protocol=pickle.HIGHEST_PROTOCOL)
        return result, time.monotonic() - started


Waiting = tuple[FeedJob, FeedResponse, bytes | Failure, float]
"""A parsed feed on its way to the writer: its job, its bodiless response, its pickled rows (or
why it has none) and the seconds spent on it so far."""

Prepared = bytes | Failure | FeedResponse
"""What a parsing worker gives back for one feed: its pickled rows, why it stored nothing, or
the failed download (a body that did not decompress)."""

_parser: ParserProcess | None = None
"""This process's parser, when it is a parsing worker."""


def _init_parser(
    config: Config, tagger: Tagger | None, limits: FetchLimits, warm: bool, parent: int
) -> None:
    global _parser
    die_with_parent(parent)
    # Ctrl-C is the main process's to handle: it lets the running feeds finish their
    # transaction and shuts the pool down, instead of each worker printing a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with suppress(OSError):  # a system that refuses it only loses the saving
        os.nice(PARSER_NICENESS)
    _parser = ParserProcess(config, tagger, limits)
    if warm:
        # Documents are on their way: build the Tagger now, while the main process starts
        # downloading, rather than on the first document.
        with suppress(Exception):  # a failure shows again, as that feed's, on first use
            _parser.get_tagger()
    _settle_heap()


def prepare_in_worker(job: FeedJob, response: FeedResponse) -> tuple[Prepared, float]:
    if _parser is None:  # pragma: no cover - the initializer always runs first
        raise RuntimeError("parser not ready")
    return _parser.prepare(job, response)


# ---------------------------------------------------------------------------------------------
# The writer: one process, one connection, one short transaction per feed
# ---------------------------------------------------------------------------------------------


class WriterProcess:
    """The writer's connection, and how many feeds it stored since it last indexed for search."""

    def __init__(self, store: Store, index_every: int = INDEX_EVERY) -> None:
        # Hundreds of short transactions in a row: checkpoint, and add the new items to the
        # search index, once at the end of the run (`update` does both), not with every feed.
        store.defer_checkpoints()
        store.defer_search_index()
        store.use_bulk_cache()
        self.store = store
        self.index_every = index_every
        self.unindexed = 0

    def store_feed(
        self, job: FeedJob, response: FeedResponse, result: bytes | Failure, elapsed: float
    ) -> FeedReport:
        """Store one feed a worker prepared (pickled there: the main process passed bytes)."""
        report = self.store_feeds([(job, response, result, elapsed)])[0]
        if isinstance(report, Exception):
            raise report
        return report

    def store_feeds(self, feeds: Sequence[Waiting]) -> list[FeedReport | Exception]:
        """Store the feeds that waited while the writer stored the previous ones, in one
        transaction (`storing.store_feeds`: one that fails is stored again alone)."""
        works: list[Stored] = [
            (job, response, pickle.loads(result) if isinstance(result, bytes) else result, elapsed)
            for job, response, result, elapsed in feeds
        ]
        reports = store_feeds(self.store, works)
        self.unindexed += sum(1 for work in works if not isinstance(work[2], Failure))
        if self.unindexed >= self.index_every:
            self.unindexed = 0
            with suppress(StoreError):  # the feeds are stored; their items wait for the next round
                self.store.index_pending()
        return reports

    def record(self, outcomes: Sequence[FetchOutcome], run_id: str) -> None:
        self.store.record_outcomes(outcomes, run_id=run_id)


_writer: WriterProcess | None = None
"""This process's writer, when it is the writing worker."""


def _init_writer(db_path: Path, parent: int) -> None:
    global _writer
    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # as in _init_parser
    _writer = WriterProcess(Store.open(db_path))
    _settle_heap()


def _the_writer() -> WriterProcess:
    if _writer is None:  # pragma: no cover - the initializer always runs first
        raise RuntimeError("writer not ready")
    return _writer


def store_many_in_writer(feeds: Sequence[Waiting]) -> list[FeedReport | Exception]:
    return _the_writer().store_feeds(feeds)


def record_in_writer(outcomes: Sequence[FetchOutcome], run_id: str) -> None:
    _the_writer().record(outcomes, run_id)


def _close_writer() -> None:
    global _writer
    if _writer is not None:
        _writer.store.close()
        _writer = None


def _settle_heap() -> None:
    """Leave what a worker holds for the whole run (its Tagger: hundreds of thousands of
    objects, or the writer's store) out of every garbage collection (`gc.freeze`), and collect
    the young generation less often (`WORKER_GC_THRESHOLD`). Only in worker processes: the
    app's own process keeps CPython's defaults."""
    gc.freeze()
    gc.set_threshold(WORKER_GC_THRESHOLD, *gc.get_threshold()[1:])


@contextmanager
def bulk_collection() -> Iterator[None]:
    """This process's garbage collection while it runs a pooled fetch, as its workers' (see
    `_settle_heap`): what it holds so far (modules, the config, the store) frozen, the young
    generation collected every `WORKER_GC_THRESHOLD` allocations. Its downloads allocate
    hundreds of thousands of short-lived objects: at CPython's default, about 250 collections
    and 0.1 s of a 1,000-feed fetch (bench/README_fetch.md). Restored afterwards; a heap that
    someone else froze before is left frozen."""
    threshold = gc.get_threshold()
    frozen_before = gc.get_freeze_count()
    _settle_heap()
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        if not frozen_before:
            gc.unfreeze()


def _gc_state() -> tuple[int, int]:
    """This process's youngest collection threshold and frozen object count (tests ask the
    workers)."""
    return gc.get_threshold()[0], gc.get_freeze_count()


def _cache_size() -> int:
    """The writer's page cache setting (tests ask it)."""
    return int(_the_writer().store.page_cache_size())


def _ping() -> int:
    return os.getpid()


def _priority() -> int:
    """This process's niceness (tests ask the workers)."""
    return os.getpriority(os.PRIO_PROCESS, 0)


# ---------------------------------------------------------------------------------------------
# Starting and stopping them
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pools:
    parse: Executor
    """Worker processes that parse, tag and build rows (`prepare_in_worker`)."""
    write: Executor
    """One process that stores them (`store_many_in_writer`)."""


def can_fork() -> bool:
    """Worker processes are forked, and only from the main thread: forking while other threads
    run (the TUI's) could copy a lock one of them holds. Elsewhere the run stays in-process."""
    return (
        "fork" in multiprocessing.get_all_start_methods()
        and threading.current_thread() is threading.main_thread()
    )


@contextmanager
def worker_pools(
    config: Config,
    tagger: Tagger | None,
    db_path: Path,
    workers: int,
    *,
    warm: bool,
    limits: FetchLimits | None = None,
) -> Iterator[Pools]:
    """The parsing workers and the writer, for the block.

    The writer is a process of its own: in this process it would share one interpreter lock
    with the network loop, and storing is a quarter of a fetch's work. Forked workers inherit
    a Tagger the caller gave (tests); else each builds its own, at once when `warm`, during
    the first downloads.
    """
    context = multiprocessing.get_context("fork")
    parent = os.getpid()
    write = ProcessPoolExecutor(
        1, mp_context=context, initializer=_init_writer, initargs=(db_path, parent)
    )
    parse: ProcessPoolExecutor | None = None
    try:
        # Start every process now: with fork, a pool's first submit forks all its processes,
        # before its management thread starts. Their start-up is not waited for: it overlaps
        # the first downloads.
        write.submit(_ping)
        parse = ProcessPoolExecutor(
            workers,
            mp_context=context,
            initializer=_init_parser,
            initargs=(config, tagger, limits or FetchLimits(), warm, parent),
        )
        for _ in range(workers):
            parse.submit(_ping)
        yield Pools(parse, write)
    finally:
        if parse is not None:
            parse.shutdown(wait=True, cancel_futures=True)
        with suppress(Exception):  # a writer that died has nothing left to close
            write.submit(_close_writer).result(timeout=60)
        write.shutdown(wait=True, cancel_futures=True)


def bodiless(response: FeedResponse) -> FeedResponse:
    """The response without its document: what the writer needs to know of it. Built field by
    field: dataclasses.replace cost several times as much, on every feed of a run."""
    return FeedResponse(
        response.feed,
        response.status,
        response.url,
        response.http_status,
        etag=response.etag,
        last_modified=response.last_modified,
        permanent_url=response.permanent_url,
        retry_after=response.retry_after,
        error=response.error,
        elapsed=response.elapsed,
    )
