"""The writer's copy of the stories rows it looks candidates up in and grows, so a new item
costs no query and a story joined by many items of a transaction is written once.

A fetch's writer asks for the candidate stories of every new item (`CANDIDATE_SQL`: about seven
rows, decoded) and grows the story it joins or starts. Stories change only through the writer
while it holds the write lock, so it can keep the rows it read and wrote, per (event type,
place, phase), with the range of `last_seen` it has read completely, and answer the same
question from memory: same rows, same order, same limit. What it holds is dropped when anything
else may have written since it last did: another connection (`PRAGMA data_version`), this
connection outside the fetch's own statements (`total_changes`), or a transaction that failed.

The stories an item joins or starts are changed in memory and written when the transaction
commits (`StoryIndex.commit`), or before other code reads them (`flush`): a group of sixteen
feeds of one fetch joins about two items per story, and each write of a row costs its encoding
and an UPDATE whose `sources` text grows to hundreds of feeds. The plain path
(`briefing.store.stories.record_story` without the index, which retag uses) writes every join at
once; the tests hold the two to the same rows.
"""

from __future__ import annotations

import json
import sqlite3
from bisect import bisect_left, bisect_right, insort
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from briefing.core.models import EventType
from briefing.intelligence.stories import GAP, PLACELESS_GAP, SPAN, StoryCandidate, StorySignature
from briefing.store.codec import iso, json_list, json_strings, require_iso

CANDIDATES = 20
"""More than one story of one type in one place within three days is rare; twenty is plenty."""
_COLUMNS = "id, first_seen, last_seen, actors, numbers, spots, headline_rank"
CANDIDATE_SQL = (
    f"SELECT {_COLUMNS} "
    "FROM stories WHERE event_type = ? AND place_id IS ? AND phase = ? "
    "AND last_seen >= ? AND first_seen <= ? AND first_seen >= ? AND last_seen <= ? "
    "ORDER BY last_seen DESC LIMIT ?"
)
"""Stories `choose` could accept: same type, place and phase; the item within the gap of the
story's nearest report; the story with the item within the span. Each condition is one
`stories.choose` checks again, so the query only spares decoding stories that cannot fit. Rows of
one `last_seen` come in descending id order (the index's order, read backwards)."""
_RANGE_SQL = (
    f"SELECT {_COLUMNS} FROM stories WHERE event_type = ? AND place_id IS ? AND phase = ? "
    "AND last_seen >= ? AND last_seen <= ?"
)
_ROW_SQL = (
    f"SELECT {_COLUMNS}, event_type, place_id, phase, sources, languages FROM stories WHERE id = ?"
)
_INSERT_SQL = (
    "INSERT INTO stories (id, first_seen, last_seen, actors, numbers, spots, headline_rank, "
    "event_type, place_id, phase, headline, headline_item, sources, languages, items) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_UPDATE_SQL = (
    "UPDATE stories SET first_seen = ?, last_seen = ?, actors = ?, numbers = ?, spots = ?, "
    "sources = ?, languages = ?, items = items + ?, "
    "headline = CASE WHEN ? THEN ? ELSE headline END, "
    "headline_item = CASE WHEN ? THEN ? ELSE headline_item END, "
    "headline_rank = max(headline_rank, ?) WHERE id = ?"
)
HELD_MAX = 20_000
"""Stories held at most (then written and read again): a fetch of a few days' news meets a few
thousand."""
_TOP_ID = 1 << 63
"""Above every rowid: `(last_seen, _TOP_ID)` sorts after every story of that `last_seen`."""

Key = tuple[EventType, str | None, str]
"""A story's (event type, place id, phase): only stories of one key are candidates together."""
Row = tuple[Any, ...]
"""A candidate row as stored: `_COLUMNS`."""


