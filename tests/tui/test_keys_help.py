"""Bindings are declared once: the help screen and the footer come from them, tui.keys rebinds."""

from __future__ import annotations

import io

from rich.console import Console

from briefing.tui.app import BriefingApp
from briefing.tui.screens.help import HelpScreen
from tests.tui.conftest import SIZE, AppFactory
from tests.tui.helpers import item_list, notices, screen_text, settle, triage


async def test_help_lists_exactly_the_active_bindings(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        active = {
            (key, b.binding.action)
            for key, b in triage(app).active_bindings.items()
            if not b.binding.system
        }
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        listed = {(key, row.action) for row in app.screen.rows for key in row.keys}
        assert listed == active
        console = Console(width=160, record=True, file=io.StringIO())
        console.print(app.screen.table)
        text = console.export_text()
        for row in app.screen.rows:
            assert row.description in text
        assert "Quick tag 1: escalation" in text
        assert "Keys" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_footer_shows_the_bindings(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        footer = screen_text(app).splitlines()[-1]
        for piece in ("Read", "Tag", "Flag", "Dismiss", "Search", "Actors"):
            assert piece in footer


async def test_a_key_can_be_rebound_from_config(make_app: AppFactory) -> None:
    app = make_app(keys=(("flag", "s"), ("toggle_read", "ctrl+r")))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = item_list(app).current
        assert first is not None
        await pilot.press("f")  # no longer bound
        assert not app.store.item(first.id).row.flagged  # type: ignore[union-attr]
        await pilot.press("s")
        assert app.store.item(first.id).row.flagged  # type: ignore[union-attr]
        await pilot.press("ctrl+r")
        assert app.store.item(first.id).row.read  # type: ignore[union-attr]
        await pilot.press("question_mark")
        await pilot.pause()
        rows = {row.binding_id: row.keys for row in app.screen.rows}  # type: ignore[attr-defined]
        assert rows["flag"] == ("s",)
        assert rows["toggle-read"] == ("ctrl+r",)


async def test_unknown_action_in_keys_is_reported_in_one_line(make_app: AppFactory) -> None:
    app = make_app(keys=(("launch_rockets", "z"),))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "unknown action(s) launch_rockets" in notices(app)


async def test_theme_toggles_between_light_and_dark(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.theme == "briefing-dark"
        await pilot.press("ctrl+t")
        assert app.theme == "briefing-light"
        await pilot.press("ctrl+t")
        assert app.theme == "briefing-dark"


def test_app_module_stays_small() -> None:
    # app.py is wiring only (STYLE.md: no 1.5k-line app.py).
    import inspect

    assert len(inspect.getsource(inspect.getmodule(BriefingApp)).splitlines()) < 200  # type: ignore[arg-type]
