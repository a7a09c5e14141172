"""ItemFilter → a WHERE clause with parameters. The only place item queries are put together."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from briefing.core.models import ItemFilter, SortOrder
from briefing.store.codec import iso

ORDER_BY: dict[SortOrder, str] = {
    "newest": "items.sort_at DESC, items.id DESC",
    "oldest": "items.sort_at ASC, items.id ASC",
    "relevance": "items.relevance DESC, items.sort_at DESC, items.id DESC",
    "title": "items.title COLLATE NOCASE ASC, items.id ASC",
}

_STATE_SQL = {
    "active": "items.dismissed = 0",
    "unread": "items.dismissed = 0 AND items.read = 0",
    "read": "items.dismissed = 0 AND items.read = 1",
    "flagged": "items.dismissed = 0 AND items.flagged = 1",
    "dismissed": "items.dismissed = 1",
    "all": "",
}

_TOKEN = re.compile(r'"[^"]*"|[^\s"]+')
_FTS_SPECIAL = re.compile(r'["*^():{}\[\]+\-]')


def fts_query(text: str) -> str:
    """User text → a safe FTS5 query: words AND-ed, "quoted phrases" kept, the last word a prefix.

    Nothing the user types is read as FTS5 syntax, so a stray quote or `NEAR(` cannot error.
    """
    parts: list[str] = []
    tokens = _TOKEN.findall(text)
    for index, token in enumerate(tokens):
        if token.startswith('"') and token.endswith('"') and len(token) > 1:
            phrase = _FTS_SPECIAL.sub(" ", token[1:-1]).strip()
            if phrase:
                parts.append(f'"{phrase}"')
            continue
        pieces = _FTS_SPECIAL.sub(" ", token).split()
        for number, piece in enumerate(pieces):
            last = index == len(tokens) - 1 and number == len(pieces) - 1
            parts.append(f'"{piece}"' + ("*" if last and len(piece) >= 2 else ""))
    return " ".join(parts)


def placeholders(values: Sequence[Any]) -> str:
    return ", ".join("?" for _ in values)


def where(
    f: ItemFilter,
    actor_ids: Sequence[str] | None = None,
    *,
    place_ids: Sequence[str] | None = None,
) -> tuple[str, list[Any]]:
    """Build `WHERE …` for `f`. `actor_ids` and `place_ids` are the filter's actors and places
    already resolved to ids."""
    clauses: list[str] = []
    params: list[Any] = []
    state = _STATE_SQL[f.state]
    if state:
        clauses.append(state)
    if f.text.strip():
        query = fts_query(f.text)
        if query:
            clauses.append("items.id IN (SELECT rowid FROM items_fts WHERE items_fts MATCH ?)")
            params.append(query)
    if f.actors:
        ids = list(actor_ids or ())
        if not ids:
            clauses.append("0")
        else:
            clauses.append(
                f"items.id IN (SELECT item_id FROM item_actors WHERE actor_id IN ({placeholders(ids)}))"
            )
            params.extend(ids)
    if f.tags:
        clauses.append(
            "items.id IN (SELECT item_tags.item_id FROM item_tags JOIN tags ON tags.id = "
            f"item_tags.tag_id WHERE tags.name IN ({placeholders(f.tags)}))"
        )
        params.extend(f.tags)
    if f.feeds:
        marks = placeholders(f.feeds)
        # A UNION of two indexed look-ups; `feed IN … OR id IN …` made SQLite scan every item.
        clauses.append(
            f"items.id IN (SELECT id FROM items WHERE feed IN ({marks}) "
            f"UNION SELECT item_id FROM item_sources WHERE feed IN ({marks}))"
        )
        params.extend(f.feeds)
        params.extend(f.feeds)
    if f.since is not None:
        clauses.append("items.sort_at >= ?")
        params.append(iso(f.since))
    if f.until is not None:
        clauses.append("items.sort_at < ?")
        params.append(iso(f.until))
    if f.kinds:
        clauses.append(f"items.kind IN ({placeholders(f.kinds)})")
        params.extend(f.kinds)
    if f.ids:
        clauses.append(f"items.id IN ({placeholders(f.ids)})")
        params.extend(f.ids)
    if f.events:
        clauses.append(f"items.event_type IN ({placeholders(f.events)})")
        params.extend(f.events)
    if f.places:
        ids = list(place_ids or ())
        if not ids:
            clauses.append("0")
        else:
            clauses.append(
                f"items.id IN (SELECT item_id FROM item_places WHERE place_id IN ({placeholders(ids)}))"
            )
            params.extend(ids)
    return (" AND ".join(clauses) if clauses else "1"), params
