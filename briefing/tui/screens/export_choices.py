"""The export dialog's remembered choices: read back from the store's text map, checked, and
turned into text again after an export that succeeded.

What is kept is the database's (`Store.export_choices`), so a database handed over by someone
else is hostile input like a feed: every value is checked here and anything odd falls back to
the dialog's default rather than reaching a widget.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from briefing.core.text import clean_line
from briefing.reports.export import FORMATS, GROUPINGS, Format

TITLE_LIMIT = 300
"""The digest caps its title at this length; a longer remembered one is cut to it."""


def is_folder(path: Path) -> bool:
    """Whether `path` is an existing folder; a name the system refuses (too long, a NUL) is not."""
    try:
        return path.expanduser().is_dir()
    except (OSError, ValueError, RuntimeError):  # RuntimeError: `~user` with no such user
        return False


@dataclass(frozen=True)
class ExportChoices:
    folder: Path
    title: str
    """The typed title; empty means the default one, which carries the day's date."""
    fmt: Format = "md"
    group: str = "none"
    """"none" or one of GROUPINGS, as the dialog's grouping list names them."""
    notes: bool = False
    gone: str = ""
    """The remembered folder when it no longer exists (the dialog says it fell back)."""

    @classmethod
    def recall(cls, saved: Mapping[str, str], default_dir: Path) -> ExportChoices:
        """The choices kept in `saved`, each one checked; missing or odd ones are defaults."""
        fmt = saved.get("format", "")
        group = saved.get("group_by", "")
        folder, gone = default_dir, ""
        remembered = saved.get("folder", "")
        if remembered:
            # A path with control characters was not typed into the dialog: never use it.
            if clean_line(remembered) == remembered and is_folder(Path(remembered)):
                folder = Path(remembered)
            elif Path(remembered) != default_dir:
                gone = clean_line(remembered, 200) or "(unnamed)"
        return cls(
            folder=folder,
            title=clean_line(saved.get("title", ""), TITLE_LIMIT),
            fmt=fmt if fmt in FORMATS else "md",
            group=group if group in GROUPINGS else "none",
            notes=saved.get("include_notes") == "yes",
            gone=gone,
        )

    def saved(self) -> dict[str, str]:
        """The text map `Store.save_export_choices` keeps."""
        return {
            "folder": str(self.folder),
            "title": self.title,
            "format": self.fmt,
            "group_by": self.group,
            "include_notes": "yes" if self.notes else "no",
        }
