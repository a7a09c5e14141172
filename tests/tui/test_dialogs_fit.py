"""The tag, note and saved-views dialogs fit 80×24 and 160×48 (every field on screen, no
scrolling), cut long text with "…" rather than mid-word, and show hostile names literally.

Each dialog is opened with its key over an item carrying hostile tags (markup, Arabic, emoji,
a tag of the longest allowed length) and a store with hostile saved views.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget

from briefing.core.models import ItemFilter
from briefing.tui.app import BriefingApp
from briefing.tui.screens.note import NoteModal
from briefing.tui.screens.tag import TagModal
from briefing.tui.screens.views import ViewsModal
from tests.conftest import FROZEN_NOW, tagged
from tests.tui.conftest import AppFactory
from tests.tui.helpers import screen_text, settle
from tests.tui.test_snapshots import SnapCompare

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((160, 48), id="160x48")]

LONG_TAG = "a" * 59 + "z"
"""A tag of the longest length allowed (60 characters)."""

HOSTILE_TAGS = ("[bold red]x[/]", "مصفاة الزاوية", "oil 🔥", LONG_TAG)
MORE_TAGS = tuple(f"extra-{n}" for n in range(8))
"""More current tags than the dialog's list shows at once: the list scrolls, the dialog not."""

LONG_TITLE = "Ceasefire monitors report fresh shelling south of Tripoli airport road again today"


def hostile_app(make_app: AppFactory) -> BriefingApp:
    newest = tagged(LONG_TITLE, identity="long-title", published=FROZEN_NOW)
    app = make_app([newest])
    store = app.store
    first = store.items(ItemFilter(), limit=1)[0]
    assert first.title == LONG_TITLE
    store.add_tags([first.id], [*HOSTILE_TAGS, *MORE_TAGS])
    for n in range(20):  # more views than the list shows at once
        store.save_view(f"view {n:02}", ItemFilter(tags=("oil",)))
    store.save_view("[bold red]x[/] view", ItemFilter(tags=HOSTILE_TAGS))
    store.save_view("مصفاة 🔥", ItemFilter(tags=("مصفاة الزاوية",)))
    return app


def check_fits(pilot: Pilot[Any], box: Widget, selectors: tuple[str, ...]) -> None:
    width, height = pilot.app.size
    screen = Region(0, 0, width, height)
    assert box.max_scroll_y == 0, "the dialog scrolls"
    assert screen.contains_region(box.region)
    for selector in selectors:
        region = pilot.app.screen.query_one(selector).region
        assert region.area and screen.contains_region(region), selector
        assert box.region.contains_region(region), selector


async def open_on_first(pilot: Pilot[Any], key: str) -> None:
    await settle(pilot)
    await pilot.press("g", key)
    await settle(pilot)


@pytest.mark.parametrize("size", SIZES)
async def test_tag_dialog_fits(make_app: AppFactory, size: tuple[int, int]) -> None:
    app = hostile_app(make_app)
    async with app.run_test(size=size) as pilot:
        await open_on_first(pilot, "t")
        dialog = app.screen
        assert isinstance(dialog, TagModal)
        # An error of two lines, and the list of known tags (after the comma): the fullest
        # the dialog gets.
        await pilot.press(*("b" * 61), ",", "space", "enter")
        await pilot.pause()
        text = screen_text(app)
        assert "Not saved: tag" in text
        box = dialog.query_one("TagModal > Vertical")
        fields = ("#tag-title", "#tag-current", "#tag-input", "#tag-known", "#tag-error")
        check_fits(pilot, box, (*fields, "#tag-help"))
        assert dialog.query_one("#tag-error").region.height == 2
        help_line = dialog.query_one("#tag-help").region
        assert help_line.height == 1
        assert "esc cancels" in text
        # The item's title is cut with "…", on one line.
        title = dialog.query_one("#tag-title").region
        assert title.height == 1
        assert "Tags for: Ceasefire monitors" in text.splitlines()[title.y]
        assert "…" in text.splitlines()[title.y]
        # Hostile tags are literal, the long one whole, on one row each.
        await pilot.press("ctrl+u", "shift+tab")
        text = screen_text(app)
        assert "[bold red]x[/]" in text and LONG_TAG in text
        await pilot.press("end")
        assert "مصفاة الزاوية" in screen_text(app) and "oil 🔥" in screen_text(app)


@pytest.mark.parametrize("size", SIZES)
async def test_note_dialog_fits(make_app: AppFactory, size: tuple[int, int]) -> None:
    app = hostile_app(make_app)
    async with app.run_test(size=size) as pilot:
        await open_on_first(pilot, "n")
        dialog = app.screen
        assert isinstance(dialog, NoteModal)
        await pilot.press(*"[bold]mine[/]")
        box = dialog.query_one("NoteModal > Vertical")
        check_fits(pilot, box, ("#note-title", "#note-text", "#note-error", "#note-help"))
        text = screen_text(app)
        assert "[bold]mine[/]" in text
        assert "ctrl+s saves · esc cancels" in text
        title = dialog.query_one("#note-title").region
        assert title.height == 1
        assert "Note on: Ceasefire monitors" in text.splitlines()[title.y]
        assert "…" in text.splitlines()[title.y]


@pytest.mark.parametrize("size", SIZES)
async def test_views_dialog_fits(make_app: AppFactory, size: tuple[int, int]) -> None:
    app = hostile_app(make_app)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        # A long current filter for the "Save the current filter (…) as:" line.
        await pilot.press(
            "slash", *"ceasefire monitors in Tripoli and Benghazi and Geneva", "enter"
        )
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ViewsModal)
        box = dialog.query_one("ViewsModal > Vertical")
        check_fits(pilot, box, ("#views-list", "#views-save", "#views-name"))
        text = screen_text(app)
        assert "enter on a view recalls it · delete removes it · esc closes" in text
        assert "[bold red]x[/] view  tag=[bold red]x[/]" in text
        save = dialog.query_one("#views-save").region
        assert save.height == 1
        assert text.splitlines()[save.y].rstrip(" █").endswith("…")
        await pilot.press("end")
        assert "مصفاة 🔥" in screen_text(app)


@pytest.mark.parametrize("key", ["t", "n", "v"], ids=["tag", "note", "views"])
@pytest.mark.parametrize("size", SIZES)
def test_dialog_snapshot(
    snap_compare: SnapCompare, make_app: AppFactory, size: tuple[int, int], key: str
) -> None:
    app = hostile_app(make_app)

    async def open_dialog(pilot: Pilot[Any]) -> None:
        await open_on_first(pilot, key)
        # A blinking cursor is drawn or not by the clock: a busy machine caught it off.
        for field in pilot.app.screen.query("Input, TextArea"):
            field.cursor_blink = False  # type: ignore[attr-defined]
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=open_dialog)
