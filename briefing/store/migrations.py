"""The schema, as an ordered list of sqlite-utils migrations: one function per change, never edited.

A new schema change is a new function at the end. `SCHEMA_VERSION` is the number of migrations;
a database that has applied migrations this list does not know comes from a newer briefing and
is refused rather than misread.
"""

from __future__ import annotations

import json
import unicodedata
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlite_utils import Database, Migrations

from briefing.core.search import search_copy
from briefing.core.text import clean_line

migrations = Migrations("briefing")


@migrations()
def m001_initial(db: Database) -> None:
    """Feeds, items with their provenance, actors, tags, notes, views, the fetch log, FTS5."""
    db.table("feeds").create(
        {
            "name": str,
            "url": str,
            "config_url": str,
            "title": str,
            "language": str,
            "tags": str,
            "enabled": int,
            "refresh_minutes": int,
            "relevance": str,
            "in_config": int,
            "etag": str,
            "last_modified": str,
            "last_status": str,
            "last_http_status": int,
            "last_error": str,
            "last_fetched_at": str,
            "next_fetch_at": str,
            "error_count": int,
        },
        pk="name",
        not_null={"url", "enabled", "error_count"},
        defaults={"enabled": 1, "error_count": 0, "in_config": 1, "tags": "[]"},
    )
    db.table("items").create(
        {
            "id": int,
            "kind": str,
            "feed": str,
            "identity": str,
            "url": str,
            "canonical_url": str,
            "title": str,
            "summary": str,
            "content": str,
            "author": str,
            "authors_details": str,
            "published_at": str,
            "first_seen_at": str,
            "sort_at": str,
            "updated_at": str,
            "language": str,
            "relevance": float,
            "reasons": str,
            "relevant": int,
            "title_key": str,
            "is_seed": int,
            "read": int,
            "flagged": int,
            "dismissed": int,
        },
        pk="id",
        not_null={"kind", "feed", "title", "sort_at", "read", "flagged", "dismissed", "is_seed"},
        defaults={
            "kind": "feed",
            "summary": "",
            "content": "",
            "authors_details": "",
            "relevance": 0.0,
            "reasons": "[]",
            "relevant": 1,
            "is_seed": 0,
            "read": 0,
            "flagged": 0,
            "dismissed": 0,
        },
    )
    items = db.table("items")
    items.create_index(["sort_at"])
    items.create_index(["dismissed", "sort_at"])
    items.create_index(["canonical_url"])
    items.create_index(["title_key"])
    items.create_index(["feed"])
    items.create_index(["is_seed"])

    db.table("item_sources").create(
        {"feed": str, "identity": str, "item_id": int, "url": str, "seen_at": str},
        pk=("feed", "identity"),
        foreign_keys=[("item_id", "items", "id")],
    )
    db.table("item_sources").create_index(["item_id"])

    db.table("actors").create(
        {
            "id": str,
            "name": str,
            "kind": str,
            "aliases": str,
            "affiliations": str,
            "description": str,
        },
        pk="id",
    )
    db.table("item_actors").create(
        {"item_id": int, "actor_id": str, "mentions": int, "surfaces": str},
        pk=("item_id", "actor_id"),
        foreign_keys=[("item_id", "items", "id")],
    )
    db.table("item_actors").create_index(["actor_id", "item_id"])

    db.execute(
        "CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE COLLATE NOCASE)"
    )
    db.table("item_tags").create(
        {"item_id": int, "tag_id": int, "created_at": str},
        pk=("item_id", "tag_id"),
        foreign_keys=[("item_id", "items", "id"), ("tag_id", "tags", "id")],
    )
    db.table("item_tags").create_index(["tag_id", "item_id"])

    db.table("notes").create(
        {"item_id": int, "body": str, "updated_at": str},
        pk="item_id",
        foreign_keys=[("item_id", "items", "id")],
    )
    db.table("views").create(
        {"name": str, "filter": str, "created_at": str, "updated_at": str}, pk="name"
    )
    db.table("fetch_runs").create(
        {
            "id": int,
            "run_id": str,
            "feed": str,
            "started_at": str,
            "status": str,
            "http_status": int,
            "error": str,
            "seen": int,
            "kept": int,
            "dropped": int,
            "new": int,
            "updated": int,
            "elapsed": float,
        },
        pk="id",
    )
    db.table("fetch_runs").create_index(["feed", "started_at"])
    db.table("fetch_runs").create_index(["started_at"])
    db.table("dropped_items").create(
        {
            "feed": str,
            "identity": str,
            "run_id": str,
            "title": str,
            "summary": str,
            "url": str,
            "published_at": str,
            "language": str,
            "score": float,
            "reasons": str,
        },
        pk=("feed", "identity"),
    )
    db.table("meta").create({"key": str, "value": str}, pk="key")

    # unicode61 with diacritics removed: "Salame" finds "Salamé"; Arabic script tokenises too.
    items.enable_fts(
        ["title", "summary", "content"],
        fts_version="FTS5",
        create_triggers=True,
        tokenize="unicode61 remove_diacritics 2",
    )


