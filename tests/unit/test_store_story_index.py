"""The writer's held stories (`briefing.store.storyindex`) against the candidate query."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta, timezone
from pathlib import Path

import pytest

from briefing.core.errors import StoreError
from briefing.core.models import EventType, FetchOutcome, PlaceInfo, Tagged
from briefing.intelligence.stories import StorySignature
from briefing.store import Store, ingest, storyindex
from briefing.store import stories as store_stories
from briefing.store.codec import iso
from briefing.store.storyindex import CANDIDATES, HeldStory, StoryIndex
from tests.conftest import ACTORS, FROZEN_NOW
from tests.unit.test_stories import evented

PLACES = (
    PlaceInfo("sirte", "Sirte", "Tripolitania", "Sirte", "town", 31.2, 16.59),
    PlaceInfo("gharyan", "Gharyan", "Tripolitania", "Jabal al Gharbi", "town", 32.17, 13.02),
)


def ok(feed: str) -> FetchOutcome:
    return FetchOutcome(feed, "ok", 200)


def _signature(rng: random.Random) -> StorySignature:
    # Whole hours over nine days and few keys: many stories share a key, and many share a
    # last_seen (the query's order between those is the index's: descending id).
    return StorySignature(
        event_type=rng.choice(("armed_clash", "protest")),
        place_id=rng.choice(("sirte", "gharyan", None, None, None)),
        place=None,
        when=FROZEN_NOW + timedelta(hours=rng.randrange(0, 24 * 9)),
        phase=rng.choice(("", "", "followup")),
        actors=frozenset(rng.sample(("lna", "gna", "libya", "a", "b", "c"), rng.randrange(0, 2))),
        states=frozenset({"libya"}),
        numbers=frozenset(rng.sample(("7", "12", "3", "40", "5"), rng.randrange(0, 2))),
        spot=rng.choice((None, "port", "airport", "district")),
        title="t",
        language=rng.choice(("en", "ar", None)),
        relevance=rng.random(),
    )


def _view(found: list[HeldStory]) -> list[tuple[object, ...]]:
    return [s.view() for s in found]


def test_held_stories_answer_as_the_candidate_query_does(tmp_path: Path) -> None:
    """Differential: at every new item, the candidates the writer's index holds against
    `CANDIDATE_SQL` run on the database (the plain path), over stories it starts and grows,
    "also in" sources that move a story's last_seen, writes by another connection and by this
    one outside the index, and a transaction rolled back. More than `CANDIDATES` stories fit
    some items, so the limit and the order of ties count."""
    store = Store.open(tmp_path / "s.db")
    store.sync_places(PLACES)
    other = sqlite3.connect(tmp_path / "s.db", isolation_level=None)
    memo = store_stories.StoryMemo()
    index = memo.index
    rng = random.Random(5)
    next_id = 1
    compared = joined = limited = 0
    try:
        for round_ in range(120):
            failing = round_ % 17 == 16
            try:
                with store._write() as db:
                    conn = db.conn
                    ticket = index.open(conn)
                    for _ in range(rng.randrange(1, 12)):
                        sig = _signature(rng)
                        # (The rows grown in memory are written first, for the query.)
                        index.flush(conn)
                        plain = store_stories._stored_candidates(conn, sig)
                        assert _view(index.candidates(conn, sig)) == _view(plain)
                        compared += 1
                        limited += len(plain) == CANDIDATES
                        choice = store_stories.choose_story(conn, sig, memo)
                        joined += choice.match is not None
                        conn.execute(
                            "INSERT INTO items (id, feed, identity, title, sort_at, story_id) "
                            "VALUES (?, 'f', ?, 't', ?, ?)",
                            (
                                next_id,
                                str(next_id),
                                iso(sig.when),
                                choice.match.story_id if choice.match else next_id,
                            ),
                        )
                        store_stories.record_story(
                            conn, next_id, sig, (f"feed{rng.randrange(5)}",), choice, memo
                        )
                        next_id += 1
                        if rng.random() < 0.2:  # another feed carries an item: "also in"
                            item = rng.randrange(1, next_id)
                            when = sig.when + timedelta(hours=rng.randrange(0, 40))
                            feed = f"feed{rng.randrange(9)}"
                            if not index.add_source(conn, item, feed, when):
                                story = store_stories.add_story_source(conn, item, feed, when)
                                if story is not None:
                                    index.reread(conn, story)
                    index.commit(conn)
                    if failing:
                        raise RuntimeError("the feed fails after its writes")
                index.close(conn, ticket)  # after the commit, which indexed the items for search
            except RuntimeError:  # rolled back, and never closed: the next open drops all
                next_id = (
                    1 + store._db().execute("SELECT ifnull(max(id), 0) FROM items").fetchone()[0]
                )
            if round_ % 11 == 5:  # another writer changes stories
                other.execute("UPDATE stories SET headline_rank = headline_rank + 1")
            if round_ % 13 == 7:  # this connection, outside the index's knowledge
                store._db().execute("UPDATE stories SET actors = '[\"haftar\"]' WHERE id % 2 = 0")
    finally:
        other.close()
        store.close()
    assert compared > 500 and joined > 100 and limited > 5


def _feeds(rng: random.Random) -> list[tuple[str, list[Tagged], bool]]:
    """Feeds to store in turn: new reports, reports another feed already carried (same link or
    headline: "also in"), reports a feed sends again changed (updated in place, their story
    decided again), and now and then a feed that fails after writing."""
    sent: list[Tagged] = []
    feeds: list[tuple[str, list[Tagged], bool]] = []
    for n in range(80):
        name = f"feed{rng.randrange(6)}"
        items: list[Tagged] = []
        for _ in range(rng.randrange(1, 9)):
            roll = rng.random()
            if sent and roll < 0.25:  # carried by another feed too, maybe later
                old = rng.choice(sent)
                later = (old.entry.published or FROZEN_NOW) + timedelta(hours=rng.randrange(0, 30))
                entry = replace(
                    old.entry, feed=name, identity=f"{name}:{old.entry.identity}", published=later
                )
                items.append(replace(old, entry=entry))
                continue
            if sent and roll < 0.35:  # sent again changed: updated, its story decided again
                old = rng.choice(sent)
                kind: EventType = rng.choice(("armed_clash", "protest"))
                changed = replace(old.entry, title=old.entry.title + " (updated)")
                items.append(replace(old, entry=changed, event=replace(old.event, type=kind)))
                continue
            when = FROZEN_NOW + timedelta(hours=rng.randrange(0, 24 * 6))
            t = evented(
                f"Report {len(sent)} on events in the west of the country",
                rng.choice(("armed_clash", "protest", "none")),
                rng.choice(("Sirte", "Gharyan", None)),
                when=when,
                actors=tuple(rng.sample(("lna", "gna", "khalifa-haftar"), rng.randrange(0, 2))),
                language=rng.choice(("en", "ar", "fr")),
                feed=name,
                url=f"https://example.org/{len(sent)}",
            )
            sent.append(t)
            items.append(t)
        failing = n % 8 == 7
        if failing:  # ends with a new item, whose INSERT `_store_all` breaks
            items.append(
                evented(f"Failing {n} on events in the west", "protest", "Sirte", feed=name)
            )
        feeds.append((name, items, failing))
    return feeds


def _store_all(store: Store, feeds: list[tuple[str, list[Tagged], bool]], other: Path) -> None:
    for n, (name, items, failing) in enumerate(feeds):
        prepared = store.prepare_feed(name, items)
        if failing:  # the last item's INSERT fails: the feed rolls back
            last = prepared.items[-1]
            broken = replace(last, insert_values=tuple(None for _ in last.insert_values))
            with pytest.raises(StoreError):
                store.store_prepared(
                    ok(name), replace(prepared, items=(*prepared.items[:-1], broken))
                )
            continue
        store.store_prepared(ok(name), prepared)
        if n % 9 == 4:  # another connection writes a story between two feeds
            with sqlite3.connect(other, isolation_level=None) as conn:
                conn.execute(
                    "UPDATE stories SET last_seen = ?, numbers = '[\"7\"]' WHERE id = "
                    "(SELECT max(id) FROM stories)",
                    (iso(FROZEN_NOW + timedelta(days=5)),),
                )
        if n % 11 == 6:  # this store retags items: protests become clashes, stories rebuilt
            titles = dict(store._db().execute("SELECT title, id FROM items").fetchall())
            retagged = [
                (titles[t.entry.title], replace(t, event=replace(t.event, type="armed_clash")))
                for _, sent, _ in feeds[:n]
                for t in sent
                if t.entry.title in titles and t.event.type == "protest"
            ]
            store.retag(retagged[: len(retagged) // 3])


Dump = list[list[tuple[object, ...]]]


def _dump(store: Store) -> Dump:
    db = store._db()
    return [
        [tuple(r) for r in db.execute(f"SELECT * FROM {table} ORDER BY {order}")]
        for table, order in (
            ("items", "id"),
            ("stories", "id"),
            ("item_sources", "feed, identity"),
        )
    ]


def _held_and_plain(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store_them: Callable[[Store, Path], None]
) -> tuple[Dump, Dump]:
    """The rows `store_them` leaves in a store, by the writer as it is and by the plain path:
    every story chosen by the candidate query and written at once, "also in" through SQL, as
    retag does."""
    dumps = []
    for name, plain in (("held", False), ("plain", True)):
        with monkeypatch.context() as patch:
            if plain:
                patch.setattr(
                    ingest,
                    "choose_story",
                    lambda conn, sig, memo=None: store_stories.choose_story(conn, sig),
                )
                patch.setattr(StoryIndex, "add_source", lambda self, *args: False)
                patch.setattr(
                    ingest,
                    "record_story",
                    lambda conn, item_id, sig, sources, choice, memo=None: (
                        store_stories.record_story(conn, item_id, sig, sources, choice)
                    ),
                )
            path = tmp_path / f"{name}.db"
            store = Store.open(path)
            store.clock = lambda: FROZEN_NOW
            try:
                store.sync_actors(ACTORS)
                store.sync_places(PLACES)
                store_them(store, path)
                dumps.append(_dump(store))
            finally:
                store.close()
    return dumps[0], dumps[1]


@pytest.mark.parametrize("seed", [41, 42, 43])
def test_a_fetch_with_held_stories_stores_what_the_candidate_query_would(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    """Differential: the same feeds stored by the writer as it is (candidates from the stories
    it holds) and with the candidate query run for every new item (the plain path), over "also
    in" merges that move a story's times, updates that move an item to another story, feeds
    that fail after writing, another connection's writes and retags between feeds: every item
    and story row the same."""
    feeds = _feeds(random.Random(seed))
    held, plain_dump = _held_and_plain(
        tmp_path, monkeypatch, lambda store, path: _store_all(store, feeds, path)
    )
    assert held == plain_dump
    stories, items = held[1], held[0]
    assert len(stories) < len(items) and any(int(str(s[-1])) > 2 for s in stories)


def test_a_late_close_keeps_nothing_another_connection_read_in_a_failed_transaction(
    tmp_path: Path,
) -> None:
    """A store shared by threads: A commits, B opens the index, reads a story it wrote, and
    rolls back; A's close comes only then. A's next transaction must not see B's story."""
    path = tmp_path / "s.db"
    Store.open(path).close()  # the schema
    a = sqlite3.connect(path, isolation_level=None)
    b = sqlite3.connect(path, isolation_level=None)
    index = StoryIndex()
    sig = StorySignature("armed_clash", None, None, FROZEN_NOW, numbers=frozenset({"7"}))
    try:
        a.execute("BEGIN IMMEDIATE")
        ticket = index.open(a)
        a.execute("COMMIT")
        b.execute("BEGIN IMMEDIATE")
        index.open(b)
        b.execute(
            "INSERT INTO stories (id, event_type, headline, first_seen, last_seen, numbers) "
            "VALUES (1, 'armed_clash', 'x', ?, ?, '[\"7\"]')",
            (iso(FROZEN_NOW), iso(FROZEN_NOW)),
        )
        assert [s.id for s in index.candidates(b, sig)] == [1]
        b.execute("ROLLBACK")
        index.close(a, ticket)  # late
        a.execute("BEGIN IMMEDIATE")
        index.open(a)
        assert index.candidates(a, sig) == store_stories._stored_candidates(a, sig) == []
        a.execute("COMMIT")
    finally:
        a.close()
        b.close()


