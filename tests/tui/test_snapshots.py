"""A few layout snapshots (fixed size, frozen clock, UTC, Textual pinned in pyproject).

Snapshots cover the look; behaviour is asserted by the Pilot tests. Update them deliberately
with `uv run pytest tests/tui/test_snapshots.py --snapshot-update` and review the SVG report.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.tui.conftest import SIZE, AppFactory
from tests.tui.helpers import item_list, settle, triage

SnapCompare = Callable[..., bool]

BOTH_SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((160, 48), id="160x48")]
"""The two sizes the main views are drawn at: the smallest usual terminal and a large one
(below 100 columns the panel folds away and the reading pane folds its details)."""


async def _ready(pilot: Pilot[Any]) -> None:
    await settle(pilot)


@pytest.mark.parametrize("size", BOTH_SIZES)
def test_main_screen(snap_compare: SnapCompare, make_app: AppFactory, size: Any) -> None:
    app = make_app()
    assert snap_compare(app, terminal_size=size, run_before=_ready)


@pytest.mark.parametrize("size", BOTH_SIZES)
def test_reading_pane(snap_compare: SnapCompare, make_app: AppFactory, size: Any) -> None:
    app = make_app()

    async def open_tagged_item(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        first = item_list(pilot.app).current
        assert first is not None
        pilot.app.store.add_tags([first.id], ["escalation", "Tripoli"])  # type: ignore[attr-defined]
        pilot.app.store.set_note(first.id, "Check the casualty figures\nagainst UNSMIL.")  # type: ignore[attr-defined]
        pilot.app.store.set_flagged([first.id], True)  # type: ignore[attr-defined]
        triage(pilot.app).refresh_items()
        await pilot.press("j", "j", "x", "k", "k", "k", "enter")
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=open_tagged_item)


def test_actors_screen(snap_compare: SnapCompare, make_app: AppFactory) -> None:
    app = make_app()

    async def open_actors(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=open_actors)


@pytest.mark.parametrize("size", BOTH_SIZES)
def test_help_screen(snap_compare: SnapCompare, make_app: AppFactory, size: Any) -> None:
    app = make_app()

    async def open_help(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=open_help)


def test_light_theme_empty_state(snap_compare: SnapCompare, make_app: AppFactory) -> None:
    app = make_app(empty=True)

    async def light(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("ctrl+t")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=light)
