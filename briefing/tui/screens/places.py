"""The places screen: a map of Libya with a mark per place, and the places with their counts.

The counts are the store's (`place_counts`) under the list's filter, read in a worker. Moving
through the list moves the highlighted mark; enter returns the place, which the triage screen
adds to the filter.
"""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from briefing.core.errors import BriefingError
from briefing.core.models import ItemFilter, PlaceCount
from briefing.core.text import clean_line
from briefing.tui.bindings import PLACES_BINDINGS, declared, help_rows
from briefing.tui.context import TuiContext
from briefing.tui.notify import say
from briefing.tui.screens.help import HelpScreen
from briefing.tui.widgets.places_map import PlacesMap, inside


class PlacesScreen(Screen[str | None]):
    """Returns the chosen place's id (None when the user backs out)."""

    BINDINGS: ClassVar[list[BindingType]] = PLACES_BINDINGS
    DEFAULT_CSS = """
    PlacesScreen #places-title { height: 1; padding: 0 1; text-style: bold; }
    PlacesScreen #places-main { height: 1fr; }
    PlacesScreen PlacesMap { width: 1fr; min-width: 20; padding: 0 1; }
    PlacesScreen #places-table { width: 46; height: 1fr; }
    """

    def __init__(self, context: TuiContext, f: ItemFilter = ItemFilter()) -> None:
        """`f`: the list's filter; its places are left out, so every place keeps its count."""
        super().__init__()
        self.context = context
        self.filter = replace(f, places=())
        self.counts: list[PlaceCount] = []

    def compose(self) -> ComposeResult:
        yield Static(Content("Places · enter filters the list by the place"), id="places-title")
        with Horizontal(id="places-main"):
            yield PlacesMap(id="places-map")
            table: DataTable[Text] = DataTable(
                cursor_type="row", zebra_stripes=True, id="places-table"
            )
            yield table
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#places-table", DataTable)
        table.add_column(Text("Place"), key="name", width=24)
        table.add_column(Text("24 h", justify="right"), key="day", width=4)
        table.add_column(Text("7 d", justify="right"), key="week", width=4)
        table.add_column(Text("All", justify="right"), key="total", width=5)
        table.loading = True
        table.focus()
        self._load()

    @work(thread=True, exclusive=True, group="place-counts", exit_on_error=False)
    def _load(self) -> None:
        try:
            counts = self.context.store.place_counts(self.filter, now=self.context.now())
        except BriefingError as error:
            self.app.call_from_thread(say, self, str(error), severity="error")
            counts = []
        self.app.call_from_thread(self._show, counts)

    def _show(self, counts: list[PlaceCount]) -> None:
        self.counts = counts
        table = self.query_one("#places-table", DataTable)
        table.loading = False
        table.clear()
        for count in counts:
            # A place off the map (abroad, or without coordinates) is listed in italics.
            style = "bold" if count.last_24h else ("italic" if not inside(count) else "")
            table.add_row(
                Text(clean_line(count.name, 40), style=style),
                Text(f"{count.last_24h:,}", justify="right"),
                Text(f"{count.last_7d:,}", justify="right"),
                Text(f"{count.total:,}", justify="right"),
                key=count.id,
            )
        view = self.query_one(PlacesMap)
        view.places = tuple(counts)
        view.highlighted = counts[0].id if counts else None
        if not counts:
            self.query_one("#places-title", Static).update(
                Content("No item names a place yet: press R on the list to fetch feeds.")
            )

    def highlighted_place(self) -> str | None:
        table = self.query_one("#places-table", DataTable)
        if not self.counts or not 0 <= table.cursor_row < len(self.counts):
            return None
        return self.counts[table.cursor_row].id

    @on(DataTable.RowHighlighted, "#places-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.query_one(PlacesMap).highlighted = event.row_key.value

    @on(DataTable.RowSelected, "#places-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        self.dismiss(event.row_key.value)

    def action_cursor_down(self) -> None:
        self.query_one("#places-table", DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one("#places-table", DataTable).action_cursor_up()

    def action_choose(self) -> None:
        self.dismiss(self.highlighted_place())

    def action_back(self) -> None:
        self.dismiss(None)

    def action_help(self) -> None:
        rows = help_rows(declared(PLACES_BINDINGS), self.context.keymap)
        self.app.push_screen(HelpScreen(rows, title="Places — keys"))
