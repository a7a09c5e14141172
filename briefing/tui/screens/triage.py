"""The triage screen: header, filter chips, facet panel, the item list and the reading pane.

The filter is reactive state of this screen, bound down to the chips, the panel and the header
(`data_bind`); they post messages up when the analyst changes it. The keys are declared in
`briefing.tui.bindings`; the writes are `TriageActions`'; the dialogs live in their own modules.
"""

from __future__ import annotations

import webbrowser
from dataclasses import replace
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input

from briefing.core.errors import BriefingError, SearchSyntaxError, StoreError
from briefing.core.models import Facets, ItemFilter, ItemRow
from briefing.core.search import check_search, search_is_valid
from briefing.core.text import clean_line
from briefing.core.urls import is_http_url
from briefing.tui import filters
from briefing.tui.bindings import TRIAGE_BINDINGS, HelpRow, main_help_rows
from briefing.tui.commands import Command, triage_commands
from briefing.tui.context import TuiContext
from briefing.tui.fetch_worker import demo_refusal, describe_fetch, run_fetch
from briefing.tui.hints import NO_MATCH, PICK, READER_GUIDE, WELCOME
from briefing.tui.messages import (
    ArticleFetched,
    FacetsLoaded,
    FetchFinished,
    FetchProgressed,
    MentionsReady,
)
from briefing.tui.narrow import is_narrow
from briefing.tui.notify import items as items_count
from briefing.tui.notify import say
from briefing.tui.screens.actors import ActorsScreen
from briefing.tui.screens.brief import BriefScreen
from briefing.tui.screens.confirm import ConfirmModal
from briefing.tui.screens.date_range import DateRangeModal
from briefing.tui.screens.dialog import TextDialog
from briefing.tui.screens.export import ExportModal
from briefing.tui.screens.help import HelpScreen
from briefing.tui.screens.note import NoteModal
from briefing.tui.screens.places import PlacesScreen
from briefing.tui.screens.story_brief import StoryBriefScreen
from briefing.tui.screens.tag import TagChange, TagModal
from briefing.tui.screens.views import ViewChoice, ViewsModal
from briefing.tui.triage_actions import TriageActions
from briefing.tui.typeahead import HeldKey, hold, replay
from briefing.tui.undo import UndoStack
from briefing.tui.widgets.chips import FilterChips
from briefing.tui.widgets.filter_panel import FilterPanel
from briefing.tui.widgets.item_detail import ItemDetailView
from briefing.tui.widgets.item_list import ItemList
from briefing.tui.widgets.status_bar import Counts, StatusBar
from briefing.tui.widgets.story_rows import StoryHeads, story_reports
from briefing.update.demo import is_demo_store

OPENS_SOMETHING = frozenset(
    {
        "tag",
        "note",
        "views",
        "export",
        "brief",
        "actors",
        "places",
        "story_brief",
        "help",
        "search",
        "date_range",
    }
)
"""Actions after which the next keys are typed into something else (a dialog, the search box)."""

SEARCH_DELAY = 0.12
"""Seconds of typing pause before a search runs: each keystroke does not cost a query."""


