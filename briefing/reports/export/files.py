"""Rendering a digest in a format, and writing it to a file that stays in the chosen folder."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from briefing.core.atomic import write_atomic
from briefing.core.models import ItemFilter
from briefing.core.text import clean_line, fold
from briefing.reports.export.digest import (
    EXTENSIONS,
    FORMATS,
    Digest,
    DigestSource,
    ExportError,
    Format,
    GroupBy,
    build_digest,
    default_title,
)
from briefing.reports.export.htmldoc import to_html
from briefing.reports.export.markdown import to_markdown
from briefing.reports.export.tabular import to_csv, to_json

RENDERERS: dict[str, Callable[[Digest], str]] = {
    "md": to_markdown,
    "html": to_html,
    "json": to_json,
    "csv": to_csv,
}


def render_digest(
    store: DigestSource,
    f: ItemFilter,
    *,
    fmt: Format,
    group_by: GroupBy | None = None,
    title: str | None = None,
    now: datetime | None = None,
    include_dismissed: bool = False,
    view: str | None = None,
    include_notes: bool = False,
) -> str:
    """The digest of `f` as text in `fmt` (md, html, json or csv).

    Args:
        store: the store to read from.
        f: which items (dismissed ones are left out unless `include_dismissed`).
        fmt: the output format.
        group_by: group items by actor, tag or day; None makes one group.
        title: the digest title (default: "Libya briefing digest YYYY-MM-DD").
        now: the time the digest is made (frozen in tests).
        include_dismissed: keep dismissed items.
        view: the saved view the filter came from, named in the digest.
        include_notes: show the analyst's notes (private by default).
    """
    renderer = RENDERERS.get(fmt)
    if renderer is None:
        raise ExportError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")
    digest = build_digest(
        store,
        f,
        group_by=group_by,
        title=title,
        now=now,
        include_dismissed=include_dismissed,
        view=view,
        include_notes=include_notes,
    )
    return renderer(digest)


def write_digest(
    store: DigestSource,
    f: ItemFilter,
    directory: Path,
    *,
    fmt: Format,
    filename: str | None = None,
    group_by: GroupBy | None = None,
    title: str | None = None,
    now: datetime | None = None,
    include_dismissed: bool = False,
    view: str | None = None,
    overwrite: bool = False,
    include_notes: bool = False,
) -> Path:
    """Write the digest into `directory` and return the file's path.

    The file name (`filename`, else one derived from the title) is sanitised so that it stays
    inside `directory`; an existing file gets a `-2`, `-3`… suffix unless `overwrite`.
    """
    now = now or datetime.now(UTC)
    text = render_digest(
        store,
        f,
        fmt=fmt,
        group_by=group_by,
        title=title,
        now=now,
        include_dismissed=include_dismissed,
        view=view,
        include_notes=include_notes,
    )
    name = safe_filename(filename or title or default_title(now), fmt)
    directory = directory.expanduser()
    if not directory.is_dir():
        raise ExportError(f"{directory}: not a folder; choose an existing folder for the digest")
    path = directory / name
    if not overwrite:
        path = _free_path(path)
    if path.resolve().parent != directory.resolve():  # pragma: no cover - safe_filename ensures it
        raise ExportError(f"{name}: the file name must stay inside {directory}")
    write_text_atomic(path, text, encoding=file_encoding(fmt))
    return path


def file_encoding(fmt: Format) -> str:
    """The encoding of a digest file: UTF-8, with a byte-order mark for CSV.

    Excel, opening a CSV by double-click, reads a file without the mark in the locale's code page
    (Arabic becomes cp1256 mojibake) and one with it as UTF-8. Standard output stays without it,
    for pipes into csvkit or pandas.
    """
    return "utf-8-sig" if fmt == "csv" else "utf-8"


_UNSAFE_NAME = re.compile(r"[^\w.-]+")
_RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)(\.|$)", re.IGNORECASE)


def safe_filename(name: str, fmt: Format) -> str:
    """A file name from free text: no separators, no leading dot, bounded, with the extension."""
    ext = EXTENSIONS[fmt]
    # Separators become dashes (titles often hold "Haftar/LNA"), so nothing can climb out.
    base = fold(clean_line(name)).replace("/", "-").replace("\\", "-")
    # Any digest extension the name already has is replaced by the format's own.
    for known in (*EXTENSIONS.values(), ".markdown"):
        if base.endswith(known):
            base = base[: -len(known)]
            break
    base = _UNSAFE_NAME.sub("-", base)
    base = re.sub(r"-*\.\.+-*|-{2,}", "-", base).strip(".-_")[:80].strip(".-_")
    if not base:
        base = "digest"
    if _RESERVED.match(base):
        base = f"digest-{base}"
    return base + ext


def _free_path(path: Path) -> Path:
    candidate, n = path, 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
    return candidate


def write_text_atomic(path: Path, text: str, encoding: str = "utf-8") -> None:
    """Write a digest atomically: a crash leaves no half digest, and a failed write (a full
    disk) leaves no temporary file either."""
    try:
        write_atomic(path, text.encode(encoding))
    except OSError as error:
        raise ExportError(f"{path}: cannot write the digest ({error.strerror or error})") from error
