"""The digest, format-free: the items of a filter, grouped, each group with its brief."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal, Protocol

from briefing.core.errors import BriefingError
from briefing.core.models import ActorInfo, ItemDetail, ItemFilter, SortOrder
from briefing.core.text import clean_block, clean_line, strip_unsafe
from briefing.reports.summarize import ActorBrief, ActorSource, brief_from_details, http_url

Format = Literal["md", "html", "json", "csv"]
GroupBy = Literal["actor", "tag", "day"]
FORMATS: tuple[Format, ...] = ("md", "html", "json", "csv")
GROUPINGS: tuple[GroupBy, ...] = ("actor", "tag", "day")
EXTENSIONS: dict[Format, str] = {"md": ".md", "html": ".html", "json": ".json", "csv": ".csv"}
SCHEMA_VERSION = 1
"""Bumped whenever a JSON field is renamed or removed (adding fields keeps the version)."""
POINTS_PER_GROUP = 5
EXCERPT_CHARS = 280


class ExportError(BriefingError):
    """A digest cannot be written (unknown format, unwritable folder)."""


class DigestSource(Protocol):
    """The part of the store a digest needs (the real `Store` satisfies it)."""

    def items_detail(
        self, f: ItemFilter, *, sort: SortOrder = "newest", limit: int | None = None
    ) -> list[ItemDetail]: ...

    def actor(self, id_or_name: str) -> ActorInfo | None: ...

    def seed(self) -> ItemDetail | None: ...


@dataclass(frozen=True)
class DigestItem:
    """One item as every format shows it: text already cleaned, the link already vetted."""

    id: int
    title: str
    url: str | None
    feed: str
    also_in: tuple[str, ...]
    published: datetime
    kind: str
    author: str
    actors: tuple[str, ...]
    actor_ids: tuple[str, ...]
    tags: tuple[str, ...]
    note: str
    summary: str
    flagged: bool
    read: bool
    dismissed: bool
    see_also: tuple[str, ...] = ()
    """The other groups the item belongs to: it is listed once, under its primary group."""

    @property
    def excerpt(self) -> str:
        """A short clean summary to show under the title."""
        return clean_line(self.summary, EXCERPT_CHARS)


@dataclass(frozen=True)
class DigestGroup:
    """A group of items (one actor, one tag, one day, or everything) with its brief."""

    key: str
    label: str
    items: tuple[DigestItem, ...]
    """The items whose primary group this is."""
    brief: ActorBrief
    """Over every item of the group, those listed under another group included."""
    also: tuple[DigestItem, ...] = ()
    """Items of this group listed under another (their primary) group."""


@dataclass(frozen=True)
class Digest:
    """Everything a digest shows, whatever its format."""

    title: str
    generated_at: datetime
    since: datetime | None
    until: datetime
    filter: ItemFilter
    filter_text: str
    group_by: GroupBy | None
    include_dismissed: bool
    items: tuple[DigestItem, ...]
    groups: tuple[DigestGroup, ...]
    seed: DigestItem | None
    """The seed article, as context, only when the filter selects it."""
    view: str | None = None
    include_notes: bool = False
    """The analyst's notes are private: they reach a digest only when asked for."""

    @property
    def flagged(self) -> int:
        return sum(i.flagged for i in self.items)

    @property
    def with_notes(self) -> int:
        return sum(bool(i.note) for i in self.items)


def default_title(now: datetime) -> str:
    return f"Libya briefing digest {now.astimezone(UTC):%Y-%m-%d}"


