"""What a story brief holds, format-free, and its JSON form (a saved brief renders again exactly).

The unit is the story (one real-world event, however many outlets and languages carried it),
never the item. Facts (what was reported, by whom, where) are kept apart from the analyst's
judgments (notes marked to be shared), as analytic practice asks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from briefing.core.models import EVENT_TYPES, EventType
from briefing.core.times import JSON_TIME_FORMAT, json_time

Change = Literal["new", "updated", "unchanged", ""]
"""Against the last recorded brief: a story it did not have, one with new sources or facts, one
as it was; "" when there is no earlier brief to compare with."""
Trend = Literal["up", "down", "steady", ""]

EVENT_LABELS: dict[EventType, tuple[str, str]] = {
    "armed_clash": ("clash", "clashes"),
    "remote_violence": ("strike or shelling", "strikes and shelling"),
    "attack_on_civilians": ("attack on civilians", "attacks on civilians"),
    "protest": ("protest", "protests"),
    "arrest_detention": ("arrest or release", "arrests and releases"),
    "talks_agreement": ("talks or agreement", "talks and agreements"),
    "governance_elections": ("governance step", "governance and election steps"),
    "oil_energy": ("oil or energy development", "oil and energy developments"),
    "economy_finance": ("economic development", "economic developments"),
    "migration": ("migration incident", "migration incidents"),
    "humanitarian": ("humanitarian development", "humanitarian developments"),
    "foreign_military": ("foreign military development", "foreign military developments"),
    "legal_sanctions": ("legal or sanctions step", "legal and sanctions steps"),
    "none": ("other report", "other reports"),
}
"""How a brief names an event type: (one, several)."""


def event_label(event_type: str, count: int = 1) -> str:
    one, many = EVENT_LABELS.get(event_type if event_type in EVENT_TYPES else "none", ("", ""))
    return one if count == 1 else many


@dataclass(frozen=True)
class Source:
    """One outlet's report of a story, cited."""

    feed: str
    item_id: int
    url: str | None
    language: str | None


@dataclass(frozen=True)
class StoryLine:
    """One story as a brief shows it: dated, placed, typed, every source cited."""

    story_id: int
    date: datetime
    """When it was first reported."""
    last_seen: datetime
    event_type: str
    place: str | None
    region: str | None
    headline: str
    sources: tuple[Source, ...]
    languages: tuple[str, ...]
    actors: tuple[str, ...]
    """Actor names (places never), most involved first."""
    significance: float
    why: tuple[str, ...]
    """What made it significant, in words ("4 sources", "3 languages", "violence", "flagged")."""
    change: Change = ""
    fingerprint: str = ""
    """Its sources and reports, hashed: a later brief tells an updated story by it."""


@dataclass(frozen=True)
class FoldedLine:
    """Similar stories of one actor folded into one line ("3 strikes: Derna, Sirte, Zintan")."""

    event_type: str
    stories: tuple[StoryLine, ...]

    @property
    def places(self) -> tuple[str, ...]:
        return tuple(sorted({s.place for s in self.stories if s.place}))


@dataclass(frozen=True)
class ActorSection:
    actor: str
    lines: tuple[StoryLine | FoldedLine, ...]
    stories: int
    same: tuple[str, ...] = ()
    """Other actors with exactly these stories (UNSMIL's are the UN's): one section, not two."""

    @property
    def heading(self) -> str:
        return " and ".join((self.actor, *self.same))


@dataclass(frozen=True)
class CountRow:
    """Stories of one event type or one region, this period against the one before."""

    label: str
    now: int
    before: int
    trend: Trend


@dataclass(frozen=True)
class Judgment:
    """An analyst's note marked to be shared, kept apart from the reported facts."""

    story_id: int
    headline: str
    note: str


@dataclass(frozen=True)
class Brief:
    """A story brief of one period."""

    title: str
    generated_at: datetime
    since: datetime
    until: datetime
    filter_text: str
    sources_used: tuple[str, ...]
    stories: tuple[StoryLine, ...]
    """Every story of the period, most significant first."""
    bottom_line: tuple[StoryLine, ...]
    by_actor: tuple[ActorSection, ...]
    by_type: tuple[CountRow, ...]
    by_region: tuple[CountRow, ...]
    places: tuple[tuple[str, str, int], ...]
    """(place, region, stories) for the geography section, most stories first."""
    judgments: tuple[Judgment, ...]
    previous_brief: int | None = None
    """The recorded brief this one is compared with."""
    dropped: tuple[StoryLine, ...] = ()
    """Stories of the previous brief that are not in this one."""
    recorded_as: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


# --- JSON ------------------------------------------------------------------------------------


def _source_dict(s: Source) -> dict[str, Any]:
    return {"feed": s.feed, "item_id": s.item_id, "url": s.url, "language": s.language}


