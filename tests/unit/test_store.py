"""The store's query API, triage writes, dedup and provenance, views, actors and status."""

from __future__ import annotations

import sqlite3
import threading
from datetime import timedelta
from pathlib import Path

import pytest

from briefing.core.errors import ReadOnlyStoreError, SearchSyntaxError, StoreError
from briefing.core.models import Entry, FeedSpec, FetchOutcome, ItemFilter, Verdict
from briefing.core.search import Term, parse_search
from briefing.store import Store
from briefing.store.query import fts_query
from tests.conftest import ACTORS, FROZEN_NOW, tagged


@pytest.fixture
def filled(store: Store) -> Store:
    store.sync_feeds(
        [
            FeedSpec("Libya Observer", "https://lo.example/rss"),
            FeedSpec("UN News", "https://un.example/rss"),
        ]
    )
    store.sync_actors(ACTORS)
    day = timedelta(days=1)
    store.store_feed(
        FetchOutcome("Libya Observer", "ok", 200, seen=4, kept=3, dropped=1),
        [
            tagged(
                "LNA jets strike Mitiga airport in Tripoli",
                url="https://lo.example/1",
                summary="Haftar's forces hit the airport.",
                actors=["lna", "khalifa-haftar"],
            ),
            tagged(
                "GNA calls for ceasefire after clashes",
                url="https://lo.example/2",
                published=FROZEN_NOW - 2 * day,
                actors=["gna"],
            ),
            tagged(
                "Salamé briefs the Security Council on the conference",
                url="https://lo.example/3",
                published=FROZEN_NOW - 10 * day,
                summary="The envoy spoke of Libya's national conference.",
            ),
        ],
        [(Entry("x", "Libya Observer", "Tripoli, Lebanon sees protests"), Verdict(False, 0.0))],
        run_id="run-1",
    )
    store.store_feed(
        FetchOutcome("UN News", "ok", 200, seen=2, kept=2),
        [
            # Same canonical link as an item already stored: one story, two sources.
            tagged(
                "UN: airport strike in Tripoli condemned",
                feed="UN News",
                url="https://lo.example/1",
                actors=["lna"],
            ),
            tagged(
                "UAE envoy meets Haftar in Benghazi",
                feed="UN News",
                url="https://un.example/9",
                published=FROZEN_NOW - 1 * day,
                actors=["uae", "khalifa-haftar"],
            ),
        ],
        run_id="run-1",
    )
    return store


def test_items_newest_first_with_provenance(filled: Store) -> None:
    rows = filled.items()
    assert [r.title for r in rows] == [
        "LNA jets strike Mitiga airport in Tripoli",
        "UAE envoy meets Haftar in Benghazi",
        "GNA calls for ceasefire after clashes",
        "Salamé briefs the Security Council on the conference",
    ]
    assert rows[0].also_in == ("UN News",)
    assert set(rows[0].actors) == {"Libyan National Army", "Khalifa Haftar"}
    assert filled.count() == 4


def test_same_title_from_another_feed_is_one_item(filled: Store) -> None:
    result = filled.store_feed(
        FetchOutcome("UN News", "ok", 200),
        [
            tagged(
                "GNA calls for ceasefire after clashes!",
                feed="UN News",
                identity="u-77",
                url="https://un.example/77",
                published=FROZEN_NOW - timedelta(days=2, hours=5),
            )
        ],
    )
    assert result.merged == 1 and result.new == 0
    (row,) = filled.items(ItemFilter(text="ceasefire"))
    assert row.also_in == ("UN News",)


