"""Storing tagged items: one transaction per feed, dedup across feeds, updates in place, retagging.

An item is known by (feed, identity) in `item_sources`. A new identity whose canonical URL, or
whose normalised title within a few days, matches an item already stored is the same story from
another outlet: it becomes one more source of that item ("also in"), not a second item. An
identity that comes back with a new title or text updates its item in place; tags, notes and
triage state live in other columns and tables and are never touched here.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache, cached_property
from typing import Any

from sqlite_utils import Database

from briefing.core.models import Entry, FetchOutcome, Reason, StoreResult, Tagged, Verdict
from briefing.core.search import search_copy
from briefing.core.text import clean_block, clean_line, strip_unsafe, title_key
from briefing.intelligence.stories import StoryGazetteer, StorySignature, signature
from briefing.store import feedtags
from briefing.store.base import StoreBase, insert_sql, inserted_id, utcnow
from briefing.store.codec import (
    dropped_to_json,
    iso,
    json_strings,
    reasons_to_json,
    require_iso,
)
from briefing.store.feeds import FeedsMixin
from briefing.store.feedtags import feed_tag_ids
from briefing.store.feedwrite import FeedWrites
from briefing.store.places import PlaceRow, new_places, place_rows, replace_places
from briefing.store.stories import (
    GazetteerCache,
    StoryMemo,
    add_story_source,
    choose_story,
    join_story,
    leave_story,
    record_story,
    story_unchanged,
)

DUPLICATE_WINDOW = timedelta(days=3)
"""Two items with the same normalised title this close in time are one story."""
MAX_TITLE = 1_000
MAX_TEXT = 200_000
DROPPED_SUMMARY = 300
"""A dropped item keeps an excerpt, enough to recognise it in `fetch --explain`: dropped items
outnumber kept ones about three to one, and each run rewrites them."""


@dataclass(frozen=True)
class RetagSummary:
    """What `retag` changed."""

    items: int = 0
    relevance_changed: int = 0
    became_irrelevant: int = 0
    became_relevant: int = 0
    actors_changed: int = 0
    mentions_added: int = 0
    mentions_removed: int = 0
    feed_tags_added: int = 0
    feed_tags_removed: int = 0
    """Feed tags put on items, and taken off because no feed of the item has them any more."""
    events_changed: int = 0
    stories: int = 0
    """Stories in the store after the rebuild."""


MentionRow = tuple[str, str, int, str]
"""One actor of an item as stored: actor id, name, mention count, surfaces (JSON)."""


@dataclass(frozen=True)
class _ItemRow:
    """A kept item turned into column values (all computed before the write lock)."""

    entry: Entry
    fields: dict[str, Any]
    mentions: tuple[MentionRow, ...]
    insert_sql: str
    """INSERT of `insert_values`, then the item's story_id and story_reasons (`_insert_with_story`)."""
    insert_values: tuple[Any, ...]
    window: tuple[str | None, str | None]
    """The sort_at range within which the same title is the same story."""
    places: tuple[PlaceRow, ...]
    story: StorySignature

    @classmethod
    def build(cls, t: Tagged, now: datetime, stamp: str | None = None) -> _ItemRow:
        """`stamp` is `iso(now)`, computed once per feed by the caller.

        A worker builds one per kept item (about 13,000 in a fetch of 1,000 feeds): the
        columns are listed once (`_ITEM_COLUMNS`, so the INSERT is built once), the sort time's
        text is the published time's when there is one, and the row is filled without the
        frozen dataclass's `__init__` (one `object.__setattr__` per field).
        """
        e = t.entry
        fields = _item_fields(t)
        stamp = stamp or iso(now)
        if e.published is None:
            sort_at, sort_text = now, stamp
        else:
            sort_at, sort_text = e.published, fields["published_at"]
        window = (iso(sort_at - DUPLICATE_WINDOW), iso(sort_at + DUPLICATE_WINDOW))
        # The headline's key is the stored title's when that is the entry's title.
        key = fields["title_key"] if fields["title"] is e.title else None
        row = _new(cls)
        attributes = row.__dict__
        attributes["entry"] = e
        attributes["fields"] = fields
        attributes["mentions"] = _mention_rows(t)
        attributes["insert_sql"] = _ITEM_INSERT
        attributes["insert_values"] = (
            *fields.values(),
            e.kind,
            e.feed,
            e.identity,
            stamp,
            sort_text,
            stamp,
        )
        attributes["window"] = window
        attributes["places"] = place_rows(t)
        attributes["story"] = signature(t, sort_at, headline_key=key)
        return row


