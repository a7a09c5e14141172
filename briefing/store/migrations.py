"""The schema, as an ordered list of sqlite-utils migrations: one function per change, never edited.

A new schema change is a new function at the end. `SCHEMA_VERSION` is the number of migrations;
a database that has applied migrations this list does not know comes from a newer briefing and
is refused rather than misread.
"""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database, Migrations

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


SCHEMA_VERSION = len(migrations._migrations)
"""How many migrations this version of briefing knows."""

KNOWN_MIGRATIONS = frozenset(m.name for m in migrations._migrations)
