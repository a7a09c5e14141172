"""Pure helpers over `ItemFilter`: toggling facet values, chips and their removal, date ranges.

Kept free of Textual so the filter logic is unit-testable on its own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, tzinfo
from typing import Literal

from briefing.core.errors import SearchSyntaxError
from briefing.core.models import ItemFilter, TriageState
from briefing.core.search import parse_search, positive_terms
from briefing.core.text import clean_line

FacetKind = str
"""One of `actor`, `tag`, `feed`, `event`, `place`, `state`, `date`, `text`, `kind`, `ids`, `tagged`."""

DATE_RANGES: dict[str, tuple[str, timedelta | None]] = {
    "24h": ("last 24 hours", timedelta(days=1)),
    "7d": ("last 7 days", timedelta(days=7)),
    "30d": ("last 30 days", timedelta(days=30)),
    "any": ("any time", None),
}
"""The date choices of the filter panel: key → (label, how far back)."""

STATES: tuple[tuple[TriageState, str], ...] = (
    ("active", "not dismissed"),
    ("unread", "unread"),
    ("flagged", "flagged"),
    ("read", "read"),
    ("dismissed", "dismissed"),
    ("all", "everything"),
)
"""The triage states of the filter panel, with their labels."""

TAGGED: tuple[tuple[str, str], ...] = (("any", "any tag"), ("none", "untagged"))
"""The tagged-or-not choices (`ItemFilter.tagged`): "everything I tagged" and its opposite."""

_TUPLE_FIELDS = {
    "actor": "actors",
    "tag": "tags",
    "feed": "feeds",
    "event": "events",
    "place": "places",
}


@dataclass(frozen=True)
class Chip:
    """One removable piece of the active filter."""

    key: str
    """`kind:value`, what `remove_chip` takes."""
    kind: str
    label: str
    """Plain text (already cleaned); widgets wrap it in Content, never in markup."""


def toggle(
    f: ItemFilter, kind: FacetKind, value: str, *, now: datetime | None = None
) -> ItemFilter:
    """Add `value` to the filter's facet, or remove it when already there (state/date replace)."""
    if kind in _TUPLE_FIELDS:
        return _with_values(f, kind, _flip(_values(f, kind), value))
    if kind == "state":
        state: TriageState = next((s for s, _label in STATES if s == value), "active")
        return replace(f, state="active" if f.state == state else state)
    if kind == "date":
        return with_date_range(f, value, now=now)
    if kind == "tagged":
        wanted: Literal["any", "none"] = "none" if value == "none" else "any"
        return replace(f, tagged=None if f.tagged == wanted else wanted)
    if kind == "text":
        return replace(f, text=value.strip())
    raise ValueError(f"unknown filter kind {kind!r}")


def _values(f: ItemFilter, kind: str) -> tuple[str, ...]:
    values: tuple[str, ...] = getattr(f, _TUPLE_FIELDS[kind])
    return values


def _with_values(f: ItemFilter, kind: str, values: tuple[str, ...]) -> ItemFilter:
    # Event types and places filter like actors: any of the chosen values (issue 12).
    field = _TUPLE_FIELDS[kind]
    if field == "actors":
        return replace(f, actors=values)
    if field == "tags":
        return replace(f, tags=values)
    if field == "events":
        return replace(f, events=values)
    if field == "places":
        return replace(f, places=values)
    return replace(f, feeds=values)


def _flip(values: tuple[str, ...], value: str) -> tuple[str, ...]:
    return tuple(v for v in values if v != value) if value in values else (*values, value)


def with_date_range(f: ItemFilter, key: str, *, now: datetime | None = None) -> ItemFilter:
    """Set the relative window from one of DATE_RANGES (`any` clears it, with `since`/`until`).

    The window stays relative (`within`): the store counts it back from each query's moment,
    so the list, a chip and a saved view never go stale. `now` is no longer needed for it."""
    _label, back = DATE_RANGES.get(key, DATE_RANGES["any"])
    return replace(f, since=None, until=None, within=back)


def date_range_key(f: ItemFilter, now: datetime | None = None) -> str | None:
    """Which DATE_RANGES entry the filter's window matches (None when it is custom or unset)."""
    if f.within is not None:
        if f.since is not None or f.until is not None:
            return None
        return next((k for k, (_l, back) in DATE_RANGES.items() if back == f.within), None)
    if f.since is None:
        return "any" if f.until is None else None
    current = now or datetime.now().astimezone()
    for key, (_label, back) in DATE_RANGES.items():
        if back is not None and abs((current - back - f.since).total_seconds()) < 3600:
            return key
    return None


def chips(
    f: ItemFilter,
    labels: Mapping[str, str] | None = None,
    *,
    now: datetime | None = None,
) -> list[Chip]:
    """The removable chips of a filter, in a stable order; `labels` maps actor ids to names."""
    names = labels or {}
    out: list[Chip] = []
    if f.text:
        out.append(Chip("text:", "search", clean_line(f.text, 40)))
    for kind in _TUPLE_FIELDS:
        for value in _values(f, kind):
            label = names.get(value, value) if kind in ("actor", "place") else value
            if kind == "event":
                label = value.replace("_", " ")
            out.append(Chip(f"{kind}:{value}", kind, clean_line(label, 40)))
    if f.tagged is not None:
        out.append(Chip("tagged:", "tags", dict(TAGGED).get(f.tagged, f.tagged)))
    if f.since is not None or f.until is not None or f.within is not None:
        out.append(Chip("date:", "date", describe_dates(f, now=now)))
    if f.state != "active":
        out.append(Chip("state:", "state", dict(STATES).get(f.state, f.state)))
    for kind_value in f.kinds:
        out.append(Chip(f"kind:{kind_value}", "kind", kind_value))
    if f.ids:
        out.append(Chip("ids:", "items", f"{len(f.ids)} chosen"))
    return out


