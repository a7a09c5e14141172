"""Store the generated corpus through a fetch's stages in one process, in a fixed order.

A real fetch stores feeds in the order their downloads finish, so two fetches of one corpus
give different item and story ids. This runs the same stages (a parser's `parse_and_tag`,
`prepare_feed`, `to_rows`, pickling; the writer's `WriterProcess.store_feed`) feed by feed,
in name order, at a fixed clock: two trees that store the same results give byte-identical
dumps (`bench/dump_db.py`). With `--profile` it prints cProfile's top functions of the
parser's part or the writer's part, and the CPU time of each part.

    uv run python bench/gen_feeds.py --feeds 1000 --out /tmp/fetchspeed/corpus
    uv run python bench/store_corpus.py /tmp/fetchspeed/corpus /tmp/fetchspeed/a.db --feeds 300
    uv run python bench/dump_db.py /tmp/fetchspeed/a.db > /tmp/fetchspeed/a.txt
    uv run python bench/store_corpus.py /tmp/fetchspeed/corpus /tmp/x.db --profile writer

Runs unchanged on older trees (`PYTHONPATH=<tree> python bench/store_corpus.py …`).
"""

from __future__ import annotations

import argparse
import cProfile
import pickle
import pstats
import time
from datetime import UTC, datetime
from pathlib import Path

from briefing.acquisition.fetch import FeedResponse
from briefing.core.models import FeedSpec
from briefing.intelligence.tagging import Tagger
from briefing.store import Store, prepare_feed
from briefing.update.pipeline.outcome import Failure
from briefing.update.pipeline.plan import FeedJob
from briefing.update.pipeline.prepare import parse_and_tag, to_rows
from briefing.update.pipeline.processes import WriterProcess

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
"""The corpus' items are dated before this; a fixed clock makes first-seen times repeatable."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, help="a folder of NNNN.xml (bench/gen_feeds.py)")
    parser.add_argument("db", type=Path, help="a new database file")
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--profile", choices=("parser", "writer"))
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument(
        "--group",
        type=int,
        default=1,
        help="feeds per writer call, stored in one transaction as a fetch groups them "
        "(trees without `WriterProcess.store_feeds` store one at a time)",
    )
    args = parser.parse_args()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{args.db}{suffix}").unlink(missing_ok=True)
    specs = [
        FeedSpec(name=f"Feed {i:04d}", url=f"http://127.0.0.1/feed/{i:04d}.xml")
        for i in range(args.feeds)
    ]
    tagger = Tagger.build()
    store = Store.open(args.db, shared=False)
    store.clock = lambda: NOW
    store.sync_feeds(specs)
    store.sync_actors(tagger.actor_infos())
    if hasattr(store, "sync_places"):  # trees before the events layer have no places
        store.sync_places(tagger.place_infos())
    writer = WriterProcess(store)
    profiles = {"parser": cProfile.Profile(), "writer": cProfile.Profile()}
    spent = {"parser": 0.0, "writer": 0.0}
    grouped = args.group > 1 and hasattr(writer, "store_feeds")
    waiting: list[tuple[FeedJob, FeedResponse, bytes, float]] = []
    for i, spec in enumerate(specs):
        body = (args.corpus / f"{i:04d}.xml").read_bytes()
        job = FeedJob(spec, None, "run-1", NOW)
        response = FeedResponse(spec.name, "ok", spec.url, 200, body, {})
        with _part("parser", args.profile, profiles, spent):
            parsed = parse_and_tag(job, body, {}, tagger)
            if isinstance(parsed, Failure):
                raise SystemExit(f"{spec.name}: {parsed.reason}")
            rows = prepare_feed(spec.name, parsed.tagged, parsed.dropped, "run-1", NOW)
            result = pickle.dumps(to_rows(parsed, rows), protocol=pickle.HIGHEST_PROTOCOL)
        if grouped:
            waiting.append((job, response, result, 0.0))
            if len(waiting) < args.group and i + 1 < len(specs):
                continue
            with _part("writer", args.profile, profiles, spent):
                writer.store_feeds(waiting)
            waiting = []
            continue
        with _part("writer", args.profile, profiles, spent):
            writer.store_feed(job, response, result, 0.0)
    store.index_pending()
    store.checkpoint()
    store.close()
    print(
        f"{args.feeds} feeds: parser {spent['parser']:.2f} s CPU, writer {spent['writer']:.2f} s CPU"
    )
    if args.profile:
        stats = pstats.Stats(profiles[args.profile])
        stats.sort_stats("tottime").print_stats(args.top)
        stats.sort_stats("cumulative").print_stats(args.top)


class _part:
    """Times (and with `--profile`, profiles) one part of a feed's work."""

    def __init__(
        self,
        name: str,
        profiled: str | None,
        profiles: dict[str, cProfile.Profile],
        spent: dict[str, float],
    ) -> None:
        self.name, self.profiled, self.profiles, self.spent = name, profiled, profiles, spent

    def __enter__(self) -> None:
        self.started = time.process_time()
        if self.profiled == self.name:
            self.profiles[self.name].enable()

    def __exit__(self, *exc: object) -> None:
        if self.profiled == self.name:
            self.profiles[self.name].disable()
        self.spent[self.name] += time.process_time() - self.started


if __name__ == "__main__":
    main()
