"""Feed tags on items: feeds.yaml's `tags` added to every item of the feed (m007).

A feed tag is an ordinary `item_tags` row — it filters, shows, counts and exports like any
tag — marked `source = 'feed'`, so it stays distinguishable from the analyst's own tags
(`'analyst'`). When the analyst removes a feed tag from an item, `removed_feed_tags`
remembers it, and neither a later fetch nor `briefing retag` puts it back; adding the tag to
the item again by hand forgets that. `retag` also takes off feed tags that no feed of the item
carries any more (a tag deleted from feeds.yaml); the analyst's own tags are never touched.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence

from briefing.core.errors import StoreError
from briefing.core.text import clean_line, tag_key, tag_too_long

FEED = "feed"
ANALYST = "analyst"

_ITEM_FEEDS = "SELECT id AS item_id, feed FROM items UNION SELECT item_id, feed FROM item_sources"
"""Every (item, feed) pair: the feed that first carried the item, and every other that did."""


def clean_tag(tag: str) -> str:
    """Tags are single lines; commas separate tags in the UI, so none inside one."""
    return clean_line(tag.replace(",", " "))


def normalise_tag(tag: str) -> str:
    """`tag` cleaned, to be given to items.

    Raises:
        StoreError: the tag is longer than `MAX_TAG_CHARS` (refused, never cut).
    """
    name = clean_tag(tag)
    problem = tag_too_long(name)
    if problem is not None:
        raise StoreError(f"tag {problem}")
    return name


def tag_id(conn: sqlite3.Connection, name: str) -> int:
    """The id of tag `name` whatever its case (`tag_key`, m014), created with this spelling
    when missing. Inside a transaction."""
    key = tag_key(name)
    row = conn.execute("SELECT id FROM tags WHERE name_key = ?", (key,)).fetchone()
    if row is not None:
        return int(row[0])
    cursor = conn.execute("INSERT INTO tags (name, name_key) VALUES (?, ?)", (name, key))
    return int(cursor.lastrowid or 0)


def stored_feed_tags(conn: sqlite3.Connection) -> dict[str, tuple[str, ...]]:
    """Each feed's tags as feeds.yaml last gave them (`feeds.tags`)."""
    return {
        name: tuple(str(t) for t in json.loads(tags or "[]"))
        for name, tags in conn.execute("SELECT name, tags FROM feeds")
    }


def feed_tag_ids(conn: sqlite3.Connection, feed: str) -> list[int]:
    """The tag ids of one feed's configured tags (tags created when missing)."""
    row = conn.execute("SELECT tags FROM feeds WHERE name = ?", (feed,)).fetchone()
    names = json.loads(row[0] or "[]") if row else []
    return _ids(conn, names)


def _ids(conn: sqlite3.Connection, names: Sequence[str]) -> list[int]:
    unique = [n for n in dict.fromkeys(normalise_tag(str(t)) for t in names) if n]
    return list(dict.fromkeys(tag_id(conn, n) for n in unique))


def tag_items(
    conn: sqlite3.Connection, item_ids: Sequence[int], tags: Sequence[int], now: str
) -> None:
    """Give `item_ids` the feed tags `tags`, except where the analyst removed one."""
    if not item_ids or not tags:
        return
    conn.executemany(
        "INSERT OR IGNORE INTO item_tags (item_id, tag_id, created_at, source) "
        "SELECT ?1, ?2, ?3, 'feed' WHERE NOT EXISTS "
        "(SELECT 1 FROM removed_feed_tags WHERE item_id = ?1 AND tag_id = ?2)",
        [(item, tag, now) for item in item_ids for tag in tags],
    )


def sync_all(
    conn: sqlite3.Connection, tags_by_feed: Mapping[str, Sequence[str]], now: str
) -> tuple[int, int]:
    """Bring every item's feed tags in line with `tags_by_feed` (feed name → tags).

    Returns (added, removed). Removals the analyst made stay removed; analyst tags stay.
    """
    pairs = [[feed, t] for feed, names in tags_by_feed.items() for t in _ids(conn, names)]
    wanted = (
        "WITH wanted (feed, tag_id) AS (SELECT json_extract(value, '$[0]'), "
        "json_extract(value, '$[1]') FROM json_each(?)), "
        f"item_feeds (item_id, feed) AS ({_ITEM_FEEDS}) "
    )
    document = json.dumps(pairs, ensure_ascii=False)
    conn.execute(
        wanted + "INSERT OR IGNORE INTO item_tags (item_id, tag_id, created_at, source) "
        "SELECT DISTINCT f.item_id, w.tag_id, ?, 'feed' FROM item_feeds f "
        "JOIN wanted w ON w.feed = f.feed WHERE NOT EXISTS (SELECT 1 FROM removed_feed_tags r "
        "WHERE r.item_id = f.item_id AND r.tag_id = w.tag_id)",
        (document, now),
    )
    added = _changes(conn)
    # Per feed-tag row, indexed look-ups (items by id, item_sources by item) over the few
    # wanted pairs, rather than the whole item/feed union once per row.
    conn.execute(
        "WITH wanted (feed, tag_id) AS (SELECT json_extract(value, '$[0]'), "
        "json_extract(value, '$[1]') FROM json_each(?)) "
        "DELETE FROM item_tags WHERE source = 'feed' AND NOT EXISTS (SELECT 1 FROM wanted w "
        "WHERE w.tag_id = item_tags.tag_id AND (w.feed = (SELECT feed FROM items WHERE "
        "items.id = item_tags.item_id) OR EXISTS (SELECT 1 FROM item_sources s WHERE "
        "s.item_id = item_tags.item_id AND s.feed = w.feed)))",
        (document,),
    )
    return added, _changes(conn)


def _changes(conn: sqlite3.Connection) -> int:
    # Cursor.rowcount stays -1 for a statement that starts with WITH.
    return int(conn.execute("SELECT changes()").fetchone()[0])
