"""Generate a reproducible benchmark database of N items through the store API.

    uv run python bench/gen_db.py /tmp/bench-100k.db 100000
    uv run python bench/gen_db.py /tmp/bench-1m.db 1000000

Items are made of our own vocabulary (no real article text), spread over 40 feeds, 24 actors
and a year of dates, with some stories carried by two feeds ("also in"), and triage state
(read, flagged, dismissed, tags, notes) on a share of them. The seed is fixed: the same N
gives the same database.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

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
from briefing.store import Store

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
BATCH = 2_000
"""Items per store_feed call (one transaction each)."""

ACTORS = [
    ActorInfo(f"actor-{n}", name, kind, (alias,))  # type: ignore[arg-type]
    for n, (name, kind, alias) in enumerate(
        [
            ("Khalifa Haftar", "person", "Haftar"),
            ("Libyan National Army", "armed_group", "LNA"),
            ("Government of National Unity", "government", "GNU"),
            ("Presidential Council", "government", "PC"),
            ("House of Representatives", "government", "HoR"),
            ("High Council of State", "government", "HCS"),
            ("UNSMIL", "organisation", "UN mission"),
            ("National Oil Corporation", "company", "NOC"),
            ("Central Bank of Libya", "organisation", "CBL"),
            ("Wagner Group", "armed_group", "Wagner"),
            ("Turkey", "state", "Ankara"),
            ("Egypt", "state", "Cairo"),
            ("United Arab Emirates", "state", "UAE"),
            ("Russia", "state", "Moscow"),
            ("Italy", "state", "Rome"),
            ("France", "state", "Paris"),
            ("Tripoli", "place", "Tarabulus"),
            ("Benghazi", "place", "Banghazi"),
            ("Misrata", "place", "Misurata"),
            ("Sirte", "place", "Surt"),
            ("Abdul Hamid Dbeibah", "person", "Dbeibah"),
            ("Mohamed al-Menfi", "person", "Menfi"),
            ("Aguila Saleh", "person", "Saleh"),
            ("Fayez al-Sarraj", "person", "Sarraj"),
        ]
    )
]

SUBJECTS = [
    "Officials",
    "Militias",
    "Negotiators",
    "Oil workers",
    "Coast guards",
    "Envoys",
    "Local councils",
    "Protesters",
    "Tribal elders",
    "Bank staff",
    "Aid groups",
    "Analysts",
]
VERBS = [
    "report",
    "deny",
    "announce",
    "delay",
    "reject",
    "welcome",
    "question",
    "confirm",
    "dispute",
    "expand",
    "suspend",
    "resume",
]
OBJECTS = [
    "ceasefire talks",
    "a new budget",
    "fuel shipments",
    "airport flights",
    "port access",
    "salary payments",
    "election plans",
    "detention reports",
    "water supplies",
    "checkpoint rules",
    "oil exports",
    "a prisoner swap",
    "border patrols",
    "power cuts",
]
PLACES = [
    "in Tripoli",
    "near Sirte",
    "in Benghazi",
    "around Misrata",
    "in the south",
    "at Zawiya",
    "in Sabha",
    "on the coast",
    "in Derna",
    "near the Tunisian border",
    "in Ghadames",
]
FILLER = (
    "The statement gave few details and several sources said further meetings were expected "
    "later in the week, while residents described the situation as uncertain."
).split()
TAGS = ["escalation", "oil", "humanitarian", "diplomacy", "economy", "follow-up", "verify"]


def _title(rng: random.Random, n: int) -> str:
    return (
        f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} "
        f"{rng.choice(PLACES)} ({n})"
    )


def _text(rng: random.Random, title: str, words: int) -> str:
    body = " ".join(rng.choice(FILLER) for _ in range(words))
    return f"{title}. {body.capitalize()}."


def _tagged(rng: random.Random, n: int, feed: str) -> Tagged:
    title = _title(rng, n)
    published = NOW - timedelta(minutes=rng.randrange(0, 365 * 24 * 60))
    chosen = rng.sample(ACTORS, k=rng.choice((0, 1, 1, 2, 2, 3)))
    mentions = tuple(ActorMention(a.id, a.name, rng.randint(1, 4), (a.name,)) for a in chosen)
    entry = Entry(
        identity=f"bench-{n}",
        feed=feed,
        title=title,
        url=f"https://bench.example/{feed.replace(' ', '-').lower()}/{n}",
        summary=_text(rng, title, 25),
        content=_text(rng, title, rng.randint(60, 160)),
        published=published,
        language="en",
    )
    verdict = Verdict(True, 5.0, (Reason("Libya", "title", 5.0),))
    return Tagged(entry, verdict, mentions)


def generate(path: Path, count: int, *, seed: int = 7) -> None:
    """Write `count` items (plus triage state) into a new database at `path`."""
    if path.exists():
        raise SystemExit(f"{path} exists; remove it first")
    rng = random.Random(seed)
    feeds = [FeedSpec(f"Feed {n:02d}", f"https://bench.example/feed/{n}") for n in range(40)]
    store = Store.open(path)
    store.clock = lambda: NOW
    store.sync_feeds(feeds)
    store.sync_actors(ACTORS)
    started = time.monotonic()
    done = 0
    while done < count:
        size = min(BATCH, count - done)
        feed = feeds[(done // BATCH) % len(feeds)].name
        batch = [_tagged(rng, done + i, feed) for i in range(size)]
        store.store_feed(FetchOutcome(feed, "ok", seen=size, kept=size), batch)
        # Every tenth batch, a second feed carries a few of the same stories ("also in").
        if (done // BATCH) % 10 == 3:
            other = feeds[(done // BATCH + 7) % len(feeds)].name
            copies = [
                Tagged(
                    replace(t.entry, feed=other, identity=t.entry.identity + "-b"),
                    t.verdict,
                    t.actors,
                )
                for t in batch[:50]
            ]
            store.store_feed(FetchOutcome(other, "ok", seen=50, kept=50), copies)
        done += size
        if done % 50_000 == 0 or done == count:
            rate = done / (time.monotonic() - started)
            print(f"  {done:>9,} items  ({rate:,.0f}/s)", file=sys.stderr)
    _triage(store, rng, count)
    store.close()


def _triage(store: Store, rng: random.Random, count: int) -> None:
    total = store.count()
    ids = [row.id for row in store.items(limit=min(total, 20_000))]
    read = [i for i in ids if rng.random() < 0.4]
    store.set_read(read, True)
    store.set_flagged([i for i in ids if rng.random() < 0.02], True)
    store.set_dismissed([i for i in ids if rng.random() < 0.05], True)
    for tag in TAGS:
        store.add_tags([i for i in ids if rng.random() < 0.03], [tag])
    for item_id in ids[:200]:
        store.set_note(item_id, "Bench note: cross-check with a second source.")
    store.save_view("oil watch", ItemFilter(tags=("oil",)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("count", type=int)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    started = time.monotonic()
    generate(args.path, args.count, seed=args.seed)
    print(f"wrote {args.count:,} items to {args.path} in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
