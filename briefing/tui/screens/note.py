"""The note dialog: a multi-line note on one item; ctrl+s saves, escape cancels."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, TextArea

from briefing.core.text import clean_line, strip_unsafe


class NoteModal(ModalScreen[str | None]):
    """Returns the note's new text ("" deletes it), or None when cancelled."""

    DEFAULT_CSS = """
    NoteModal { align: center middle; }
    NoteModal > Vertical {
        width: 90; max-width: 95%; height: 24; max-height: 90%;
        border: thick $accent 60%; background: $surface; padding: 1 2;
    }
    NoteModal #note-title { color: $text-muted; margin-bottom: 1; }
    NoteModal TextArea { height: 1fr; }
    NoteModal #note-help { color: $text-muted; margin-top: 1; }
    """

    BINDINGS = [
        Binding("ctrl+s", "save", "Save note", priority=True, id="note-save"),
        Binding("escape", "cancel", "Cancel", id="note-cancel"),
    ]

    def __init__(self, body: str, about: str) -> None:
        super().__init__()
        self._body = body
        self._about = about

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Content(clean_line(self._about, 200)), id="note-title")
            yield TextArea(strip_unsafe(self._body), id="note-text", soft_wrap=True)
            yield Label(
                Content("ctrl+s saves · esc cancels · an empty note is deleted"), id="note-help"
            )

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        self.dismiss(strip_unsafe(self.query_one(TextArea).text).strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
