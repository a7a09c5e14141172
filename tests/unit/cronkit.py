"""The cron + app soak (issue 17.1), shared by its CI test and bench/soak_cron_app.py.

A cron-like writer (another process) rewrites titles round after round while this process does
what the app does: reads pages of items, their details and facets in a thread, types tags and
notes, and now and then runs its own fetch (`R`), which opens the same database again in a
thread, stores a feed and closes. At the end every acknowledged tag and note must be in the
database, no read may have failed, and the file must pass `integrity_check`.
"""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from briefing.core.models import FeedSpec, FetchOutcome, ItemFilter
from briefing.store import Store
from tests.conftest import REPO, tagged

FEEDS = 4
ITEMS = 150
APP_FEED = "App feed"


@dataclass
class SoakReport:
    rounds: int = 0
    reads: int = 0
    refetches: int = 0
    errors: list[str] = field(default_factory=list)
    tags_written: int = 0
    tags_found: int = 0
    notes_typed: int = 0
    notes_written: int = 0
    """Items given a note (a later note on an item replaces its earlier one)."""
    notes_found: int = 0
    integrity: str = ""
    cron_output: str = ""

    @property
    def lost(self) -> int:
        return self.tags_written - self.tags_found + self.notes_written - self.notes_found

    def summary(self) -> str:
        return (
            f"{self.rounds} cron rounds, {self.reads:,} reads, {self.refetches} app fetches, "
            f"{len(self.errors)} errors, {self.tags_written} tags typed and {self.tags_found} "
            "found, "
            f"{self.notes_typed} notes typed, the last of each of {self.notes_written} items "
            f"found on {self.notes_found}, integrity {self.integrity}"
        )


def feed_name(n: int) -> str:
    return f"Cron feed {n}"


def seed_database(path: Path, feeds: int = FEEDS, items: int = ITEMS) -> None:
    """Feeds of `items` items each, as a first fetch would leave them."""
    store = Store.open(path)
    try:
        specs = [FeedSpec(feed_name(n), f"http://127.0.0.1/{n}.xml") for n in range(feeds)]
        store.sync_feeds([*specs, FeedSpec(APP_FEED, "http://127.0.0.1/app.xml")])
        for n in range(feeds):
            stories = [
                tagged(f"Tripoli report {n}-{i} round 0", feed=feed_name(n), identity=f"{n}-{i}")
                for i in range(items)
            ]
            store.store_feed(FetchOutcome(feed_name(n), "ok", 200), stories)
    finally:
        store.close()


CRON_STORE_WRITER = textwrap.dedent(
    """
    import sys, time
    from briefing.core.models import FetchOutcome
    from briefing.store import Store
    from tests.conftest import tagged
    from tests.unit.cronkit import feed_name

    path, rounds, feeds, items = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    for r in range(1, rounds + 1):
        store = Store.open(path)  # a new process in real life: its own connection, then closed
        for n in range(feeds):
            # A third of the runs rewrite every title (as a feed that edits its headlines).
            title = r if r % 3 == 0 else 0
            stories = [
                tagged(f"Tripoli report {n}-{i} round {title}", feed=feed_name(n), identity=f"{n}-{i}")
                for i in range(items)
            ]
            store.store_feed(FetchOutcome(feed_name(n), "ok", 200), stories)
        store.close()
        print(f"round {r}", flush=True)
        time.sleep(0.01)
    """
)


def store_cron(
    path: Path, rounds: int, feeds: int = FEEDS, items: int = ITEMS
) -> Callable[[], str]:
    """The cron writer as one process running `rounds` rounds, each opening and closing."""

    def run() -> str:
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                CRON_STORE_WRITER,
                str(path),
                str(rounds),
                str(feeds),
                str(items),
            ],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if done.returncode != 0:
            return f"cron writer failed ({done.returncode}): {done.stderr[-2000:]}"
        return done.stdout

    return run


