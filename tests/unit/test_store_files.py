"""The database file: migrations with a backup, refusals, read-only files, concurrent processes."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlite_utils import Database

from briefing.core.errors import StoreError
from briefing.core.models import FeedSpec, FetchOutcome, ItemFilter
from briefing.store import Store
from briefing.store.migrations import SCHEMA_VERSION, migrations
from tests.conftest import REPO, tagged


def _old_database(path: Path) -> None:
    """A database as the first release of briefing left it (schema 1), with an analyst's work."""
    conn = sqlite3.connect(path, isolation_level=None)
    db = Database(conn)
    migrations.apply(db, stop_before="m002_feed_site_and_source_lookup")
    db.table("items").insert(
        {
            "id": 1,
            "kind": "feed",
            "feed": "Libya Herald",
            "identity": "a",
            "title": "Old item",
            "sort_at": "2025-01-01T00:00:00+00:00",
            "first_seen_at": "2025-01-01T00:00:00+00:00",
        }
    )
    db.table("tags").insert({"id": 1, "name": "keep-me"})
    db.table("item_tags").insert({"item_id": 1, "tag_id": 1, "created_at": "2025-01-01"})
    db.table("notes").insert(
        {"item_id": 1, "body": "an analyst's note", "updated_at": "2025-01-01"}
    )
    # `fetch --explain` data as schema 1 to 3 kept it: one row per dropped item.
    for identity, title, score in (("d1", "Tripoli, Lebanon", 0.5), ("d2", "Ghana GNA", 1.5)):
        db.table("dropped_items").insert(
            {
                "feed": "Libya Herald",
                "identity": identity,
                "run_id": "run-1",
                "title": title,
                "summary": "text",
                "score": score,
                "reasons": '[{"term": "gna", "field": "title", "weight": 1.5, "note": ""}]',
            }
        )
    conn.close()


def test_older_database_is_backed_up_then_migrated(tmp_path: Path) -> None:
    path = tmp_path / "briefing.db"
    _old_database(path)
    store = Store.open(path)
    (detail,) = store.items_detail(ItemFilter(state="all"))
    assert detail.row.title == "Old item" and detail.row.tags == ("keep-me",)
    assert detail.note == "an analyst's note"
    assert store.status().schema_version == SCHEMA_VERSION
    # The dropped items were carried over into the one-row-per-feed table, best score first.
    dropped = store.dropped_items("Libya Herald")
    assert [(e.title, v.score) for e, v in dropped] == [
        ("Ghana GNA", 1.5),
        ("Tripoli, Lebanon", 0.5),
    ]
    assert dropped[0][1].reasons[0].term == "gna"
    # Indexed by schema 1's triggers, searchable under m005's, and kept exact on update.
    assert store.count(ItemFilter(text="old", state="all")) == 1
    store.set_read([detail.row.id], True)
    assert store.status().search_pending == 0
    store.close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO items_fts (items_fts, rank) VALUES ('integrity-check', 1)")
    conn.close()
    backups = list(tmp_path.glob("briefing.db.bak-v1-*"))
    assert len(backups) == 1
    old = sqlite3.connect(backups[0])
    assert old.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0] == 1
    old.close()
    Store.open(path).close()  # up to date now: no second backup
    assert len(list(tmp_path.glob("briefing.db.bak-*"))) == 1


def test_newer_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "briefing.db"
    Store.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('briefing', 'm999_future', 'x')"
    )
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="newer version of briefing"):
        Store.open(path)


def test_corrupt_file_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "briefing.db"
    garbage = b"this is not a database\n" * 100
    path.write_bytes(garbage)
    with pytest.raises(StoreError, match="not a SQLite database"):
        Store.open(path)
    assert path.read_bytes() == garbage
    damaged = tmp_path / "damaged.db"
    Store.open(damaged).close()
    data = bytearray(damaged.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)
    damaged.write_bytes(bytes(data))
    before = damaged.read_bytes()
    with pytest.raises(StoreError):
        Store.open(damaged).count()
    assert damaged.read_bytes() == before


