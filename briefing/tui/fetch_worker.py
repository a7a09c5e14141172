"""The body of the `R` fetch worker: runs in a thread over the app's own Store, reports by messages.

The app's store is reused, never a second one on the same file: this process then holds one set
of SQLite locks on the database (closing any other descriptor of the file would drop them; see
issue 17). The store keeps one connection per thread and every write is a short BEGIN IMMEDIATE
transaction, so the fetch and the analyst's triage never fail each other.
`post_message` is thread-safe (Textual guide, workers), so progress goes straight to the screen.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.message import Message
from textual.notifications import SeverityLevel

from briefing.core.errors import BriefingError
from briefing.core.models import Config
from briefing.core.text import clean_line
from briefing.store import Store
from briefing.tui.messages import FetchFinished, FetchProgressed


def run_fetch(
    config: Config,
    store: Store,
    post: Callable[[Message], object],
    *,
    force: bool = False,
) -> None:
    """Fetch the due feeds (every enabled one with `force`) into `store`."""
    from briefing.update.pipeline import FeedReport, update

    def progress(done: int, total: int, report: FeedReport | None) -> None:
        if report is None:
            post(FetchProgressed("", 0, total, 0))
        else:
            post(FetchProgressed(report.feed, done, total, report.new, report.error))

    try:
        # workers=0: parse in this thread. Forking a process pool from inside a running
        # Textual app (which has threads of its own) is not safe.
        run = update(config, store, force=force, progress=progress, workers=0)
        post(
            FetchFinished(
                feeds=len(run.feeds),
                new=sum(r.new for r in run.feeds),
                failed=len(run.failed),
                not_due=len(run.not_due),
                first_failure=next((f"{r.feed}: {r.error or r.status}" for r in run.failed), None),
            )
        )
    except BriefingError as error:
        post(FetchFinished(0, 0, 0, error=str(error)))
    except Exception as error:  # the worker must always report, whatever broke
        post(FetchFinished(0, 0, 0, error=clean_line(f"{type(error).__name__}: {error}", 300)))


def describe_fetch(message: FetchFinished) -> tuple[str, SeverityLevel]:
    """The notification that ends a fetch: what was fetched, or why nothing was."""
    if message.error:
        return f"Fetch failed: {message.error}", "error"
    if message.feeds == 0 and message.not_due:
        return (
            f"All {message.not_due} feeds are up to date; ctrl+p → "
            '"Fetch every feed now" ignores their refresh intervals.',
            "information",
        )
    failed = (
        f", {message.failed} failed (first: {message.first_failure}; "
        "`briefing feeds list` shows each feed's last error)"
        if message.failed
        else ""
    )
    text = f"Fetched {message.feeds} feeds: {message.new} new items{failed}"
    return text, "warning" if message.failed else "information"


def demo_refusal(path: Path | None) -> str:
    """Why `R` fetches nothing into a demo database, and how to rebuild it."""
    return (
        f"{path} is a demo database: R does not fetch feeds.yaml's feeds into it. "
        f"`briefing demo --db {path}` rebuilds it; start briefing without --db to fetch into "
        "your own database."
    )
