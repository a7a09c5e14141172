"""Events, places and stories in the store: written with the feed, rebuilt by retag, queried."""

from __future__ import annotations

import contextlib
import json
import random
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from briefing.core.errors import StoreError
from briefing.core.models import (
    ActorInfo,
    ActorMention,
    FetchOutcome,
    ItemFilter,
    PlaceInfo,
    PlaceMention,
    Tagged,
)
from briefing.intelligence.stories import group, signature
from briefing.store import Store, storyindex
from briefing.store.codec import iso
from tests.conftest import ACTORS, FROZEN_NOW
from tests.unit.test_stories import evented

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
PLACES = (
    PlaceInfo(
        "gharyan", "Gharyan", "Tripolitania", "Jabal al Gharbi", "town", 32.17, 13.02, ("غريان",)
    ),
    PlaceInfo("sirte", "Sirte", "Tripolitania", "Sirte", "town", 31.2, 16.59, ("Syrte", "سرت")),
)


def ok(feed: str) -> FetchOutcome:
    return FetchOutcome(feed, "ok", 200)


def test_one_event_in_three_feeds_and_languages_is_one_story(store: Store) -> None:
    store.sync_places(PLACES)
    store.store_feed(
        ok("Wire"),
        [evented("Drone strike hits farm near Gharyan", "remote_violence", "Gharyan", feed="Wire")],
    )
    store.store_feed(
        ok("Al Wasat"),
        [
            evented(
                "طائرة مسيرة تقصف مزرعة جنوب غريان",
                "remote_violence",
                "Gharyan",
                feed="Al Wasat",
                language="ar",
                when=FROZEN_NOW + HOUR,
            )
        ],
    )
    store.store_feed(
        ok("Hebdo"),
        [
            evented(
                "Un drone frappe une ferme",
                "remote_violence",
                "Gharyan",
                feed="Hebdo",
                language="fr",
                when=FROZEN_NOW - HOUR,
            )
        ],
    )
    rows = store.items()
    assert len(rows) == 3 and len({r.story_id for r in rows}) == 1
    story = store.story(rows[0].story_id or 0)
    assert story is not None
    assert story.items == 3 and story.sources == ("Wire", "Al Wasat", "Hebdo")
    assert story.languages == ("en", "ar", "fr")
    assert story.headline == "Drone strike hits farm near Gharyan"  # the English one
    assert story.place == "Gharyan" and story.event_type == "remote_violence"
    assert story.first_seen == FROZEN_NOW - HOUR and story.last_seen == FROZEN_NOW + HOUR
    assert [r.feed for r in store.story_members(rows[1].id)] == ["Hebdo", "Wire", "Al Wasat"]
    detail = store.item(rows[0].id)
    assert detail is not None
    assert detail.event.type == "remote_violence" and detail.event.reasons == ("test",)
    assert [p.name for p in detail.places] == ["Gharyan"] and detail.places[0].primary
    joined = [store.item(r.id) for r in rows]
    assert sum(1 for d in joined if d and d.story_reasons) == 2
    assert any(d and "same place Gharyan" in d.story_reasons for d in joined)


def test_also_in_is_the_special_case_and_a_week_later_is_another_story(store: Store) -> None:
    first = evented(
        "Drone strike hits farm near Gharyan", "remote_violence", "Gharyan", url="https://w/1"
    )
    again = replace(first, entry=replace(first.entry, feed="Other", identity="o1"))
    later = evented(
        "Drone strike in Gharyan", "remote_violence", "Gharyan", when=FROZEN_NOW + 7 * DAY
    )
    store.store_feed(ok("Libya Observer"), [first])
    store.store_feed(ok("Other"), [again])
    store.store_feed(ok("Libya Observer"), [later])
    rows = store.items()
    assert len(rows) == 2 and rows[0].story_id != rows[1].story_id
    story = store.story(rows[1].story_id or 0)
    assert story is not None and story.sources == ("Libya Observer", "Other") and story.items == 1


def test_a_feed_that_fails_mid_write_leaves_no_items_and_no_stories(store: Store) -> None:
    good = evented("Clashes in Sirte", "armed_clash", "Sirte")
    bad = evented("Clashes again in Sirte", "armed_clash", "Sirte", when=FROZEN_NOW + HOUR)
    # A title the items table refuses (NOT NULL) only after the first item and its story are
    # written: the whole feed rolls back.
    prepared = store.prepare_feed("Libya Observer", [good, bad])
    broken = replace(
        prepared.items[1], insert_values=tuple(None for _ in prepared.items[1].insert_values)
    )
    with pytest.raises(StoreError):
        store.store_prepared(
            ok("Libya Observer"), replace(prepared, items=(prepared.items[0], broken))
        )
    db = store._db()
    assert db.execute("SELECT count(*) FROM items").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM stories").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM item_places").fetchone()[0] == 0


