"""Storing one prepared feed: its items and its health in one transaction, or its failure."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress

from briefing.acquisition.fetch import FeedResponse
from briefing.core.errors import DiskFullError, StoreError
from briefing.core.text import clean_line
from briefing.store import Store
from briefing.update.pipeline.outcome import Failure, feed_outcome
from briefing.update.pipeline.plan import FeedJob
from briefing.update.pipeline.prepare import Rows
from briefing.update.pipeline.report import FeedReport, feed_report


def store_feed(
    store: Store,
    job: FeedJob,
    response: FeedResponse | None,
    result: Rows | Failure,
    *,
    elapsed: float,
) -> FeedReport:
    """Store one parsed feed (one transaction), or record why it could not be parsed.

    When storing fails, the feed's failure is recorded (if the database still takes it) so
    that it is retried by the next run; a full disk is raised (DiskFullError): the run stops.
    """
    try:
        return _store(store, (job, response, result, elapsed))
    except DiskFullError:
        raise
    except StoreError as error:
        failed = feed_outcome(
            job, response, Failure(clean_line(str(error), 500), retry=True), elapsed=elapsed
        )
        with suppress(StoreError):  # the database refuses even that: the feed's state is intact
            store.record_outcome(failed, run_id=job.run_id)
        return feed_report(failed)


Stored = tuple[FeedJob, FeedResponse | None, Rows | Failure, float]
"""A feed to store: its job, its response (bodiless), its rows or failure, seconds so far."""


def store_feeds(store: Store, feeds: Sequence[Stored]) -> list[FeedReport | Exception]:
    """Store several parsed feeds in one transaction (`Store.grouped_writes`); if any of them
    fails, none is kept and each is stored again in a transaction of its own, as `store_feed`
    does, so that one bad feed fails alone. A full disk is raised (DiskFullError). Each feed's
    report, or the exception that stopped it in its own transaction."""
    if len(feeds) > 1:
        try:
            with store.grouped_writes():
                return [_store(store, feed) for feed in feeds]
        except DiskFullError:
            raise
        except Exception:  # whatever it was, each feed is tried alone below
            pass
    reports: list[FeedReport | Exception] = []
    for job, response, result, elapsed in feeds:
        try:
            reports.append(store_feed(store, job, response, result, elapsed=elapsed))
        except DiskFullError:
            raise
        except Exception as error:  # one feed's surprise is that feed's (see run._Fetch.one)
            reports.append(error)
    return reports


def _store(store: Store, feed: Stored) -> FeedReport:
    """One feed's writes (its rows and health, or its failure), raising what fails."""
    job, response, result, elapsed = feed
    outcome = feed_outcome(job, response, result, elapsed=elapsed)
    if isinstance(result, Failure):
        store.record_outcome(outcome, run_id=job.run_id)
        return feed_report(outcome)
    if result.actors:
        # A worker's first feed: its actors go in before any mention of them (cheap when
        # the other worker's went in already).
        store.sync_actors(result.actors)
    if result.places:
        store.sync_places(result.places)
    stored = store.store_prepared(outcome, result.rows)
    return feed_report(outcome, stored, parser=result.parser, warnings=result.warnings)
