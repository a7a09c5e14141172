"""The active filter as removable chips: click one (or focus it and press enter) to drop it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual import on
from textual.containers import HorizontalGroup
from textual.content import Content
from textual.message import Message
from textual.widgets import Button

from briefing.tui.filters import Chip


class FilterChips(HorizontalGroup):
    """One compact button per chip; hidden when the filter is empty."""

    @dataclass
    class Removed(Message):
        """The user removed the chip `key` (see `briefing.tui.filters.remove_chip`)."""

        key: str

    def show(self, chips: Sequence[Chip]) -> None:
        self.remove_children()
        self.set_class(not chips, "-empty")
        buttons = []
        for chip in chips:
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