def test_update_in_place_keeps_triage(filled: Store) -> None:
    row = filled.items(ItemFilter(text="ceasefire"))[0]
    filled.add_tags([row.id], ["follow-up"])
    filled.set_note(row.id, "check the numbers")
    filled.set_flagged([row.id], True)
    result = filled.store_feed(
        FetchOutcome("Libya Observer", "ok", 200),
        [
            tagged(
                "GNA calls for ceasefire after clashes",
                identity="GNA calls for ceasefire after clashes",
                url="https://lo.example/2",
                summary="Updated: talks set for Monday.",
                published=FROZEN_NOW - timedelta(days=2),
            )
        ],
    )
    assert result.updated == 1
    detail = filled.item(row.id)
    assert detail is not None
    assert detail.summary == "Updated: talks set for Monday."
    assert detail.row.tags == ("follow-up",) and detail.note == "check the numbers"
    assert detail.row.flagged


def test_filters_combine(filled: Store) -> None:
    assert filled.count(ItemFilter(actors=("Haftar",))) == 2
    assert filled.count(ItemFilter(actors=("khalifa-haftar",), feeds=("UN News",))) == 2
    assert filled.count(ItemFilter(actors=("Haftar",), text="benghazi")) == 1
    assert filled.count(ItemFilter(since=FROZEN_NOW - timedelta(days=3))) == 3
    assert filled.count(ItemFilter(until=FROZEN_NOW - timedelta(days=3))) == 1
    assert filled.count(ItemFilter(actors=("nobody",))) == 0
    row = filled.items()[0]
    filled.add_tags([row.id], ["escalation"])
    assert filled.count(ItemFilter(tags=("Escalation",), actors=("LNA",))) == 1


def test_full_text_search_folds_diacritics_and_is_injection_safe(filled: Store) -> None:
    assert filled.count(ItemFilter(text="salame")) == 1
    assert filled.count(ItemFilter(text="Salamé conf*")) == 1  # a prefix when asked for
    assert filled.count(ItemFilter(text="Salamé conf")) == 0  # ...and a word otherwise
    assert filled.count(ItemFilter(text='"security council"')) == 1
    for hostile in ["*", "title:x", "-x", "^", "NEAR(x)"]:
        filled.count(ItemFilter(text=hostile))  # never FTS5 syntax, so never an FTS5 error
    for broken in ['"', "NEAR(", "a OR", "((("]:
        with pytest.raises(SearchSyntaxError):  # one line for the user (tests/unit/test_search)
            filled.count(ItemFilter(text=broken))
    assert fts_query(parse_search('say "hello world" NEAR(xy)') or Term("")) == (
        '("say" AND "hello world" AND "NEAR" AND "xy")'
    )


def test_states_and_facets(filled: Store) -> None:
    rows = filled.items()
    filled.set_read([rows[0].id], True)
    filled.set_dismissed([rows[1].id], True)
    filled.set_flagged([rows[2].id], True)
    assert filled.count(ItemFilter(state="unread")) == 2
    assert filled.count(ItemFilter(state="read")) == 1
    assert filled.count(ItemFilter(state="dismissed")) == 1
    assert filled.count(ItemFilter(state="flagged")) == 1
    assert filled.count(ItemFilter(state="all")) == 4
    assert filled.count() == 3
    facets = filled.facets()
    states = {f.value: f.count for f in facets.states}
    assert states == {"active": 3, "unread": 2, "read": 1, "flagged": 1, "dismissed": 1, "all": 4}
    assert {f.value: f.count for f in facets.actors}["lna"] == 1
    assert {f.value for f in facets.feeds} == {"Libya Observer"}


def test_paging_and_sorting(filled: Store) -> None:
    first = filled.items(limit=2)
    second = filled.items(limit=2, offset=2)
    assert len(first) == 2 and len(second) == 2
    assert not {r.id for r in first} & {r.id for r in second}
    assert filled.items(sort="oldest")[0].title.startswith("Salamé")
    assert filled.position(second[0].id) == 2


def test_undo_restores_a_snapshot(filled: Store) -> None:
    row = filled.items()[0]
    before = filled.triage([row.id])
    filled.add_tags([row.id], ["a", "b"])
    filled.set_note(row.id, "first line\nsecond line")
    filled.set_read([row.id], True)
    filled.set_dismissed([row.id], True)
    filled.restore(before)
    assert filled.triage([row.id]) == before


