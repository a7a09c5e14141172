"""Story assignment at fetch: time per new item against a 30-day window of stored items.

    uv run python bench/bench_stories.py                 # 100,000 stored items, 2,000 new
    uv run python bench/bench_stories.py --items 20000 --new 500

Fills a database file with `--items` typed and placed items spread over 30 days (14 event types,
60 places, a third of them reported by two or three outlets), then stores `--new` more in feeds
of 20 and reports, per new item: the story step alone (candidate query + decision + writes:
`choose_story` before the INSERT, `record_story` after it, the stories' rows written at the
commit) and the whole store step (item,
sources, actors, places, story), with the candidate query's plan (an index range, never a scan
of the window).
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from briefing.core.models import (  # noqa: E402
    EVENT_TYPES,
    ActorMention,
    Entry,
    EventVerdict,
    FetchOutcome,
    PlaceMention,
    Reason,
    Tagged,
    Verdict,
)
from briefing.store import Store  # noqa: E402
from briefing.store.storyindex import CANDIDATE_SQL, StoryIndex  # noqa: E402

START = datetime(2026, 10, 1, tzinfo=UTC)
PLACES = [f"place-{n}" for n in range(60)]
ACTORS = [f"actor-{n}" for n in range(40)]


def item(rng: random.Random, n: int, feed: str) -> Tagged:
    when = START + timedelta(seconds=rng.randrange(30 * 86400))
    kind = rng.choice(EVENT_TYPES)
    place = rng.choice(PLACES) if rng.random() < 0.8 else None
    entry = Entry(
        identity=f"{feed}-{n}",
        feed=feed,
        title=f"Report {n}: {kind} at {place} with {rng.randrange(100)} casualties",
        summary="A generated report for the story benchmark.",
        url=f"https://bench.test/{feed}/{n}",
        canonical_url=f"https://bench.test/{feed}/{n}",
        published=when,
        language=rng.choice(("en", "ar", "fr")),
    )
    actors = tuple(ActorMention(a, a, 1, (a,)) for a in rng.sample(ACTORS, rng.randrange(0, 3)))
    locations = (PlaceMention(place, place, "Tripolitania", (place,), True),) if place else ()
    t = Tagged(entry, Verdict(True, 5.0, (Reason("Libya", "title", 5.0),)), actors)
    return replace(t, event=EventVerdict(kind, ("bench",)), locations=locations)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--new", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument(
        "--keep", type=Path, help="fill this database file once and copy it for each run"
    )
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        if args.keep is not None and args.keep.exists():
            shutil.copy(args.keep, path)
        store = Store.open(path)
        store.defer_search_index()
        started = time.perf_counter()
        filled = store.status().items
        for start in range(filled, args.items, 500):
            feed = f"feed-{start // 500 % 50}"
            batch = [item(rng, n, feed) for n in range(start, min(start + 500, args.items))]
            store.store_feed(FetchOutcome(feed, "ok", 200), batch)
        fill = time.perf_counter() - started
        store.index_pending()
        store.checkpoint()
        if args.keep is not None and not args.keep.exists():
            shutil.copy(path, args.keep)
        db = store._db()
        stories = db.execute("SELECT count(*) FROM stories").fetchone()[0]
        multi = db.execute("SELECT count(*) FROM stories WHERE items > 1").fetchone()[0]
        print(
            f"filled {args.items:,} items in {fill:.1f} s: {stories:,} stories, "
            f"{multi:,} with more than one report"
        )
        new = [item(rng, args.items + n, f"new-{n // 20}") for n in range(args.new)]
        plan = db.execute(
            "EXPLAIN QUERY PLAN " + CANDIDATE_SQL,
            (
                "armed_clash",
                "place-1",
                "",
                "2026-10-10",
                "2026-10-14",
                "2026-10-09",
                "2026-10-15",
                20,
            ),
        ).fetchall()
        print("candidate query plan:", "; ".join(str(r[-1]) for r in plan))

        # The story step alone, timed inside the writer's transactions: choosing the story
        # (before the item's INSERT, which writes story_id) and writing its row.
        spent = cpu = 0.0
        import briefing.store.ingest as ingest

        real = {name: getattr(ingest, name) for name in ("choose_story", "record_story")}

        def timing(name: str) -> Callable[..., Any]:
            def timed(*a: object, **k: object) -> Any:
                # Wall time, and CPU time of this process (SQLite runs in it): on a shared
                # machine the second says what the work costs when the first is inflated.
                nonlocal spent, cpu
                t0, c0 = time.perf_counter(), time.process_time()
                try:
                    return real[name](*a, **k)
                finally:
                    spent += time.perf_counter() - t0
                    cpu += time.process_time() - c0

            return timed

        for name in real:
            setattr(ingest, name, timing(name))  # the writer's own names for them
        # The stories grown in memory are written when each feed's transaction commits.
        real["flush"] = StoryIndex.flush
        StoryIndex.flush = timing("flush")  # type: ignore[method-assign]
        started = time.perf_counter()
        for start in range(0, len(new), 20):
            chunk = new[start : start + 20]
            feed = chunk[0].entry.feed
            store.store_feed(FetchOutcome(feed, "ok", 200), chunk)
        whole = time.perf_counter() - started
        StoryIndex.flush = real.pop("flush")  # type: ignore[method-assign]
        for name, function in real.items():
            setattr(ingest, name, function)
        print(
            f"{args.new:,} new items: story step {spent / args.new * 1000:.3f} ms per item "
            f"({cpu / args.new * 1000:.3f} ms CPU); "
            f"whole store step {whole / args.new * 1000:.3f} ms per item (feeds of 20, one "
            "transaction each)"
        )
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
