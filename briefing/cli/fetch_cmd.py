"""`briefing fetch` and `briefing feeds`: run the pipeline, show feed health, OPML in and out.

Exit codes of `briefing fetch`: 0 every fetched feed worked (or another fetch was already
running), 3 at least one feed failed, 1 a configuration or database error, 2 a usage error,
130 interrupted by Ctrl-C.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from briefing.cli._common import Context, pass_ctx
from briefing.core.errors import BriefingError, ConfigError, FetchInProgressError
from briefing.core.models import Config, FeedState
from briefing.core.text import clean_line, strip_unsafe
from briefing.update.pipeline import FeedReport, ProgressCallback, RunReport

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from briefing.cli._opml import OpmlFeed

# rich is imported where it is used: a quiet fetch under cron prints plain lines and never
# needs it (about 30 ms of start-up).

EXIT_FEEDS_FAILED = 3
"""`briefing fetch` exit status when some feeds failed (the others were stored)."""
EXIT_INTERRUPTED = 130
"""Ctrl-C during a fetch (not during a --watch pause, which stops with 0)."""

_STATUS_STYLE = {
    "ok": "green",
    "not_modified": "cyan",
    "error": "red",
    "gone": "magenta",
    "skipped": "dim",
}
_STATUS_LABEL = {"not_modified": "not modified"}


def _stdout() -> Console:
    from rich.console import Console

    console = Console(highlight=False)
    # Piped (cron, a log file): no terminal width to respect, so don't fold tables at 80 columns.
    return console if console.is_terminal else Console(highlight=False, width=160)


def _stderr() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def _say(line: str) -> None:
    """One line of plain text (never markup, never wrapped) on standard output."""
    click.echo(strip_unsafe(line))


def _warn(line: str) -> None:
    click.echo(strip_unsafe(line), err=True)


def _seconds(value: float) -> str:
    return f"{value:.1f} s" if value < 100 else f"{value:.0f} s"


def _when(moment: datetime | None, now: datetime) -> str:
    if moment is None:
        return "—"
    delta = (moment - now).total_seconds()
    local = moment.astimezone(UTC).strftime("%m-%d %H:%M")
    if abs(delta) < 60:
        return f"{local} (now)"
    minutes = int(abs(delta) // 60)
    span = f"{minutes} min" if minutes < 120 else f"{minutes // 60} h"
    return f"{local} ({'in ' + span if delta > 0 else span + ' ago'})"


# ---------------------------------------------------------------------------------------------
# briefing fetch
# ---------------------------------------------------------------------------------------------


def report_table(report: RunReport) -> Table:
    """The per-feed table printed after a fetch. Feed text goes in as Text, never as markup."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title=None, show_edge=False, pad_edge=False, header_style="bold")
    for column, justify in (
        ("feed", "left"),
        ("status", "left"),
        ("new", "right"),
        ("updated", "right"),
        ("kept", "right"),
        ("dropped", "right"),
        ("time", "right"),
        ("error", "left"),
    ):
        table.add_column(column, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for r in report.feeds:
        label = _STATUS_LABEL.get(r.status, r.status)
        table.add_row(
            Text(clean_line(r.feed, 60)),
            Text(label, style=_STATUS_STYLE.get(r.status, "")),
            str(r.new),
            str(r.updated),
            str(r.kept),
            str(r.dropped),
            _seconds(r.elapsed),
            Text(clean_line(r.error or "", 200), style="red"),
        )
    return table


def summary_line(report: RunReport) -> str:
    counts: dict[str, int] = {}
    for r in report.feeds:
        counts[r.status] = counts.get(r.status, 0) + 1
    parts = [f"{len(report.feeds)} fetched"]
    for status in ("ok", "not_modified", "error", "gone"):
        if counts.get(status):
            parts.append(f"{counts[status]} {_STATUS_LABEL.get(status, status)}")
    line = ", ".join(parts)
    line += (
        f" · {sum(r.new for r in report.feeds)} new, {sum(r.updated for r in report.feeds)}"
        f" updated, {sum(r.kept for r in report.feeds)} kept, "
        f"{sum(r.dropped for r in report.feeds)} dropped"
    )
    if report.not_due:
        line += f" · {len(report.not_due)} not due (--force to fetch them)"
    if report.disabled:
        line += f" · {len(report.disabled)} disabled"
    return line + f" · {_seconds(report.elapsed)}"


def report_json(report: RunReport) -> dict[str, Any]:
    def iso(moment: datetime | None) -> str | None:
        return moment.astimezone(UTC).isoformat() if moment else None

    def feed(r: FeedReport) -> dict[str, Any]:
        return {
            "feed": r.feed,
            "status": r.status,
            "http_status": r.http_status,
            "error": r.error,
            "seen": r.seen,
            "kept": r.kept,
            "dropped": r.dropped,
            "new": r.new,
            "updated": r.updated,
            "unchanged": r.unchanged,
            "merged": r.merged,
            "elapsed": round(r.elapsed, 3),
            "next_fetch_at": iso(r.next_fetch_at),
            "parser": r.parser,
        }

    return {
        "run_id": report.run_id,
        "started_at": iso(report.started_at),
        "elapsed": round(report.elapsed, 3),
        "ok": report.ok,
        "feeds": [feed(r) for r in report.feeds],
        "not_due": list(report.not_due),
        "disabled": list(report.disabled),
    }


def _run_once(
    ctx: Context,
    config: Config,
    *,
    force: bool,
    feeds: Sequence[str],
    show_progress: bool,
    wait: bool,
) -> RunReport:
    from briefing.update.pipeline import update

    store = ctx.open_store()
    if not show_progress:
        return update(config, store, force=force, only=feeds, wait=wait)
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    with Progress(
        TextColumn("fetching"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=_stderr(),
        transient=True,
    ) as progress:
        task = progress.add_task("", total=None)

        def advance(done: int, total: int, report: FeedReport | None) -> None:
            last = clean_line(report.feed, 40) if report else ""
            progress.update(task, completed=done, total=total, description=last)

        callback: ProgressCallback = advance
        return update(config, store, force=force, only=feeds, wait=wait, progress=callback)


def _print_report(report: RunReport, *, quiet: bool, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(report_json(report), ensure_ascii=False))
        return
    if quiet:
        for r in report.failed:
            _warn(f"{clean_line(r.feed, 60)}: {clean_line(r.error or r.status, 300)}")
        return
    out = _stdout()
    if report.feeds:
        out.print(report_table(report))
    _say(summary_line(report))


def _explain(ctx: Context, feed: str) -> None:
    config = ctx.config
    names = {spec.name.casefold(): spec.name for spec in config.feeds}
    name = names.get(feed.casefold(), feed)
    store = ctx.open_store(read_only=True)
    runs = store.fetch_runs(name, limit=1)
    out = _stdout()
    if not runs:
        _say(f"{clean_line(name, 60)}: no fetch recorded yet — run `briefing fetch`")
        return
    last = runs[0]
    _say(
        f"{clean_line(name, 60)}: last fetch {last.started_at:%Y-%m-%d %H:%M} UTC, "
        f"{_STATUS_LABEL.get(last.status, last.status)} — {last.seen} seen, "
        f"{last.kept} kept, {last.dropped} dropped"
        + (f" — {clean_line(last.error, 200)}" if last.error else "")
    )
    dropped = store.dropped_items(name)
    if not dropped:
        _say("no dropped items in the last run that stored this feed")
        return
    from rich.table import Table
    from rich.text import Text

    table = Table(show_edge=False, pad_edge=False, header_style="bold")
    table.add_column("score", justify="right")
    table.add_column("title", overflow="fold")
    table.add_column("why", overflow="fold")
    for entry, verdict in dropped:
        reasons = (
            "; ".join(
                f"{clean_line(r.term, 40)} ({r.field} {r.weight:+g})"
                + (f" {clean_line(r.note, 60)}" if r.note else "")
                for r in verdict.reasons
            )
            or "no Libya term matched"
        )
        table.add_row(f"{verdict.score:.1f}", Text(clean_line(entry.title, 160)), Text(reasons))
    out.print(table)


def _watch_pause(ctx: Context, err: Console) -> None:
    """Sleep until the earliest feed is due (between 30 s and an hour)."""
    now = datetime.now(UTC)
    states = [s for s in ctx.open_store().feed_states() if s.enabled]
    upcoming = [s.next_fetch_at for s in states if s.next_fetch_at is not None]
    nxt = min(upcoming, default=now + timedelta(minutes=60))
    pause = min(max((nxt - now).total_seconds(), 30.0), 3600.0)
    _warn(f"next fetch at {(now + timedelta(seconds=pause)):%H:%M:%S} UTC — Ctrl-C stops")
    time.sleep(pause)


@click.command("fetch")
@click.option("--force", is_flag=True, help="Fetch every enabled feed, even if not due yet.")
@click.option(
    "--feed",
    "feeds",
    multiple=True,
    metavar="NAME",
    help="Fetch only this feed (repeatable).",
)
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but failures (for cron).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document (for cron).")
@click.option("--watch", is_flag=True, help="Keep fetching as feeds fall due, until Ctrl-C.")
@click.option(
    "--explain",
    metavar="FEED",
    help="Show the items the last run of FEED dropped, with the reasons; fetch nothing.",
)
@click.option("--wait", is_flag=True, help="If another fetch is running, wait for it to end.")
@pass_ctx
def fetch(
    ctx: Context,
    force: bool,
    feeds: tuple[str, ...],
    quiet: bool,
    as_json: bool,
    watch: bool,
    explain: str | None,
    wait: bool,
) -> None:
    """Download the due feeds, keep what is about Libya, and store it.

    Exit status: 0 when every fetched feed worked (or another fetch is already running),
    3 when some feeds failed (the others are stored), 1 on a configuration or database error.
    """
    if explain is not None:
        _explain(ctx, explain)
        return
    err = _stderr()
    show_progress = not (quiet or as_json) and err.is_terminal
    config = ctx.config
    try:
        _fetch_loop(ctx, config, force, feeds, quiet, as_json, watch, wait, show_progress)
    except KeyboardInterrupt:
        _warn("interrupted — the feeds stored so far are kept")
        sys.exit(EXIT_INTERRUPTED)


def _fetch_loop(
    ctx: Context,
    config: Config,
    force: bool,
    feeds: Sequence[str],
    quiet: bool,
    as_json: bool,
    watch: bool,
    wait: bool,
    show_progress: bool,
) -> None:
    err = _stderr()
    while True:
        report: RunReport | None = None
        try:
            report = _run_once(
                ctx, config, force=force, feeds=feeds, show_progress=show_progress, wait=wait
            )
        except FetchInProgressError as busy:
            if as_json:
                click.echo(json.dumps({"ok": True, "skipped": str(busy)}))
            elif not quiet:
                _warn(f"{busy}; nothing to do")
            if not watch:
                return
        if report is not None:
            _print_report(report, quiet=quiet, as_json=as_json)
        if not watch:
            if report is not None and not report.ok:
                sys.exit(EXIT_FEEDS_FAILED)
            return
        force = False  # --force applies to the first round only
        try:
            _watch_pause(ctx, err)
        except KeyboardInterrupt:
            _warn("stopped")
            return
        config = _reload(ctx, config, err)


def _reload(ctx: Context, config: Config, err: Console) -> Config:
    """feeds.yaml again between --watch rounds; a broken edit keeps the previous config."""
    from briefing.core.config import load_config

    try:
        return load_config(ctx.config_path)
    except BriefingError as error:
        _warn(f"{error} — still using the previous feeds.yaml")
        return config


# ---------------------------------------------------------------------------------------------
# briefing feeds
# ---------------------------------------------------------------------------------------------


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
                _STATUS_LABEL.get(state.last_status, state.last_status),
                style=_STATUS_STYLE.get(state.last_status, ""),
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
            _when(state.last_fetched_at if state else None, now),
            _when(state.next_fetch_at if state else None, now) if spec.enabled else "—",
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
                    "last_fetched_at": s.last_fetched_at.isoformat()
                    if s and s.last_fetched_at
                    else None,
                    "next_fetch_at": s.next_fetch_at.isoformat() if s and s.next_fetch_at else None,
                    "refresh_minutes": spec.refresh_minutes,
                }
            )
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    out = _stdout()
    if not config.feeds:
        _say(f"no feeds in {config.path}")
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
@click.argument("opml_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what would be added; change nothing.")
@pass_ctx
def feeds_import(ctx: Context, opml_file: Path, dry_run: bool) -> None:
    """Add the feeds of an OPML file to feeds.yaml (duplicates are left out)."""
    from briefing.cli._opml import import_into, plan_import, read_opml

    config = ctx.config
    plan = plan_import(config, read_opml(opml_file))
    for feed, why in plan.skipped:
        _say(f"skipped {clean_line(feed.name, 60)} <{clean_line(feed.url, 200)}>: {why}")
    if not plan.added:
        _say(f"nothing to add to {config.path.name}")
        return
    # Checked (or written) before any feed is reported: an import that would make feeds.yaml
    # too large or unloadable says so in one line, not after thousands of "added" lines.
    if dry_run:
        _check_import_size(config.path, plan.added)
    else:
        import_into(config.path, plan.added)
    for feed in plan.added:
        _say(f"{'would add' if dry_run else 'added'} {feed.name} <{feed.url}>")
    if dry_run:
        return
    _say(f"{len(plan.added)} feed(s) added to {config.path} — run `briefing fetch` to fetch them")


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
    """Write the http(s) feeds of feeds.yaml to an OPML file ('-' for standard output)."""
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
    local = sum(1 for f in config.feeds if not f.url.lower().startswith(("http://", "https://")))
    note = f" ({local} local-file feed(s) left out)" if local else ""
    _say(f"wrote {len(config.feeds) - local} feed(s) to {path}{note}")


COMMANDS: list[click.Command] = [fetch, feeds_group]
