"""briefing.store.codec: the fast paths give exactly what the general definitions give."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta, timezone

from briefing.core.models import ActorMention, Reason
from briefing.store.codec import iso, json_strings, mention_surfaces, reasons_to_json


def _general_iso(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).replace(microsecond=0).isoformat()


def test_iso_matches_the_general_form_for_every_kind_of_datetime() -> None:
    rng = random.Random(7)
    zones = [UTC, None, timezone(timedelta(hours=2)), timezone(timedelta(hours=-5, minutes=-30))]
    for _ in range(5_000):
        moment = datetime(1971, 1, 1) + timedelta(seconds=rng.randrange(0, 4_000_000_000))
        moment = moment.replace(
            microsecond=rng.choice((0, rng.randrange(1, 1_000_000))), tzinfo=rng.choice(zones)
        )
        assert iso(moment) == _general_iso(moment), moment
    assert iso(None) is None
    assert iso(datetime(2026, 4, 6, 12, 0, tzinfo=UTC)) == "2026-04-06T12:00:00+00:00"


def test_json_columns_match_json_dumps() -> None:
    reasons = (Reason("ليبيا", "title", 2.5, "note « é »"), Reason('a "b"\n', "summary", -1.0))
    expected = json.dumps(
        [{"term": r.term, "field": r.field, "weight": r.weight, "note": r.note} for r in reasons],
        ensure_ascii=False,
    )
    assert reasons_to_json(reasons) == expected
    mention = ActorMention("khalifa-haftar", "Khalifa Haftar", 2, ("حفتر", "Haftar’s"))
    assert mention_surfaces(mention) == json.dumps(["حفتر", "Haftar’s"], ensure_ascii=False)


def test_json_strings_writes_what_json_dumps_writes() -> None:
    """The writer's short path for lists of strings, against the encoder it stands in for, on
    hostile text: quotes, backslashes, every control character, line and paragraph
    separators, lone surrogates, right-to-left and astral characters."""
    rng = random.Random(11)
    alphabet = [chr(c) for c in range(0, 0x30)] + ['"', "\\", "\u2028", "\u2029", "\ud800"]
    alphabet += ["ليبيا", "é", "😀", "\u202e", "\x7f", "a", " ", ","]
    cases: list[list[str]] = [[], [""], ["Feed 0001"], ["a", "a"], ['"]', "[\\"]]
    for _ in range(3_000):
        cases.append(
            ["".join(rng.choices(alphabet, k=rng.randrange(0, 8))) for _ in range(rng.randrange(4))]
        )
    for values in cases:
        expected = json.dumps(values, ensure_ascii=False)
        assert json_strings(values) == expected, values
        assert json_strings(iter(values)) == expected, values
        assert json.loads(expected) == values