def test_notes_keep_lines_and_drop_control_characters(filled: Store) -> None:
    row = filled.items()[0]
    filled.set_note(row.id, "line one\n\x1b[31mline two\u202e")
    detail = filled.item(row.id)
    assert detail is not None and detail.note == "line one\nline two"
    filled.set_note(row.id, "")
    detail = filled.item(row.id)
    assert detail is not None and detail.note == "" and not detail.row.has_note
    with pytest.raises(StoreError):
        filled.set_note(99_999, "x")


def test_tags_are_normalised_and_counted(filled: Store) -> None:
    rows = filled.items()
    filled.add_tags([rows[0].id, rows[1].id], ["Escalation", " escalation ", "oil, gas"])
    assert [(t.value, t.count) for t in filled.tags()] == [("Escalation", 2), ("oil gas", 2)]
    filled.remove_tags([rows[0].id], ["ESCALATION"])
    assert {t.value: t.count for t in filled.tags()} == {"Escalation": 1, "oil gas": 2}


def test_saved_views_round_trip(filled: Store) -> None:
    f = ItemFilter(
        actors=("lna",), text="airport", since=FROZEN_NOW - timedelta(days=7), state="unread"
    )
    filled.save_view("LNA airport", f)
    view = filled.view("lna airport")
    assert view is not None and view.filter == f
    assert [v.name for v in filled.views()] == ["LNA airport"]
    filled.delete_view("LNA airport")
    assert filled.views() == []
    with pytest.raises(StoreError):
        filled.save_view("  ", f)


def test_actor_counts_and_lookup(filled: Store) -> None:
    counts = {c.id: c for c in filled.actor_counts(now=FROZEN_NOW)}
    haftar = counts["khalifa-haftar"]
    assert (haftar.last_24h, haftar.last_7d, haftar.total) == (1, 2, 2)
    assert len(haftar.daily) == 30 and sum(haftar.daily) == 2 and haftar.daily[-1] == 1
    actor = filled.actor("hifter")
    assert actor is not None and actor.id == "khalifa-haftar" and actor.affiliations == ("lna",)


def test_fetch_log_health_and_dropped(filled: Store) -> None:
    filled.record_outcome(FetchOutcome("UN News", "error", 503, error="HTTP 503"), run_id="run-2")
    filled.record_outcome(FetchOutcome("UN News", "error", 503, error="HTTP 503"), run_id="run-3")
    state = filled.feed_state("UN News")
    assert state is not None and state.error_count == 2 and state.last_error == "HTTP 503"
    filled.record_outcome(FetchOutcome("UN News", "not_modified", 304, etag='"v2"'))
    state = filled.feed_state("UN News")
    assert state is not None and state.error_count == 0 and state.etag == '"v2"'
    filled.record_outcome(FetchOutcome("UN News", "gone", 410, disable=True, error="HTTP 410 Gone"))
    state = filled.feed_state("UN News")
    assert state is not None and not state.enabled
    runs = filled.fetch_runs("Libya Observer")
    assert runs[0].new == 3 and runs[0].dropped == 1 and runs[0].run_id == "run-1"
    ((entry, verdict),) = filled.dropped_items("Libya Observer")
    assert entry.title == "Tripoli, Lebanon sees protests" and not verdict.relevant
    assert filled.last_fetch() == FROZEN_NOW


def test_sync_feeds_keeps_state_and_follows_config(store: Store) -> None:
    store.sync_feeds([FeedSpec("A", "https://a.example/rss")])
    store.record_outcome(FetchOutcome("A", "ok", 200, etag='"e"', new_url="https://a.example/new"))
    store.sync_feeds([FeedSpec("A", "https://a.example/rss")])
    state = store.feed_state("A")
    assert state is not None and state.url == "https://a.example/new" and state.etag == '"e"'
    store.sync_feeds([FeedSpec("A", "https://a.example/other")])
    state = store.feed_state("A")
    assert state is not None and state.url == "https://a.example/other" and state.etag is None
    store.sync_feeds([FeedSpec("A", "https://a.example/other", enabled=False)])
    assert not store.feed_states()[0].enabled
    store.sync_feeds([])
    assert store.feed_states() == []


