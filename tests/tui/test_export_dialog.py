"""Pilot: the export dialog writes the digest in a worker, returns its path; Escape cancels; it
fits 80×24 (snapshots at 80×24 and 160×48)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.app import App
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widgets import Button, Checkbox, Input, Select

from briefing.core.models import ItemFilter
from briefing.store import Store
from briefing.tui.context import TuiContext
from briefing.tui.screens.export import ExportModal
from briefing.tui.themes import DEFAULT_THEME, THEMES
from tests.conftest import FROZEN_NOW
from tests.export_fixture import populate
from tests.tui.conftest import AppFactory, make_config
from tests.tui.helpers import screen_text
from tests.tui.test_snapshots import SnapCompare

SIZE = (120, 50)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.open(tmp_path / "export.db")
    s.clock = lambda: FROZEN_NOW
    populate(s)
    yield s
    s.close()


class Host(App[None]):
    """Pushes the dialog at start and records what it returns."""

    def __init__(self, store: Store, f: ItemFilter, folder: Path) -> None:
        super().__init__()
        self.context = TuiContext(store, make_config(folder), now=lambda: FROZEN_NOW)
        self.f, self.folder = f, folder
        self.results: list[Path | None] = []

    def on_mount(self) -> None:
        # The app's theme, so that a snapshot shows the dialog as the app does.
        for theme in THEMES:
            self.register_theme(theme)
        self.theme = DEFAULT_THEME
        self.push_screen(ExportModal(self.context, self.f, self.folder), self.results.append)


async def settle(pilot: Pilot[None]) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def modal(app: App[None]) -> ExportModal:
    assert isinstance(app.screen, ExportModal)
    return app.screen


async def test_defaults_and_export_markdown(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    app = Host(store, ItemFilter(tags=("escalation",)), out)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        dialog = modal(app)
        assert "tag: escalation · state: active" in screen_text(app)
        assert (
            dialog.query_one("#export-name", Input).value == "libya-briefing-digest-2026-11-20.md"
        )
        assert dialog.query_one("#export-dir", Input).value == str(out)
        await pilot.click("#export-ok")
        await settle(pilot)
    assert app.results == [out / "libya-briefing-digest-2026-11-20.md"]
    text = (out / "libya-briefing-digest-2026-11-20.md").read_text(encoding="utf-8")
    assert text.startswith("# Libya briefing digest 2026-11-20\n")
    assert "**Counts:** 2 items" in text


async def test_format_grouping_title_and_dismissed(store: Store, tmp_path: Path) -> None:
    app = Host(store, ItemFilter(), tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        dialog = modal(app)
        # Format (focused first): HTML is one below Markdown; grouping: by actor, one below none.
        await pilot.press("enter", "down", "enter", "tab", "enter", "down", "enter")
        assert dialog.query_one("#export-format", Select).value == "html"
        assert dialog.query_one("#export-group", Select).value == "actor"
        assert dialog.query_one("#export-name", Input).value.endswith(".html")
        await pilot.press("tab", "end", "ctrl+u", *"../../Weekly <b>digest</b>")
        assert dialog.query_one("#export-name", Input).value == "weekly-b-digest-b.html"
        await pilot.press("tab", "tab", "tab", "space")  # folder, file name, the checkbox
        assert dialog.query_one("#export-dismissed", Checkbox).value
        await pilot.press("tab", "tab", "tab", "enter")  # notes, Cancel, then Export
        await settle(pilot)
    (path,) = app.results
    assert path is not None and path.parent == tmp_path and path.name == "weekly-b-digest-b.html"
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "Weather notes from the coast" in page
    assert "<title>../../Weekly &lt;b&gt;digest&lt;/b&gt;</title>" in page


async def test_typed_file_name_is_kept(store: Store, tmp_path: Path) -> None:
    app = Host(store, ItemFilter(), tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        dialog = modal(app)
        await pilot.press("tab", "tab", "tab", "tab", "end", "ctrl+u", *"mine.md")
        await pilot.press("shift+tab", "shift+tab", "end", "ctrl+u", *"Another title")
        await pilot.press("shift+tab", "shift+tab", "enter", "down", "down", "down", "enter")
        assert dialog.query_one("#export-name", Input).value == "mine.csv"
        await pilot.click("#export-ok")
        await settle(pilot)
    assert app.results == [tmp_path / "mine.csv"]
    assert (tmp_path / "mine.csv").read_text(encoding="utf-8").startswith("\ufeffid,published,")


async def test_escape_cancels(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    app = Host(store, ItemFilter(), folder)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ExportModal)
    assert app.results == [None]
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize(
    "name", ["nope", "~no-such-user-here/x", "x" * 256], ids=["missing", "user", "long"]
)
async def test_missing_folder_is_reported(store: Store, tmp_path: Path, name: str) -> None:
    app = Host(store, ItemFilter(), tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        dialog = modal(app)
        folder = name if name.startswith("~") else str(tmp_path / name)
        await pilot.press("tab", "tab", "tab", "end", "ctrl+u", *folder)
        await pilot.click("#export-ok")
        await settle(pilot)
        assert isinstance(app.screen, ExportModal)
        text = screen_text(app)  # the message wraps: check both of its ends
        assert ": no such" in text and "choose an existing one" in text
        assert not dialog.query_one("#export-ok", Button).disabled
    assert app.results == []


FIELDS = (
    "#export-format",
    "#export-group",
    "#export-title",
    "#export-dir",
    "#export-name",
    "#export-dismissed",
    "#export-notes",
    "#export-cancel-button",
    "#export-ok",
)


async def test_everything_fits_80x24_in_the_app(
    make_app: AppFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fullest dialog (a long filter, a gone folder's note and an error) scrolls nothing."""
    monkeypatch.chdir(tmp_path)
    app = make_app()
    app.store.save_export_choices({"folder": str(tmp_path / ("a-long-folder-name-" * 4))})
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"Haftar envoys ceasefire talks in Geneva and Benghazi", "enter")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        dialog = modal(app)
        await pilot.press("tab", "tab", "tab", "end", "ctrl+u", *"/no/such/place", "enter")
        await settle(pilot)
        text = screen_text(app)
        assert ": no such" in text and "Last folder no longer exists" in text
        box = dialog.query_one("#export-box")
        assert box.max_scroll_y == 0
        screen = Region(0, 0, 80, 24)
        for selector in FIELDS:
            region = dialog.query_one(selector).region
            assert region.area and screen.contains_region(region), selector
            assert box.region.contains_region(region), selector
        for words in ("Format", "Grouping", "Title", "Folder", "File name", "Include my notes"):
            assert words in text
        assert "Cancel" in text and "Export" in text


@pytest.mark.parametrize(
    ("size", "saved"),
    [
        ((80, 24), {}),
        ((160, 48), {}),
        (
            (80, 24),
            {
                "folder": "/nonexistent/briefing/digests",
                "title": "[bold]Weekly[/] brief",
                "format": "csv",
                "group_by": "tag",
                "include_notes": "yes",
            },
        ),
    ],
    ids=["80x24", "160x48", "80x24-remembered"],
)
def test_dialog_snapshot(
    snap_compare: SnapCompare, store: Store, size: tuple[int, int], saved: dict[str, str]
) -> None:
    # A fixed folder that exists everywhere, so the snapshot does not show a temporary path.
    store.save_export_choices(saved)
    app = Host(store, ItemFilter(tags=("escalation",)), Path("/tmp"))

    async def ready(pilot: Pilot[None]) -> None:
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=ready)
