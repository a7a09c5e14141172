"""The digest, format-free: the items of a filter, grouped, each group with its brief."""

from __future__ import annotations

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


@dataclass(frozen=True)
class DigestGroup:
    """A group of items (one actor, one tag, one day, or everything) with its brief."""

    key: str
    label: str
    items: tuple[DigestItem, ...]
    brief: ActorBrief


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
    view: str | None = None

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
) -> Digest:
    """Query the store once and assemble the digest of `f`.

    Dismissed items are left out unless `include_dismissed` (or the filter asks for the
    `dismissed` state explicitly).
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
        # The seed is cited once, as context, rather than listed among the news items.
        details = [d for d in details if d.row.id != seed_detail.row.id]
    items = tuple(_item(d) for d in details)
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
        groups=_groups(store, details, items, group_by, f, now),
        seed=_item(seed_detail) if seed_detail is not None else None,
        view=clean_line(view) if view else None,
    )


def _item(d: ItemDetail) -> DigestItem:
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
        note=_note(d.note),
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
) -> tuple[DigestGroup, ...]:
    by_id = {i.id: i for i in items}
    buckets: dict[str, list[ItemDetail]] = {}
    labels: dict[str, str] = {}
    rest: list[ItemDetail] = []
    for d in details:
        keys: list[tuple[str, str]]
        if group_by == "actor":
            keys = [(m.actor_id, m.name) for m in d.mentions]
        elif group_by == "tag":
            keys = [(t, t) for t in d.row.tags]
        elif group_by == "day":
            day = d.row.published.astimezone(UTC).date().isoformat()
            keys = [(day, day)]
        else:
            keys = [("all", "All items")]
        if not keys:
            rest.append(d)
        for key, label in dict.fromkeys(keys):
            buckets.setdefault(key, []).append(d)
            labels.setdefault(key, label)
    if group_by == "day":
        order = sorted(buckets, reverse=True)
    else:
        order = sorted(buckets, key=lambda k: (-len(buckets[k]), labels[k].casefold(), k))
    out: list[DigestGroup] = []
    for key in order:
        actor = store.actor(key) if group_by == "actor" else None
        if group_by is None and len(f.actors) == 1:
            # A digest of one actor's items: its single group gets that actor's brief.
            actor = store.actor(f.actors[0])
        label = actor.name if actor is not None else labels[key]
        out.append(_group(key, label, buckets[key], by_id, actor, f, now))
    if rest:
        key, label = ("none", "No actor") if group_by == "actor" else ("none", "Untagged")
        out.append(_group(key, label, rest, by_id, None, f, now))
    return tuple(out)


def _group(
    key: str,
    label: str,
    details: Sequence[ItemDetail],
    by_id: dict[int, DigestItem],
    actor: ActorInfo | None,
    f: ItemFilter,
    now: datetime,
) -> DigestGroup:
    brief = brief_from_details(details, actor=actor, f=f, now=now, max_points=POINTS_PER_GROUP)
    return DigestGroup(
        key=clean_line(key, 200),
        label=clean_line(label, 200),
        items=tuple(by_id[d.row.id] for d in details),
        brief=brief,
    )


def period_text(d: Digest) -> str:
    start = when_text(d.since) if d.since else "the first item"
    end = until_text(d.until) if d.filter.until else f"until {when_text(d.until)}"
    return f"from {start} {end}"


def counts_text(d: Digest) -> str:
    return (
        f"{plural(len(d.items), 'item')} · {plural(len(d.groups), 'group')} · {d.flagged} flagged · "
        f"{d.with_notes} with notes"
    )