@migrations()
def m002_feed_site_and_source_lookup(db: Database) -> None:
    """Feeds remember their site's address; items are found by source feed without a scan."""
    db.table("feeds").add_column("site_url", str)
    db.table("item_sources").create_index(["feed", "seen_at"])


@migrations()
def m003_state_and_source_indexes(db: Database) -> None:
    """Unread counts and feed filters use an index instead of a scan (100k items: 187 -> 5 ms)."""
    db.table("items").create_index(["dismissed", "read", "sort_at"])
    db.table("item_sources").create_index(["feed", "item_id"])


@migrations()
def m004_dropped_items_per_feed(db: Database) -> None:
    """A feed's dropped items as one JSON row per feed: one write per fetch instead of one per
    item (they outnumber the kept items about three to one). Existing rows are carried over."""
    db.table("dropped_feeds").create({"feed": str, "run_id": str, "items": str}, pk="feed")
    rows = db.execute(
        "SELECT feed, identity, run_id, title, summary, url, published_at, language, score, "
        "reasons FROM dropped_items ORDER BY feed"
    ).fetchall()
    by_feed: dict[str, tuple[str, list[list[Any]]]] = {}
    for feed, identity, run_id, title, summary, url, published, language, score, reasons in rows:
        terms = [
            [r["term"], r["field"], r["weight"], r["note"]] for r in json.loads(reasons or "[]")
        ]
        entry = [identity, title, summary, url, published, language, score, terms]
        by_feed.setdefault(feed, (run_id or "", []))[1].append(entry)
    for feed, (run_id, items) in by_feed.items():
        db.execute(
            "INSERT INTO dropped_feeds (feed, run_id, items) VALUES (?, ?, ?)",
            [feed, run_id, json.dumps(items, ensure_ascii=False)],
        )
    db.execute("DROP TABLE dropped_items")


