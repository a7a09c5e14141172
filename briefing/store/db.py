"""The Store: the per-domain mixins assembled behind one object, and `briefing status`'s figures."""

from __future__ import annotations

import functools
import inspect
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from briefing.core.models import StoreStatus
from briefing.store.actors import ActorsMixin
from briefing.store.base import StoreBase, damaged, is_corruption
from briefing.store.briefs import BriefsMixin
from briefing.store.fulltext import FullTextMixin
from briefing.store.ingest import IngestMixin, RetagSummary
from briefing.store.items import ACTOR_NOT_PLACE, ItemsMixin
from briefing.store.migrations import SCHEMA_VERSION
from briefing.store.opening import Opened, open_database
from briefing.store.places import PlacesMixin
from briefing.store.session import SessionMixin
from briefing.store.shared import open_shared
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
    SessionMixin,
    StoreBase,
):
    """One SQLite database behind a typed API. Split into per-domain mixins; add methods there."""

    @classmethod
    def open(
        cls, path: str | Path, *, read_only: bool = False, create: bool = True, shared: bool = True
    ) -> Store:
        """Open `path` (":memory:" for tests): created when missing, migrated when older.

        A file this process already has open gives the same store (store/shared.py), whatever
        `read_only` asks: its holders share it, and each one's `close()` gives its share back.

        Args:
            create: False for a command that only reads: a missing file is an error, and
                nothing (file or folder) is created.
            shared: False for a store of its own, whose settings (`defer_search_index`, …)
                reach no other holder: tests that play two processes in one. Still safe: the
                file is only opened through SQLite, which shares its locks between connections.

        Raises:
            StoreError: not a SQLite file (left untouched), from a newer briefing, or missing
                with `create=False`.
            CorruptDatabaseError: the file is damaged (nothing is written to it).
        """
        if str(path) == ":memory:" or not shared:
            return cls._from(open_database(path, read_only=read_only, create=create))
        return open_shared(
            Path(path).expanduser(),
            lambda: cls._from(open_database(path, read_only=read_only, create=create)),
            cls,
        )

    @classmethod
    def _from(cls, opened: Opened) -> Store:
        return cls(
            opened.uri,
            opened.path,
            read_only=opened.read_only,
            notice=opened.notice,
            keeper=opened.keeper,
            copy_dir=opened.copy_dir,
        )

    def holds_nothing_but_the_seed(self) -> bool:
        """Only the schema and at most the seed record: all that opening a new file writes.
        A command that created the file and then failed removes it (cli/_common.py)."""
        row = (
            self._db()
            .execute(
                "SELECT (SELECT count(*) FROM items WHERE is_seed = 0) + "
                "(SELECT count(*) FROM fetch_runs) + (SELECT count(*) FROM tags) + "
                "(SELECT count(*) FROM notes) + (SELECT count(*) FROM views)"
            )
            .fetchone()
        )
        return int(row[0]) == 0

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


# -- damage found by a query -----------------------------------------------------------------
# `PRAGMA quick_check` on open catches a damaged file up to opening.QUICK_CHECK_MAX_BYTES.
# Beyond that, or when the damage comes later, the query that meets it raises the same one
# line as the check would have, instead of a traceback.


def _refusing_damage(method: Callable[..., Any]) -> Callable[..., Any]:
    if inspect.isgeneratorfunction(method):

        @functools.wraps(method)
        def generator(self: StoreBase, *args: Any, **kwargs: Any) -> Iterator[Any]:
            try:
                yield from method(self, *args, **kwargs)
            except sqlite3.DatabaseError as error:
                if is_corruption(error):
                    raise damaged(self.path, str(error)) from error
                raise

        return generator

    @functools.wraps(method)
    def call(self: StoreBase, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.DatabaseError as error:
            if is_corruption(error):
                raise damaged(self.path, str(error)) from error
            raise

    return call


_NOT_QUERIES = frozenset({"close", "share", "unshare", "write_error"})


def _refuse_damage_in_queries(cls: type[StoreBase]) -> None:
    names = {
        name
        for klass in cls.__mro__
        if klass.__module__.startswith("briefing.store")
        for name, member in vars(klass).items()
        if not name.startswith("_") and inspect.isfunction(member) and name not in _NOT_QUERIES
    }
    for name in names:
        setattr(cls, name, _refusing_damage(inspect.getattr_static(cls, name)))


_refuse_damage_in_queries(Store)
