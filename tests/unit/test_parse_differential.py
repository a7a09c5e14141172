"""The fast path (feedparser-rs) against the reference (feedparser).

Wherever `parse_feed` takes the fast path, forcing feedparser on the same bytes must give the
same normalised entries (identity, title, links, date, summary, content, author, language):
the fast path never stores something feedparser would have read differently. And the fast path
never loses a feed feedparser could read.

Runs over the feedparser test corpus (`../shared/feedparser-corpus/`, skipped when absent; its
`Expect:` lines are never evaluated, only its `Header:` lines are read as plain text) and over
feeds from the deterministic generator `bench/feedgen.py`.
"""

from __future__ import annotations

import importlib.util
import re
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import pytest

from briefing.acquisition.parse import ParsedFeed, parse_feed
from briefing.core.errors import ParseError
from briefing.core.models import FeedSpec

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / ".." / "shared" / "feedparser-corpus" / "tests"
SPEC = FeedSpec(name="diff", url="https://feeds.example.com/feed.xml")
NOW = datetime(2026, 3, 2, tzinfo=UTC)
# `Header: Content-type: text/xml` in the leading comment: plain text, never evaluated.
HEADER = re.compile(r"^\s*Header:\s*([A-Za-z-]+):\s*(.*?)\s*$", re.MULTILINE)


def load_feedgen() -> ModuleType:
    spec = importlib.util.spec_from_file_location("feedgen", ROOT / "bench" / "feedgen.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def corpus_headers(body: bytes) -> dict[str, str]:
    comment = body[:4000].decode("latin-1").split("-->", 1)[0]
    return {
        name: value
        for name, value in HEADER.findall(comment)
        if name.lower() not in {"status", "location"}
    }


def attempt(body: bytes, headers: Mapping[str, str], parser: str) -> ParsedFeed | ParseError:
    try:
        return parse_feed(body, headers, SPEC, now=NOW, parser=parser)  # type: ignore[arg-type]
    except ParseError as error:
        return error


def compare(label: str, body: bytes, headers: Mapping[str, str], tally: Counter[str]) -> None:
    if body.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        tally["json"] += 1  # JSON Feed: feedparser 6 cannot read it, nothing to compare
        return
    auto = attempt(body, headers, "auto")
    reference = attempt(body, headers, "feedparser")
    if isinstance(reference, ParsedFeed):
        # Never lose a feed that feedparser can read.
        assert isinstance(auto, ParsedFeed), f"{label}: fast path failed: {auto}"
    if not isinstance(auto, ParsedFeed) or auto.parser != "feedparser-rs":
        tally["fallback" if isinstance(auto, ParsedFeed) else "failure"] += 1
        return
    tally["fast"] += 1
    assert isinstance(reference, ParsedFeed), f"{label}: feedparser refused: {reference}"
    assert auto.title == reference.title, label
    assert len(auto.entries) == len(reference.entries), label
    for fast, ref in zip(auto.entries, reference.entries, strict=True):
        assert fast == ref, f"{label}: {fast} != {ref}"


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/feedparser-corpus is absent")
def test_corpus_fast_path_agrees_with_feedparser() -> None:
    tally: Counter[str] = Counter()
    for path in sorted(CORPUS.rglob("*")):
        if path.is_file():
            body = path.read_bytes()
            compare(str(path.relative_to(CORPUS)), body, corpus_headers(body), tally)
    # The corpus is mostly one-element files without dates, which go to feedparser; the
    # fast path must still be exercised here, or this test proves nothing.
    assert tally["fast"] >= 10, tally
    assert sum(tally.values()) >= 2000, tally


@pytest.mark.parametrize("chunk", range(4))
def test_generated_feeds_fast_path_agrees_with_feedparser(chunk: int) -> None:
    feedgen = load_feedgen()
    tally: Counter[str] = Counter()
    headers = {"Content-Type": "application/rss+xml; charset=utf-8"}
    for seed in range(chunk * 50, (chunk + 1) * 50):
        # One feed in five has undated items, which must take the reference path.
        body: bytes = feedgen.make_feed(seed, 20, dates=seed % 5 != 0)
        compare(f"generated seed {seed}", body, headers, tally)
    assert tally["fast"] >= 25, tally
    assert tally["failure"] == 0, tally
