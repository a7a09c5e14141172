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
