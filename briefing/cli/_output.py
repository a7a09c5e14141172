"""Console output the commands share: plain lines, rich tables, status labels, count tables."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import click

from briefing.core.text import strip_unsafe

if TYPE_CHECKING:
    from rich.console import Console

# rich is imported where it is used: a quiet fetch under cron prints plain lines and never
# needs it (about 30 ms of start-up).

STATUS_STYLE = {
    "ok": "green",
    "not_modified": "cyan",
    "error": "red",
    "gone": "magenta",
    "skipped": "dim",
}
"""The colour of each fetch status in the fetch report and the feeds table."""
STATUS_LABEL = {"not_modified": "not modified"}
"""How a fetch status reads where it differs from its stored name."""


def stdout_console() -> Console:
    from rich.console import Console

    console = Console(highlight=False)
    # Piped (cron, a log file): no terminal width to respect, so don't fold tables at 80 columns.
    return console if console.is_terminal else Console(highlight=False, width=160)


def stderr_console() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def say(line: str) -> None:
    """One line of plain text (never markup, never wrapped) on standard output."""
    click.echo(strip_unsafe(line))


def warn(line: str) -> None:
    """One line of plain text on standard error."""
    click.echo(strip_unsafe(line), err=True)


def seconds(value: float) -> str:
    return f"{value:.1f} s" if value < 100 else f"{value:.0f} s"


def when(moment: datetime | None, now: datetime) -> str:
    """A UTC time with how far it is from now: `12-02 11:00 (in 5 min)`."""
    if moment is None:
        return "—"
    delta = (moment - now).total_seconds()
    local = moment.astimezone(UTC).strftime("%m-%d %H:%M")
    if abs(delta) < 60:
        return f"{local} (now)"
    minutes = int(abs(delta) // 60)
    span = f"{minutes} min" if minutes < 120 else f"{minutes // 60} h"
    return f"{local} ({'in ' + span if delta > 0 else span + ' ago'})"


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a count table: its header, the row key it shows, and how it reads."""

    header: str
    key: str
    right: bool = False
    style: str = ""
    blank: str = ""
    """Shown where the value is empty (the JSON line keeps the empty value)."""


def print_rows(
    rows: Sequence[Mapping[str, object]],
    columns: Sequence[Column],
    *,
    title: str,
    as_json: bool,
    empty: str,
) -> None:
    """Rows as JSON lines (every key, in order) or as a table of `columns`.

    Names come from feeds and gazetteers, so every cell is a `Text`, never markup.
    """
    if as_json:
        for row in rows:
            click.echo(json.dumps(dict(row), ensure_ascii=False))
        return
    if not rows:
        click.echo(empty)
        return
    from rich.table import Table
    from rich.text import Text

    from briefing.cli._common import plain_console

    table = Table(title=f"{len(rows)} {title}", title_justify="left")
    for column in columns:
        table.add_column(column.header, justify="right" if column.right else "left")
    for row in rows:
        table.add_row(
            *(
                Text(str(row[c.key]) if row[c.key] not in (None, "") else c.blank, style=c.style)
                for c in columns
            )
        )
    plain_console().print(table)
