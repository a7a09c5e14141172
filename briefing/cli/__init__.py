"""The `briefing` command line: a thin click group. Textual is imported only when the TUI starts."""

from __future__ import annotations

import importlib

import click

from briefing import __version__
from briefing.cli._common import Context, pass_ctx

# Each command lives in its own module, owned by the stage it drives. The modules are imported
# only when their command runs: `briefing fetch` under cron never pays for the TUI, and the TUI's
# first screen never pays for the fetch pipeline.
_COMMANDS: dict[str, str] = {
    "status": "status_cmd",
    "import": "import_cmd",
    "actors": "actors_cmd",
    "places": "places_cmd",
    "retag": "tagging_cmd",
    "classify": "tagging_cmd",
    "fetch": "fetch_cmd",
    "feeds": "feeds_cmd",
    "demo": "demo_cmd",
    "fulltext": "fulltext_cmd",
    "summarize": "brief_cmd",
    "briefs": "brief_cmd",
    "share-note": "brief_cmd",
    "export": "export_cmd",
    "tui": "tui_cmd",
}


class LazyGroup(click.Group):
    """A click group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(_COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module_name = _COMMANDS.get(cmd_name)
        if module_name is None:
            return None
        module = importlib.import_module(f"briefing.cli.{module_name}")
        commands: list[click.Command] = module.COMMANDS
        return next((c for c in commands if c.name == cmd_name), None)


@click.group(
    cls=LazyGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
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


__all__ = ["Context", "main", "pass_ctx"]
