"""The item list: a Line API widget that draws only the rows on screen, paging them from the store.

Nothing here holds a row per stored item: the list knows the total (`store.count`) and keeps a
few pages of `ItemRow`s (`store.items(offset, limit)`) in a small LRU, so 1,000,000 items cost
the same as 1,000 to show and to scroll.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol, runtime_checkable

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events, on, work
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from briefing.core.models import ItemFilter, ItemRow, SortOrder, Triage
from briefing.core.text import clean_line
from briefing.tui.filters import search_words

PAGE_SIZE = 100
"""Rows fetched per query; a screen shows ~50, so one or two queries per screenful."""
MAX_PAGES = 24
"""Pages kept in memory (2,400 rows) before the least recently used is dropped."""
TITLE_CAP = 400
"""Titles are cut before styling: a 10,000-character title costs no more than a normal one."""


_REVERSED: dict[SortOrder, SortOrder] = {"newest": "oldest", "oldest": "newest"}
"""Sorts whose reverse is exactly another sort (both break ties on the id)."""


class ItemSource(Protocol):
    """What the list needs from the store (the real `Store` satisfies it)."""

    def items(
        self,
        f: ItemFilter = ...,
        *,
        sort: SortOrder = ...,
        limit: int = ...,
        offset: int = ...,
    ) -> list[ItemRow]: ...

    def count(self, f: ItemFilter = ...) -> int: ...


@runtime_checkable
class Positions(Protocol):
    """A source that can say where an item sits under a filter (the `Store` can)."""

    def position(
        self, item_id: int, f: ItemFilter = ..., *, sort: SortOrder = ...
    ) -> int | None: ...


class ItemList(ScrollView, can_focus=True, inherit_bindings=False):
    """A virtual list of stored items for the current filter.

    It declares no bindings of its own (`inherit_bindings=False` drops ScrollView's): the
    triage screen owns every key, so arrows, home and end move the cursor, not the viewport.
    """

    COMPONENT_CLASSES = {
        "item-list--cursor",
        "item-list--selected",
        "item-list--unread",
        "item-list--read",
        "item-list--dismissed",
        "item-list--flag",
        "item-list--unread-mark",
        "item-list--note",
        "item-list--date",
        "item-list--source",
        "item-list--actors",
        "item-list--also",
        "item-list--match",
        "item-list--empty-title",
        "item-list--empty",
    }

    DEFAULT_CSS = """
    ItemList { overflow-x: hidden; overflow-y: auto; }
    """

    cursor: reactive[int] = reactive(0, init=False)
    """Index of the highlighted row in the current filter's ordering."""

    @dataclass
    class Highlighted(Message):
        """The cursor moved to another item (None: the list is empty)."""

        item_list: ItemList
        row: ItemRow | None

    @dataclass
    class Counted(Message):
        """The exact number of items under the filter arrived (the header shows it)."""

        item_list: ItemList
        total: int
        generation: int

    @dataclass
    class Opened(Message):
        """The user chose an item (enter or double click)."""

        item_list: ItemList
        row: ItemRow

    def __init__(self, source: ItemSource, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self._source = source
        self._filter = ItemFilter()
        self._sort: SortOrder = "newest"
        self._total = 0
        self._pages: OrderedDict[int, list[ItemRow]] = OrderedDict()
        self._words: list[str] = []
        self.selected: set[int] = set()
        """Ids chosen with `x` for a bulk action."""
        self.empty_lines: tuple[str, ...] = ("No items.",)
        """What an empty list says (the screen sets it: new user or no match)."""
        self._last_highlight: int | None = -1
        self._generation = 0
        self.counting = False
        """True while the exact total is being counted (`total` is provisional)."""
        self.describe_story: Callable[[ItemRow], str] | None = None
        """In story mode: a row's "+3 sources · en ar fr" (replaces the "+N" of also-in)."""

    def use_source(self, source: ItemSource) -> None:
        """Page rows from `source` from the next `load` on (the story mode swaps it)."""
        self._source = source

    # -- data ------------------------------------------------------------------------------

    @property
    def total(self) -> int:
        return self._total

    @property
    def item_filter(self) -> ItemFilter:
        return self._filter

    def load(
        self,
        f: ItemFilter,
        *,
        keep_cursor: bool = False,
        sort: SortOrder | None = None,
        keep_item: bool = False,
    ) -> None:
        """Show the items matching `f`: one page query now, the exact count in a worker.

        Counting a large filtered set can take far longer than fetching its first page (the
        page stops after 100 rows, the count visits them all), so the list shows at once with
        a provisional total and `Counted` corrects it when the worker is done.

        Args:
            keep_cursor: keep the cursor's row number (a refresh after a triage write).
            keep_item: keep the cursor on the item it was on, wherever that item now sits (a
                fetch adds rows above it); its row number when the item has left the list.
        """
        held = self.current if keep_item and self._total else None
        self._filter = f
        if sort is not None:
            self._sort = sort
        self._words = search_words(f.text)
        self._pages.clear()
        self._generation += 1
        first = self._source.items(f, sort=self._sort, limit=PAGE_SIZE, offset=0)
        self._pages[0] = first
        if len(first) < PAGE_SIZE:
            self.counting = False
            self._set_total(len(first))
        else:
            self.counting = True
            # Keep the old total on a refresh (it is nearly right); else one page's worth.
            self._set_total(max(self._total, PAGE_SIZE) if keep_cursor else PAGE_SIZE)
            self._count(f, self._generation)
        keep_cursor = keep_cursor or keep_item
        cursor = min(self.cursor, self._total - 1) if keep_cursor else 0
        cursor = max(cursor, 0)
        found = self._find(held.id, first) if held is not None else None
        if found is not None:
            if found >= self._total:  # past the provisional total: `Counted` confirms it
                self._set_total(found + 1)
            # The viewport moves with the item, so it stays on the same screen line.
            self.scroll_to(y=self.scroll_y + found - self.cursor, animate=False, immediate=True)
            cursor = found
        if not keep_cursor:
            self.scroll_to(y=0, animate=False, immediate=True)
        self._last_highlight = -1
        if cursor == self.cursor:
            self._cursor_moved(cursor)
        else:
            self.cursor = cursor
        self.refresh()

    def _find(self, item_id: int, first: list[ItemRow]) -> int | None:
        """Where `item_id` sits under the current filter: in the first page, else asked of the
        source (None when it has left the list, or the source cannot say)."""
        for number, row in enumerate(first):
            if row.id == item_id:
                return number
        if len(first) < PAGE_SIZE or not isinstance(self._source, Positions):
            return None
        return self._source.position(item_id, self._filter, sort=self._sort)

    def _set_total(self, total: int) -> None:
        self._total = total
        self.virtual_size = Size(0, total)

    @work(thread=True, exclusive=True, group="item-count", exit_on_error=False)
    def _count(self, f: ItemFilter, generation: int) -> None:
        total = self._source.count(f)
        self.post_message(self.Counted(self, total, generation))

    @on(Counted)
    def _counted(self, message: ItemList.Counted) -> None:
        if message.generation != self._generation:
            message.stop()  # a newer filter is on screen: this count is stale
            return
        self.counting = False
        self._set_total(message.total)
        if self.cursor >= message.total:
            self.cursor = max(message.total - 1, 0)
        self.refresh()

    def patch(self, states: Sequence[Triage]) -> None:
        """Apply new triage states to cached rows in place (no query, no jump)."""
        by_id = {t.item_id: t for t in states}
        for page in self._pages.values():
            for number, row in enumerate(page):
                t = by_id.get(row.id)
                if t is not None:
                    page[number] = replace(
                        row,
                        read=t.read,
                        flagged=t.flagged,
                        dismissed=t.dismissed,
                        tags=t.tags,
                        has_note=bool(t.note),
                    )
        self.refresh()

    def row(self, index: int) -> ItemRow | None:
        if index < 0 or index >= self._total:
            return None
        number, offset = divmod(index, PAGE_SIZE)
        page = self._pages.get(number)
        if page is None:
            page = self._fetch_page(number)
            self._pages[number] = page
            while len(self._pages) > MAX_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(number)
        return page[offset] if offset < len(page) else None

    def _fetch_page(self, number: int) -> list[ItemRow]:
        start = number * PAGE_SIZE
        if not self.counting and self._sort in _REVERSED and start > self._total // 2:
            # OFFSET costs as many steps as it skips: past the middle, read the same rows
            # from the other end in the reverse order (an exact mirror of the sort).
            end = min(start + PAGE_SIZE, self._total)
            rows = self._source.items(
                self._filter,
                sort=_REVERSED[self._sort],
                limit=end - start,
                offset=self._total - end,
            )
            return rows[::-1]
        return self._source.items(self._filter, sort=self._sort, limit=PAGE_SIZE, offset=start)

    @property
    def current(self) -> ItemRow | None:
        return self.row(self.cursor)

    def targets(self) -> list[int]:
        """The ids a triage action applies to: the selection, else the highlighted item."""
        if self.selected:
            return sorted(self.selected)
        row = self.current
        return [row.id] if row else []

    def toggle_selected(self) -> None:
        row = self.current
        if row is None:
            return
        self.selected.symmetric_difference_update({row.id})
        self.refresh()

    def clear_selection(self) -> None:
        self.selected.clear()
        self.refresh()

    # -- movement --------------------------------------------------------------------------

    def move(self, delta: int) -> None:
        if self._total:
            self.cursor = max(0, min(self._total - 1, self.cursor + delta))

    def page(self, direction: int) -> None:
        self.move(direction * max(self.scrollable_content_region.height - 1, 1))

    def go_top(self) -> None:
        self.cursor = 0

    def go_bottom(self) -> None:
        self.cursor = max(self._total - 1, 0)

    def watch_cursor(self, old: int, new: int) -> None:
        self._cursor_moved(new)
        self.refresh()

    def _cursor_moved(self, index: int) -> None:
        height = max(self.scrollable_content_region.height, 1)
        top = round(self.scroll_y)
        if index < top:
            self.scroll_to(y=index, animate=False, immediate=True)
        elif index >= top + height:
            self.scroll_to(y=index - height + 1, animate=False, immediate=True)
        row = self.row(index)
        key = row.id if row else None
        if key != self._last_highlight:
            self._last_highlight = key
            self.post_message(self.Highlighted(self, row))

    def on_focus(self) -> None:
        self.refresh()  # the cursor row is drawn brighter while the list has focus

    def on_blur(self) -> None:
        self.refresh()

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = round(self.scroll_y) + offset.y
        if 0 <= index < self._total:
            self.cursor = index
            if event.chain >= 2 and (row := self.row(index)) is not None:
                self.post_message(self.Opened(self, row))

    # -- drawing ---------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        if self._total == 0:
            return self._empty_line(y, width, base)
        index = round(self.scroll_y) + y
        row = self.row(index)
        if row is None:
            return Strip.blank(width, base)
        return self._row_strip(row, index, width, base)

    def _empty_line(self, y: int, width: int, base: Style) -> Strip:
        top = max((self.scrollable_content_region.height - len(self.empty_lines) * 2) // 2, 0)
        line_no, gap = divmod(y - top, 2)
        if gap or not 0 <= line_no < len(self.empty_lines):
            return Strip.blank(width, base)
        role = "item-list--empty-title" if line_no == 0 else "item-list--empty"
        text = Text(self.empty_lines[line_no], style=self.get_component_rich_style(role))
        text.truncate(width, overflow="ellipsis")
        pad = max((width - text.cell_len) // 2, 0)
        return self._to_strip(Text(" " * pad) + text, width, base)

    def _to_strip(self, text: Text, width: int, base: Style) -> Strip:
        segments: Sequence[Segment] = list(text.render(self.app.console, end=""))
        return Strip(segments).adjust_cell_length(width).apply_style(base)

    def _row_strip(self, row: ItemRow, index: int, width: int, base: Style) -> Strip:
        style = self.get_component_rich_style
        if index == self.cursor and self.has_focus_within:
            base = base + style("item-list--cursor")
        elif index == self.cursor:
            base = base + style("item-list--cursor", partial=True)
        if row.id in self.selected:
            base = base + style("item-list--selected")

        # Unread and flagged are separate columns: a flagged or noted item keeps its dot.
        if not row.read and not row.dismissed:
            unread = Text("●", style=style("item-list--unread-mark", partial=True))
        else:
            unread = Text(" ")
        flag = Text("★" if row.flagged else " ", style=style("item-list--flag", partial=True))
        chosen = Text("▌" if row.id in self.selected else " ", style="bold")
        note = Text("✎" if row.has_note else " ", style=style("item-list--note", partial=True))
        date = Text(
            row.published.astimezone().strftime("%m-%d %H:%M"),
            style=style("item-list--date", partial=True),
        )

        show_actors = width >= 120
        source_w = 16 if width >= 76 else 10  # whole feed names in an 80-column terminal
        actors_w = 24 if show_actors else 0
        fixed = 4 + 1 + 11 + 1 + 1 + source_w + (1 + actors_w if show_actors else 0) + 1
        also = f"+{len(row.also_in)}" if row.also_in else ""
        if self.describe_story is not None:
            also = clean_line(self.describe_story(row), 60) or also
        title_w = max(width - fixed - (len(also) + 1 if also else 0), 8)

        if row.dismissed:
            title_style = style("item-list--dismissed", partial=True)
        elif row.read:
            title_style = style("item-list--read", partial=True)
        else:
            title_style = style("item-list--unread", partial=True)
        title = Text(clean_line(row.title, TITLE_CAP) or "(untitled)", style=title_style)
        if self._words:
            title.highlight_words(
                self._words, style=style("item-list--match", partial=True), case_sensitive=False
            )
        title.truncate(title_w, overflow="ellipsis", pad=True)

        source = Text(clean_line(row.feed, 60), style=style("item-list--source", partial=True))
        source.truncate(source_w, overflow="ellipsis", pad=True)
        parts: list[Text] = [chosen, unread, flag, note, Text(" "), date, Text(" "), title]
        if also:
            parts += [Text(" "), Text(also, style=style("item-list--also", partial=True))]
        parts += [Text(" "), source]
        if show_actors:
            actors = Text(
                clean_line(", ".join(row.actors), 80),
                style=style("item-list--actors", partial=True),
            )
            actors.truncate(actors_w, overflow="ellipsis", pad=True)
            parts += [Text(" "), actors]
        return self._to_strip(Text.assemble(*parts), width, base)