def test_retag_rebuilds_the_same_stories_with_the_same_ids(store: Store) -> None:
    items = _mixed_items(random.Random(7), 60)
    for n in range(0, 60, 10):
        store.store_feed(ok(f"f{n}"), items[n : n + 10])
    before = {r.id: r.story_id for r in store.items(limit=1000)}
    ids = sorted(before)
    summary = store.retag(list(zip(ids, items, strict=True)))
    after = {r.id: r.story_id for r in store.items(limit=1000)}
    assert after == before
    assert summary.stories == len(set(before.values()))
    # Retyping one item moves it out of its story; the others stay together.
    mates = [i for i in ids if before[i] == before[ids[0]] and i != ids[0]]
    moved = [
        replace(t, event=replace(t.event, type="protest")) if i == 0 else t
        for i, t in enumerate(items)
    ]
    store.retag(list(zip(ids, moved, strict=True)))
    first = store.item(ids[0])
    assert first is not None and first.row.event_type == "protest"
    story = store.story(first.row.story_id or 0)
    assert story is not None and story.event_type == "protest"
    after = {r.id: r.story_id for r in store.items(limit=1000)}
    assert all(after[m] != after[ids[0]] for m in mates)
    assert len({after[m] for m in mates}) <= 1


def test_stories_in_the_store_equal_the_stories_grouped_in_memory(store: Store) -> None:
    """The store's indexed assignment (the fast path) against `group` over the same items.

    Both take the items in time order: assignment is incremental, so the order matters."""
    items = sorted(
        _mixed_items(random.Random(11), 120), key=lambda t: t.entry.published or FROZEN_NOW
    )
    for n in range(0, 120, 15):
        store.store_feed(ok(f"f{n}"), items[n : n + 15])
    rows = {r.title: r.story_id for r in store.items(limit=1000)}
    grouped = group([signature(t, t.entry.published or FROZEN_NOW) for t in items])
    stored = [rows[t.entry.title] for t in items]
    assert _partition(stored) == _partition([s for s, _ in grouped])


