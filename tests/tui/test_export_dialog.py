"""Pilot: the export dialog writes the digest in a worker, returns its path; Escape cancels."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Button, Checkbox, Input, Select

from briefing.core.models import ItemFilter
from briefing.store import Store
from briefing.tui.context import TuiContext
from briefing.tui.screens.export import ExportModal
from tests.conftest import FROZEN_NOW
from tests.export_fixture import populate
from tests.tui.conftest import make_config
from tests.tui.helpers import screen_text

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


async def test_missing_folder_is_reported(store: Store, tmp_path: Path) -> None:
    app = Host(store, ItemFilter(), tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        dialog = modal(app)
        await pilot.press("tab", "tab", "tab", "end", "ctrl+u", *str(tmp_path / "nope"))
        await pilot.click("#export-ok")
        await settle(pilot)
        assert isinstance(app.screen, ExportModal)
        assert "such folder" in screen_text(app)
        assert not dialog.query_one("#export-ok", Button).disabled
    assert app.results == []