_new = object.__new__


@cache
def _insert_with_story(columns: tuple[str, ...]) -> str:
    """The INSERT of a new item with its columns, then its story (`choose_story`, decided before
    the write): writing story_id with the row spares an UPDATE of every new item and of its
    entry in the index on story_id. A story the item starts has the item's id, which SQLite
    gives as one more than the largest (no AUTOINCREMENT); RETURNING tells when it did not."""
    head = insert_sql("items", (*columns, "story_id", "story_reasons"))
    head = head.removesuffix("?, ?)")
    return (
        f"{head}coalesce(?, (SELECT ifnull(max(id), 0) + 1 FROM items)), ?) RETURNING id, story_id"
    )


_FIELD_COLUMNS = (
    "title",
    "url",
    "canonical_url",
    "summary",
    "content",
    "search_title",
    "search_summary",
    "search_content",
    "author",
    "published_at",
    "language",
    "relevance",
    "reasons",
    "relevant",
    "title_key",
    "event_type",
    "event_reasons",
)
"""The keys of `_item_fields`, in its order."""
_ITEM_COLUMNS = (
    *_FIELD_COLUMNS,
    "kind",
    "feed",
    "identity",
    "first_seen_at",
    "sort_at",
    "updated_at",
)
"""A new item's columns as `_ItemRow.build` gives their values (`insert_values`)."""
_ITEM_INSERT = _insert_with_story(_ITEM_COLUMNS)


@dataclass(frozen=True)
class PreparedFeed:
    """A feed's items as rows, ready for `store_prepared`.

    Built by `prepare_feed` without touching the database, so a fetch's worker does this part
    (HTML-free text checks, JSON, sort keys) before it takes its turn at the write lock.
    """

    feed: str
    run_id: str
    now: datetime
    items: tuple[_ItemRow, ...]
    dropped: str | None
    """The dropped items as one JSON document (see `m004_dropped_items_per_feed`)."""


def prepare_feed(
    feed: str,
    tagged: Sequence[Tagged],
    dropped: Sequence[tuple[Entry, Verdict]] = (),
    run_id: str = "",
    now: datetime | None = None,
) -> PreparedFeed:
    """Convert a feed's items to rows; no database access, so a fetch's worker processes do it
    (see PreparedFeed). `now` (default: the clock) is when the items were first seen."""
    now = now or utcnow()
    stamp = iso(now)
    items = tuple(_ItemRow.build(t, now, stamp) for t in tagged)
    # One JSON row per feed. The text is parse's already safe text, capped; it is cleaned
    # again when shown (`dropped_items`).
    dropped_json = dropped_to_json(dropped, MAX_TITLE, DROPPED_SUMMARY) if dropped else None
    return PreparedFeed(feed, run_id, now, items, dropped_json)