def test_seed_article_is_first_and_updatable(store: Store) -> None:
    seed = tagged(
        "An analysis of the Tripoli offensive",
        feed="Foreign Policy",
        identity="seed",
        url="https://fp.example/a",
        actors=["khalifa-haftar"],
    )
    store.sync_actors(ACTORS)
    first = store.upsert_article(seed, authors=["A. Writer", "B. Writer"], seed=True)
    assert first == 1
    again = store.upsert_article(
        seed, authors=["A. Writer"], authors_details="A. Writer writes.", seed=True
    )
    assert again == first
    detail = store.seed()
    assert detail is not None and detail.row.kind == "article" and detail.author == "A. Writer"
    assert detail.authors_details == "A. Writer writes."
    status = store.status()
    assert status.seed is not None and status.items == 1 and not status.seed_has_text


def test_retag_summary(filled: Store) -> None:
    pairs = list(filled.iter_entries())
    assert len(pairs) == 4
    item_id, entry = pairs[0]
    results = [(item_id, tagged(entry.title, actors=["gna"], score=0.5, relevant=False))]
    summary = filled.retag(results)
    assert summary.items == 1 and summary.became_irrelevant == 1 and summary.actors_changed == 1
    detail = filled.item(item_id)
    assert detail is not None and [m.actor_id for m in detail.mentions] == ["gna"]
    assert detail.row.relevance == 0.5


def test_read_only_store_refuses_writes(tmp_path: object, filled: Store) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "ro.db"
    Store.open(path).close()
    ro = Store.open(path, read_only=True)
    assert ro.read_only and ro.notice and "read-only" in ro.notice
    assert ro.count() == 0
    with pytest.raises(ReadOnlyStoreError):
        ro.set_read([1], True)
    ro.close()


def test_record_outcomes_in_one_batch(store: Store) -> None:
    store.sync_feeds([FeedSpec(f"F{n}", f"https://f{n}.example/rss") for n in range(3)])
    outcomes = [FetchOutcome(f"F{n}", "not_modified", 304, etag=f'"e{n}"') for n in range(3)]
    store.record_outcomes(outcomes, run_id="warm")
    assert [r.feed for r in store.fetch_runs()] == ["F2", "F1", "F0"]
    assert {s.name: s.etag for s in store.feed_states()} == {
        "F0": '"e0"',
        "F1": '"e1"',
        "F2": '"e2"',
    }


def test_places_are_stored_after_actors(store: Store) -> None:
    from dataclasses import replace

    from briefing.core.models import ActorInfo, ActorMention

    store.sync_actors([*ACTORS, ActorInfo("sirte", "Sirte", "place")])
    item = tagged("LNA units move towards Sirte", actors=["lna"])
    item = replace(item, places=(ActorMention("sirte", "Sirte", 3, ("Sirte",)),))
    store.store_feed(FetchOutcome("Libya Observer", "ok", 200), [item])
    (row,) = store.items()
    # A place is never listed as an actor (issue 12), but stays findable by name.
    assert row.actors == ("Libyan National Army",)
    assert store.count(ItemFilter(actors=("Sirte",))) == 1


