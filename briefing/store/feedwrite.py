"""One feed's look-ups and rows in the writer's transaction, a query or an executemany each.

Storing a feed asked, per item, whether its (feed, identity) is stored, what the item it names
holds, and whether an item has its canonical link or its headline near its time; then wrote
its source, actors and places. Here those questions are asked once for the whole feed (`IN`
lists) before its first item, and the rows written once after its last, with what the feed
itself stored in between kept in view: an identity it gave a source to, a link or headline
of an item it inserted (then that item's look-up runs as before). An item updated in place
(it may change links and headlines, and moves actors and places) ends the batching: what is
waiting is written, and the rest of the feed is stored the plain way, a query per question.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from briefing.intelligence.stories import MIN_TITLE_KEY

_CHUNK = 500
"""Values per `IN` list: well under SQLite's limit on parameters (999 in old builds)."""

Current = tuple[Any, ...]
"""An item's title, summary, content, url and first feed, as stored."""


class FeedWrites:
    """One feed's look-ups (read before its first item) and its rows to write (after its last).

    Args:
        conn: the connection, inside the feed's write transaction.
        items: per item of the feed, (feed, identity, canonical url, title key).
    """

    def __init__(
        self, conn: sqlite3.Connection, items: Sequence[tuple[str, str, str | None, str | None]]
    ) -> None:
        self.conn = conn
        self.plain = False
        """Batching ended (an item was updated): every look-up is a query."""
        self.sources: list[tuple[Any, ...]] = []
        self.actors: list[tuple[Any, ...]] = []
        self.places: list[tuple[Any, ...]] = []
        """Rows of item_sources, item_actors, item_places waiting for `flush`, in order."""
        self._sources: dict[tuple[str, str], int] = {}
        self._current: dict[int, Current] = {}
        self._by_url: dict[str, int] = {}
        self._by_title: dict[str, list[tuple[int, Any]]] = {}
        self._inserted_urls: set[str] = set()
        self._inserted_titles: set[str] = set()
        self._read(items)

    # -- reading -------------------------------------------------------------------------

    def _read(self, items: Sequence[tuple[str, str, str | None, str | None]]) -> None:
        conn = self.conn
        by_feed: dict[str, list[str]] = {}
        for feed, identity, _, _ in items:
            by_feed.setdefault(feed, []).append(identity)
        for feed, identities in by_feed.items():
            for part in _chunks(identities):
                for identity, item_id in conn.execute(
                    "SELECT identity, item_id FROM item_sources WHERE feed = ? AND identity "
                    f"IN ({_marks(part)})",
                    (feed, *part),
                ):
                    self._sources[(feed, identity)] = item_id
        found = list(dict.fromkeys(self._sources.values()))
        for part in _chunks(found):
            for item_id, *current in conn.execute(
                "SELECT id, title, summary, content, url, feed FROM items "
                f"WHERE id IN ({_marks(part)})",
                part,
            ):
                self._current[item_id] = tuple(current)
        # Links and headlines only of the items no source names (the others are not new).
        rest = [
            (url, key)
            for feed, identity, url, key in items
            if (feed, identity) not in self._sources
        ]
        urls = list(dict.fromkeys(url for url, _ in rest if url))
        for part in _chunks(urls):
            for url, item_id in conn.execute(
                "SELECT canonical_url, min(id) FROM items WHERE kind = 'feed' AND canonical_url "
                f"IN ({_marks(part)}) GROUP BY canonical_url",
                part,
            ):
                self._by_url[url] = item_id
        keys = list(dict.fromkeys(key for _, key in rest if key and len(key) >= MIN_TITLE_KEY))
        for part in _chunks(keys):
            for key, item_id, sort_at in conn.execute(
                "SELECT title_key, id, sort_at FROM items WHERE kind = 'feed' AND title_key "
                f"IN ({_marks(part)})",
                part,
            ):
                self._by_title.setdefault(key, []).append((item_id, sort_at))

    def source(self, feed: str, identity: str) -> int | None:
        """The item that (feed, identity) names, if stored."""
        if self.plain:
            row = self.conn.execute(
                "SELECT item_id FROM item_sources WHERE feed = ? AND identity = ?",
                (feed, identity),
            ).fetchone()
            return None if row is None else int(row[0])
        return self._sources.get((feed, identity))

    def current(self, item_id: int) -> Current | None:
        """Item `item_id`'s title, summary, content, url and first feed."""
        held = None if self.plain else self._current.get(item_id)
        if held is not None:
            return held
        # The plain way, also for an item this feed inserted (an identity it repeats).
        row = self.conn.execute(
            "SELECT title, summary, content, url, feed FROM items WHERE id = ?", (item_id,)
        ).fetchone()
        return None if row is None else tuple(row)

    def same_story(
        self, url: str | None, key: str | None, window: tuple[str | None, str | None]
    ) -> int | None:
        """The oldest item of kind 'feed' with canonical link `url`, else with title key `key`
        and sort_at within `window`: an item that is the same report from another outlet."""
        if self.plain:
            return self._same_story_plain(url, key, window)
        if url:
            if url in self._inserted_urls:
                return self._same_story_plain(url, key, window)
            found = self._by_url.get(url)
            if found is not None:
                return found
        if key and len(key) >= MIN_TITLE_KEY:
            if key in self._inserted_titles:
                return self._same_story_plain(None, key, window)
            low, high = window
            if low is None or high is None:
                return None  # BETWEEN NULL matches nothing
            # BETWEEN two texts: only a text in between matches (numbers sort below texts).
            ids = [
                i
                for i, at in self._by_title.get(key, ())
                if isinstance(at, str) and low <= at <= high
            ]
            if ids:
                return min(ids)
        return None

    def _same_story_plain(
        self, url: str | None, key: str | None, window: tuple[str | None, str | None]
    ) -> int | None:
        conn = self.conn
        if url:
            row = conn.execute(
                "SELECT id FROM items WHERE canonical_url = ? AND kind = 'feed' ORDER BY id LIMIT 1",
                (url,),
            ).fetchone()
            if row:
                return int(row[0])
        if key and len(key) >= MIN_TITLE_KEY:
            row = conn.execute(
                "SELECT id FROM items WHERE title_key = ? AND kind = 'feed' AND sort_at BETWEEN ? AND ? "
                "ORDER BY id LIMIT 1",
                (key, *window),
            ).fetchone()
            if row:
                return int(row[0])
        return None

    # -- writing -------------------------------------------------------------------------

    def inserted(self, url: str | None, key: str | None) -> None:
        """The feed inserted an item with this canonical link and title key: a later item with
        either is looked up the plain way (which sees it)."""
        if url:
            self._inserted_urls.add(url)
        if key:
            self._inserted_titles.add(key)

    def add_source(
        self, feed: str, identity: str, item_id: int, url: str | None, seen: str
    ) -> None:
        """(feed, identity) carries item `item_id` (`INSERT OR REPLACE`, written by `flush`)."""
        self.sources.append((feed, identity, item_id, url, seen))
        self._sources[(feed, identity)] = item_id
        if self.plain:
            self.flush()

    def add_rows(
        self, actors: Iterable[tuple[Any, ...]], places: Iterable[tuple[Any, ...]]
    ) -> None:
        """A new item's actor and place rows (written by `flush`)."""
        self.actors.extend(actors)
        self.places.extend(places)
        if self.plain:
            self.flush()

    def end_batching(self) -> None:
        """Write what waits, and look everything up the plain way from here on."""
        self.flush()
        self.plain = True

    def flush(self) -> None:
        conn = self.conn
        if self.sources:
            conn.executemany(
                "INSERT OR REPLACE INTO item_sources (feed, identity, item_id, url, seen_at) "
                "VALUES (?, ?, ?, ?, ?)",
                self.sources,
            )
            self.sources = []
        if self.actors:
            conn.executemany(
                "INSERT INTO item_actors (item_id, actor_id, mentions, surfaces) VALUES (?, ?, ?, ?)",
                self.actors,
            )
            self.actors = []
        if self.places:
            conn.executemany(
                "INSERT INTO item_places (item_id, place_id, is_primary, surfaces) VALUES (?, ?, ?, ?)",
                self.places,
            )
            self.places = []


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _marks(values: Sequence[Any]) -> str:
    return ", ".join("?" * len(values))
