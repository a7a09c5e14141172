"""The chips row at 80 columns: chips that do not fit hide behind a final "+N more" instead of
running off the screen unseen; a wider terminal shows them all again."""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from textual.pilot import Pilot
from textual.widgets import Button, Label

from briefing.tui.widgets.chips import FilterChips, fitting
from briefing.tui.widgets.filter_panel import FilterPanel
from tests.tui.conftest import AppFactory
from tests.tui.helpers import choose_in_panel, screen_text, settle, triage

CHOSEN = (
    ("actor", "lna"),
    ("actor", "gna"),
    ("actor", "khalifa-haftar"),
    ("feed", "Libya Observer"),
    ("feed", "Libya Herald"),
)


def row(pilot: Pilot[Any]) -> tuple[list[Button], list[Button], Label]:
    chips = triage(pilot.app).query_one(FilterChips)
    buttons = list(chips.query(".chip").results(Button))
    shown = [b for b in buttons if b.display]
    return buttons, shown, chips.query_one(".chips-more", Label)


async def test_chips_that_do_not_fit_are_counted(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"Tripoli", "enter")
        await settle(pilot)
        await pilot.press("p")  # opens the folded panel, focused
        panel = triage(app).query_one(FilterPanel)
        assert panel.has_focus
        for kind, value in CHOSEN:
            await choose_in_panel(pilot, panel, f"{kind}\x1f{value}")
        await pilot.press("p")
        await settle(pilot)

        buttons, shown, more = row(pilot)
        assert len(buttons) == 1 + len(CHOSEN)
        hidden = len(buttons) - len(shown)
        assert 0 < hidden < len(buttons)
        assert more.display and more.region.area
        assert more.region.right <= 80
        for button in shown:
            assert button.region.area and button.region.right <= 80, button.label
        # Shown in order, then the count of the rest.
        assert all(b.display for b in buttons[: len(shown)])
        line = screen_text(app).splitlines()[more.region.y]
        assert line.rstrip().endswith(f"+{hidden} more")
        assert "search Tripoli ✕" in line

        # Wider: every chip again, and no count.
        await pilot.resize_terminal(200, 48)
        await settle(pilot)
        buttons, shown, more = row(pilot)
        assert shown == buttons and not more.display
        assert all(b.region.right <= 200 for b in buttons)

        # Back to 80 columns: the count comes back; removing chips drops it.
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert row(pilot)[2].display
        await pilot.press("backspace", "backspace", "backspace", "backspace")
        await settle(pilot)
        buttons, shown, more = row(pilot)
        assert shown == buttons and not more.display


def test_fitting_keeps_room_for_the_count() -> None:
    assert fitting([10, 10, 10], 30) == 3
    more = cell_len("+1 more")
    assert fitting([10, 10, 10], 29) == 2  # 20 + "+1 more"
    assert fitting([10, 10, 10], 20 + more) == 2
    assert fitting([10, 10, 10], 20 + more - 1) == 1
    assert fitting([40], 10) == 0
    assert fitting([], 10) == 0
