"""`briefing status`: where the database is, what it holds, and the seed article."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import click

from briefing.cli._common import Context, pass_ctx
from briefing.core.models import Config, ItemDetail, StoreStatus
from briefing.core.text import clean_line
from briefing.core.times import json_time
from briefing.update.seed import IMPORT_HINT, seed_has_text

if TYPE_CHECKING:
    from briefing.store import Store


def _size(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{int(value)} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} bytes"  # pragma: no cover - the loop always returns


def _when(moment: datetime | None, now: datetime | None = None) -> str:
    if moment is None:
        return "never — run `briefing fetch`"
    now = now or datetime.now(UTC)
    minutes = int((now - moment).total_seconds() // 60)
    if minutes < 1:
        ago = "just now"
    elif minutes < 120:
        ago = f"{minutes} min ago"
    elif minutes < 48 * 60:
        ago = f"{minutes // 60} h ago"
    else:
        ago = f"{minutes // 1440} days ago"
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC ({ago})"


def _feeds_line(status: StoreStatus, config: Config | None) -> str:
    line = f"feeds       {status.feeds:,}"
    if config is not None:
        enabled = sum(1 for feed in config.feeds if feed.enabled)
        line += f" in the database · {len(config.feeds)} in {config.path.name} ({enabled} enabled)"
    return line


def status_lines(
    status: StoreStatus,
    seed: ItemDetail | None,
    notice: str | None,
    config: Config | None = None,
) -> list[str]:
    """The lines `briefing status` prints (also shown by `briefing` before the TUI exists)."""
    lines = [
        f"database    {status.path} ({_size(status.size_bytes)}, schema {status.schema_version}"
        f"{', read-only' if status.read_only else ''})",
        f"items       {status.items:,}"
        + (
            f" ({status.search_pending:,} not searchable yet: a fetch is running or was"
            " stopped; the next fetch or triage change indexes them)"
            if status.search_pending
            else ""
        ),
        _feeds_line(status, config),
        f"actors      {status.actors:,}",
        f"tags        {status.tags:,}",
        f"last fetch  {_when(status.last_fetch)}",
    ]
    if seed is None and config is not None and config.seed is not None:
        # Only a database opened read-only can lack it: ensure_seed adds it on a writable open.
        lines.append(f"seed        not stored yet — {clean_line(config.seed.title, 200)}")
        lines.append("            it is added when the database is opened writable")
    elif seed is None:
        lines.append("seed        none (feeds.yaml has no seed section)")
    else:
        row = seed.row
        # Stored text is clean already; clean_line again so nothing can reach the terminal raw.
        lines.append(f"seed        {clean_line(row.title, 200)}")
        lines.append(f"            by {clean_line(seed.author or 'unknown authors', 200)}")
        lines.append(f"            {clean_line(row.feed, 100)} · {row.published:%Y-%m-%d}")
        if seed_has_text(seed):
            count = len([p for p in seed.content.split("\n\n") if p.strip()])
            lines.append(f"            text imported ({count} paragraphs)")
        else:
            lines.append(f"            text not imported — run `{IMPORT_HINT}` with a saved copy")
    if notice:
        lines.append(f"notice      {clean_line(notice, 300)}")
    return lines


def status_json(status: StoreStatus, seed: ItemDetail | None, notice: str | None) -> dict[str, Any]:
    """`briefing status --json`."""
    seed_json: dict[str, Any] | None = None
    if seed is not None:
        seed_json = {
            "id": seed.row.id,
            "title": seed.row.title,
            "outlet": seed.row.feed,
            "authors": [a for a in (seed.author or "").split("; ") if a],
            "published": seed.row.published.date().isoformat(),
            "url": seed.row.url,
            "has_text": seed_has_text(seed),
            "hint": None if seed_has_text(seed) else f"run `{IMPORT_HINT}`",
        }
    return {
        "path": status.path,
        "size_bytes": status.size_bytes,
        "schema_version": status.schema_version,
        "read_only": status.read_only,
        "notice": notice,
        "items": status.items,
        "search_pending": status.search_pending,
        "feeds": status.feeds,
        "actors": status.actors,
        "tags": status.tags,
        "last_fetch": json_time(status.last_fetch),
        "seed": seed_json,
    }


def show_status(store: Store, config: Config | None = None, *, as_json: bool = False) -> None:
    """Print the status of an open store."""
    status = store.status()
    seed = store.seed()
    if as_json:
        data = status_json(status, seed, store.notice)
        if config is not None:
            data["config"] = str(config.path)
            data["configured_feeds"] = len(config.feeds)
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        for line in status_lines(status, seed, store.notice, config):
            click.echo(line)


@click.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
@pass_ctx
def status(ctx: Context, as_json: bool) -> None:
    """Show the database path and size, counts of items, feeds, actors and tags, the last
    fetch, and the seed article (with how to import its text when it is missing)."""
    store = ctx.open_store(create=False)
    show_status(store, ctx.config, as_json=as_json)


COMMANDS: list[click.Command] = [status]