@migrations()
def m005_search_index_in_batches(db: Database) -> None:
    """New items wait in `fts_pending` and are added to the search index in batches.

    FTS5 pays a fixed cost of about 0.8 ms per transaction that inserts into it, more than the
    rest of a feed's write; indexing a whole fetch's items at once costs a tenth of that. The
    store indexes the pending items before every commit, except in a bulk writer (a fetch's
    worker), whose run indexes them once at the end. Until then, a pending item is stored but
    not yet found by text search. The update and delete triggers touch the index only for items
    it holds, and only when the text changed (marking an item read no longer re-indexes it).
    """
    for name in ("items_ai", "items_ad", "items_au"):
        db.execute(f"DROP TRIGGER IF EXISTS [{name}]")
    db.execute("CREATE TABLE fts_pending (item_id INTEGER PRIMARY KEY)")
    db.execute(
        "CREATE TRIGGER items_search_pending AFTER INSERT ON items BEGIN "
        "INSERT INTO fts_pending (item_id) VALUES (new.id); END"
    )
    db.execute(
        "CREATE TRIGGER items_search_delete AFTER DELETE ON items BEGIN "
        "INSERT INTO items_fts (items_fts, rowid, title, summary, content) "
        "SELECT 'delete', old.id, old.title, old.summary, old.content "
        "WHERE NOT EXISTS (SELECT 1 FROM fts_pending WHERE item_id = old.id); "
        "DELETE FROM fts_pending WHERE item_id = old.id; END"
    )
    db.execute(
        "CREATE TRIGGER items_search_update AFTER UPDATE OF title, summary, content ON items "
        "WHEN NOT EXISTS (SELECT 1 FROM fts_pending WHERE item_id = old.id) BEGIN "
        "INSERT INTO items_fts (items_fts, rowid, title, summary, content) "
        "VALUES ('delete', old.id, old.title, old.summary, old.content); "
        "INSERT INTO items_fts (rowid, title, summary, content) "
        "VALUES (new.id, new.title, new.summary, new.content); END"
    )


@migrations()
def m006_declared_foreign_keys(db: Database) -> None:
    """Declare the links a reader of the schema expects (Datasette then shows an actor's name
    beside its id): `item_actors.actor_id` → `actors.id` and `fetch_runs.feed` → `feeds.name`,
    beside the item links m001 declared. The store already kept both (an actor it does not know
    gets a minimal row; a feed's row exists before its fetch-log row); a row an older version
    left without its parent gets a minimal one here first, so nothing is lost. Not declared:
    `items.feed` and `item_sources.feed` (an imported article's outlet is no configured feed) and
    `dropped_feeds.feed` (written before a new feed's row, in the same transaction)."""
    db.execute(
        "INSERT INTO actors (id, name, kind, aliases, affiliations, description) "
        "SELECT DISTINCT actor_id, actor_id, 'organisation', '[]', '[]', '' FROM item_actors "
        "WHERE actor_id NOT IN (SELECT id FROM actors)"
    )
    db.execute(
        "INSERT INTO feeds (name, url, enabled, error_count, in_config) "
        "SELECT DISTINCT feed, '', 1, 0, 0 FROM fetch_runs "
        "WHERE feed IS NOT NULL AND feed NOT IN (SELECT name FROM feeds)"
    )
    db.add_foreign_keys(
        [("item_actors", "actor_id", "actors", "id"), ("fetch_runs", "feed", "feeds", "name")]
    )


@migrations()
def m007_feed_tags_on_items(db: Database) -> None:
    """A feed's tags (feeds.yaml `tags`) reach its items, marked apart from the analyst's own.

    `item_tags.source` is `'analyst'` (every tag so far) or `'feed'`; `removed_feed_tags`
    remembers a feed tag the analyst took off an item, so that it is not put back (see
    `briefing.store.feedtags`). Every stored item gets the tags its feeds (the first and every
    other that carried it) have in the feeds table.
    """
    db.execute("ALTER TABLE item_tags ADD COLUMN source TEXT NOT NULL DEFAULT 'analyst'")
    db.execute(
        "CREATE TABLE removed_feed_tags (item_id INTEGER NOT NULL REFERENCES items (id) "
        "ON DELETE CASCADE, tag_id INTEGER NOT NULL REFERENCES tags (id), removed_at TEXT, "
        "PRIMARY KEY (item_id, tag_id))"
    )
    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    for feed, tags in db.execute("SELECT name, tags FROM feeds").fetchall():
        names = json.loads(tags or "[]")
        for name in dict.fromkeys(clean_line(str(n).replace(",", " "), 64) for n in names):
            if not name:
                continue
            row = db.execute("SELECT id FROM tags WHERE name = ?", [name]).fetchone()
            tag = (
                row[0]
                if row
                else db.execute("INSERT INTO tags (name) VALUES (?)", [name]).lastrowid
            )
            db.execute(
                "INSERT OR IGNORE INTO item_tags (item_id, tag_id, created_at, source) "
                "SELECT item_id, ?, ?, 'feed' FROM (SELECT id AS item_id FROM items WHERE "
                "feed = ? UNION SELECT item_id FROM item_sources WHERE feed = ?)",
                [tag, now, feed, feed],
            )


