"""Actors as the store keeps them: synced from the gazetteer, counted over time for the actors screen."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime, timedelta

from briefing.core.models import ActorCount, ActorInfo, ActorKind, ItemFilter
from briefing.store.base import StoreBase
from briefing.store.codec import iso, json_list
from briefing.store.items import ACTOR_NOT_PLACE, ItemsMixin

SPARK_DAYS = 30


class ActorsMixin(ItemsMixin, StoreBase):
    """The actors table and per-actor counts."""

    def sync_actors(self, actors: Sequence[ActorInfo]) -> None:
        """Make the actors table match the gazetteer. Cheap when nothing changed (a hash check)."""
        payload = json.dumps(
            [
                [a.id, a.name, a.kind, list(a.aliases), list(a.affiliations), a.description, a.acts]
                for a in actors
            ],
            ensure_ascii=False,
        )
        digest = hashlib.sha256(payload.encode()).hexdigest()
        db = self._db()
        row = db.execute("SELECT value FROM meta WHERE key = 'actors_hash'").fetchone()
        if row and row[0] == digest:
            return
        if self.read_only:
            return
        with self._write() as db:
            db.table("actors").upsert_all(
                (
                    {
                        "id": a.id,
                        "name": a.name,
                        "kind": a.kind,
                        "aliases": json.dumps(list(a.aliases), ensure_ascii=False),
                        "affiliations": json.dumps(list(a.affiliations), ensure_ascii=False),
                        "description": a.description,
                        "acts": int(a.acts),
                    }
                    for a in actors
                ),
                pk="id",
            )
            # Actors gone from the gazetteer keep their rows while items still cite them, so a
            # retag (not a sync) decides what an item mentions.
            db.table("meta").upsert({"key": "actors_hash", "value": digest}, pk="key")

    def actors(self) -> list[ActorInfo]:
        """Every actor, places that only locate an event left out (they are `places()`)."""
        rows = (
            self._db()
            .execute(
                "SELECT id, name, kind, aliases, affiliations, description, acts FROM actors a "
                f"WHERE {ACTOR_NOT_PLACE} ORDER BY name COLLATE NOCASE"
            )
            .fetchall()
        )
        return [_info(r) for r in rows]

    def actor(self, id_or_name: str) -> ActorInfo | None:
        """An actor by id, canonical name or alias (case-insensitive)."""
        ids = self.resolve_actor_ids([id_or_name])
        if not ids:
            return None
        exact = [i for i in ids if i.casefold() == id_or_name.casefold()]
        row = (
            self._db()
            .execute(
                "SELECT id, name, kind, aliases, affiliations, description, acts FROM actors WHERE id = ?",
                [(exact or ids)[0]],
            )
            .fetchone()
        )
        return _info(row) if row else None

    def actor_counts(
        self, f: ItemFilter | None = None, *, now: datetime | None = None
    ) -> list[ActorCount]:
        """Every actor mentioned under `f`: counts for 24 h, 7 days, all time, and 30 daily counts."""
        now = now or self.clock()
        clause, params = self._where(f or ItemFilter())
        day0 = (now - timedelta(days=SPARK_DAYS - 1)).date()
        db = self._db()
        rows = db.execute(
            "SELECT a.id, a.name, a.kind, count(*) AS total, sum(i.sort_at > ?), sum(i.sort_at > ?) "
            "FROM item_actors ia JOIN actors a ON a.id = ia.actor_id "
            "JOIN items i ON i.id = ia.item_id "
            f"WHERE {ACTOR_NOT_PLACE} AND ia.item_id IN (SELECT items.id FROM items WHERE {clause}) "
            "GROUP BY a.id ORDER BY total DESC, a.name",
            [iso(now - timedelta(hours=24)), iso(now - timedelta(days=7)), *params],
        ).fetchall()
        daily: dict[str, list[int]] = {}
        for actor_id, day, n in db.execute(
            "SELECT ia.actor_id, substr(i.sort_at, 1, 10) AS day, count(*) FROM item_actors ia "
            "JOIN items i ON i.id = ia.item_id "
            f"WHERE i.sort_at >= ? AND ia.item_id IN (SELECT items.id FROM items WHERE {clause}) "
            "GROUP BY ia.actor_id, day",
            [day0.isoformat(), *params],
        ):
            series = daily.setdefault(actor_id, [0] * SPARK_DAYS)
            index = (datetime.fromisoformat(day).date() - day0).days
            if 0 <= index < SPARK_DAYS:
                series[index] += n
        return [
            ActorCount(
                id=r[0],
                name=r[1],
                kind=r[2],
                total=r[3],
                last_24h=int(r[4] or 0),
                last_7d=int(r[5] or 0),
                daily=tuple(daily.get(r[0], [0] * SPARK_DAYS)),
            )
            for r in rows
        ]


def _info(r: Sequence[str]) -> ActorInfo:
    kind: ActorKind = r[2] if r[2] in _KINDS else "organisation"  # type: ignore[assignment]
    return ActorInfo(
        id=r[0],
        name=r[1],
        kind=kind,
        aliases=json_list(r[3]),
        affiliations=json_list(r[4]),
        description=r[5] or "",
        acts=bool(r[6]),
    )


_KINDS = {"person", "armed_group", "government", "state", "organisation", "company", "place"}
