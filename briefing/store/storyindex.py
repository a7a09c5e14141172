"""The writer's copy of the stories rows it looks candidates up in, so a new item costs no query.

A fetch's writer asks for the candidate stories of every new item (`CANDIDATE_SQL`: about seven
rows, decoded) and writes the story it joins or starts. Stories change only through the writer
while it holds the write lock, so it can keep the rows it read and wrote, per (event type,
place, phase), with the range of `last_seen` it has read completely, and answer the same
question from memory: same rows, same order, same limit. What it holds is dropped when anything
else may have written since it last did: another connection (`PRAGMA data_version`), this
connection outside the fetch's own statements (`total_changes`), or a transaction that failed.
"""

from __future__ import annotations

import json
import sqlite3
from bisect import bisect_left, bisect_right, insort
from dataclasses import dataclass, field
from typing import Any

from briefing.core.models import EventType
from briefing.intelligence.stories import GAP, PLACELESS_GAP, SPAN, StoryCandidate, StorySignature
from briefing.store.codec import iso, require_iso

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
HELD_MAX = 20_000
"""Stories held at most (then read again): a fetch of a few days' news meets a few thousand."""
_TOP_ID = 1 << 63
"""Above every rowid: `(last_seen, _TOP_ID)` sorts after every story of that `last_seen`."""

Key = tuple[EventType, str | None, str]
"""A story's (event type, place id, phase): only stories of one key are candidates together."""
Row = tuple[Any, ...]
"""A candidate row as stored: `_COLUMNS`."""


@dataclass(frozen=True)
class StoredStory:
    """A candidate story's row: what `choose` reads, and the rank of its headline. Its sources
    and languages are read for the story joined only: a story's sources grow with every feed
    that carries it (hundreds in a fetch of a thousand feeds), and every candidate of every
    new item would copy them."""

    candidate: StoryCandidate
    headline_rank: float
    row: Row
    """The row as read (`_COLUMNS`): its times and sets as stored, so a set an item does not
    grow is written back as read."""
    sources: str | None = None
    languages: str | None = None
    """The `sources` and `languages` texts as stored, when known (None: read them)."""

    @property
    def texts(self) -> tuple[str, str, str]:
        """Its actors, numbers and spots as stored."""
        r = self.row
        return (r[3] or "[]", r[4] or "[]", r[5] or "[]")


def stored_story(
    key: Key, r: Row, sources: str | None = None, languages: str | None = None
) -> StoredStory:
    """A story of `key` from its candidate row."""
    return StoredStory(
        StoryCandidate(
            id=r[0],
            event_type=key[0],
            place_id=key[1],
            phase=key[2],
            first_seen=require_iso(r[1]),
            last_seen=require_iso(r[2]),
            actors=story_set(r[3]),
            numbers=story_set(r[4]),
            spots=story_set(r[5]),
        ),
        float(r[6] or 0.0),
        r,
        sources,
        languages,
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


def key_of(sig: StorySignature) -> Key:
    return (sig.event_type, sig.place_id, sig.phase)


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

    span: tuple[str, str] | None = None
    """Every story of the key with `last_seen` in this range (inclusive) is in `stories`.
    One range, widened to cover each request: items of one fetch are days apart at most."""
    stories: dict[int, StoredStory] = field(default_factory=dict)
    order: list[tuple[str, int]] = field(default_factory=list)
    """(last_seen, id) of every story held, sorted: the candidate query's order, reversed."""

    def put(self, story: StoredStory) -> None:
        sid = story.candidate.id
        old = self.stories.get(sid)
        if old is not None:
            at = bisect_left(self.order, (old.row[2], sid))
            del self.order[at]
        self.stories[sid] = story
        insort(self.order, (story.row[2], sid))


class StoryIndex:
    """The candidate rows of the stories the writer read and wrote, by key (see the module)."""

    def __init__(self) -> None:
        self._held: dict[Key, _Held] = {}
        self._token: tuple[sqlite3.Connection, int, int] | None = None
        self._version = 0
        self._ticket = 0

    def open(self, conn: sqlite3.Connection) -> int:
        """Start a write transaction's use (call after its BEGIN): drop what another writer may
        have changed since `close`. Returns the ticket to give `close`."""
        self._version = int(conn.execute("PRAGMA data_version").fetchone()[0])
        # (A connection is equal only to itself.)
        stale = self._token != (conn, self._version, conn.total_changes)
        if stale or sum(len(h.stories) for h in self._held.values()) > HELD_MAX:
            self._held.clear()
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

    def clear(self) -> None:
        self._held.clear()
        self._token = None

    def candidates(self, conn: sqlite3.Connection, sig: StorySignature) -> list[StoredStory]:
        """`CANDIDATE_SQL`'s rows for `sig`, decoded (none unless `sig` is eventful)."""
        if not sig.eventful:
            return []
        last_from, first_to, first_from, last_to = bounds(sig)
        key = key_of(sig)
        held = self._held.get(key)
        if held is None:
            held = self._held[key] = _Held()
        self._cover(conn, key, held, last_from, last_to)
        order, stories = held.order, held.stories
        found: list[StoredStory] = []
        at = bisect_right(order, (last_to, _TOP_ID))
        while at > 0:
            at -= 1
            last, sid = order[at]
            if last < last_from:
                break
            story = stories[sid]
            if first_from <= story.row[1] <= first_to:
                found.append(story)
                if len(found) == CANDIDATES:
                    break
        return found

    def _cover(self, conn: sqlite3.Connection, key: Key, held: _Held, low: str, high: str) -> None:
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

    def _read(self, conn: sqlite3.Connection, key: Key, held: _Held, low: str, high: str) -> None:
        for r in conn.execute(_RANGE_SQL, (*key, low, high)):
            if r[0] not in held.stories:  # what is held is as stored (and may know more)
                held.put(stored_story(key, r))

    def get(self, sig: StorySignature, story_id: int) -> StoredStory | None:
        held = self._held.get(key_of(sig))
        return held.stories.get(story_id) if held is not None else None

    def put(self, key: Key, story: StoredStory) -> None:
        """The row of a story of `key` as just written (a key not asked for yet is skipped)."""
        held = self._held.get(key)
        if held is not None:
            held.put(story)

    def reread(self, conn: sqlite3.Connection, story_id: int) -> None:
        """Story `story_id` was written by other code than `put`'s callers: read it again."""
        row = conn.execute(_ROW_SQL, (story_id,)).fetchone()
        if row is None:  # pragma: no cover - the caller just wrote it
            self.clear()
            return
        key: Key = (row[7], row[8], row[9])  # as the writer's signatures hold them
        held = self._held.get(key)
        if held is not None:
            held.put(stored_story(key, tuple(row[:7]), row[10], row[11]))
