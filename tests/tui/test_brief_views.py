"""Pilot: the brief widget and screen, mounted in a tiny host app over a fixture database."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Static
from textual.worker import WorkerCancelled

from briefing.core.models import FeedSpec, FetchOutcome, ItemFilter
from briefing.store import Store
from briefing.tui.screens.brief import BriefScreen, BriefView
from tests.conftest import FROZEN_NOW, tagged
from tests.export_fixture import populate
from tests.tui.helpers import screen_text

SIZE = (120, 50)


async def settle(pilot: Pilot[None]) -> None:
    """Let the brief workers finish (a superseded one ends cancelled, which is expected)."""
    for _ in range(3):
        try:
            await pilot.app.workers.wait_for_complete()
        except WorkerCancelled:
            pass
        await pilot.pause()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    # A file database: the worker thread opens its own connection to it.
    s = Store.open(tmp_path / "brief.db")
    s.clock = lambda: FROZEN_NOW
    populate(s)
    yield s
    s.close()


class Host(App[None]):
    """Hosts one BriefView; records the briefs it reports."""

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.loaded: list[str] = []

    def now(self) -> datetime:
        return FROZEN_NOW

    def compose(self) -> ComposeResult:
        yield BriefView(self.store, now=self.now, id="view")

    def on_brief_view_loaded(self, event: BriefView.Loaded) -> None:
        self.loaded.append(event.brief.subject)


class ScreenHost(App[None]):
    """Pushes a BriefScreen at start and records what it returns."""

    def __init__(self, store: Store, f: ItemFilter, actor: str | None) -> None:
        super().__init__()
        self.store, self.f, self.actor = store, f, actor
        self.results: list[object] = []

    def now(self) -> datetime:
        return FROZEN_NOW

    def on_mount(self) -> None:
        screen = BriefScreen(self.store, self.f, self.actor, now=self.now)
        self.push_screen(screen, self.results.append)


async def test_brief_view_shows_the_newest_request(store: Store) -> None:
    app = Host(store)
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(BriefView)
        view.show_brief("khalifa-haftar", ItemFilter())
        view.show_brief("gna", ItemFilter())
        await settle(pilot)
        assert view.brief is not None and view.brief.subject == "Government of National Accord"
        assert app.loaded[-1] == "Government of National Accord"
        text = screen_text(app)
        assert "Government of National Accord" in text
        assert "immediate ceasefire" in text
        assert not view.loading


async def test_brief_view_unknown_actor_shows_the_error(store: Store) -> None:
    app = Host(store)
    async with app.run_test(size=SIZE) as pilot:
        app.query_one(BriefView).show_brief("nobody", ItemFilter())
        await settle(pilot)
        body = app.query_one("#brief-body", Static)
        assert body.has_class("error")
        assert "unknown actor 'nobody'" in screen_text(app)


async def test_brief_screen_shows_key_points_and_closes(store: Store) -> None:
    app = ScreenHost(store, ItemFilter(actors=("khalifa-haftar",)), "khalifa-haftar")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, BriefScreen)
        text = screen_text(app)
        assert "Actor brief" in text and "actor: Khalifa Haftar" in text
        assert "Key points" in text and "jets struck Mitiga airport" in text
        assert "Most covered" in text
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, BriefScreen)
        assert app.results == [None]


async def test_brief_of_the_whole_filter(store: Store) -> None:
    app = ScreenHost(store, ItemFilter(tags=("escalation",)), None)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "Brief of the current filter" in text and "tag: escalation" in text
        assert "All items" in text and "2 items" in text


async def test_hostile_text_is_never_markup(store: Store) -> None:
    store.sync_feeds([FeedSpec("Evil", "https://evil.example/rss")])
    store.store_feed(
        FetchOutcome("Evil", "ok", 200, seen=2, kept=2),
        [
            tagged(
                "[@click=app.quit]x[/] closing [/] and [bold red]style[/bold red]",
                feed="Evil",
                summary="Haftar said [link=evil]click[/link] that [/] was fine today.",
                actors=["khalifa-haftar"],
            ),
            tagged(
                "Escape \x1b[31mred\x1b[0m bidi \u202eevil",
                feed="Evil",
                identity="two",
                actors=["khalifa-haftar"],
            ),
        ],
    )
    app = ScreenHost(store, ItemFilter(feeds=("Evil",)), "khalifa-haftar")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "[@click=app.quit]x[/] closing [/]" in text
        assert "[link=evil]click[/link]" in text
        assert "\x1b" not in text and "\u202e" not in text
        await pilot.click("#brief-view", offset=(5, 3))
        await pilot.pause()
        assert app.is_running
