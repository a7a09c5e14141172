"""Feed tags reach items: at store time, by the migration and by `retag`; a removal sticks."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from click.testing import CliRunner
from sqlite_utils import Database

from briefing.cli import main
from briefing.core.models import FeedSpec, FetchOutcome, ItemFilter
from briefing.store import Store
from briefing.store.migrations import migrations
from tests.conftest import tagged

HERALD = FeedSpec("Libya Herald", "https://herald.example/rss", tags=("libya-media", "english"))
WIRE = FeedSpec("World Wire", "https://wire.example/rss", tags=("wire",))


def _store(store: Store, feed: FeedSpec, *titles: str, url: str | None = None) -> None:
    items = [tagged(t, feed=feed.name, identity=t, url=url) for t in titles]
    store.store_feed(FetchOutcome(feed=feed.name, status="ok"), items)


def _tags(store: Store) -> dict[str, tuple[str, ...]]:
    return {r.title: r.tags for r in store.items(ItemFilter(state="all"))}


def test_new_items_get_their_feeds_tags(store: Store) -> None:
    store.sync_feeds([HERALD, WIRE])
    _store(store, HERALD, "Herald story", url="https://herald.example/1")
    _store(store, WIRE, "Wire story")
    assert _tags(store) == {"Herald story": ("english", "libya-media"), "Wire story": ("wire",)}
    assert store.count(ItemFilter(tags=("libya-media",))) == 1  # was 0: stayed in feeds.tags
    # The same story from another feed is one item, carried by both: it gets both feeds' tags.
    _store(store, WIRE, "Herald story as the wire tells it", url="https://herald.example/1")
    assert _tags(store)["Herald story"] == ("english", "libya-media", "wire")


def test_an_analyst_removing_a_feed_tag_sticks(store: Store) -> None:
    store.sync_feeds([HERALD])
    _store(store, HERALD, "First")
    (row,) = store.items()
    before = store.triage([row.id])
    store.remove_tags([row.id], ["libya-media"])
    assert _tags(store)["First"] == ("english",)
    # Neither a fetch that sees the item again nor `retag` puts it back.
    _store(store, HERALD, "First")
    store.retag([], {})
    assert _tags(store)["First"] == ("english",)
    # Undo brings it back as the feed's tag (retag, which drops stale feed tags, keeps it).
    store.restore(before)
    assert _tags(store)["First"] == ("english", "libya-media")
    store.retag([], {})
    assert _tags(store)["First"] == ("english", "libya-media")
    # Removed, then added back by hand: the analyst's own tag, kept whatever feeds.yaml says.
    store.remove_tags([row.id], ["libya-media"])
    store.add_tags([row.id], ["libya-media"])
    summary = store.retag([], {HERALD.name: ()})
    assert _tags(store)["First"] == ("libya-media",)
    assert (summary.feed_tags_added, summary.feed_tags_removed) == (0, 1)


def test_retag_follows_feeds_yaml(store: Store) -> None:
    store.sync_feeds([HERALD])
    _store(store, HERALD, "One", "Two")
    (first, _second) = store.items()
    store.add_tags([first.id], ["escalation"])
    summary = store.retag([], {HERALD.name: ("libya-media", "arabic")})
    assert (summary.feed_tags_added, summary.feed_tags_removed) == (2, 2)  # +arabic, -english
    assert set(_tags(store).values()) == {
        ("arabic", "escalation", "libya-media"),
        ("arabic", "libya-media"),
    }


def test_the_migration_tags_existing_items(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    db = Database(conn)
    migrations.apply(db, stop_before="m007_feed_tags_on_items")
    conn.execute(
        "INSERT INTO feeds (name, url, tags) VALUES ('Libya Herald', 'https://h.example', "
        '\'["libya-media", "Escalation"]\')'
    )
    conn.execute("INSERT INTO tags (id, name) VALUES (1, 'escalation')")
    for item_id, feed in ((1, "Libya Herald"), (2, "Other")):
        conn.execute(
            "INSERT INTO items (id, feed, identity, title, sort_at) VALUES (?, ?, ?, 'x', '2026')",
            [item_id, feed, str(item_id)],
        )
    conn.execute(
        "INSERT INTO item_sources (feed, identity, item_id) VALUES ('Libya Herald', 'o', 2)"
    )
    conn.execute("INSERT INTO item_tags (item_id, tag_id, created_at) VALUES (1, 1, '2025')")
    conn.close()
    Store.open(path).close()
    check = sqlite3.connect(path)
    rows = check.execute(
        "SELECT it.item_id, t.name, it.source FROM item_tags it JOIN tags t ON t.id = it.tag_id "
        "ORDER BY it.item_id, t.name"
    ).fetchall()
    check.close()
    assert rows == [
        (1, "escalation", "analyst"),  # the analyst's tag stays theirs
        (1, "libya-media", "feed"),
        (2, "escalation", "feed"),  # carried by the feed as a second source
        (2, "libya-media", "feed"),
    ]


def test_export_by_feed_tag_on_the_demo(tmp_path: Path) -> None:
    from briefing.update.demo import build_demo

    db = tmp_path / "demo.db"
    store = Store.open(db)
    try:
        build_demo(store, None)
    finally:
        store.close()
    config = tmp_path / "feeds.yaml"
    config.write_text("feeds: []\n", encoding="utf-8")
    result = CliRunner().invoke(
        main,
        [
            "--config",
            str(config),
            "--db",
            str(db),
            "export",
            "--tag",
            "libya-media",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    assert '"items": []' not in result.stdout and '"libya-media"' in result.stdout


def test_tags_are_one_whatever_their_case_in_any_script(store: Store) -> None:
    store.sync_feeds([FeedSpec("Herald", "https://h.example/rss", tags=("ÉLAN",))])
    _store(store, FeedSpec("Herald", "https://h.example/rss"), "One", "Two")
    rows = {row.title: row for row in store.items()}
    first, second = rows["One"], rows["Two"]
    store.add_tags([first.id], ["Élan", "Ὀδυσσεύς"])
    store.add_tags([second.id], ["élan", "ὀδυσσεύς"])
    # One tag each: the feed's "ÉLAN" (created first) and the analyst's spellings are one.
    assert {t.value: t.count for t in store.tags()} == {"ÉLAN": 2, "Ὀδυσσεύς": 2}
    assert store.count(ItemFilter(tags=("élan",))) == 2
    assert store.count(ItemFilter(tags=("ὈΔΥΣΣΕΎΣ",))) == 2
    store.remove_tags([first.id], ["élan", "ὀδυσσεύς"])
    assert _tags(store) == {"One": (), "Two": ("ÉLAN", "Ὀδυσσεύς")}
    # The feed tag the analyst removed, under another case, stays removed.
    store.retag([], {"Herald": ("Élan",)})
    assert _tags(store)["One"] == ()


def test_the_migration_merges_tags_that_differ_only_in_case(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    db = Database(conn)
    migrations.apply(db, stop_before="m014_tag_names_casefolded")
    conn.execute(
        "INSERT INTO feeds (name, url, tags) VALUES ('Herald', 'https://h.example', '[\"élan\"]')"
    )
    for item_id in range(1, 7):
        conn.execute(
            "INSERT INTO items (id, feed, identity, title, sort_at) "
            "VALUES (?, 'Herald', ?, ?, '2026')",
            [item_id, str(item_id), f"item {item_id}"],
        )
    # Spellings SQLite's NOCASE (ASCII only) keeps apart, and one unrelated tag.
    conn.executemany(
        "INSERT INTO tags (id, name) VALUES (?, ?)",
        [(1, "Élan"), (2, "élan"), (3, "Straße"), (4, "STRASSE"), (5, "oil")],
    )
    conn.executemany(
        "INSERT INTO item_tags (item_id, tag_id, created_at, source) VALUES (?, ?, ?, ?)",
        [
            (1, 1, "2025-01-02", "analyst"),
            (2, 1, "2025-01-05", "feed"),  # the same item under two spellings: one row,
            (2, 2, "2025-01-01", "feed"),  # with the first date
            (3, 4, "2025-01-03", "analyst"),
            (3, 5, "2025-01-03", "analyst"),
            (5, 3, "2025-01-04", "analyst"),
            (6, 1, "2025-01-02", "feed"),  # the analyst's claim wins over the feed's
            (6, 2, "2025-01-01", "analyst"),
        ],
    )
    # Removed feed tags follow the merge; item 1 has the tag by hand, so its removal is moot.
    conn.executemany(
        "INSERT INTO removed_feed_tags (item_id, tag_id, removed_at) VALUES (?, 2, 'x')",
        [(1,), (4,)],
    )
    conn.close()
    store = Store.open(path)
    try:
        assert {t.value: t.count for t in store.tags()} == {"Élan": 3, "Straße": 2, "oil": 1}
        check = store._db().conn
        rows = check.execute(
            "SELECT it.item_id, t.name, it.source, it.created_at FROM item_tags it "
            "JOIN tags t ON t.id = it.tag_id ORDER BY it.item_id, t.name"
        ).fetchall()
        assert rows == [
            (1, "Élan", "analyst", "2025-01-02"),
            (2, "Élan", "feed", "2025-01-01"),
            (3, "oil", "analyst", "2025-01-03"),  # tags.name sorts without case (NOCASE)
            (3, "Straße", "analyst", "2025-01-03"),
            (5, "Straße", "analyst", "2025-01-04"),
            (6, "Élan", "analyst", "2025-01-01"),
        ]
        assert check.execute("SELECT item_id, tag_id FROM removed_feed_tags").fetchall() == [(4, 1)]
        assert store.count(ItemFilter(tags=("strasse",), state="all")) == 2
        store.retag([], {"Herald": ("ÉLAN",)})
        assert store.count(ItemFilter(tags=("élan",), state="all")) == 5  # item 4's stays off
    finally:
        store.close()


def test_a_tag_over_the_limit_is_refused_never_cut(store: Store) -> None:
    import pytest

    from briefing.core.errors import StoreError
    from briefing.core.models import MAX_TAG_CHARS

    _store(store, HERALD, "One")
    (row,) = store.items()
    with pytest.raises(StoreError, match=f"a tag has at most {MAX_TAG_CHARS} — shorten it"):
        store.add_tags([row.id], ["ok", "x" * (MAX_TAG_CHARS + 1)])
    assert _tags(store)["One"] == ()  # nothing of the refused call was written
    store.add_tags([row.id], ["x" * MAX_TAG_CHARS])
    assert _tags(store)["One"] == ("x" * MAX_TAG_CHARS,)
    # Naming a longer tag to take off is no error: no tag can have that name.
    store.remove_tags([row.id], ["x" * (MAX_TAG_CHARS + 5)])
    assert _tags(store)["One"] == ("x" * MAX_TAG_CHARS,)
