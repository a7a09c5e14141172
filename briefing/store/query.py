"""ItemFilter → a WHERE clause with parameters. The only place item queries are put together."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from briefing.core.errors import SearchSyntaxError
from briefing.core.models import ItemFilter, SortOrder
from briefing.core.search import AllOf, AnyOf, Node, Not, Term, parse_search, split_qualifiers
from briefing.core.text import tag_key
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


def fts_query(node: Node) -> str:
    """A parsed search (see `briefing.core.search`) as an FTS5 MATCH expression.

    Every term is a quoted FTS5 string of its normalised text (quotes doubled), so nothing the
    analyst typed is read as FTS5 syntax; the operators and parentheses are written here. `node`
    must match by something an item contains: a query of negations only is handled by
    `search_clause` as "every item but".
    """
    if isinstance(node, Term):
        quoted = '"' + node.normalised.replace('"', '""') + '"'
        return quoted + "*" if node.prefix else quoted
    if isinstance(node, AnyOf):
        return "(" + " OR ".join(fts_query(p) for p in node.parts) + ")"
    if isinstance(node, Not):  # pragma: no cover - parse_search never builds this
        raise SearchSyntaxError("search: an exclusion needs something to exclude it from")
    found = [fts_query(p) for p in node.parts if not isinstance(p, Not)]
    excluded = [fts_query(p.part) for p in node.parts if isinstance(p, Not)]
    if not found:  # pragma: no cover - parse_search refuses it inside OR; search_clause at the top
        raise SearchSyntaxError("search: an exclusion needs something to exclude it from")
    expression = "(" + " AND ".join(found) + ")"
    if excluded:
        expression = f"({expression} NOT ({' OR '.join(excluded)}))"
    return expression


def search_clause(text: str) -> tuple[str, list[Any]] | None:
    """The SQL condition for a search box's text; None when there is nothing to search for.

    Raises:
        SearchSyntaxError: the text is not a valid search (one line for the user).
    """
    node = parse_search(text)
    if node is None:
        return None
    negatives = node.parts if isinstance(node, AllOf) else (node,)
    if all(isinstance(p, Not) for p in negatives):
        # Only exclusions (`-sport`): every item but those; FTS5 has no unary NOT.
        excluded = " OR ".join(fts_query(p.part) for p in negatives if isinstance(p, Not))
        return (f"items.id NOT IN ({_MATCH})", [excluded])
    return (f"items.id IN ({_MATCH})", [fts_query(node)])


_MATCH = "SELECT rowid FROM items_fts WHERE items_fts MATCH ?"


def placeholders(values: Sequence[Any]) -> str:
    return ", ".join("?" for _ in values)


def where(
    f: ItemFilter,
    actor_ids: Sequence[str] | None = None,
    now: datetime | None = None,
    *,
    place_ids: Sequence[str] | None = None,
    search_place_ids: Sequence[str] | None = None,
) -> tuple[str, list[Any]]:
    """Build `WHERE …` for `f`. `actor_ids` and `place_ids` are the filter's actors and places
    already resolved to ids (`search_place_ids`: the search's `place:` words'); `now` resolves a relative window (`f.within`), at the moment of
    the query."""
    if f.within is not None:
        f = f.resolved(now or datetime.now(UTC))
    clauses: list[str] = []
    params: list[Any] = []
    state = _STATE_SQL[f.state]
    if state:
        clauses.append(state)
    search = search_clause(f.text) if f.text.strip() else None
    if search is not None:
        clauses.append(search[0])
        params.extend(search[1])
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
            f"item_tags.tag_id WHERE tags.name_key IN ({placeholders(f.tags)}))"
        )
        params.extend(tag_key(tag) for tag in f.tags)
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
    if f.tagged is not None:
        exists = "EXISTS (SELECT 1 FROM item_tags WHERE item_tags.item_id = items.id)"
        clauses.append(exists if f.tagged == "any" else f"NOT {exists}")
    if f.kinds:
        clauses.append(f"items.kind IN ({placeholders(f.kinds)})")
        params.extend(f.kinds)
    if f.ids:
        clauses.append(f"items.id IN ({placeholders(f.ids)})")
        params.extend(f.ids)
    # The panel's events and places, then the search's `event:` and `place:` words: each a
    # narrowing of its own (any of its values), so both must hold.
    qualified = split_qualifiers(f.text) if f.text else None
    for events in (f.events, qualified.events if qualified else ()):
        if events:
            clauses.append(f"items.event_type IN ({placeholders(events)})")
            params.extend(events)
    for names, resolved in (
        (f.places, place_ids),
        (qualified.places if qualified else (), search_place_ids),
    ):
        if names:
            found = list(resolved or ())
            if not found:
                clauses.append("0")
            else:
                clauses.append(
                    "items.id IN (SELECT item_id FROM item_places WHERE place_id IN "
                    f"({placeholders(found)}))"
                )
                params.extend(found)
    return (" AND ".join(clauses) if clauses else "1"), params
