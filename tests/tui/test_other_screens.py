"""`e` export, `b` brief and the actors screen's brief: helper E's screens wired into the app."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing.core.models import ItemFilter
from briefing.tui.screens.actors import ActorsScreen
from briefing.tui.widgets.filter_panel import FilterPanel
from tests.tui.conftest import SIZE, AppFactory
from tests.tui.helpers import notices, screen_text, settle, triage

brief = pytest.importorskip("briefing.tui.screens.brief")
export = pytest.importorskip("briefing.tui.screens.export")


async def test_e_opens_the_export_dialog_on_the_current_filter(
    make_app: AppFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        triage(app).query_one(FilterPanel).post_message(FilterPanel.Toggled("actor", "gna"))
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, export.ExportModal)
        assert modal.filter == ItemFilter(actors=("gna",))
        assert modal.default_dir == tmp_path
        modal.dismiss(tmp_path / "digest.md")
        await settle(pilot)
        assert "Exported to" in notices(app)


async def test_b_opens_the_brief_of_the_filter(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        triage(app).query_one(FilterPanel).post_message(FilterPanel.Toggled("actor", "lna"))
        await settle(pilot)
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
