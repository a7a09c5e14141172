"""Stories in the store: assigning each item to one as its feed is stored, rebuilding, reading.

The writer calls `choose_story` and `record_story` (retag: `join_story`) inside the feed's
transaction, so a kill -9 leaves either the feed's items with their stories or neither.
Candidates come from the index on (event type, place, last seen): a handful of rows, never the
window's items (issue 12: under 1 ms per new item against 100,000 items, bench/bench_stories.py);
a fetch's writer holds the rows it read and wrote instead (`briefing.store.storyindex`).
`briefing.intelligence.stories` decides; this module only reads and writes rows.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from briefing.core.models import (
    ItemFilter,
    ItemRow,
    PlaceInfo,
    SortOrder,
    Story,
)
from briefing.intelligence.stories import (
    StoryGazetteer,
    StoryMatch,
    StorySignature,
    area_map,
    candidate,
    pick,
    reasons_for,
    widen,
)
from briefing.store import query
from briefing.store.base import StoreBase
from briefing.store.codec import event_type_of, iso, json_list, json_strings, require_iso
from briefing.store.items import ROW_COLUMNS, ItemsMixin
from briefing.store.storyindex import (
    CANDIDATE_SQL,
    CANDIDATES,
    HeldStory,
    StoryIndex,
    bounds,
    key_of,
    with_language,
)

_JSON = json.JSONEncoder(ensure_ascii=False)
_WALKED: frozenset[SortOrder] = frozenset({"newest", "oldest"})
"""Sort orders the `sort_at` index serves, so a page of story heads is found by walking it."""
_NO_NEWER_REPORT = (
    "(items.story_id IS NULL OR NOT EXISTS (SELECT 1 FROM items AS newer "
    "WHERE newer.story_id = items.story_id AND (newer.sort_at, newer.id) > (items.sort_at, items.id) "
    # The filter is written against `items`: here that name is bound to the newer report.
    "AND EXISTS (SELECT 1 FROM items WHERE items.id = newer.id AND {})))"
)
"""An item is its story's head under a filter when no newer report of its story passes the same
filter ("newer" as the list's `newest` order: sort_at, then id)."""
_STORY_COLUMNS = (
    "s.id, s.event_type, s.place_id, p.name, s.headline, s.first_seen, s.last_seen, s.sources, "
    "s.languages, s.items"
)


@dataclass
class StoryMemo:
    """What a writer keeps between the new items of a fetch, so as not to read, decode or
    write again what it read or wrote before."""

    index: StoryIndex = field(default_factory=StoryIndex)
    """The candidate rows, held while no one else writes, and grown in memory until the
    transaction commits (see `briefing.store.storyindex`): a story is a candidate for many new
    items of one fetch (about 24 on the bench corpus), and the query and decoding its row cost
    more than the rest of the choice."""


def _stored_candidates(conn: sqlite3.Connection, sig: StorySignature) -> list[HeldStory]:
    """The plain path (`StoryIndex.candidates` is the writer's): `CANDIDATE_SQL`, decoded."""
    if not sig.eventful:
        return []
    key = key_of(sig)
    rows = conn.execute(CANDIDATE_SQL, (*key, *bounds(sig), CANDIDATES)).fetchall()
    return [HeldStory(key, r) for r in rows]


@dataclass(frozen=True)
class StoryChoice:
    """Which story a new item joins (`match`, with the stored row it read), or None to start
    one: decided before the item is written, so a fetch's INSERT carries its story."""

    match: StoryMatch | None
    stored: HeldStory | None

    @property
    def reasons_json(self) -> str:
        """The item's `story_reasons` column."""
        return json_strings(self.match.reasons) if self.match else "[]"


_NO_CHOICE = StoryChoice(None, None)


def choose_story(
    conn: sqlite3.Connection, sig: StorySignature, memo: StoryMemo | None = None
) -> StoryChoice:
    """The story an item of signature `sig` joins among the stored ones (reads only); with
    `memo` (one per writer, kept between feeds, its index opened in this transaction) the
    candidates come from the rows it holds."""
    if memo is None:
        found = _stored_candidates(conn, sig)
    else:
        found = memo.index.candidates(conn, sig)
    if not found:
        return _NO_CHOICE
    best = pick(sig, found)
    if best is None:
        return _NO_CHOICE
    return StoryChoice(StoryMatch(best.id, reasons_for(sig, best)), best)


def join_story(
    conn: sqlite3.Connection, item_id: int, sig: StorySignature, sources: Sequence[str]
) -> int:
    """Put item `item_id` (stored, no story yet) into the story it reports, or start one.

    Returns the story's id. Call inside a write transaction.
    """
    choice = choose_story(conn, sig)
    story_id = record_story(conn, item_id, sig, sources, choice)
    conn.execute(
        "UPDATE items SET story_id = ?, story_reasons = ? WHERE id = ?",
        (story_id, choice.reasons_json, item_id),
    )
    return story_id


def record_story(
    conn: sqlite3.Connection,
    item_id: int,
    sig: StorySignature,
    sources: Sequence[str],
    choice: StoryChoice,
    memo: StoryMemo | None = None,
) -> int:
    """The stories row's side of item `item_id` joining `choice` (`choose_story`, read in this
    transaction before the item was written): start the story, or grow the one joined. The
    item's own `story_id` and `story_reasons` are the caller's (`join_story`, or the fetch's
    INSERT). Returns the story's id.

    With `memo` (a fetch) the held row grows and is written when the transaction commits
    (`StoryIndex`); without (retag, and the tests' reference), every row is read, encoded
    and written at once: the plain path the fast one is tested against."""
    match, story = choice.match, choice.stored
    if memo is not None:
        if match is None or story is None:
            memo.index.start(conn, item_id, sig, sources)
            return item_id
        memo.index.join(conn, story, item_id, sig, sources)
        return story.id
    when = iso(sig.when) or ""
    if match is None or story is None:
        start = candidate(item_id, sig)
        conn.execute(
            "INSERT INTO stories (id, first_seen, last_seen, actors, numbers, spots, "
            "headline_rank, event_type, place_id, phase, headline, headline_item, sources, "
            "languages, items) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
            (
                item_id,
                when,
                when,
                _JSON.encode(sorted(start.actors)),
                _JSON.encode(sorted(start.numbers)),
                _JSON.encode(sorted(start.spots)),
                sig.headline_rank,
                sig.event_type,
                sig.place_id,
                sig.phase,
                sig.title,
                item_id,
                _JSON.encode(list(dict.fromkeys(sources))),
                with_language("[]", sig.language),
            ),
        )
        return item_id
    grown = widen(story, sig)
    stored_sources, stored_languages = conn.execute(
        "SELECT sources, languages FROM stories WHERE id = ?", (match.story_id,)
    ).fetchone()
    feeds = list(dict.fromkeys([*json_list(stored_sources), *sources]))
    better = sig.headline_rank > story.headline_rank
    conn.execute(
        "UPDATE stories SET first_seen = ?, last_seen = ?, actors = ?, numbers = ?, spots = ?, "
        "sources = ?, languages = ?, items = items + 1, headline = CASE WHEN ? THEN ? ELSE headline END, "
        "headline_item = CASE WHEN ? THEN ? ELSE headline_item END, "
        "headline_rank = max(headline_rank, ?) WHERE id = ?",
        (
            iso(grown.first_seen) or "",
            iso(grown.last_seen) or "",
            _JSON.encode(sorted(grown.actors)),
            _JSON.encode(sorted(grown.numbers)),
            _JSON.encode(sorted(grown.spots)),
            _JSON.encode(feeds),
            with_language(stored_languages or "[]", sig.language),
            better,
            sig.title,
            better,
            item_id,
            sig.headline_rank,
            match.story_id,
        ),
    )
    return match.story_id


def areas_of(conn: sqlite3.Connection) -> dict[str, tuple[str, str]]:
    """The town of each place inside one, from the places table (`stories.area_map`); read once
    per feed by the writer."""
    return area_map(
        PlaceInfo(r[0], r[1], kind=r[2], district=r[3])
        for r in conn.execute("SELECT id, name, kind, district FROM places")
    )


def gazetteer_of(conn: sqlite3.Connection) -> StoryGazetteer:
    """The towns of places inside one and the actors that are states, from the places and
    actors tables; read once per feed by the writer."""
    states = frozenset(r[0] for r in conn.execute("SELECT id FROM actors WHERE kind = 'state'"))
    return StoryGazetteer(areas_of(conn), states)


@dataclass(frozen=True)
class WriterGazetteer:
    """What the writer reads from the gazetteer tables for every feed: the story gazetteer,
    and the ids of the actors and places the tables hold (an id missing there gets a minimal
    row before an item cites it)."""

    stories: StoryGazetteer
    actor_ids: frozenset[str]
    place_ids: frozenset[str]


def writer_gazetteer_of(conn: sqlite3.Connection) -> WriterGazetteer:
    return WriterGazetteer(
        gazetteer_of(conn),
        frozenset(r[0] for r in conn.execute("SELECT id FROM actors")),
        frozenset(r[0] for r in conn.execute("SELECT id FROM places")),
    )


class GazetteerCache:
    """One database's gazetteer as the writer uses it (`WriterGazetteer`), read again only
    after a sync changed its places or actors (each sync writes its content hash into meta):
    reading it costs about 0.5 ms, once per feed. Rows of actors and places are never deleted,
    so ids held since are still there; ones added since (a minimal row for an id the gazetteer
    lacked) are only inserted again, which `INSERT OR IGNORE` makes harmless."""

    def __init__(self) -> None:
        self._held: tuple[tuple[tuple[str, str], ...], WriterGazetteer] | None = None

    def clear(self) -> None:
        self._held = None

    def writer(self, conn: sqlite3.Connection) -> WriterGazetteer:
        key = tuple(
            (str(k), str(v))
            for k, v in conn.execute(
                "SELECT key, value FROM meta WHERE key IN ('actors_hash', 'places_hash') "
                "ORDER BY key"
            )
        )
        held = self._held
        if held is not None and held[0] == key and len(key) == 2:
            return held[1]
        gazetteer = writer_gazetteer_of(conn)
        self._held = (key, gazetteer)  # one assignment: a reader in another thread sees a pair
        return gazetteer


def leave_story(conn: sqlite3.Connection, item_id: int) -> None:
    """Take an item out of its story (before it joins another); an emptied story is deleted."""
    row = conn.execute("SELECT story_id FROM items WHERE id = ?", (item_id,)).fetchone()
    if row is None or row[0] is None:
        return
    story_id = int(row[0])
    conn.execute("UPDATE items SET story_id = NULL, story_reasons = '[]' WHERE id = ?", (item_id,))
    conn.execute("UPDATE stories SET items = items - 1 WHERE id = ?", (story_id,))
    conn.execute("DELETE FROM stories WHERE id = ? AND items <= 0", (story_id,))
    if story_id == item_id:
        # A story's id is one of its items' (the founder's). When the founder leaves, the next
        # oldest member takes over, so the id never names an item outside the story and the
        # leaver can start a story under its own id.
        heir = conn.execute("SELECT min(id) FROM items WHERE story_id = ?", (story_id,)).fetchone()[
            0
        ]
        if heir is not None:
            conn.execute("UPDATE stories SET id = ? WHERE id = ?", (heir, story_id))
            conn.execute("UPDATE items SET story_id = ? WHERE story_id = ?", (heir, story_id))


def add_story_source(
    conn: sqlite3.Connection, item_id: int, feed: str, when: datetime
) -> int | None:
    """Another feed carried item `item_id` ("also in"): it becomes one of its story's sources.
    Returns the story's id when its row changed."""
    row = conn.execute(
        "SELECT s.id, s.sources FROM stories s JOIN items i ON i.story_id = s.id WHERE i.id = ?",
        (item_id,),
    ).fetchone()
    if row is None:
        return None
    feeds = list(json_list(row[1]))
    if feed in feeds:
        return None
    feeds.append(feed)
    conn.execute(
        "UPDATE stories SET sources = ?, last_seen = max(last_seen, ?) WHERE id = ?",
        (_JSON.encode(feeds), iso(when), row[0]),
    )
    return int(row[0])


def story_unchanged(conn: sqlite3.Connection, item_id: int, sig: StorySignature) -> bool:
    """Whether an updated item still fits its story's type, place and phase (so it stays)."""
    row = conn.execute(
        "SELECT s.event_type, s.place_id, s.phase FROM items i JOIN stories s ON s.id = i.story_id "
        "WHERE i.id = ?",
        (item_id,),
    ).fetchone()
    return row is not None and tuple(row) == (sig.event_type, sig.place_id, sig.phase)


class StoriesMixin(ItemsMixin, StoreBase):
    """Reading stories: one story, an item's fellow reports, per event type counts."""

    def story(self, story_id: int) -> Story | None:
        """A story by id (`ItemRow.story_id`)."""
        row = (
            self._db()
            .execute(
                f"SELECT {_STORY_COLUMNS} FROM stories s LEFT JOIN places p ON p.id = s.place_id "
                "WHERE s.id = ?",
                [story_id],
            )
            .fetchone()
        )
        return _story(row) if row else None

    def story_heads(
        self,
        f: ItemFilter = ItemFilter(),
        *,
        sort: SortOrder = "newest",
        limit: int = 200,
        offset: int = 0,
    ) -> list[ItemRow]:
        """One page of the list with one row per story: the newest report of each story under
        `f` (an item without a story stands alone), in `sort` order."""
        clause, params = self._where(f)
        db = self._db()
        # The walk repeats the filter's parameters: a filter of thousands of ids could pass
        # SQLite's limit on them (32,766 in most builds), and takes the window instead.
        room = db.conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) - 2
        if sort in _WALKED and 2 * len(params) <= room:
            # The list's own walk down the `sort_at` index, keeping an item when no newer report
            # of its story passes `f` (one range of `idx_items_story_sort` per item looked at):
            # the first page costs about what the item list's does.
            sql = (
                f"SELECT {ROW_COLUMNS} FROM items WHERE {clause} AND "
                f"{_NO_NEWER_REPORT.format(clause)} ORDER BY {query.ORDER_BY[sort]} LIMIT ? OFFSET ?"
            )
            params = [*params, *params]
        else:
            # No index gives this order, so every matching item is read and sorted anyway; then
            # one window over them costs less than a check per item.
            sql = (
                "WITH heads AS (SELECT items.id AS id, row_number() OVER (PARTITION BY "
                f"coalesce(items.story_id, -items.id) ORDER BY {query.ORDER_BY['newest']}) AS rn "
                f"FROM items WHERE {clause}) SELECT {ROW_COLUMNS} FROM items WHERE items.id IN "
                f"(SELECT id FROM heads WHERE rn = 1) ORDER BY {query.ORDER_BY[sort]} LIMIT ? OFFSET ?"
            )
        return self._rows(db.execute(sql, [*params, limit, offset]).fetchall())

    def count_story_heads(self, f: ItemFilter = ItemFilter()) -> int:
        """How many rows `story_heads` has under `f` (stories, plus items without one)."""
        clause, params = self._where(f)
        sql = (
            f"SELECT count(DISTINCT coalesce(items.story_id, -items.id)) FROM items WHERE {clause}"
        )
        return int(self._db().execute(sql, params).fetchone()[0])

    def story_members(self, item_id: int) -> list[ItemRow]:
        """The items of `item_id`'s story, itself included, oldest first (the story's reports)."""
        rows = (
            self._db()
            .execute(
                f"SELECT {ROW_COLUMNS} FROM items WHERE items.story_id = "
                "(SELECT story_id FROM items WHERE id = ?) ORDER BY items.sort_at, items.id",
                [item_id],
            )
            .fetchall()
        )
        return self._rows(rows)


def _story(r: Sequence[object]) -> Story:
    return Story(
        id=int(r[0]),  # type: ignore[call-overload]
        event_type=event_type_of(r[1]),
        place_id=r[2] if isinstance(r[2], str) else None,
        place=r[3] if isinstance(r[3], str) else None,
        headline=str(r[4]),
        first_seen=require_iso(str(r[5])),
        last_seen=require_iso(str(r[6])),
        sources=json_list(r[7] if isinstance(r[7], str) else None),
        languages=json_list(r[8] if isinstance(r[8], str) else None),
        items=int(r[9]),  # type: ignore[call-overload]
    )