def remove_chip(f: ItemFilter, key: str) -> ItemFilter:
    """The filter without the chip `key` (as `chips` produced it)."""
    kind, _, value = key.partition(":")
    if kind in _TUPLE_FIELDS:
        return _with_values(f, kind, tuple(v for v in _values(f, kind) if v != value))
    if kind == "text":
        return replace(f, text="")
    if kind == "tagged":
        return replace(f, tagged=None)
    if kind == "date":
        return replace(f, since=None, until=None, within=None)
    if kind == "state":
        return replace(f, state="active")
    if kind == "kind":
        return replace(f, kinds=tuple(k for k in f.kinds if k != value))
    if kind == "ids":
        return replace(f, ids=())
    return f


def since_look(f: ItemFilter, when: datetime) -> ItemFilter:
    """The filter narrowed to items published since the analyst's last look."""
    return replace(f, since=when, until=None, within=None)


def is_since_look(f: ItemFilter, when: datetime | None) -> bool:
    return when is not None and f.since == when and f.until is None and f.within is None


def parse_date_range(text: str, tz: tzinfo | None) -> tuple[datetime | None, datetime | None]:
    """`YYYY-MM-DD to YYYY-MM-DD` (either side may be empty) → [since, until) in `tz`, both
    days included. Raises ValueError with a line that says what to type."""
    left, sep, right = text.strip().partition(" to ")
    if not sep:
        left, sep, right = text.strip().partition("..")
    if not sep:
        left, right = text.strip(), ""

    def day(part: str) -> datetime | None:
        part = part.strip()
        if not part:
            return None
        try:
            return datetime.strptime(part, "%Y-%m-%d").replace(tzinfo=tz)
        except ValueError:
            raise ValueError(
                f"date range: {clean_line(part, 40)!r} is not a date — type YYYY-MM-DD to YYYY-MM-DD"
            ) from None

    since, last = day(left), day(right)
    if since is None and last is None:
        raise ValueError("date range: empty — type YYYY-MM-DD to YYYY-MM-DD")
    until = last + timedelta(days=1) if last is not None else None
    if since is not None and until is not None and until <= since:
        raise ValueError("date range: the end is before the start — type the earlier day first")
    return since, until


def chip_order(order: Sequence[Chip], current: Sequence[Chip]) -> list[Chip]:
    """`current`'s chips in the order they were added: those already in `order` keep their
    place, new (or changed, like a date range switched from 7 to 1 day) ones go last."""
    kept = [c for c in order if c in current]
    return kept + [c for c in current if c not in kept]


def describe_dates(f: ItemFilter, *, now: datetime | None = None) -> str:
    key = date_range_key(f, now)
    if key is not None and key != "any":
        return DATE_RANGES[key][0]
    if f.within is not None and f.since is None and f.until is None:
        seconds = int(f.within.total_seconds())
        if seconds % 86_400 == 0:
            return f"last {seconds // 86_400} days"
        if seconds % 3_600 == 0:
            return f"last {seconds // 3_600} hours"
        return f"last {max(seconds // 60, 1)} minutes"
    if f.within is not None:
        f = f.resolved(now or datetime.now().astimezone())
    since = f.since.strftime("%Y-%m-%d") if f.since else "…"
    # `until` is the exclusive end: a range typed as "…to 11-15" ends at 11-16 00:00.
    last = f.until - timedelta(seconds=1) if f.until else None
    until = last.strftime("%Y-%m-%d") if last else "now"
    return f"{since} → {until}"


SETTINGS_FIRST = ("date", "state", "tags")
"""Chip kinds the header names first: one each and short, so a clipped header still says
which time window and state are on (a 7-day filter stays visible at 80 columns)."""


def describe(
    f: ItemFilter, labels: Mapping[str, str] | None = None, *, settings_first: bool = False
) -> str:
    """One plain line for the header: `actor=Haftar tag=escalation "search"` ("none" when the
    filter is empty); `settings_first` puts the single-valued settings (date, state, tagged)
    before the chips' own order."""
    shown = chips(f, labels)
    if settings_first:
        shown = sorted(shown, key=lambda c: c.kind not in SETTINGS_FIRST)
    return " ".join(f"{c.kind}={c.label}" for c in shown) or "none"


def search_words(text: str) -> list[str]:
    """The words a matching item contains, for highlighting (not operators, not exclusions)."""
    try:
        node = parse_search(text)
    except SearchSyntaxError:
        return []
    # The normalised form too: "النفط" typed also marks the "نفط" of "والنفط" and "نفط".
    words = (w for t in positive_terms(node) for w in (*t.text.split(), *t.normalised.split()))
    return list(dict.fromkeys(words))


def keymap_from_settings(
    keys: tuple[tuple[str, str], ...], known: Callable[[str], str | None]
) -> tuple[dict[str, str], list[str]]:
    """Turn `tui.keys` (action → key) into a Textual keymap (binding id → key).

    `known` maps an action or binding id to its binding id (None when unknown). Returns the
    keymap and the names that matched no binding, so the app can say so in one line.
    """
    keymap: dict[str, str] = {}
    unknown: list[str] = []
    for action, key in keys:
        binding_id = known(action.strip().removeprefix("action_"))
        if binding_id is None:
            unknown.append(action)
        else:
            keymap[binding_id] = ",".join(k.strip() for k in key.split(",") if k.strip())
    return keymap, unknown
