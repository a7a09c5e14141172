"""Pilot tests for search, the filter panel, chips, saved views and the actors screen."""

from __future__ import annotations

from datetime import timedelta

from briefing.core.models import ItemFilter
from briefing.tui.screens.actors import ActorsScreen
from briefing.tui.screens.views import ViewsModal
from briefing.tui.widgets.chips import FilterChips
from briefing.tui.widgets.filter_panel import FilterPanel
from tests.tui.conftest import SIZE, AppFactory
from tests.tui.helpers import (
    item_list,
    palette_pick,
    pick_in_panel,
    screen_text,
    settle,
    triage,
)


async def test_search_filters_highlights_and_shows_a_chip(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"Geneva", "enter")
        await settle(pilot)
        items = item_list(app)
        assert items.total == 2
        assert triage(app).filter.text == "Geneva"
        assert all("Geneva" in (items.row(i).title if items.row(i) else "") for i in range(2))  # type: ignore[union-attr]
        text = screen_text(app)
        assert "search Geneva ✕" in text
        assert "filter: search=Geneva" in text
        # The match is styled in the list (a span other than the title's own style).
        strip = items.render_line(0)
        styles = {seg.style for seg in strip if "Geneva" in seg.text}
        assert styles and all(s is not None and (s.underline or s.bgcolor) for s in styles)
        await pilot.press("backspace")
        await settle(pilot)
        assert items.total == 20
        assert triage(app).filter == ItemFilter()


async def test_filters_combine_and_chips_remove_one_by_one(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = triage(app)
        await pick_in_panel(pilot, "actor", "lna")
        with_actor = item_list(app).total
        assert 0 < with_actor < 20
        await pick_in_panel(pilot, "feed", "Libya Observer")
        both = item_list(app).total
        assert 0 < both <= with_actor
        await pick_in_panel(pilot, "date", "24h")
        assert item_list(app).total <= both
        assert screen.filter.actors == ("lna",) and screen.filter.feeds == ("Libya Observer",)
        assert screen.filter.within == timedelta(days=1) and screen.filter.since is None
        chips = screen.query_one(FilterChips).query(".chip")
        assert len(chips) == 3
        # Clicking a chip removes just that filter.
        await pilot.click(chips.first())
        await settle(pilot)
        after = triage(app).filter
        assert after.actors == () and after.feeds == ("Libya Observer",)
        await pilot.press("c")
        await settle(pilot)
        assert screen.filter == ItemFilter()
        assert item_list(app).total == 20


async def test_filter_panel_is_usable_by_keyboard(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        panel = triage(app).query_one(FilterPanel)
        panel.focus()
        await pilot.pause()
        # The first entry under "Actors" is the actor with the most items.
        panel.highlighted = 1
        await pilot.press("enter")
        await settle(pilot)
        assert len(triage(app).filter.actors) == 1
        assert "✓" in screen_text(app)


async def test_state_filter_shows_dismissed_items(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("d", "d")
        await settle(pilot)
        await pick_in_panel(pilot, "state", "dismissed")
        assert item_list(app).total == 2
        assert "state dismissed ✕" in screen_text(app)


async def test_saved_views_are_stored_and_recalled(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = triage(app)
        await pick_in_panel(pilot, "actor", "gna")
        wanted = screen.filter
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, ViewsModal)
        await pilot.press(*"gna watch", "enter")
        await settle(pilot)
        saved = app.store.view("gna watch")
        assert saved is not None and saved.filter.actors == ("gna",)
        await pilot.press("c")
        await settle(pilot)
        assert screen.filter == ItemFilter()
        await pilot.press("v")
        await pilot.pause()
        await pilot.press("enter")  # the list has focus: recall the first view
        await settle(pilot)
        assert screen.filter == wanted
        # delete from the dialog
        await pilot.press("v")
        await pilot.pause()
        await pilot.press("delete")
        await settle(pilot)
        assert app.store.view("gna watch") is None


async def test_actors_screen_lists_counts_and_filters_on_enter(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, ActorsScreen)
        text = screen_text(app)
        for name in ("Libyan National Army", "Khalifa Haftar", "Government of National Accord"):
            assert name in text
        assert "Last 30 days" in text
        await pilot.press("enter")
        await settle(pilot)
        screen = triage(app)
        assert len(screen.filter.actors) == 1
        assert item_list(app).total < 20
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert len(triage(app).filter.actors) == 1


async def test_palette_lists_filters_and_runs_them(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await palette_pick(pilot, "actor: Khal", "Filter by actor: Khalifa Haftar")
        assert triage(app).filter.actors == ("khalifa-haftar",)
        await palette_pick(pilot, "Flag", "Flag")
        row = item_list(app).current
        assert row is not None and app.store.item(row.id).row.flagged  # type: ignore[union-attr]


async def test_the_seed_article_opens_from_the_palette(make_app: AppFactory) -> None:
    from dataclasses import replace

    from tests.conftest import tagged

    app = make_app()
    seed = tagged(
        "Our own stand-in for the seed article",
        feed="Example Outlet",
        identity="seed",
        content="A paragraph of our own words about Tripoli.",
    )
    seed = replace(seed, entry=replace(seed.entry, kind="article"))
    app.store.upsert_article(seed, authors=("A. Writer",), seed=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await palette_pick(pilot, "seed article", "Open the seed article")
        text = screen_text(app)
        assert "Our own stand-in for the seed article" in text
        assert "A. Writer" in text
        assert "article" in text