class HeldStory(StoryCandidate):
    """A story's row as the writer reads and grows it: what `choose` reads (a
    `StoryCandidate`, grown in place), the rank of its headline, and its texts as stored where
    known (None: to encode when written). Whether it has changes to write is whether the index
    lists it (`StoryIndex._changed`). Its sources and languages are read for a story joined only: a
    story's sources grow with every feed that carries it (hundreds in a fetch of a thousand
    feeds), and every candidate of every new item would copy them."""

    __slots__ = (
        "headline_rank",
        "first_text",
        "last_text",
        "actors_text",
        "numbers_text",
        "spots_text",
        "sources",
        "feeds",
        "languages",
        "headline",
        "added",
        "new",
    )

    # (Its times are as the stored text reads back, UTC to the second: what the candidate
    # query compares, so the held order and bounds are the query's.)
    headline_rank: float
    first_text: str | None
    last_text: str | None
    actors_text: str | None
    numbers_text: str | None
    spots_text: str | None
    sources: str | None
    """The `sources` text (None: not read yet); `feeds` holds its feeds once it is."""
    feeds: set[str] | None
    languages: str | None
    headline: tuple[str, int] | None
    """A headline (title, item id) better than the stored one, to write."""
    added: int
    """Items joined since it was written."""
    new: bool
    """Not stored yet (an INSERT to write, not an UPDATE)."""

    def __init__(
        self,
        key: Key,
        r: Row,
        sources: str | None = None,
        languages: str | None = None,
    ) -> None:
        self.id = int(r[0])
        self.event_type, self.place_id, self.phase = key
        self.first_seen = require_iso(r[1])
        self.last_seen = require_iso(r[2])
        self.actors = story_set(r[3])
        self.numbers = story_set(r[4])
        self.spots = story_set(r[5])
        self.headline_rank = float(r[6] or 0.0)
        self.first_text, self.last_text = r[1], r[2]
        self.actors_text, self.numbers_text, self.spots_text = (
            r[3] or "[]",
            r[4] or "[]",
            r[5] or "[]",
        )
        self.sources = self.languages = None
        self.feeds = None
        if sources is not None and languages is not None:
            self._read_texts(sources, languages)
        self.headline = None
        self.added = 0
        self.new = False

    @classmethod
    def started(
        cls, item_id: int, sig: StorySignature, sources: Sequence[str], moment: datetime
    ) -> HeldStory:
        """The story item `item_id` starts (not stored yet)."""
        story = cls.__new__(cls)
        story.id = item_id
        story.event_type, story.place_id, story.phase = sig.event_type, sig.place_id, sig.phase
        story.first_seen = story.last_seen = moment
        story.actors, story.numbers = sig.actors, sig.numbers
        story.spots = frozenset({sig.spot}) if sig.spot else frozenset()
        story.headline_rank = sig.headline_rank
        story.first_text = story.last_text = None
        story.actors_text = story.numbers_text = story.spots_text = None
        feeds = list(dict.fromkeys(sources))
        story.sources, story.feeds = json_strings(feeds), set(feeds)
        story.languages = with_language("[]", sig.language)
        story.headline = (sig.title, item_id)
        story.added = 1
        story.new = True
        return story

    def _read_texts(self, sources: str, languages: str) -> None:
        # Encoded anew, as the plain path writes them whenever an item joins: a text another
        # writer stored (the migration's compact JSON) is appended to in this form.
        feeds = list(dict.fromkeys(json_list(sources)))
        self.sources, self.feeds = json_strings(feeds), set(feeds)
        self.languages = with_language(languages, None)

    def texts(self) -> tuple[str, str, str, str, str]:
        """Its times and sets as stored: the texts read, or those of what changed, encoded now
        (and kept, for the next write)."""
        if self.first_text is None:
            self.first_text = iso(self.first_seen) or ""
        if self.last_text is None:
            self.last_text = iso(self.last_seen) or ""
        if self.actors_text is None:
            self.actors_text = json_strings(sorted(self.actors))
        if self.numbers_text is None:
            self.numbers_text = json_strings(sorted(self.numbers))
        if self.spots_text is None:
            self.spots_text = json_strings(sorted(self.spots))
        return self.first_text, self.last_text, self.actors_text, self.numbers_text, self.spots_text

    def view(self) -> tuple[object, ...]:
        """What the candidate query's row says of it (the tests compare the two)."""
        return (
            self.id,
            self.event_type,
            self.place_id,
            self.phase,
            self.first_seen,
            self.last_seen,
            self.actors,
            self.numbers,
            self.spots,
            self.headline_rank,
        )


_NONE: frozenset[str] = frozenset()
_DECODE = json.JSONDecoder().raw_decode


def story_set(text: str | None) -> frozenset[str]:
    """A stored JSON list of strings as a set: `json_list`'s result by a shorter path (this
    runs for every candidate of every new item), and nothing to decode for an empty list."""
    if not text or text == "[]":
        return _NONE
    value = _DECODE(text)[0]
    return frozenset(map(str, value)) if isinstance(value, list) else _NONE


@lru_cache(maxsize=1024)
def with_language(text: str, language: str | None) -> str:
    """A story's `languages` text with `language` added (once, last), encoded anew. Few
    distinct texts occur (combinations of a handful of languages): each is decoded once per
    writer."""
    languages = list(json_list(text))
    if language and language not in languages:
        languages.append(language)
    return json_strings(languages)