@migrations()
def m008_relative_date_windows(db: Database) -> None:
    """Saved views keep a relative date window ("the last 7 days") instead of a frozen time.

    A view's filter gains `within` (`"7d"`), resolved each time the view runs. A view saved
    before this had its date chip turned into an absolute `since`: where that `since` lies one
    of the app's windows (24 hours, 7 or 30 days) before the moment the view was saved (within
    an hour), with no `until`, it becomes that window again. Other dates stay as they were.
    """
    windows = {"1d": timedelta(days=1), "7d": timedelta(days=7), "30d": timedelta(days=30)}
    rows = db.execute("SELECT name, filter, updated_at FROM views").fetchall()
    for name, text, updated_at in rows:
        try:
            data = json.loads(text)
            saved = datetime.fromisoformat(updated_at)
            since = datetime.fromisoformat(data["since"]) if data.get("since") else None
        except (TypeError, ValueError, KeyError):
            continue  # not what the store writes: leave it for the analyst
        if since is None or data.get("until") or data.get("within"):
            continue
        for label, back in windows.items():
            if abs((saved - back - since).total_seconds()) <= 3600:
                data.update(since=None, within=label)
                db.execute(
                    "UPDATE views SET filter = ? WHERE name = ?",
                    [json.dumps(data, ensure_ascii=False, sort_keys=True), name],
                )
                break


@migrations()
def m009_view_names_unique_nocase(db: Database) -> None:
    """View names are unique without regard to case: "Escalation" and "escalation" are one name.

    `views.name_key` holds the case-folded name under a unique index. Existing clashes are
    renamed deterministically: in each group the view saved first (then the smaller name by
    code point) keeps its name, the others get " (2)", " (3)", … in the same order.
    """
    db.execute("ALTER TABLE views ADD COLUMN name_key TEXT")
    rows = db.execute(
        "SELECT name, created_at FROM views ORDER BY coalesce(created_at, ''), name"
    ).fetchall()
    taken = {name.casefold() for name, _ in rows}
    seen: set[str] = set()
    for name, _created in rows:
        key = name.casefold()
        new = name
        if key in seen:
            number = 2
            while f"{name} ({number})".casefold() in taken:
                number += 1
            new = f"{name} ({number})"
            key = new.casefold()
            taken.add(key)
        seen.add(key)
        db.execute("UPDATE views SET name = ?, name_key = ? WHERE name = ?", [new, key, name])
    db.execute("CREATE UNIQUE INDEX views_name_key ON views (name_key)")


