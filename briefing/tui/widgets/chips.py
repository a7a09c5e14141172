"""The active filter as removable chips: click one (or focus it and press enter) to drop it.

The row is one line: chips that do not fit are hidden behind a final "+N more" (the header
names the whole filter, and backspace or the panel still remove them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from rich.cells import cell_len
from textual import events, on
from textual.containers import HorizontalGroup
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Button, Label

from briefing.core.models import ItemFilter
from briefing.tui.filters import chips


class FilterChips(HorizontalGroup):
    """One compact button per chip of `filter`; hidden when the filter is empty."""

    filter: reactive[ItemFilter] = reactive(ItemFilter, init=False, always_update=True)
    """The filter shown (bound to the triage screen's filter)."""
    labels: reactive[dict[str, str]] = reactive(dict, init=False)
    """Actor id → name, for the actor chips."""

    @dataclass
    class Removed(Message):
        """The user removed the chip `key` (see `briefing.tui.filters.remove_chip`)."""

        key: str

    def __init__(self, now: Callable[[], datetime], *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self._now = now
        self._widths: list[int] = []
        """Each chip's width with its margin, measured once laid out (a hidden one has none)."""
        self._generation = 0
        """Bumped at every new set of chips: a measurement queued for an older set is dropped."""

    def watch_filter(self) -> None:
        self._show()

    def watch_labels(self) -> None:
        self._show()

    def _show(self) -> None:
        shown = chips(self.filter, self.labels, now=self._now())
        self.remove_children()
        self.set_class(not shown, "-empty")
        buttons = []
        for chip in shown:
            # Content(...) is literal text: a tag named "[b]x[/]" stays exactly that.
            label = Content.assemble((f"{chip.kind} ", "dim"), chip.label, (" ✕", "bold"))
            buttons.append(Button(label, name=chip.key, classes="chip", compact=True))
        self._widths = []
        self._generation += 1
        if buttons:
            more = Label(Content(""), classes="chips-more")
            more.display = False
            self.mount_all([*buttons, more])
            generation = self._generation
            self.call_after_refresh(lambda: self._measure(generation, 5))

    def _measure(self, generation: int, tries: int) -> None:
        if generation != self._generation:
            return
        buttons = list(self.query(".chip").results(Button))
        widths = [b.outer_size.width + b.styles.margin.width for b in buttons]
        if buttons and not all(widths):  # not laid out yet
            if tries:
                self.call_after_refresh(lambda: self._measure(generation, tries - 1))
            return
        self._widths = widths
        self._fit()

    def on_resize(self, event: events.Resize) -> None:
        self._fit()

    def _fit(self) -> None:
        buttons = list(self.query(".chip").results(Button))
        if not self._widths or len(self._widths) != len(buttons):
            return
        room = self.content_size.width
        shown = fitting(self._widths, room)
        for n, button in enumerate(buttons):
            button.display = n < shown
        more = self.query_one(".chips-more", Label)
        hidden = len(buttons) - shown
        more.update(Content(more_label(hidden)))
        more.display = hidden > 0

    @on(Button.Pressed, ".chip")
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.name is not None:
            self.post_message(self.Removed(event.button.name))


def more_label(hidden: int) -> str:
    """What stands for the `hidden` chips that did not fit."""
    return f"+{hidden} more"


def fitting(widths: list[int], room: int) -> int:
    """How many of the chips (of these `widths`, margins included) to show in `room` cells: all
    when they fit, else as many as fit beside the "+N more" of the rest (at least none)."""
    if sum(widths) <= room:
        return len(widths)
    used = 0
    for n, width in enumerate(widths):
        if used + width + cell_len(more_label(len(widths) - n)) > room:
            # This chip does not fit beside the label for it and the rest.
            return n
        used += width
    return len(widths)
