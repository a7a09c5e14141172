"""The `briefing` command line: a thin click group. Textual is imported only when the TUI starts."""

from __future__ import annotations

import sys

import click

from briefing import __version__
from briefing.cli._common import Context, pass_ctx
from briefing.errors import BriefingError


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    envvar="BRIEFING_CONFIG",
    help="feeds.yaml to use [env BRIEFING_CONFIG; default ./feeds.yaml].",
)
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False),
    envvar="BRIEFING_DB",
    help="SQLite database [env BRIEFING_DB; default db/briefing.db beside feeds.yaml].",
)
@click.version_option(__version__, prog_name="briefing")
@click.pass_context
def main(ctx: click.Context, config_path: str | None, db_path: str | None) -> None:
    """Read, triage and brief the news about Libya, from the terminal.

    With no command, opens the triage app on the default database.
    """
    ctx.obj = Context(config_path=config_path, db_path=db_path)
    ctx.call_on_close(ctx.obj.close)
    if ctx.invoked_subcommand is None:
        from briefing.cli.tui_cmd import launch

        launch(ctx.obj)


def _register() -> None:
    # Each command lives in its own module, owned by the stage it drives.
    from briefing.cli import (
        actors_cmd,
        demo_cmd,
        export_cmd,
        fetch_cmd,
        import_cmd,
        status_cmd,
        tui_cmd,
    )

    for module in (status_cmd, import_cmd, actors_cmd, fetch_cmd, demo_cmd, export_cmd, tui_cmd):
        for command in module.COMMANDS:
            main.add_command(command)


_register()


def run() -> None:
    """Entry point that turns BriefingError into one clear line and exit status 2."""
    try:
        main(standalone_mode=True)
    except BriefingError as error:  # pragma: no cover - click handles most paths
        click.echo(f"briefing: {error}", err=True)
        sys.exit(2)


__all__ = ["Context", "main", "pass_ctx", "run"]
