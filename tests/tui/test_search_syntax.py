"""Pilot tests for the search language in the app: operators, and a broken search reported."""

from __future__ import annotations

from tests.tui.conftest import SIZE, AppFactory
from tests.tui.helpers import item_list, notices, settle, triage


async def test_operators_narrow_and_widen_the_list(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"Geneva OR Zuwara", "enter")
        await settle(pilot)
        assert item_list(app).total == 4  # was 0: OR was searched for as a word
        await pilot.press("slash", "end", *" -update", "enter")
        await settle(pilot)
        assert item_list(app).total == 2  # was 4: the minus was dropped
        assert triage(app).filter.text == "Geneva OR Zuwara -update"


async def test_a_broken_search_says_so_and_keeps_the_list(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"Geneva", "enter")
        await settle(pilot)
        await pilot.press("slash", "end", *' "stall over')
        await pilot.pause(0.4)  # the as-you-type search runs, and stays quiet mid-phrase
        await settle(pilot)
        assert "quote" not in notices(app)
        await pilot.press("enter")
        await settle(pilot)
        assert notices(app).count('search: a quote (") is not closed') == 1
        assert triage(app).filter.text == "Geneva"
        assert item_list(app).total == 2
        await pilot.press("slash", "end", '"', "enter")
        await settle(pilot)
        assert triage(app).filter.text == 'Geneva "stall over"'
        assert item_list(app).total == 2


async def test_an_operator_left_dangling_is_reported_literally(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"[b]Geneva[/b] OR", "enter")
        await settle(pilot)
        assert "search: OR needs a word after it" in notices(app)
        # Never searched as a word (the as-you-type search may have run on "[b]Gen…" before).
        assert not triage(app).filter.text.endswith("OR")