def key_of(sig: StorySignature) -> Key:
    return (sig.event_type, sig.place_id, sig.phase)


def moment(when: datetime) -> datetime:
    """`when` as its stored text reads back (`require_iso(iso(when))`): `when` itself when it
    is already in UTC to the second, as parse's dates are."""
    if when.tzinfo is UTC and not when.microsecond:
        return when
    return require_iso(iso(when) or "")


def bounds(sig: StorySignature) -> tuple[str, str, str, str]:
    """`CANDIDATE_SQL`'s bounds for `sig`: last_seen from, first_seen to, first_seen from,
    last_seen to."""
    gap = GAP if sig.place_id is not None else PLACELESS_GAP
    when = sig.when
    return (
        iso(when - gap) or "",
        iso(when + gap) or "",
        iso(when - SPAN) or "",
        iso(when + SPAN) or "",
    )


@dataclass
class _Held:
    """The stories of one key the writer holds."""

    span: tuple[datetime, datetime] | None = None
    """Every story of the key with `last_seen` in this range (inclusive) is in `stories`.
    One range, widened to cover each request: items of one fetch are days apart at most."""
    stories: dict[int, HeldStory] = field(default_factory=dict)
    order: list[tuple[datetime, int, HeldStory]] = field(default_factory=list)
    """(last_seen, id, story) of every story held, sorted by the first two (unique): the
    candidate query's order, reversed."""

    def put(self, story: HeldStory) -> None:
        sid = story.id
        old = self.stories.get(sid)
        if old is not None:
            del self.order[bisect_left(self.order, (old.last_seen, sid))]
        self.stories[sid] = story
        insort(self.order, (story.last_seen, sid, story))

    def move(self, story: HeldStory, last_seen: datetime) -> None:
        """`story`'s last_seen becomes `last_seen` (later than it was)."""
        sid = story.id
        if self.stories.get(sid) is story:
            del self.order[bisect_left(self.order, (story.last_seen, sid))]
            insort(self.order, (last_seen, sid, story))
        story.last_seen = last_seen


