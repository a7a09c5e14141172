"""Building a story brief: the period's stories ranked, by actor, counted against the period
before, placed, with what changed since the last brief of the same filter.

Significance (the Bottom line's order), each part shown in the line's "why":
  + log2(1 + sources)          — how many outlets carried it
  + 0.5 × (languages − 1)      — reported across languages
  + 1.5 violence (clash, strike or shelling, attack on civilians); + 0.5 foreign military
  + 2 flagged by the analyst; + 1 tagged by the analyst
  + 1 new since the last brief; + 0.5 updated since it
  − 1 no discrete event (analysis, background)
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Protocol

from briefing.core.models import ItemFilter, RecordedBrief, StoryActivity
from briefing.core.text import clean_line
from briefing.reports.brief.model import (
    ActorSection,
    Brief,
    Change,
    CountRow,
    FoldedLine,
    Judgment,
    Source,
    StoryLine,
    Trend,
    brief_from_dict,
    event_label,
)
from briefing.reports.summarize import http_url

DEFAULT_PERIOD = timedelta(days=7)
BOTTOM_LINE = 5
"""Developments in the Bottom line at most (3 to 5, as a weekly product has)."""
ACTORS_SHOWN = 15
MIN_TREND_ITEMS = 6
"""Fewer stories than this, in both periods together, have no trend word."""
VIOLENT = frozenset({"armed_clash", "remote_violence", "attack_on_civilians"})
REGIONS = ("Tripolitania", "Cyrenaica", "Fezzan")


class BriefSource(Protocol):
    """The part of the store a brief reads (the real Store satisfies it)."""

    def story_activity(
        self, f: ItemFilter, since: datetime, until: datetime, *, by_arrival: bool = False
    ) -> list[StoryActivity]: ...

    def last_brief(self, filter_key: str) -> RecordedBrief | None: ...

    def brief_fingerprints(self, brief_id: int) -> dict[int, str]: ...

    def brief_document(self, brief_id: int) -> dict[str, object] | None: ...


def fingerprint(activity: StoryActivity) -> str:
    """The story's sources and size: a later brief tells an updated story by a change in it."""
    text = "|".join(sorted(set(activity.all_sources))) + f"#{activity.all_items}"
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:16]


def trend_word(now: int, before: int) -> Trend:
    """ "up"/"down" only where the change is beyond chance (twice its Poisson standard error)
    and there are enough stories to say anything; "steady" otherwise; "" with too few."""
    if now + before < MIN_TREND_ITEMS:
        return ""
    if abs(now - before) < 2 * math.sqrt(now + before):
        return "steady"
    return "up" if now > before else "down"


def _line(a: StoryActivity, change: Change) -> StoryLine:
    feeds: dict[str, Source] = {}
    for r in a.reports:
        feeds.setdefault(
            r.feed, Source(clean_line(r.feed, 200), r.item_id, http_url(r.url), r.language)
        )
    languages = tuple(sorted({r.language for r in a.reports if r.language}))
    score = math.log2(1 + len(feeds))
    why = [f"{len(feeds)} source{'s' if len(feeds) != 1 else ''}"]
    if len(languages) > 1:
        score += 0.5 * (len(languages) - 1)
        why.append(f"{len(languages)} languages")
    if a.event_type in VIOLENT:
        score += 1.5
        why.append("violence")
    elif a.event_type == "foreign_military":
        score += 0.5
        why.append("foreign military")
    elif a.event_type == "none":
        score -= 1.0
    if any(r.flagged for r in a.reports):
        score += 2.0
        why.append("flagged")
    if any(r.tagged for r in a.reports):
        score += 1.0
        why.append("tagged")
    if change == "new":
        score += 1.0
        why.append("new since the last brief")
    elif change == "updated":
        score += 0.5
        why.append("updated since the last brief")
    return StoryLine(
        story_id=a.story_id,
        date=min(r.published for r in a.reports).astimezone(UTC),
        last_seen=max(r.published for r in a.reports).astimezone(UTC),
        event_type=a.event_type,
        place=clean_line(a.place, 100) if a.place else None,
        region=a.region,
        headline=clean_line(a.headline, 300),
        sources=tuple(feeds.values()),
        languages=languages,
        actors=tuple(clean_line(x, 100) for x in a.actors),
        significance=round(score, 3),
        why=tuple(why),
        change=change,
        fingerprint=fingerprint(a),
    )


def _fold(lines: Sequence[StoryLine]) -> tuple[StoryLine | FoldedLine, ...]:
    """An actor's stories, newest first, those of one event type (two or more) in one line."""
    by_type: dict[str, list[StoryLine]] = defaultdict(list)
    for line in lines:
        by_type[line.event_type].append(line)
    out: list[StoryLine | FoldedLine] = []
    for event_type, group in by_type.items():
        if len(group) >= 2 and event_type != "none":
            out.append(FoldedLine(event_type, tuple(sorted(group, key=lambda s: s.date))))
        else:
            out.extend(group)

    def newest(x: StoryLine | FoldedLine) -> datetime:
        return max(s.date for s in x.stories) if isinstance(x, FoldedLine) else x.date

    return tuple(sorted(out, key=newest, reverse=True))


