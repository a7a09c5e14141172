"""The note dialog: a multi-line note on one item; ctrl+s saves, escape cancels."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Label, Static, TextArea

from briefing.core.text import clean_line, strip_unsafe
from briefing.tui.cells import steady
from briefing.tui.screens.dialog import TextDialog

SaveNote = Callable[[str], bool]
"""Writes the note ("" deletes it); False when it could not be saved (the caller said why)."""


class NoteModal(TextDialog[str | None]):
    """Returns the saved note's text, or None when cancelled.

    The note is saved through `save` before the dialog closes: when that fails (a full disk),
    the dialog stays open with the text, for another try.
    """

    DEFAULT_CSS = """
    NoteModal { align: center middle; }
    NoteModal > Vertical {
        width: 90; max-width: 95%; height: 24; max-height: 90%;
        border: thick $accent 60%; background: $surface; padding: 1 2;
    }
    NoteModal #note-title { color: $text-muted; margin-bottom: 1; text-wrap: nowrap;
        text-overflow: ellipsis; width: 1fr; }
    NoteModal TextArea { height: 1fr; }
    NoteModal #note-error { color: $error; height: auto; }
    NoteModal #note-help { color: $text-muted; margin-top: 1; }
    """

    BINDINGS = [
        Binding("ctrl+s", "save", "Save note", priority=True, id="note-save"),
        Binding("escape", "cancel", "Cancel", id="note-cancel"),
    ]

    def __init__(self, body: str, about: str, save: SaveNote) -> None:
        super().__init__()
        self._body = body
        self._about = about
        self._save = save

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Content(steady(clean_line(self._about, 200))), id="note-title")
            yield TextArea(strip_unsafe(self._body), id="note-text", soft_wrap=True)
            yield Static(Content(""), id="note-error")
            yield Label(
                Content("ctrl+s saves · esc cancels · an empty note is deleted"), id="note-help"
            )

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)
        self.release_type_ahead()

    def action_save(self) -> None:
        # ctrl+s is a priority key: it runs as soon as it is read, while keys typed before it
        # may still wait in the text area's queue. Save from that queue, after them.
        self.query_one(TextArea).call_later(self._save_now)

    def _save_now(self) -> None:
        text = strip_unsafe(self.query_one(TextArea).text).strip()
        if text == strip_unsafe(self._body).strip() or self._save(text):
            self.dismiss(text)
            return
        self.query_one("#note-error", Static).update(
            Content("Not saved: your text is still here (ctrl+s tries again, esc discards it).")
        )

    def action_cancel(self) -> None:
        self.dismiss(None)
