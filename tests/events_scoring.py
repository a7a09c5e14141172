"""Scores event types and places against labelled items (the labelled-set test and bench/score_events.py).

A labelled item is one JSON object per line with `title`, `summary`, `language`, `published`,
`event_type`, `places` (the names of every Libyan place the item names) and `primary_place`
(the event's place, or null). Gold place names are resolved to gazetteer ids by their folded
spelling; a name the gazetteer does not know stays a name, and so counts as missed.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from briefing.core.models import EVENT_TYPES, Entry, FeedSpec, Tagged
from briefing.intelligence.matching import phrase_key
from briefing.intelligence.places import PlaceGazetteer
from briefing.intelligence.tagging import Tagger


@dataclass
class Score:
    """Figures over a labelled set, and the items that went wrong (for reading, not tuning)."""

    items: int = 0
    correct: int = 0
    macro_f1: float = 0.0
    places_tp: int = 0
    places_fp: int = 0
    places_fn: int = 0
    primary_correct: int = 0
    per_type: dict[str, tuple[float, float, float]] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.correct / self.items if self.items else 0.0

    @property
    def places_f1(self) -> float:
        found = 2 * self.places_tp + self.places_fp + self.places_fn
        return 2 * self.places_tp / found if found else 1.0

    @property
    def primary_accuracy(self) -> float:
        return self.primary_correct / self.items if self.items else 0.0

    def summary(self) -> str:
        return (
            f"{self.items} items: type accuracy {self.accuracy:.3f}, macro-F1 {self.macro_f1:.3f}, "
            f"places F1 {self.places_f1:.3f} (tp {self.places_tp}, fp {self.places_fp}, "
            f"fn {self.places_fn}), primary place {self.primary_accuracy:.3f}"
        )


def read_labelled(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def place_index(places: PlaceGazetteer) -> dict[str, str]:
    """Folded spelling → place id."""
    index: dict[str, str] = {}
    for place in places.places.values():
        for name in (place.name, *place.names, *place.weak):
            index.setdefault(phrase_key(name).strip(), place.id)
    return index


def tag_item(tagger: Tagger, item: dict[str, Any]) -> Tagged:
    published = item.get("published")
    entry = Entry(
        identity=str(item.get("id", "")),
        feed=str(item.get("feed", "labelled")),
        title=str(item.get("title") or ""),
        summary=str(item.get("summary") or ""),
        language=item.get("language") or item.get("lang"),
        published=datetime.fromisoformat(published) if published else None,
    )
    # Events and places are measured on items a Libya feed carries (`all`): in a general feed a
    # lone collision-prone name ("clashes in Tripoli") is not enough, and is not reported
    # (issue 16); relevance has its own labelled sets.
    return tagger.tag(entry, FeedSpec(name="labelled", url="file:///labelled", relevance="all"))


def score(tagger: Tagger, items: list[dict[str, Any]]) -> Score:
    index = place_index(tagger.locator.places)

    def resolve(name: str) -> str:
        return index.get(phrase_key(name).strip(), f"?{name}")

    result = Score()
    pairs: list[tuple[str, str]] = []
    for item in items:
        tagged = tag_item(tagger, item)
        gold, found = str(item["event_type"]), tagged.event.type
        pairs.append((gold, found))
        result.items += 1
        result.correct += gold == found
        gold_places = {resolve(n) for n in item.get("places") or ()}
        found_places = {m.place_id for m in tagged.locations}
        result.places_tp += len(gold_places & found_places)
        result.places_fp += len(found_places - gold_places)
        result.places_fn += len(gold_places - found_places)
        primary = item.get("primary_place")
        gold_primary = resolve(primary) if primary else None
        found_primary = next((m.place_id for m in tagged.locations if m.primary), None)
        result.primary_correct += gold_primary == found_primary
        if gold != found or gold_places != found_places or gold_primary != found_primary:
            result.misses.append(
                f"{item.get('id')}: {gold}→{found} {tagged.event.reasons} places "
                f"{sorted(gold_places)}→{sorted(found_places)} primary {gold_primary}→"
                f"{found_primary} | {item.get('title')}"
            )
    f1s: list[float] = []
    gold_counts = Counter(g for g, _ in pairs)
    found_counts = Counter(f for _, f in pairs)
    for event_type in EVENT_TYPES:
        if not gold_counts[event_type] and not found_counts[event_type]:
            continue
        tp = sum(1 for g, f in pairs if g == f == event_type)
        precision = tp / found_counts[event_type] if found_counts[event_type] else 0.0
        recall = tp / gold_counts[event_type] if gold_counts[event_type] else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        result.per_type[event_type] = (precision, recall, f1)
        f1s.append(f1)
    result.macro_f1 = sum(f1s) / len(f1s) if f1s else 0.0
    return result
