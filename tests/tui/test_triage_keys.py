"""Pilot tests for the triage keys: moving, reading, flag, dismiss, read, undo, bulk, tags, notes."""

from __future__ import annotations

import webbrowser
from pathlib import Path

import pytest
from textual.widgets import Input, OptionList

from briefing.core.text import clean_block
from briefing.tui.widgets.item_detail import ItemDetailView
from tests.tui.conftest import SIZE, AppFactory
from tests.tui.helpers import item_list, notices, screen_text, settle, triage


async def test_empty_database_tells_a_new_user_what_to_do(make_app: AppFactory) -> None:
    app = make_app(empty=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "Press R to fetch" in text
        assert "briefing demo" in text
        assert item_list(app).total == 0


async def test_moving_and_reading(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        items = item_list(app)
        assert items.total == 20
        await pilot.press("j", "j", "down")
        assert items.cursor == 3
        await pilot.press("k", "up")
        assert items.cursor == 1
        await pilot.press("G")
        assert items.cursor == 19
        await pilot.press("g")
        assert items.cursor == 0
        await pilot.press("end")
        assert items.cursor == 19
        await pilot.press("home", "j", "enter")
        await settle(pilot)
        row = items.current
        assert row is not None and row.read
        stored = app.store.item(row.id)
        assert stored is not None and stored.row.read
        assert row.title in screen_text(app)


async def test_flag_dismiss_read_and_several_levels_of_undo(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        items = item_list(app)
        first = items.current
        assert first is not None and not first.flagged
        await pilot.press("f")
        assert app.store.item(first.id).row.flagged  # type: ignore[union-attr]
        await pilot.press("r")
        assert app.store.item(first.id).row.read  # type: ignore[union-attr]
        await pilot.press("d")
        await settle(pilot)
        assert app.store.item(first.id).row.dismissed  # type: ignore[union-attr]
        assert items.total == 19  # the dismissed item left the default view
        assert items.current is not None and items.current.id != first.id
        await pilot.press("u")
        await settle(pilot)
        detail = app.store.item(first.id)
        assert detail is not None and not detail.row.dismissed and detail.row.read
        assert items.total == 20
        await pilot.press("u")
        detail = app.store.item(first.id)
        assert detail is not None and not detail.row.read and detail.row.flagged
        await pilot.press("u")
        detail = app.store.item(first.id)
        assert detail is not None and not detail.row.flagged
        await pilot.press("u")
        await settle(pilot)
        assert "Nothing to undo" in notices(app)


async def test_bulk_selection_applies_flag_read_tag_and_dismiss_to_all(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        items = item_list(app)
        await pilot.press("x", "x", "x")
        chosen = sorted(items.selected)
        assert len(chosen) == 3
        assert "3 selected" in screen_text(app)
        await pilot.press("f")
        assert all(app.store.item(i).row.flagged for i in chosen)  # type: ignore[union-attr]
        await pilot.press("r")
        assert all(app.store.item(i).row.read for i in chosen)  # type: ignore[union-attr]
        await pilot.press("1")
        assert all("escalation" in app.store.item(i).row.tags for i in chosen)  # type: ignore[union-attr]
        await pilot.press("d")
        await settle(pilot)
        assert all(app.store.item(i).row.dismissed for i in chosen)  # type: ignore[union-attr]
        assert items.total == 17
        assert not items.selected
        await pilot.press("u")
        await settle(pilot)
        assert items.total == 20


async def test_escape_clears_the_selection(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("x", "x", "escape")
        assert not item_list(app).selected


async def test_tag_dialog_adds_tags_with_completion_and_removes_only_on_request(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = item_list(app).current
        assert first is not None
        app.store.add_tags([first.id + 1], ["escalation"])  # an existing tag to complete from
        await pilot.press("t")
        await pilot.pause()
        from briefing.tui.screens.tag import TagModal

        assert isinstance(app.screen, TagModal)
        await pilot.press(*"esc")
        await pilot.pause()
        await pilot.press("right")  # accept the completion
        await pilot.press(*", Tripoli talks")
        await pilot.press("enter")
        await settle(pilot)
        tags = app.store.item(first.id).row.tags  # type: ignore[union-attr]
        assert set(tags) == {"escalation", "Tripoli talks"}
        # Again: the field starts empty and what is typed is added, never a replacement.
        await pilot.press("t")
        await pilot.pause()
        assert app.screen.query_one("#tag-input", Input).value == ""
        text = screen_text(app)
        assert "Current tags" in text and "Tripoli talks" in text
        await pilot.press(*"oil", "enter")
        await settle(pilot)
        tags = app.store.item(first.id).row.tags  # type: ignore[union-attr]
        assert set(tags) == {"escalation", "Tripoli talks", "oil"}
        assert "Tagged oil: 1 item" in notices(app)
        # Removing is an explicit act: move to the current tags, delete one, save.
        await pilot.press("t")
        await pilot.pause()
        await pilot.press("shift+tab")
        current = app.screen.query_one("#tag-current", OptionList)
        assert current.has_focus
        labels = [str(current.get_option_at_index(i).prompt) for i in range(current.option_count)]
        await pilot.press(*["down"] * labels.index("  Tripoli talks"), "delete")
        assert "(removing)" in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        tags = app.store.item(first.id).row.tags  # type: ignore[union-attr]
        assert set(tags) == {"escalation", "oil"}
        assert "Removed Tripoli talks: 1 item" in notices(app)
        await pilot.press("u")
        await settle(pilot)
        tags = app.store.item(first.id).row.tags  # type: ignore[union-attr]
        assert set(tags) == {"escalation", "Tripoli talks", "oil"}


async def test_tag_dialog_cancel_changes_nothing(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = item_list(app).current
        await pilot.press("t", *"abc", "escape")
        await settle(pilot)
        assert app.store.item(first.id).row.tags == ()  # type: ignore[union-attr]
        assert len(triage(app).undo) == 0


async def test_tag_dialog_refuses_a_tag_over_the_limit_and_keeps_what_was_typed(
    make_app: AppFactory,
) -> None:
    from briefing.core.models import MAX_TAG_CHARS
    from briefing.tui.screens.tag import TagModal

    app = make_app()
    long_tag = "w" * (MAX_TAG_CHARS + 1)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = item_list(app).current
        assert first is not None
        await pilot.press("t", *f"oil, {long_tag}", "enter")
        await settle(pilot)
        # Nothing is cut or saved: the dialog says why and keeps the text for shortening.
        assert isinstance(app.screen, TagModal)
        said = str(app.screen.query_one("#tag-error").render())
        assert f"is {MAX_TAG_CHARS + 1} characters; a tag has at most {MAX_TAG_CHARS}" in said
        assert app.screen.query_one("#tag-input", Input).value == f"oil, {long_tag}"
        assert app.store.item(first.id).row.tags == ()  # type: ignore[union-attr]
        await pilot.press("backspace", "enter")  # now exactly at the limit
        await settle(pilot)
        assert not isinstance(app.screen, TagModal)
        detail = app.store.item(first.id)
        assert detail is not None
        assert set(detail.row.tags) == {"oil", "w" * MAX_TAG_CHARS}


async def test_quick_tags_toggle_and_unknown_number_warns(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = item_list(app).current
        assert first is not None
        await pilot.press("2")
        assert app.store.item(first.id).row.tags == ("oil",)  # type: ignore[union-attr]
        await pilot.press("2")
        assert app.store.item(first.id).row.tags == ()  # type: ignore[union-attr]
        await pilot.press("9")
        await pilot.pause()
        assert "No quick tag 9" in notices(app)
        # A tag spelled "HUMANITARIAN" exists: the quick tag "humanitarian" is it, both ways.
        app.store.add_tags([first.id + 1], ["HUMANITARIAN"])
        await pilot.press("3")
        assert app.store.item(first.id).row.tags == ("HUMANITARIAN",)  # type: ignore[union-attr]
        await pilot.press("3")
        assert app.store.item(first.id).row.tags == ()  # type: ignore[union-attr]


async def test_note_dialog_writes_a_multiline_note(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = item_list(app).current
        assert first is not None
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"check figures", "enter", *"second line")
        await pilot.press("ctrl+s")
        await settle(pilot)
        detail = app.store.item(first.id)
        assert detail is not None and detail.note == "check figures\nsecond line"
        assert "check figures" in screen_text(app)
        assert item_list(app).current.has_note  # type: ignore[union-attr]
        await pilot.press("u")
        assert app.store.item(first.id).note == ""  # type: ignore[union-attr]


async def test_open_link_uses_the_browser_for_http_only(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []

    def fake_open(url: str, *args: object, **kwargs: object) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr("webbrowser.open", fake_open)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")
        assert opened == [item_list(app).current.url]  # type: ignore[union-attr]


@pytest.mark.parametrize("browser", ["none", "broken"])
async def test_open_link_without_a_browser_says_so_and_y_copies_the_link(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch, browser: str
) -> None:
    def no_browser(url: str, *args: object, **kwargs: object) -> bool:
        if browser == "broken":
            raise webbrowser.Error("could not locate runnable browser")
        return False  # what webbrowser.open says over SSH, with nothing to run

    monkeypatch.setattr("webbrowser.open", no_browser)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        url = item_list(app).current.url  # type: ignore[union-attr]
        assert url is not None
        await pilot.press("o")
        said = notices(app)
        assert "Opened" not in said
        assert f"No web browser could open {url} — press y to copy the link." in said
        await pilot.press("y")
        assert app.clipboard == url
        assert f"Copied {url}" in notices(app)


async def test_mouse_click_moves_and_double_click_opens(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        items = item_list(app)
        await pilot.click(items, offset=(20, 4))
        assert items.cursor == 4
        await pilot.click(items, offset=(20, 5), times=2)
        await settle(pilot)
        assert items.cursor == 5
        assert items.current is not None and items.current.read


async def test_read_only_database_shows_a_notice_and_refuses_triage(
    make_app: AppFactory,
) -> None:
    app = make_app(read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.store.read_only
        assert "read-only" in screen_text(app)
        first = item_list(app).current
        await pilot.press("f")
        await pilot.pause()
        assert not app.store.item(first.id).row.flagged  # type: ignore[union-attr]
        assert "triage is disabled" in notices(app)


async def test_reading_pane_highlights_mentions_with_the_real_tagger(
    make_app: AppFactory, tmp_path: Path
) -> None:
    from briefing.intelligence.tagging import Tagger
    from tests.tui.conftest import make_config

    finder = Tagger.from_config(make_config(tmp_path)).find_mentions
    app = make_app(finder=finder)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        view = app.screen.query_one(ItemDetailView)
        assert view.detail is not None
        body = view.detail.content
        spans = finder(clean_block(body))
        assert spans, "the fixture text names Tripoli"
        # The pane's own render carries the mention style on the first span.
        rendered = view.render_lines(view.region.reset_offset)
        assert rendered
        mention = view.get_component_rich_style("item-detail--mention", partial=True)
        start, end, _actor = spans[0]
        word = clean_block(body)[start:end]
        styled = [
            seg for line in rendered for seg in line if word in seg.text and seg.style is not None
        ]
        assert mention.underline
        assert any(seg.style.underline for seg in styled)  # type: ignore[union-attr]


async def test_paging_shows_the_same_rows_as_the_store(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Tiny pages: the list pages forward near the top and mirrors from the end past the middle.
    monkeypatch.setattr("briefing.tui.widgets.item_list.PAGE_SIZE", 3)
    monkeypatch.setattr("briefing.tui.widgets.item_list.MAX_PAGES", 2)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        items = item_list(app)
        assert items.total == 20 and not items.counting
        expected = [row.id for row in app.store.items(limit=50)]
        assert [items.row(i).id for i in range(20)] == expected  # type: ignore[union-attr]
        assert [items.row(i).id for i in reversed(range(20))] == expected[::-1]  # type: ignore[union-attr]
        assert len(items._pages) <= 2
        await pilot.press("G")
        assert items.current is not None and items.current.id == expected[-1]