@pytest.mark.parametrize(("held_max", "group"), [(20_000, 1), (3, 1), (20_000, 4), (3, 4)])
def test_a_fetch_writes_each_item_s_story_as_joining_it_afterwards_does(
    store: Store, held_max: int, group: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Differential: a fetch decides an item's story before its INSERT and writes story_id in
    it, with the candidate rows it decoded before held in memory, and the stories it joins
    grown there and written when the transaction commits (the fast paths); retag rebuilds
    every story the plain way, item by item in id order (`join_story`: the item first, then
    its story, every row decoded and written at once). Stories and the items' story columns
    must come out the same, row for row: feeds in transactions of their own or `group` to a
    transaction (a fetch's writer: between two of its feeds, a failed feed's outcome and a
    worker's gazetteer are written too), and with the held rows written and dropped every few
    rows (`HELD_MAX`)."""
    monkeypatch.setattr(storyindex, "HELD_MAX", held_max)
    items = _mixed_items(random.Random(23), 150)
    feeds = [items[n : n + 10] for n in range(0, 150, 10)]
    for first in range(0, len(feeds), group):
        with store.grouped_writes() if group > 1 else contextlib.nullcontext():
            for n, feed in enumerate(feeds[first : first + group], start=first):
                store.store_feed(ok(f"f{n}"), feed)
                if group > 1 and n % 2:
                    store.record_outcome(FetchOutcome(f"down{n}", "error", 500, error="boom"))
                if group > 1 and n % 3 == 1:
                    store.sync_actors([*ACTORS, ActorInfo(f"new-{n}", f"New {n}", "person")])
    db = store._db()

    def stories() -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
        return (
            [tuple(r) for r in db.execute("SELECT * FROM stories ORDER BY id")],
            [tuple(r) for r in db.execute("SELECT id, story_id, story_reasons FROM items")],
        )

    fetched = stories()
    assert len(fetched[0]) < len(fetched[1])  # some stories have several reports
    ids = [int(str(r[0])) for r in fetched[1]]
    store.retag(list(zip(ids, items, strict=True)))
    assert stories() == fetched


def test_a_new_story_keeps_its_item_s_id_when_sqlite_picks_another(store: Store) -> None:
    # The INSERT guesses the new item's id (one more than the largest) for the story it starts;
    # at the largest id SQLite picks another, and the item's story_id follows it.
    store.sync_places(PLACES)
    store._db().execute(
        "INSERT INTO items (id, feed, title, sort_at) VALUES (9223372036854775807, 'x', 'x', ?)",
        ["2020-01-01T00:00:00+00:00"],
    )
    store.store_feed(ok("Wire"), [evented("Clashes in Sirte", "armed_clash", "Sirte", feed="Wire")])
    (row,) = [r for r in store.items(ItemFilter(state="all")) if r.title == "Clashes in Sirte"]
    assert row.story_id == row.id != 9223372036854775807
    story = store.story(row.id)
    assert story is not None and story.items == 1


def test_the_founder_leaving_hands_the_story_to_the_next_member(store: Store) -> None:
    a = evented("Clashes in Sirte", "armed_clash", "Sirte")
    b = evented("Fighting in Sirte", "armed_clash", "Sirte", when=FROZEN_NOW + HOUR)
    c = evented(
        "Combats à Syrte", "armed_clash", "Sirte", when=FROZEN_NOW + 2 * HOUR, language="fr"
    )
    store.store_feed(ok("Libya Observer"), [a, b, c])
    ids = sorted(r.id for r in store.items())
    assert {r.story_id for r in store.items()} == {ids[0]}
    # The founder's feed rewrites it as a different event: it leaves, the story keeps the rest.
    store.store_feed(
        ok("Libya Observer"),
        [
            replace(
                a,
                event=replace(a.event, type="protest"),
                entry=replace(a.entry, summary="now a protest"),
            )
        ],
    )
    by_id = {r.id: r.story_id for r in store.items()}
    assert by_id[ids[1]] == by_id[ids[2]] == ids[1]
    assert by_id[ids[0]] == ids[0]
    story = store.story(ids[1])
    assert story is not None and story.items == 2


def test_the_search_language_takes_event_and_place_words(store: Store) -> None:
    """`event:TYPE` and `place:NAME` in the search box or `--search` narrow as the panel's
    facets do (any of several values of one kind), together with the words and the panel."""
    store.sync_places(PLACES)
    store.store_feed(
        ok("Libya Observer"),
        [
            evented("Militias clash near Sirte", "armed_clash", "Sirte"),
            evented("Residents protest power cuts", "protest", "Gharyan", when=FROZEN_NOW - DAY),
            evented("Talks in Geneva", "talks_agreement", None, when=FROZEN_NOW - 2 * DAY),
        ],
    )
    store.index_pending()

    def titles(text: str, **more: Any) -> list[str]:
        return sorted(r.title for r in store.items(ItemFilter(text=text, **more)))

    assert titles("event:protest") == ["Residents protest power cuts"]
    assert titles("event:protest event:armed_clash") == [
        "Militias clash near Sirte",
        "Residents protest power cuts",
    ]
    assert titles("place:Syrte") == ["Militias clash near Sirte"]  # a name or alias, any script
    assert titles('place:"Gharyan" protest') == ["Residents protest power cuts"]
    assert titles("place:Sirte protest") == []  # the words still count
    assert titles("place:Nowhere") == []
    assert titles("event:protest", events=("armed_clash",)) == []  # and so does the panel
    assert titles('"event:protest"') == []  # quoted, it is a phrase to find in the text
    assert titles("-clash event:armed_clash") == []


def test_places_are_a_facet_a_filter_and_counts_never_actors(store: Store) -> None:
    store.sync_actors(
        [
            *ACTORS,
            ActorInfo("tripoli", "Tripoli", "place"),
            ActorInfo("misrata", "Misrata", "place", acts=True),
        ]
    )
    store.sync_places(PLACES)
    t = evented(
        "Misrata forces clash near Sirte", "armed_clash", "Sirte", actors=("lna", "misrata")
    )
    t = replace(
        t,
        places=(ActorMention("tripoli", "Tripoli", 1, ("Tripoli",)),),
        locations=(
            PlaceMention("sirte", "Sirte", "Tripolitania", ("Sirte",), True),
            PlaceMention("gharyan", "Gharyan", "Tripolitania", ("Gharyan",)),
        ),
    )
    store.store_feed(
        ok("Libya Observer"),
        [t, evented("Talks in Geneva", "talks_agreement", None, when=FROZEN_NOW - DAY)],
    )
    (row,) = store.items(ItemFilter(places=("Syrte",)))
    assert row.actors == ("Libyan National Army", "Misrata")  # Misrata acts; Tripoli only locates
    assert store.count(ItemFilter(places=("gharyan",))) == 1
    assert store.count(ItemFilter(places=("Nowhere",))) == 0
    assert store.count(ItemFilter(events=("armed_clash", "protest"))) == 1
    assert store.count(ItemFilter(events=("talks_agreement",))) == 1
    assert [c.id for c in store.actor_counts()] == ["lna", "misrata"]
    assert "tripoli" not in {a.id for a in store.actors()}
    facets = store.facets()
    assert {f.value for f in facets.actors} == {"lna", "misrata"}
    assert {(f.value, f.count) for f in facets.events} == {
        ("armed_clash", 1),
        ("talks_agreement", 1),
    }
    assert [(f.label, f.count) for f in facets.places] == [("Gharyan", 1), ("Sirte", 1)]
    counts = {c.id: c for c in store.place_counts()}
    assert counts["sirte"].primary == 1 and counts["gharyan"].primary == 0
    assert counts["sirte"].lat == pytest.approx(31.2) and counts["sirte"].region == "Tripolitania"
    place = store.place("سرت")
    assert place is not None and place.id == "sirte"
    assert store.status().actors == 2


def test_a_place_the_gazetteer_has_not_synced_is_kept(store: Store) -> None:
    store.store_feed(ok("Libya Observer"), [evented("Clashes in Ubari", "armed_clash", "Ubari")])
    assert [p.name for p in store.places()] == ["Ubari"]


def _partition(labels: list[int | None]) -> set[frozenset[int]]:
    groups: dict[int | None, set[int]] = {}
    for index, label in enumerate(labels):
        groups.setdefault(label, set()).add(index)
    return {frozenset(g) for g in groups.values()}


def _mixed_items(rng: random.Random, n: int) -> list[Tagged]:
    """Random events over a few types, places and days, in feed order (not time order)."""
    types = ("armed_clash", "remote_violence", "protest", "none")
    places = ("Sirte", "Gharyan", "Zawiya", None)
    out: list[Tagged] = []
    for i in range(n):
        when = FROZEN_NOW + timedelta(hours=rng.randrange(0, 24 * 12))
        out.append(
            evented(
                f"Report {i} of an event",
                rng.choice(types),  # type: ignore[arg-type]
                rng.choice(places),
                when=when,
                actors=tuple(rng.sample(("lna", "gna", "khalifa-haftar"), rng.randrange(0, 2))),
                language=rng.choice(("en", "ar", "fr")),
                feed=f"feed{i % 4}",
            )
        )
    return out


def test_items_stored_before_stories_each_start_one(tmp_path: Path) -> None:
    from tests.unit.test_store_files import _old_database

    path = tmp_path / "old.db"
    _old_database(path)
    store = Store.open(path)
    try:
        (row,) = store.items(ItemFilter(state="all"))
        assert row.story_id == row.id and row.event_type == "none"
        story = store.story(row.id)
        assert story is not None and story.headline == "Old item" and story.items == 1
    finally:
        store.close()


def test_a_quarter_joins_its_town_s_story_in_the_store(store: Store) -> None:
    store.sync_places(
        [
            PlaceInfo("tripoli", "Tripoli", "Tripolitania", "Tripoli", "city"),
            PlaceInfo("souq-al-juma", "Souq al-Juma", "Tripolitania", "Tripoli", "district"),
            PlaceInfo("abu-salim", "Abu Salim", "Tripolitania", "Tripoli", "district"),
        ]
    )

    def at(title: str, place_id: str, name: str, hours: int) -> Tagged:
        t = evented(title, "armed_clash", name, when=FROZEN_NOW + hours * HOUR)
        return replace(t, locations=(PlaceMention(place_id, name, "Tripolitania", (name,), True),))

    store.store_feed(
        ok("Libya Observer"),
        [
            at("Clashes in Souq al-Juma", "souq-al-juma", "Souq al-Juma", 0),
            at("Fighting in Tripoli", "tripoli", "Tripoli", 1),
            at("Clashes in Abu Salim", "abu-salim", "Abu Salim", 2),
        ],
    )
    by_title = {r.title: r.story_id for r in store.items()}
    assert by_title["Clashes in Souq al-Juma"] == by_title["Fighting in Tripoli"]
    assert by_title["Clashes in Abu Salim"] != by_title["Fighting in Tripoli"]
    story = store.story(by_title["Fighting in Tripoli"] or 0)
    assert story is not None and story.place == "Tripoli" and story.place_id == "tripoli"


def test_without_a_place_a_shared_state_alone_does_not_join_in_the_store(store: Store) -> None:
    """The writer reads which actors are states from the actors table (kind `state`)."""
    store.sync_actors(ACTORS)  # "uae" is a state, "khalifa-haftar" a person
    visits = [
        evented(
            "Haftar visits Abu Dhabi", "talks_agreement", None, actors=("khalifa-haftar", "uae")
        ),
        evented(
            "GNA delegation in the Emirates",
            "talks_agreement",
            None,
            actors=("gna", "uae"),
            when=FROZEN_NOW + 6 * HOUR,
        ),
        evented(
            "حفتر يزور أبوظبي",
            "talks_agreement",
            None,
            actors=("khalifa-haftar", "uae"),
            language="ar",
            when=FROZEN_NOW + 2 * HOUR,
        ),
    ]
    store.store_feed(ok("Libya Observer"), visits)
    by_title = {r.title: r.story_id for r in store.items()}
    assert by_title["Haftar visits Abu Dhabi"] == by_title["حفتر يزور أبوظبي"]
    assert by_title["GNA delegation in the Emirates"] != by_title["Haftar visits Abu Dhabi"]
    # Rebuilt by retag, the same stories.
    ids = {r.title: r.id for r in store.items()}
    store.retag([(ids[t.entry.title], t) for t in visits])
    assert {r.title: r.story_id for r in store.items()} == by_title


def test_the_writer_sees_a_place_gazetteer_synced_after_its_first_feed(store: Store) -> None:
    """The story gazetteer is kept between feeds and read again when a sync changed it."""
    tripoli = PlaceInfo("tripoli", "Tripoli", "Tripolitania", "Tripoli", "city")
    store.sync_places([tripoli])

    def at(title: str, place_id: str, name: str, hours: int) -> Tagged:
        t = evented(title, "armed_clash", name, when=FROZEN_NOW + hours * HOUR)
        return replace(t, locations=(PlaceMention(place_id, name, "Tripolitania", (name,), True),))

    store.store_feed(ok("Wire"), [at("Fighting in Tripoli", "tripoli", "Tripoli", 0)])
    # Not yet known as a quarter of Tripoli: a story of its own.
    store.store_feed(ok("Wire"), [at("Clashes in Souq al-Juma", "souq-al-juma", "Souq al-Juma", 1)])
    store.sync_places(
        [tripoli, PlaceInfo("souq-al-juma", "Souq al-Juma", "Tripolitania", "Tripoli", "district")]
    )
    store.store_feed(ok("Hebdo"), [at("Combats a Souq al-Juma", "souq-al-juma", "Souq al-Juma", 2)])
    by_title = {r.title: r.story_id for r in store.items()}
    assert by_title["Clashes in Souq al-Juma"] != by_title["Fighting in Tripoli"]
    assert by_title["Combats a Souq al-Juma"] == by_title["Fighting in Tripoli"]


def test_story_sets_decode_as_json_list_does() -> None:
    """Differential: the writer's short path for a story's stored lists against `json_list`."""
    from briefing.store.codec import json_list
    from briefing.store.storyindex import story_set as _set

    rng = random.Random(8)
    words = ["haftar", "سرت", "12", "1.5", 'a "quoted" one', "back\\slash", "é", ""]
    for _ in range(500):
        value = rng.sample(words, rng.randrange(0, 5))
        text = json.dumps(value, ensure_ascii=rng.random() < 0.5)
        assert _set(text) == frozenset(json_list(text))
    for odd in (None, "", "[]", "{}", "3", '"x"', "[1, 2]"):
        assert _set(odd) == frozenset(json_list(odd))


def test_sources_appended_to_the_text_equal_sources_encoded_anew() -> None:
    """Differential: a feed joining a held story is appended to its `sources` text; the plain
    path decodes the list and encodes it again. Feed names with quotes, backslashes, other
    scripts and repeats, from an empty list and a stranger's text (the migration writes
    `json_group_array`'s compact form)."""
    rng = random.Random(31)
    names = ["Wire", 'Al "Wasat"', "back\\slash", "ليبيا", "Libye — fr", "", "Wire"]
    key: storyindex.Key = ("protest", None, "")
    for start in ("[]", '["Wire","ليبيا"]', json.dumps(["x"], ensure_ascii=False)):
        row = (1, iso(FROZEN_NOW), iso(FROZEN_NOW), "[]", "[]", "[]", 0.0)
        held = storyindex.HeldStory(key, row, start, "[]")
        plain = start
        for step in range(60):
            sources = rng.sample(names, rng.randrange(1, 3))
            storyindex.StoryIndex._add_feeds(held, sources)
            plain = json.dumps(
                list(dict.fromkeys([*json.loads(plain), *sources])), ensure_ascii=False
            )
            assert held.sources == plain, (start, step)
        assert held.feeds == set(json.loads(plain))
