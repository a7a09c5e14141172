"""Console output the fetch and feeds commands share: plain lines, rich tables, status labels."""

from __future__ import annotations

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