class IngestMixin(FeedsMixin, StoreBase):
    """Writes that come from the pipeline: feeds' items, articles, retagging."""

    def store_feed(
        self,
        outcome: FetchOutcome,
        tagged: Sequence[Tagged],
        dropped: Sequence[tuple[Entry, Verdict]] = (),
        *,
        run_id: str = "",
    ) -> StoreResult:
        """Store one feed's kept items, its dropped items' reasons and its health, atomically."""
        return self.store_prepared(
            outcome, self.prepare_feed(outcome.feed, tagged, dropped, run_id)
        )

    def prepare_feed(
        self,
        feed: str,
        tagged: Sequence[Tagged],
        dropped: Sequence[tuple[Entry, Verdict]] = (),
        run_id: str = "",
    ) -> PreparedFeed:
        """Convert a feed's items to rows at this store's clock (see `prepare_feed`)."""
        return prepare_feed(feed, tagged, dropped, run_id, self.clock())

    def store_prepared(self, outcome: FetchOutcome, prepared: PreparedFeed) -> StoreResult:
        """Store what `prepare_feed` made, and the feed's health, in one transaction."""
        new = updated = unchanged = merged = 0
        now = prepared.now
        index = self._story_memo.index
        with self._write() as db:
            ticket = index.open(db.conn)
            held = self._gazetteer_cache.writer(db.conn)
            # Copies: an id added to them in a transaction that then fails is not in the table.
            known, known_places = set(held.actor_ids), set(held.place_ids)
            gazetteer = held.stories
            arrived: list[int] = []
            writes = FeedWrites(
                db.conn,
                [
                    (
                        i.entry.feed,
                        i.entry.identity,
                        i.fields["canonical_url"],
                        i.fields["title_key"],
                    )
                    for i in prepared.items
                ],
            )
            stamp = iso(now) or ""
            for item in prepared.items:
                result, item_id = self._store_one(
                    db, item, now, known, known_places, gazetteer, writes, stamp
                )
                new += result == "new"
                updated += result == "updated"
                unchanged += result == "unchanged"
                merged += result == "merged"
                if result in ("new", "merged"):
                    arrived.append(item_id)
            writes.flush()
            if arrived:
                # feeds.yaml's `tags` are "added to every item of the feed" (also to a story
                # it shares with another feed); see briefing.store.feedtags.
                tags = feed_tag_ids(db.conn, prepared.feed)
                feedtags.tag_items(db.conn, arrived, tags, stamp)
            if prepared.dropped is None:
                db.conn.execute("DELETE FROM dropped_feeds WHERE feed = ?", (outcome.feed,))
            else:
                db.conn.execute(
                    "INSERT OR REPLACE INTO dropped_feeds (feed, run_id, items) VALUES (?, ?, ?)",
                    (outcome.feed, prepared.run_id, prepared.dropped),
                )
            self._apply_outcome(outcome, prepared.run_id, new, updated)
        # After the COMMIT, which may have written the search index (this connection's
        # writes the index does not hold are counted in its token: see StoryIndex.open).
        index.close(db.conn, ticket)
        return StoreResult(new=new, updated=updated, unchanged=unchanged, merged=merged)

    def _store_one(
        self,
        db: Database,
        item: _ItemRow,
        now: datetime,
        known: set[str],
        known_places: set[str],
        gazetteer: StoryGazetteer,
        writes: FeedWrites,
        stamp: str,
    ) -> tuple[str, int]:
        """Store one item: ("new" | "updated" | "unchanged" | "merged", its id). `writes` holds
        the feed's look-ups and rows (`FeedWrites`); `stamp` is `iso(now)`."""
        # The hot path of a fetch: plain prepared statements (sqlite3 caches them), because
        # sqlite-utils' per-row insert re-reads the table schema on every call (~6x slower).
        e = item.entry
        fields = item.fields
        conn = db.conn
        item_id = writes.source(e.feed, e.identity)
        if item_id is not None:
            current = writes.current(item_id)
            if current is None:  # pragma: no cover - foreign keys keep this from happening
                writes.end_batching()
                conn.execute("DELETE FROM item_sources WHERE item_id = ?", (item_id,))
                return self._store_one(db, item, now, known, known_places, gazetteer, writes, stamp)
            same = (current[0], current[1], current[2], current[3]) == (
                fields["title"],
                fields["summary"],
                fields["content"],
                fields["url"],
            )
            # Only the feed that first carried a story rewrites it; republications don't.
            if same or current[4] != e.feed:
                return "unchanged", item_id
            # An update may change the links and headlines the feed's look-ups hold, and it
            # replaces rows that may be waiting: the rest of the feed goes the plain way.
            writes.end_batching()
            # The plain way reads stories rows: the ones grown in memory are written first.
            self._story_memo.index.flush(conn)
            db.table("items").update(item_id, {**fields, "updated_at": stamp})
            self._replace_mentions(db, item_id, item.mentions, known)
            replace_places(conn, item_id, item.places, known_places)
            story = gazetteer.apply(item.story)
            if not story_unchanged(conn, item_id, story):
                # Leaving may delete a story or renumber it: the writer's rows are read anew.
                self._story_memo.index.clear()
                leave_story(conn, item_id)
                join_story(conn, item_id, story, self._item_feeds(conn, item_id))
            return "updated", item_id

        match = writes.same_story(fields["canonical_url"], fields["title_key"], item.window)
        if match is not None:
            writes.add_source(e.feed, e.identity, match, e.url, stamp)
            index = self._story_memo.index
            if not index.add_source(conn, match, e.feed, item.story.when):
                story_id = add_story_source(conn, match, e.feed, item.story.when)
                if story_id is not None:
                    index.reread(conn, story_id)
            return "merged", match

        story = gazetteer.apply(item.story)
        memo = self._story_memo
        choice = choose_story(conn, story, memo)
        joined = choice.match.story_id if choice.match else None
        ((item_id, story_id),) = conn.execute(
            item.insert_sql, (*item.insert_values, joined, choice.reasons_json)
        ).fetchall()
        writes.inserted(fields["canonical_url"], fields["title_key"])
        writes.add_source(e.feed, e.identity, item_id, e.url, stamp)
        writes.add_rows(
            _new_mentions(conn, item_id, item.mentions, known),
            new_places(conn, item_id, item.places, known_places),
        )
        record_story(conn, item_id, story, (e.feed,), choice, memo)
        if joined is None and story_id != item_id:  # SQLite chose another id
            conn.execute("UPDATE items SET story_id = ? WHERE id = ?", (item_id, item_id))
        return "new", item_id

    def _story_gazetteer(self, conn: sqlite3.Connection) -> StoryGazetteer:
        return self._gazetteer_cache.writer(conn).stories

    def index_pending(self) -> int:
        # The search index is no story: the stories the writer holds stay held across a
        # fetch's indexing rounds (read again otherwise: about 1,500 range reads per 1,000
        # feeds).
        if self.read_only:
            return 0
        conn = self._db().conn
        before = conn.total_changes
        added = super().index_pending()
        self._story_memo.index.carry(conn, before)
        return added

    def _before_commit(self, conn: sqlite3.Connection) -> None:
        # The stories the fetch grew in memory (see briefing.store.storyindex).
        self._story_memo.index.commit(conn)
        super()._before_commit(conn)

    def _forget_uncommitted(self) -> None:
        # The stories the writer holds may be rows the group wrote; the gazetteer is read
        # again (it is keyed by hashes the group may have written).
        self._story_memo.index.clear()
        self._gazetteer_cache.clear()
        super()._forget_uncommitted()

    @cached_property
    def _story_memo(self) -> StoryMemo:
        """Kept between the feeds this store writes (one writer per store)."""
        return StoryMemo()

    @cached_property
    def _gazetteer_cache(self) -> GazetteerCache:
        return GazetteerCache()

    def _item_feeds(self, conn: sqlite3.Connection, item_id: int) -> list[str]:
        return [
            r[0]
            for r in conn.execute(
                "SELECT feed FROM item_sources WHERE item_id = ? ORDER BY seen_at, feed", (item_id,)
            )
        ]

    def _known_actors(self, db: Database) -> set[str]:
        return {r[0] for r in db.conn.execute("SELECT id FROM actors")}

    def _known_places(self, db: Database) -> set[str]:
        return {r[0] for r in db.conn.execute("SELECT id FROM places")}

    def _replace_mentions(
        self,
        db: Database,
        item_id: int,
        mentions: Sequence[MentionRow],
        known: set[str] | None = None,
        *,
        fresh: bool = False,
    ) -> tuple[int, int]:
        """Replace an item's actor rows; `fresh` says the item was just inserted (has none)."""
        conn = db.conn
        before: set[str] = set()
        if not fresh:
            before = {
                r[0]
                for r in conn.execute(
                    "SELECT actor_id FROM item_actors WHERE item_id = ?", (item_id,)
                )
            }
        if before:
            conn.execute("DELETE FROM item_actors WHERE item_id = ?", (item_id,))
        if known is None:
            known = self._known_actors(db) if mentions else set()
        if mentions:
            conn.executemany(
                "INSERT INTO item_actors (item_id, actor_id, mentions, surfaces) VALUES (?, ?, ?, ?)",
                _new_mentions(conn, item_id, mentions, known),
            )
        after = {m[0] for m in mentions}
        return len(after - before), len(before - after)

    # -- articles ----------------------------------------------------------------------------

    def upsert_article(
        self,
        tagged: Tagged,
        *,
        authors: Sequence[str] = (),
        authors_details: str = "",
        seed: bool = False,
    ) -> int:
        """Store a standalone article; `seed=True` fills the seed record (the first document)."""
        e = tagged.entry
        now = self.clock()
        fields = _item_fields(tagged)
        fields.update(
            kind="article",
            feed=e.feed,
            identity=e.identity,
            author="; ".join(a for a in (clean_line(a, 200) for a in authors) if a)
            or fields["author"],
            authors_details=clean_block(authors_details, 20_000),
            sort_at=iso(e.published or now),
            updated_at=iso(now),
            is_seed=int(seed),
        )
        with self._write() as db:
            if seed:
                row = db.execute("SELECT id FROM items WHERE is_seed = 1 LIMIT 1").fetchone()
            else:
                row = db.execute(
                    "SELECT id FROM items WHERE kind = 'article' AND is_seed = 0 AND "
                    "(identity = ? OR (canonical_url IS NOT NULL AND canonical_url = ?)) LIMIT 1",
                    [e.identity, fields["canonical_url"]],
                ).fetchone()
            fresh = row is None
            if row is not None:
                item_id = int(row[0])
                db.table("items").update(item_id, fields)
            else:
                fields["first_seen_at"] = iso(now)
                item_id = inserted_id(db.table("items").insert(fields))
            self._replace_mentions(db, item_id, _mention_rows(tagged))
            conn = db.conn
            replace_places(conn, item_id, place_rows(tagged), self._known_places(db), fresh=fresh)
            story = self._story_gazetteer(conn).apply(signature(tagged, e.published or now))
            if fresh or not story_unchanged(conn, item_id, story):
                leave_story(conn, item_id)
                join_story(conn, item_id, story, (e.feed,))
        return item_id

    # -- retagging ---------------------------------------------------------------------------

    def retag(
        self,
        results: Iterable[tuple[int, Tagged]],
        feed_tags: Mapping[str, Sequence[str]] | None = None,
    ) -> RetagSummary:
        """Store new relevance verdicts, actors, events and places for existing items, and
        rebuild their stories, in one transaction; with `feed_tags`, also bring every item's
        feed tags in line (`briefing retag`).

        Args:
            results: (item id, new tagging) pairs.
            feed_tags: feed name → tags, over what the feeds table holds (feeds.yaml's
                current tags for the feeds it lists; the others keep theirs). None leaves feed
                tags alone: the pipeline retags single items, and a sync visits every item.
        """
        items = changed = irrelevant = relevant = actors_changed = added = removed = 0
        tags_added = tags_removed = 0
        events_changed = 0
        stories: list[tuple[int, StorySignature]] = []
        with self._write() as db:
            conn = db.conn
            known_places = self._known_places(db)
            gazetteer = self._story_gazetteer(conn)
            if feed_tags is not None:
                wanted = {**feedtags.stored_feed_tags(db.conn), **feed_tags}
                tags_added, tags_removed = feedtags.sync_all(
                    db.conn, wanted, iso(self.clock()) or ""
                )
            for item_id, t in results:
                row = db.execute(
                    "SELECT relevance, reasons, relevant, event_type, event_reasons, sort_at "
                    "FROM items WHERE id = ?",
                    [item_id],
                ).fetchone()
                if row is None:
                    continue
                items += 1
                event_reasons = json_strings(t.event.reasons)
                if (row[3], row[4]) != (t.event.type, event_reasons):
                    events_changed += 1
                    conn.execute(
                        "UPDATE items SET event_type = ?, event_reasons = ? WHERE id = ?",
                        (t.event.type, event_reasons, item_id),
                    )
                replace_places(conn, item_id, place_rows(t), known_places)
                stories.append((item_id, gazetteer.apply(signature(t, require_iso(row[5])))))
                old_score = float(row[0] or 0.0)
                new_reasons = reasons_to_json(t.verdict.reasons)
                was_relevant = bool(row[2])
                if (
                    abs(old_score - t.verdict.score) > 1e-9
                    or row[1] != new_reasons
                    or was_relevant != t.verdict.relevant
                ):
                    changed += 1
                    db.table("items").update(
                        item_id,
                        {
                            "relevance": t.verdict.score,
                            "reasons": new_reasons,
                            "relevant": int(t.verdict.relevant),
                        },
                    )
                if was_relevant and not t.verdict.relevant:
                    irrelevant += 1
                elif t.verdict.relevant and not was_relevant:
                    relevant += 1
                plus, minus = self._replace_mentions(db, item_id, _mention_rows(t))
                added += plus
                removed += minus
                actors_changed += bool(plus or minus)
            # Every story is rebuilt as a fetch would build it, in the order the items came.
            for item_id, _ in stories:
                leave_story(conn, item_id)
            stories.sort(key=lambda pair: pair[0])
            for item_id, sig in stories:
                join_story(conn, item_id, sig, self._item_feeds(conn, item_id))
            count = conn.execute("SELECT count(*) FROM stories").fetchone()[0]
        return RetagSummary(
            items,
            changed,
            irrelevant,
            relevant,
            actors_changed,
            added,
            removed,
            tags_added,
            tags_removed,
            events_changed,
            int(count),
        )


