"""The header line: item counts, the active filter, the database notice and fetch progress."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from briefing.core.text import clean_line


class StatusBar(Static):
    """Counts · filter · notice · progress, assembled from literal Content pieces."""

    def show(
        self,
        *,
        total: int,
        counting: bool = False,
        unread: int | None,
        selected: int,
        filter_text: str,
        notice: str | None,
        progress: str | None,
    ) -> None:
        parts: list[str | tuple[str, str] | Content] = [("briefing", "bold $accent")]
        shown = f"{total:,}+" if counting else f"{total:,}"
        parts += ["  ", (shown, "bold"), " items" if total != 1 or counting else " item"]
        if unread is not None:
            parts += ["  ·  ", (f"{unread:,}", "bold"), " unread"]
        if selected:
            parts += ["  ·  ", (f"{selected:,} selected", "bold $warning")]
        if filter_text != "none":
            parts += ["  ·  filter: ", (clean_line(filter_text, 120), "$secondary")]
        if progress:
            parts += ["  ·  ", (clean_line(progress, 80), "italic $success")]
        if notice:
            parts += ["  ·  ", (clean_line(notice, 120), "bold $error")]
        self.update(Content.assemble(*parts))