@migrations()
def m011_search_normalised(db: Database) -> None:
    """Search matches Arabic in a normalised form: "نفط" finds "النفط" (`normalise_for_search`).

    SQLite's Python binding cannot register a custom FTS5 tokenizer, so the index holds a
    normalised copy of the text instead. `items.search_title`, `search_summary` and
    `search_content` keep that copy only where it differs from the text (Arabic items; NULL
    elsewhere, so English text is not stored twice), the view `items_search` gives the index
    its text (the copy, or the text itself), and `items_fts` becomes an external-content index
    over that view. The store writes the copies together with the text they come from, so the
    update trigger, fired by `UPDATE OF title, summary, content`, sees both. A later change to
    `normalise_for_search` needs a migration that rewrites the copies and rebuilds the index.
    """
    for column in ("search_title", "search_summary", "search_content"):
        db.execute(f"ALTER TABLE items ADD COLUMN {column} TEXT")
    last = 0
    while True:
        rows = db.execute(
            "SELECT id, title, summary, content FROM items WHERE id > ? ORDER BY id LIMIT 500",
            [last],
        ).fetchall()
        if not rows:
            break
        for item_id, title, summary, content in rows:
            last = item_id
            copies = [search_copy(title), search_copy(summary), search_copy(content)]
            if any(c is not None for c in copies):
                db.execute(
                    "UPDATE items SET search_title = ?, search_summary = ?, search_content = ? "
                    "WHERE id = ?",
                    [*copies, item_id],
                )
    db.execute("DROP TRIGGER IF EXISTS items_search_update")
    db.execute("DROP TRIGGER IF EXISTS items_search_delete")
    db.execute("DROP TABLE IF EXISTS items_fts")
    db.execute(
        "CREATE VIEW items_search AS SELECT id, coalesce(search_title, title) AS title, "
        "coalesce(search_summary, summary) AS summary, coalesce(search_content, content) AS "
        "content FROM items"
    )
    db.execute(
        "CREATE VIRTUAL TABLE items_fts USING fts5(title, summary, content, "
        "content='items_search', content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
    )
    old = (
        "coalesce(old.search_title, old.title), coalesce(old.search_summary, old.summary), "
        "coalesce(old.search_content, old.content)"
    )
    new = (
        "coalesce(new.search_title, new.title), coalesce(new.search_summary, new.summary), "
        "coalesce(new.search_content, new.content)"
    )
    db.execute(
        "CREATE TRIGGER items_search_delete AFTER DELETE ON items BEGIN "
        "INSERT INTO items_fts (items_fts, rowid, title, summary, content) "
        f"SELECT 'delete', old.id, {old} "
        "WHERE NOT EXISTS (SELECT 1 FROM fts_pending WHERE item_id = old.id); "
        "DELETE FROM fts_pending WHERE item_id = old.id; END"
    )
    db.execute(
        "CREATE TRIGGER items_search_update AFTER UPDATE OF title, summary, content ON items "
        "WHEN NOT EXISTS (SELECT 1 FROM fts_pending WHERE item_id = old.id) BEGIN "
        "INSERT INTO items_fts (items_fts, rowid, title, summary, content) "
        f"VALUES ('delete', old.id, {old}); "
        f"INSERT INTO items_fts (rowid, title, summary, content) VALUES (new.id, {new}); END"
    )
    db.execute(
        "INSERT INTO items_fts (rowid, title, summary, content) "
        "SELECT id, title, summary, content FROM items_search "
        "WHERE id NOT IN (SELECT item_id FROM fts_pending)"
    )


@migrations()
def m012_full_text(db: Database) -> None:
    """The article text fetched from an item's page, kept apart from what the feed sent.

    One row per item that was tried: the text when extraction worked, else the reason it did
    not. Kept in its own table so that a feed refreshing the item never overwrites it.
    """
    db.execute(
        "CREATE TABLE item_fulltext ("
        "item_id INTEGER PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE, "
        "url TEXT NOT NULL, status TEXT NOT NULL, text TEXT NOT NULL DEFAULT '', "
        "reason TEXT NOT NULL DEFAULT '', fetched_at TEXT NOT NULL)"
    )


