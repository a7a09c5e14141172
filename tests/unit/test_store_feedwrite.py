"""A feed's look-ups and rows batched (`briefing.store.feedwrite`) against a query per item."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from briefing.core.models import FetchOutcome, PlaceInfo, Tagged
from briefing.store import Store
from briefing.store.feedwrite import FeedWrites
from tests.conftest import ACTORS, FROZEN_NOW
from tests.unit.test_stories import evented

PLACES = (PlaceInfo("sirte", "Sirte", "Tripolitania", "Sirte", "town", 31.2, 16.59),)
TITLES = (
    "Clashes reported near the coastal road west of Sirte",
    "Central bank announces new exchange rate measures",
    "Short one",
    "Protest in the capital over fuel shortages and power cuts",
)


def _item(rng: random.Random, feed: str, n: int) -> Tagged:
    # Few links and headlines, times days apart: items of one feed, and of feeds before it,
    # share links and headlines, within the three-day window and outside it.
    when = FROZEN_NOW + timedelta(hours=rng.randrange(0, 24 * 10))
    t = evented(
        rng.choice(TITLES) + rng.choice(("", "", f" ({n})")),
        rng.choice(("armed_clash", "protest", "none")),
        rng.choice(("Sirte", "Zawiya", None)),  # Zawiya: not in the places table
        when=when,
        actors=tuple(rng.sample(("lna", "gna", "newcomer"), rng.randrange(0, 3))),
        feed=feed,
        url=rng.choice(
            (None, None, "https://a.example/1", "https://a.example/2", f"https://u/{n}")
        ),
    )
    # Mostly an identity of its own; some from a few that many items share.
    identity = f"id{rng.randrange(8)}" if rng.random() < 0.3 else f"n{n}"
    return replace(t, entry=replace(t.entry, identity=identity))


def _feeds(rng: random.Random) -> list[tuple[str, list[Tagged]]]:
    """Feeds in turn: identities repeat within a feed and come back in later fetches of it,
    changed (an update, after which the feed goes on the plain way) or not."""
    feeds = []
    sent: dict[str, list[Tagged]] = {}
    for n in range(70):
        name = f"feed{rng.randrange(5)}"
        items = [_item(rng, name, n * 100 + i) for i in range(rng.randrange(1, 10))]
        for old in sent.get(name, [])[: rng.randrange(0, 4)]:  # sent again
            roll = rng.random()
            if roll < 0.5:  # changed, maybe then also as it was (an update, then another)
                more = replace(old, entry=replace(old.entry, title=old.entry.title + " (more)"))
                items.insert(rng.randrange(len(items) + 1), more)
                if roll < 0.25:
                    items.append(old)
            else:
                items.insert(rng.randrange(len(items) + 1), old)
        sent.setdefault(name, []).extend(items)
        feeds.append((name, items))
    return feeds


def _dump(store: Store) -> list[list[tuple[object, ...]]]:
    db = store._db()
    return [
        [tuple(r) for r in db.execute(sql)]
        for sql in (
            "SELECT * FROM items ORDER BY id",
            # rowid too: the rows are written in the same order
            "SELECT rowid, * FROM item_sources ORDER BY rowid",
            "SELECT rowid, * FROM item_actors ORDER BY rowid",
            "SELECT rowid, * FROM item_places ORDER BY rowid",
            "SELECT * FROM stories ORDER BY id",
            "SELECT * FROM actors ORDER BY id",
            "SELECT * FROM places ORDER BY id",
        )
    ]


def _plain_way(patch: pytest.MonkeyPatch) -> None:
    """Every FeedWrites starts the plain way: a query per look-up, rows written at once."""
    real = FeedWrites.__init__

    def plain(self: FeedWrites, *args: object) -> None:
        real(self, *args)  # type: ignore[arg-type]
        self.plain = True

    patch.setattr(FeedWrites, "__init__", plain)


def _store_both(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, feeds: list[tuple[str, list[Tagged]]]
) -> tuple[list[object], list[object]]:
    """The dumps and results of storing `feeds` batched, then the plain way."""
    dumps: list[object] = []
    results: list[object] = []
    for name in ("batched", "plain"):
        with monkeypatch.context() as patch:
            if name == "plain":
                _plain_way(patch)
            store = Store.open(tmp_path / f"{name}.db")
            store.clock = lambda: FROZEN_NOW
            try:
                store.sync_actors(ACTORS)
                store.sync_places(PLACES)
                results.append(
                    [store.store_feed(FetchOutcome(f, "ok", 200), items) for f, items in feeds]
                )
                dumps.append(_dump(store))
            finally:
                store.close()
    return dumps, results


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_feed_s_batched_look_ups_and_rows_store_what_a_query_per_item_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    """Differential: the same feeds stored with the look-ups batched per feed and the rows
    written once per feed, and with every look-up a query and every row written at once (the
    plain way, which an update switches to): every row the same, in the same order. The feeds
    have items that merge with each other and with earlier feeds' (link, headline within three
    days or not), identities repeated in a feed, items sent again unchanged or changed, actors
    and places the tables lack."""
    dumps, results = _store_both(tmp_path, monkeypatch, _feeds(random.Random(seed)))
    assert dumps[0] == dumps[1]
    assert results[0] == results[1]
    kinds = {
        k
        for r in results[0]  # type: ignore[attr-defined]
        for k in ("new", "updated", "unchanged", "merged")
        if getattr(r, k)
    }
    assert kinds == {"new", "updated", "unchanged", "merged"}


def test_an_item_updated_then_sent_again_in_the_same_feed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the feed read before its first item is stale once an item is updated: the item
    sent again as it was is then updated back (not unchanged), and an item with the updated
    item's new link merges with it."""
    x = evented("Clashes reported near the coastal road", "armed_clash", "Sirte", url="https://x/1")
    y = evented("A protest about fuel shortages in Sirte", "protest", "Sirte", url="https://y/1")
    moved = replace(
        x, entry=replace(x.entry, title=x.entry.title + " (more)", canonical_url="https://x/2")
    )
    copy = replace(y, entry=replace(y.entry, identity="other", canonical_url="https://x/2"))
    feeds = [("Libya Observer", [x, y]), ("Libya Observer", [moved, x, copy])]
    dumps, results = _store_both(tmp_path, monkeypatch, feeds)
    assert dumps[0] == dumps[1]
    assert results[0] == results[1]
    second = results[0][1]  # type: ignore[index]
    assert (second.updated, second.merged) == (2, 1)
