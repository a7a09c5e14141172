"""The one place a FetchOutcome is made: what the database records about one feed in one run."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from briefing.acquisition.fetch import FeedResponse, next_fetch_at
from briefing.core.models import FetchOutcome
from briefing.update.pipeline.plan import FeedJob


@dataclass(frozen=True)
class Failure:
    """Why a downloaded feed stored nothing, as its one line."""

    reason: str
    retry: bool = False
    """True when the feed was fine but storing it failed (a full disk, a locked file): the
    feed keeps its validators and is due again at once, so the next run stores it."""


@dataclass(frozen=True)
class Stored:
    """What a parsed feed brings to its outcome (the rest of the parsed feed goes to the store)."""

    title: str | None
    kept: int
    dropped: int


def feed_outcome(
    job: FeedJob,
    response: FeedResponse | None,
    result: Stored | Failure | None,
    *,
    elapsed: float,
) -> FetchOutcome:
    """The outcome of one feed.

    Args:
        job: the feed, its state before the run, and the run's clock.
        response: what the download gave (None for a document in hand, or when the download
            itself raised).
        result: the parsed feed about to be stored, why nothing was stored, or None when the
            response alone tells (a 304, an HTTP error, a 410 Gone).
        elapsed: seconds spent on the feed so far.
    """
    feed = job.spec.name
    http_status = response.http_status if response is not None else None
    if isinstance(result, Failure):
        return FetchOutcome(
            feed=feed,
            status="error",
            http_status=http_status,
            error=result.reason,
            next_fetch_at=_retry_at(job) if result.retry else _backoff(job),
            elapsed=elapsed,
        )
    if response is None:  # a document in hand: stored, and never scheduled
        return FetchOutcome(
            feed=feed,
            status="ok",
            seen=_seen(result),
            kept=result.kept if result else 0,
            dropped=result.dropped if result else 0,
            elapsed=elapsed,
            feed_title=result.title if result else None,
        )
    ok = response.status == "ok"
    return FetchOutcome(
        feed=feed,
        status=response.status,
        http_status=http_status,
        error=response.error,
        etag=response.etag,
        last_modified=response.last_modified,
        # A permanent redirect moves the feed only once the new place gave us a feed.
        new_url=response.permanent_url if ok and result is not None else None,
        next_fetch_at=next_fetch_at(job.spec, job.state, response, job.now)
        if job.scheduled
        else None,
        disable=response.status == "gone",
        seen=_seen(result),
        kept=result.kept if result else 0,
        dropped=result.dropped if result else 0,
        elapsed=elapsed,
        feed_title=result.title if result else None,
    )


def _seen(result: Stored | None) -> int:
    return result.kept + result.dropped if result else 0


def _backoff(job: FeedJob) -> datetime | None:
    # A document that is not a usable feed, or a surprise, backs off like any failed download.
    if not job.scheduled:
        return None
    failed = FeedResponse(job.spec.name, "error", job.spec.url)
    return next_fetch_at(job.spec, job.state, failed, job.now)


def _retry_at(job: FeedJob) -> datetime | None:
    # Nothing was stored: the feed stays due. Its own time when that has come already, else now
    # (a forced run), so the next run retries it instead of waiting out an interval.
    if not job.scheduled:
        return None
    previous = job.state.next_fetch_at if job.state is not None else None
    return previous if previous is not None and previous <= job.now else job.now
