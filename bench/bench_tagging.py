"""Benchmark: relevance + actor tagging of N generated feed items on one core.

Run:  uv run python bench/bench_tagging.py [N] [--varied]     (default 100000)

--varied mixes sentences at random so that nearly every item is distinct (the default corpus
repeats its summary paragraph, which flatters the caches of shared results).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_items import generate

from briefing.core.models import FeedSpec
from briefing.intelligence.tagging import Tagger


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    count = int(args[0]) if args else 100_000
    items = list(generate(count, varied="--varied" in sys.argv))
    chars = sum(len(e.title) + len(e.summary) for e in items)
    started = time.perf_counter()
    tagger = Tagger.build()
    built = time.perf_counter() - started
    feed = FeedSpec(name="bench", url="file:///dev/null", relevance="default")
    started = time.perf_counter()
    cpu_started = time.process_time()
    relevant = mentions = places = 0
    for entry in items:
        tagged = tagger.tag(entry, feed)
        relevant += tagged.verdict.relevant
        mentions += len(tagged.actors)
        places += len(tagged.places)
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    distinct = len({(e.title, e.summary) for e in items})
    print(f"items: {count:,}  ({chars / count:.0f} chars each on average, {distinct:,} distinct)")
    print(f"tagger built in {built:.2f} s ({len(tagger.gazetteer.actors)} actors)")
    print(
        f"tagged in {elapsed:.2f} s = {count / elapsed:,.0f} items/s ({elapsed / count * 1e6:.1f} µs/item)"
    )
    print(
        f"CPU time {cpu:.2f} s ({cpu / count * 1e6:.1f} µs/item) — the figure that matters on a busy machine"
    )
    print(f"relevant: {relevant:,}  actor mentions: {mentions:,}  place mentions: {places:,}")
    # A fixed pure-Python loop, to compare machines (and to see when this one is busy):
    # about 0.10-0.13 s of CPU on an idle modern core with CPython 3.11.
    cpu_started = time.process_time()
    total = 0
    for i in range(3_000_000):
        total += i
    print(f"calibration: 3M-iteration loop took {time.process_time() - cpu_started:.2f} s CPU")


if __name__ == "__main__":
    main()