def build_digest(
    store: DigestSource,
    f: ItemFilter,
    *,
    group_by: GroupBy | None = None,
    title: str | None = None,
    now: datetime | None = None,
    include_dismissed: bool = False,
    view: str | None = None,
    include_notes: bool = False,
) -> Digest:
    """Query the store once and assemble the digest of `f`.

    Dismissed items are left out unless `include_dismissed` (or the filter asks for the
    `dismissed` state explicitly). Notes are left out unless `include_notes`: they are the
    analyst's working thoughts, not what a client reads.
    """
    now = (now or datetime.now(UTC)).astimezone(UTC)
    f = f.resolved(now)  # a relative window ("the last 7 days") ends at this digest's now
    query = f
    if include_dismissed and f.state == "active":
        query = ItemFilter(**{**f.__dict__, "state": "all"})
    details = store.items_detail(query, sort="newest")
    if not include_dismissed and f.state != "dismissed":
        details = [d for d in details if not d.row.dismissed]
    seed_detail = store.seed()
    if seed_detail is not None:
        if any(d.row.id == seed_detail.row.id for d in details):
            # The seed is cited once, as context, rather than listed among the news items.
            details = [d for d in details if d.row.id != seed_detail.row.id]
        else:
            # A digest of this week's news does not cite a 2019 analysis it did not select.
            seed_detail = None
    groups, items = _groups(
        store, details, [_item(d, include_notes) for d in details], group_by, f, now
    )
    earliest = min((d.row.published for d in details), default=None)
    return Digest(
        title=clean_line(title or default_title(now), 300) or default_title(now),
        generated_at=now,
        since=f.since.astimezone(UTC) if f.since else earliest and earliest.astimezone(UTC),
        until=f.until.astimezone(UTC) if f.until else now,
        filter=f,
        filter_text=describe_filter(f, store, view=view, include_dismissed=include_dismissed),
        group_by=group_by,
        include_dismissed=include_dismissed,
        items=items,
        groups=groups,
        seed=_item(seed_detail, include_notes) if seed_detail is not None else None,
        view=clean_line(view) if view else None,
        include_notes=include_notes,
    )


def _item(d: ItemDetail, include_notes: bool) -> DigestItem:
    r = d.row
    return DigestItem(
        id=r.id,
        title=clean_line(r.title, 500) or "(untitled)",
        url=http_url(r.url),
        feed=clean_line(r.feed, 200),
        also_in=tuple(clean_line(x, 200) for x in r.also_in if x != r.feed),
        published=r.published.astimezone(UTC),
        kind=r.kind,
        author=clean_line(d.author or "", 300),
        actors=tuple(clean_line(a, 200) for a in r.actors),
        actor_ids=tuple(m.actor_id for m in d.mentions),
        tags=tuple(clean_line(t, 100) for t in r.tags),
        note=_note(d.note) if include_notes else "",
        summary=clean_block(d.summary, 1_000),
        flagged=r.flagged,
        read=r.read,
        dismissed=r.dismissed,
    )


