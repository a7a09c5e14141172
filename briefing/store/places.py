"""Places as the store keeps them: synced from the place gazetteer, per item, counted for lists and maps.

Places are their own facet (issue 12): never in `item_actors`' listings, always in `item_places`
with the event's place marked primary.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Sequence
from datetime import datetime, timedelta

from briefing.core.models import ItemFilter, PlaceCount, PlaceInfo, Tagged
from briefing.core.text import fold
from briefing.store.base import StoreBase
from briefing.store.codec import iso, json_list, json_strings
from briefing.store.items import ItemsMixin

_JSON = json.JSONEncoder(ensure_ascii=False)

PlaceRow = tuple[str, str, str, int, str]
"""One place of an item as stored: place id, name, region, primary (0/1), surfaces (JSON)."""


def place_rows(t: Tagged) -> tuple[PlaceRow, ...]:
    """An item's places as rows, once each (a place named twice keeps its primary mark)."""
    rows: dict[str, PlaceRow] = {}
    for p in t.locations:
        old = rows.get(p.place_id)
        primary = int(p.primary or bool(old and old[3]))
        rows[p.place_id] = (p.place_id, p.name, p.region, primary, json_strings(p.surfaces))
    return tuple(rows.values())


def replace_places(
    conn: sqlite3.Connection,
    item_id: int,
    places: Sequence[PlaceRow],
    known: set[str],
    *,
    fresh: bool = False,
) -> None:
    """Replace an item's place rows; `fresh` says the item was just inserted (has none).

    A place the places table does not know yet (the gazetteer is synced by the caller) gets a
    minimal row, so the item's place is never lost.
    """
    if not fresh:
        conn.execute("DELETE FROM item_places WHERE item_id = ?", (item_id,))
    if places:
        conn.executemany(
            "INSERT INTO item_places (item_id, place_id, is_primary, surfaces) VALUES (?, ?, ?, ?)",
            new_places(conn, item_id, places, known),
        )


def new_places(
    conn: sqlite3.Connection, item_id: int, places: Sequence[PlaceRow], known: set[str]
) -> list[tuple[int, str, int, str]]:
    """Item `item_id`'s item_places rows, a place unknown to the table given a row first."""
    for place_id, name, region, _, _ in places:
        if place_id not in known:
            conn.execute(
                "INSERT OR IGNORE INTO places (id, name, region) VALUES (?, ?, ?)",
                (place_id, name, region),
            )
            known.add(place_id)
    return [(item_id, pid, primary, surfaces) for pid, _, _, primary, surfaces in places]


class PlacesMixin(ItemsMixin, StoreBase):
    """The places table and per-place counts (`briefing places`, the places facet, the map)."""

    def sync_places(self, places: Sequence[PlaceInfo]) -> None:
        """Make the places table match the gazetteer. Cheap when nothing changed (a hash check)."""
        rows = [
            (
                p.id,
                p.name,
                p.region,
                p.district,
                p.kind,
                p.lat,
                p.lon,
                _JSON.encode(list(p.aliases)),
            )
            for p in places
        ]
        digest = hashlib.sha256(_JSON.encode(rows).encode()).hexdigest()
        row = self._db().execute("SELECT value FROM meta WHERE key = 'places_hash'").fetchone()
        if (row and row[0] == digest) or self.read_only:
            return
        with self._write() as db:
            # Upsert, not replace: items keep citing a place that left the gazetteer until a
            # retag decides what they name.
            db.conn.executemany(
                "INSERT INTO places (id, name, region, district, kind, lat, lon, aliases) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name, "
                "region = excluded.region, district = excluded.district, kind = excluded.kind, "
                "lat = excluded.lat, lon = excluded.lon, aliases = excluded.aliases",
                rows,
            )
            db.conn.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('places_hash', ?)", (digest,)
            )

    def places(self) -> list[PlaceInfo]:
        """Every place the store knows, by name."""
        rows = (
            self._db()
            .execute(
                "SELECT id, name, region, district, kind, lat, lon, aliases FROM places "
                "ORDER BY name COLLATE NOCASE"
            )
            .fetchall()
        )
        return [_info(r) for r in rows]

    def place(self, id_or_name: str) -> PlaceInfo | None:
        """A place by id, name or alias (case- and accent-insensitive)."""
        ids = self.resolve_place_ids([id_or_name])
        if not ids:
            return None
        exact = [i for i in ids if fold(i) == fold(id_or_name)]
        row = (
            self._db()
            .execute(
                "SELECT id, name, region, district, kind, lat, lon, aliases FROM places WHERE id = ?",
                [(exact or ids)[0]],
            )
            .fetchone()
        )
        return _info(row) if row else None

    def place_counts(
        self, f: ItemFilter | None = None, *, now: datetime | None = None
    ) -> list[PlaceCount]:
        """Every place named by an item under `f`, with counts (24 h, 7 days, all, as the event's
        place) and coordinates: `briefing places`, the places screen and its map."""
        now = now or self.clock()
        clause, params = self._where(f or ItemFilter())
        rows = (
            self._db()
            .execute(
                "SELECT p.id, p.name, p.region, sum(i.sort_at > ?), sum(i.sort_at > ?), count(*) AS n, "
                "sum(ip.is_primary), p.lat, p.lon FROM item_places ip "
                "JOIN places p ON p.id = ip.place_id JOIN items i ON i.id = ip.item_id "
                f"WHERE ip.item_id IN (SELECT items.id FROM items WHERE {clause}) "
                "GROUP BY p.id ORDER BY n DESC, p.name",
                [iso(now - timedelta(hours=24)), iso(now - timedelta(days=7)), *params],
            )
            .fetchall()
        )
        return [
            PlaceCount(
                id=r[0],
                name=r[1],
                region=r[2] or "",
                last_24h=int(r[3] or 0),
                last_7d=int(r[4] or 0),
                total=int(r[5]),
                primary=int(r[6] or 0),
                lat=r[7],
                lon=r[8],
            )
            for r in rows
        ]


def _info(r: Sequence[object]) -> PlaceInfo:
    return PlaceInfo(
        id=str(r[0]),
        name=str(r[1]),
        region=str(r[2] or ""),
        district=str(r[3] or ""),
        kind=str(r[4] or "town"),
        lat=float(r[5]) if isinstance(r[5], int | float) else None,
        lon=float(r[6]) if isinstance(r[6], int | float) else None,
        aliases=json_list(r[7] if isinstance(r[7], str) else None),
    )