def test_unwritable_file_opens_read_only_with_a_notice(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        # root can write anything: simulate with the explicit flag instead.
        path = tmp_path / "briefing.db"
        Store.open(path).close()
        store = Store.open(path, read_only=True)
    else:  # pragma: no cover - CI runs as root
        path = tmp_path / "briefing.db"
        Store.open(path).close()
        path.chmod(0o444)
        store = Store.open(path)
    assert store.read_only and store.notice is not None
    assert store.count() == 0
    store.close()


def test_missing_database_is_created(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "folder" / "briefing.db"
    Store.open(path).close()
    assert path.exists()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


_WRITER = textwrap.dedent(
    """
    import sys
    from briefing.store import Store
    from briefing.core.models import FetchOutcome, FeedSpec
    from tests.conftest import tagged
    store = Store.open(sys.argv[1])
    for batch in range(int(sys.argv[2])):
        items = [tagged(f"Story {batch}-{i} about the port of Misrata", feed="W", identity=f"{batch}-{i}")
                 for i in range(50)]
        store.store_feed(FetchOutcome("W", "ok", 200, seen=50, kept=50), items)
    print("writer done")
    """
)


def test_writer_process_while_reader_and_triage_run(tmp_path: Path) -> None:
    """A fetch writing in another process never makes the TUI's reads or triage fail."""
    path = tmp_path / "briefing.db"
    store = Store.open(path)
    store.sync_feeds([FeedSpec("W", "https://w.example/rss")])
    store.store_feed(FetchOutcome("W", "ok", 200), [tagged("Seed item in Sirte", feed="W")])
    first = store.items()[0].id
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    writer = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(path), "40"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    reads = writes = 0
    while writer.poll() is None:
        store.items(ItemFilter(text="misrata"), limit=50)
        store.count()
        reads += 1
        store.set_read([first], reads % 2 == 0)
        store.add_tags([first], [f"t{reads % 3}"])
        writes += 1
    out, err = writer.communicate()
    assert writer.returncode == 0, err
    assert "database is locked" not in err
    assert store.count(ItemFilter(feeds=("W",))) == 1 + 40 * 50
    assert writes > 0 and reads > 0
    assert store._db().execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store.close()


def test_two_writer_processes(tmp_path: Path) -> None:
    path = tmp_path / "briefing.db"
    Store.open(path).close()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER.replace('"W"', f'"W{n}"'), str(path), "20"],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(2)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    store = Store.open(path)
    # Same titles from two feeds within the window are one story: 1,000 items, two sources each.
    assert store.count() == 20 * 50
    assert all(len(r.also_in) == 1 for r in store.items(limit=20))
    store.close()


def test_special_files_and_uncreatable_paths_are_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.db"
    os.mkfifo(fifo)
    with pytest.raises(StoreError, match="not a regular file"):
        Store.open(fifo)
    with pytest.raises(StoreError, match="not a regular file"):
        Store.open("/dev/null")
    with pytest.raises(StoreError, match="cannot create"):
        Store.open("/proc/briefing-test.db")


def test_a_failing_write_is_one_store_error_and_rolls_back(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "briefing.db")
    store.sync_feeds([FeedSpec("W", "https://w.example/rss")])
    store.store_feed(FetchOutcome("W", "ok", 200), [tagged("An item about Sirte", feed="W")])
    item_id = store.items()[0].id
    # Simulate a full disk: no page may be added, so a big note cannot be written.
    store._db().execute("PRAGMA max_page_count = 1")
    with pytest.raises(StoreError, match="cannot write"):
        store.set_note(item_id, "x" * 200_000)
    store._db().execute("PRAGMA max_page_count = 1073741823")
    assert store.item(item_id) is not None and store.item(item_id).note == ""  # type: ignore[union-attr]
    store.set_note(item_id, "fits now")
    store.close()


def test_feed_specs_remember_each_feeds_mode(store: Store) -> None:
    store.sync_feeds([FeedSpec("Libya only", "https://l.example/rss", relevance="all")])
    store.sync_feeds([])  # removed from feeds.yaml later
    assert store.feed_specs()["Libya only"].relevance == "all"