def _line_dict(s: StoryLine) -> dict[str, Any]:
    return {
        "story_id": s.story_id,
        "date": json_time(s.date),
        "last_seen": json_time(s.last_seen),
        "event_type": s.event_type,
        "place": s.place,
        "region": s.region,
        "headline": s.headline,
        "sources": [_source_dict(x) for x in s.sources],
        "languages": list(s.languages),
        "actors": list(s.actors),
        "significance": round(s.significance, 3),
        "why": list(s.why),
        "change": s.change or None,
        "fingerprint": s.fingerprint,
    }


def _count_dict(c: CountRow) -> dict[str, Any]:
    return {"label": c.label, "now": c.now, "before": c.before, "trend": c.trend or None}


def brief_to_dict(b: Brief) -> dict[str, Any]:
    """The brief as JSON-ready values (`summarize --json`, and what a saved brief keeps)."""

    def entry(x: StoryLine | FoldedLine) -> dict[str, Any]:
        if isinstance(x, FoldedLine):
            return {"folded": x.event_type, "story_ids": [s.story_id for s in x.stories]}
        return {"story_id": x.story_id}

    return {
        "schema": "briefing.story-brief/1",
        "title": b.title,
        "generated_at": json_time(b.generated_at),
        "period": {"since": json_time(b.since), "until": json_time(b.until)},
        "filter": b.filter_text,
        "sources_used": list(b.sources_used),
        "stories": [_line_dict(s) for s in b.stories],
        "bottom_line": [s.story_id for s in b.bottom_line],
        "by_actor": [
            {
                "actor": a.actor,
                "same_stories": list(a.same),
                "stories": a.stories,
                "lines": [entry(x) for x in a.lines],
            }
            for a in b.by_actor
        ],
        "counts": {
            "by_event_type": [_count_dict(c) for c in b.by_type],
            "by_region": [_count_dict(c) for c in b.by_region],
        },
        "places": [{"place": p, "region": r, "stories": n} for p, r, n in b.places],
        "judgments": [
            {"story_id": j.story_id, "headline": j.headline, "note": j.note} for j in b.judgments
        ],
        "previous_brief": b.previous_brief,
        "dropped": [_line_dict(s) for s in b.dropped],
        "recorded_as": b.recorded_as,
    }


def _time(value: Any) -> datetime:
    return datetime.strptime(str(value), JSON_TIME_FORMAT).replace(tzinfo=UTC)


def _line(d: dict[str, Any]) -> StoryLine:
    return StoryLine(
        story_id=int(d["story_id"]),
        date=_time(d["date"]),
        last_seen=_time(d["last_seen"]),
        event_type=str(d["event_type"]),
        place=d.get("place"),
        region=d.get("region"),
        headline=str(d["headline"]),
        sources=tuple(
            Source(str(x["feed"]), int(x["item_id"]), x.get("url"), x.get("language"))
            for x in d["sources"]
        ),
        languages=tuple(d["languages"]),
        actors=tuple(d["actors"]),
        significance=float(d["significance"]),
        why=tuple(d["why"]),
        change=d.get("change") or "",
        fingerprint=str(d.get("fingerprint", "")),
    )


def _count(d: dict[str, Any]) -> CountRow:
    return CountRow(str(d["label"]), int(d["now"]), int(d["before"]), d.get("trend") or "")


def brief_from_dict(d: dict[str, Any]) -> Brief:
    """A brief back from its JSON form: the same brief, to render again exactly."""
    stories = tuple(_line(s) for s in d["stories"])
    by_id = {s.story_id: s for s in stories}

    def entry(x: dict[str, Any]) -> StoryLine | FoldedLine:
        if "folded" in x:
            return FoldedLine(str(x["folded"]), tuple(by_id[i] for i in x["story_ids"]))
        return by_id[int(x["story_id"])]

    sections = tuple(
        ActorSection(
            str(a["actor"]),
            tuple(entry(x) for x in a["lines"]),
            int(a["stories"]),
            # Briefs recorded before sections were merged have no "same_stories".
            tuple(str(x) for x in a.get("same_stories", ())),
        )
        for a in d["by_actor"]
    )
    return Brief(
        title=str(d["title"]),
        generated_at=_time(d["generated_at"]),
        since=_time(d["period"]["since"]),
        until=_time(d["period"]["until"]),
        filter_text=str(d["filter"]),
        sources_used=tuple(d["sources_used"]),
        stories=stories,
        bottom_line=tuple(by_id[i] for i in d["bottom_line"]),
        by_actor=sections,
        by_type=tuple(_count(c) for c in d["counts"]["by_event_type"]),
        by_region=tuple(_count(c) for c in d["counts"]["by_region"]),
        places=tuple((str(p["place"]), str(p["region"]), int(p["stories"])) for p in d["places"]),
        judgments=tuple(
            Judgment(int(j["story_id"]), str(j["headline"]), str(j["note"])) for j in d["judgments"]
        ),
        previous_brief=d.get("previous_brief"),
        dropped=tuple(_line(s) for s in d.get("dropped", ())),
        recorded_as=d.get("recorded_as"),
    )
