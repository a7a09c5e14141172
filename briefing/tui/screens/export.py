"""The export dialog: format, grouping, title and where to write; the digest is written in a worker."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select, Static
from textual.worker import get_current_worker

from briefing.core.errors import BriefingError
from briefing.core.models import ItemFilter
from briefing.core.text import clean_line
from briefing.reports.export import (
    EXTENSIONS,
    DigestSource,
    Format,
    GroupBy,
    default_title,
    describe_filter,
    safe_filename,
    write_digest,
)

FORMAT_OPTIONS: list[tuple[str, Format]] = [
    ("Markdown (.md)", "md"),
    ("HTML, one printable file (.html)", "html"),
    ("JSON (.json)", "json"),
    ("CSV spreadsheet (.csv)", "csv"),
]
GROUP_OPTIONS: list[tuple[str, str]] = [
    ("No grouping", "none"),
    ("By actor", "actor"),
    ("By tag", "tag"),
    ("By day", "day"),
]


class ExportModal(ModalScreen[Path | None]):
    """Export the current filter as a digest file; returns the file's path, or None if cancelled."""

    DEFAULT_CSS = """
    ExportModal { align: center middle; }
    ExportModal > Vertical {
        width: 76; max-width: 95%; height: auto; max-height: 95%;
        border: thick $accent 60%; background: $surface; padding: 1 2; overflow-y: auto;
    }
    ExportModal #export-heading { text-style: bold; }
    ExportModal #export-filter { color: $text-muted; margin-bottom: 1; }
    ExportModal Label { margin-top: 1; color: $text-muted; }
    ExportModal Select, ExportModal Input { background: $boost; }
    ExportModal Select, ExportModal Input { width: 100%; }
    ExportModal #export-dismissed { margin-top: 1; }
    ExportModal #export-error { color: $error; height: auto; margin-top: 1; }
    ExportModal #export-buttons { height: auto; margin-top: 1; align-horizontal: right; }
    ExportModal #export-buttons Button { margin-left: 2; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="export-cancel", tooltip="Close without writing"),
    ]

    def __init__(
        self,
        store: DigestSource,
        f: ItemFilter,
        default_dir: Path,
        *,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__()
        self.store = store
        self._now = now
        self.filter = f
        self.default_dir = default_dir
        self._title = default_title(datetime.now(UTC))
        self._auto_name = ""
        """The last file name the dialog made up; a different one was typed by the user."""

    def compose(self) -> ComposeResult:
        now = self._now() if self._now else datetime.now(UTC)
        self._title = default_title(now)
        with Vertical():
            yield Static(Content("Export a digest"), id="export-heading")
            yield Static(Text(describe_filter(self.filter, self.store)), id="export-filter")
            yield Label(Content("Format"))
            yield Select(
                FORMAT_OPTIONS, value="md", allow_blank=False, id="export-format", compact=True
            )
            yield Label(Content("Grouping"))
            yield Select(
                GROUP_OPTIONS, value="none", allow_blank=False, id="export-group", compact=True
            )
            yield Label(Content("Title"))
            yield Input(self._title, id="export-title", compact=True)
            yield Label(Content("Folder"))
            yield Input(str(self.default_dir), id="export-dir", compact=True)
            yield Label(Content("File name"))
            self._auto_name = safe_filename(self._title, "md")
            yield Input(self._auto_name, id="export-name", compact=True)
            yield Checkbox(Content("Include dismissed items"), id="export-dismissed", compact=True)
            yield Static(Content(""), id="export-error")
            with Horizontal(id="export-buttons"):
                yield Button(Content("Cancel"), id="export-cancel-button")
                yield Button(Content("Export"), variant="primary", id="export-ok")

    def on_mount(self) -> None:
        self.query_one("#export-format", Select).focus()

    @property
    def fmt(self) -> Format:
        return cast(Format, self.query_one("#export-format", Select).value)

    @property
    def group_by(self) -> GroupBy | None:
        value = self.query_one("#export-group", Select).value
        return None if value == "none" else cast(GroupBy, value)

    def _name_input(self) -> Input:
        return self.query_one("#export-name", Input)

    @on(Select.Changed, "#export-format")
    def _format_changed(self) -> None:
        # Keep the typed name, swap its extension for the new format's.
        name = self._name_input()
        stem = name.value
        for ext in EXTENSIONS.values():
            if stem.endswith(ext):
                stem = stem[: -len(ext)]
                break
        edited = self._edited(name.value)
        self._auto_name = safe_filename(stem or self._title, self.fmt)
        name.value = self._auto_name if not edited else safe_filename(stem, self.fmt)

    def _edited(self, name: str) -> bool:
        return name.strip() != self._auto_name

    @on(Input.Changed, "#export-title")
    def _title_changed(self, event: Input.Changed) -> None:
        # The file name follows the title until the user types a name of their own.
        name = self._name_input()
        if not self._edited(name.value):
            self._auto_name = safe_filename(event.value or self._title, self.fmt)
            name.value = self._auto_name

    @on(Input.Submitted)
    @on(Button.Pressed, "#export-ok")
    def _submit(self) -> None:
        self._export()

    @on(Button.Pressed, "#export-cancel-button")
    def action_cancel(self) -> None:
        self.dismiss(None)

    def _error(self, message: str) -> None:
        self.query_one("#export-error", Static).update(Text(clean_line(message)))

    def _export(self) -> None:
        folder = Path(self.query_one("#export-dir", Input).value.strip() or ".").expanduser()
        if not folder.is_dir():
            self._error(f"{folder}: no such folder — choose an existing one")
            return
        self._error("")
        self.query_one("#export-ok", Button).disabled = True
        self._write(
            folder,
            self._name_input().value.strip() or None,
            self.query_one("#export-title", Input).value.strip() or None,
            self.fmt,
            self.group_by,
            self.query_one("#export-dismissed", Checkbox).value,
        )

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def _write(
        self,
        folder: Path,
        filename: str | None,
        title: str | None,
        fmt: Format,
        group_by: GroupBy | None,
        include_dismissed: bool,
    ) -> None:
        try:
            path = write_digest(
                self.store,
                self.filter,
                folder,
                fmt=fmt,
                filename=filename,
                group_by=group_by,
                title=title,
                now=self._now() if self._now else None,
                include_dismissed=include_dismissed,
            )
        except (BriefingError, OSError) as error:
            self.app.call_from_thread(self._failed, str(error))
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.dismiss, path)

    def _failed(self, message: str) -> None:
        self._error(message)
        self.query_one("#export-ok", Button).disabled = False