@pytest.mark.parametrize("other_writes", [False, True])
def test_the_writer_s_search_rounds_keep_its_stories_unless_another_connection_wrote(
    tmp_path: Path, other_writes: bool
) -> None:
    """A fetch's writer indexes for search between feeds (`index_pending`): those writes touch
    no story, so the stories it holds stay held. A commit by another connection in between
    (here, one that adds a figure to the story) makes the next feed read them again."""
    path = tmp_path / "s.db"
    store = Store.open(path)
    store.clock = lambda: FROZEN_NOW
    store.defer_search_index()
    try:
        store.sync_places(PLACES)
        store.store_feed(ok("Wire"), [evented("Clashes in Sirte today", "armed_clash", "Sirte")])
        index = store._story_memo.index
        (held,) = index._by_id.values()
        if other_writes:
            with sqlite3.connect(path, isolation_level=None) as other:
                other.execute("UPDATE stories SET numbers = '[\"7\"]'")
        assert store.index_pending() == 1
        later = FROZEN_NOW + timedelta(hours=2)
        store.store_feed(
            ok("Hebdo"), [evented("Combats a Syrte", "armed_clash", "Sirte", when=later)]
        )
        (now,) = index._by_id.values()
        assert (now is held) is not other_writes
        assert now.numbers == (frozenset({"7"}) if other_writes else frozenset())
    finally:
        store.close()


