"""briefing.store.codec: the fast paths give exactly what the general definitions give."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta, timezone

from briefing.core.models import ActorMention, Reason
from briefing.store.codec import iso, mention_surfaces, reasons_to_json


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