def store_app_feed(store: Store, n: int) -> None:
    """The app's own fetch, reduced to its write: one feed of 20 new items."""
    stories = [
        tagged(f"Benghazi update {n}-{i}", feed=APP_FEED, identity=f"app-{n}-{i}")
        for i in range(20)
    ]
    store.store_feed(FetchOutcome(APP_FEED, "ok", 200), stories)


def soak(
    path: Path,
    cron: Callable[[], str],
    *,
    rounds: int,
    refetch: Callable[[Store, int], None] = store_app_feed,
    seed: int = 17,
) -> SoakReport:
    """Run the app's side against `cron` (which blocks until its rounds are done).

    `refetch` is the app's own fetch (`R`), run in a worker thread on a store opened there,
    as the TUI does; one at a time, while typing goes on.
    """
    rng = random.Random(seed)
    report = SoakReport(rounds=rounds)
    app = Store.open(path)
    ids = [row.id for row in app.items(ItemFilter(), limit=FEEDS * ITEMS)]
    rng.shuffle(ids)
    stop = threading.Event()
    lock = threading.Lock()

    def fail(what: str, error: BaseException) -> None:
        with lock:
            report.errors.append(f"{what}: {type(error).__name__}: {error}")

    def read_forever() -> None:
        while not stop.is_set():
            try:
                rows = app.items(ItemFilter(), limit=50, offset=rng.randrange(0, 400))
                for row in rows[:5]:
                    app.item(row.id)
                app.count(ItemFilter(text="tripoli"))
                app.facets(ItemFilter())
                report.reads += 1
            except Exception as error:  # the soak counts every failure, whatever it is
                fail("read", error)
                time.sleep(0.05)

    def run_refetch(n: int) -> None:
        # What the TUI's `R` does: open the database in a worker thread, fetch, close.
        try:
            store = Store.open(path)
            try:
                refetch(store, n)
            finally:
                store.close()
            report.refetches += 1
        except Exception as error:
            fail("app fetch", error)

    outcome: list[str] = []
    cron_thread = threading.Thread(target=lambda: outcome.append(cron()))
    reader = threading.Thread(target=read_forever)
    tags: list[tuple[int, str]] = []
    notes: list[tuple[int, str]] = []
    cron_thread.start()
    reader.start()
    k = 0
    worker: threading.Thread | None = None
    try:
        while cron_thread.is_alive():
            k += 1
            item = ids[k % len(ids)]
            try:
                app.add_tags([item], [f"soak-{k}"])
                tags.append((item, f"soak-{k}"))
            except Exception as error:
                fail("tag", error)
            note_item = ids[(len(ids) - 1 - k) % len(ids)]
            try:
                app.set_note(note_item, f"note {k} ✓")
                notes.append((note_item, f"note {k} ✓"))
            except Exception as error:
                fail("note", error)
            if k % 8 == 0 and (worker is None or not worker.is_alive()):
                worker = threading.Thread(target=run_refetch, args=(k,))
                worker.start()
            time.sleep(0.02)
    finally:
        stop.set()
        reader.join()
        cron_thread.join()
        if worker is not None:
            worker.join()
        app.close()
    report.cron_output = outcome[0] if outcome else ""
    last_note = dict(notes)  # a later note on the same item replaces the earlier one
    report.tags_written, report.notes_written = len(tags), len(last_note)
    report.notes_typed = len(notes)
    try:
        check = Store.open(path)
    except Exception as error:  # the file itself was destroyed
        fail("reopen after the run", error)
        report.integrity = f"unreadable: {error}"
        return report
    try:
        for item, tag in tags:
            detail = check.item(item)
            report.tags_found += bool(detail and tag in detail.row.tags)
        for item, body in last_note.items():
            detail = check.item(item)
            report.notes_found += bool(detail and detail.note == body)
    except Exception as error:
        fail("check after the run", error)
    finally:
        check.close()
    conn = sqlite3.connect(path)
    try:
        report.integrity = str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    except sqlite3.DatabaseError as error:
        report.integrity = f"unreadable: {error}"
    finally:
        conn.close()
    return report