@migrations()
def m010_events_places_stories(db: Database) -> None:
    """Per item its event type and reasons, its places (the event's place marked) and its story.

    `places` is synced from the place gazetteer like `actors` from actors.yaml. A story's id is
    the id of the item that started it, so it stays put as reports join; every item belongs to
    one (existing items each start their own until `briefing retag` types them). Stories are
    found for a new item by (event type, place, last seen). `actors.acts` marks the places that
    act as factions (Misrata, Zintan): the only places listed among actors.
    """
    conn = db.conn
    conn.execute("ALTER TABLE items ADD COLUMN event_type TEXT NOT NULL DEFAULT 'none'")
    conn.execute("ALTER TABLE items ADD COLUMN event_reasons TEXT NOT NULL DEFAULT '[]'")
    conn.execute("ALTER TABLE items ADD COLUMN story_id INTEGER")
    conn.execute("ALTER TABLE items ADD COLUMN story_reasons TEXT NOT NULL DEFAULT '[]'")
    conn.execute("ALTER TABLE actors ADD COLUMN acts INTEGER NOT NULL DEFAULT 0")
    # The next sync writes `acts` for every actor.
    conn.execute("DELETE FROM meta WHERE key = 'actors_hash'")
    conn.execute(
        "CREATE TABLE places (id TEXT PRIMARY KEY, name TEXT NOT NULL, "
        "region TEXT NOT NULL DEFAULT '', district TEXT NOT NULL DEFAULT '', "
        "kind TEXT NOT NULL DEFAULT 'town', lat REAL, lon REAL, aliases TEXT NOT NULL DEFAULT '[]')"
    )
    conn.execute(
        "CREATE TABLE item_places (item_id INTEGER NOT NULL REFERENCES items(id), "
        "place_id TEXT NOT NULL REFERENCES places(id), is_primary INTEGER NOT NULL DEFAULT 0, "
        "surfaces TEXT NOT NULL DEFAULT '[]', PRIMARY KEY (item_id, place_id))"
    )
    conn.execute(
        "CREATE INDEX idx_item_places_place ON item_places (place_id, is_primary, item_id)"
    )
    conn.execute(
        "CREATE TABLE stories (id INTEGER PRIMARY KEY, event_type TEXT NOT NULL, "
        "place_id TEXT REFERENCES places(id), phase TEXT NOT NULL DEFAULT '', "
        "headline TEXT NOT NULL, headline_item INTEGER, headline_rank REAL NOT NULL DEFAULT 0, "
        "first_seen TEXT NOT NULL, last_seen TEXT NOT NULL, "
        "sources TEXT NOT NULL DEFAULT '[]', languages TEXT NOT NULL DEFAULT '[]', "
        "actors TEXT NOT NULL DEFAULT '[]', numbers TEXT NOT NULL DEFAULT '[]', "
        "spots TEXT NOT NULL DEFAULT '[]', items INTEGER NOT NULL DEFAULT 1)"
    )
    conn.execute("CREATE INDEX idx_stories_find ON stories (event_type, place_id, last_seen)")
    conn.execute("CREATE INDEX idx_items_story ON items (story_id)")
    conn.execute("CREATE INDEX idx_items_event ON items (event_type, sort_at)")
    conn.execute(
        "INSERT INTO stories (id, event_type, headline, headline_item, first_seen, last_seen, "
        "sources, languages) SELECT id, 'none', title, id, sort_at, sort_at, "
        "(SELECT json_group_array(feed) FROM item_sources WHERE item_id = items.id), "
        "CASE WHEN language IS NULL THEN '[]' ELSE json_array(language) END FROM items"
    )
    conn.execute("UPDATE items SET story_id = id")


@migrations()
def m013_briefs(db: Database) -> None:
    """Recorded briefs and their stories (the next brief says what changed), and shared notes.

    A brief's document is its JSON form, so a past brief renders again exactly. A note is the
    analyst's private working note unless marked `shared`: only shared notes reach a client.
    """
    db.execute(
        "CREATE TABLE briefs (id INTEGER PRIMARY KEY, created_at TEXT NOT NULL, "
        "since TEXT NOT NULL, until TEXT NOT NULL, title TEXT NOT NULL, filter_key TEXT NOT NULL, "
        "document TEXT NOT NULL)"
    )
    db.execute("CREATE INDEX idx_briefs_filter ON briefs (filter_key, created_at)")
    db.execute(
        "CREATE TABLE brief_stories (brief_id INTEGER NOT NULL REFERENCES briefs(id) "
        "ON DELETE CASCADE, story_id INTEGER NOT NULL, fingerprint TEXT NOT NULL, "
        "PRIMARY KEY (brief_id, story_id))"
    )
    db.execute("ALTER TABLE notes ADD COLUMN shared INTEGER NOT NULL DEFAULT 0")


