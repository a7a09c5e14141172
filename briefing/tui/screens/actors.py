"""The actors screen: every actor with 24 h / 7 d / all-time counts and a 30-day sparkline.

Enter on an actor returns it to the triage screen, which adds it to the filter; the per-actor
brief follows the highlighted row.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Footer, Input, Static

from briefing.core.errors import BriefingError
from briefing.core.models import ActorCount, ItemFilter
from briefing.core.text import clean_line
from briefing.tui.bindings import ACTORS_BINDINGS, declared, help_rows
from briefing.tui.cells import fit
from briefing.tui.context import TuiContext
from briefing.tui.narrow import is_narrow
from briefing.tui.notify import say
from briefing.tui.screens.brief import BriefScreen, BriefView
from briefing.tui.screens.help import HelpScreen

BARS = "▁▂▃▄▅▆▇█"
WIDE_NAME = 30
NARROW_NAME = 28
KIND = 13
NARROW_DAYS = 14


def sparkline(values: Sequence[int]) -> str:
    """Eight-level bars scaled to the largest value; a day with nothing is a blank."""
    top = max(values, default=0)
    if top <= 0:
        return "·" * len(values)
    levels = len(BARS)
    # ceil(v / top * levels) - 1: the peak is a full block, any non-zero day at least ▁.
    return "".join(" " if v <= 0 else BARS[-(-v * levels // top) - 1] for v in values)


def find_actor(names: Sequence[str], typed: str) -> int | None:
    """The row of the first name starting with `typed`, else the first holding it (any case)."""
    wanted = typed.strip().casefold()
    if not wanted:
        return None
    folded = [name.casefold() for name in names]
    starts = next((n for n, name in enumerate(folded) if name.startswith(wanted)), None)
    if starts is not None:
        return starts
    return next((n for n, name in enumerate(folded) if wanted in name), None)


class ActorsScreen(Screen[str | None]):
    """Returns the chosen actor's id (None when the user backs out)."""

    BINDINGS: ClassVar[list[BindingType]] = ACTORS_BINDINGS
    AUTO_FOCUS = "#actors-table"

    def __init__(self, context: TuiContext) -> None:
        super().__init__()
        self.context = context
        self._counts: list[ActorCount] = []
        self._narrow = False

    def compose(self) -> ComposeResult:
        yield Static(
            Content("Actors · enter filters the list by the highlighted actor"), id="actors-title"
        )
        find = Input(placeholder="find an actor: type part of a name", id="actors-find")
        find.display = False
        yield find
        with Horizontal(id="actors-main"):
            table: DataTable[Text] = DataTable(
                cursor_type="row", zebra_stripes=True, id="actors-table"
            )
            yield table
            with Vertical(id="actors-side"):
                yield self._brief_view()
        yield Footer()

    def _brief_view(self) -> Widget:
        return BriefView(self.context.store, now=self.context.now, id="actor-brief")

    def on_mount(self) -> None:
        table = self.query_one("#actors-table", DataTable)
        self._narrow = is_narrow(self.size.width)
        self._add_columns(table)
        table.loading = True
        table.focus()
        self._load()

    def on_resize(self) -> None:
        narrow = is_narrow(self.size.width)
        if narrow != self._narrow:
            self._narrow = narrow
            table = self._table
            row = table.cursor_row
            table.clear(columns=True)
            self._add_columns(table)
            self._fill(table)
            table.move_cursor(row=row, animate=False)
            actor = self._highlighted_id()
            if actor and not narrow:
                self.query_one("#actor-brief", BriefView).show_brief(actor, ItemFilter())

    def _add_columns(self, table: DataTable[Text]) -> None:
        # Below 100 columns (80×24 is a first-class size) the brief beside the table folds away
        # (`b` opens it), the kind goes and the sparkline shows the last 14 days, so that the
        # names and every count fit.
        self.query_one("#actors-side").display = not self._narrow
        name, spark = (NARROW_NAME, NARROW_DAYS) if self._narrow else (WIDE_NAME, 30)
        table.add_column(Text("Actor"), key="name", width=name)
        if not self._narrow:
            table.add_column(Text("Kind"), key="kind", width=KIND)
        table.add_column(Text("24 h", justify="right"), key="day", width=5)
        table.add_column(Text("7 d", justify="right"), key="week", width=6)
        table.add_column(Text("All", justify="right"), key="total", width=7)
        table.add_column(Text(f"Last {spark} days"), key="spark", width=spark)

    @work(thread=True, exclusive=True, group="actor-counts", exit_on_error=False)
    def _load(self) -> None:
        try:
            counts = self.context.store.actor_counts(now=self.context.now())
        except BriefingError as error:
            self.app.call_from_thread(say, self, str(error), severity="error")
            counts = []
        self.app.call_from_thread(self._show, counts)

    def _show(self, counts: list[ActorCount]) -> None:
        self._counts = sorted(counts, key=lambda c: (-c.last_7d, -c.total, c.name.casefold()))
        table = self.query_one("#actors-table", DataTable)
        table.loading = False
        table.clear()
        self._fill(table)
        if not self._counts:
            self.query_one("#actors-title", Static).update(
                Content("No actor has been mentioned yet: press R on the list to fetch feeds.")
            )

    def _fill(self, table: DataTable[Text]) -> None:
        name_width = NARROW_NAME if self._narrow else WIDE_NAME
        days = NARROW_DAYS if self._narrow else 30
        for count in self._counts:
            # Names are cut with an ellipsis, never mid-word without a sign (feed text: `fit`
            # builds a Text, no markup).
            cells = [
                fit(clean_line(count.name, 200), name_width, style="bold" * (count.last_24h > 0))
            ]
            if not self._narrow:
                cells.append(fit(count.kind.replace("_", " "), KIND, style="dim"))
            cells += [
                Text(f"{count.last_24h:,}", justify="right"),
                Text(f"{count.last_7d:,}", justify="right"),
                Text(f"{count.total:,}", justify="right"),
                Text(sparkline(count.daily[-days:]), style="bold"),
            ]
            table.add_row(*cells, key=count.id)

    def _highlighted_id(self) -> str | None:
        table = self.query_one("#actors-table", DataTable)
        if not self._counts or table.cursor_row < 0 or table.cursor_row >= len(self._counts):
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    @on(DataTable.RowHighlighted, "#actors-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        actor = event.row_key.value
        if actor and not self._narrow:  # (folded away when narrow: `b` opens the brief)
            self.query_one("#actor-brief", BriefView).show_brief(actor, ItemFilter())

    @on(DataTable.RowSelected, "#actors-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        self.dismiss(event.row_key.value)

    def action_back(self) -> None:
        if self.query_one("#actors-find", Input).has_focus:
            self._leave_find()  # escape in the find box returns to the table
            return
        self.dismiss(None)

    @property
    def _table(self) -> DataTable[Text]:
        return self.query_one("#actors-table", DataTable)

    # The same moves as every list of the app (bindings.list_moves).
    def action_cursor_down(self) -> None:
        self._table.action_cursor_down()

    def action_cursor_up(self) -> None:
        self._table.action_cursor_up()

    def action_top(self) -> None:
        self._table.move_cursor(row=0, animate=False)

    def action_bottom(self) -> None:
        self._table.move_cursor(row=max(self._table.row_count - 1, 0), animate=False)

    def action_page_down(self) -> None:
        self._table.action_page_down()

    def action_page_up(self) -> None:
        self._table.action_page_up()

    def action_find(self) -> None:
        find = self.query_one("#actors-find", Input)
        find.value = ""
        find.display = True
        find.focus()

    @on(Input.Changed, "#actors-find")
    def _find_typed(self, event: Input.Changed) -> None:
        row = find_actor([c.name for c in self._counts], event.value)
        if row is not None:
            self._table.move_cursor(row=row, animate=False)

    @on(Input.Submitted, "#actors-find")
    def _find_done(self, event: Input.Submitted) -> None:
        self._leave_find()

    def _leave_find(self) -> None:
        find = self.query_one("#actors-find", Input)
        find.display = False
        self._table.focus()

    def action_brief(self) -> None:
        actor = self._highlighted_id()
        if actor:
            f = ItemFilter(actors=(actor,))
            self.app.push_screen(BriefScreen(self.context.store, f, actor, now=self.context.now))

    def action_help(self) -> None:
        rows = help_rows(declared(ACTORS_BINDINGS), self.context.keymap)
        self.app.push_screen(HelpScreen(rows, title="Actors — keys"))