def _counts(
    now: Sequence[StoryActivity], before: Sequence[StoryActivity]
) -> tuple[tuple[CountRow, ...], tuple[CountRow, ...]]:
    types_now = Counter(a.event_type for a in now)
    types_before = Counter(a.event_type for a in before)
    by_type = tuple(
        CountRow(
            event_label(t, 2),
            types_now[t],
            types_before[t],
            trend_word(types_now[t], types_before[t]),
        )
        for t in sorted(set(types_now) | set(types_before), key=lambda t: (-types_now[t], t))
    )
    regions_now = Counter(a.region or "Elsewhere or unplaced" for a in now)
    regions_before = Counter(a.region or "Elsewhere or unplaced" for a in before)
    order = [*REGIONS, "Elsewhere or unplaced"]
    by_region = tuple(
        CountRow(
            r, regions_now[r], regions_before[r], trend_word(regions_now[r], regions_before[r])
        )
        for r in order
        if regions_now[r] or regions_before[r]
    )
    return by_type, by_region


def build_story_brief(
    source: BriefSource,
    f: ItemFilter,
    *,
    now: datetime,
    since: datetime | None = None,
    until: datetime | None = None,
    since_last_brief: bool = False,
    filter_key: str = "",
    filter_text: str = "",
    title: str | None = None,
) -> Brief:
    """The brief of `f` over [since, until) (default: the 7 days before `now`).

    With `since_last_brief`, the period starts where the last recorded brief of the same
    filter was made, and covers what arrived since (by arrival, not publication: a late report
    of an old event is still news to the reader of the last brief).
    """
    now = now.astimezone(UTC)
    until = (until or now).astimezone(UTC)
    previous = source.last_brief(filter_key)
    by_arrival = False
    if since_last_brief and previous is not None:
        since = previous.created_at
        by_arrival = True
    since = (since or until - DEFAULT_PERIOD).astimezone(UTC)
    activity = source.story_activity(f, since, until, by_arrival=by_arrival)
    earlier = source.story_activity(f, since - (until - since), since)
    known = source.brief_fingerprints(previous.id) if previous is not None else {}

    def change(a: StoryActivity) -> Change:
        if previous is None:
            return ""
        if a.story_id not in known:
            return "new"
        return "unchanged" if known[a.story_id] == fingerprint(a) else "updated"

    lines = sorted(
        (_line(a, change(a)) for a in activity),
        key=lambda s: (-s.significance, -s.date.timestamp(), s.story_id),
    )
    by_id = {s.story_id: s for s in lines}
    per_actor: dict[str, list[StoryLine]] = defaultdict(list)
    for line in lines:
        for actor in line.actors:
            per_actor[actor].append(line)
    # Actors with exactly the same stories (an implied parent: UNSMIL's stories are the UN's)
    # share one section, named in rank order, rather than repeat it line for line.
    same: dict[frozenset[int], list[str]] = defaultdict(list)
    for a in sorted(per_actor, key=lambda a: (-len(per_actor[a]), a.casefold())):
        same[frozenset(s.story_id for s in per_actor[a])].append(a)
    actors = list(same.values())[:ACTORS_SHOWN]
    by_type, by_region = _counts(activity, earlier)
    place_counts = Counter((s.place, s.region or "") for s in lines if s.place)
    dropped: tuple[StoryLine, ...] = ()
    if previous is not None:
        document = source.brief_document(previous.id)
        if document is not None:
            old = brief_from_dict(dict(document))
            dropped = tuple(s for s in old.stories if s.story_id not in by_id)
    return Brief(
        title=clean_line(title or f"Libya brief {until:%Y-%m-%d}", 300),
        generated_at=now,
        since=since,
        until=until,
        filter_text=filter_text,
        sources_used=tuple(sorted({x.feed for s in lines for x in s.sources}, key=str.casefold)),
        stories=tuple(lines),
        bottom_line=tuple(lines[:BOTTOM_LINE]),
        by_actor=tuple(
            ActorSection(
                clean_line(names[0], 100),
                _fold(per_actor[names[0]]),
                len(per_actor[names[0]]),
                tuple(clean_line(a, 100) for a in names[1:]),
            )
            for names in actors
        ),
        by_type=by_type,
        by_region=by_region,
        places=tuple(
            (place, region, n)
            for (place, region), n in sorted(place_counts.items(), key=lambda kv: (-kv[1], kv[0]))
            if place
        ),
        judgments=tuple(
            Judgment(a.story_id, by_id[a.story_id].headline, clean_line(note, 2_000))
            for a in activity
            for _, note in a.shared_notes
        ),
        previous_brief=previous.id if previous is not None else None,
        dropped=dropped,
    )


__all__ = [
    "BOTTOM_LINE",
    "DEFAULT_PERIOD",
    "BriefSource",
    "build_story_brief",
    "fingerprint",
    "trend_word",
]
