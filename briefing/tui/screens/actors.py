"""The actors screen: every actor with 24 h / 7 d / all-time counts and a 30-day sparkline.

Enter on an actor returns it to the triage screen, which adds it to the filter; the per-actor
brief (helper E's BriefView) follows the highlighted row.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Footer, Static

from briefing.core.errors import BriefingError
from briefing.core.models import ActorCount, ItemFilter
from briefing.core.text import clean_line

if TYPE_CHECKING:
    from briefing.tui.app import BriefingApp

BARS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[int]) -> str:
    """Eight-level bars scaled to the largest value; a day with nothing is a blank."""
    top = max(values, default=0)
    if top <= 0:
        return "·" * len(values)
    levels = len(BARS)
    # ceil(v / top * levels) - 1: the peak is a full block, any non-zero day at least ▁.
    return "".join(" " if v <= 0 else BARS[-(-v * levels // top) - 1] for v in values)


class ActorsScreen(Screen[str | None]):
    """Returns the chosen actor's id (None when the user backs out)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,a", "back", "Back", id="actors-back", tooltip="Back to the item list"),
        Binding(
            "b",
            "brief",
            "Brief",
            id="actors-brief",
            tooltip="Open the full brief for the highlighted actor",
        ),
        Binding("question_mark", "help", "Help", id="actors-help", tooltip="Every key"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._counts: list[ActorCount] = []

    @property
    def briefing(self) -> BriefingApp:
        from briefing.tui.app import BriefingApp

        assert isinstance(self.app, BriefingApp)
        return self.app

    def compose(self) -> ComposeResult:
        yield Static(
            Content("Actors · enter filters the list by the highlighted actor"), id="actors-title"
        )
        with Horizontal(id="actors-main"):
            table: DataTable[Text] = DataTable(
                cursor_type="row", zebra_stripes=True, id="actors-table"
            )
            yield table
            with Vertical(id="actors-side"):
                yield self._brief_view()
        yield Footer()

    def _brief_view(self) -> Widget:
        try:
            from briefing.tui.screens.brief import BriefView
        except ImportError:
            return Static(
                Content("The per-actor brief is not available in this build."), id="actor-brief"
            )
        view: Widget = BriefView(self.briefing.store, id="actor-brief")
        return view

    def on_mount(self) -> None:
        table = self.query_one("#actors-table", DataTable)
        table.add_column(Text("Actor"), key="name", width=30)
        table.add_column(Text("Kind"), key="kind", width=13)
        table.add_column(Text("24 h", justify="right"), key="day", width=5)
        table.add_column(Text("7 d", justify="right"), key="week", width=6)
        table.add_column(Text("All", justify="right"), key="total", width=7)
        table.add_column(Text("Last 30 days"), key="spark", width=30)
        table.loading = True
        table.focus()
        self._load()

    @work(thread=True, exclusive=True, group="actor-counts", exit_on_error=False)
    def _load(self) -> None:
        try:
            counts = self.briefing.store.actor_counts(now=self.briefing.now())
        except BriefingError as error:
            self.app.call_from_thread(self.briefing.say, str(error), severity="error")
            counts = []
        self.app.call_from_thread(self._show, counts)

    def _show(self, counts: list[ActorCount]) -> None:
        self._counts = sorted(counts, key=lambda c: (-c.last_7d, -c.total, c.name.casefold()))
        table = self.query_one("#actors-table", DataTable)
        table.loading = False
        table.clear()
        for count in self._counts:
            table.add_row(
                Text(clean_line(count.name, 60), style="bold" if count.last_24h else ""),
                Text(clean_line(count.kind.replace("_", " "), 20), style="dim"),
                Text(f"{count.last_24h:,}", justify="right"),
                Text(f"{count.last_7d:,}", justify="right"),
                Text(f"{count.total:,}", justify="right"),
                Text(sparkline(count.daily), style="bold"),
                key=count.id,
            )
        if not self._counts:
            self.query_one("#actors-title", Static).update(
                Content("No actor has been mentioned yet: press R on the list to fetch feeds.")
            )

    def _highlighted_id(self) -> str | None:
        table = self.query_one("#actors-table", DataTable)
        if not self._counts or table.cursor_row < 0 or table.cursor_row >= len(self._counts):
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    @on(DataTable.RowHighlighted, "#actors-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        actor = event.row_key.value
        view = self.query_one("#actor-brief")
        show = getattr(view, "show_brief", None)
        if actor and show is not None:
            show(actor, ItemFilter())

    @on(DataTable.RowSelected, "#actors-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        self.dismiss(event.row_key.value)

    def action_back(self) -> None:
        self.dismiss(None)

    def action_brief(self) -> None:
        actor = self._highlighted_id()
        try:
            from briefing.tui.screens.brief import BriefScreen
        except ImportError:
            self.briefing.say("Briefs are not available in this build.", severity="warning")
            return
        if actor:
            self.app.push_screen(
                BriefScreen(self.briefing.store, ItemFilter(actors=(actor,)), actor)
            )

    def action_help(self) -> None:
        from briefing.tui.screens.help import HelpScreen, help_rows

        rows = help_rows(self.BINDINGS_LIST(), self.briefing.keymap)
        self.app.push_screen(HelpScreen(rows, title="Actors — keys"))

    @classmethod
    def BINDINGS_LIST(cls) -> list[Binding]:  # noqa: N802 - mirrors BINDINGS
        return [b for b in cls.BINDINGS if isinstance(b, Binding)]
