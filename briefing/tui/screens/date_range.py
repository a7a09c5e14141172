"""The custom date range dialog: `YYYY-MM-DD to YYYY-MM-DD`, typed (either side may be left out)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Label

from briefing.tui.screens.dialog import TextDialog


class DateRangeModal(TextDialog[str | None]):
    """Returns the typed range (checked by `filters.parse_date_range`), None when cancelled."""

    DEFAULT_CSS = """
    DateRangeModal { align: center middle; }
    DateRangeModal > Vertical {
        width: 60; max-width: 95%; height: auto;
        border: thick $accent 60%; background: $surface; padding: 1 2;
    }
    DateRangeModal .muted { color: $text-muted; }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="range-cancel")]

    def __init__(self, current: str) -> None:
        super().__init__()
        self._current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Content("Custom date range"))
            yield Input(value=self._current, placeholder="2026-11-01 to 2026-11-15", id="range")
            yield Label(
                Content("YYYY-MM-DD to YYYY-MM-DD, both days included; enter applies, esc cancels"),
                classes="muted",
            )

    def on_mount(self) -> None:
        self.query_one("#range", Input).focus()
        self.release_type_ahead()

    @on(Input.Submitted, "#range")
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