def test_a_group_keeps_its_stories_when_another_write_comes_between_two_feeds(
    tmp_path: Path,
) -> None:
    """In a fetch's group of feeds, a failed feed's outcome is written between two stored
    feeds: the stories the first grew in memory are still written with the group."""
    store = Store.open(tmp_path / "s.db")
    store.clock = lambda: FROZEN_NOW
    try:
        store.sync_actors(ACTORS)
        store.sync_places(PLACES)
        with store.grouped_writes():
            store.store_feed(
                ok("A"), [evented("Clashes in Sirte today", "armed_clash", "Sirte", feed="A")]
            )
            store.record_outcome(FetchOutcome("B", "error", 500, error="boom"))
            later = FROZEN_NOW + timedelta(hours=1)
            store.store_feed(
                ok("C"), [evented("Protest in Gharyan", "protest", "Gharyan", feed="C", when=later)]
            )
        db = store._db()
        items = db.execute("SELECT story_id FROM items ORDER BY id").fetchall()
        stories = db.execute("SELECT id, items FROM stories ORDER BY id").fetchall()
        assert [tuple(r) for r in stories] == [(items[0][0], 1), (items[1][0], 1)]
    finally:
        store.close()


def _odd_times(
    feeds: list[tuple[str, list[Tagged], bool]], rng: random.Random
) -> list[tuple[str, list[Tagged], bool]]:
    """The feeds with their items' times moved by seconds and fractions of one, and written in
    other time zones: the held path compares times, the plain one the stored texts."""
    moved: list[tuple[str, list[Tagged], bool]] = []
    for name, items, failing in feeds:
        new: list[Tagged] = []
        for t in items:
            when = t.entry.published
            if when is not None:
                when += timedelta(
                    seconds=rng.choice((0, 0, 1, 59)),
                    microseconds=rng.choice((0, 1, 500_000, 999_999)),
                )
                zone = timezone(timedelta(hours=rng.choice((-5, 0, 2, 5.5))))
                t = replace(t, entry=replace(t.entry, published=when.astimezone(zone)))
            new.append(t)
        moved.append((name, new, failing))
    return moved


