"""`briefing tui` (and `briefing` with no command): open the triage app. Textual loads only here."""

from __future__ import annotations

import sys
from contextlib import suppress

import click

from briefing.cli._common import Context, pass_ctx
from briefing.core.errors import BriefingError


def terminal_missing() -> str | None:
    """Which of standard input and output is not a terminal (cron, CI, a pipe), or None."""
    for label, stream in (("standard input", sys.stdin), ("standard output", sys.stdout)):
        if stream is None or not stream.isatty():
            return label
    return None


def _run(ctx: Context, *, read_only: bool = False) -> None:
    config = ctx.config  # a bad feeds.yaml fails here, before the terminal is taken over
    missing = terminal_missing()
    if missing is not None:
        # Without a terminal the full-screen app would wait for keys that never come.
        raise BriefingError(
            f"the triage app needs a terminal and {missing} is not one — "
            "run a command instead (`briefing --help` lists them)"
        )
    store = ctx.open_store(read_only=read_only)
    # Items a killed fetch stored but never added to the search index: index them now, so a
    # search finds them (a no-op otherwise; if it fails, the next write does it).
    with suppress(BriefingError):
        store.index_pending()
    from briefing.tui.app import BriefingApp

    BriefingApp(store, config).run()


@click.command("tui")
@click.option(
    "--read-only",
    is_flag=True,
    help="Open the database read-only: browse and search, but triage is disabled.",
)
@pass_ctx
def tui(ctx: Context, read_only: bool) -> None:
    """Open the triage app (the same as running `briefing` with no command)."""
    _run(ctx, read_only=read_only)


def launch(ctx: Context) -> None:
    """Open the app on ctx.db_path with ctx.config; a BriefingError becomes one line, exit 1."""
    try:
        _run(ctx)
    except BriefingError as error:
        raise click.ClickException(str(error)) from error


COMMANDS: list[click.Command] = [tui]
