"""Parsing speed: feedparser against the fast path, raw and through parse_feed (one core).

    uv run python bench/bench_parse.py [--feeds 200] [--items 50] [--repeat 3]

The corpus comes from `bench/feedgen.py` (deterministic: the same seeds give the same bytes;
RSS 2.0, Atom and RSS 1.0 with HTML summaries, entities, offsets, hostile characters). Each
figure is the best of `--repeat` runs, in items per second on one core.
"""

from __future__ import annotations

import argparse
import io
import time
from collections.abc import Callable
from datetime import UTC, datetime

import feedparser
import feedparser_rs
from feedgen import make_feed

from briefing.acquisition.htmltext import html_to_text
from briefing.acquisition.parse import parse_feed
from briefing.core.models import FeedSpec

SPEC = FeedSpec(name="bench", url="https://bench.example/feed.xml")
HEADERS = {"Content-Type": "application/rss+xml; charset=utf-8"}
NOW = datetime(2026, 3, 2, tzinfo=UTC)


def best(repeat: int, run: Callable[[], int]) -> tuple[float, int]:
    """Best wall time over `repeat` runs, and the item count one run produced."""
    times = []
    count = 0
    for _ in range(repeat):
        started = time.perf_counter()
        count = run()
        times.append(time.perf_counter() - started)
    return min(times), count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    bodies = [make_feed(seed, args.items) for seed in range(args.feeds)]
    total_items = args.feeds * args.items
    megabytes = sum(len(b) for b in bodies) / 1e6

    def fp_defaults() -> int:
        return sum(len(feedparser.parse(io.BytesIO(b)).entries) for b in bodies)

    def fp_fast_options() -> int:
        return sum(
            len(
                feedparser.parse(
                    io.BytesIO(b), sanitize_html=False, resolve_relative_uris=False
                ).entries
            )
            for b in bodies
        )

    def rs_raw() -> int:
        return sum(
            len(feedparser_rs.parse(b, sanitize_html=False, resolve_relative_uris=False).entries)
            for b in bodies
        )

    def pf_reference() -> int:
        return sum(
            len(parse_feed(b, HEADERS, SPEC, now=NOW, parser="feedparser").entries) for b in bodies
        )

    def pf_auto() -> int:
        results = [parse_feed(b, HEADERS, SPEC, now=NOW) for b in bodies]
        fast = sum(1 for r in results if r.parser == "feedparser-rs")
        print(f"  (parse_feed auto: {fast}/{len(results)} feeds took the fast path)")
        return sum(len(r.entries) for r in results)

    summaries = [
        e.get("summary", "")
        for b in bodies
        for e in feedparser_rs.parse(b, sanitize_html=False).entries
    ]

    def html_only() -> int:
        for text in summaries:
            html_to_text(text)
        return len(summaries)

    print(
        f"corpus: {args.feeds} feeds × {args.items} items = {total_items} items, "
        f"{megabytes:.1f} MB; best of {args.repeat}"
    )
    rows = [
        ("feedparser, defaults", fp_defaults),
        ("feedparser, sanitize/resolve off", fp_fast_options),
        ("feedparser-rs alone", rs_raw),
        ("parse_feed, feedparser forced", pf_reference),
        ("parse_feed, auto (fast path)", pf_auto),
        ("html_to_text alone (summaries)", html_only),
    ]
    print(f"{'what':36} {'seconds':>8} {'items/s':>10}")
    for label, run in rows:
        seconds, count = best(args.repeat, run)
        print(f"{label:36} {seconds:8.2f} {count / seconds:10,.0f}")


if __name__ == "__main__":
    main()
