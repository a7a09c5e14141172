"""Hostile feed text renders literally in every widget, never restyles, never runs an action."""

from __future__ import annotations

import pytest

from briefing.core.models import ActorInfo
from briefing.tui.screens.actors import ActorsScreen
from briefing.tui.screens.note import NoteModal
from briefing.tui.screens.tag import TagModal
from tests.conftest import ACTORS, tagged
from tests.tui.conftest import HOSTILE_TITLES, SIZE, AppFactory
from tests.tui.helpers import (
    item_list,
    notices,
    pick_in_panel,
    screen_text,
    settle,
    triage,
    until_shown,
)

EVIL_TAG = "[bold red]tag[/]"
EVIL_ACTOR = ActorInfo("evil", "[@click=app.quit]Evil[/]", "person", ("Evil",))
SHOWN = [t for t in HOSTILE_TITLES if not t.startswith("W") and "\x1b" not in t]


def hostile_items() -> list:  # type: ignore[type-arg]
    return [
        tagged(
            title,
            identity=f"h{n}",
            content=f"{title} — body [/] [b]x[/b] \x1b[2J",
            url=f"javascript:alert({n})",
            actors=("evil",),
        )
        for n, title in enumerate(HOSTILE_TITLES)
    ]


def assert_clean(text: str) -> None:
    assert "\x1b" not in text and "\u202e" not in text


async def test_hostile_titles_in_list_reader_header_chips_panel_and_toasts(
    make_app: AppFactory,
) -> None:
    app = make_app(hostile_items())
    app.store.sync_actors((*ACTORS, EVIL_ACTOR))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        items = item_list(app)
        ids = [items.row(i).id for i in range(items.total)]  # type: ignore[union-attr]
        app.store.add_tags(ids[:3], [EVIL_TAG])
        triage(app).refresh_items()
        await settle(pilot)
        text = screen_text(app)
        for title in SHOWN:
            assert title in text, title
        assert "Escape red and bidi evil text" in text
        assert "WWWWWWWWWW" in text
        assert_clean(text)
        # Walk the hostile items (the newest, at the top) through the reading pane.
        for _ in HOSTILE_TITLES:
            await pilot.press("j")
            assert_clean(screen_text(app))
        await pilot.press("g", "enter")
        await settle(pilot)
        assert_clean(screen_text(app))
        # The tag facet, then the tag as a chip and in the header.
        await pick_in_panel(pilot, "tag", EVIL_TAG)
        text = screen_text(app)
        assert f"tag {EVIL_TAG} ✕" in text
        assert f"filter: tag={EVIL_TAG}" in text
        assert items.total == 3
        # The search box and its chip.
        await pilot.press("c", "slash", *"[@click=app.quit]", "enter")
        await settle(pilot)
        assert "search [@click=app.quit] ✕" in screen_text(app)
        # A notification carrying feed text (the link refusal names nothing, the view does).
        await pilot.press("c", "v", *"[b]view[/b]", "enter")
        await settle(pilot)
        assert "Saved view: [b]view[/b]" in notices(app)
        assert "Saved view: [b]view[/b]" in screen_text(app)
        assert app.is_running and app.return_code is None


async def test_hostile_text_in_dialogs_actors_and_palette(make_app: AppFactory) -> None:
    app = make_app(hostile_items())
    app.store.sync_actors((*ACTORS, EVIL_ACTOR))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        items = item_list(app)
        app.store.add_tags([items.current.id], [EVIL_TAG])  # type: ignore[union-attr]
        # Move to the "[@click=app.quit]x[/]" item and open both dialogs on it.
        while "[@click" not in (items.current.title if items.current else "[@click"):
            await pilot.press("j")
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TagModal)
        text = screen_text(app)
        assert "Tags for: [@click=app.quit]x[/] quits the app" in text
        assert EVIL_TAG in text  # the completion list
        await pilot.press("escape", "n")
        await pilot.pause()
        assert isinstance(app.screen, NoteModal)
        assert "Note on: [@click=app.quit]x[/] quits the app" in screen_text(app)
        await pilot.press("escape", "a")
        await settle(pilot)
        assert isinstance(app.screen, ActorsScreen)
        assert "[@click=app.quit]Evil[/]" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("ctrl+p", *"[@cl")
        await until_shown(pilot, "[@click=app.quit]Evil[/]")
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running and app.return_code is None


async def test_clicking_a_click_markup_title_does_not_quit(make_app: AppFactory) -> None:
    app = make_app(hostile_items())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = screen_text(app).splitlines()
        row = next(n for n, line in enumerate(text) if "[@click=app.quit]x[/]" in line)
        column = text[row].index("[@click") + 2
        await pilot.click(offset=(column, row))
        await pilot.click(offset=(column, row), times=2)
        await settle(pilot)
        assert app.is_running and app.return_code is None
        assert "[@click=app.quit]x[/]" in (item_list(app).current.title)  # type: ignore[union-attr]


async def test_a_javascript_link_is_never_opened(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []

    def fake_open(url: str, *args: object, **kwargs: object) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr("webbrowser.open", fake_open)
    app = make_app(hostile_items())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert (item_list(app).current.url or "").startswith("javascript:")  # type: ignore[union-attr]
        await pilot.press("o")
        assert opened == []
        assert "no web link" in notices(app)
