"""Benchmark: an actor brief (and a digest) over a synthetic corpus of 10,000 items.

Usage:
    uv run python bench/bench_summarize.py [--items 10000] [--seed 7] [--db PATH] [--repeat 5]

The corpus is generated (reproducibly, from --seed) as Tagged items and stored through the
store API in a temporary SQLite file (or --db, reused when it already holds the corpus). Then
it times, best of --repeat:

* `brief_from_details` alone (the summariser, items already in memory), for one actor and
  for the whole filter;
* `build_brief` end to end (store query for every item's details + the summariser);
* `render_digest` as Markdown grouped by actor (every actor's brief).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from briefing.core.models import (
    ActorInfo,
    ActorMention,
    Entry,
    FeedSpec,
    FetchOutcome,
    ItemFilter,
    Reason,
    Tagged,
    Verdict,
)
from briefing.reports.export import render_digest
from briefing.reports.summarize import brief_from_details, build_brief
from briefing.store import Store

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
ACTORS = (
    ActorInfo("khalifa-haftar", "Khalifa Haftar", "person", ("Haftar", "حفتر")),
    ActorInfo("lna", "Libyan National Army", "armed_group", ("LNA",)),
    ActorInfo("gnu", "Government of National Unity", "government", ("GNU",)),
    ActorInfo("unsmil", "UN Support Mission in Libya", "organisation", ("UNSMIL",)),
    ActorInfo("noc", "National Oil Corporation", "company", ("NOC",)),
    ActorInfo("turkey", "Turkey", "state", ("Ankara",)),
    ActorInfo("egypt", "Egypt", "state", ("Cairo",)),
    ActorInfo("russia", "Russia", "state", ("Moscow",)),
)
FEEDS = tuple(f"Feed {n:02d}" for n in range(20))
VERBS = ("met", "warned", "rejected", "welcomed", "criticised", "backed", "questioned", "urged")
OBJECTS = (
    "the ceasefire talks in Geneva",
    "the reopening of the oil terminals",
    "the budget for the eastern region",
    "the drone strikes south of Tripoli",
    "the new unified government proposal",
    "the exchange of prisoners in Misrata",
    "the elections timetable",
    "the central bank governor",
    "the deployment of foreign fighters",
    "the blockade of the southern fields",
)
PLACES = ("Tripoli", "Benghazi", "Sirte", "Misrata", "Sabha", "Zawiya", "Tobruk", "Ghadames")
FILLER = (
    "Officials gave no further details.",
    "The statement came after a week of tension.",
    "Residents reported a calm night in the city.",
    "Diplomats said talks would continue next month.",
    "Prices of fuel rose again in several towns.",
)


def sentence(rng: random.Random, actor: ActorInfo) -> str:
    name = rng.choice((actor.name, *actor.aliases[:1]))
    return (
        f"{name} {rng.choice(VERBS)} {rng.choice(OBJECTS)} in {rng.choice(PLACES)} "
        f"on {rng.choice(('Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'))}."
    )


def corpus(n: int, seed: int) -> dict[str, list[Tagged]]:
    """`n` items over 30 days across 20 feeds; each mentions one to three actors."""
    rng = random.Random(seed)
    by_feed: dict[str, list[Tagged]] = {f: [] for f in FEEDS}
    for i in range(n):
        actors = rng.sample(ACTORS, rng.randint(1, 3))
        feed = rng.choice(FEEDS)
        body = [sentence(rng, a) for a in actors] + rng.sample(FILLER, 2)
        rng.shuffle(body)
        content = " ".join(body + [sentence(rng, rng.choice(actors)) for _ in range(3)])
        entry = Entry(
            identity=f"item-{i}",
            feed=feed,
            title=f"{actors[0].name} {rng.choice(VERBS)} {rng.choice(OBJECTS)} ({i})",
            url=f"https://news{FEEDS.index(feed)}.example/{i}",
            summary=" ".join(body[:3]),
            content=content,
            published=NOW - timedelta(minutes=rng.randint(0, 30 * 24 * 60)),
            language="en",
        )
        mentions = tuple(ActorMention(a.id, a.name, 1, (a.name,)) for a in actors)
        by_feed[feed].append(
            Tagged(entry, Verdict(True, 5.0, (Reason("Libya", "title", 5),)), mentions)
        )
    return by_feed


def fill(store: Store, n: int, seed: int) -> None:
    store.sync_feeds([FeedSpec(f, f"https://{i}.example/rss") for i, f in enumerate(FEEDS)])
    store.sync_actors(ACTORS)
    for feed, items in corpus(n, seed).items():
        store.store_feed(FetchOutcome(feed, "ok", 200, seen=len(items), kept=len(items)), items)


def best(label: str, repeat: int, func: Callable[[], object]) -> float:
    """Best and median wall-clock time, and the best CPU time (steadier on a shared host)."""
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        func()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    median = sorted(walls)[len(walls) // 2]
    print(f"{label:<58} best {min(walls):6.3f} s  median {median:6.3f} s  cpu {min(cpus):6.3f} s")
    return min(walls)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--db", type=Path, default=None)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "bench.db"
        store = Store.open(path)
        store.clock = lambda: NOW
        if store.count(ItemFilter()) < args.items:
            start = time.perf_counter()
            fill(store, args.items, args.seed)
            print(
                f"stored {store.count(ItemFilter()):,} items in {time.perf_counter() - start:.1f} s"
            )
        total = store.count(ItemFilter())
        f = ItemFilter()
        haftar_f = ItemFilter(actors=("khalifa-haftar",))
        details = store.items_detail(f)
        haftar = [d for d in details if any(m.actor_id == "khalifa-haftar" for m in d.mentions)]
        print(f"corpus: {total:,} items; Khalifa Haftar in {len(haftar):,}")
        best(
            f"summariser only, actor=None over {len(details):,} items",
            args.repeat,
            lambda: brief_from_details(details, actor=None, f=f, now=NOW),
        )
        best(
            f"summariser only, Khalifa Haftar over {len(haftar):,} items",
            args.repeat,
            lambda: brief_from_details(haftar, actor=ACTORS[0], f=haftar_f, now=NOW),
        )
        best(
            "build_brief(actor=None) end to end (store query included)",
            args.repeat,
            lambda: build_brief(store, actor=None, f=f, now=NOW),
        )
        best(
            "build_brief('Haftar') end to end (store query included)",
            args.repeat,
            lambda: build_brief(store, actor="Haftar", f=f, now=NOW),
        )
        best("store.items_detail alone (all items)", args.repeat, lambda: store.items_detail(f))
        best(
            "render_digest md, grouped by actor (all items)",
            max(1, args.repeat // 2),
            lambda: render_digest(store, f, fmt="md", group_by="actor", now=NOW),
        )
        store.close()


if __name__ == "__main__":
    main()