def _new_mentions(
    conn: sqlite3.Connection, item_id: int, mentions: Sequence[MentionRow], known: set[str]
) -> list[tuple[int, str, int, str]]:
    """Item `item_id`'s item_actors rows. The gazetteer and the actors table are synced by the
    caller; an actor unknown here gets a minimal row first, so the mention is never lost."""
    for actor_id, name, _, _ in mentions:
        if actor_id not in known:
            conn.execute(
                "INSERT OR IGNORE INTO actors (id, name, kind, aliases, affiliations, description) "
                "VALUES (?, ?, 'organisation', '[]', '[]', '')",
                (actor_id, name),
            )
            known.add(actor_id)
    return [(item_id, actor_id, count, surfaces) for actor_id, _, count, surfaces in mentions]


def _mention_rows(t: Tagged) -> tuple[MentionRow, ...]:
    """An item's actors, then its places (stored beside them so lists filter by both), once each."""
    rows: dict[str, MentionRow] = {}
    for m in (*t.actors, *t.places):
        if m.actor_id not in rows:
            rows[m.actor_id] = (m.actor_id, m.name, m.count, _list_text(m.surfaces))
    return tuple(rows.values())


def _item_fields(t: Tagged) -> dict[str, Any]:
    """The columns of an item that come from its tagging, in `_FIELD_COLUMNS`' order."""
    e = t.entry
    title = clean_line(e.title, MAX_TITLE) or "(untitled)"
    if title == e.title:
        # The entry's own string: pickled once with the row for the writer, and its
        # headline key is the signature's too.
        title = e.title
    # parse.py already normalised whitespace; the store only guarantees safety and size.
    summary = strip_unsafe(e.summary)[:MAX_TEXT].strip()
    content = strip_unsafe(e.content)[:MAX_TEXT].strip()
    return {
        "title": title,
        "url": e.url,
        "canonical_url": e.canonical_url,
        "summary": summary,
        "content": content,
        # The index's normalised copies, always written with the text (see m011).
        "search_title": search_copy(title),
        "search_summary": search_copy(summary),
        "search_content": search_copy(content),
        "author": clean_line(e.author, 200) if e.author else None,
        "published_at": iso(e.published),
        "language": e.language,
        "relevance": t.verdict.score,
        "reasons": _reasons_text(t.verdict.reasons),
        "relevant": int(t.verdict.relevant or e.kind == "article"),
        "title_key": title_key(title),
        "event_type": t.event.type,
        "event_reasons": _list_text(t.event.reasons),
    }


