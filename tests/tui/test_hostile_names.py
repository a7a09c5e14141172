"""Names that did not come from our code reach every surface as literal text (issue 11).

One set of hostile names is used at once as feed names, actor names (a user gazetteer), tags,
saved views, quick tags, item titles and a note, and walked through every surface that shows a
name: the list, the reading pane, the filter panel, the palette, chips, the header, the help
screen, the tag, note, views and export dialogs, notifications, the brief and the actors
screen. Each must show the name literally (cleaned of control characters), draw nothing red,
and run no action (the app is still running).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from rich.style import Style
from textual.app import App
from textual.command import CommandPalette
from textual.pilot import Pilot

from briefing.core.models import ActorInfo, FeedSpec, FetchOutcome, ItemFilter
from briefing.core.text import clean_line
from briefing.store import Store
from briefing.tui.app import BriefingApp
from briefing.tui.screens.actors import ActorsScreen
from briefing.tui.screens.brief import BriefScreen
from briefing.tui.screens.export import ExportModal
from briefing.tui.screens.help import HelpScreen
from briefing.tui.screens.note import NoteModal
from briefing.tui.screens.tag import TagModal
from briefing.tui.screens.triage import TriageScreen
from briefing.tui.screens.views import ViewsModal
from tests.conftest import FROZEN_NOW, tagged
from tests.tui.conftest import SIZE, find_names, make_config
from tests.tui.helpers import notices, settle, type_ahead

NAMES = (
    "[@click=app.quit]boom[/]",
    "[bold red]x[/]",
    "[red]Red view[/]",
    "esc \x1b[31mred\x1b[0m!",
    "bidi \u202eevil\u202c end",
)


def shown(name: str, width: int = 400) -> str:
    """What the screen must show for `name`: the same characters, control sequences removed."""
    return clean_line(name, width)


def is_red(style: Style | None) -> bool:
    """Markup red: a foreground far redder than anything in briefing's themes."""
    color = style.color if style else None
    if color is None:
        return False
    if color.number in (1, 9):
        return True
    triplet = color.get_truecolor()
    return triplet.red > 150 and triplet.green < 100 and triplet.blue < 100


def screen(app: App[Any]) -> str:
    """The active screen as text; fails on anything red, an escape sequence or a bidi control."""
    strips = app.screen._compositor.render_strips()
    for strip in strips:
        for segment in strip:
            assert not is_red(segment.style), f"red text on screen: {segment.text!r}"
    text = "\n".join(strip.text for strip in strips)
    assert "\x1b" not in text and "\u202e" not in text and "\u202c" not in text
    return text


def assert_running(app: App[Any]) -> None:
    assert app.is_running and app.return_code is None


async def until_shown(pilot: Pilot[Any], *wanted: str, rounds: int = 200) -> str:
    """Poll until every string of `wanted` is on screen (palette searches run as tasks)."""
    text = ""
    for _ in range(rounds):
        await pilot.pause()
        text = screen(pilot.app)
        if all(w in text for w in wanted):
            return text
    missing = [w for w in wanted if w not in text]
    raise AssertionError(f"never shown: {missing}\n{text}")


async def palette(pilot: Pilot[Any], *keys: str) -> None:
    """Open the palette and type `keys` in one burst (typed key by key, each waits for a search)."""
    await pilot.press("ctrl+p")
    type_ahead(pilot.app, *keys)


@pytest.fixture
def hostile_app(tmp_path: Path) -> Iterator[BriefingApp]:
    store = Store.open(tmp_path / "hostile.db")
    store.clock = lambda: FROZEN_NOW
    store.sync_feeds(
        [FeedSpec(name, f"https://feed{n}.example/rss") for n, name in enumerate(NAMES)]
    )
    store.sync_actors([ActorInfo(f"h{n}", name, "person") for n, name in enumerate(NAMES)])
    for n, name in enumerate(NAMES):
        item = tagged(
            name,
            feed=name,
            identity=f"hostile-{n}",
            url=f"https://news.example/{n}",
            content=f"{name} said so in Tripoli.",
            actors=(f"h{n}",),
        )
        store.store_feed(FetchOutcome(name, "ok", 200, seen=1, kept=1), [item])
    ids = [row.id for row in store.items(limit=10)]
    store.add_tags(ids, list(NAMES))
    store.set_note(ids[0], "\n".join(NAMES))
    for name in NAMES:
        store.save_view(name, ItemFilter(tags=(name,)))
    config = make_config(tmp_path)
    config = type(config)(
        path=config.path,
        feeds=config.feeds,
        rules=config.rules,
        seed=None,
        tui=type(config.tui)(quick_tags=NAMES),
    )
    yield BriefingApp(store, config, now=lambda: FROZEN_NOW, find_mentions=find_names)
    store.close()