def test_prepared_feed_stores_like_store_feed(store: Store) -> None:
    """The worker's two halves (rows built outside the lock, then written) equal store_feed."""
    store.sync_feeds([FeedSpec("Libya Observer", "https://lo.example/rss")])
    store.sync_actors(ACTORS)
    items = [
        tagged("LNA advances on Sirte", url="https://lo.example/a", actors=["lna", "lna"]),
        tagged("GNA answers", url="https://lo.example/b", actors=["gna"]),
    ]
    long_summary = "Lebanon " + "word " * 400
    dropped = [
        (
            Entry("d1", "Libya Observer", "Tripoli, Lebanon", summary=long_summary),
            Verdict(False, 0.5),
        )
    ]
    prepared = store.prepare_feed("Libya Observer", items, dropped, "run-9")
    # Preparing reads nothing and writes nothing.
    assert store.count(ItemFilter()) == 0
    result = store.store_prepared(
        FetchOutcome("Libya Observer", "ok", 200, seen=3, kept=2, dropped=1), prepared
    )
    assert (result.new, result.updated, result.merged) == (2, 0, 0)
    rows = store.items(ItemFilter())
    assert sorted(r.title for r in rows) == ["GNA answers", "LNA advances on Sirte"]
    lna = store.items(ItemFilter(actors=("lna",)))
    assert [r.title for r in lna] == ["LNA advances on Sirte"]
    ((entry, verdict),) = store.dropped_items("Libya Observer")
    # A dropped item keeps a one-line excerpt, not its whole text.
    assert entry.summary.startswith("Lebanon word") and len(entry.summary) <= 300
    assert "\n" not in entry.summary and verdict.score == 0.5
    # Storing the same rows again changes nothing.
    again = store.store_feed(FetchOutcome("Libya Observer", "ok", 200), items, dropped, run_id="r")
    assert (again.new, again.unchanged) == (0, 2)


def test_a_bulk_writer_s_page_cache_holds_a_group_of_feeds(tmp_path: Path) -> None:
    """A bulk writer's connections (made before and after the call, in any thread) get the
    larger page cache; another connection and a read-only store keep SQLite's default."""
    from briefing.store.base import BULK_CACHE_KIB

    path = tmp_path / "bulk.db"
    writer = Store.open(path)
    before = writer._db().conn
    writer.use_bulk_cache()
    assert before.execute("PRAGMA cache_size").fetchone()[0] == -BULK_CACHE_KIB
    seen: list[int] = []
    thread = threading.Thread(
        target=lambda: seen.append(writer._db().conn.execute("PRAGMA cache_size").fetchone()[0])
    )
    thread.start()
    thread.join()
    assert seen == [-BULK_CACHE_KIB]
    assert BULK_CACHE_KIB > 2000
    other = sqlite3.connect(path)
    assert other.execute("PRAGMA cache_size").fetchone()[0] == -2000
    other.close()
    writer.close()
    reader = Store.open(path, read_only=True)
    reader.use_bulk_cache()
    assert reader._db().conn.execute("PRAGMA cache_size").fetchone()[0] == -2000
    reader.close()


def test_deferred_checkpoints_and_checkpoint(tmp_path: Path) -> None:
    """A bulk writer lets the WAL grow; checkpoint() copies it back into the database file."""
    path = tmp_path / "bulk.db"
    wal = tmp_path / "bulk.db-wal"
    writer = Store.open(path)
    writer.defer_checkpoints(50_000)
    conn = writer._db().conn
    assert conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 50_000
    # Another connection keeps SQLite's default (a second Store.open in this process would
    # share the writer's store, see store/shared.py).
    reader = sqlite3.connect(path)
    assert reader.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000
    writer.sync_feeds([FeedSpec(f"Feed {i}", f"https://f{i}.example/rss") for i in range(60)])
    text = "Haftar and the LNA. " * 150
    for i in range(60):
        feed = f"Feed {i}"
        stories = [
            tagged(f"Story {i} {n}", feed=feed, url=f"https://f{i}.example/{n}", summary=text)
            for n in range(20)
        ]
        writer.store_feed(FetchOutcome(feed, "ok", 200), stories)
    # Twice SQLite's default of 1,000 pages, never restarted: no autocheckpoint ran.
    frames = (wal.stat().st_size - 32) // (4096 + 24)
    assert frames > 2_000
    writer.checkpoint()
    busy, logged, copied = reader.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    assert busy == 0 and logged == copied
    assert writer.count(ItemFilter()) == 1200
    reader.close()
    writer.close()
    again = Store.open(path)
    assert again.count(ItemFilter()) == 1200
    again.close()