# The JSON columns of a fetch's items repeat: the tagger shares one verdict between the items
# with the same evidence, and event reasons and matched surfaces come from short lists of
# words. Each text is encoded once and remembered (a few thousand at most, then started over).
_MEMO_CAP = 4096
_REASONS_TEXT: dict[int, tuple[tuple[Reason, ...], str]] = {}
"""id(a verdict's reasons) → (those reasons, `reasons_to_json` of them). By identity: equal
reasons may print differently (a weight of 0.0 or -0.0); the tuple is held, so its id is not
another's while remembered."""
_LIST_TEXTS: dict[tuple[str, ...], str] = {}
"""A tuple of strings → its JSON list."""


def _reasons_text(reasons: tuple[Reason, ...]) -> str:
    held = _REASONS_TEXT.get(id(reasons))
    if held is not None and held[0] is reasons:
        return held[1]
    text = reasons_to_json(reasons)
    if len(_REASONS_TEXT) >= _MEMO_CAP:
        _REASONS_TEXT.clear()
    _REASONS_TEXT[id(reasons)] = (reasons, text)
    return text


def _list_text(values: tuple[str, ...]) -> str:
    text = _LIST_TEXTS.get(values)
    if text is None:
        text = json_strings(values)
        if len(_LIST_TEXTS) >= _MEMO_CAP:
            _LIST_TEXTS.clear()
        _LIST_TEXTS[values] = text
    return text
