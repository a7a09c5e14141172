"""Pilot, in the whole app: the export dialog opens on the last export's choices of this database
(only an export that succeeded is kept), falls back from a folder that is gone, and puts the
analyst's notes in the digest only when *Include my notes* is ticked."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, Select

from briefing.store import Store
from briefing.tui.app import BriefingApp
from briefing.tui.screens.export import ExportModal
from tests.conftest import FROZEN_NOW
from tests.tui.conftest import SIZE, AppFactory, build_db, find_names, make_config, sample_items
from tests.tui.helpers import notices, screen_text, settle, triage

TITLE = "[bold]Weekly[/] $(rm) digest"
"""Typed by the analyst, shown back literally: never markup."""
DEFAULT_TITLE = "Libya briefing digest 2026-11-20"
NOTE = "Private: ask the Misrata source\nbefore quoting."


def dialog(app: App[None]) -> ExportModal:
    assert isinstance(app.screen, ExportModal), f"expected the export dialog, got {app.screen!r}"
    return app.screen


def shown(app: App[None]) -> dict[str, object]:
    """What the dialog's fields show."""
    d = dialog(app)
    return {
        "format": d.query_one("#export-format", Select).value,
        "group": d.query_one("#export-group", Select).value,
        "title": d.query_one("#export-title", Input).value,
        "folder": d.query_one("#export-dir", Input).value,
        "notes": d.query_one("#export-notes", Checkbox).value,
    }


async def open_dialog(pilot: Pilot[None]) -> None:
    await pilot.press("e")
    await settle(pilot)
    dialog(pilot.app)


async def replace_text(pilot: Pilot[None], text: str) -> None:
    await pilot.press("end", "ctrl+u", *text)


async def export_by_keys(pilot: Pilot[None]) -> Path:
    """From the notes checkbox: tab to Cancel, then to Export, and press it."""
    before = len(pilot.app._notifications)
    await pilot.press("tab", "tab", "enter")
    await settle(pilot)
    triage(pilot.app)
    (message,) = [n.message for n in list(pilot.app._notifications)[before:]]
    assert message.startswith("Exported to ")
    return Path(message.removeprefix("Exported to "))


