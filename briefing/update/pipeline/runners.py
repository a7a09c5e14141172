"""How a run turns each downloaded feed into a report: one protocol, two ways to run it.

`InProcessRunner` parses, tags and stores in this process (the TUI's fetch, a run of one or
two feeds, an in-memory database). `PoolRunner` parses in worker processes (so both cores
work: parsing is where the time goes) and stores through the one writer process. Both chain
the same stages: `parse_and_tag` → `to_rows` → `store_feed`.
"""

from __future__ import annotations

import asyncio
import time
from contextlib import suppress
from typing import TYPE_CHECKING, Protocol

from briefing.acquisition.fetch import FeedResponse
from briefing.core.models import Config, FetchOutcome
from briefing.store import Store
from briefing.update.pipeline.outcome import Failure, feed_outcome
from briefing.update.pipeline.plan import FeedJob
from briefing.update.pipeline.prepare import parse_and_tag, to_rows
from briefing.update.pipeline.processes import (
    Pools,
    Waiting,
    bodiless,
    prepare_in_worker,
    record_in_writer,
    store_many_in_writer,
)
from briefing.update.pipeline.report import FeedReport, feed_report
from briefing.update.pipeline.storing import store_feed

if TYPE_CHECKING:
    from briefing.intelligence.tagging import Tagger

RECORD_BATCH = 64
"""Feed-health records (304s, failures) the writer process writes at a time."""

GROUP_MAX = 16
"""Parsed feeds the writer process stores in one transaction at most (`Store.grouped_writes`):
feeds stored together share most of the pages a commit writes to the WAL (bench/
README_fetch.md). The cap bounds how long the app's own writes wait for the lock: about 16
feeds' work, some 50–100 ms on a laptop."""

GROUP_WAIT = 0.05
"""Seconds a parsed feed may wait for others to be stored with it, when the writer is free.
Feeds that arrive while the writer stores go to it together as its next call anyway; this
gathers them when the writer keeps up (it runs ahead of the parsers, see PARSER_NICENESS). On a
slow network a feed waits this long for nothing: 50 ms, against seconds of download."""


class Runner(Protocol):
    """Runs the stages after the download, for every feed of one run."""

    decodes: bool
    """True when the runner decompresses bodies itself (in its workers): the download hands
    them on compressed (`Fetcher(decode=False)`)."""

    async def process(self, job: FeedJob, response: FeedResponse, elapsed: float) -> FeedReport:
        """Parse, tag and store one downloaded document (`elapsed`: seconds spent on it so far)."""
        ...

    def record(self, outcome: FetchOutcome) -> None:
        """Record a feed that brought no document (a 304, a failed download)."""
        ...

    async def drain(self) -> None:
        """Wait until everything recorded is in the database."""
        ...


class InProcessRunner:
    """Every stage in this process, on the store the run was given."""

    decodes = False

    def __init__(self, config: Config, store: Store, tagger: Tagger | None, run_id: str) -> None:
        self.config = config
        self.run_id = run_id
        self.store = store
        self.tagger = tagger
        """Built on the first document parsed (never, on a run of 304s)."""

    def _get_tagger(self) -> Tagger:
        if self.tagger is None:
            from briefing.intelligence.tagging import Tagger

            self.tagger = Tagger.from_config(self.config)
            self.store.sync_actors(self.tagger.actor_infos())
            self.store.sync_places(self.tagger.place_infos())
        return self.tagger

    async def process(self, job: FeedJob, response: FeedResponse, elapsed: float) -> FeedReport:
        started = time.monotonic()
        parsed = parse_and_tag(job, response.body, response.headers, self._get_tagger())
        result = (
            parsed
            if isinstance(parsed, Failure)
            else to_rows(
                parsed,
                self.store.prepare_feed(job.spec.name, parsed.tagged, parsed.dropped, job.run_id),
            )
        )
        elapsed += time.monotonic() - started
        return store_feed(self.store, job, response, result, elapsed=elapsed)

    def record(self, outcome: FetchOutcome) -> None:
        self.store.record_outcome(outcome, run_id=self.run_id)

    async def drain(self) -> None:
        return None