class StoryIndex:
    """The candidate rows of the stories the writer read and wrote, by key (see the module)."""

    def __init__(self) -> None:
        self._held: dict[Key, _Held] = {}
        self._by_id: dict[int, HeldStory] = {}
        """Every story held (each is also under its key), by id."""
        self._changed: dict[int, HeldStory] = {}
        self._changed_on: sqlite3.Connection | None = None
        self._token: tuple[sqlite3.Connection, int, int] | None = None
        self._version = 0
        self._ticket = 0

    def open(self, conn: sqlite3.Connection) -> int:
        """Start a write transaction's use (call after its BEGIN): drop what another writer may
        have changed since `close`. Returns the ticket to give `close`."""
        self._version = int(conn.execute("PRAGMA data_version").fetchone()[0])
        # (A connection is equal only to itself.)
        stale = self._token != (conn, self._version, conn.total_changes)
        if stale:
            if self._changed and self._changed_on is conn and conn.in_transaction:
                # Rows this transaction grew (a group of feeds) and not written yet: what made
                # the token stale is a write of the same transaction between two feeds (a
                # failed feed's outcome, the gazetteer), so they are written, not dropped.
                # (A rolled-back transaction already dropped its own: `clear`.)
                self.flush(conn)
            self.clear()
        elif len(self._by_id) > HELD_MAX:
            self.flush(conn)
            self._drop()
        self._token = None  # until `close`: a transaction that fails leaves it so
        self._ticket += 1
        return self._ticket

    def close(self, conn: sqlite3.Connection, ticket: int) -> None:
        """End a transaction's use (call after its COMMIT: what the commit wrote besides, such
        as the search index, must be in the token's count of this connection's changes). A
        commit by another connection in between changes the next `open`'s data_version; a
        store shared by threads may have let another one `open` since (its transaction may
        have failed): then the ticket is not the last one given, and nothing is kept."""
        if ticket == self._ticket:
            self._token = (conn, self._version, conn.total_changes)

    def carry(self, conn: sqlite3.Connection, before: int) -> None:
        """`conn` committed writes that touch no story since its `total_changes` was `before`
        (a fetch's rounds of the search index, between its feeds): what was held at the last
        `close` is still true. (A commit by another connection since is still seen by the
        next `open`: the token keeps the data_version of then.)"""
        if self._token == (conn, self._version, before):
            self._token = (conn, self._version, conn.total_changes)

    def clear(self) -> None:
        """Forget everything held, changes not written included (after a rollback)."""
        self._drop()
        self._token = None

    def _drop(self) -> None:
        self._held.clear()
        self._by_id.clear()
        self._changed.clear()
        self._changed_on = None

    def flush(self, conn: sqlite3.Connection) -> None:
        """Write the stories changed in memory (call inside the transaction that changed them,
        before other code reads or writes stories)."""
        changed = self._changed
        if not changed:
            return
        if conn is not self._changed_on:  # pragma: no cover - one writer per store
            raise RuntimeError("stories changed by one connection, written by another")
        inserts: list[tuple[object, ...]] = []
        updates: list[tuple[object, ...]] = []
        for s in changed.values():
            first, last, actors, numbers, spots = s.texts()
            headline = s.headline
            if s.new:
                assert headline is not None  # a new story has its founder's
                inserts.append(
                    (
                        s.id,
                        first,
                        last,
                        actors,
                        numbers,
                        spots,
                        s.headline_rank,
                        s.event_type,
                        s.place_id,
                        s.phase,
                        headline[0],
                        headline[1],
                        s.sources,
                        s.languages,
                        s.added,
                    )
                )
            else:
                better = headline is not None
                title, item = headline if headline is not None else (None, None)
                updates.append(
                    (
                        first,
                        last,
                        actors,
                        numbers,
                        spots,
                        s.sources,
                        s.languages,
                        s.added,
                        better,
                        title,
                        better,
                        item,
                        s.headline_rank,
                        s.id,
                    )
                )
            s.headline = None
            s.added = 0
            s.new = False
        changed.clear()
        self._changed_on = None
        if inserts:
            conn.executemany(_INSERT_SQL, inserts)
        if updates:
            conn.executemany(_UPDATE_SQL, updates)

    def commit(self, conn: sqlite3.Connection) -> None:
        """Before `conn` commits: write the stories changed in memory. When the last `close`
        already counted this transaction's changes (a group of feeds in one transaction),
        these writes are counted too: they are the index's own. (If the COMMIT then fails,
        the store drops everything held: `IngestMixin._forget_uncommitted`.)"""
        if not self._changed or conn is not self._changed_on:
            return
        counted = self._token == (conn, self._version, conn.total_changes)
        self.flush(conn)
        if counted:
            self._token = (conn, self._version, conn.total_changes)

    def candidates(self, conn: sqlite3.Connection, sig: StorySignature) -> list[HeldStory]:
        """`CANDIDATE_SQL`'s rows for `sig`, as held (none unless `sig` is eventful)."""
        if not sig.eventful:
            return []
        # The query's bounds as times: a stored text compares as the time it reads back as.
        when = moment(sig.when)
        gap = GAP if sig.place_id is not None else PLACELESS_GAP
        last_from, last_to = when - gap, when + SPAN
        first_from, first_to = when - SPAN, when + gap
        key = (sig.event_type, sig.place_id, sig.phase)
        held = self._held.get(key)
        if held is None:
            held = self._held[key] = _Held()
        span = held.span
        if span is None or last_from < span[0] or last_to > span[1]:
            self._cover(conn, key, held, last_from, last_to)
        order = held.order
        found: list[HeldStory] = []
        at = bisect_right(order, (last_to, _TOP_ID))
        while at > 0:
            at -= 1
            last, _, story = order[at]
            if last < last_from:
                break
            if first_from <= story.first_seen <= first_to:
                found.append(story)
                if len(found) == CANDIDATES:
                    break
        return found

    def _cover(
        self, conn: sqlite3.Connection, key: Key, held: _Held, low: datetime, high: datetime
    ) -> None:
        span = held.span
        if span is None:
            self._read(conn, key, held, low, high)
            held.span = (low, high)
            return
        if low < span[0]:
            self._read(conn, key, held, low, span[0])
        if high > span[1]:
            self._read(conn, key, held, span[1], high)
        held.span = (min(low, span[0]), max(high, span[1]))

    def _read(
        self, conn: sqlite3.Connection, key: Key, held: _Held, low: datetime, high: datetime
    ) -> None:
        by_id = self._by_id
        for r in conn.execute(_RANGE_SQL, (*key, iso(low), iso(high))):
            # What is held is as stored, or newer: every story held is under its key.
            if r[0] not in held.stories:
                story = HeldStory(key, r)
                held.put(story)
                by_id[story.id] = story

    def start(
        self, conn: sqlite3.Connection, item_id: int, sig: StorySignature, sources: Sequence[str]
    ) -> HeldStory:
        """Item `item_id` starts a story (written by `flush`). It is held under its key even
        when no item asked that key's candidates yet (an item with no event, say): the rows
        read for the key later come from the table, which does not have it yet."""
        story = HeldStory.started(item_id, sig, sources, moment(sig.when))
        key = (sig.event_type, sig.place_id, sig.phase)
        held = self._held.get(key)
        if held is None:
            held = self._held[key] = _Held()
        held.put(story)
        self._by_id[item_id] = story
        self._change(story, conn)
        return story

    def join(
        self,
        conn: sqlite3.Connection,
        story: HeldStory,
        item_id: int,
        sig: StorySignature,
        sources: Sequence[str],
    ) -> None:
        """Item `item_id` joins `story` (held): its times, sets, sources, languages, headline
        and count grow as `record_story`'s plain path writes them (written by `flush`)."""
        when = moment(sig.when)
        if when < story.first_seen:
            story.first_seen, story.first_text = when, None
        if when > story.last_seen:
            self._move(story, when, None)
        actors, numbers, spot = sig.actors, sig.numbers, sig.spot
        if actors and not actors <= story.actors:
            story.actors, story.actors_text = story.actors | actors, None
        if numbers and not numbers <= story.numbers:
            story.numbers, story.numbers_text = story.numbers | numbers, None
        if spot and spot not in story.spots:
            story.spots, story.spots_text = story.spots | {spot}, None
        if story.feeds is None:
            self._read_texts(conn, story)
        self._add_feeds(story, sources)
        story.languages = with_language(story.languages or "[]", sig.language)
        rank = sig.headline_rank
        if rank > story.headline_rank:
            story.headline_rank = rank
            story.headline = (sig.title, item_id)
        story.added += 1
        self._change(story, conn)

    def add_source(self, conn: sqlite3.Connection, item_id: int, feed: str, when: datetime) -> bool:
        """Another feed carried item `item_id` ("also in"): as `stories.add_story_source`, on
        the held row of its story. False when its story is not held (the caller writes the
        row, then `reread`s it)."""
        row = conn.execute("SELECT story_id FROM items WHERE id = ?", (item_id,)).fetchone()
        story = self._by_id.get(row[0]) if row is not None else None
        if story is None:
            return False
        if story.feeds is None:
            self._read_texts(conn, story)
        assert story.feeds is not None
        if feed in story.feeds:
            return True
        self._add_feeds(story, (feed,))
        # The plain path's `max(last_seen, ?)`: the later text.
        text = iso(when) or ""
        if text > (story.last_text or iso(story.last_seen) or ""):
            self._move(story, moment(when), text)
        self._change(story, conn)
        return True

    def _move(self, story: HeldStory, last_seen: datetime, text: str | None) -> None:
        held = self._held.get((story.event_type, story.place_id, story.phase))
        if held is None:
            story.last_seen = last_seen
        else:
            held.move(story, last_seen)
        story.last_text = text

    def _change(self, story: HeldStory, conn: sqlite3.Connection) -> None:
        self._changed[story.id] = story
        self._changed_on = conn

    def _read_texts(self, conn: sqlite3.Connection, story: HeldStory) -> None:
        row = conn.execute(
            "SELECT sources, languages FROM stories WHERE id = ?", (story.id,)
        ).fetchone()
        story._read_texts(row[0] or "[]", row[1] or "[]")

    @staticmethod
    def _add_feeds(story: HeldStory, sources: Sequence[str]) -> None:
        """`sources` appended to the story's `sources` text, each once (the encoding of the
        list with them added, without decoding it)."""
        feeds, text = story.feeds, story.sources
        assert feeds is not None and text is not None
        if len(sources) == 1:  # a fetch's case: the one feed of the item
            if sources[0] in feeds:
                return
            added = list(sources)
        else:
            added = [f for f in dict.fromkeys(sources) if f not in feeds]
            if not added:
                return
        # `json_strings` writes "[" + ", ".join(items) + "]": appending is encoding anew.
        tail = json_strings(added)[1:-1]
        story.sources = f"[{tail}]" if text == "[]" else f"{text[:-1]}, {tail}]"
        feeds.update(added)

    def reread(self, conn: sqlite3.Connection, story_id: int) -> None:
        """Story `story_id` (not held) was written by other code than this index: read it
        again, for the key that asks."""
        row = conn.execute(_ROW_SQL, (story_id,)).fetchone()
        if row is None:  # pragma: no cover - the caller just wrote it
            self.clear()
            return
        key: Key = (row[7], row[8], row[9])  # as the writer's signatures hold them
        held = self._held.get(key)
        if held is not None:
            story = HeldStory(key, tuple(row[:7]), row[10], row[11])
            held.put(story)
            self._by_id[story.id] = story
