"""The header line: item counts, the active filter, the database notice and fetch progress."""

from __future__ import annotations

from dataclasses import dataclass

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from briefing.core.models import ItemFilter
from briefing.core.text import clean_line
from briefing.tui.filters import describe


@dataclass(frozen=True)
class Counts:
    """What the header counts: items (provisional while `counting`), unread and selected."""

    total: int = 0
    counting: bool = False
    unread: int | None = None
    selected: int = 0
    progress: str | None = None
    """The background fetch's progress ("fetching 3/12"), None when none runs."""
    new_since_look: int | None = None
    """Items published since the analyst's last look (None before the first look)."""


class StatusBar(Widget):
    """Counts · filter · notice · progress, assembled from literal Content pieces.

    Laid out for the width it has: when the full line does not fit, a compact one (no name,
    short words) is used, and whatever still does not fit ends in "…" — never cut silently.
    """

    filter: reactive[ItemFilter] = reactive(ItemFilter, init=False)
    """The filter shown (bound to the triage screen's filter)."""
    labels: reactive[dict[str, str]] = reactive(dict, init=False)
    """Actor id → name, to describe actor filters by name."""
    counts: reactive[Counts] = reactive(Counts, init=False)

    def __init__(self, notice: str | None, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self._notice = notice

    def render(self) -> Content:
        width = self.content_region.width
        full = self.line(compact=False)
        if full.cell_length <= width:
            return full
        return self.line(compact=True).truncate(width, ellipsis=True)

    def line(self, *, compact: bool) -> Content:
        """The whole header, uncut: the long form, or the compact one for narrow terminals."""
        counts = self.counts
        total = counts.total
        sep = " · " if compact else "  ·  "
        parts: list[str | tuple[str, str] | Content] = []
        if not compact:
            parts += [("briefing", "bold $accent"), "  "]
        shown = f"{total:,}+" if counts.counting else f"{total:,}"
        parts += [(shown, "bold"), " items" if total != 1 or counts.counting else " item"]
        if counts.unread is not None:
            parts += [sep, (f"{counts.unread:,}", "bold"), " unread"]
        if counts.new_since_look is not None:
            parts += [
                sep,
                (f"{counts.new_since_look:,}", "bold $success"),
                " new" if compact else " new since last look",
            ]
        if counts.selected:
            parts += [sep, (f"{counts.selected:,} selected", "bold $warning")]
        filter_text = describe(self.filter, self.labels, settings_first=True)
        if filter_text != "none":
            parts += [f"{sep}filter: ", (clean_line(filter_text, 120), "$secondary")]
        if counts.progress:
            parts += [sep, (clean_line(counts.progress, 80), "italic $success")]
        if self._notice:
            parts += [sep, (clean_line(self._notice, 120), "bold $error")]
        return Content.assemble(*parts)
