"""Pilot fixtures: a small file database built through the store API (no Tagger), a config,
a frozen clock and a factory for the app at a fixed terminal size."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from briefing.core.models import (
    Config,
    FeedSpec,
    FetchOutcome,
    RelevanceRules,
    Tagged,
    TuiSettings,
)
from briefing.store import Store
from briefing.tui.app import BriefingApp
from briefing.tui.widgets.item_detail import MentionFinder
from tests.conftest import ACTORS, FROZEN_NOW, tagged

SIZE = (150, 44)
"""Every Pilot test and snapshot runs at this terminal size."""

FEEDS = (
    FeedSpec("Libya Observer", "https://libyaobserver.example/feed"),
    FeedSpec("Libya Herald", "https://libyaherald.example/feed"),
    FeedSpec("Wire Service", "https://wire.example/rss", relevance="strict"),
)

HOSTILE_TITLES = (
    "Closing tag [/] in a headline",
    "[bold red]Restyled[/bold red] headline",
    "[link=https://evil.example]click me[/link] now",
    "[@click=app.quit]x[/] quits the app",
    "Escape \x1b[31mred\x1b[0m and bidi \u202eevil\u202c text",
    "W" * 10_000,
)


def frozen_now() -> object:
    return FROZEN_NOW


@pytest.fixture(autouse=True)
def utc_timezone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Dates render in local time: pin it so snapshots and assertions do not depend on the host."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.delenv("TZ", raising=False)
    time.tzset()


def sample_items() -> list[Tagged]:
    """Twenty ordinary items over ten days, spread across feeds and actors."""
    stories = [
        ("LNA forces advance on the southern outskirts of Tripoli", ("lna", "khalifa-haftar")),
        ("GNA calls for an emergency session of the Security Council", ("gna",)),
        ("UAE denies supplying drones to eastern forces", ("uae", "lna")),
        ("Oil output falls as the El Sharara field shuts again", ()),
        ("Haftar meets foreign envoys in Benghazi", ("khalifa-haftar",)),
        ("Mitiga airport suspends flights after shelling", ("gna",)),
        ("Talks in Geneva stall over the ceasefire line", ("gna", "lna")),
        ("Central Bank governor warns of a liquidity crunch", ()),
        ("Migrants stranded at sea off Zuwara", ()),
        ("UN envoy postpones the national conference", ()),
    ]
    out: list[Tagged] = []
    for n in range(20):
        title, actors = stories[n % len(stories)]
        feed = FEEDS[n % 2].name
        out.append(
            tagged(
                f"{title}" if n < 10 else f"{title} (update {n - 9})",
                feed=feed,
                identity=f"item-{n}",
                url=f"https://news.example/{n}",
                summary=f"Summary of story {n}: {title}. Khalifa Haftar and the LNA were named.",
                content=f"Body of story {n}. {title}. Officials in Tripoli said talks continue.",
                published=FROZEN_NOW - timedelta(hours=11 * n + 1),
                actors=actors,
            )
        )
    return out


def build_db(path: Path, items: list[Tagged]) -> Store:
    store = Store.open(path)
    store.clock = lambda: FROZEN_NOW
    store.sync_feeds(FEEDS)
    store.sync_actors(ACTORS)
    by_feed: dict[str, list[Tagged]] = {}
    for item in items:
        by_feed.setdefault(item.entry.feed, []).append(item)
    for feed, group in by_feed.items():
        store.store_feed(
            FetchOutcome(feed, "ok", http_status=200, seen=len(group), kept=len(group)), group
        )
    return store


def make_config(path: Path, **tui: object) -> Config:
    settings = TuiSettings(quick_tags=("escalation", "oil", "humanitarian"), **tui)  # type: ignore[arg-type]
    return Config(
        path=path / "feeds.yaml", feeds=FEEDS, rules=RelevanceRules(), seed=None, tui=settings
    )


AppFactory = Callable[..., BriefingApp]


def find_names(text: str) -> list[tuple[int, int, str]]:
    """A stand-in for Tagger.find_mentions over the fixture actors' names and aliases."""
    spans: list[tuple[int, int, str]] = []
    for actor in ACTORS:
        for name in (actor.name, *actor.aliases):
            start = text.find(name)
            while start >= 0:
                spans.append((start, start + len(name), actor.id))
                start = text.find(name, start + len(name))
    return spans


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "briefing.db"


@pytest.fixture
def make_app(tmp_path: Path, db_path: Path) -> Iterator[AppFactory]:
    """Build the sample database (plus `extra` items) and an app over it."""
    opened: list[Store] = []

    def factory(
        extra: list[Tagged] | None = None,
        *,
        empty: bool = False,
        keys: tuple[tuple[str, str], ...] = (),
        config: Config | None = None,
        read_only: bool = False,
        finder: MentionFinder | None = None,
    ) -> BriefingApp:
        items = [] if empty else sample_items() + list(extra or [])
        store = build_db(db_path, items)
        if read_only:
            # chmod alone does not stop root (CI containers): open it read-only as well.
            store.close()
            os.chmod(db_path, 0o444)
            store = Store.open(db_path, read_only=True)
        opened.append(store)
        cfg = config or make_config(tmp_path, keys=keys)
        # The real Tagger takes a moment to build: tests use a tiny finder over the fixture
        # actors (test_reading_pane_highlights_mentions uses the real one).
        return BriefingApp(store, cfg, now=lambda: FROZEN_NOW, find_mentions=finder or find_names)

    yield factory
    for store in opened:
        store.close()
    if db_path.exists():
        os.chmod(db_path, 0o644)
