"""`e` export, `b` brief and the actors screen's brief, wired into the app and driven by keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing.core.models import ItemFilter
from briefing.tui.screens import brief, export
from briefing.tui.screens.actors import ActorsScreen
from tests.tui.conftest import SIZE, AppFactory
from tests.tui.helpers import notices, pick_in_panel, screen_text, settle, triage


async def test_e_opens_the_export_dialog_on_the_current_filter(
    make_app: AppFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pick_in_panel(pilot, "actor", "gna")
        await pilot.press("e")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, export.ExportModal)
        assert modal.filter == ItemFilter(actors=("gna",))
        assert modal.default_dir == tmp_path
        # format, grouping, then the title field: enter there exports with the defaults.
        await pilot.press("tab", "tab", "enter")
        await settle(pilot)
        written = tmp_path / "libya-briefing-digest-2026-11-20.md"
        assert f"Exported to {written}" in notices(app)
        triage(app)
        digest = written.read_text(encoding="utf-8")
        assert digest.startswith("# Libya briefing digest 2026-11-20\n")
        assert "GNA calls for an emergency session" in digest  # mentions gna
        assert "Haftar meets foreign envoys" not in digest  # does not


async def test_b_opens_the_brief_of_the_filter(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pick_in_panel(pilot, "actor", "lna")
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, brief.BriefScreen)
        assert app.screen.filter == ItemFilter(actors=("lna",))
        await pilot.press("escape")
        await settle(pilot)
        triage(app)


async def test_actors_screen_shows_the_brief_of_the_highlighted_actor(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, ActorsScreen)
        view = app.screen.query_one(brief.BriefView)
        assert view.brief is not None
        first = view.brief
        await pilot.press("down")
        await settle(pilot)
        assert view.brief is not None and view.brief != first
        assert "Actors" in screen_text(app)
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, brief.BriefScreen)