async def test_choices_come_back_for_this_database_only(
    make_app: AppFactory, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "digests"
    out.mkdir()
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_dialog(pilot)
        assert shown(app) == {
            "format": "md",
            "group": "none",
            "title": DEFAULT_TITLE,
            "folder": str(tmp_path),
            "notes": False,
        }
        # Format: JSON, two below Markdown; grouping: by tag, two below none.
        await pilot.press("enter", "down", "down", "enter", "tab", "enter", "down", "down", "enter")
        await pilot.press("tab")
        await replace_text(pilot, TITLE)
        await pilot.press("tab")
        await replace_text(pilot, str(out))
        await pilot.press("tab", "tab", "tab", "space")  # file name, dismissed, notes
        written = await export_by_keys(pilot)
        assert written.parent == out and written.suffix == ".json"

        await open_dialog(pilot)
        remembered = {
            "format": "json",
            "group": "tag",
            "title": TITLE,
            "folder": str(out),
            "notes": True,
        }
        assert shown(app) == remembered
        assert TITLE in screen_text(app)  # literal: the brackets are not taken as styles
        assert dialog(app).query_one("#export-name", Input).value == "bold-weekly-rm-digest.json"
        await pilot.press("escape")
        await settle(pilot)

    # The same database opened again (a new store and app): the same choices.
    again = Store.open(db_path)
    try:
        app2 = BriefingApp(again, make_config(tmp_path), now=lambda: FROZEN_NOW)
        async with app2.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await open_dialog(pilot)
            assert shown(app2) == remembered
    finally:
        again.close()

    # Another database does not see them.
    other = build_db(tmp_path / "other.db", sample_items())
    try:
        app3 = BriefingApp(
            other, make_config(tmp_path), now=lambda: FROZEN_NOW, find_mentions=find_names
        )
        async with app3.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await open_dialog(pilot)
            assert shown(app3) == {
                "format": "md",
                "group": "none",
                "title": DEFAULT_TITLE,
                "folder": str(tmp_path),
                "notes": False,
            }
    finally:
        other.close()


async def test_cancelled_or_failed_exports_are_not_remembered(
    make_app: AppFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_dialog(pilot)
        await pilot.press("tab", "tab")
        await replace_text(pilot, "Cancelled title")
        await pilot.press("escape")
        await settle(pilot)

        await open_dialog(pilot)
        assert shown(app)["title"] == DEFAULT_TITLE
        await pilot.press("tab", "tab")
        await replace_text(pilot, "Failed title")
        await pilot.press("tab")
        await replace_text(pilot, str(tmp_path / "no-such-folder"))
        await pilot.press("enter")  # enter in a field exports
        await settle(pilot)
        text = screen_text(app)  # the message wraps: check both of its ends
        assert ": no such" in text and "choose an existing one" in text
        await pilot.press("escape")
        await settle(pilot)

        await open_dialog(pilot)
        assert shown(app)["title"] == DEFAULT_TITLE
        assert shown(app)["folder"] == str(tmp_path)
    assert app.store.export_choices() == {}


async def test_a_folder_that_is_gone_falls_back_with_a_note(
    make_app: AppFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "gone soon"
    out.mkdir()
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_dialog(pilot)
        await pilot.press("tab", "tab", "tab")
        await replace_text(pilot, str(out))
        await pilot.press("tab", "tab", "tab")
        assert (await export_by_keys(pilot)).parent == out
        shutil.rmtree(out)

        await open_dialog(pilot)
        assert shown(app)["folder"] == str(tmp_path)
        text = screen_text(app)
        assert "Last folder no longer exists (default used): " in text
        assert "gone soon" in text
        # Exporting from here works, and the folder used becomes the remembered one.
        await pilot.press(*["tab"] * 6)
        assert (await export_by_keys(pilot)).parent == tmp_path
    assert app.store.export_choices()["folder"] == str(tmp_path)


@pytest.mark.parametrize(("downs", "suffix"), [(0, ".md"), (3, ".csv")])
async def test_notes_reach_the_digest_only_when_ticked(
    make_app: AppFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    downs: int,
    suffix: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app()
    first = app.store.items()[0]
    app.store.set_note(first.id, NOTE)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_dialog(pilot)
        if downs:
            await pilot.press("enter", *["down"] * downs, "enter")
        await pilot.press(*["tab"] * 6)  # grouping, title, folder, file name, dismissed, notes
        await pilot.press("space")
        with_notes = await export_by_keys(pilot)

        await open_dialog(pilot)
        assert shown(app)["notes"] is True
        await pilot.press(*["tab"] * 6, "space")
        without = await export_by_keys(pilot)

        await open_dialog(pilot)
        assert shown(app)["notes"] is False
    assert with_notes.suffix == without.suffix == suffix
    assert with_notes != without
    kept = with_notes.read_text(encoding="utf-8-sig")
    left_out = without.read_text(encoding="utf-8-sig")
    assert "Private: ask the Misrata source" in kept
    assert "before quoting." in kept
    assert "Misrata source" not in left_out
    assert first.title in left_out  # the item itself is there, only its note is not
    assert "Exported to" in notices(app)


async def test_a_read_only_database_exports_without_remembering(
    make_app: AppFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app(read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_dialog(pilot)
        await pilot.press("tab", "tab")
        await replace_text(pilot, "Read only")
        await pilot.press(*["tab"] * 4, "space")
        written = await export_by_keys(pilot)
        assert written == tmp_path / "read-only.md"
        await open_dialog(pilot)
        assert shown(app)["title"] == DEFAULT_TITLE
    assert app.store.export_choices() == {}
