"""The header line: item counts, the active filter, the database notice and fetch progress."""

from __future__ import annotations

from dataclasses import dataclass

from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Static

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


class StatusBar(Static):
    """Counts · filter · notice · progress, assembled from literal Content pieces."""

    filter: reactive[ItemFilter] = reactive(ItemFilter, init=False)
    """The filter shown (bound to the triage screen's filter)."""
    labels: reactive[dict[str, str]] = reactive(dict, init=False)
    """Actor id → name, to describe actor filters by name."""
    counts: reactive[Counts] = reactive(Counts, init=False)

    def __init__(self, notice: str | None, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self._notice = notice

    def on_mount(self) -> None:
        self._show()

    def watch_filter(self) -> None:
        self._show()

    def watch_labels(self) -> None:
        self._show()

    def watch_counts(self) -> None:
        self._show()

    def _show(self) -> None:
        counts = self.counts
        total = counts.total
        parts: list[str | tuple[str, str] | Content] = [("briefing", "bold $accent")]
        shown = f"{total:,}+" if counts.counting else f"{total:,}"
        parts += ["  ", (shown, "bold"), " items" if total != 1 or counts.counting else " item"]
        if counts.unread is not None:
            parts += ["  ·  ", (f"{counts.unread:,}", "bold"), " unread"]
        if counts.new_since_look is not None:
            parts += [
                "  ·  ",
                (f"{counts.new_since_look:,}", "bold $success"),
                " new since last look",
            ]
        if counts.selected:
            parts += ["  ·  ", (f"{counts.selected:,} selected", "bold $warning")]
        filter_text = describe(self.filter, self.labels)
        if filter_text != "none":
            parts += ["  ·  filter: ", (clean_line(filter_text, 120), "$secondary")]
        if counts.progress:
            parts += ["  ·  ", (clean_line(counts.progress, 80), "italic $success")]
        if self._notice:
            parts += ["  ·  ", (clean_line(self._notice, 120), "bold $error")]
        self.update(Content.assemble(*parts))
