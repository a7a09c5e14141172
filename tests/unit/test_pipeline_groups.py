"""Group commit: the feeds that wait for the writer are stored in one transaction, and one that
fails is stored again alone (storing.store_feeds, Store.grouped_writes, PoolRunner)."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from briefing.acquisition.fetch import FeedResponse
from briefing.core.errors import DiskFullError, StoreError
from briefing.core.models import FeedSpec, ItemFilter
from briefing.intelligence.tagging import Tagger
from briefing.store import Store
from briefing.update.pipeline import runners
from briefing.update.pipeline.outcome import Failure, feed_outcome
from briefing.update.pipeline.plan import FeedJob
from briefing.update.pipeline.prepare import parse_and_tag, to_rows
from briefing.update.pipeline.processes import Pools
from briefing.update.pipeline.storing import Stored, store_feeds
from tests.unit.fetchkit import fake_tagger, libya_items, rss

NOW = datetime(2026, 4, 6, 12, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(tmp_path / "groups.db")
    yield opened
    opened.close()


def _feeds(store: Store, names: Sequence[str], tagger: Tagger | None = None) -> list[Stored]:
    """Each feed named parsed, tagged and made into rows, as a worker sends them."""
    tagger = tagger or fake_tagger()
    specs = [FeedSpec(name, f"http://127.0.0.1/{name}.xml") for name in names]
    store.sync_feeds(specs)
    feeds: list[Stored] = []
    for spec in specs:
        job = FeedJob(spec, None, "run-1", NOW)
        body = rss(libya_items(spec.name, 2))
        parsed = parse_and_tag(job, body, {}, tagger)
        assert not isinstance(parsed, Failure)
        rows = to_rows(
            parsed, store.prepare_feed(spec.name, parsed.tagged, parsed.dropped, "run-1")
        )
        response = FeedResponse(spec.name, "ok", spec.url, 200, b"", {})
        feeds.append((job, response, rows, 0.0))
    return feeds


def _count_begins(store: Store) -> list[str]:
    seen: list[str] = []
    conn: sqlite3.Connection = store._db().conn
    conn.set_trace_callback(lambda sql: seen.append(sql) if sql.startswith("BEGIN") else None)
    return seen


def test_waiting_feeds_are_stored_in_one_transaction(store: Store) -> None:
    feeds = _feeds(store, ["a", "b", "c", "d"])
    begins = _count_begins(store)
    reports = store_feeds(store, feeds)
    assert len(begins) == 1
    assert [r.feed for r in reports if not isinstance(r, Exception)] == ["a", "b", "c", "d"]
    assert all(not isinstance(r, Exception) and r.status == "ok" and r.new == 2 for r in reports)
    assert store.count(ItemFilter()) == 8


def test_a_feed_that_fails_fails_alone_and_the_others_are_stored(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    feeds = _feeds(store, ["a", "b", "c"])
    real = store._apply_outcome

    def failing(outcome: Any, run_id: str, new: int, updated: int) -> None:
        # Inside the feed's transaction, after its items: what a failing write looks like.
        if outcome.feed == "b" and new:
            raise StoreError("cannot write to the database: something <b>odd</b>")
        real(outcome, run_id, new, updated)

    monkeypatch.setattr(store, "_apply_outcome", failing)
    reports = store_feeds(store, feeds)
    a, b, c = reports
    assert not isinstance(a, Exception) and a.status == "ok" and a.new == 2
    assert not isinstance(c, Exception) and c.status == "ok" and c.new == 2
    assert not isinstance(b, Exception) and b.status != "ok" and "something" in (b.error or "")
    assert store.count(ItemFilter(feeds=("a", "c"))) == 4
    assert store.count(ItemFilter(feeds=("b",))) == 0  # its own transaction rolled back too


def test_a_feed_s_surprise_is_that_feed_s_and_a_full_disk_stops_all(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    feeds = _feeds(store, ["a", "b"])
    real = store.store_prepared

    def buggy(outcome: Any, prepared: Any) -> Any:
        if outcome.feed == "a":
            raise RuntimeError("a bug")
        return real(outcome, prepared)

    monkeypatch.setattr(store, "store_prepared", buggy)
    first, second = store_feeds(store, feeds)
    assert isinstance(first, RuntimeError)
    assert not isinstance(second, Exception) and second.new == 2

    def full(outcome: Any, prepared: Any) -> Any:
        raise DiskFullError("the disk is full")

    monkeypatch.setattr(store, "store_prepared", full)
    more = _feeds(store, ["c", "d"])
    with pytest.raises(DiskFullError):
        store_feeds(store, more)
    assert store.count(ItemFilter(feeds=("c", "d"))) == 0


def test_a_rolled_back_group_leaves_nothing_behind_in_memory(store: Store) -> None:
    # Stories the group wrote were held by the writer's index; after the rollback the index
    # holds none of them, and storing the feed again gives the same rows as a first time.
    tagger = Tagger.build()
    feeds = _feeds(store, ["a"], tagger)
    job, response, rows, _ = feeds[0]
    with pytest.raises(RuntimeError, match="stop"), store.grouped_writes():
        assert not isinstance(rows, Failure)
        store.store_prepared(feed_outcome(job, response, rows, elapsed=0.0), rows.rows)
        assert store.count(ItemFilter()) == 2
        raise RuntimeError("stop")
    assert store.count(ItemFilter()) == 0
    assert store._story_memo.index._held == {}
    (report,) = store_feeds(store, feeds)
    assert not isinstance(report, Exception) and report.new == 2
    assert store.count(ItemFilter()) == 2


def test_grouped_writes_do_not_nest(store: Store) -> None:
    with store.grouped_writes(), pytest.raises(RuntimeError, match="nest"), store.grouped_writes():
        pass


def test_feeds_arriving_while_the_writer_stores_go_to_it_together(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[list[str]] = []
    first_call = threading.Event()
    release = threading.Event()

    def writer(feeds: Sequence[Any]) -> list[Any]:
        calls.append([job.spec.name for job, *_ in feeds])
        if len(calls) == 1:
            first_call.set()
            release.wait(10)  # the writer is busy: the other feeds wait for its next call
        return [
            ValueError(job.spec.name) if job.spec.name == "f07" else f"report {job.spec.name}"
            for job, *_ in feeds
        ]

    monkeypatch.setattr(runners, "store_many_in_writer", writer)
    monkeypatch.setattr(runners, "prepare_in_worker", lambda job, response: (b"rows", 0.0))
    # Long enough that a stalled test machine cannot split the first group; shorter than the
    # writer's first call, so what waited during it goes at once.
    monkeypatch.setattr(runners, "GROUP_WAIT", 0.5)
    specs = [FeedSpec(f"f{i:02d}", f"http://127.0.0.1/{i}") for i in range(40)]

    async def run_all() -> list[Any]:
        with ThreadPoolExecutor(2) as parse, ThreadPoolExecutor(1) as write:
            runner = runners.PoolRunner(Pools(parse, write), Store.open(tmp_path / "r.db"), "run-1")
            tasks = [
                asyncio.create_task(
                    runner.process(
                        FeedJob(spec, None, "run-1", NOW),
                        FeedResponse(spec.name, "ok", spec.url, 200, b"<rss/>", {}),
                        0.0,
                    )
                )
                for spec in specs
            ]
            while not first_call.is_set():
                await asyncio.sleep(0.01)
            await asyncio.sleep(0.6)  # every other feed parsed, waiting
            release.set()
            return await asyncio.gather(*tasks, return_exceptions=True)

    results = asyncio.run(run_all())
    assert sorted(name for call in calls for name in call) == [s.name for s in specs]
    # Parsed together, the first GROUP_MAX went at once; the rest waited for the writer.
    assert [len(call) for call in calls] == [16, 16, 8] and runners.GROUP_MAX == 16
    for spec, result in zip(specs, results, strict=True):
        if spec.name == "f07":
            assert isinstance(result, ValueError) and str(result) == "f07"
        else:
            assert result == f"report {spec.name}"


def test_a_lone_feed_goes_to_the_writer_after_its_short_wait(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[list[str]] = []

    def writer(feeds: Sequence[Any]) -> list[Any]:
        calls.append([job.spec.name for job, *_ in feeds])
        return [f"report {job.spec.name}" for job, *_ in feeds]

    monkeypatch.setattr(runners, "store_many_in_writer", writer)
    monkeypatch.setattr(runners, "prepare_in_worker", lambda job, response: (b"rows", 0.0))

    async def one_by_one() -> list[Any]:
        with ThreadPoolExecutor(1) as parse, ThreadPoolExecutor(1) as write:
            runner = runners.PoolRunner(Pools(parse, write), Store.open(tmp_path / "r.db"), "run-1")
            reports = []
            for name in ("slow-1", "slow-2"):  # a slow network: each feed arrives alone
                spec = FeedSpec(name, f"http://127.0.0.1/{name}")
                job = FeedJob(spec, None, "run-1", NOW)
                response = FeedResponse(name, "ok", spec.url, 200, b"<rss/>", {})
                reports.append(await runner.process(job, response, 0.0))
            return reports

    assert asyncio.run(one_by_one()) == ["report slow-1", "report slow-2"]
    assert calls == [["slow-1"], ["slow-2"]]
