"""Conversions between rows and the models: dates as sortable UTC text, JSON columns, filters."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from json.encoder import encode_basestring
from typing import Any

from briefing.core.models import (
    EVENT_TYPES,
    ActorMention,
    Entry,
    EventType,
    ItemFilter,
    Reason,
    Verdict,
)
from briefing.core.text import clean_line

_JSON = json.JSONEncoder(ensure_ascii=False)
"""`json.dumps(…, ensure_ascii=False)` without building an encoder per call (a fetch makes
several calls per item)."""


def json_strings(values: Iterable[str]) -> str:
    """`_JSON.encode(list(values))` for a list of strings: the same text (each string as the
    encoder writes it, joined by its ", "), without the encoder's set-up, which costs twice the
    encoding of a short list. The fetch's writer encodes a few per new item (a story's
    reasons, sources, actors)."""
    return "[" + ", ".join(map(encode_basestring, values)) + "]"


def iso(value: datetime | None) -> str | None:
    """UTC, second precision, one fixed format: these strings sort as the times they name."""
    if value is None:
        return None
    if value.tzinfo is UTC and not value.microsecond:
        return value.isoformat()  # already in that form (parse's dates, the store's clock)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).replace(microsecond=0).isoformat()


def parse_iso(value: str | None) -> datetime | None:
    if not value:
        return None
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def require_iso(value: str) -> datetime:
    parsed = parse_iso(value)
    assert parsed is not None
    return parsed


def reasons_to_json(reasons: tuple[Reason, ...]) -> str:
    # Built by hand: dataclasses.asdict deep-copies and was a hot spot of storing a feed.
    return _JSON.encode(
        [{"term": r.term, "field": r.field, "weight": r.weight, "note": r.note} for r in reasons]
    )


def reasons_from_json(text: str | None) -> tuple[Reason, ...]:
    if not text:
        return ()
    return tuple(Reason(**r) for r in json.loads(text))


def dropped_to_json(
    dropped: Sequence[tuple[Entry, Verdict]], title_cap: int, summary_cap: int
) -> str:
    """A feed's dropped items as the one JSON document `dropped_feeds.items` holds: a list of
    [identity, title, summary excerpt, url, published, language, score, [[term, field, weight,
    note], …]]. Compact lists, not objects: a fetch writes one per feed."""
    return _JSON.encode(
        [
            [
                e.identity,
                e.title[:title_cap],
                e.summary[:summary_cap],
                e.url,
                iso(e.published),
                e.language,
                v.score,
                [[r.term, r.field, r.weight, r.note] for r in v.reasons],
            ]
            for e, v in dropped
        ]
    )


def dropped_from_json(feed: str, text: str | None) -> list[tuple[Entry, Verdict]]:
    """The inverse of `dropped_to_json`; the text is cleaned again for display."""
    dropped: list[tuple[Entry, Verdict]] = []
    for identity, title, summary, url, published, language, score, terms in json.loads(
        text or "[]"
    ):
        entry = Entry(
            identity=identity,
            feed=feed,
            title=clean_line(title or ""),
            summary=clean_line(summary or ""),
            url=url,
            published=parse_iso(published),
            language=language,
        )
        reasons = tuple(Reason(term, field, weight, note) for term, field, weight, note in terms)
        dropped.append((entry, Verdict(relevant=False, score=score or 0.0, reasons=reasons)))
    return dropped


def mention_surfaces(mention: ActorMention) -> str:
    return json_strings(mention.surfaces)


def json_list(text: str | None) -> tuple[str, ...]:
    if not text:
        return ()
    value = json.loads(text)
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def filter_to_json(f: ItemFilter) -> str:
    data: dict[str, Any] = asdict(f)
    data["since"] = iso(f.since)
    data["until"] = iso(f.until)
    data["within"] = duration_text(f.within)
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


_DURATION = re.compile(r"^(\d+)([dhms])$")
_DURATION_UNITS = (("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1))


def duration_text(value: timedelta | None) -> str | None:
    """A window as saved in a view's JSON: `7d`, `36h`, `90m` (the largest whole unit)."""
    if value is None:
        return None
    seconds = int(value.total_seconds())
    for unit, size in _DURATION_UNITS:
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"  # pragma: no cover - the loop always ends at seconds


def parse_duration(text: str | None) -> timedelta | None:
    """The inverse of `duration_text`; None for anything else (a view stays usable)."""
    match = _DURATION.match(text or "")
    if match is None:
        return None
    return timedelta(seconds=int(match[1]) * dict(_DURATION_UNITS)[match[2]])


def filter_from_json(text: str) -> ItemFilter:
    data = json.loads(text)
    known = ItemFilter.__dataclass_fields__
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key not in known:
            continue  # a field a newer version saved: ignore rather than fail
        if key in ("since", "until"):
            kwargs[key] = parse_iso(value)
        elif key == "within":
            kwargs[key] = parse_duration(value)
        elif isinstance(value, list):
            kwargs[key] = tuple(value)
        else:
            kwargs[key] = value
    return ItemFilter(**kwargs)


def event_type_of(value: object) -> EventType:
    """A stored event type, or "none" for anything this version does not know."""
    return value if isinstance(value, str) and value in EVENT_TYPES else "none"
