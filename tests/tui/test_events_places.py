"""Pilot tests for issue 12 in the app: the Events and Places facets and the reading pane."""

from __future__ import annotations

from briefing.tui.widgets.filter_panel import FilterPanel
from tests.tui.conftest import SIZE, AppFactory
from tests.tui.events_fixture import HOSTILE_FEED, HOSTILE_PLACE, event_items, with_places
from tests.tui.helpers import item_list, notices, pick_in_panel, screen_text, settle, triage


def _panel_ids(app: object) -> list[str]:
    panel = app.screen.query_one(FilterPanel)  # type: ignore[attr-defined]
    return [panel.get_option_at_index(i).id or "" for i in range(panel.option_count)]


async def test_events_facet_filters_by_event_type(make_app: AppFactory) -> None:
    app = make_app(event_items())
    with_places(app.store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        ids = _panel_ids(app)
        assert "event\x1fremote_violence" in ids and "event\x1fnone" not in ids
        await pick_in_panel(pilot, "event", "remote_violence")
        assert triage(app).filter.events == ("remote_violence",)
        assert item_list(app).total == 4
        assert "event remote violence ✕" in screen_text(app)
        await pick_in_panel(pilot, "event", "remote_violence")  # chosen again: off
        assert triage(app).filter.events == ()


async def test_places_facet_filters_and_places_are_never_actors(make_app: AppFactory) -> None:
    app = make_app(event_items())
    with_places(app.store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        ids = _panel_ids(app)
        places = {i.split("\x1f")[1] for i in ids if i.startswith("place\x1f")}
        actors = {i.split("\x1f")[1] for i in ids if i.startswith("actor\x1f")}
        assert {"sirte", "benghazi", "tripoli", "hostile"} <= places
        assert not places & actors
        await pick_in_panel(pilot, "place", "tripoli")
        # Tripoli is only named in passing by the Benghazi clash: the filter still finds it.
        assert triage(app).filter.places == ("tripoli",)
        assert item_list(app).total == 1
        assert "place Tripoli ✕" in screen_text(app)
        await pick_in_panel(pilot, "place", "hostile")
        assert item_list(app).total == 2
        text = screen_text(app)
        assert HOSTILE_PLACE in text  # shown literally, not run as a click action
        assert app.is_running


async def test_reading_pane_shows_event_places_and_the_story(make_app: AppFactory) -> None:
    app = make_app(event_items())
    with_places(app.store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pick_in_panel(pilot, "event", "remote_violence")
        items = item_list(app)
        assert items.current is not None and items.current.title.startswith("Drone strike hits")
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
        assert "Event" in text and "remote violence: “drone” in title; rule: strike" in text
        assert "◉ Sirte (Tripolitania)" in text
        assert "3 reports · en fr ar" in text  # oldest report first
        assert "Libya Herald (ar)" in text and f"{HOSTILE_FEED} (fr)" in text
        # The strike a week earlier is another story: not among this one's reports.
        assert (
            "Drone strike on Sirte outskirts" not in text.split("Story", 1)[1].split("Also", 1)[0]
        )


async def test_reading_pane_marks_the_events_place_among_others(make_app: AppFactory) -> None:
    app = make_app(event_items())
    with_places(app.store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pick_in_panel(pilot, "event", "armed_clash")
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
        assert "◉ Benghazi (Cyrenaica) · Tripoli (Tripolitania)" in text
        assert "Story" not in text  # a story of one report lists no others


async def test_search_box_takes_event_and_place_words(make_app: AppFactory) -> None:
    """`event:` and `place:` typed in the search box narrow the list as the facets do; an
    unknown type says so in one line and keeps the list."""
    app = make_app(event_items())
    with_places(app.store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"event:remote_violence place:Sirte", "enter")
        await settle(pilot)
        assert item_list(app).total == 4
        await pilot.press("slash", "end", "ctrl+u", *"event:protest", "enter")
        await settle(pilot)
        assert item_list(app).total == 1
        await pilot.press("slash", "end", "ctrl+u", *"event:fighting", "enter")
        await settle(pilot)
        assert "'fighting' is not an event type" in notices(app)
        assert item_list(app).total == 1
        assert app.is_running
