"""TextDialog: a modal that takes typing, and never drops what was typed before it could."""

from __future__ import annotations

from typing import TypeVar

from textual import events
from textual.screen import ModalScreen

from briefing.tui.typeahead import HeldKey, hold, replay

ResultType = TypeVar("ResultType")


class TextDialog(ModalScreen[ResultType]):
    """Keys that reach the dialog before its field has focus are held, then replayed to it.

    A subclass focuses its field in `on_mount` and then calls `release_type_ahead()`.
    """

    def __init__(self) -> None:
        super().__init__()
        self._held: list[HeldKey] = []
        self._ready = False

    def take_key(self, event: events.Key) -> None:
        """A key typed for this dialog that arrived elsewhere (the screen below)."""
        hold(event, self._held)
        if self._ready:
            replay(self.app, self._held)

    def on_key(self, event: events.Key) -> None:
        if not self._ready:
            hold(event, self._held)

    def release_type_ahead(self) -> None:
        # After the next refresh the field's focus is in place: replayed keys reach it.
        self.call_after_refresh(self._release)

    def _release(self) -> None:
        self._ready = True
        replay(self.app, self._held)
