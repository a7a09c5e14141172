"""Pilot tests for issue 15 (a day at the keyboard): every step is driven by keys."""

from __future__ import annotations

from datetime import timedelta

from pytest_httpserver import HTTPServer
from textual.widgets import Button, DataTable

from briefing.core.models import ItemFilter
from briefing.tui.screens.actors import ActorsScreen
from briefing.tui.screens.brief import BriefView
from briefing.tui.screens.confirm import ConfirmModal
from briefing.tui.screens.date_range import DateRangeModal
from briefing.tui.widgets.chips import FilterChips
from briefing.tui.widgets.filter_panel import FilterPanel
from briefing.tui.widgets.item_detail import ItemDetailView
from tests.conftest import FROZEN_NOW, tagged
from tests.tui.conftest import SIZE, AppFactory
from tests.tui.helpers import (
    item_list,
    notices,
    palette_pick,
    pick_in_panel,
    screen_text,
    settle,
    triage,
)


async def test_any_tag_and_untagged_filters_from_the_panel(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("1", "j", "j", "2")  # quick tags on the first and third items
        await settle(pilot)
        await pick_in_panel(pilot, "tagged", "any")
        assert triage(app).filter.tagged == "any"
        assert item_list(app).total == 2
        chips = triage(app).query_one(FilterChips).query(".chip").results(Button)
        assert [str(c.label) for c in chips] == ["tags any tag ✕"]
        await pick_in_panel(pilot, "tagged", "none")
        assert triage(app).filter.tagged == "none"
        assert item_list(app).total == 18
        await pilot.press("backspace")
        await settle(pilot)
        assert triage(app).filter.tagged is None
        assert item_list(app).total == 20


async def test_untagged_filter_from_the_palette(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        await palette_pick(pilot, "untagged", "Show untagged items")
        assert triage(app).filter.tagged == "none"
        assert item_list(app).total == 19


async def test_backspace_removes_the_newest_chip_not_the_rightmost(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # The feed first, then the actor: the actor's chip is drawn left of the feed's.
        await pick_in_panel(pilot, "feed", "Libya Observer")
        await pick_in_panel(pilot, "actor", "lna")
        chips = [
            str(c.label) for c in triage(app).query_one(FilterChips).query(".chip").results(Button)
        ]
        assert chips[0].startswith("actor") and chips[-1].startswith("feed")
        await pilot.press("backspace")
        await settle(pilot)
        f = triage(app).filter
        assert f.actors == () and f.feeds == ("Libya Observer",)
        await pilot.press("backspace")
        await settle(pilot)
        assert triage(app).filter.feeds == ()


async def test_actors_screen_moves_like_every_list_and_finds_by_typing(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ActorsScreen)
        table = screen.query_one("#actors-table", DataTable)
        assert table.row_count == 4
        await pilot.press("j")
        assert table.cursor_row == 1
        await pilot.press("G")
        assert table.cursor_row == 3
        await pilot.press("k")
        assert table.cursor_row == 2
        await pilot.press("g")
        assert table.cursor_row == 0
        await pilot.press("space")
        assert table.cursor_row == 3
        await pilot.press("slash", *"emir")
        await pilot.pause()
        assert screen._highlighted_id() == "uae"
        await pilot.press("escape")  # leaves the find box, not the screen
        assert app.screen is screen and table.has_focus
        await pilot.press("enter")
        await settle(pilot)
        assert triage(app).filter.actors == ("uae",)


async def test_brief_screen_scrolls_with_the_list_keys(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 16)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        view = app.screen.query_one(BriefView)
        assert view.max_scroll_y > 3
        await pilot.press("j", "j")
        assert view.scroll_y == 2
        await pilot.press("k")
        assert view.scroll_y == 1
        await pilot.press("G")
        assert view.scroll_y == view.max_scroll_y
        await pilot.press("g")
        assert view.scroll_y == 0
        await pilot.press("space")
        assert view.scroll_y > 2


async def test_a_key_per_panel_section_jumps_there(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(150, 24)) as pilot:
        await settle(pilot)
        panel = triage(app).query_one(FilterPanel)
        for key, kind, heading in (
            ("D", "date", "Date"),
            ("T", "tag", "Tags"),
            ("S", "state", "State"),
            ("F", "feed", "Feeds"),
        ):
            await pilot.press(key)
            await pilot.pause()
            assert panel.has_focus
            option = panel.highlighted_option
            assert option is not None and (option.id or "").startswith(kind)
            top = panel.scroll_y
            lines = [panel.render_line(y).text for y in range(panel.size.height)]
            assert any(line.strip() == heading for line in lines), (heading, top, lines)
        await pilot.press("enter")  # the first feed
        await settle(pilot)
        assert triage(app).filter.feeds != ()
        # Folded away, the panel comes back for the key.
        await pilot.press("escape", "p")
        assert not panel.display
        await pilot.press("S")
        await pilot.pause()
        assert panel.display and panel.has_focus


async def test_focus_is_visible_on_the_panel_and_the_list(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        panel = triage(app).query_one(FilterPanel)
        items = item_list(app)
        assert str(items.styles.border_bottom[0]) == "thick"
        assert str(panel.styles.border_right[0]) != "thick"
        await pilot.press("T")
        await pilot.pause()
        assert str(panel.styles.border_right[0]) == "thick"
        assert str(items.styles.border_bottom[0]) != "thick"


async def test_new_since_my_last_look_counts_filters_and_is_recorded_on_leaving(
    make_app: AppFactory,
) -> None:
    app = make_app()
    app.store.record_look(FROZEN_NOW - timedelta(hours=24))  # the previous session's look
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "3 new since last look" in screen_text(app)
        await pilot.press("N")
        await settle(pilot)
        assert item_list(app).total == 3
        assert triage(app).filter.since == FROZEN_NOW - timedelta(hours=24)
        panel = triage(app).query_one(FilterPanel)
        checked = [str(o.prompt) for o in panel._options if str(o.prompt).startswith("✓")]
        assert any("since my last look" in line for line in checked)
    assert app.store.last_look() == FROZEN_NOW


async def test_last_look_on_demand_from_the_palette(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "since last look" not in screen_text(app)
        await palette_pick(pilot, "record my last look", "Record my last look now")
        assert app.store.last_look() == FROZEN_NOW
        assert "0 new since last look" in screen_text(app)


async def test_custom_date_range_typed_in_a_dialog(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        day = (FROZEN_NOW - timedelta(days=2)).date()
        await pilot.press("ctrl+d")
        await pilot.pause()
        assert isinstance(app.screen, DateRangeModal)
        await pilot.press(*f"{day} to {day}", "enter")
        await settle(pilot)
        f = triage(app).filter
        assert f.since is not None and f.until is not None
        assert (f.since.date(), (f.until - timedelta(seconds=1)).date()) == (day, day)
        expected = app.store.count(f)
        assert 0 < item_list(app).total == expected < 20
        assert f"date {day} → {day}" in screen_text(app)
        await pilot.press("ctrl+d")
        await pilot.pause()
        await pilot.press("ctrl+u", *"2026-13-01", "enter")
        await settle(pilot)
        assert "is not a date" in notices(app)
        assert triage(app).filter == f  # the last good range stays


async def test_flagged_and_noted_items_keep_the_unread_dot(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("n", *"a note", "ctrl+s")
        await settle(pilot)
        row = item_list(app).render_line(0).text
        assert "●★✎" in row, row


async def test_one_item_is_one_item_and_errors_stay(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f", "u")
        await settle(pilot)
        assert "(1 item)" in notices(app) and "1 items" not in notices(app)
        await pilot.press("slash", *'"unclosed', "enter")
        await settle(pilot)
        errors = [n for n in app._notifications if n.severity == "error"]
        assert errors and all(n.timeout >= 3600 for n in errors)
        ordinary = [n for n in app._notifications if n.severity == "information"]
        assert ordinary and all(n.timeout < 60 for n in ordinary)


PAGE = """<!DOCTYPE html><html><head><title>Harbour talks</title></head><body>
<nav><a href="/">Front page</a> <a href="/sport">Sport</a></nav>
<article><h1>Harbour talks go on</h1>
<p>Negotiators sat down again on Tuesday to settle who manages the harbour, a spokesman said,
after a fortnight during which tankers idled offshore and fuel queues grew in the city.</p>
<p>The delegations agreed that revenue from the harbour would be held in a single account
until a committee of engineers and auditors had reported on the state of the quays.</p>
<p>A further meeting was set for the following week, said three officials who took part and
asked not to be named. [bold red]Literal brackets[/] stay as typed.</p>
</article><footer>All rights reserved</footer></body></html>
"""


async def _read_first_item_article(
    make_app: AppFactory, httpserver: HTTPServer, path: str
) -> tuple[str, str]:
    url = httpserver.url_for(path)
    extra = tagged(
        "Harbour talks resume",
        feed="Wire Service",
        identity="harbour",
        url=url,
        summary="Talks resumed.",
        published=FROZEN_NOW,
    )
    app = make_app([extra])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert item_list(app).current is not None
        assert item_list(app).current.title == "Harbour talks resume"  # type: ignore[union-attr]
        await pilot.press("A")
        await settle(pilot)
        detail = app.screen.query_one(ItemDetailView)
        assert detail.detail is not None
        return "\n".join(notices(app).splitlines()), screen_text(app)


async def test_full_article_key_fetches_and_shows_the_text(
    make_app: AppFactory, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/harbour").respond_with_data(PAGE, content_type="text/html")
    said, shown = await _read_first_item_article(make_app, httpserver, "/harbour")
    assert "Fetching the article" in said and "full article is in the reading pane" in said
    assert "Negotiators sat down again on Tuesday" in shown
    assert "[bold red]Literal brackets[/]" in shown  # literal, never markup
    assert "Front page" not in shown


async def test_full_article_failure_shows_the_reason(
    make_app: AppFactory, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/gone").respond_with_data("gone", status=404)
    said, shown = await _read_first_item_article(make_app, httpserver, "/gone")
    assert "No article text" in said and "404" in said
    assert "could not be fetched" in shown and "404" in shown
    assert "Talks resumed." in shown  # the summary stays


async def test_mark_all_read_confirms_the_count_and_undoes(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pick_in_panel(pilot, "actor", "lna")
        under = item_list(app).total
        await pilot.press("enter")  # one of them is read already
        await settle(pilot)
        await pilot.press("M")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        assert f"Mark {under - 1} items read?" in screen_text(app)
        await pilot.press("n")  # no: nothing changes
        await settle(pilot)
        unread = ItemFilter(actors=("lna",), state="unread")
        assert app.store.count(unread) == under - 1
        await pilot.press("M")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert app.store.count(unread) == 0
        assert app.store.count(ItemFilter(state="unread")) == 20 - under
        await pilot.press("u")
        await settle(pilot)
        assert app.store.count(unread) == under - 1


async def test_select_all_selects_every_item_of_the_filter(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pick_in_panel(pilot, "feed", "Libya Herald")
        await pilot.press("ctrl+a")
        await settle(pilot)
        assert len(item_list(app).selected) == item_list(app).total == 10
        assert "10 selected" in screen_text(app)
        await pilot.press("f")  # a bulk action on all of them, then undo
        await settle(pilot)
        assert app.store.count(ItemFilter(state="flagged")) == 10
        await pilot.press("u")
        await settle(pilot)
        assert app.store.count(ItemFilter(state="flagged")) == 0


async def test_a_long_paste_into_the_note_arrives_at_once(make_app: AppFactory) -> None:
    from textual import events

    pasted = ("A long pasted paragraph [b]literal[/b].\n" * 500).strip()
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        # As a terminal delivers a bracketed paste: one Paste event through the driver.
        driver = app._driver
        assert driver is not None
        paste = events.Paste(pasted)
        paste.set_sender(app)
        driver.send_message(paste)
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
        row = item_list(app).current
        assert row is not None
        detail = app.store.item(row.id)
        assert detail is not None and detail.note == pasted
