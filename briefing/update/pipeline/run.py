"""`update`: plan the run, download every due feed concurrently, and hand each to a runner.

The network loop is asyncio in this process; what follows a download (parse, tag, store) is the
runner's (see runners.py). One bad feed never stops the others: whatever happens to a feed
becomes that feed's failure. A full disk stops the run, with one line.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from briefing.acquisition.fetch import Fetcher, FetchLimits
from briefing.core.errors import DiskFullError, ReadOnlyStoreError, StoreError
from briefing.core.models import Config, FeedSpec, FeedState
from briefing.core.text import clean_line
from briefing.store import Store
from briefing.update.pipeline.articles import ArticlesReport, fetch_articles
from briefing.update.pipeline.lock import fetch_lock
from briefing.update.pipeline.outcome import Failure, feed_outcome
from briefing.update.pipeline.plan import (
    FeedJob,
    answers_304,
    new_run_id,
    plan_run,
    select_feeds,
)
from briefing.update.pipeline.processes import bulk_collection, can_fork, worker_pools
from briefing.update.pipeline.report import (
    FeedReport,
    ProgressCallback,
    RunReport,
    feed_report,
    in_config_order,
    stored_so_far,
)
from briefing.update.pipeline.runners import InProcessRunner, PoolRunner, Runner

if TYPE_CHECKING:
    from briefing.intelligence.tagging import Tagger


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
            workers inherit a given one).

    Returns:
        RunReport; per-feed failures are in it, never raised.

    Raises:
        FetchInProgressError: another fetch holds the lock on this database (and not `wait`).
        ReadOnlyStoreError: the database is open read-only.
        ConfigError: `only` names a feed that feeds.yaml does not have.
        DiskFullError: the disk filled up; the line says what was stored before.
    """
    started = time.monotonic()
    started_at = now or datetime.now(UTC)
    run_id = new_run_id(started_at)
    chosen = select_feeds(config, only)
    if store.read_only:
        raise ReadOnlyStoreError(
            f"{store.path} is open read-only: fetching needs a writable database"
        )
    with fetch_lock(store.path, wait=wait):
        store.sync_feeds(config.feeds)
        states = {state.name: state for state in store.feed_states()}
        plan = plan_run(chosen, states, force=force, now=started_at)
        if progress is not None:
            progress(0, len(plan.due), None)
        reports: list[FeedReport] = []
        articles: ArticlesReport | None = None
        if plan.due:
            limits = limits or FetchLimits(
                deadline=config.fetch_timeout,
                max_wire_bytes=config.fetch_max_bytes,
                max_body_bytes=config.fetch_max_bytes,
            )
            fetch = _Fetch(config, store, states, run_id, now, limits, progress)
            try:
                with _runner(
                    config, store, tagger, states, plan.due, workers, run_id, limits
                ) as runner:
                    with asyncio.Runner(loop_factory=event_loop_factory()) as network:
                        reports = network.run(fetch.all(plan.due, runner))
                        full_text = [spec for spec in plan.due if spec.full_text]
                        if full_text:
                            articles = network.run(
                                fetch_articles(
                                    config, store, full_text, limits, _tagger(config, tagger)
                                )
                            )
            finally:
                # The writer deferred both (see WriterProcess); an interrupted run does them
                # too. Should indexing fail, the items stay queued and the next write indexes them.
                with suppress(StoreError):
                    store.index_pending()
                store.checkpoint()
    return RunReport(
        run_id=run_id,
        started_at=started_at,
        feeds=in_config_order(reports, [spec.name for spec in chosen]),
        not_due=plan.not_due,
        disabled=plan.disabled,
        elapsed=time.monotonic() - started,
        articles=articles,
    )


def _tagger(config: Config, given: Tagger | None) -> Callable[[], Tagger]:
    """The run's Tagger, or one loaded (from the tagger cache) when the first article needs it."""

    def get() -> Tagger:
        if given is not None:
            return given
        from briefing.intelligence.tagging import Tagger

        return Tagger.from_config(config)

    return get


