"""The triage screen: header, filter chips, facet panel, the item list and the reading pane.

Its BINDINGS are the single declaration of the triage keys: the footer, the help screen and the
command palette are all generated from them, and `tui.keys` in feeds.yaml remaps them by id.
"""

from __future__ import annotations

import webbrowser
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input

from briefing.core.errors import BriefingError, SearchSyntaxError, StoreError
from briefing.core.models import Facets, ItemFilter, ItemRow
from briefing.core.search import check_search, search_is_valid
from briefing.core.text import clean_line
from briefing.core.urls import is_http_url
from briefing.tui import filters
from briefing.tui.messages import FacetsLoaded, FetchFinished, FetchProgressed
from briefing.tui.screens.triage_actions import TriageActions
from briefing.tui.undo import UndoStack
from briefing.tui.widgets.chips import FilterChips
from briefing.tui.widgets.filter_panel import FilterPanel
from briefing.tui.widgets.item_detail import ItemDetailView
from briefing.tui.widgets.item_list import ItemList
from briefing.tui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from briefing.tui.app import BriefingApp

WELCOME = (
    "Welcome to briefing",
    "No items are stored yet.",
    "Press R to fetch the feeds listed in feeds.yaml (progress shows in the header),",
    "or run `briefing demo` in a shell to load a sample of news, then start briefing again.",
    "? lists every key · ctrl+p finds every command · q quits",
)
NO_MATCH = (
    "Nothing matches this filter",
    "backspace removes the last filter chip · c clears every filter · / edits the search",
)
READER_GUIDE = (
    "The reading pane",
    "The item under the cursor shows here: title, source and date, its link, the actors it "
    "mentions (highlighted in the text), your tags and note, why it counted as Libya-related, "
    "the other feeds that carried it, then the text.",
    "enter read · t tag · 1–9 quick tags · n note · f flag · d dismiss · u undo · x select",
    "/ search · a actors · v views · e export · b brief · ? help",
)
PICK = (
    "Nothing open",
    "Move with j/k (or the mouse); enter marks the item read and opens it here.",
)

SEARCH_DELAY = 0.12
"""Seconds of typing pause before a search runs: each keystroke does not cost a query."""


