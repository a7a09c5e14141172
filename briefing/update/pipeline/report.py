"""What a run reports: one FeedReport per fetched feed, made from its outcome, and the RunReport."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from briefing.core.models import FetchOutcome, FetchStatus, StoreResult
from briefing.update.pipeline.articles import ArticlesReport


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
    articles: ArticlesReport | None = None
    """The full-text stage, when a due feed has `full_text: true`."""

    @property
    def failed(self) -> tuple[FeedReport, ...]:
        return tuple(r for r in self.feeds if r.failed)

    @property
    def ok(self) -> bool:
        return not self.failed


ProgressCallback = Callable[[int, int, FeedReport | None], None]
"""Called as (done, total, report): once with (0, total, None) before fetching, then after each
feed. Always called on the thread that called `update`."""


def feed_report(
    outcome: FetchOutcome,
    result: StoreResult | None = None,
    *,
    parser: str | None = None,
    warnings: tuple[str, ...] = (),
) -> FeedReport:
    """The report of one feed: what was recorded for it, and what storing its items changed."""
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


def in_config_order(reports: Sequence[FeedReport], names: Sequence[str]) -> tuple[FeedReport, ...]:
    """The reports in the order of feeds.yaml (they arrive in the order the feeds finished)."""
    order = {name: i for i, name in enumerate(names)}
    return tuple(sorted(reports, key=lambda r: order.get(r.feed, len(order))))


def stored_so_far(reports: Sequence[FeedReport], total: int) -> str:
    """What a run had stored when it stopped: for the one line of a full disk."""
    stored = [r for r in reports if r.status == "ok"]
    new = sum(r.new for r in stored)
    return (
        f"{len(stored)} of {total} feeds were fetched and stored before it "
        f"({new} new item{'s' if new != 1 else ''})"
    )