def _store_in_groups(store: Store, feeds: list[tuple[str, list[Tagged], bool]], group: int) -> None:
    """As a fetch's writer stores feeds: `group` to a transaction, each again alone when the
    group fails (a failing feed's last INSERT breaks)."""

    def one(name: str, items: list[Tagged], failing: bool) -> None:
        prepared = store.prepare_feed(name, items)
        if failing:
            last = prepared.items[-1]
            broken = replace(last, insert_values=tuple(None for _ in last.insert_values))
            prepared = replace(prepared, items=(*prepared.items[:-1], broken))
        store.store_prepared(ok(name), prepared)

    for first in range(0, len(feeds), group):
        chunk = feeds[first : first + group]
        if group > 1:
            try:
                with store.grouped_writes():
                    for feed in chunk:
                        one(*feed)
                continue
            except StoreError:
                pass
        for feed in chunk:
            try:
                one(*feed)
            except StoreError:
                pass


@pytest.mark.parametrize(("seed", "group", "held_max"), [(1, 1, 3), (2, 4, 20_000), (3, 4, 3)])
def test_held_stories_compare_times_as_the_stored_texts_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int, group: int, held_max: int
) -> None:
    """Differential: items whose times have fractions of a second and other time zones, stored
    in groups (some failing, stored again alone) with the held rows written and dropped every
    few stories, by the writer as it is and by the plain path (the candidate query, every row
    written at once, "also in" through SQL): every item and story row the same."""
    rng = random.Random(seed)
    feeds = _odd_times(_feeds(rng), rng)
    monkeypatch.setattr(storyindex, "HELD_MAX", held_max)
    held, plain_dump = _held_and_plain(
        tmp_path, monkeypatch, lambda store, path: _store_in_groups(store, feeds, group)
    )
    assert held == plain_dump
    assert len(held[1]) < len(held[0])
