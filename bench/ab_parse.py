"""CPU of `parse_feed` over a generated corpus for several trees, interleaved in one process.

    uv run python bench/ab_parse.py CORPUS TREE... [--rounds 5]

Each tree's `briefing` package is imported side by side (its modules under their own names);
feed by feed, every tree parses the document in turn, in a rotating order, and the CPU time of
each call (time.process_time) is added to its tree's total. Load from other processes then
falls on all trees alike, which separate runs on a busy machine cannot promise. Prints each
tree's median total over the rounds and every round's total.
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
HEADERS = {"Content-Type": "application/rss+xml; charset=utf-8"}


def load(tree: Path) -> tuple[Callable[..., Any], Any]:
    """parse_feed and FeedSpec of one tree, imported afresh."""
    for name in [m for m in sys.modules if m == "briefing" or m.startswith("briefing.")]:
        del sys.modules[name]
    sys.path.insert(0, str(tree))
    try:
        parse = importlib.import_module("briefing.acquisition.parse")
        models = importlib.import_module("briefing.core.models")
    finally:
        sys.path.remove(str(tree))
    if not str(parse.__file__).startswith(str(tree)):
        raise SystemExit(f"{tree}: imported {parse.__file__} instead")
    return parse.parse_feed, models.FeedSpec


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, help="a folder of NNNN.xml (bench/gen_feeds.py)")
    parser.add_argument("trees", type=Path, nargs="+", help="checkouts to compare")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    trees = [tree.resolve() for tree in args.trees]
    loaded = [load(tree) for tree in trees]
    files = sorted(args.corpus.glob("*.xml"))
    bodies = [path.read_bytes() for path in files]
    specs = [
        [spec(name=p.stem, url=f"https://gen.example/{p.name}", relevance="all") for p in files]
        for _, spec in loaded
    ]
    totals: list[list[float]] = [[] for _ in trees]
    for round_ in range(args.rounds):
        spent = [0.0] * len(trees)
        for index, body in enumerate(bodies):
            for turn in range(len(trees)):
                which = (index + turn + round_) % len(trees)
                parse_feed = loaded[which][0]
                started = time.process_time()
                parse_feed(body, HEADERS, specs[which][index], now=NOW)
                spent[which] += time.process_time() - started
        for which, seconds in enumerate(spent):
            totals[which].append(seconds)
    for tree, runs in zip(trees, totals, strict=True):
        rounds = " ".join(f"{seconds:.3f}" for seconds in runs)
        print(f"{tree}: median {statistics.median(runs):.3f} s CPU (rounds: {rounds})")


if __name__ == "__main__":
    main()
