"""Benchmark: what event typing and places add to tagging, on N generated items on one core.

Run:  uv run python bench/bench_events.py [N] [--varied]     (default 100000)

Tags the same items twice: with the Tagger as it is, and with the event and place step switched
off and the event cues left out of its automaton (today's tagging: relevance and actors). The
difference is the cost of the event type and the places; the issue's budget is 4 s of CPU for
100,000 items. CPU time is reported, since the machine may be shared. Below 20,000 items the
second run finds every item's verdict remembered by its text: use 100,000.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_items import generate

from briefing.core.models import NO_EVENT, Entry, EventVerdict, FeedSpec, PlaceMention
from briefing.intelligence.events import EventClassifier
from briefing.intelligence.matching import Prepared
from briefing.intelligence.tagging import Tagger


class _TodaysTagger(Tagger):
    """The same Tagger without the event and place step (built by `_todays_tagger`)."""

    def _event_and_places(
        self, item: Prepared, hits: Any, found: Any, cue_hits: Any
    ) -> tuple[EventVerdict, tuple[PlaceMention, ...]]:
        return NO_EVENT, ()


def _todays_tagger() -> Tagger:
    """Today's tagging as it was before events: the event cues are left out of the shared
    automaton too, so that its bigger scan counts as part of the event step."""
    add_cues = EventClassifier.add_cues
    EventClassifier.add_cues = lambda self, matcher, channel=0: None  # type: ignore[method-assign]
    try:
        return _TodaysTagger.build()
    finally:
        EventClassifier.add_cues = add_cues  # type: ignore[method-assign]


def _cpu(tagger: Tagger, items: list[Entry], feed: FeedSpec) -> tuple[float, Counter[str], int]:
    types: Counter[str] = Counter()
    places = 0
    started = time.process_time()
    for entry in items:
        tagged = tagger.tag(entry, feed)
        types[tagged.event.type] += 1
        places += len(tagged.locations)
    return time.process_time() - started, types, places


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    count = int(args[0]) if args else 100_000
    items = list(generate(count, varied="--varied" in sys.argv))
    feed = FeedSpec(name="bench", url="file:///dev/null", relevance="default")
    full = Tagger.build()
    today = _todays_tagger()
    # Warm both (first-sight caches), then alternate the runs so load on the machine falls on both.
    _cpu(full, items[:2000], feed)
    _cpu(today, items[:2000], feed)
    runs: dict[str, list[float]] = {"today": [], "full": []}
    types: Counter[str] = Counter()
    places = 0
    for _ in range(2):
        runs["today"].append(_cpu(today, items, feed)[0])
        cpu, types, places = _cpu(full, items, feed)
        runs["full"].append(cpu)
    base, with_events = min(runs["today"]), min(runs["full"])
    distinct = len({(e.title, e.summary) for e in items})
    print(f"items: {count:,} ({distinct:,} distinct)")
    print(
        f"today's tagging (relevance + actors): {base:.2f} s CPU ({base / count * 1e6:.1f} µs/item)"
    )
    print(f"with event type and places:          {with_events:.2f} s CPU")
    print(f"added by events and places:          {with_events - base:.2f} s CPU (budget 4 s)")
    print(f"event types: {dict(types.most_common())}")
    print(f"place mentions: {places:,}")


if __name__ == "__main__":
    main()