async def test_hostile_names_are_literal_on_every_surface(hostile_app: BriefingApp) -> None:
    app = hostile_app
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        # The list (titles and feeds), the reading pane (note, tags) and the filter panel.
        text = screen(app)
        for name in NAMES:
            assert shown(name) in text, name
        panel = "\n".join(line[:34] for line in text.splitlines())
        for name in NAMES:
            assert f"✓ {shown(name)}"[2:14] in panel, name

        # The palette: tags, feeds, actors and views by name, and a hit clicked.
        for kind in ("tag", "feed", "actor"):
            await palette(pilot, *f"by {kind}:")
            await until_shown(pilot, *(f"Filter by {kind}: {shown(n)}" for n in NAMES))
            await pilot.press("escape")
        await palette(pilot, *"view:")
        await until_shown(pilot, *(f"Recall view: {shown(n)}" for n in NAMES))
        await pilot.press("escape")
        await palette(pilot, *"tag: [@c")
        lines = (await until_shown(pilot, f"Filter by tag: {NAMES[0]}")).splitlines()
        row = next(n for n, line in enumerate(lines) if f"Filter by tag: {NAMES[0]}" in line)
        column = lines[row].index("boom")
        await pilot.click(offset=(column, row))
        await settle(pilot)
        assert_running(app)
        assert isinstance(app.screen, TriageScreen)
        assert app.screen.filter.tags == (NAMES[0],)

        # Chips and the header, one tag after another, typed into the palette.
        for name in NAMES[1:]:
            await palette(pilot, *f"tag: {shown(name)}")
            await until_shown(pilot, f"Filter by tag: {shown(name)}")
            await pilot.press("enter")
            await settle(pilot)
        triage = app.screen
        assert isinstance(triage, TriageScreen)
        assert set(triage.filter.tags) == {shown(n) for n in NAMES}  # the store cleans tags
        text = screen(app)
        for name in NAMES:
            assert f"tag {shown(name)} ✕" in text, name
        assert f"filter: tag={NAMES[0]} tag={NAMES[1]}" in text
        await pilot.press("c")
        await settle(pilot)

        # Help: the quick tags, named after their tags.
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        screen(app)
        # The whole table (the screen shows its top; the quick tags are further down).
        console = Console(width=160, record=True, file=io.StringIO())
        console.print(app.screen.table)
        assert not any(is_red(segment.style) for segment in console._record_buffer)
        text = console.export_text()
        for n, name in enumerate(NAMES, 1):
            assert f"Quick tag {n}: {shown(name, 30)}" in text, name
        await pilot.press("escape")

        # The tag dialog: the item's title and its current tags.
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, TagModal)
        text = screen(app)
        title = triage.items.current.title
        assert f"Tags for: {shown(title)}" in text
        for name in NAMES:
            assert shown(name, 60) in text, name
        await pilot.press("escape")

        # The note dialog: the title and the note, line by line.
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, NoteModal)
        text = screen(app)
        assert f"Note on: {shown(title)}" in text
        await pilot.press("escape")

        # Views: the names, a recall by keys, and its notification.
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, ViewsModal)
        text = screen(app)
        for name in NAMES:
            assert shown(name, 40) in text, name
        await pilot.press("enter")
        await settle(pilot)
        recalled = triage.filter.tags[0]
        text = screen(app)
        assert f"View: {shown(recalled)}" in notices(app)
        assert f"View: {shown(recalled)}" in text
        assert f"tag {shown(recalled)} ✕" in text

        # A notification built from a quick tag.
        await pilot.press("1")
        await settle(pilot)
        assert f"Removed tag {NAMES[0]}: 1 item" in screen(app)

        # The export dialog describes the filter; the brief shows it and the items.
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ExportModal)
        assert shown(recalled) in screen(app)
        await pilot.press("escape")
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, BriefScreen)
        text = screen(app)
        assert shown(recalled) in text
        assert any(shown(name) in text for name in NAMES)
        await pilot.press("escape")

        # The actors screen: every actor's name and the brief of the highlighted one.
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, ActorsScreen)
        text = screen(app)
        for name in NAMES:
            assert shown(name, 30)[:20] in text, name
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, CommandPalette)
        assert_running(app)