@contextmanager
def _runner(
    config: Config,
    store: Store,
    tagger: Tagger | None,
    states: Mapping[str, FeedState],
    due: Sequence[FeedSpec],
    workers: int,
    run_id: str,
    limits: FetchLimits,
) -> Iterator[Runner]:
    """The process pool when there is more than a document or two to parse, else this process.

    An in-memory database cannot be shared between processes, so it always stays here, as does
    a run started from a thread other than the main one (see `can_fork`).
    """
    n_workers = workers if len(due) > 2 else 0
    # Feeds without validators will send bodies, so the workers build their Tagger as they
    # start, while this process begins downloading. When every due feed can answer 304 (a
    # warm run), whoever parses first builds it, so such a run never pays for it. A gazetteer
    # of the user's own is checked here first, so a mistake in it stops the run with its one
    # line instead of failing every feed.
    warm = n_workers > 0 and not answers_304(states, due)
    if tagger is None and warm and config.actors_file is not None:
        from briefing.intelligence.tagging import Tagger

        tagger = Tagger.from_config(config)
    if tagger is not None:
        store.sync_actors(tagger.actor_infos())
        store.sync_places(tagger.place_infos())
    pooled = n_workers > 0 and can_fork()
    if not pooled or store.path is None:
        yield InProcessRunner(config, store, tagger, run_id)
        return
    with (
        bulk_collection(),
        worker_pools(config, tagger, store.path, n_workers, warm=warm, limits=limits) as pools,
    ):
        yield PoolRunner(pools, store, run_id)


@dataclass
class _Fetch:
    """Downloading one run's due feeds, each handed to the runner as it arrives."""

    config: Config
    store: Store
    states: Mapping[str, FeedState]
    run_id: str
    now: datetime | None
    limits: FetchLimits
    progress: ProgressCallback | None

    def clock(self) -> datetime:
        return self.now or datetime.now(UTC)

    async def all(self, due: Sequence[FeedSpec], runner: Runner) -> list[FeedReport]:
        reports: list[FeedReport] = []
        async with Fetcher(
            self.limits,
            max_connections=self.config.max_connections,
            max_per_host=self.config.max_per_host,
            base_dir=self.config.path.parent,
            decode=not runner.decodes,
        ) as fetcher:
            tasks = [asyncio.create_task(self.one(fetcher, runner, spec)) for spec in due]
            try:
                for done in asyncio.as_completed(tasks):
                    report = await done
                    reports.append(report)
                    if self.progress is not None:
                        self.progress(len(reports), len(due), report)
            except DiskFullError as error:
                # Every other feed would fail the same way: stop, and say it once.
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
                raise DiskFullError(
                    f"{error}; {stored_so_far(reports, len(due))} — free some space, then run "
                    "`briefing fetch` again: the feeds not stored are fetched then"
                ) from error
        await runner.drain()
        return reports

    async def one(self, fetcher: Fetcher, runner: Runner, spec: FeedSpec) -> FeedReport:
        state = self.states.get(spec.name)
        started = time.monotonic()
        try:
            response = await fetcher.fetch(spec, state)
            job = FeedJob(spec, state, self.run_id, self.clock())
            if response.status != "ok":
                outcome = feed_outcome(job, response, None, elapsed=response.elapsed)
                runner.record(outcome)
                return feed_report(outcome)
            return await runner.process(job, response, time.monotonic() - started)
        except DiskFullError:
            raise
        except Exception as error:  # one feed's surprise must not stop the run
            reason = clean_line(f"internal error: {type(error).__name__}: {error}", 500)
            job = FeedJob(spec, state, self.run_id, self.clock())
            failed = feed_outcome(job, None, Failure(reason), elapsed=time.monotonic() - started)
            with suppress(Exception):  # the database itself failed; report it anyway
                self.store.record_outcome(failed, run_id=self.run_id)
            return feed_report(failed)