def _note(text: str) -> str:
    # Analysts' line breaks are kept (clean_block would fold them); blank runs collapse to one.
    lines = [clean_line(line) for line in strip_unsafe(text)[:5_000].split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def describe_filter(
    f: ItemFilter,
    store: ActorSource | None = None,
    *,
    view: str | None = None,
    include_dismissed: bool = False,
) -> str:
    """The filter in words, e.g. `actor: Khalifa Haftar · tag: oil · state: active`."""
    parts: list[str] = []
    if view:
        parts.append(f"view: {view}")
    if f.text:
        parts.append(f"search: “{f.text}”")
    if f.actors:
        names = []
        for a in f.actors:
            info = store.actor(a) if store is not None else None
            names.append(info.name if info is not None else a)
        parts.append("actor: " + ", ".join(names))
    if f.tags:
        parts.append("tag: " + ", ".join(f.tags))
    if f.tagged is not None:
        parts.append("tagged" if f.tagged == "any" else "untagged")
    if f.feeds:
        parts.append("feed: " + ", ".join(f.feeds))
    if f.kinds:
        parts.append("kind: " + ", ".join(f.kinds))
    if f.ids:
        parts.append(f"{len(f.ids)} chosen items")
    if f.since:
        parts.append(f"since {when_text(f.since)}")
    if f.until:
        parts.append(until_text(f.until))
    state = "all" if include_dismissed and f.state == "active" else f.state
    parts.append(f"state: {state}")
    return clean_line(" · ".join(parts), 1_000)


def until_text(value: datetime) -> str:
    # Filters end before `until`; a midnight bound reads better as the day it closes.
    value = value.astimezone(UTC)
    if (value.hour, value.minute, value.second) == (0, 0, 0):
        return f"through {(value - timedelta(days=1)):%Y-%m-%d}"
    return f"until {when_text(value)}"


def when_text(value: datetime) -> str:
    value = value.astimezone(UTC)
    if (value.hour, value.minute, value.second) == (0, 0, 0):
        return f"{value:%Y-%m-%d}"
    return f"{value:%Y-%m-%d %H:%M} UTC"


def _groups(
    store: DigestSource,
    details: Sequence[ItemDetail],
    items: Sequence[DigestItem],
    group_by: GroupBy | None,
    f: ItemFilter,
    now: datetime,
) -> tuple[tuple[DigestGroup, ...], tuple[DigestItem, ...]]:
    """The groups, and the items with their `see_also`.

    Each item under its primary group (its most-mentioned actor, its largest tag group),
    with `see_also` naming the others; each group's brief still covers all of its items."""
    acting: dict[str, bool] = {}

    def is_actor(actor_id: str) -> bool:
        # Places are where things happen, not who acts: they never form actor groups, except
        # those that act as factions (Misrata's forces: `acts: true`).
        if actor_id not in acting:
            info = store.actor(actor_id)
            acting[actor_id] = info is None or info.kind != "place" or info.acts
        return acting[actor_id]

    members: dict[str, list[ItemDetail]] = {}
    labels: dict[str, str] = {}
    keys_of: dict[int, list[str]] = {}
    rest: list[ItemDetail] = []
    for d in details:
        keys: list[tuple[str, str]]
        if group_by == "actor":
            keys = [(m.actor_id, m.name) for m in d.mentions if is_actor(m.actor_id)]
        elif group_by == "tag":
            keys = [(t, t) for t in d.row.tags]
        elif group_by == "day":
            day = d.row.published.astimezone(UTC).date().isoformat()
            keys = [(day, day)]
        else:
            keys = [("all", "All items")]
        if not keys:
            rest.append(d)
        keys_of[d.row.id] = [key for key, _ in dict.fromkeys(keys)]
        for key, label in dict.fromkeys(keys):
            members.setdefault(key, []).append(d)
            labels.setdefault(key, label)
    if group_by == "day":
        order = sorted(members, reverse=True)
    else:
        order = sorted(members, key=lambda k: (-len(members[k]), labels[k].casefold(), k))
    rank = {key: n for n, key in enumerate(order)}
    primary: dict[int, str] = {}
    for item_id, item_keys in keys_of.items():
        if item_keys:
            # Actors: the one the item mentions most (mentions come most-mentioned first);
            # tags: the largest group.
            primary[item_id] = (
                item_keys[0] if group_by == "actor" else min(item_keys, key=rank.__getitem__)
            )
    group_labels: dict[str, str] = {}
    actors: dict[str, ActorInfo | None] = {}
    for key in order:
        actor = store.actor(key) if group_by == "actor" else None
        if group_by is None and len(f.actors) == 1:
            # A digest of one actor's items: its single group gets that actor's brief.
            actor = store.actor(f.actors[0])
        actors[key] = actor
        group_labels[key] = clean_line(actor.name if actor is not None else labels[key], 200)
    by_id = {
        i.id: dataclasses.replace(
            i,
            see_also=tuple(
                group_labels[k] for k in keys_of.get(i.id, ()) if k != primary.get(i.id)
            ),
        )
        for i in items
    }
    out: list[DigestGroup] = []
    for key in order:
        brief = brief_from_details(
            members[key], actor=actors[key], f=f, now=now, max_points=POINTS_PER_GROUP
        )
        listed = tuple(by_id[d.row.id] for d in members[key] if primary[d.row.id] == key)
        if not listed:
            # Every item of this group is listed under another one, which names it in its
            # "see also": a section of only cross-references would repeat the digest.
            continue
        also = tuple(by_id[d.row.id] for d in members[key] if primary[d.row.id] != key)
        out.append(DigestGroup(clean_line(key, 200), group_labels[key], listed, brief, also))
    if rest:
        key, label = ("none", "No actor") if group_by == "actor" else ("none", "Untagged")
        brief = brief_from_details(rest, actor=None, f=f, now=now, max_points=POINTS_PER_GROUP)
        out.append(DigestGroup(key, label, tuple(by_id[d.row.id] for d in rest), brief))
    return tuple(out), tuple(by_id[i.id] for i in items)


def period_text(d: Digest) -> str:
    start = when_text(d.since) if d.since else "the first item"
    end = until_text(d.until) if d.filter.until else f"until {when_text(d.until)}"
    return f"from {start} {end}"


def counts_text(d: Digest) -> str:
    counts = (
        f"{plural(len(d.items), 'item')} · {plural(len(d.groups), 'group')} · {d.flagged} flagged"
    )
    return f"{counts} · {d.with_notes} with notes" if d.include_notes else counts