class PoolRunner:
    """Decompressing and parsing in the worker processes, storing in the writer process.

    The workers decompress: this process, which also runs the network loop, then does less, and
    pipes them bodies about a tenth the size.
    """

    decodes = True

    def __init__(self, pools: Pools, store: Store, run_id: str) -> None:
        self.pools = pools
        self.store = store
        """This process's connection: where a batch the writer failed is recorded instead."""
        self.run_id = run_id
        self.pending: list[FetchOutcome] = []
        self.batches: list[tuple[tuple[FetchOutcome, ...], asyncio.Future[None]]] = []
        self.waiting: list[tuple[Waiting, asyncio.Future[FeedReport], float]] = []
        """Parsed feeds for the writer's next call, with where each one's report goes and when
        it arrived (the loop's clock)."""
        self.storing = False
        """True while a call to the writer stores feeds (at most one at a time)."""
        self.timer: asyncio.TimerHandle | None = None
        """Set while the waiting feeds wait for GROUP_WAIT to pass."""

    async def process(self, job: FeedJob, response: FeedResponse, elapsed: float) -> FeedReport:
        loop = asyncio.get_running_loop()
        result, parsing = await loop.run_in_executor(
            self.pools.parse, prepare_in_worker, job, response
        )
        if isinstance(result, FeedResponse):
            # The body did not decompress: a failed download, recorded as one.
            outcome = feed_outcome(job, result, None, elapsed=result.elapsed)
            self.record(outcome)
            return feed_report(outcome)
        report: asyncio.Future[FeedReport] = loop.create_future()
        feed = (job, bodiless(response), result, elapsed + parsing)
        self.waiting.append((feed, report, loop.time()))
        self._consider()
        return await report

    def _consider(self) -> None:
        """Hand the writer the waiting feeds if it is free and they are GROUP_MAX or the oldest
        has waited GROUP_WAIT; else look again when it will have."""
        if self.storing or not self.waiting:
            return
        loop = asyncio.get_running_loop()
        waited = loop.time() - self.waiting[0][2]
        if len(self.waiting) < GROUP_MAX and waited < GROUP_WAIT:
            if self.timer is None:
                self.timer = loop.call_later(GROUP_WAIT - waited, self._on_timer)
            return
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        self._store_waiting()

    def _on_timer(self) -> None:
        self.timer = None
        self._consider()

    def _store_waiting(self) -> None:
        """Hand the writer the first GROUP_MAX feeds waiting."""
        group = [(feed, report) for feed, report, _ in self.waiting[:GROUP_MAX]]
        del self.waiting[:GROUP_MAX]
        self.storing = True
        call = asyncio.get_running_loop().run_in_executor(
            self.pools.write, store_many_in_writer, [feed for feed, _ in group]
        )
        call.add_done_callback(lambda done: self._stored(group, done))

    def _stored(
        self,
        group: list[tuple[Waiting, asyncio.Future[FeedReport]]],
        done: asyncio.Future[list[FeedReport | Exception]],
    ) -> None:
        error = done.exception() if not done.cancelled() else asyncio.CancelledError()
        results: list[FeedReport | BaseException] = (
            [error] * len(group) if error is not None else list(done.result())
        )
        for (_, report), result in zip(group, results, strict=True):
            if report.done():  # its feed's task was cancelled (a full disk stops the run)
                continue
            if isinstance(result, BaseException):
                report.set_exception(result)
            else:
                report.set_result(result)
        self.storing = False
        self._consider()

    def record(self, outcome: FetchOutcome) -> None:
        """Batched: on a warm run (hundreds of 304s) one transaction each would take a third of
        the time."""
        self.pending.append(outcome)
        if len(self.pending) >= RECORD_BATCH:
            self._flush()

    def _flush(self) -> None:
        if not self.pending:
            return
        batch, self.pending = tuple(self.pending), []
        future = asyncio.get_running_loop().run_in_executor(
            self.pools.write, record_in_writer, batch, self.run_id
        )
        self.batches.append((batch, future))

    async def drain(self) -> None:
        self._flush()
        results = await asyncio.gather(*(f for _, f in self.batches), return_exceptions=True)
        for (batch, _), result in zip(self.batches, results, strict=True):
            if isinstance(result, BaseException):
                # The writer's batch failed: record it feed by feed instead.
                for outcome in batch:
                    with suppress(Exception):
                        self.store.record_outcome(outcome, run_id=self.run_id)
        self.batches = []
