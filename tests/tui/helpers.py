"""Reading what a Pilot app shows: the composed screen as plain lines of text."""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from briefing.tui.screens.triage import TriageScreen
from briefing.tui.widgets.item_list import ItemList


def screen_text(app: App[Any]) -> str:
    """Every line of the active screen (notifications included), as the terminal would show."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)


def triage(app: App[Any]) -> TriageScreen:
    screen = app.screen
    assert isinstance(screen, TriageScreen), f"expected the triage screen, got {screen!r}"
    return screen


def item_list(app: App[Any]) -> ItemList:
    return app.screen.query_one(ItemList)


async def settle(pilot: Pilot[Any]) -> None:
    """Let workers (counts, facets, fetch) finish and their messages land."""
    for _ in range(2):
        while True:
            try:
                await pilot.app.workers.wait_for_complete()
                break
            except WorkerCancelled:  # superseded by a newer filter: fine
                continue
        await pilot.pause()


def notices(app: App[Any]) -> str:
    """Every notification raised so far (run_test hides toasts unless notifications=True)."""
    return "\n".join(n.message for n in app._notifications)


def type_ahead(app: App[Any], *keys: str) -> None:
    """Send `keys` as one burst, as a terminal delivers type-ahead to a busy app: every key is
    queued before the first is handled (`pilot.press` waits for each key to be handled)."""
    import unicodedata

    from textual import events
    from textual.keys import _character_to_key, _get_unicode_name_from_key

    driver = app._driver
    assert driver is not None
    for key in keys:
        char: str | None
        if len(key) == 1:  # a character, as typed (pilot.press cannot type "✓" or "«")
            char, key = key, key if key.isalnum() else _character_to_key(key)
        else:
            try:
                char = unicodedata.lookup(_get_unicode_name_from_key(key))
            except KeyError:
                char = None
        event = events.Key(key, char)
        event.set_sender(app)
        driver.send_message(event)


async def palette_pick(pilot: Pilot[Any], query: str, wanted: str, *, rounds: int = 400) -> None:
    """Open the command palette, type `query`, and wait (polling, no fixed sleep) until the
    highlighted hit reads `wanted`; then press enter. Palette searches run as tasks."""
    from textual.command import CommandList, CommandPalette

    await pilot.press("ctrl+p")
    type_ahead(pilot.app, *query)
    shown = ""
    for _ in range(rounds):
        await pilot.pause()
        palette = pilot.app.screen
        if not isinstance(palette, CommandPalette):
            continue
        option = palette.query_one(CommandList).highlighted_option
        shown = str(option.prompt) if option is not None else ""
        if wanted in shown:
            await pilot.press("enter")
            await settle(pilot)
            return
    raise AssertionError(f"the palette never offered {wanted!r} first (last: {shown!r})")


async def choose_in_panel(pilot: Pilot[Any], panel: Any, option_id: str) -> None:
    """Move down the focused filter panel to the entry `option_id` and press enter."""
    for _ in range(panel.option_count + 1):
        option = panel.highlighted_option
        if option is not None and option.id == option_id:
            break
        await pilot.press("down")
    else:
        raise AssertionError(f"no entry {option_id!r} in the filter panel")
    await pilot.press("enter")
    await settle(pilot)


async def pick_in_panel(pilot: Pilot[Any], kind: str, value: str) -> None:
    """Choose `value` of facet `kind` in the filter panel by keys: tab into the panel, move
    down to the entry, enter; escape returns to the list."""
    from briefing.tui.widgets.filter_panel import FilterPanel

    panel = pilot.app.screen.query_one(FilterPanel)
    for _ in range(8):
        if panel.has_focus:
            break
        await pilot.press("tab")
    assert panel.has_focus, "tab never reached the filter panel"
    await choose_in_panel(pilot, panel, f"{kind}\x1f{value}")
    await pilot.press("escape")
    await settle(pilot)


async def until_shown(pilot: Pilot[Any], *wanted: str, rounds: int = 400) -> str:
    """Poll (no fixed sleep) until every string of `wanted` is on screen; return the screen."""
    text = ""
    for _ in range(rounds):
        await pilot.pause()
        text = screen_text(pilot.app)
        if all(w in text for w in wanted):
            return text
    missing = [w for w in wanted if w not in text]
    raise AssertionError(f"never shown: {missing}\n{text}")
