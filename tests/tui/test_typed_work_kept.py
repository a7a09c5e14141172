"""A typed tag or note is never lost: type-ahead reaches its dialog, a failed save keeps the text.

`type_ahead` sends a burst of keys before the app handles the first, as a terminal does for a
busy app (issue 17: `n`, a note and `ctrl+s` at once saved "n09" of the note).
"""

from __future__ import annotations

import pytest
from textual.widgets import Input, TextArea

from briefing.core.errors import StoreError
from briefing.tui.screens.note import NoteModal
from briefing.tui.screens.tag import TagModal
from briefing.tui.screens.triage import TriageScreen
from tests.tui.conftest import SIZE, AppFactory
from tests.tui.helpers import item_list, notices, screen_text, settle, triage, type_ahead

NOTE = "n09 check the casualty figures ✓ «"


def disk_full(*args: object, **kwargs: object) -> None:
    raise StoreError("cannot write to briefing.db: database or disk is full")


async def test_a_note_typed_ahead_is_saved_whole(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = item_list(app).current
        assert first is not None
        type_ahead(app, "n", *NOTE, "enter", *"against UNSMIL", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TriageScreen)
        detail = app.store.item(first.id)
        assert detail is not None and detail.note == NOTE + "\nagainst UNSMIL"
        # None of the note's letters ran as a triage key (f flags, d dismisses, r reads).
        assert not detail.row.flagged and not detail.row.dismissed
        assert "Note saved" in notices(app)


async def test_tags_typed_ahead_are_added_and_run_no_key(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = item_list(app).current
        assert first is not None
        type_ahead(app, "t", *"alpha, beta, fired", "enter")
        await settle(pilot)
        assert isinstance(app.screen, TriageScreen)
        detail = app.store.item(first.id)
        assert detail is not None and detail.row.tags == ("alpha", "beta", "fired")
        assert not detail.row.flagged and not detail.row.dismissed
        assert item_list(app).cursor == 0


async def test_a_search_typed_ahead_reaches_the_search_box(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        type_ahead(app, "slash", *"Geneva", "enter")
        await settle(pilot)
        # "G" would jump to the bottom and "e" open the export dialog.
        assert isinstance(app.screen, TriageScreen)
        assert triage(app).filter.text == "Geneva"
        assert item_list(app).total == 2


async def test_a_note_that_cannot_be_saved_stays_in_its_dialog(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        first = item_list(app).current
        assert first is not None
        with monkeypatch.context() as patch:
            patch.setattr(app.store, "set_note", disk_full)
            type_ahead(app, "n", *NOTE, "ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, NoteModal)
            assert app.screen.query_one(TextArea).text == NOTE
            assert "database or disk is full" in notices(app)
            assert "Not saved: your text is still here" in screen_text(app)
        # Space freed: the same key saves it.
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TriageScreen)
        assert app.store.item(first.id).note == NOTE


async def test_tags_that_cannot_be_saved_stay_in_their_dialog(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = item_list(app).current
        assert first is not None
        with monkeypatch.context() as patch:
            patch.setattr(app.store, "add_tags", disk_full)
            await pilot.press("t", *"oil, ports", "enter")
            await settle(pilot)
            assert isinstance(app.screen, TagModal)
            assert app.screen.query_one("#tag-input", Input).value == "oil, ports"
            assert "database or disk is full" in notices(app)
            assert len(app.screen_stack[0].undo) == 0  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TriageScreen)
        assert app.store.item(first.id).row.tags == ("oil", "ports")