@migrations()
def m014_tag_names_casefolded(db: Database) -> None:
    """Tags are one whatever their case in any script: "Élan" and "élan" are one tag.

    `tags.name_key` holds the case-folded name (`briefing.core.text.tag_key`, as it was here)
    under a unique index; the `COLLATE NOCASE` of m001 folded ASCII only. Existing clashes are
    merged into the tag created first, which keeps its spelling: each item keeps the tag once,
    as the analyst's own if any spelling was (else the feed's), with its earliest date; a feed
    tag the analyst had removed under any spelling stays removed, unless the item has the tag.
    """
    conn = db.conn
    conn.execute("ALTER TABLE tags ADD COLUMN name_key TEXT")
    keeper: dict[str, int] = {}
    merges: list[tuple[int, int]] = []  # (merged tag, tag it merges into)
    for tag, name in conn.execute("SELECT id, name FROM tags ORDER BY id").fetchall():
        key = unicodedata.normalize("NFC", str(name).casefold())
        if key in keeper:
            merges.append((tag, keeper[key]))
        else:
            keeper[key] = tag
            conn.execute("UPDATE tags SET name_key = ? WHERE id = ?", [key, tag])
    other = "(SELECT o.{} FROM item_tags o WHERE o.item_id = item_tags.item_id AND o.tag_id = ?1)"
    for old, keep in merges:
        # Items with both spellings: the kept row takes the analyst's claim and the first date
        # (min() of two values is NULL if either is: coalesce both ways first).
        conn.execute(
            "UPDATE item_tags SET source = CASE WHEN "
            f"{other.format('source')} = 'analyst' THEN 'analyst' ELSE source END, "
            f"created_at = min(coalesce(created_at, {other.format('created_at')}), "
            f"coalesce({other.format('created_at')}, created_at)) "
            "WHERE tag_id = ?2 AND item_id IN (SELECT item_id FROM item_tags WHERE tag_id = ?1)",
            [old, keep],
        )
        for table in ("item_tags", "removed_feed_tags"):
            conn.execute(
                f"DELETE FROM {table} WHERE tag_id = ?1 AND item_id IN "
                f"(SELECT item_id FROM {table} WHERE tag_id = ?2)",
                [old, keep],
            )
            conn.execute(f"UPDATE {table} SET tag_id = ?2 WHERE tag_id = ?1", [old, keep])
        # An item that has the tag (by another spelling) has nothing removed any more.
        conn.execute(
            "DELETE FROM removed_feed_tags WHERE tag_id = ?1 AND item_id IN "
            "(SELECT item_id FROM item_tags WHERE tag_id = ?1)",
            [keep],
        )
        conn.execute("DELETE FROM tags WHERE id = ?", [old])
    conn.execute("CREATE UNIQUE INDEX tags_name_key ON tags (name_key)")


@migrations()
def m015_story_reports_by_time(db: Database) -> None:
    """Each story's reports indexed by time, for one row per story without a window.

    The list in story mode keeps an item when no newer report of its story passes the filter;
    with `sort_at` in the index that check is one range read. The old index on `story_id` alone
    is a prefix of this one, so it goes.
    """
    db.execute("CREATE INDEX idx_items_story_sort ON items (story_id, sort_at)")
    db.execute("DROP INDEX idx_items_story")


SCHEMA_VERSION = len(migrations._migrations)
"""How many migrations this version of briefing knows."""

KNOWN_MIGRATIONS = frozenset(m.name for m in migrations._migrations)