class TriageScreen(Screen[None]):
    """Where the analyst spends the day: filter, read and triage items."""

    BINDINGS: ClassVar[list[BindingType]] = TRIAGE_BINDINGS

    filter: reactive[ItemFilter] = reactive(ItemFilter, init=False, always_update=True)
    """The active filter: what the list, chips, panel, header and facets show."""
    labels: reactive[dict[str, str]] = reactive(dict, init=False)
    """Actor and place id → name, for chips, the header and the panel (`display_names`)."""
    facets: reactive[Facets | None] = reactive(None, init=False)
    """Facet counts under the filter (from a worker; None until the first arrive)."""

    def __init__(self, context: TuiContext) -> None:
        super().__init__()
        self.context = context
        self.store = context.store
        self.triage = TriageActions(context.store, partial(say, self))
        """The triage writes (and their undo stack)."""
        self._keep_cursor = False
        self._keep_item = False
        self._facets_generation = 0
        self._unread: int | None = None
        self._progress: str | None = None
        self._search_timer: Timer | None = None
        self._held: list[HeldKey] = []
        """Type-ahead for a dialog or the search box that is opening (see on_key)."""
        self._search_opening = False
        self.last_look: datetime | None = None
        """The analyst's previous look at this database, read when the screen opens."""
        self._new_since_look: int | None = None
        self._tagger: Any = None
        """The Tagger the full-article key re-tags with (built on first use, in its worker)."""
        self._chip_order: list[filters.Chip] = []
        """The filter's chips in the order they were added: backspace removes the newest."""
        self._narrow: bool | None = None
        """Whether the layout is folded for a narrow terminal (None before the first look)."""

    @property
    def undo(self) -> UndoStack:
        """What `u` restores (the triage actions' stack)."""
        return self.triage.undo

    # -- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        now = self.context.now
        yield StatusBar(self.store.notice, id="status").data_bind(
            TriageScreen.filter, TriageScreen.labels
        )
        search = Input(placeholder='search: words, "a phrase", a OR b, -word, prefix*', id="search")
        search.display = False
        yield search
        yield FilterChips(now, id="chips").data_bind(TriageScreen.filter, TriageScreen.labels)
        with Horizontal(id="main"):
            yield FilterPanel(now, id="filters").data_bind(
                TriageScreen.filter, TriageScreen.facets, TriageScreen.labels
            )
            with Vertical(id="right"):
                yield ItemList(self.store, id="items")
                with VerticalScroll(id="reader"):
                    yield ItemDetailView(id="detail")
        yield Footer(compact=True)

    AUTO_FOCUS = "#items"

    def on_mount(self) -> None:
        self.labels = self.display_names()
        self.last_look = self.store.last_look()
        self.query_one(FilterPanel).last_look = self.last_look
        self._count_new()
        self.items.focus()
        detail = self.query_one(ItemDetailView)
        detail.fold_key = self.context.keymap.get("details", "w").split(",")[0]
        self._fit_width()
        self.apply_filter(ItemFilter())
        # The reading pane bakes theme colours into its Text: redraw it when the theme changes.
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def display_names(self) -> dict[str, str]:
        """Id → name of every actor and place the store knows: nothing is shown by its id."""
        names = {place.id: place.name for place in self.store.places()}
        names.update((actor.id, actor.name) for actor in self.store.actors())
        return names

    def _theme_changed(self, _theme: object) -> None:
        self.call_after_refresh(self.show_item, self.items.current)

    @on(MentionsReady)
    def _mentions_ready(self) -> None:
        self.show_item(self.items.current)  # redraw with mentions highlighted

    # -- type-ahead ------------------------------------------------------------------------

    async def on_key(self, event: events.Key) -> None:
        """Keys typed right after a key that opens a dialog belong to that dialog.

        They were handed to this screen's widgets before the dialog existed: hold them until
        the dialog (or the search box) can take them. A key that opens something runs at once,
        here, so the keys behind it in this screen's queue already see it open.
        """
        top = self.app.screen
        if top is not self:
            if isinstance(top, TextDialog):
                top.take_key(event)
            else:
                hold(event, self._held)
                self.app.call_after_refresh(replay, self.app, self._held)
            return
        if self._search_opening:
            hold(event, self._held)
            return
        active = self.active_bindings.get(event.key)
        if active is not None and active.binding.action in OPENS_SOMETHING and active.enabled:
            event.stop()
            event.prevent_default()
            await self.run_action(active.binding.action)

    @property
    def items(self) -> ItemList:
        return self.query_one("#items", ItemList)

    # -- the filter ------------------------------------------------------------------------

    def apply_filter(
        self, f: ItemFilter, *, keep_cursor: bool = False, keep_item: bool = False
    ) -> None:
        """Make `f` the filter: list, chips, panel, header, search box and facets follow."""
        try:
            check_search(f.text)
        except SearchSyntaxError as error:
            # The list keeps the last filter that could run; the message says what to fix.
            say(self, str(error), severity="error")
            return
        self._keep_cursor = keep_cursor
        self._keep_item = keep_item
        try:
            self.filter = f
        finally:
            self._keep_cursor = self._keep_item = False

    def watch_filter(self, f: ItemFilter) -> None:
        items = self.items
        items.empty_lines = WELCOME if f.is_empty() else NO_MATCH
        try:
            items.load(f, keep_cursor=self._keep_cursor, keep_item=self._keep_item)
        except BriefingError as error:
            say(self, f"That filter cannot run: {error}", severity="error")
            return
        search = self.query_one("#search", Input)
        if search.value != f.text and not search.has_focus:
            search.value = f.text
        search.display = bool(f.text) or search.has_focus
        # Without names: an actor chip that gains its name later is not a newer chip.
        self._chip_order = filters.chip_order(self._chip_order, filters.chips(f))
        self._refresh_counts()

    def toggle_filter(self, kind: str, value: str) -> None:
        """Add `value` to the filter's `kind` (actor, tag, feed, state, date), or take it out."""
        if kind == "date" and value == "look":
            self.action_since_look()
            return
        if kind == "date" and value == "range":
            self.action_date_range()
            return
        self.apply_filter(filters.toggle(self.filter, kind, value, now=self.context.now()))

    @work(thread=True, exclusive=True, group="facets", exit_on_error=False)
    def _load_facets(self, f: ItemFilter, generation: int) -> None:
        # Facet counts group over the whole filtered set: a worker keeps typing smooth.
        facets = self.store.facets(f)
        if not facets.tags:
            # Nothing tagged under the filter (0 results, say): the tags that exist are listed
            # with 0, to choose from, rather than "none yet".
            existing = tuple(replace(tag, count=0) for tag in self.store.tags()[:50])
            facets = replace(facets, tags=existing)
        self.post_message(FacetsLoaded(facets, generation))

    @on(FacetsLoaded)
    def _facets_loaded(self, message: FacetsLoaded) -> None:
        if message.generation != self._facets_generation:
            return  # a newer filter is already on screen
        facets = message.facets
        assert isinstance(facets, Facets)
        counts = {facet.value: facet.count for facet in facets.states}
        self._unread = counts.get("unread")
        known = {facet.value: facet.label for facet in (*facets.actors, *facets.places)}
        if not known.keys() <= self.labels.keys():
            self.labels = {**known, **self.labels}
        self.facets = facets
        self._update_status()

    def _update_status(self) -> None:
        self.query_one(StatusBar).counts = Counts(
            total=self.items.total,
            counting=self.items.counting,
            unread=self._unread,
            selected=len(self.items.selected),
            progress=self._progress,
            new_since_look=self._new_since_look,
        )

    @on(ItemList.Counted)
    def _counted(self, message: ItemList.Counted) -> None:
        self._update_status()

    @on(FilterPanel.Toggled)
    def _facet_toggled(self, message: FilterPanel.Toggled) -> None:
        self.toggle_filter(message.kind, message.value)

    @on(FilterChips.Removed)
    def _chip_removed(self, message: FilterChips.Removed) -> None:
        self.apply_filter(filters.remove_chip(self.filter, message.key))
        self.items.focus()

    def action_remove_chip(self) -> None:
        if self._chip_order:
            self.apply_filter(filters.remove_chip(self.filter, self._chip_order[-1].key))

    # -- new since my last look, custom ranges -----------------------------------------------

    def _count_new(self) -> None:
        look = self.last_look
        self._new_since_look = None if look is None else self.store.count(ItemFilter(since=look))

    def action_since_look(self) -> None:
        """Show what arrived since the last look (recorded when the app closed last time)."""
        if self.last_look is None:
            say(self, "No last look is recorded yet: it is kept when you leave the app.")
            return
        self.apply_filter(filters.since_look(self.filter, self.last_look))

    def action_record_look(self) -> None:
        """Make now the last look: "new since my last look" starts again from here."""
        if not self.triage.writable():
            return
        now = self.context.now()
        try:
            self.store.record_look(now)
        except BriefingError as error:
            say(self, str(error), severity="error")
            return
        self.last_look = now
        self.query_one(FilterPanel).last_look = now
        self._count_new()
        self._refresh_counts()
        say(self, f"Last look recorded: {now:%Y-%m-%d %H:%M}")

    def action_date_range(self) -> None:
        f = self.filter
        current = filters.describe_dates(f).replace(" → ", " to ") if f.since else ""

        def done(text: str | None) -> None:
            if text is None:
                return
            try:
                since, until = filters.parse_date_range(text, self.context.now().tzinfo)
            except ValueError as error:
                say(self, str(error), severity="error")
                return
            self.apply_filter(replace(self.filter, since=since, until=until, within=None))

        self.app.push_screen(DateRangeModal(current if " to " in current else ""), done)

    def action_clear_filters(self) -> None:
        self.apply_filter(ItemFilter())

    def action_toggle_panel(self) -> None:
        panel = self.query_one(FilterPanel)
        panel.display = not panel.display
        if not panel.display and panel.has_focus:
            self.items.focus()
        elif panel.display and self._narrow:
            panel.focus()  # opened on demand at a narrow width: to choose from it

    # -- narrow terminals ------------------------------------------------------------------

    def on_resize(self) -> None:
        self._fit_width()

    def on_screen_resume(self) -> None:
        self._fit_width()  # the terminal may have been resized under a dialog

    def _fit_width(self) -> None:
        """Fold the panel and the reading pane's long blocks below `NARROW_BELOW` columns,
        unfold them above. Only crossing the width changes them: p (and w) hold till then."""
        narrow = is_narrow(self.app.size.width)
        if narrow == self._narrow:
            return
        self._narrow = narrow
        self.set_class(narrow, "-narrow")
        panel = self.query_one(FilterPanel)
        panel.display = not narrow
        if narrow and panel.has_focus:
            self.items.focus()
        self.query_one(ItemDetailView).narrow = narrow

    def action_toggle_details(self) -> None:
        """Unfold the reading pane's long blocks (why it counted, story…), or fold them."""
        self.query_one(ItemDetailView).toggle_fold()

    def action_jump_panel(self, kind: str) -> None:
        """Focus the filter panel on one section (Tags, Feeds, State, Date)."""
        panel = self.query_one(FilterPanel)
        panel.display = True
        panel.focus()
        if not panel.jump_to(kind):
            say(self, f"The filter panel has no {kind} entries yet.")

    # -- search ----------------------------------------------------------------------------

    def action_search(self) -> None:
        search = self.query_one("#search", Input)
        search.display = True
        search.focus()
        # Until the box has focus, keys typed after / are held for it (see on_key).
        self._search_opening = True
        self.call_after_refresh(self._search_ready)

    def _search_ready(self) -> None:
        self._search_opening = False
        replay(self.app, self._held)

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
        detail = self.store.item(row.id)
        if detail is None:
            view.show_hint(PICK)
            return
        view.show(
            detail,
            words=filters.search_words(self.filter.text),
            find_mentions=self.context.find_mentions(),
            story=story_reports(self.store, row),
        )

    def open_item(self, item_id: int) -> None:
        """Show one item in the reading pane even when the filter hides it (the seed, palette)."""
        detail = self.store.item(item_id)
        if detail is None:
            return
        self.query_one(ItemDetailView).show(detail, find_mentions=self.context.find_mentions())
        self.query_one("#reader", VerticalScroll).scroll_home(animate=False)

    def action_open(self) -> None:
        row = self.items.current
        if row is None:
            return
        if not row.read and not self.store.read_only:
            if self.triage.set_read([row.id], True, quiet=True):
                self._patched([row.id])
        else:
            self.show_item(row)
        self.query_one("#reader", VerticalScroll).scroll_home(animate=False)

    def _link(self) -> str | None:
        """The current item's web link; None (and the analyst is told) when it has none."""
        row = self.items.current
        url = row.url if row else None
        if url is None or not is_http_url(url):
            say(self, "This item has no web link to open.", severity="warning")
            return None
        return url

    def action_open_link(self) -> None:
        url = self._link()
        if url is None:
            return
        try:
            opened = webbrowser.open(url)
        except Exception:  # webbrowser.Error, or a browser command that cannot start
            opened = False
        if opened:
            say(self, f"Opened {clean_line(url, 100)}")
            return
        # Over SSH or on a console there is no browser: offer the link instead.
        key = self.context.keymap.get("copy-link", "y")
        say(
            self,
            f"No web browser could open {clean_line(url, 100)} — press {key} to copy the link.",
            severity="warning",
        )

    # -- the full article -------------------------------------------------------------------

    def action_full_article(self) -> None:
        row = self.items.current
        if row is None or not self.triage.writable():
            return
        if self._link() is None:
            return
        if any(w.group == "article" and w.is_running for w in self.workers):
            say(self, "An article is already being fetched.")
            return
        self._progress = "fetching the article…"
        self._update_status()
        say(self, f"Fetching the article: {clean_line(row.title, 80)}")
        self._fetch_article(row.id)

    @work(thread=True, exclusive=True, group="article", exit_on_error=False)
    def _fetch_article(self, item_id: int) -> None:
        # Download, extraction and re-tagging block: off the UI thread, one at a time.
        from briefing.intelligence.tagging import Tagger  # type: ignore[import-untyped,unused-ignore]
        from briefing.update.fulltext import fetch_full_text

        try:
            if self._tagger is None:
                self._tagger = Tagger.from_config(self.context.config)
            outcome = fetch_full_text(self.store, self._tagger, item_id)
        except BriefingError as error:
            self.post_message(ArticleFetched(item_id, "failed", "", error=str(error)))
            return
        result = outcome.result
        self.post_message(ArticleFetched(item_id, result.status, result.reason))

    @on(ArticleFetched)
    def _article_fetched(self, message: ArticleFetched) -> None:
        self._progress = None
        if message.error is not None:
            say(self, f"The article could not be fetched: {message.error}", severity="error")
        elif message.status == "ok":
            say(self, "The full article is in the reading pane.")
        else:
            say(self, f"No article text: {message.reason}", severity="error")
        self.labels = self.display_names()
        self._patched([message.item_id])

    def action_copy_link(self) -> None:
        url = self._link()
        if url is not None:
            # OSC 52: the terminal puts it on the clipboard, also at the far end of an SSH link.
            self.app.copy_to_clipboard(url)
            say(self, f"Copied {clean_line(url, 100)} (if your terminal allows OSC 52 copying)")

    # -- triage ----------------------------------------------------------------------------

    def _patched(self, ids: list[int]) -> None:
        """Redraw after a triage write: the changed rows are patched in place, so an item does
        not jump out of an "unread" view while it is being read."""
        self.items.patch(self.store.triage(ids))
        self.show_item(self.items.current)
        self._refresh_counts()

    def action_flag(self) -> None:
        ids = self.items.targets()
        if self.triage.toggle_flag(ids):
            self._patched(ids)

    def action_toggle_read(self) -> None:
        ids = self.items.targets()
        if self.triage.toggle_read(ids):
            self._patched(ids)

    def action_dismiss_item(self) -> None:
        # Dismissing re-runs the query: the item leaves the default view.
        if self.triage.toggle_dismissed(self.items.targets()):
            self.items.clear_selection()
            self.refresh_items()

    def action_select(self) -> None:
        self.items.toggle_selected()
        self.items.move(1)
        self._update_status()

    def _ids_under(self, f: ItemFilter, *, unread_only: bool = False) -> list[int]:
        """Every item id the filter `f` matches (not only the rows loaded so far)."""
        total = self.store.count(f)
        rows = self.store.items(f, limit=max(total, 1)) if total else []
        return [row.id for row in rows if not (unread_only and row.read)]

    def action_select_all(self) -> None:
        ids = self._ids_under(self.filter)
        self.items.selected.update(ids)
        self.items.refresh()
        self._update_status()
        say(self, f"Selected {items_count(len(self.items.selected))}")

    def action_mark_all_read(self) -> None:
        if not self.triage.writable():
            return
        ids = self._ids_under(self.filter, unread_only=True)
        if not ids:
            say(self, "Nothing to mark: no unread item under this filter.")
            return

        def done(yes: bool | None) -> None:
            if yes and self.triage.set_read(ids, True):
                self.refresh_items()

        question = f"Mark {items_count(len(ids))} read? (u undoes it)"
        self.app.push_screen(ConfirmModal(question), done)

    def action_undo(self) -> None:
        if self.triage.undo_last():
            self.refresh_items()

    def action_quick_tag(self, number: int) -> None:
        quick = self.context.config.tui.quick_tags
        if not 1 <= number <= len(quick):
            say(
                self,
                f"No quick tag {number}: list up to nine under tui: quick_tags in feeds.yaml.",
                severity="warning",
            )
            return
        ids = self.items.targets()
        if self.triage.toggle_tag(ids, quick[number - 1]):
            self._patched(ids)

    def action_tag(self) -> None:
        ids = self.items.targets()
        if not ids or not self.triage.writable():
            return
        snapshot = self.store.triage(ids)
        common = (
            [t for t in snapshot[0].tags if all(t in s.tags for s in snapshot)] if snapshot else []
        )
        about = (
            f"Add tags to {len(ids)} selected items (their shared tags are listed)"
            if len(ids) > 1
            else f"Tags for: {self.items.current.title if self.items.current else ''}"
        )

        def save(change: TagChange) -> bool:
            if not self.triage.change_tags(ids, change.add, change.remove):
                return False
            self._patched(ids)
            return True

        self.app.push_screen(TagModal(self.store.tags(), common, about, save))

    def action_note(self) -> None:
        row = self.items.current
        if row is None or not self.triage.writable():
            return
        detail = self.store.item(row.id)

        def save(text: str) -> bool:
            if not self.triage.save_note(row.id, text):
                return False
            self._patched([row.id])
            return True

        self.app.push_screen(
            NoteModal(detail.note if detail else "", f"Note on: {row.title}", save)
        )

    # -- refreshing after triage ----------------------------------------------------------

    def _refresh_counts(self) -> None:
        self._update_status()
        self._facets_generation += 1
        self._load_facets(self.filter, self._facets_generation)

    def refresh_items(self, *, keep_item: bool = False) -> None:
        """Re-read the list after a change, keeping the cursor where it was: on the same row,
        or with `keep_item` on the same item (a fetch adds rows above it)."""
        self.apply_filter(self.filter, keep_cursor=True, keep_item=keep_item)

    # -- other screens ---------------------------------------------------------------------

    def action_views(self) -> None:
        store = self.store

        def done(choice: ViewChoice | None) -> None:
            if choice is None:
                return
            try:
                if choice.op == "recall":
                    view = store.view(choice.name)
                    if view is not None:
                        self.apply_filter(view.filter)
                        say(self, f"View: {choice.name}")
                elif choice.op == "save":
                    store.save_view(choice.name, self.filter)
                    say(self, f"Saved view: {choice.name}")
                else:
                    store.delete_view(choice.name)
                    say(self, f"Deleted view: {choice.name}")
            except StoreError as error:
                say(self, str(error), severity="error")

        current = filters.describe(self.filter, self.labels)
        self.app.push_screen(ViewsModal(store.views(), current), done)

    def recall_view(self, name: str) -> None:
        view = self.store.view(name)
        if view is not None:
            self.apply_filter(view.filter)

    def action_actors(self) -> None:
        def done(actor: str | None) -> None:
            if actor and actor not in self.filter.actors:
                self.apply_filter(filters.toggle(self.filter, "actor", actor))

        self.app.push_screen(ActorsScreen(self.context), done)

    def action_story_rows(self) -> None:
        """One row per story, or one per item again (the filter stays)."""
        items = self.items
        if items.describe_story is None:
            heads = StoryHeads(self.store)
            items.use_source(heads)
            items.describe_story = heads.label
            say(self, "One row per story (s: one row per item)")
        else:
            items.use_source(self.store)
            items.describe_story = None
            say(self, "One row per item")
        self.apply_filter(self.filter)

    def action_expand_story(self) -> None:
        """The highlighted story's reports, one row each (a chip; backspace goes back)."""
        row = self.items.current
        if row is None or row.story_id is None:
            say(self, "This item is not part of a story.", severity="warning")
            return
        members = tuple(r.id for r in self.store.story_members(row.id))
        if self.items.describe_story is not None:
            self.action_story_rows()
        self.apply_filter(replace(self.filter, ids=members))

    def action_story_brief(self) -> None:
        self.app.push_screen(StoryBriefScreen(self.context, self.filter, directory=Path.cwd()))

    def action_places(self) -> None:
        def done(place: str | None) -> None:
            if place:
                self.apply_filter(filters.toggle(self.filter, "place", place))

        self.app.push_screen(PlacesScreen(self.context, self.filter), done)

    def action_export(self) -> None:
        def done(path: Path | None) -> None:
            if path is not None:
                say(self, f"Exported to {path}")

        modal = ExportModal(self.context, self.filter, Path.cwd())
        self.app.push_screen(modal, done)

    def action_brief(self) -> None:
        actor = self.filter.actors[0] if len(self.filter.actors) == 1 else None
        self.app.push_screen(BriefScreen(self.store, self.filter, actor, now=self.context.now))

    def help_rows(self) -> list[HelpRow]:
        """Every key of this screen as the user has bound it (the help screen and palette)."""
        return main_help_rows(
            self.context.keymap, self.context.config.tui.quick_tags, self.active_bindings
        )

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(self.help_rows(), title="briefing — keys"))

    def palette_commands(self) -> list[Command]:
        """What ctrl+p offers on this screen (see `briefing.tui.commands`)."""
        rows = main_help_rows(self.context.keymap, self.context.config.tui.quick_tags)
        return triage_commands(self, self.store, rows)

    # -- background fetch ------------------------------------------------------------------

    def action_fetch(self, force: bool = False) -> None:
        if self.store.path is None:
            say(self, "Fetching needs a database file.", severity="warning")
            return
        if not self.triage.writable():
            return
        if is_demo_store(self.store):
            # Its feeds are the shipped sample files: feeds.yaml's would mix real news into it,
            # and `briefing demo` would then refuse to rebuild it.
            say(self, demo_refusal(self.store.path), severity="warning")
            return
        if any(w.group == "fetch" and w.is_running for w in self.workers):
            say(self, "A fetch is already running.")
            return
        self._progress = "fetching…"
        self._update_status()
        self._fetch(force)

    @work(thread=True, exclusive=True, group="fetch", exit_on_error=False)
    def _fetch(self, force: bool) -> None:
        run_fetch(self.context.config, self.store, self.post_message, force=force)

    @on(FetchProgressed)
    def _fetch_progressed(self, message: FetchProgressed) -> None:
        self._progress = f"fetching {message.done}/{message.total}"
        if message.new:
            self.refresh_items(keep_item=True)
        else:
            self._update_status()

    @on(FetchFinished)
    def _fetch_finished(self, message: FetchFinished) -> None:
        self._progress = None
        text, severity = describe_fetch(message)
        say(self, text, severity=severity)
        self.labels = self.display_names()
        self._count_new()
        self.refresh_items(keep_item=True)