class TriageScreen(TriageActions, Screen[None]):
    """Where the analyst spends the day: filter, read and triage items."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "j,down", "cursor_down", "Down", show=False, id="down", tooltip="Move to the next item"
        ),
        Binding(
            "k,up", "cursor_up", "Up", show=False, id="up", tooltip="Move to the previous item"
        ),
        Binding(
            "pagedown",
            "page_down",
            "Page down",
            show=False,
            id="page-down",
            tooltip="Move down one screen",
        ),
        Binding(
            "pageup", "page_up", "Page up", show=False, id="page-up", tooltip="Move up one screen"
        ),
        Binding("g,home", "top", "Top", show=False, id="top", tooltip="Go to the first item"),
        Binding(
            "G,end", "bottom", "Bottom", show=False, id="bottom", tooltip="Go to the last item"
        ),
        Binding(
            "enter",
            "open",
            "Read",
            id="read",
            tooltip="Open the item in the reading pane and mark it read",
        ),
        Binding(
            "space",
            "scroll_reader",
            "Scroll text",
            show=False,
            id="scroll-text",
            tooltip="Scroll the reading pane down a page",
        ),
        Binding(
            "o",
            "open_link",
            "Link",
            show=False,
            id="open-link",
            tooltip="Open the item's link in the web browser (http and https only)",
        ),
        Binding(
            "t",
            "tag",
            "Tag",
            id="tag",
            tooltip="Edit tags (several, comma-separated; completion over existing tags)",
        ),
        Binding("n", "note", "Note", id="note", tooltip="Write a multi-line note on the item"),
        Binding("f", "flag", "Flag", id="flag", tooltip="Flag or unflag (★)"),
        Binding(
            "d",
            "dismiss_item",
            "Dismiss",
            id="dismiss",
            tooltip="Dismiss or restore (dismissed items leave the default view)",
        ),
        Binding("r", "toggle_read", "Read/unread", id="toggle-read", tooltip="Mark read or unread"),
        Binding(
            "u", "undo", "Undo", id="undo", tooltip="Undo the last triage action (many levels)"
        ),
        Binding(
            "x",
            "select",
            "Select",
            id="select",
            tooltip="Select for a bulk action: tag, flag, dismiss and read apply to all",
        ),
        Binding(
            "escape",
            "escape",
            "Clear selection",
            show=False,
            id="clear-selection",
            tooltip="Clear the selection, or leave the search box",
        ),
        Binding(
            "slash",
            "search",
            "Search",
            id="search",
            tooltip="Full-text search (matches highlighted); enter returns to the list",
        ),
        Binding(
            "backspace",
            "remove_chip",
            "Remove chip",
            show=False,
            id="remove-chip",
            tooltip="Remove the last filter chip",
        ),
        Binding(
            "c",
            "clear_filters",
            "Clear filters",
            show=False,
            id="clear-filters",
            tooltip="Remove every filter",
        ),
        Binding(
            "p",
            "toggle_panel",
            "Filters",
            show=False,
            id="filters-panel",
            tooltip="Show or hide the filter panel (tab moves into it)",
        ),
        Binding(
            "v",
            "views",
            "Views",
            show=False,
            id="views",
            tooltip="Save the filter as a view, or recall one",
        ),
        Binding(
            "a",
            "actors",
            "Actors",
            id="actors",
            tooltip="Actors with 24 h / 7 d / total counts; choose one to filter",
        ),
        Binding("e", "export", "Export", id="export", tooltip="Export the filtered items"),
        Binding(
            "b", "brief", "Brief", show=False, id="brief", tooltip="A brief of the filtered items"
        ),
        Binding(
            "R",
            "fetch",
            "Fetch",
            id="fetch",
            tooltip="Fetch due feeds in the background; new items appear as they arrive",
        ),
        *[
            Binding(
                str(n),
                f"quick_tag({n})",
                f"Quick tag {n}",
                show=False,
                id=f"quick-tag-{n}",
                tooltip=f"Toggle quick tag {n} (tui: quick_tags in feeds.yaml)",
            )
            for n in range(1, 10)
        ],
        Binding("question_mark", "help", "Help", id="help", tooltip="Every key, from the bindings"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.filter = ItemFilter()
        """The active filter (what the list, chips, header and facets show)."""
        self.undo = UndoStack()
        self._facets_generation = 0
        self._facets: Facets | None = None
        self._unread: int | None = None
        self._progress: str | None = None
        self._search_timer: Timer | None = None
        self._labels: dict[str, str] = {}

    @property
    def briefing(self) -> BriefingApp:
        from briefing.tui.app import BriefingApp

        assert isinstance(self.app, BriefingApp)
        return self.app

    # -- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield StatusBar(id="status")
        search = Input(placeholder='search: words, "a phrase", a OR b, -word, prefix*', id="search")
        search.display = False
        yield search
        yield FilterChips(id="chips")
        with Horizontal(id="main"):
            yield FilterPanel(id="filters")
            with Vertical(id="right"):
                yield ItemList(self.briefing.store, id="items")
                with VerticalScroll(id="reader"):
                    yield ItemDetailView(id="detail")
        yield Footer(compact=True)

    AUTO_FOCUS = "#items"

    def on_mount(self) -> None:
        self._labels = {a.id: a.name for a in self.briefing.store.actors()}
        self.query_one(ItemList).focus()
        self.apply_filter(ItemFilter())
        # The reading pane bakes theme colours into its Text: redraw it when the theme changes.
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, _theme: object) -> None:
        self.call_after_refresh(self.show_item, self.items.current)

    @property
    def items(self) -> ItemList:
        return self.query_one("#items", ItemList)

    # -- the filter ------------------------------------------------------------------------

    def apply_filter(self, f: ItemFilter, *, keep_cursor: bool = False) -> None:
        """Show `f` everywhere: list, chips, header, search box and (in a worker) the facets."""
        try:
            check_search(f.text)
        except SearchSyntaxError as error:
            # The list keeps the last filter that could run; the message says what to fix.
            self.briefing.say(str(error), severity="error")
            return
        self.filter = f
        items = self.items
        items.empty_lines = WELCOME[:2] + WELCOME[2:] if f.is_empty() else NO_MATCH
        try:
            items.load(f, keep_cursor=keep_cursor)
        except BriefingError as error:
            self.briefing.say(f"That filter cannot run: {error}", severity="error")
            return
        search = self.query_one("#search", Input)
        if search.value != f.text and not search.has_focus:
            search.value = f.text
        search.display = bool(f.text) or search.has_focus
        self.query_one(FilterChips).show(filters.chips(f, self._labels, now=self.briefing.now()))
        self.query_one(FilterPanel).show(None, f, now=self.briefing.now())
        self._update_status()
        self._facets_generation += 1
        self._load_facets(f, self._facets_generation)

    @work(thread=True, exclusive=True, group="facets", exit_on_error=False)
    def _load_facets(self, f: ItemFilter, generation: int) -> None:
        # Facet counts group over the whole filtered set: a worker keeps typing smooth.
        facets = self.briefing.store.facets(f)
        self.post_message(FacetsLoaded(facets, generation))

    @on(FacetsLoaded)
    def _facets_loaded(self, message: FacetsLoaded) -> None:
        if message.generation != self._facets_generation:
            return  # a newer filter is already on screen
        facets = message.facets
        assert isinstance(facets, Facets)
        self._facets = facets
        counts = {facet.value: facet.count for facet in facets.states}
        self._unread = counts.get("unread")
        for facet in facets.actors:
            self._labels.setdefault(facet.value, facet.label)
        self.query_one(FilterPanel).show(facets, self.filter, now=self.briefing.now())
        self._update_status()

    def _update_status(self) -> None:
        self.query_one(StatusBar).show(
            total=self.items.total,
            counting=self.items.counting,
            unread=self._unread,
            selected=len(self.items.selected),
            filter_text=filters.describe(self.filter, self._labels),
            notice=self.briefing.store.notice,
            progress=self._progress,
        )

    @on(ItemList.Counted)
    def _counted(self, message: ItemList.Counted) -> None:
        self._update_status()

    @on(FilterPanel.Toggled)
    def _facet_toggled(self, message: FilterPanel.Toggled) -> None:
        self.apply_filter(
            filters.toggle(self.filter, message.kind, message.value, now=self.briefing.now())
        )

    @on(FilterChips.Removed)
    def _chip_removed(self, message: FilterChips.Removed) -> None:
        self.apply_filter(filters.remove_chip(self.filter, message.key))
        self.items.focus()

    def action_remove_chip(self) -> None:
        chips = filters.chips(self.filter, self._labels)
        if chips:
            self.apply_filter(filters.remove_chip(self.filter, chips[-1].key))

    def action_clear_filters(self) -> None:
        self.apply_filter(ItemFilter())

    def action_toggle_panel(self) -> None:
        panel = self.query_one(FilterPanel)
        panel.display = not panel.display

    # -- search ----------------------------------------------------------------------------

    def action_search(self) -> None:
        search = self.query_one("#search", Input)
        search.display = True
        search.focus()

    @on(Input.Changed, "#search")
    def _search_typed(self, event: Input.Changed) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = self.set_timer(SEARCH_DELAY, lambda: self._run_search(typing=True))

    def _run_search(self, *, typing: bool = False) -> None:
        text = self.query_one("#search", Input).value.strip()
        if typing and not search_is_valid(text):
            return  # mid-phrase (`"nation`): keep the last results; enter says what is wrong
        if text != self.filter.text:
            self.apply_filter(replace(self.filter, text=text))

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        self._run_search()
        self.items.focus()
        event.input.display = bool(self.filter.text)

    def action_escape(self) -> None:
        search = self.query_one("#search", Input)
        if search.has_focus:
            self._run_search()
            search.display = bool(self.filter.text)
            self.items.focus()
        elif self.items.selected:
            self.items.clear_selection()
            self._update_status()
        elif not self.items.has_focus:
            self.items.focus()

    # -- moving and reading ----------------------------------------------------------------

    def action_cursor_down(self) -> None:
        self.items.move(1)

    def action_cursor_up(self) -> None:
        self.items.move(-1)

    def action_page_down(self) -> None:
        self.items.page(1)

    def action_page_up(self) -> None:
        self.items.page(-1)

    def action_top(self) -> None:
        self.items.go_top()

    def action_bottom(self) -> None:
        self.items.go_bottom()

    def action_scroll_reader(self) -> None:
        self.query_one("#reader", VerticalScroll).scroll_page_down(animate=False)

    @on(ItemList.Highlighted)
    def _highlighted(self, message: ItemList.Highlighted) -> None:
        self.show_item(message.row)

    @on(ItemList.Opened)
    def _opened(self, message: ItemList.Opened) -> None:
        self.action_open()

    def show_item(self, row: ItemRow | None) -> None:
        """Lay out `row` in the reading pane (or the empty-state hint)."""
        view = self.query_one(ItemDetailView)
        if row is None:
            view.show_hint(READER_GUIDE if self.filter.is_empty() else NO_MATCH)
            return
        detail = self.briefing.store.item(row.id)
        if detail is None:
            view.show_hint(PICK)
            return
        view.show(
            detail,
            words=filters.search_words(self.filter.text),
            find_mentions=self.briefing.mention_finder(),
        )

    def open_item(self, item_id: int) -> None:
        """Show one item in the reading pane even when the filter hides it (the seed, palette)."""
        detail = self.briefing.store.item(item_id)
        if detail is None:
            return
        self.query_one(ItemDetailView).show(detail, find_mentions=self.briefing.mention_finder())
        self.query_one("#reader", VerticalScroll).scroll_home(animate=False)

    def action_open(self) -> None:
        row = self.items.current
        if row is None:
            return
        if not row.read and not self.briefing.store.read_only:
            self._triage([row.id], lambda ids, _snap: self._set_read(ids, True), quiet=True)
        else:
            self.show_item(row)
        self.query_one("#reader", VerticalScroll).scroll_home(animate=False)

    def action_open_link(self) -> None:
        row = self.items.current
        url = row.url if row else None
        if url is None or not is_http_url(url):
            self.briefing.say("This item has no web link to open.", severity="warning")
            return
        webbrowser.open(url)
        self.briefing.say(f"Opened {clean_line(url, 100)}")

    # -- refreshing after triage ----------------------------------------------------------

    def _refresh_counts(self) -> None:
        self._update_status()
        self._facets_generation += 1
        self._load_facets(self.filter, self._facets_generation)

    def refresh_items(self) -> None:
        """Re-read the list after a change, keeping the cursor where it was."""
        self.apply_filter(self.filter, keep_cursor=True)

    # -- other screens ---------------------------------------------------------------------

    def action_views(self) -> None:
        from briefing.tui.screens.views import ViewChoice, ViewsModal

        store = self.briefing.store

        def done(choice: ViewChoice | None) -> None:
            if choice is None:
                return
            try:
                if choice.op == "recall":
                    view = store.view(choice.name)
                    if view is not None:
                        self.apply_filter(view.filter)
                        self.briefing.say(f"View: {choice.name}")
                elif choice.op == "save":
                    store.save_view(choice.name, self.filter)
                    self.briefing.say(f"Saved view: {choice.name}")
                else:
                    store.delete_view(choice.name)
                    self.briefing.say(f"Deleted view: {choice.name}")
            except StoreError as error:
                self.briefing.say(str(error), severity="error")

        current = filters.describe(self.filter, self._labels)
        self.app.push_screen(ViewsModal(store.views(), current), done)

    def recall_view(self, name: str) -> None:
        view = self.briefing.store.view(name)
        if view is not None:
            self.apply_filter(view.filter)

    def action_actors(self) -> None:
        from briefing.tui.screens.actors import ActorsScreen

        def done(actor: str | None) -> None:
            if actor and actor not in self.filter.actors:
                self.apply_filter(filters.toggle(self.filter, "actor", actor))

        self.app.push_screen(ActorsScreen(), done)

    def action_export(self) -> None:
        try:
            from briefing.tui.screens.export import ExportModal
        except ImportError:
            self.briefing.say("Export is not available in this build.", severity="warning")
            return

        def done(path: Path | None) -> None:
            if path is not None:
                self.briefing.say(f"Exported to {path}")

        self.app.push_screen(ExportModal(self.briefing.store, self.filter, Path.cwd()), done)

    def action_brief(self) -> None:
        try:
            from briefing.tui.screens.brief import BriefScreen
        except ImportError:
            self.briefing.say("Briefs are not available in this build.", severity="warning")
            return
        actor = self.filter.actors[0] if len(self.filter.actors) == 1 else None
        self.app.push_screen(BriefScreen(self.briefing.store, self.filter, actor))

    def action_help(self) -> None:
        from briefing.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self.briefing.help_rows(self), title="briefing — keys"))

    # -- background fetch ------------------------------------------------------------------

    def action_fetch(self, force: bool = False) -> None:
        if self.briefing.store.path is None:
            self.briefing.say("Fetching needs a database file.", severity="warning")
            return
        if self.briefing.store.read_only:
            self._writable()
            return
        if any(w.group == "fetch" and w.is_running for w in self.workers):
            self.briefing.say("A fetch is already running.")
            return
        self._progress = "fetching…"
        self._update_status()
        self._fetch(force)

    @work(thread=True, exclusive=True, group="fetch", exit_on_error=False)
    def _fetch(self, force: bool) -> None:
        from briefing.tui.fetch_worker import run_fetch

        app = self.briefing
        assert app.store.path is not None
        run_fetch(app.config, app.store.path, self.post_message, force=force)

    @on(FetchProgressed)
    def _fetch_progressed(self, message: FetchProgressed) -> None:
        self._progress = f"fetching {message.done}/{message.total}"
        if message.new:
            self.refresh_items()
        else:
            self._update_status()

    @on(FetchFinished)
    def _fetch_finished(self, message: FetchFinished) -> None:
        self._progress = None
        if message.error:
            self.briefing.say(f"Fetch failed: {message.error}", severity="error")
        elif message.feeds == 0 and message.not_due:
            self.briefing.say(
                f"All {message.not_due} feeds are up to date; ctrl+p → "
                '"Fetch every feed now" ignores their refresh intervals.'
            )
        else:
            failed = (
                f", {message.failed} failed (first: {message.first_failure}; "
                "`briefing feeds list` shows each feed's last error)"
                if message.failed
                else ""
            )
            self.briefing.say(
                f"Fetched {message.feeds} feeds: {message.new} new items{failed}",
                severity="warning" if message.failed else "information",
            )
        self._labels = {a.id: a.name for a in self.briefing.store.actors()}
        self.refresh_items()

    def now(self) -> datetime:
        return self.briefing.now()
