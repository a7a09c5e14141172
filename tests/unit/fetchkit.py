"""Shared helpers for the fetch/pipeline tests: RSS builders, a predictable tagger, a config."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, cast
from xml.sax.saxutils import escape

from briefing.core.models import (
    ActorInfo,
    Config,
    Entry,
    FeedSpec,
    PlaceInfo,
    Reason,
    RelevanceRules,
    Tagged,
    Verdict,
)

if TYPE_CHECKING:
    from briefing.intelligence.tagging import Tagger


def rss(items: Sequence[tuple[str, str]], *, title: str = "Test feed", base: str = "") -> bytes:
    """An RSS 2.0 document; items are (guid, title); links are derived from the guid."""
    body = "".join(
        f"<item><guid isPermaLink='false'>{escape(guid)}</guid><title>{escape(t)}</title>"
        f"<link>http://news.example.org/{escape(guid)}</link>"
        f"<description>{escape(t)} — report.</description>"
        f"<pubDate>Mon, 06 Apr 2026 10:00:00 GMT</pubDate></item>"
        for guid, t in items
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>http://news.example.org/{base}</link>"
        f"{body}</channel></rss>"
    ).encode()


def libya_items(prefix: str, n: int, *, libya: int | None = None) -> list[tuple[str, str]]:
    """`n` items, the first `libya` of them about Libya (all by default)."""
    libya = n if libya is None else libya
    return [
        (
            f"{prefix}-{i}",
            f"Tripoli talks on Libya resume, report {prefix} {i}"
            if i < libya
            else f"Football results round {prefix} {i}",
        )
        for i in range(n)
    ]


class FakeTagger:
    """Relevant when the text mentions Libya or Tripoli: predictable, independent of the rules."""

    def tag(self, entry: Entry, feed: FeedSpec | None = None, *, kept_only: bool = False) -> Tagged:
        text = f"{entry.title} {entry.summary}".lower()
        hit = "tripoli" in text or "libya" in text
        reasons = (Reason("tripoli", "title", 5.0),) if hit else ()
        return Tagged(entry, Verdict(hit, 5.0 if hit else 0.0, reasons))

    def actor_infos(self) -> list[ActorInfo]:
        return []

    def place_infos(self) -> list[PlaceInfo]:
        return []


def fake_tagger() -> Tagger:
    return cast("Tagger", FakeTagger())


def make_config(tmp_path: Path, feeds: Sequence[FeedSpec]) -> Config:
    return Config(
        path=tmp_path / "feeds.yaml",
        feeds=tuple(feeds),
        rules=RelevanceRules(),
        seed=None,
        max_connections=16,
        max_per_host=4,
    )
