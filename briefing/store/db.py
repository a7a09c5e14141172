"""The Store: the per-domain mixins assembled behind one object, and `briefing status`'s figures."""

from __future__ import annotations

from pathlib import Path

from briefing.core.models import StoreStatus
from briefing.store.actors import ActorsMixin
from briefing.store.base import StoreBase, open_database
from briefing.store.briefs import BriefsMixin
from briefing.store.fulltext import FullTextMixin
from briefing.store.ingest import IngestMixin, RetagSummary
from briefing.store.items import ACTOR_NOT_PLACE, ItemsMixin
from briefing.store.migrations import SCHEMA_VERSION
from briefing.store.places import PlacesMixin
from briefing.store.stories import StoriesMixin
from briefing.store.triage import TriageMixin

__all__ = ["RetagSummary", "Store"]


class Store(
    IngestMixin,
    TriageMixin,
    ActorsMixin,
    PlacesMixin,
    StoriesMixin,
    BriefsMixin,
    ItemsMixin,
    FullTextMixin,
    StoreBase,
):
    """One SQLite database behind a typed API. Split into per-domain mixins; add methods there."""

    @classmethod
    def open(cls, path: str | Path, *, read_only: bool = False) -> Store:
        """Open `path` (":memory:" for tests): created when missing, migrated when older.

        Raises:
            StoreError: not a SQLite file (left untouched), or from a newer briefing.
        """
        opened = open_database(path, read_only=read_only)
        return cls(
            opened.uri,
            opened.path,
            read_only=opened.read_only,
            notice=opened.notice,
            keeper=opened.keeper,
        )

    def status(self) -> StoreStatus:
        db = self._db()

        def scalar(sql: str) -> int:
            return int(db.execute(sql).fetchone()[0] or 0)

        size = 0
        if self.path is not None:
            for suffix in ("", "-wal"):
                part = self.path.with_name(self.path.name + suffix)
                if part.exists():
                    size += part.stat().st_size
        seed = self.seed()
        return StoreStatus(
            path=str(self.path) if self.path else ":memory:",
            size_bytes=size,
            items=scalar("SELECT count(*) FROM items"),
            feeds=scalar("SELECT count(*) FROM feeds WHERE in_config = 1"),
            actors=scalar(
                "SELECT count(DISTINCT ia.actor_id) FROM item_actors ia JOIN actors a "
                f"ON a.id = ia.actor_id WHERE {ACTOR_NOT_PLACE}"
            ),
            tags=scalar("SELECT count(*) FROM tags WHERE id IN (SELECT tag_id FROM item_tags)"),
            last_fetch=self.last_fetch(),
            read_only=self.read_only,
            seed=seed.row if seed else None,
            seed_has_text=bool(seed and seed.content.strip()),
            schema_version=SCHEMA_VERSION,
            search_pending=scalar("SELECT count(*) FROM fts_pending"),
        )
