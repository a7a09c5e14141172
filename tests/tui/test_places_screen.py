"""Pilot tests and snapshots for the places screen: the map of Libya and the place list."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from briefing.core.models import PlaceCount
from briefing.tui.screens.places import PlacesScreen
from briefing.tui.widgets.braille import BrailleCanvas
from briefing.tui.widgets.places_map import PlacesMap, draw_map
from tests.tui.conftest import SIZE, AppFactory
from tests.tui.events_fixture import HOSTILE_PLACE, event_items, with_places
from tests.tui.helpers import item_list, screen_text, settle, triage

SnapCompare = Callable[..., bool]


def test_braille_canvas_sets_the_dots_of_a_line() -> None:
    canvas = BrailleCanvas(2, 1)
    canvas.line(0, 0, 3, 0)  # the top row of dots across both cells
    assert canvas.lines() == ["⠉⠉"]
    canvas.dot(0, 3)
    canvas.dot(99, 99)  # off the canvas: ignored
    assert canvas.lines() == ["⡉⠉"]


def test_map_marks_places_inside_libya_and_labels_the_highlighted_one() -> None:
    places = [
        PlaceCount("sirte", "Sirte", "Tripolitania", 1, 1, 9, lat=31.2, lon=16.59),
        PlaceCount("sabha", "Sabha", "Fezzan", 0, 1, 1, lat=27.04, lon=14.43),
        PlaceCount("geneva", "Geneva", "", 0, 1, 5, lat=46.2, lon=6.14),
        PlaceCount("nowhere", "Nowhere", "", 0, 1, 5),
    ]
    lines = [t.plain for t in draw_map(places, 40, 16, "sirte")]
    text = "\n".join(lines)
    assert len(lines) == 16 and all(len(line) == 40 for line in lines)
    assert text.count("●") == 1 and text.count("•") == 1  # Geneva and no-coordinates: no mark
    assert " Sirte 9 " in text and "Sabha" not in text
    assert any(ch for ch in text if 0x2801 <= ord(ch) <= 0x28FF)  # the outline
    # Sirte is north of Sabha: its mark is on an earlier row.
    assert next(i for i, line in enumerate(lines) if "●" in line) < next(
        i for i, line in enumerate(lines) if "•" in line
    )


async def test_places_screen_moves_the_mark_and_filters_the_list(make_app: AppFactory) -> None:
    app = make_app(event_items())
    with_places(app.store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PlacesScreen)
        assert screen.counts[0].id == "sirte"  # the busiest place first
        view = screen.query_one(PlacesMap)
        assert view.highlighted == "sirte"
        text = screen_text(app)
        assert " Sirte 4 " in text and HOSTILE_PLACE in text
        await pilot.press("j")
        await settle(pilot)
        second = screen.counts[1].id
        assert view.highlighted == second
        await pilot.press("enter")
        await settle(pilot)
        assert triage(app).filter.places == (second,)
        assert item_list(app).total == 1
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert triage(app).filter.places == (second,)  # backing out changes nothing
        assert app.is_running


async def test_hostile_place_name_on_the_map_is_literal(make_app: AppFactory) -> None:
    app = make_app(event_items())
    with_places(app.store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PlacesScreen)
        for _ in range(len(screen.counts)):
            if screen.highlighted_place() == "hostile":
                break
            await pilot.press("j")
        await settle(pilot)
        text = screen_text(app)
        assert f" {HOSTILE_PLACE} 1 " in text  # the map's label, literal
        await pilot.press("enter")
        await settle(pilot)
        assert app.is_running and triage(app).filter.places == ("hostile",)


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
def test_places_screen_snapshot(
    snap_compare: SnapCompare, make_app: AppFactory, size: tuple[int, int]
) -> None:
    app = make_app(event_items())
    with_places(app.store)

    async def open_places(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=open_places)
