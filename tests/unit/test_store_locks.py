"""The database file is only ever opened through SQLite, and once per process (issue 17.1)."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from briefing.core.models import FeedSpec, FetchOutcome, ItemFilter
from briefing.store import Store
from briefing.store.opening import open_database
from tests.conftest import tagged
from tests.unit.cronkit import seed_database, soak, store_cron
from tests.unit.fetchkit import libya_items, rss

# SQLite's unix locks: a reader holds a read lock on the 510 "shared" bytes after the pending
# and reserved bytes at 1 GiB; a writer that wants the file to itself takes a write lock there.
_PROBE = textwrap.dedent(
    """
    import fcntl, os, sys
    fd = os.open(sys.argv[1], os.O_RDWR)
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 510, 0x40000002)
        print("taken")
    except OSError:
        print("blocked")
    """
)


def _exclusive_lock_from_another_process(path: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, str(path)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_opening_again_keeps_this_processes_sqlite_locks(tmp_path: Path) -> None:
    """Closing any descriptor of a file drops every POSIX lock the process holds on it: an open
    that read the header with open()/close() let another process take the file to itself while
    this one was reading it (then a cron fetch checkpointed under the app and removed its WAL)."""
    path = tmp_path / "briefing.db"
    app = Store.open(path)
    app.count(ItemFilter())  # a WAL reader keeps its shared lock for as long as it is open
    assert _exclusive_lock_from_another_process(path) == "blocked"
    again = Store.open(path)  # the TUI's `R`
    assert _exclusive_lock_from_another_process(path) == "blocked"
    open_database(path)  # the opening checks themselves, without the sharing
    open_database(path, read_only=True)
    assert _exclusive_lock_from_another_process(path) == "blocked"
    again.close()
    assert _exclusive_lock_from_another_process(path) == "blocked"
    app.close()
    assert _exclusive_lock_from_another_process(path) == "taken"


def test_a_second_open_in_the_process_shares_the_store(tmp_path: Path) -> None:
    path = tmp_path / "briefing.db"
    link = tmp_path / "link.db"
    app = Store.open(path)
    link.symlink_to(path)
    assert Store.open(path) is app
    assert Store.open(link) is app  # another path to the same file
    assert Store.open(path, read_only=True) is app  # a reader is served by the open store
    for _ in range(3):
        app.close()  # the three extra holders give their shares back
    app.sync_feeds([FeedSpec("W", "https://w.example/rss")])
    app.store_feed(FetchOutcome("W", "ok", 200), [tagged("Talks in Sirte", feed="W")])
    assert app.count(ItemFilter()) == 1
    app.close()  # the last share closes it: the next open is a new store
    fresh = Store.open(path)
    assert fresh is not app and fresh.count(ItemFilter()) == 1
    fresh.close()
    other = tmp_path / "other.db"
    assert Store.open(other) is not Store.open(tmp_path / "third.db")


def _child_writes(path: str) -> None:
    store = Store.open(path)
    store.store_feed(FetchOutcome("W", "ok", 200), [tagged("Port of Misrata reopens", feed="W")])
    store.close()
    os._exit(0 if store.path is not None else 1)


def test_a_forked_child_opens_its_own_store(tmp_path: Path) -> None:
    """A fetch's forked writer must not be handed the parent's connections."""
    path = tmp_path / "briefing.db"
    app = Store.open(path)
    app.sync_feeds([FeedSpec("W", "https://w.example/rss")])
    child = multiprocessing.get_context("fork").Process(target=_child_writes, args=(str(path),))
    child.start()
    child.join(60)
    assert child.exitcode == 0
    assert app.count(ItemFilter()) == 1
    app.close()


def test_cron_fetches_beside_the_apps_reads_reopens_and_typing(tmp_path: Path) -> None:
    """A cron-like writer process, round after round, while the app reads, types tags and notes
    and runs its own fetch (`R`): no read fails and nothing typed is lost. Before the fix the
    file was destroyed within 20 rounds ("file is not a database", every tag and note lost).
    The long form is bench/soak_cron_app.py."""
    path = tmp_path / "soak.db"
    seed_database(path)
    rounds = 24
    report = soak(path, store_cron(path, rounds), rounds=rounds)
    assert f"round {rounds}" in report.cron_output, report.cron_output
    assert report.errors == [], report.errors[:5]
    assert report.refetches > 0 and report.reads > 0
    assert report.tags_written > 0 and report.tags_found == report.tags_written
    assert report.notes_written > 0 and report.notes_found == report.notes_written
    assert report.integrity == "ok"


def test_the_apps_fetch_uses_the_open_store_and_leaves_it_open(
    tmp_path: Path, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`R` (tui/fetch_worker.run_fetch) fetches through the app's store, in a worker thread,
    without opening the file again, and leaves the app's store open."""
    from briefing.core.config import load_config
    from briefing.store import db as store_db
    from briefing.tui.fetch_worker import run_fetch
    from briefing.tui.messages import FetchFinished

    httpserver.expect_request("/w.xml").respond_with_data(rss(libya_items("w", 3)))
    config_path = tmp_path / "feeds.yaml"
    config_path.write_text(
        f"feeds:\n  - name: W\n    url: {httpserver.url_for('/w.xml')}\n", encoding="utf-8"
    )
    path = tmp_path / "briefing.db"
    app = Store.open(path)

    def opened_again(*args: object, **kwargs: object) -> object:
        raise AssertionError("the database file was opened again")

    monkeypatch.setattr(store_db, "open_database", opened_again)
    posted: list[object] = []
    worker = threading.Thread(target=run_fetch, args=(load_config(config_path), app, posted.append))
    worker.start()
    worker.join(60)
    finished = [m for m in posted if isinstance(m, FetchFinished)]
    assert finished and finished[0].error is None and finished[0].new == 3
    assert app.count(ItemFilter()) == 3  # still open, and sees what the fetch stored
    app.close()
