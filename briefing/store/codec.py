"""Conversions between rows and the models: dates as sortable UTC text, JSON columns, filters."""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from briefing.models import ActorMention, ItemFilter, Reason
from briefing.text import fold


def iso(value: datetime | None) -> str | None:
    """UTC, second precision, one fixed format: these strings sort as the times they name."""
    if value is None:
        return None
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
    return json.dumps(
        [{"term": r.term, "field": r.field, "weight": r.weight, "note": r.note} for r in reasons],
        ensure_ascii=False,
    )


def reasons_from_json(text: str | None) -> tuple[Reason, ...]:
    if not text:
        return ()
    return tuple(Reason(**r) for r in json.loads(text))


def mention_surfaces(mention: ActorMention) -> str:
    return json.dumps(list(mention.surfaces), ensure_ascii=False)


def json_list(text: str | None) -> tuple[str, ...]:
    if not text:
        return ()
    value = json.loads(text)
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


def title_key(title: str) -> str:
    """The same headline from two outlets, whatever their quotes, case or punctuation."""
    return _NOT_WORD.sub(" ", fold(title)).strip()


def filter_to_json(f: ItemFilter) -> str:
    data: dict[str, Any] = asdict(f)
    data["since"] = iso(f.since)
    data["until"] = iso(f.until)
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def filter_from_json(text: str) -> ItemFilter:
    data = json.loads(text)
    known = ItemFilter.__dataclass_fields__
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key not in known:
            continue  # a field a newer version saved: ignore rather than fail
        if key in ("since", "until"):
            kwargs[key] = parse_iso(value)
        elif isinstance(value, list):
            kwargs[key] = tuple(value)
        else:
            kwargs[key] = value
    return ItemFilter(**kwargs)
