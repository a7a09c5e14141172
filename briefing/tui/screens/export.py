"""The export dialog: format, grouping, title, where to write and whether notes go in; the digest
is written in a worker."""

from __future__ import annotations

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
    Format,
    GroupBy,
    default_title,
    describe_filter,
    safe_filename,
    write_digest,
)
from briefing.tui.context import TuiContext
from briefing.tui.screens.export_choices import ExportChoices, is_folder

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
    """Export the current filter as a digest file; returns the file's path, or None if cancelled.

    The dialog opens on the choices of the last export that succeeded on this database (folder,
    title, format, grouping, notes), kept by the store; a cancelled or failed export keeps none.
    """

    # One line per field, the label beside it: the whole dialog, buttons included, fits 80×24.
    DEFAULT_CSS = """
    ExportModal { align: center middle; }
    ExportModal #export-box {
        width: 76; max-width: 100%; height: auto; max-height: 100%;
        border: thick $accent 60%; background: $surface; padding: 1 2; overflow-y: auto;
    }
    ExportModal #export-heading { text-style: bold; }
    ExportModal #export-filter { color: $text-muted; margin-bottom: 1; max-height: 2; }
    ExportModal .export-row { height: 1; }
    ExportModal .export-row Label { width: 11; color: $text-muted; }
    ExportModal Select, ExportModal Input { background: $boost; width: 1fr; }
    ExportModal #export-checks { height: 1; margin: 1 0; }
    ExportModal #export-checks Checkbox { margin-right: 3; }
    ExportModal #export-note { color: $warning; height: auto; max-height: 2; }
    ExportModal #export-error { color: $error; height: auto; max-height: 2; }
    ExportModal .-empty { display: none; }
    ExportModal #export-buttons { height: auto; align-horizontal: right; }
    ExportModal #export-buttons Button { margin-left: 2; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="export-cancel", tooltip="Close without writing"),
    ]

    def __init__(self, context: TuiContext, f: ItemFilter, default_dir: Path) -> None:
        super().__init__()
        self.context = context
        self.store = context.store
        self.filter = f
        self.default_dir = default_dir
        try:
            saved = self.store.export_choices()
        except BriefingError:
            saved = {}  # an unreadable memory only costs the last choices
        self.choices = ExportChoices.recall(saved, default_dir)
        self._title = default_title(context.now())
        """Today's default title: an unchanged one is not remembered, so its date stays fresh."""
        self._auto_name = ""
        """The last file name the dialog made up; a different one was typed by the user."""

    def compose(self) -> ComposeResult:
        c = self.choices
        title = c.title or self._title
        with Vertical(id="export-box"):
            yield Static(Content("Export a digest"), id="export-heading")
            yield Static(Text(describe_filter(self.filter, self.store)), id="export-filter")
            with _row("Format"):
                yield Select(
                    FORMAT_OPTIONS, value=c.fmt, allow_blank=False, id="export-format", compact=True
                )
            with _row("Grouping"):
                yield Select(
                    GROUP_OPTIONS, value=c.group, allow_blank=False, id="export-group", compact=True
                )
            with _row("Title"):
                yield Input(title, id="export-title", compact=True)
            with _row("Folder"):
                yield Input(str(c.folder), id="export-dir", compact=True)
            with _row("File name"):
                self._auto_name = safe_filename(title, c.fmt)
                yield Input(self._auto_name, id="export-name", compact=True)
            with Horizontal(id="export-checks"):
                yield Checkbox(
                    Content("Include dismissed items"), id="export-dismissed", compact=True
                )
                yield Checkbox(
                    Content("Include my notes"), c.notes, id="export-notes", compact=True
                )
            gone = f"Last folder no longer exists (default used): {_tail(c.gone)}" if c.gone else ""
            yield _line(gone, "export-note")
            yield _line("", "export-error")
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
        error = self.query_one("#export-error", Static)
        error.update(Text(clean_line(message)))
        error.set_class(not message, "-empty")

    def _export(self) -> None:
        typed = Path(self.query_one("#export-dir", Input).value.strip() or ".")
        if not is_folder(typed):  # before expanduser: `~nobody` raises there
            self._error(f"{_tail(str(typed))}: no such folder — choose an existing one")
            return
        folder = typed.expanduser()
        self._error("")
        self.query_one("#export-ok", Button).disabled = True
        title = self.query_one("#export-title", Input).value.strip()
        notes = self.query_one("#export-notes", Checkbox).value
        group = self.group_by
        choices = ExportChoices(
            folder=folder.absolute(),
            title="" if title == self._title else title,
            fmt=self.fmt,
            group=group or "none",
            notes=notes,
        )
        self._write(
            folder,
            self._name_input().value.strip() or None,
            title or None,
            self.fmt,
            group,
            self.query_one("#export-dismissed", Checkbox).value,
            choices,
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
        choices: ExportChoices,
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
                now=self.context.now(),
                include_dismissed=include_dismissed,
                include_notes=choices.notes,
            )
        except (BriefingError, OSError) as error:
            self.app.call_from_thread(self._failed, str(error))
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._written, path, choices)

    def _written(self, path: Path, choices: ExportChoices) -> None:
        # Only an export that succeeded is remembered: a typo'd folder never becomes the default.
        if not self.store.read_only:
            try:
                self.store.save_export_choices(choices.saved())
            except BriefingError:
                pass  # a locked database: the file is written, only the memory is lost
        self.dismiss(path)

    def _failed(self, message: str) -> None:
        self._error(message)
        self.query_one("#export-ok", Button).disabled = False


def _row(label: str) -> Horizontal:
    """One field's line: its label, then the field (composed inside the `with` block)."""
    return Horizontal(Label(Content(label)), classes="export-row")


def _line(message: str, widget_id: str) -> Static:
    """A line of literal text that takes no room while empty."""
    return Static(Text(message), id=widget_id, classes="" if message else "-empty")


def _tail(path: str, width: int = 60) -> str:
    # The end of a path names the folder; its start is usually the home directory.
    return path if len(path) <= width else "…" + path[-(width - 1) :]
