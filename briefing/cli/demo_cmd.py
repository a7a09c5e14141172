"""`briefing demo`: build a demo database from the sample feeds shipped in the package."""

from __future__ import annotations

from pathlib import Path

import click

from briefing.cli._common import Context, pass_ctx
from briefing.core.errors import BriefingError, ConfigError, StoreError


def _default_path(ctx: Context) -> Path:
    # `briefing --db x.db demo` means x.db, as for every other command; BRIEFING_DB does not,
    # since it names the analyst's own database (refused below as not a demo).
    root = click.get_current_context().find_root()
    if root.get_parameter_source("db_path") is click.core.ParameterSource.COMMANDLINE:
        return ctx.db_path
    return ctx.config_path.resolve().parent / "db" / "demo.db"


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _is_demo(path: Path) -> bool:
    from briefing.store import Store
    from briefing.update.demo import is_demo_store

    try:
        store = Store.open(path, read_only=True)
    except BriefingError:
        return False
    try:
        return is_demo_store(store)
    finally:
        store.close()


@click.command("demo")
@click.option(
    "--db",
    "db_option",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Database to write [default: the global --db, else db/demo.db beside feeds.yaml].",
)
@click.option(
    "--force", is_flag=True, help="Overwrite the database even if it is not a demo database."
)
@pass_ctx
def demo(ctx: Context, db_option: Path | None, force: bool) -> None:
    """Build a demo database from sample feeds shipped with briefing (no network).

    Some 570 invented items from 9 feeds (English, Arabic, French) over 60 days, dated so the
    newest is now; those not about Libya are dropped as in a real fetch, and a few of the rest
    are already tagged, flagged and annotated. An existing demo database is rebuilt; any other
    database is left alone unless --force is given.
    """
    from briefing.store import Store
    from briefing.update.demo import build_demo

    path = db_option or _default_path(ctx)
    if path.exists():
        if not force and not _is_demo(path):
            raise StoreError(
                f"{path} exists and is not a demo database; "
                "choose another path with --db, or pass --force to overwrite it"
            )
        _remove(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        config = ctx.config
    except ConfigError:
        # No (or a broken) feeds.yaml: the demo runs on the built-in rules and gazetteer.
        config = None
    store = Store.open(path)
    try:
        report = build_demo(store, config)
    finally:
        store.close()
    click.echo(
        f"Demo database written to {path}: {report.items} items from {len(report.feeds)} feeds "
        f"({report.kept} kept, {report.dropped} dropped as not about Libya, "
        f"{len(report.failed)} feed failures)."
    )
    for failed in report.failed:
        click.echo(f"  {failed.feed}: {failed.error}", err=True)
    shown = _shown(path)
    click.echo(f"Next: briefing --db {shown}")


def _shown(path: Path) -> str:
    """The path as the user would type it: relative to the current folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


COMMANDS: list[click.Command] = [demo]
