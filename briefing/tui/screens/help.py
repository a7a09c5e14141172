"""The help screen, generated from the live bindings so it cannot drift from the keys."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from briefing.tui.bindings import HelpRow
from briefing.tui.narrow import is_narrow


def key_label(key: str, display: Callable[[Binding], str]) -> str:
    return display(Binding(key, ""))


class HelpScreen(ModalScreen[None]):
    """Every key of the screen it was opened from; any of escape, q or ? closes it.

    Below `NARROW_BELOW` columns the table has two columns, so descriptions are not squeezed."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 120; max-width: 95%; height: 90%;
        border: thick $accent 60%; background: $surface; padding: 0 1;
    }
    """

    BINDINGS = [
        Binding("escape,q,question_mark", "close", "Close help", id="help-close"),
    ]

    def __init__(self, rows: Sequence[HelpRow], title: str = "Keys") -> None:
        super().__init__()
        self.rows = list(rows)
        self._title = title
        self._narrow = False

    def compose(self) -> ComposeResult:
        self.table = self._table(narrow=is_narrow(self.app.size.width))
        """The rendered table (tests read it whole; the screen may need scrolling)."""
        with VerticalScroll():
            yield Static(self.table, id="help-table")

    def on_resize(self) -> None:
        narrow = is_narrow(self.app.size.width)
        if narrow != self._narrow:
            self.table = self._table(narrow=narrow)
            self.query_one("#help-table", Static).update(self.table)

    def _table(self, *, narrow: bool) -> Table:
        """Four columns; below `NARROW_BELOW` columns two, each key's action and config name
        over its description, so the description keeps the width of the screen."""
        self._narrow = narrow
        table = Table(
            title=Text(self._title, style="bold"),
            caption=Text("Rebind any of these in feeds.yaml under tui: keys: (action: key)."),
            expand=True,
            box=None,
            padding=(0, 1),
            show_edge=False,
        )
        if narrow:
            table.add_column("Keys", style="bold", max_width=12)
            table.add_column("Action · config name / what it does", ratio=1)
        else:
            table.add_column("Keys", style="bold", no_wrap=True, min_width=14)
            table.add_column("Action", no_wrap=True)
            table.add_column("What it does", ratio=1)
            table.add_column("Config name", style="dim", no_wrap=True)
        for row in self.rows:
            keys = Text(" ".join(key_label(k, self.app.get_key_display) for k in row.keys))
            if narrow:
                about = Text(row.description, style="bold")
                if row.binding_id:
                    about.append(f" · {row.binding_id}", style="dim")
                about.append("\n")
                about.append(row.tooltip)
                table.add_row(keys, about)
            else:
                table.add_row(
                    keys, Text(row.description), Text(row.tooltip), Text(row.binding_id or "")
                )
        return table

    def action_close(self) -> None:
        self.dismiss(None)
