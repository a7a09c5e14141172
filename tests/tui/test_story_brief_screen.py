"""Pilot tests for the story brief screen (issue 13 item 4): periods, reading keys, save, export."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.containers import VerticalScroll

from briefing.tui.screens.story_brief import StoryBriefScreen, free_path
from tests.tui.conftest import AppFactory
from tests.tui.events_fixture import HOSTILE_FEED, HOSTILE_PLACE, event_items, with_places
from tests.tui.helpers import notices, screen_text, settle

SMALL = (80, 24)


def _period(screen: StoryBriefScreen) -> str:
    """The period on screen (read through a call: mypy would keep the first check's narrowing)."""
    return screen.period


def _screen(app: object) -> StoryBriefScreen:
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, StoryBriefScreen), f"expected the story brief, got {screen!r}"
    return screen


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`e` writes into the current folder: make it the test's own."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


async def test_brief_screen_periods_and_reading_keys(make_app: AppFactory) -> None:
    app = make_app(event_items())
    with_places(app.store)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("B")
        await settle(pilot)
        screen = _screen(app)
        brief = screen.brief
        assert brief is not None and _period(screen) == "7d"
        # One story however many languages carried it; the strike a week before is outside.
        sirte = [s for s in brief.stories if s.place == "Sirte"]
        assert len(sirte) == 1 and len(sirte[0].sources) == 3
        assert "Story brief · last 7 days" in screen_text(app)
        scroll = screen.query_one("#story-brief-scroll", VerticalScroll)
        assert scroll.max_scroll_y > 0  # longer than 24 lines: the keys have work to do
        await pilot.press("j", "j")
        assert scroll.scroll_y == 2
        await pilot.press("k")
        assert scroll.scroll_y == 1
        await pilot.press("G")
        assert scroll.scroll_y == scroll.max_scroll_y
        await pilot.press("g")
        assert scroll.scroll_y == 0
        await pilot.press("space")
        assert scroll.scroll_y > 1
        await pilot.press("p")
        await settle(pilot)
        assert _period(screen) == "30d" and screen.brief is not None
        # The week-old strike falls inside 30 days: a second Sirte story.
        assert len([s for s in screen.brief.stories if s.place == "Sirte"]) == 2
        assert "last 30 days" in screen_text(app)
        await pilot.press("p")
        await settle(pilot)
        assert _period(screen) == "last"
        assert "No brief of this filter saved yet" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, StoryBriefScreen)


async def test_save_then_since_last_brief_marks_new_stories(make_app: AppFactory) -> None:
    app = make_app(event_items())
    with_places(app.store)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("B")
        await settle(pilot)
        screen = _screen(app)
        await pilot.press("s")
        await settle(pilot)
        recorded = app.store.briefs()
        assert len(recorded) == 1 and screen.brief is not None
        assert screen.brief.recorded_as == recorded[0].id
        assert f"Saved as brief {recorded[0].id}" in notices(app)
        await pilot.press("s")  # saving the same brief twice records it once
        await settle(pilot)
        assert len(app.store.briefs()) == 1
        await pilot.press("p", "p")
        await settle(pilot)
        assert _period(screen) == "last" and screen.brief is not None
        assert screen.brief.previous_brief == recorded[0].id


async def test_export_writes_markdown_and_records_it(make_app: AppFactory, in_tmp: Path) -> None:
    app = make_app(event_items())
    with_places(app.store)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("B")
        await settle(pilot)
        (in_tmp / "brief-2026-11-20.md").write_text("kept\n")
        await pilot.press("e")
        await settle(pilot)
        written = sorted(in_tmp.glob("brief-*.md"))
        assert (in_tmp / "brief-2026-11-20.md").read_text() == "kept\n"  # never overwritten
        assert len(written) == 2
        fresh = next(p for p in written if p.name != "brief-2026-11-20.md")
        markdown = fresh.read_text()
        assert markdown.startswith("#") and "Sirte" in markdown
        assert len(app.store.briefs()) == 1
        assert str(fresh) in notices(app)


async def test_hostile_names_in_the_brief_stay_literal(make_app: AppFactory) -> None:
    app = make_app(event_items())
    with_places(app.store)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("B")
        await settle(pilot)
        text = screen_text(app)
        for _ in range(10):
            if HOSTILE_FEED in text and HOSTILE_PLACE in text:
                break
            await pilot.press("space")
            text += screen_text(app)
        assert HOSTILE_FEED in text and HOSTILE_PLACE in text
        assert app.is_running


def test_free_path_never_reuses_a_name(tmp_path: Path) -> None:
    assert free_path(tmp_path, "b") == tmp_path / "b.md"
    (tmp_path / "b.md").write_text("x")
    (tmp_path / "b-2.md").write_text("x")
    assert free_path(tmp_path, "b") == tmp_path / "b-3.md"
