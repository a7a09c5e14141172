"""What a brief is made of: the frozen dataclasses, the store protocols, time helpers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Literal, Protocol

from briefing.core.errors import BriefingError
from briefing.core.models import ActorInfo, ItemDetail, ItemFilter, SortOrder
from briefing.core.text import clean_line


@dataclass(frozen=True)
class Citation:
    """Where a point or a story comes from: enough to find the item again."""

    item_id: int
    feed: str
    published: datetime
    url: str | None
    title: str


@dataclass(frozen=True)
class KeyPoint:
    """One extracted sentence with its citation (the first item that carried it)."""

    text: str
    score: float
    """Similarity to the actor's corpus, boosted by coverage; 0..1, higher is more typical."""
    citation: Citation
    coverage: int = 1
    """How many items carry this sentence or a near-duplicate of it."""
    also: tuple[Citation, ...] = ()
    """Other items carrying it (at most five), oldest first."""


@dataclass(frozen=True)
class Ranked:
    """A counted value (an actor, a feed, a tag) in a top-N list."""

    key: str
    label: str
    count: int


@dataclass(frozen=True)
class DayCount:
    """Items published on one UTC day."""

    day: date
    count: int


@dataclass(frozen=True)
class Story:
    """A story in the recent or most-covered list; coverage counts republications."""

    citation: Citation
    coverage: int
    also_in: tuple[str, ...] = ()


Trend = Literal["rising", "falling", "steady", "none"]


@dataclass(frozen=True)
class ActorBrief:
    """What one actor (or, with `actor=None`, a whole filter) did over a window."""

    actor: ActorInfo | None
    filter: ItemFilter
    generated_at: datetime
    since: datetime | None
    until: datetime
    total: int
    daily: tuple[DayCount, ...]
    """One entry per UTC day of the window, oldest first (at most `MAX_DAYS`)."""
    trend: Trend
    trend_change: float
    """Relative change of the daily mean between the window's two halves (0.5 = +50 %)."""
    co_mentions: tuple[Ranked, ...]
    sources: tuple[Ranked, ...]
    tags: tuple[Ranked, ...]
    recent: tuple[Story, ...]
    most_covered: tuple[Story, ...]
    key_points: tuple[KeyPoint, ...]
    oldest: datetime | None = None
    """When the oldest item was published (the window's real start when `since` is None)."""

    @property
    def subject(self) -> str:
        return self.actor.name if self.actor is not None else "All items"


class UnknownActorError(BriefingError):
    """The actor named in a brief request is not in the gazetteer."""


class ActorSource(Protocol):
    """Anything that resolves an actor id, name or alias (the store does)."""

    def actor(self, id_or_name: str) -> ActorInfo | None: ...


class BriefSource(ActorSource, Protocol):
    """The part of the store a brief needs (the real `Store` satisfies it)."""

    def items_detail(
        self, f: ItemFilter, *, sort: SortOrder = "newest", limit: int | None = None
    ) -> list[ItemDetail]: ...


def utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def timestamp(d: ItemDetail) -> float:
    return utc(d.row.published).timestamp()


def citation_of(d: ItemDetail) -> Citation:
    return Citation(
        item_id=d.row.id,
        feed=clean_line(d.row.feed, 200),
        published=utc(d.row.published),
        url=d.row.url,
        title=clean_line(d.row.title, 500),
    )
