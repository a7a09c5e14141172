"""The filter panel: actors, event types, places, tags, feeds, date range and triage state, with counts from store.facets.

Choosing an entry toggles it in the filter; entries already in the filter carry a check mark.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from rich.text import Text
from textual import on
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from briefing.core.models import Facet, Facets, ItemFilter
from briefing.core.text import clean_line
from briefing.tui.cells import fit
from briefing.tui.filters import DATE_RANGES, STATES, TAGGED, date_range_key, is_since_look


class FilterPanel(OptionList):
    """Facet values with counts; selecting one posts `FilterPanel.Toggled`."""

    filter: reactive[ItemFilter] = reactive(ItemFilter, init=False)
    """The filter whose values carry a check mark (bound to the triage screen's filter)."""
    facets: reactive[Facets | None] = reactive(None, init=False)
    """The counts under that filter (bound; None until the first count arrives)."""
    labels: reactive[dict[str, str]] = reactive(dict, init=False)
    """Actor and place id → display name (bound): a chosen value with no count is named too."""

    @dataclass
    class Toggled(Message):
        """A facet value was chosen: `kind` is actor, event, place, tag, feed, date or state."""

        kind: str
        value: str

    def __init__(self, now: Callable[[], datetime], *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self._now = now
        self._shown: Facets | None = None
        self.last_look: datetime | None = None
        """The analyst's previous look at this database (offered as a date entry when known)."""

    def on_focus(self) -> None:
        # Focus lands on an entry (tab, or p at a narrow width): enter then chooses at once.
        if self.highlighted is None:
            self.action_first()

    def watch_filter(self) -> None:
        self._show()

    def watch_facets(self) -> None:
        self._show()

    def watch_labels(self) -> None:
        self._show()

    def _label(self, kind: str, value: str) -> str:
        """How a chosen value is named when the counts do not carry it (it matches nothing)."""
        if kind in ("actor", "place"):
            return self.labels.get(value, value)
        return value.replace("_", " ") if kind == "event" else value

    def _show(self) -> None:
        """Rebuild the entries for the facets under the filter, keeping the highlighted entry."""
        # The last counts stay up while the next ones load (the facets of a new filter arrive
        # from a worker a moment after the filter itself).
        if self.facets is not None:
            self._shown = self.facets
        facets = self._shown
        f = self.filter
        keep = self.highlighted_option.id if self.highlighted_option is not None else None
        options: list[Option | None] = []

        def heading(label: str) -> None:
            if options:
                options.append(None)
            options.append(Option(Text(label, style="bold"), disabled=True))

        width = max(self.scrollable_content_region.width, 30) - 2

        def entry(kind: str, value: str, label: str, count: int | None, on_: bool) -> None:
            # One line per entry, measured in cells (a wide or emoji label must not push the
            # count or the border): the label is cut so its count stays visible.
            number = f" {count:,}" if count is not None else ""
            text = Text("✓ " if on_ else "  ", style="bold")
            text.append_text(fit(clean_line(label) or "—", max(width - 2 - len(number), 4)))
            text.append(number, style="dim")
            options.append(Option(text, id=f"{kind}\x1f{value}"))

        def section(
            title: str, kind: str, values: tuple[Facet, ...], chosen: tuple[str, ...]
        ) -> None:
            heading(title)
            shown = {v.value for v in values}
            for value in chosen:  # chosen values stay visible even when their count is 0
                if value not in shown:
                    entry(kind, value, self._label(kind, value), 0, True)
            for facet in values:
                entry(kind, facet.value, facet.label, facet.count, facet.value in chosen)
            if not values and not chosen:
                empty = "  none yet" if f.is_empty() else "  none under this filter"
                options.append(Option(Text(empty, style="dim italic"), disabled=True))

        if facets is not None:
            section("Actors", "actor", facets.actors, f.actors)
            # Event types and places appear once the store has any ("none" is not a choice:
            # it is what an untyped item has, and the section would stand on every database).
            events = tuple(e for e in facets.events if e.value != "none")
            if events or f.events:
                section("Events", "event", events, f.events)
            if facets.places or f.places:
                section("Places", "place", facets.places, f.places)
            section("Tags", "tag", facets.tags, f.tags)
            for value, label in TAGGED:  # "everything I tagged", and its opposite
                entry("tagged", value, label, None, f.tagged == value)
            section("Feeds", "feed", facets.feeds, f.feeds)
            heading("State")
            counts = {facet.value: facet.count for facet in facets.states}
            for state, label in STATES:
                entry("state", state, label, counts.get(state), f.state == state)
        heading("Date")
        current = date_range_key(f, self._now())
        for key, (label, _back) in DATE_RANGES.items():
            entry("date", key, label, None, current == key and not is_since_look(f, self.last_look))
        if self.last_look is not None:
            entry("date", "look", "since my last look", None, is_since_look(f, self.last_look))
        custom = current is None and not is_since_look(f, self.last_look)
        entry("date", "range", "custom range…", None, custom)

        self.set_options(options)
        if keep is not None:
            try:
                self.highlighted = self.get_option_index(keep)
            except Exception:  # the entry is gone under the new filter
                pass

    def jump_to(self, kind: str) -> bool:
        """Highlight the first entry of section `kind` (tag, feed, state, date), its heading
        scrolled to the top; False when the section has no entry yet."""
        # The Tags section ends with "any tag" / "untagged": there is always an entry to land on.
        prefixes = tuple(f"{k}\x1f" for k in ((kind, "tagged") if kind == "tag" else (kind,)))
        for index in range(self.option_count):
            option = self.get_option_at_index(index)
            if option.id is not None and option.id.startswith(prefixes):
                self.highlighted = index
                self.scroll_to_highlight(top=True)
                # Its heading (and the rule above it) in view too: the section reads from its title.
                self.scroll_to(y=max(self.scroll_y - 1, 0), animate=False, immediate=True)
                return True
        return False

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        option_id = event.option.id or ""
        kind, _, value = option_id.partition("\x1f")
        if kind:
            self.post_message(self.Toggled(kind, value))
