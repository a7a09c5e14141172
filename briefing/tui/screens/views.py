"""Saved views: recall a named filter, save the current one under a name, or delete one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from briefing.core.models import SavedView
from briefing.core.text import clean_line
from briefing.tui.cells import steady
from briefing.tui.filters import describe


@dataclass(frozen=True)
class ViewChoice:
    """What the user asked for in the views dialog."""

    op: Literal["recall", "save", "delete"]
    name: str


class ViewsModal(ModalScreen[ViewChoice | None]):
    """Lists the saved views (enter recalls, delete removes); the input saves the current filter."""

    DEFAULT_CSS = """
    ViewsModal { align: center middle; }
    ViewsModal > Vertical {
        width: 80; max-width: 100%; height: auto; max-height: 100%;
        border: thick $accent 60%; background: $surface; padding: 1 2;
    }
    ViewsModal #views-list { height: auto; max-height: 16; margin: 1 0;
        text-wrap: nowrap; text-overflow: ellipsis; }
    ViewsModal .muted { color: $text-muted; }
    ViewsModal #views-save { text-wrap: nowrap; text-overflow: ellipsis; width: 1fr; }
    /* A short terminal (80×24): no blank rows and a shorter list, so that the name field and
       the help stay on screen however many views there are. */
    ViewsModal.-short > Vertical { padding: 0 1; }
    ViewsModal.-short #views-list { max-height: 14; margin: 0; }
    """

    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]
    """Under 32 rows the dialog drops its blank rows and shortens its list (see the CSS)."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="views-cancel"),
        Binding("delete", "delete", "Delete view", id="views-delete"),
    ]

    def __init__(self, views: Sequence[SavedView], current: str) -> None:
        super().__init__()
        self._views = list(views)
        self._current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Content("Saved views"), classes="title")
            options = [
                Option(
                    # steady: an emoji whose width terminals disagree on would push the border.
                    Text.assemble(
                        (steady(clean_line(v.name, 40)), "bold"),
                        "  ",
                        (steady(describe(v.filter)), "dim"),
                    ),
                    id=v.name,
                )
                for v in self._views
            ]
            views = OptionList(*options, id="views-list")
            views.display = bool(options)
            yield views
            if not options:
                yield Label(Content("No saved views yet."), classes="muted")
            yield Label(
                Content("Save the current filter (" + steady(self._current) + ") as:"),
                classes="muted",
                id="views-save",
            )
            yield Input(placeholder="view name", id="views-name")
            yield Label(
                Content("enter on a view recalls it · delete removes it · esc closes"),
                classes="muted",
            )

    def on_mount(self) -> None:
        target = "#views-list" if self._views else "#views-name"
        self.query_one(target).focus()

    @on(OptionList.OptionSelected, "#views-list")
    def _recall(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(ViewChoice("recall", event.option.id or ""))

    @on(Input.Submitted, "#views-name")
    def _save(self, event: Input.Submitted) -> None:
        name = clean_line(event.value, 60)
        if name:
            self.dismiss(ViewChoice("save", name))

    def action_delete(self) -> None:
        views = self.query_one("#views-list", OptionList)
        option = views.highlighted_option
        if views.has_focus and option is not None and option.id:
            self.dismiss(ViewChoice("delete", option.id))

    def action_cancel(self) -> None:
        self.dismiss(None)
