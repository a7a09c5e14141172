"""Building a brief: counts, daily series and trend, co-mentions, sources, tags, stories."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from briefing.core.models import ActorInfo, ItemDetail, ItemFilter
from briefing.core.text import clean_line
from briefing.reports.summarize.keypoints import extract_key_points
from briefing.reports.summarize.model import (
    ActorBrief,
    ActorSource,
    BriefSource,
    DayCount,
    Ranked,
    Story,
    Trend,
    UnknownActorError,
    citation_of,
    timestamp,
    utc,
)

MAX_DAYS = 366
TOP_N = 10
STORIES_N = 5


def resolve_actor(store: ActorSource, name: str) -> ActorInfo:
    """The actor called `name` (id, name or alias as the store resolves it), or a clear error."""
    info = store.actor(name)
    if info is None:
        raise UnknownActorError(
            f"unknown actor {clean_line(name, 80)!r}: `briefing actors` lists the known ones"
        )
    return info


def build_brief(
    store: BriefSource,
    *,
    actor: str | None,
    f: ItemFilter,
    now: datetime | None = None,
    max_points: int = 8,
) -> ActorBrief:
    """The brief of `actor` (id or name) within filter `f`, or of the whole filter when None.

    Args:
        store: the store (or anything with `items_detail` and `actor`).
        actor: actor id or name; None briefs every item the filter selects.
        f: the filter; its `actors` field is replaced by the actor when one is given.
        now: the reference time (the window's end when `f.until` is unset).
        max_points: how many key points at most.

    Raises:
        UnknownActorError: `actor` is not known to the store.
    """
    info = resolve_actor(store, actor) if actor is not None else None
    f = f.resolved(utc(now or datetime.now(UTC)))  # "the last 7 days" up to this brief's now
    query = replace(f, actors=(info.id,)) if info is not None else f
    details = store.items_detail(query, sort="newest")
    return brief_from_details(details, actor=info, f=query, now=now, max_points=max_points)


def brief_from_details(
    details: Sequence[ItemDetail],
    *,
    actor: ActorInfo | None,
    f: ItemFilter,
    now: datetime | None = None,
    max_points: int = 8,
) -> ActorBrief:
    """Build a brief from items already fetched (exports reuse one query for many groups)."""
    now = utc(now or datetime.now(UTC))
    f = f.resolved(now)
    items = sorted(details, key=lambda d: (utc(d.row.published), d.row.id))
    until = utc(f.until) if f.until is not None else now
    since = utc(f.since) if f.since is not None else None
    daily = _daily(items, since, until)
    trend, change = _trend(daily)
    return ActorBrief(
        actor=actor,
        filter=f,
        generated_at=now,
        since=since,
        until=until,
        total=len(items),
        daily=daily,
        trend=trend,
        trend_change=change,
        co_mentions=_co_mentions(items, actor),
        sources=_top_sources(items),
        tags=_top_tags(items),
        recent=tuple(
            _story(d) for d in sorted(items, key=lambda d: (-timestamp(d), -d.row.id))[:STORIES_N]
        ),
        # Only stories that more than one feed carried: otherwise it would repeat "recent".
        most_covered=tuple(
            _story(d)
            for d in sorted(items, key=lambda d: (-_coverage(d), -timestamp(d), d.row.id))[
                :STORIES_N
            ]
            if _coverage(d) > 1
        ),
        key_points=extract_key_points(items, actor=actor, max_points=max_points),
        oldest=utc(items[0].row.published) if items else None,
    )


def _coverage(d: ItemDetail) -> int:
    return 1 + len(set(d.row.also_in) - {d.row.feed})


def _story(d: ItemDetail) -> Story:
    others = tuple(clean_line(x, 200) for x in sorted(set(d.row.also_in) - {d.row.feed}))
    return Story(citation=citation_of(d), coverage=1 + len(others), also_in=others)


def _daily(
    items: Sequence[ItemDetail], since: datetime | None, until: datetime
) -> tuple[DayCount, ...]:
    if since is None and not items:
        return ()
    first = since.date() if since is not None else utc(items[0].row.published).date()
    last = until.date()
    if last < first:
        return ()
    if (last - first).days >= MAX_DAYS:
        first = last - timedelta(days=MAX_DAYS - 1)
    counts = Counter(utc(d.row.published).date() for d in items)
    days = (last - first).days + 1
    return tuple(
        DayCount(day, counts.get(day, 0)) for day in (first + timedelta(n) for n in range(days))
    )


MIN_TREND_DAYS = 4
"""A window shorter than this has no trend: one busy day against an empty one is not a trend."""
MIN_TREND_ITEMS = 6
"""Fewer items than this have no trend ("rising" for a group of one item says nothing)."""


def _trend(daily: Sequence[DayCount]) -> tuple[Trend, float]:
    """Compare the window's second half with its first; a trend only where it means something.

    With too few days or items the trend is "none". Otherwise the two halves' counts are
    compared as Poisson counts: a change smaller than twice its standard error (the square root
    of the two counts' sum) is "steady", a larger one "rising" or "falling".
    """
    total = sum(d.count for d in daily)
    if len(daily) < MIN_TREND_DAYS or total < MIN_TREND_ITEMS:
        return "none", 0.0
    half = len(daily) // 2
    before = sum(d.count for d in daily[:half])
    after = sum(d.count for d in daily[len(daily) - half :])
    change = round((after - before) / max(before, 1), 4)
    if abs(after - before) < 2 * math.sqrt(after + before):
        return "steady", change
    return ("rising" if after > before else "falling"), change


def _ranked(counter: Counter[str], labels: dict[str, str]) -> tuple[Ranked, ...]:
    ordered = sorted(counter.items(), key=lambda kv: (-kv[1], labels[kv[0]].casefold(), kv[0]))
    return tuple(Ranked(key, clean_line(labels[key], 200), n) for key, n in ordered[:TOP_N])


def _co_mentions(items: Sequence[ItemDetail], actor: ActorInfo | None) -> tuple[Ranked, ...]:
    counter: Counter[str] = Counter()
    labels: dict[str, str] = {}
    for d in items:
        seen = {m.actor_id for m in d.mentions} - ({actor.id} if actor is not None else set())
        counter.update(seen)
        for m in d.mentions:
            labels.setdefault(m.actor_id, m.name)
    return _ranked(counter, labels)


def _top_sources(items: Sequence[ItemDetail]) -> tuple[Ranked, ...]:
    # A source counts once per story it carried, republications included.
    counter: Counter[str] = Counter()
    for d in items:
        counter.update({d.row.feed, *d.row.also_in})
    labels = {key: key for key in counter}
    return _ranked(counter, labels)


def _top_tags(items: Sequence[ItemDetail]) -> tuple[Ranked, ...]:
    counter: Counter[str] = Counter()
    for d in items:
        counter.update(set(d.row.tags))
    return _ranked(counter, {key: key for key in counter})
