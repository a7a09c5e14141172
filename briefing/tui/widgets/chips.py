"""The active filter as removable chips: click one (or focus it and press enter) to drop it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from textual import on
from textual.containers import HorizontalGroup
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Button

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
        if buttons:
            self.mount_all(buttons)

    @on(Button.Pressed, ".chip")
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.name is not None:
            self.post_message(self.Removed(event.button.name))
