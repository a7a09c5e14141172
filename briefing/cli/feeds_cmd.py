"""`briefing feeds`: the feeds with their health, and feeds.yaml to and from OPML."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from briefing.cli._common import Context, pass_ctx
from briefing.cli._output import STATUS_LABEL, STATUS_STYLE, say, stdout_console, when
from briefing.core.errors import ConfigError
from briefing.core.models import Config, FeedState
from briefing.core.text import clean_line
from briefing.core.times import json_time
from briefing.core.urls import is_http_url

if TYPE_CHECKING:
    from rich.table import Table

    from briefing.cli._opml import OpmlFeed


def feeds_table(config: Config, states: dict[str, FeedState], now: datetime) -> Table:
    from rich.table import Table
    from rich.text import Text

    table = Table(show_edge=False, pad_edge=False, header_style="bold")
    for column in ("feed", "status", "errors", "last fetch", "next fetch", "url / last error"):
        table.add_column(column, overflow="fold")
    for spec in config.feeds:
        state = states.get(spec.name)
        if not spec.enabled:
            status = Text("off (feeds.yaml)", style="dim")
        elif state is not None and not state.enabled:
            status = Text("off (410 Gone)", style="magenta")
        elif state is None or state.last_status is None:
            status = Text("never fetched", style="dim")
        else:
            status = Text(
                STATUS_LABEL.get(state.last_status, state.last_status),
                style=STATUS_STYLE.get(state.last_status, ""),
            )
        url = state.url if state is not None else spec.url
        detail = Text(clean_line(url, 200))
        if state is not None and state.url != spec.url:
            detail.append(" (moved by a permanent redirect)", style="dim")
        if state is not None and state.last_error:
            detail.append("\n")
            detail.append(clean_line(state.last_error, 200), style="red")
        table.add_row(
            Text(clean_line(spec.name, 60)),
            status,
            str(state.error_count if state else 0),
            when(state.last_fetched_at if state else None, now),
            when(state.next_fetch_at if state else None, now) if spec.enabled else "—",
            detail,
        )
    return table


def _feeds_list(ctx: Context, as_json: bool) -> None:
    config = ctx.config
    store = ctx.open_store(create=False)
    if not store.read_only:  # a read-only database still shows what it knows
        store.sync_feeds(config.feeds)
    states = {s.name: s for s in store.feed_states()}
    now = datetime.now(UTC)
    if as_json:
        rows = []
        for spec in config.feeds:
            s = states.get(spec.name)
            rows.append(
                {
                    "name": spec.name,
                    "url": s.url if s else spec.url,
                    "configured_url": spec.url,
                    "enabled": spec.enabled and (s.enabled if s else True),
                    "last_status": s.last_status if s else None,
                    "last_error": s.last_error if s else None,
                    "error_count": s.error_count if s else 0,
                    "last_fetched_at": json_time(s.last_fetched_at) if s else None,
                    "next_fetch_at": json_time(s.next_fetch_at) if s else None,
                    "refresh_minutes": spec.refresh_minutes,
                }
            )
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    out = stdout_console()
    if not config.feeds:
        say(f"no feeds in {config.path}")
        return
    out.print(feeds_table(config, states, now))


@click.group("feeds", invoke_without_command=True)
@click.pass_context
def feeds_group(click_ctx: click.Context) -> None:
    """List the feeds with their health; import or export them as OPML."""
    if click_ctx.invoked_subcommand is None:
        click_ctx.invoke(feeds_list)


@feeds_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the feeds as one JSON document.")
@pass_ctx
def feeds_list(ctx: Context, as_json: bool = False) -> None:
    """Each feed: last status and error, error streak, last and next fetch."""
    _feeds_list(ctx, as_json)


@feeds_group.command("import")
@click.argument("opml_file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--dry-run", is_flag=True, help="Show what would be added; change nothing.")
@pass_ctx
def feeds_import(ctx: Context, opml_file: str, dry_run: bool) -> None:
    """Add the feeds of an OPML file ('-' for standard input) to feeds.yaml.

    Folders become tags (a nested folder keeps its path: Energy/Oil); a feed already in
    feeds.yaml (same URL) is left out; a name that is taken gets a unique one.
    """
    from briefing.cli._opml import import_into, plan_import, read_opml, read_opml_stream

    config = ctx.config
    if opml_file == "-":
        document = read_opml_stream(sys.stdin.buffer)
    else:
        document = read_opml(Path(opml_file))
    for outline in document.not_feeds:
        say(f"not a feed: {outline.name} <{outline.url}>: {outline.why}")
    for note in document.notes:
        say(note)
    plan = plan_import(config, document)
    for feed, why in plan.skipped:
        say(f"skipped {clean_line(feed.name, 60)} <{clean_line(feed.url, 200)}>: {why}")
    for feed, original in plan.renamed:
        say(f"renamed {clean_line(original, 60)} to {feed.name}: the name is taken")
    if not plan.added:
        say(f"nothing to add to {config.path.name}")
        return
    # Checked (or written) before any feed is reported: an import that would make feeds.yaml
    # too large or unloadable says so in one line, not after thousands of "added" lines.
    if dry_run:
        _check_import_size(config.path, plan.added)
    else:
        import_into(config.path, plan.added)
    for feed in plan.added:
        tags = f" [{', '.join(feed.tags)}]" if feed.tags else ""
        say(f"{'would add' if dry_run else 'added'} {feed.name} <{feed.url}>{tags}")
    if dry_run:
        return
    say(f"{len(plan.added)} feed(s) added to {config.path} — run `briefing fetch` to fetch them")


def _check_import_size(config_path: Path, feeds: Sequence[OpmlFeed]) -> None:
    from briefing.cli._opml import append_feeds
    from briefing.core.config import MAX_CONFIG_BYTES
    from briefing.core.files import human_size

    original = config_path.read_text(encoding="utf-8-sig")
    size = len(append_feeds(original, feeds).encode("utf-8"))
    if size > MAX_CONFIG_BYTES:
        raise ConfigError(
            f"{config_path}: importing {len(feeds):,} feeds would make it {human_size(size)}, "
            f"more than the {human_size(MAX_CONFIG_BYTES)} allowed — import fewer feeds"
        )


@feeds_group.command("export")
@click.argument("opml_file", type=click.Path(dir_okay=False, allow_dash=True))
@pass_ctx
def feeds_export(ctx: Context, opml_file: str) -> None:
    """Write the http(s) feeds of feeds.yaml to an OPML file ('-' for standard output).

    Tags become folders (newsboat and Miniflux read them back) and OPML categories.
    """
    from briefing.cli._opml import write_opml

    config = ctx.config
    data = write_opml(config.feeds)
    if opml_file == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    path = Path(opml_file)
    ctx.refuse_database_target(path)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(data)
    temporary.replace(path)
    local = sum(1 for f in config.feeds if not is_http_url(f.url))
    note = f" ({local} local-file feed(s) left out)" if local else ""
    say(f"wrote {len(config.feeds) - local} feed(s) to {path}{note}")


COMMANDS: list[click.Command] = [feeds_group]
