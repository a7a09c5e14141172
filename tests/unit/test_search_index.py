"""The text-search index fed in batches (migration m005): pending items, triggers, catch-up.

A bulk writer (a fetch's worker) leaves new items out of the FTS5 index; every other writer
indexes whatever is pending before it commits. These tests drive a deferred and a normal store
on one file through random stores, updates and triage, and check after every step that search
finds exactly what it should: never a stale title, never a pending item, always an indexed one.
At the end FTS5's own check compares the whole index with the items table.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefing.core.models import FetchOutcome, ItemFilter
from briefing.store import Store
from tests.conftest import tagged


@pytest.fixture
def stores(tmp_path: Path) -> Iterator[tuple[Store, Store, Path]]:
    path = tmp_path / "briefing.db"
    # Two stores of their own, as the fetch's writer process and the app would have.
    bulk = Store.open(path, shared=False)
    bulk.defer_search_index()
    normal = Store.open(path, shared=False)
    yield bulk, normal, path
    bulk.close()
    normal.close()


def _store(store: Store, feed: str, identity: str, word: str) -> None:
    item = tagged(f"Libya report {word}", feed=feed, identity=identity, summary=f"text {word}")
    store.store_feed(FetchOutcome(feed=feed, status="ok"), [item])


def _found(store: Store, word: str) -> int:
    return store.count(ItemFilter(text=word, state="all"))


def _index_matches_items(path: Path) -> None:
    """FTS5's integrity check with rank 1 also compares the index with the content table."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("INSERT INTO items_fts (items_fts, rank) VALUES ('integrity-check', 1)")
    finally:
        conn.close()


def test_deferred_items_are_searchable_after_index_pending(
    stores: tuple[Store, Store, Path],
) -> None:
    bulk, normal, path = stores
    _store(bulk, "Feed A", "a1", "alphaone")
    _store(bulk, "Feed A", "a2", "alphatwo")
    assert _found(normal, "alphaone") == 0
    assert normal.count(ItemFilter(state="all")) == 2  # stored, listed, just not searchable yet
    assert normal.status().search_pending == 2
    assert bulk.index_pending() == 2
    assert _found(normal, "alphaone") == 1 and _found(normal, "alphatwo") == 1
    assert normal.status().search_pending == 0
    assert bulk.index_pending() == 0
    _index_matches_items(path)


def test_a_normal_write_indexes_what_a_bulk_writer_left(
    stores: tuple[Store, Store, Path],
) -> None:
    bulk, normal, path = stores
    _store(bulk, "Feed A", "a1", "bravoone")
    _store(normal, "Feed B", "b1", "bravotwo")  # its own item and the pending one
    assert _found(normal, "bravoone") == 1 and _found(normal, "bravotwo") == 1
    _store(bulk, "Feed A", "a2", "bravothree")
    (row,) = normal.items(ItemFilter(text="bravoone", state="all"))
    normal.set_read([row.id], True)  # any triage change commits through the same hook
    assert _found(normal, "bravothree") == 1
    _index_matches_items(path)


def test_updates_and_deletes_keep_the_index_exact(stores: tuple[Store, Store, Path]) -> None:
    bulk, normal, path = stores
    _store(normal, "Feed A", "a1", "charlieold")
    _store(bulk, "Feed A", "a1", "charlienew")  # an indexed item updated by the bulk writer
    assert _found(normal, "charlieold") == 0 and _found(normal, "charlienew") == 1
    _store(bulk, "Feed A", "a2", "deltaold")
    _store(bulk, "Feed A", "a2", "deltanew")  # a pending item updated before it was indexed
    bulk.index_pending()
    assert _found(normal, "deltaold") == 0 and _found(normal, "deltanew") == 1
    _index_matches_items(path)
    # Deleting rows, indexed or pending, leaves neither stale index entries nor a queue entry.
    _store(bulk, "Feed A", "a3", "echopending")
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("DELETE FROM items WHERE title LIKE '%charlienew%' OR title LIKE '%echopending%'")
    conn.close()
    assert normal.status().search_pending == 0
    assert _found(normal, "charlienew") == 0
    _index_matches_items(path)


def test_marking_read_does_not_touch_the_index(stores: tuple[Store, Store, Path]) -> None:
    _bulk, normal, path = stores
    _store(normal, "Feed A", "a1", "foxtrot")
    conn = sqlite3.connect(path)
    triggers = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"))
    conn.close()
    assert "UPDATE OF title, summary, content ON items" in triggers["items_search_update"]
    (row,) = normal.items(ItemFilter(text="foxtrot", state="all"))
    normal.set_read([row.id], True)
    normal.set_flagged([row.id], True)
    assert _found(normal, "foxtrot") == 1
    _index_matches_items(path)


@pytest.mark.parametrize("seed", range(4))
def test_random_writes_from_both_stores(stores: tuple[Store, Store, Path], seed: int) -> None:
    bulk, normal, path = stores
    rng = random.Random(seed)
    version: dict[str, int] = {}
    pending: set[str] = set()
    for _step in range(120):
        action = rng.random()
        if action < 0.6:
            writer = rng.choice((bulk, normal))
            identity = f"i{rng.randrange(25)}"
            old = version.get(identity)
            version[identity] = (old or 0) + 1
            _store(writer, "Feed A", identity, f"w{identity}v{version[identity]}")
            if writer is normal:
                pending.clear()
            elif old is None:
                pending.add(identity)
        elif action < 0.8 and version:
            word = f"w{(identity := rng.choice(sorted(version)))}v{version[identity]}"
            rows = normal.items(ItemFilter(state="all"))
            target = [r.id for r in rows if word in r.title]
            normal.set_read(target, rng.random() < 0.5)
            pending.clear()
        else:
            bulk.index_pending()
            pending.clear()
        for identity, current in version.items():
            assert _found(normal, f"w{identity}v{current}") == (identity not in pending)
            for old_version in range(1, current):
                assert _found(normal, f"w{identity}v{old_version}") == 0
    bulk.index_pending()
    _index_matches_items(path)
