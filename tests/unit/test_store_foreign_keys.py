"""The links between tables are declared (issue 11, promise 13), and an old database keeps its data."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from briefing.core.models import FeedSpec, FetchOutcome
from briefing.store import Store
from tests.conftest import tagged
from tests.unit.test_store_files import _old_database

EXPECTED = {
    ("item_actors", "item_id", "items", "id"),
    ("item_actors", "actor_id", "actors", "id"),
    ("item_sources", "item_id", "items", "id"),
    ("item_tags", "item_id", "items", "id"),
    ("item_tags", "tag_id", "tags", "id"),
    ("notes", "item_id", "items", "id"),
    ("fetch_runs", "feed", "feeds", "name"),
}


def _declared(path: Path) -> set[tuple[str, str, str, str]]:
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {
            (table, row[3], row[2], row[4])
            for table in tables
            for row in conn.execute(f"PRAGMA foreign_key_list([{table}])")
        }
    finally:
        conn.close()


def test_a_new_database_declares_the_links(tmp_path: Path) -> None:
    path = tmp_path / "briefing.db"
    Store.open(path).close()
    assert EXPECTED <= _declared(path)


def test_an_old_database_migrates_with_its_data_and_orphans_kept(tmp_path: Path) -> None:
    path = tmp_path / "briefing.db"
    _old_database(path)
    conn = sqlite3.connect(path)
    # What an older version could leave: a mention of an actor the actors table lacks, and a
    # fetch-log row of a feed with no row of its own.
    conn.execute(
        "INSERT INTO item_actors (item_id, actor_id, mentions, surfaces) "
        "VALUES (1, 'ghost-militia', 2, '[\"Ghost Militia\"]')"
    )
    conn.execute(
        "INSERT INTO fetch_runs (run_id, feed, started_at, status, seen, kept, dropped, new, "
        "updated, elapsed) VALUES ('run-1', 'Gone feed', '2025-01-01', 'ok', 3, 2, 1, 2, 0, 0.5)"
    )
    conn.commit()
    conn.close()
    assert ("item_actors", "actor_id", "actors", "id") not in _declared(path)

    store = Store.open(path)
    store.close()
    assert EXPECTED <= _declared(path)
    assert list(tmp_path.glob("briefing.db.bak-v1-*")), "no backup before migrating"
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("SELECT title FROM items WHERE id = 1").fetchone() == ("Old item",)
        assert conn.execute("SELECT body FROM notes").fetchall() == [("an analyst's note",)]
        assert conn.execute(
            "SELECT t.name FROM item_tags it JOIN tags t ON t.id = it.tag_id"
        ).fetchall() == [("keep-me",)]
        assert conn.execute(
            "SELECT ia.mentions, a.name FROM item_actors ia JOIN actors a ON a.id = ia.actor_id"
        ).fetchall() == [(2, "ghost-militia")]
        assert conn.execute(
            "SELECT f.in_config, r.kept FROM fetch_runs r JOIN feeds f ON f.name = r.feed"
        ).fetchall() == [(0, 2)]
    finally:
        conn.close()


def test_writes_keep_the_declared_links(tmp_path: Path) -> None:
    """Foreign keys are enforced on the store's connections: an actor the gazetteer never
    synced (on a fetch and on a retag), and a first fetch of a feed, still store."""
    store = Store.open(tmp_path / "briefing.db")
    store.store_feed(
        FetchOutcome("Unsynced feed", "ok", 200),
        [tagged("New Actor speaks in Sirte", feed="Unsynced feed", actors=("new-actor",))],
    )
    item = store.items()[0]
    store.retag([(item.id, tagged(item.title, feed="Unsynced feed", actors=("other-actor",)))])
    store.sync_feeds([FeedSpec("Unsynced feed", "https://u.example/rss")])
    store.record_outcome(FetchOutcome("Another feed", "error", 500, error="boom"))
    assert store.actor("new-actor") is not None and store.actor("other-actor") is not None
    store.close()
    conn = sqlite3.connect(tmp_path / "briefing.db")
    try:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("SELECT count(*) FROM fetch_runs").fetchone() == (2,)
    finally:
        conn.close()
