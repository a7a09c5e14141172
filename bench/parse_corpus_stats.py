"""Which parser reads each file of the feedparser corpus, and why the fast path was not taken.

    uv run python bench/parse_corpus_stats.py [../shared/feedparser-corpus]

Prints the number of files read by feedparser-rs (the fast path), by feedparser (with the
fallback reasons) and refused (with the refusal kinds). `Expect:` lines are never evaluated.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from briefing.acquisition.parse import parse_feed
from briefing.core.errors import ParseError
from briefing.core.models import FeedSpec

HEADER = re.compile(r"^\s*Header:\s*([A-Za-z-]+):\s*(.*?)\s*$", re.MULTILINE)
SPEC = FeedSpec(name="corpus", url="https://corpus.example/feed.xml")


def main() -> None:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/feedparser-corpus") / "tests"
    parsers: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    refusals: Counter[str] = Counter()
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        body = path.read_bytes()
        comment = body[:4000].decode("latin-1").split("-->", 1)[0]
        headers = {
            k: v for k, v in HEADER.findall(comment) if k.lower() not in {"status", "location"}
        }
        try:
            parsed = parse_feed(body, headers, SPEC, now=datetime(2026, 11, 20, tzinfo=UTC))
        except ParseError as error:
            parsers["refused"] += 1
            reason = str(error).removeprefix(f"feed {SPEC.name!r}: ")
            refusals[re.sub(r"[(:].*", "", reason).strip()] += 1
            continue
        parsers[parsed.parser] += 1
        if parsed.fallback:
            reasons[re.sub(r" '.*'| \(.*\)", "", parsed.fallback)] += 1
    print(f"files: {sum(parsers.values())}")
    for name, count in parsers.most_common():
        print(f"  {name:15} {count:5}")
    print("fallback reasons (feedparser read it):")
    for reason, count in reasons.most_common():
        print(f"  {count:5}  {reason}")
    print("refusals:")
    for reason, count in refusals.most_common():
        print(f"  {count:5}  {reason}")


if __name__ == "__main__":
    main()
