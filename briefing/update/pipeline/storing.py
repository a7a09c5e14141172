"""Storing one prepared feed: its items and its health in one transaction, or its failure."""

from __future__ import annotations

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
    outcome = feed_outcome(job, response, result, elapsed=elapsed)
    if isinstance(result, Failure):
        store.record_outcome(outcome, run_id=job.run_id)
        return feed_report(outcome)
    try:
        if result.actors:
            # A worker's first feed: its actors go in before any mention of them (cheap when
            # the other worker's went in already).
            store.sync_actors(result.actors)
        if result.places:
            store.sync_places(result.places)
        stored = store.store_prepared(outcome, result.rows)
    except DiskFullError:
        raise
    except StoreError as error:
        failed = feed_outcome(
            job, response, Failure(clean_line(str(error), 500), retry=True), elapsed=elapsed
        )
        with suppress(StoreError):  # the database refuses even that: the feed's state is intact
            store.record_outcome(failed, run_id=job.run_id)
        return feed_report(failed)
    return feed_report(outcome, stored, parser=result.parser, warnings=result.warnings)
