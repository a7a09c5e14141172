"""Reading items: pages of rows for the list, full details for the reading pane and exports, facets."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

from briefing.core.models import (
    ActorMention,
    Entry,
    EventVerdict,
    Facet,
    Facets,
    ItemDetail,
    ItemFilter,
    ItemRow,
    PlaceMention,
    SortOrder,
)
from briefing.core.search import split_qualifiers
from briefing.core.text import fold
from briefing.store import query
from briefing.store.codec import event_type_of, json_list, parse_iso, reasons_from_json, require_iso
from briefing.store.fulltext import FullTextMixin

ROW_COLUMNS = (
    "items.id, items.title, items.feed, items.sort_at, items.url, items.kind, items.read, "
    "items.flagged, items.dismissed, items.relevance, items.event_type, items.story_id"
)
_DETAIL_COLUMNS = (
    ROW_COLUMNS + ", items.summary, items.content, items.author, items.canonical_url, "
    "items.language, items.first_seen_at, items.reasons, items.authors_details, "
    "items.event_reasons, items.story_reasons"
)
ACTOR_NOT_PLACE = "(a.kind != 'place' OR a.acts = 1)"
"""Places are never listed as actors, except those that act as factions (`acts: true`)."""

_STATE_LABELS = (
    ("active", "Active"),
    ("unread", "Unread"),
    ("read", "Read"),
    ("flagged", "Flagged"),
    ("dismissed", "Dismissed"),
    ("all", "All"),
)


class ItemsMixin(FullTextMixin):
    """Queries over items. Every method takes an ItemFilter; none writes."""

    def resolve_actor_ids(self, names: Sequence[str]) -> list[str]:
        """Actor ids for ids, canonical names or aliases (case-insensitive)."""
        if not names:
            return []
        wanted = {n.casefold() for n in names}
        ids: list[str] = []
        for row in self._db().execute("SELECT id, name, aliases FROM actors").fetchall():
            keys = {row[0].casefold(), (row[1] or "").casefold()}
            keys.update(a.casefold() for a in json_list(row[2]))
            if keys & wanted:
                ids.append(row[0])
        return ids

    def resolve_place_ids(self, names: Sequence[str]) -> list[str]:
        """Place ids for ids, names or aliases (case- and accent-insensitive)."""
        if not names:
            return []
        wanted = {fold(n) for n in names}
        ids: list[str] = []
        for row in self._db().execute("SELECT id, name, aliases FROM places").fetchall():
            keys = {fold(row[0]), fold(row[1] or "")}
            keys.update(fold(a) for a in json_list(row[2]))
            if keys & wanted:
                ids.append(row[0])
        return ids

    def _where(self, f: ItemFilter) -> tuple[str, list[Any]]:
        searched = split_qualifiers(f.text).places if f.text else ()
        return query.where(
            f,
            self.resolve_actor_ids(f.actors) if f.actors else None,
            self.clock(),
            place_ids=self.resolve_place_ids(f.places) if f.places else None,
            search_place_ids=self.resolve_place_ids(searched) if searched else None,
        )

    def items(
        self,
        f: ItemFilter = ItemFilter(),
        *,
        sort: SortOrder = "newest",
        limit: int = 200,
        offset: int = 0,
    ) -> list[ItemRow]:
        """One page of the item list under `f`."""
        clause, params = self._where(f)
        sql = (
            f"SELECT {ROW_COLUMNS} FROM items WHERE {clause} "
            f"ORDER BY {query.ORDER_BY[sort]} LIMIT ? OFFSET ?"
        )
        rows = self._db().execute(sql, [*params, limit, offset]).fetchall()
        return self._rows(rows)

    def count(self, f: ItemFilter = ItemFilter()) -> int:
        clause, params = self._where(f)
        return int(
            self._db().execute(f"SELECT count(*) FROM items WHERE {clause}", params).fetchone()[0]
        )

    def position(
        self, item_id: int, f: ItemFilter = ItemFilter(), *, sort: SortOrder = "newest"
    ) -> int | None:
        """Where `item_id` sits in the list under `f` (for keeping the cursor after a refresh)."""
        clause, params = self._where(f)
        sql = (
            f"SELECT rn FROM (SELECT items.id AS id, row_number() OVER (ORDER BY {query.ORDER_BY[sort]}) "
            f"- 1 AS rn FROM items WHERE {clause}) WHERE id = ?"
        )
        row = self._db().execute(sql, [*params, item_id]).fetchone()
        return None if row is None else int(row[0])

    def item(self, item_id: int) -> ItemDetail | None:
        """One item with everything the reading pane shows, its fetched article text included."""
        details = self._details(
            f"SELECT {_DETAIL_COLUMNS} FROM items WHERE items.id = ?", [item_id]
        )
        return self.with_full_text(details[0]) if details else None

    def items_detail(
        self, f: ItemFilter = ItemFilter(), *, sort: SortOrder = "newest", limit: int | None = None
    ) -> list[ItemDetail]:
        """Full details of every item under `f` (exports and briefs)."""
        clause, params = self._where(f)
        sql = f"SELECT {_DETAIL_COLUMNS} FROM items WHERE {clause} ORDER BY {query.ORDER_BY[sort]}"
        if limit is not None:
            sql += " LIMIT ?"
            params = [*params, limit]
        return self._details(sql, params)

    def seed(self) -> ItemDetail | None:
        """The seed article, if the database holds it."""
        return next(
            iter(
                self._details(f"SELECT {_DETAIL_COLUMNS} FROM items WHERE is_seed = 1 LIMIT 1", [])
            ),
            None,
        )

    def facets(self, f: ItemFilter = ItemFilter(), limit: int = 50) -> Facets:
        """Counts per actor, tag, feed and triage state under `f` (each facet ignores itself)."""
        db = self._db()
        clause, params = self._where(_without(f, "actors"))
        actors = db.execute(
            "SELECT a.id, a.name, count(*) AS n FROM item_actors ia JOIN actors a ON a.id = ia.actor_id "
            f"WHERE {ACTOR_NOT_PLACE} AND ia.item_id IN (SELECT items.id FROM items WHERE {clause}) "
            "GROUP BY a.id ORDER BY n DESC, a.name LIMIT ?",
            [*params, limit],
        ).fetchall()
        clause, params = self._where(_without(f, "tags"))
        tags = db.execute(
            "SELECT t.name, count(*) AS n FROM item_tags it JOIN tags t ON t.id = it.tag_id "
            f"WHERE it.item_id IN (SELECT items.id FROM items WHERE {clause}) "
            "GROUP BY t.id ORDER BY n DESC, t.name LIMIT ?",
            [*params, limit],
        ).fetchall()
        clause, params = self._where(_without(f, "feeds"))
        feeds = db.execute(
            f"SELECT items.feed, count(*) AS n FROM items WHERE {clause} "
            "GROUP BY items.feed ORDER BY n DESC, items.feed LIMIT ?",
            [*params, limit],
        ).fetchall()
        clause, params = self._where(replace(f, state="all"))
        state_row = db.execute(
            "SELECT sum(dismissed = 0), sum(dismissed = 0 AND read = 0), sum(dismissed = 0 AND read = 1), "
            f"sum(dismissed = 0 AND flagged = 1), sum(dismissed = 1), count(*) FROM items WHERE {clause}",
            params,
        ).fetchone()
        states = tuple(
            Facet(value, label, int(state_row[i] or 0))
            for i, (value, label) in enumerate(_STATE_LABELS)
        )
        clause, params = self._where(_without(f, "events"))
        events = db.execute(
            f"SELECT items.event_type, count(*) AS n FROM items WHERE {clause} "
            "GROUP BY items.event_type ORDER BY n DESC, items.event_type LIMIT ?",
            [*params, limit],
        ).fetchall()
        clause, params = self._where(_without(f, "places"))
        places = db.execute(
            "SELECT p.id, p.name, count(*) AS n FROM item_places ip JOIN places p ON p.id = ip.place_id "
            f"WHERE ip.item_id IN (SELECT items.id FROM items WHERE {clause}) "
            "GROUP BY p.id ORDER BY n DESC, p.name LIMIT ?",
            [*params, limit],
        ).fetchall()
        return Facets(
            actors=tuple(Facet(r[0], r[1], r[2]) for r in actors),
            tags=tuple(Facet(r[0], r[0], r[1]) for r in tags),
            feeds=tuple(Facet(r[0], r[0], r[1]) for r in feeds),
            states=states,
            events=tuple(Facet(r[0], r[0].replace("_", " "), r[1]) for r in events),
            places=tuple(Facet(r[0], r[1], r[2]) for r in places),
        )

    def iter_entries(self) -> Iterator[tuple[int, Entry]]:
        """Every stored item as an Entry (for `briefing retag`), in id order, in batches."""
        last = 0
        while True:
            rows = (
                self._db()
                .execute(f"{_ENTRY_SELECT} WHERE id > ? ORDER BY id LIMIT 1000", [last])
                .fetchall()
            )
            if not rows:
                return
            for r in rows:
                last = r[0]
                yield r[0], _entry(r)

    def entry(self, item_id: int) -> Entry | None:
        """One stored item as an Entry, to tag it again (after its article text was fetched)."""
        row = self._db().execute(f"{_ENTRY_SELECT} WHERE id = ?", [item_id]).fetchone()
        return _entry(row) if row is not None else None

    # -- assembling rows ---------------------------------------------------------------------

    def _rows(self, rows: Sequence[Any]) -> list[ItemRow]:
        ids = [r[0] for r in rows]
        extras = self._extras(ids)
        return [self._row(r, extras) for r in rows]

    def _row(self, r: Any, extras: _Extras) -> ItemRow:
        item_id = r[0]
        feed = r[2]
        return ItemRow(
            id=item_id,
            title=r[1],
            feed=feed,
            published=require_iso(r[3]),
            url=r[4],
            kind="article" if r[5] == "article" else "feed",
            read=bool(r[6]),
            flagged=bool(r[7]),
            dismissed=bool(r[8]),
            relevance=float(r[9] or 0.0),
            actors=tuple(m.name for m in extras.mentions.get(item_id, ())),
            tags=extras.tags.get(item_id, ()),
            also_in=tuple(s for s in extras.sources.get(item_id, ()) if s != feed),
            has_note=item_id in extras.notes,
            event_type=event_type_of(r[10]),
            story_id=r[11],
        )

    def _details(self, sql: str, params: Sequence[Any]) -> list[ItemDetail]:
        rows = self._db().execute(sql, list(params)).fetchall()
        extras = self._extras([r[0] for r in rows])
        out: list[ItemDetail] = []
        for r in rows:
            out.append(
                ItemDetail(
                    row=self._row(r, extras),
                    summary=r[12] or "",
                    content=r[13] or "",
                    author=r[14],
                    canonical_url=r[15],
                    language=r[16],
                    fetched_at=require_iso(r[17] or r[3]),
                    note=extras.notes.get(r[0], ""),
                    reasons=reasons_from_json(r[18]),
                    mentions=extras.mentions.get(r[0], ()),
                    authors_details=r[19] or "",
                    event=EventVerdict(event_type_of(r[10]), json_list(r[20])),
                    places=extras.places.get(r[0], ()),
                    story_reasons=json_list(r[21]),
                )
            )
        return out

    def _extras(self, ids: Sequence[int]) -> _Extras:
        extras = _Extras()
        if not ids:
            return extras
        db = self._db()
        # Chunked: SQLite caps the number of parameters in one statement.
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            marks = query.placeholders(chunk)
            mentions: dict[int, list[ActorMention]] = defaultdict(list)
            for item_id, actor_id, name, count, surfaces in db.execute(
                "SELECT ia.item_id, ia.actor_id, a.name, ia.mentions, ia.surfaces FROM item_actors ia "
                f"JOIN actors a ON a.id = ia.actor_id WHERE ia.item_id IN ({marks}) "
                f"AND {ACTOR_NOT_PLACE} "
                # Who before where: places that act come after the other actors of an item.
                "ORDER BY ia.item_id, a.kind = 'place', ia.mentions DESC, a.name",
                chunk,
            ):
                mentions[item_id].append(ActorMention(actor_id, name, count, json_list(surfaces)))
            extras.mentions.update({k: tuple(v) for k, v in mentions.items()})
            tags: dict[int, list[str]] = defaultdict(list)
            for item_id, name in db.execute(
                "SELECT it.item_id, t.name FROM item_tags it JOIN tags t ON t.id = it.tag_id "
                f"WHERE it.item_id IN ({marks}) ORDER BY it.item_id, t.name COLLATE NOCASE",
                chunk,
            ):
                tags[item_id].append(name)
            extras.tags.update({k: tuple(v) for k, v in tags.items()})
            sources: dict[int, list[str]] = defaultdict(list)
            for item_id, feed in db.execute(
                f"SELECT item_id, feed FROM item_sources WHERE item_id IN ({marks}) "
                "ORDER BY item_id, seen_at, feed",
                chunk,
            ):
                if feed not in sources[item_id]:
                    sources[item_id].append(feed)
            extras.sources.update({k: tuple(v) for k, v in sources.items()})
            for item_id, body in db.execute(
                f"SELECT item_id, body FROM notes WHERE item_id IN ({marks})", chunk
            ):
                extras.notes[item_id] = body
            places: dict[int, list[PlaceMention]] = defaultdict(list)
            for item_id, place_id, name, region, surfaces, primary in db.execute(
                "SELECT ip.item_id, ip.place_id, p.name, p.region, ip.surfaces, ip.is_primary "
                f"FROM item_places ip JOIN places p ON p.id = ip.place_id WHERE ip.item_id IN ({marks}) "
                "ORDER BY ip.item_id, ip.is_primary DESC, p.name",
                chunk,
            ):
                places[item_id].append(
                    PlaceMention(place_id, name, region or "", json_list(surfaces), bool(primary))
                )
            extras.places.update({k: tuple(v) for k, v in places.items()})
        return extras


_ENTRY_SELECT = (
    "SELECT id, identity, feed, title, url, canonical_url, summary, "
    # The article fetched from the item's page is its body when it is longer than what the
    # feed sent: retagging keeps what the longer text revealed.
    "(SELECT CASE WHEN length(f.text) > length(coalesce(items.content, '')) THEN f.text END "
    "FROM item_fulltext f WHERE f.item_id = items.id AND f.status = 'ok'), content, author, "
    "published_at, language, kind FROM items"
)


def _entry(r: Any) -> Entry:
    return Entry(
        identity=r[1] or str(r[0]),
        feed=r[2],
        title=r[3],
        url=r[4],
        canonical_url=r[5],
        summary=r[6] or "",
        content=r[7] or r[8] or "",
        author=r[9],
        published=parse_iso(r[10]),
        language=r[11],
        kind="article" if r[12] == "article" else "feed",
    )


class _Extras:
    """Per-item lists fetched in bulk for one page: actors, tags, sources, notes, places."""

    def __init__(self) -> None:
        self.mentions: dict[int, tuple[ActorMention, ...]] = {}
        self.tags: dict[int, tuple[str, ...]] = {}
        self.sources: dict[int, tuple[str, ...]] = {}
        self.notes: dict[int, str] = {}
        self.places: dict[int, tuple[PlaceMention, ...]] = {}


def _without(f: ItemFilter, field: str) -> ItemFilter:
    empty = ItemFilter()
    return replace(f, **{field: getattr(empty, field)})
