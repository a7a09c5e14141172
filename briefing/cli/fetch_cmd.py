"""`briefing fetch`: run the pipeline and report each feed; `--explain` shows what a run dropped.

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
from typing import TYPE_CHECKING, Any

import click

from briefing.cli._common import Context, pass_ctx, unknown_value
from briefing.cli._output import (
    STATUS_LABEL,
    STATUS_STYLE,
    say,
    seconds,
    stderr_console,
    stdout_console,
    warn,
)
from briefing.core.errors import BriefingError, FetchInProgressError
from briefing.core.models import Config
from briefing.core.text import clean_line
from briefing.core.times import json_time
from briefing.update.pipeline import FeedReport, ProgressCallback, RunReport

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

EXIT_FEEDS_FAILED = 3
"""`briefing fetch` exit status when some feeds failed (the others were stored)."""
EXIT_INTERRUPTED = 130
"""Ctrl-C during a fetch (not during a --watch pause, which stops with 0)."""

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
        label = STATUS_LABEL.get(r.status, r.status)
        table.add_row(
            Text(clean_line(r.feed, 60)),
            Text(label, style=STATUS_STYLE.get(r.status, "")),
            str(r.new),
            str(r.updated),
            str(r.kept),
            str(r.dropped),
            seconds(r.elapsed),
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
            parts.append(f"{counts[status]} {STATUS_LABEL.get(status, status)}")
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
    if report.articles is not None and report.articles.tried:
        a = report.articles
        line += f" · articles: {a.stored} stored" + (f", {a.failed} failed" if a.failed else "")
    return line + f" · {seconds(report.elapsed)}"


def report_json(report: RunReport) -> dict[str, Any]:
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
            "next_fetch_at": json_time(r.next_fetch_at),
            "parser": r.parser,
        }

    return {
        "run_id": report.run_id,
        "started_at": json_time(report.started_at),
        "elapsed": round(report.elapsed, 3),
        "ok": report.ok,
        "feeds": [feed(r) for r in report.feeds],
        "not_due": list(report.not_due),
        "disabled": list(report.disabled),
        "articles": (
            {
                "tried": report.articles.tried,
                "stored": report.articles.stored,
                "failed": report.articles.failed,
            }
            if report.articles is not None
            else None
        ),
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
        console=stderr_console(),
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
            warn(f"{clean_line(r.feed, 60)}: {clean_line(r.error or r.status, 300)}")
        return
    out = stdout_console()
    if report.feeds:
        out.print(report_table(report))
    say(summary_line(report))


def check_feed_names(config: Config, names: Sequence[str]) -> None:
    """Refuse a feed name feeds.yaml does not have (case aside), with the nearest one.

    Raises:
        BriefingError: one line naming the value.
    """
    known = {spec.name.casefold() for spec in config.feeds}
    for name in names:
        if name.casefold() not in known:
            listing = f"`briefing feeds` lists the {len(known)} in {config.path.name}"
            raise unknown_value("feed", name, (s.name for s in config.feeds), listing)


def _explain(ctx: Context, feed: str) -> None:
    config = ctx.config
    names = {spec.name.casefold(): spec.name for spec in config.feeds}
    name = names.get(feed.casefold(), feed)
    store = ctx.open_store(read_only=True)
    runs = store.fetch_runs(name, limit=1)
    out = stdout_console()
    if not runs:
        say(f"{clean_line(name, 60)}: no fetch recorded yet — run `briefing fetch`")
        return
    last = runs[0]
    say(
        f"{clean_line(name, 60)}: last fetch {last.started_at:%Y-%m-%d %H:%M} UTC, "
        f"{STATUS_LABEL.get(last.status, last.status)} — {last.seen} seen, "
        f"{last.kept} kept, {last.dropped} dropped"
        + (f" — {clean_line(last.error, 200)}" if last.error else "")
    )
    dropped = store.dropped_items(name)
    if not dropped:
        say("no dropped items in the last run that stored this feed")
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
    warn(f"next fetch at {(now + timedelta(seconds=pause)):%H:%M:%S} UTC — Ctrl-C stops")
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
    3 when some feeds failed (the others are stored), 1 on a configuration or database error
    (a demo database, whose feeds are the shipped samples, is refused as the app's R does).
    """
    config = ctx.config
    check_feed_names(config, (*feeds, *([explain] if explain is not None else [])))
    if explain is not None:
        _explain(ctx, explain)
        return
    from briefing.update.demo import refuse_fetch_into_demo

    ctx.open_store(refuse=refuse_fetch_into_demo)  # before the seed goes in: nothing written
    # (A quiet or JSON run never asks rich: see briefing/cli/_output.py.)
    show_progress = not (quiet or as_json) and stderr_console().is_terminal
    try:
        _fetch_loop(ctx, config, force, feeds, quiet, as_json, watch, wait, show_progress)
    except KeyboardInterrupt:
        warn("interrupted — the feeds stored so far are kept")
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
    err: Console | None = None  # made for --watch's pauses only
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
                warn(f"{busy}; nothing to do")
            if not watch:
                return
        if report is not None:
            _print_report(report, quiet=quiet, as_json=as_json)
        if not watch:
            if report is not None and not report.ok:
                sys.exit(EXIT_FEEDS_FAILED)
            return
        force = False  # --force applies to the first round only
        err = err or stderr_console()
        try:
            _watch_pause(ctx, err)
        except KeyboardInterrupt:
            warn("stopped")
            return
        config = _reload(ctx, config, err)


def _reload(ctx: Context, config: Config, err: Console) -> Config:
    """feeds.yaml again between --watch rounds; a broken edit keeps the previous config."""
    from briefing.core.config import load_config

    try:
        return load_config(ctx.config_path)
    except BriefingError as error:
        warn(f"{error} — still using the previous feeds.yaml")
        return config


COMMANDS: list[click.Command] = [fetch]
