"""briefing.update.pipeline: fetch → parse → tag → store against a real server on 127.0.0.1."""

from __future__ import annotations

import os
import pickle
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from briefing.acquisition.fetch import FetchLimits
from briefing.core.errors import (
    ConfigError,
    DiskFullError,
    FetchInProgressError,
    ReadOnlyStoreError,
)
from briefing.core.models import FeedSpec, FeedState, ItemFilter
from briefing.store import Store
from briefing.update.pipeline import RunReport, fetch_lock, ingest_document, update
from tests.unit.fetchkit import fake_tagger, libya_items, make_config, rss

NOW = datetime(2026, 4, 6, 12, 0, tzinfo=UTC)
LIMITS = FetchLimits(deadline=3.0, connect_timeout=1.0)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(tmp_path / "briefing.db")
    yield store
    store.close()


def run(tmp_path: Path, store: Store, feeds: list[FeedSpec], **kw: object) -> RunReport:
    config = make_config(tmp_path, feeds)
    kw.setdefault("limits", LIMITS)
    kw.setdefault("now", NOW)
    return update(config, store, tagger=fake_tagger(), **kw)  # type: ignore[arg-type]


def one_item_feeds(httpserver: HTTPServer, prefix: str, title: str, n: int = 4) -> list[FeedSpec]:
    """`n` feeds served on the test server, each with one item titled `title` and its number."""
    feeds = []
    for i in range(n):
        path = f"/{prefix}{i}"
        httpserver.expect_request(path).respond_with_data(rss([(f"{prefix}{i}-1", f"{title} {i}")]))
        feeds.append(FeedSpec(f"{prefix}{i}", httpserver.url_for(path)))
    return feeds


def by_feed(report: RunReport) -> dict[str, object]:
    return {r.feed: r for r in report.feeds}


# --- ingest_document ----------------------------------------------------------------------------


def test_ingest_document_stores_kept_items_and_records_dropped(db: Store) -> None:
    spec = FeedSpec("Local", "http://x.example/feed")
    db.sync_feeds([spec])
    body = rss(libya_items("a", 5, libya=3))
    report = ingest_document(
        spec, body, {"content-type": "application/rss+xml"}, db, fake_tagger(), now=NOW, run_id="r1"
    )
    assert report.status == "ok", report.error
    assert (report.seen, report.kept, report.dropped, report.new) == (5, 3, 2, 3)
    assert db.count(ItemFilter(feeds=("Local",))) == 3
    dropped = db.dropped_items("Local")
    assert sorted(e.title for e, _ in dropped) == [
        "Football results round a 3",
        "Football results round a 4",
    ]
    assert all(not v.relevant for _, v in dropped)


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        (b"", "empty"),
        (b"<!DOCTYPE html><html><body>Welcome</body></html>", "HTML page"),
        (
            b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
            b"<rss version='2.0'><channel><title>&b;</title></channel></rss>",
            "entities",
        ),
    ],
)
def test_ingest_document_records_a_refused_document_as_the_feeds_failure(
    db: Store, body: bytes, needle: str
) -> None:
    spec = FeedSpec("Bad", "http://x.example/feed")
    db.sync_feeds([spec])
    report = ingest_document(spec, body, {}, db, fake_tagger(), now=NOW)
    assert report.status == "error"
    assert report.error is not None and needle in report.error
    state = db.feed_state("Bad")
    assert state is not None and state.last_status == "error"
    assert state.last_error == report.error


def test_ingest_document_survives_feedparser_crashers(db: Store) -> None:
    spec = FeedSpec("Crash", "http://x.example/feed")
    db.sync_feeds([spec])
    body = (
        b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>x</title>'
        b"<item><title>Tripoli &#xD800; &#x1B;[31m red &#0; </title><guid>g1</guid></item>"
        b"</channel></rss>"
    )
    report = ingest_document(spec, body, {}, db, fake_tagger(), now=NOW)
    rows = db.items(ItemFilter(feeds=("Crash",)))
    if report.status == "ok":  # stored cleanly
        assert len(rows) == 1
        assert "\x1b" not in rows[0].title and "\x00" not in rows[0].title
    else:  # or failed as this feed's one line, recorded
        assert report.status == "error" and rows == []
        assert report.error and "\n" not in report.error and "\x1b" not in report.error
        state = db.feed_state("Crash")
        assert state is not None and state.last_error == report.error


# --- update: the whole run ----------------------------------------------------------------------


def test_one_bad_feed_among_good_ones(tmp_path: Path, db: Store, httpserver: HTTPServer) -> None:
    feeds = []
    for i in range(4):
        httpserver.expect_request(f"/good{i}").respond_with_data(rss(libya_items(f"g{i}", 6)))
        feeds.append(FeedSpec(f"good{i}", httpserver.url_for(f"/good{i}")))
    httpserver.expect_request("/500").respond_with_data(b"oops", status=500)
    httpserver.expect_request("/html").respond_with_data(
        b"<html><body>not a feed</body></html>", content_type="text/html"
    )
    httpserver.expect_request("/empty").respond_with_data(b"")
    httpserver.expect_request("/bomb").respond_with_data(
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b"<rss version='2.0'><channel><title>&b;</title><item><title>Tripoli &b;</title>"
        b"</item></channel></rss>"
    )
    httpserver.expect_request("/crash").respond_with_data(
        b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>c</title>'
        b"<item><guid>c1</guid><title>Tripoli &#xD800; &#x1B;[2J</title></item></channel></rss>"
    )
    bad = {"broken": "/500", "page": "/html", "empty": "/empty", "bomb": "/bomb"}
    feeds += [FeedSpec(name, httpserver.url_for(path)) for name, path in bad.items()]
    feeds.append(FeedSpec("nowhere", "http://127.0.0.1:9/feed"))  # connection refused
    feeds.append(FeedSpec("crasher", httpserver.url_for("/crash")))
    report = run(tmp_path, db, feeds)
    status = {r.feed: r.status for r in report.feeds}
    crasher = status.pop("crasher")
    # Stored cleanly or failed alone, with its reason: never the run.
    if crasher == "ok":
        assert db.count(ItemFilter(feeds=("crasher",))) == 1
    else:
        assert crasher == "error" and db.count(ItemFilter(feeds=("crasher",))) == 0
        assert next(r.error for r in report.feeds if r.feed == "crasher")
    assert status == {
        **{f"good{i}": "ok" for i in range(4)},
        "broken": "error",
        "page": "error",
        "empty": "error",
        "bomb": "error",
        "nowhere": "error",
    }
    errors = {r.feed: r.error for r in report.feeds}
    assert errors["broken"] == "HTTP 500 Internal Server Error"
    assert errors["page"] is not None and "HTML page" in errors["page"]
    assert errors["empty"] is not None and "empty" in errors["empty"]
    assert errors["bomb"] is not None and "entities" in errors["bomb"]
    assert len(report.failed) == 5 + (crasher == "error")
    for row in db.items(ItemFilter(feeds=("crasher",))):
        assert "\x1b" not in row.title
    for i in range(4):
        assert db.count(ItemFilter(feeds=(f"good{i}",))) == 6
    # Health is recorded: the error, the streak and a backoff time.
    state = db.feed_state("broken")
    assert state is not None
    assert state.last_error == "HTTP 500 Internal Server Error" and state.error_count == 1
    assert state.next_fetch_at == NOW + timedelta(minutes=60)
    # Each feed has its run row with counts.
    runs = {r.feed: r for r in db.fetch_runs(limit=20)}
    assert runs["good0"].kept == 6 and runs["good0"].new == 6
    assert runs["broken"].status == "error"


def test_interval_respected_unless_forced(
    tmp_path: Path, db: Store, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/f").respond_with_data(rss(libya_items("f", 2)))
    feeds = [FeedSpec("f", httpserver.url_for("/f"), refresh_minutes=30)]
    first = run(tmp_path, db, feeds)
    assert [r.status for r in first.feeds] == ["ok"]
    later = run(tmp_path, db, feeds, now=NOW + timedelta(minutes=10))
    assert later.feeds == () and later.not_due == ("f",)
    forced = run(tmp_path, db, feeds, now=NOW + timedelta(minutes=10), force=True)
    assert [r.status for r in forced.feeds] == ["ok"]
    # The forced run at +10 min set the next fetch to +40 min.
    due = run(tmp_path, db, feeds, now=NOW + timedelta(minutes=41))
    assert [r.feed for r in due.feeds] == ["f"]


def test_only_selects_feeds_and_rejects_unknown_names(
    tmp_path: Path, db: Store, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/a").respond_with_data(rss(libya_items("a", 1)))
    httpserver.expect_request("/b").respond_with_data(rss(libya_items("b", 1)))
    feeds = [FeedSpec("A", httpserver.url_for("/a")), FeedSpec("B", httpserver.url_for("/b"))]
    report = run(tmp_path, db, feeds, only=["b"])
    assert [r.feed for r in report.feeds] == ["B"]
    with pytest.raises(ConfigError, match="no feed named 'C'"):
        run(tmp_path, db, feeds, only=["C"])


def test_304_stores_nothing_but_health(tmp_path: Path, db: Store, httpserver: HTTPServer) -> None:
    calls: list[str | None] = []

    def handler(request: Request) -> Response:
        calls.append(request.headers.get("If-None-Match"))
        if request.headers.get("If-None-Match") == '"e1"':
            return Response(b"", status=304)
        return Response(rss(libya_items("n", 3)), headers={"ETag": '"e1"'})

    httpserver.expect_request("/f").respond_with_handler(handler)
    feeds = [FeedSpec("f", httpserver.url_for("/f"))]
    run(tmp_path, db, feeds)
    before = db.count(ItemFilter(feeds=("f",)))
    report = run(tmp_path, db, feeds, force=True)
    assert calls == [None, '"e1"']
    assert [r.status for r in report.feeds] == ["not_modified"]
    assert db.count(ItemFilter(feeds=("f",))) == before == 3
    state = db.feed_state("f")
    assert state is not None and state.etag == '"e1"' and state.last_status == "not_modified"


def test_301_moves_the_feed_302_does_not(tmp_path: Path, db: Store, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/old").respond_with_data(
        b"", status=301, headers={"Location": "/new"}
    )
    httpserver.expect_request("/new").respond_with_data(rss(libya_items("m", 1)))
    httpserver.expect_request("/tmp").respond_with_data(
        b"", status=302, headers={"Location": "/new2"}
    )
    httpserver.expect_request("/new2").respond_with_data(rss(libya_items("t", 1)))
    httpserver.expect_request("/old-bad").respond_with_data(
        b"", status=301, headers={"Location": "/page"}
    )
    httpserver.expect_request("/page").respond_with_data(b"<html><body>x</body></html>")
    feeds = [
        FeedSpec("moved", httpserver.url_for("/old")),
        FeedSpec("temp", httpserver.url_for("/tmp")),
        FeedSpec("moved-to-junk", httpserver.url_for("/old-bad")),
    ]
    report = run(tmp_path, db, feeds)
    assert {r.feed: r.status for r in report.feeds} == {
        "moved": "ok",
        "temp": "ok",
        "moved-to-junk": "error",
    }
    states = {s.name: s for s in db.feed_states()}
    assert states["moved"].url == httpserver.url_for("/new")
    assert states["temp"].url == httpserver.url_for("/tmp")
    # A permanent redirect to something that is not a feed does not move the feed.
    assert states["moved-to-junk"].url == httpserver.url_for("/old-bad")


def test_410_disables_the_feed(tmp_path: Path, db: Store, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/gone").respond_with_data(b"", status=410)
    feeds = [FeedSpec("gone", httpserver.url_for("/gone"))]
    report = run(tmp_path, db, feeds)
    assert [r.status for r in report.feeds] == ["gone"]
    state = db.feed_state("gone")
    assert state is not None and not state.enabled
    again = run(tmp_path, db, feeds, force=True)
    assert again.feeds == () and again.disabled == ("gone",)


def test_retry_after_sets_next_fetch_and_backoff_grows(
    tmp_path: Path, db: Store, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/busy").respond_with_data(
        b"", status=429, headers={"Retry-After": "600"}
    )
    httpserver.expect_request("/down").respond_with_data(b"", status=503)
    feeds = [
        FeedSpec("busy", httpserver.url_for("/busy")),
        FeedSpec("down", httpserver.url_for("/down"), refresh_minutes=10),
    ]
    run(tmp_path, db, feeds)
    busy, down = db.feed_state("busy"), db.feed_state("down")
    assert busy is not None and busy.next_fetch_at == NOW + timedelta(seconds=600)
    assert down is not None and down.next_fetch_at == NOW + timedelta(minutes=10)
    run(tmp_path, db, feeds, force=True)
    run(tmp_path, db, feeds, force=True)
    down = db.feed_state("down")
    assert down is not None and down.error_count == 3
    assert down.next_fetch_at == NOW + timedelta(minutes=40)


def test_dedup_across_feeds_records_also_in(
    tmp_path: Path, db: Store, httpserver: HTTPServer
) -> None:
    same = [("shared-story", "Tripoli ceasefire announced")]
    httpserver.expect_request("/a").respond_with_data(rss(same + libya_items("a", 1)))
    httpserver.expect_request("/b").respond_with_data(rss(same))
    feeds = [FeedSpec("A", httpserver.url_for("/a")), FeedSpec("B", httpserver.url_for("/b"))]
    run(tmp_path, db, feeds, workers=0)
    rows = [r for r in db.items(ItemFilter()) if r.title == "Tripoli ceasefire announced"]
    assert len(rows) == 1
    assert set(rows[0].also_in) | {rows[0].feed} == {"A", "B"}


def test_update_in_place_keeps_tags_and_notes(
    tmp_path: Path, db: Store, httpserver: HTTPServer
) -> None:
    title = {"now": "Tripoli talks open"}

    def handler(request: Request) -> Response:
        return Response(rss([("story-1", title["now"])]))

    httpserver.expect_request("/f").respond_with_handler(handler)
    feeds = [FeedSpec("f", httpserver.url_for("/f"))]
    run(tmp_path, db, feeds)
    [row] = db.items(ItemFilter(feeds=("f",)))
    db.add_tags([row.id], ["watch"])
    db.set_note(row.id, "check the figures")
    db.set_flagged([row.id], True)
    title["now"] = "Tripoli talks open after delay"
    report = run(tmp_path, db, feeds, force=True)
    assert report.feeds[0].updated == 1 and report.feeds[0].new == 0
    [again] = db.items(ItemFilter(feeds=("f",)))
    assert again.id == row.id
    assert again.title == "Tripoli talks open after delay"
    assert again.tags == ("watch",) and again.flagged
    detail = db.item(row.id)
    assert detail is not None and detail.note == "check the figures"


def test_local_file_feed(tmp_path: Path, db: Store) -> None:
    path = tmp_path / "local.xml"
    path.write_bytes(rss(libya_items("l", 2)))
    report = run(tmp_path, db, [FeedSpec("local", str(path))])
    assert [r.status for r in report.feeds] == ["ok"]
    assert db.count(ItemFilter(feeds=("local",))) == 2
    again = run(tmp_path, db, [FeedSpec("local", str(path))], force=True)
    assert [r.status for r in again.feeds] == ["not_modified"]


def test_progress_is_reported_per_feed(tmp_path: Path, db: Store, httpserver: HTTPServer) -> None:
    for i in range(3):
        httpserver.expect_request(f"/p{i}").respond_with_data(rss(libya_items(f"p{i}", 1)))
    feeds = [FeedSpec(f"p{i}", httpserver.url_for(f"/p{i}")) for i in range(3)]
    calls: list[tuple[int, int, str | None]] = []
    run(
        tmp_path,
        db,
        feeds,
        progress=lambda done, total, r: calls.append((done, total, r.feed if r else None)),
    )
    assert calls[0] == (0, 3, None)
    assert [c[0] for c in calls[1:]] == [1, 2, 3]
    assert {c[2] for c in calls[1:]} == {"p0", "p1", "p2"}


def test_a_pooled_run_collects_this_process_s_garbage_as_its_workers_do(
    tmp_path: Path, db: Store, httpserver: HTTPServer
) -> None:
    # While the workers run, this process (downloads: short-lived objects by the hundred
    # thousand) has its heap frozen and the workers' collection threshold; afterwards, as before.
    import gc

    from briefing.update.pipeline import processes

    before = (gc.get_threshold(), gc.get_freeze_count())
    assert before[0][0] != processes.WORKER_GC_THRESHOLD
    feeds = one_item_feeds(httpserver, "g", "Haftar visits Sirte", 3)
    seen: list[tuple[int, bool]] = []
    run(
        tmp_path,
        db,
        feeds,
        workers=2,
        progress=lambda done, total, r: (
            seen.append((gc.get_threshold()[0], gc.get_freeze_count() > 0))
            if r is not None
            else None
        ),
    )
    assert len(seen) == 3 and set(seen) == {(processes.WORKER_GC_THRESHOLD, True)}
    assert (gc.get_threshold(), gc.get_freeze_count()) == before
    # A heap frozen before (by whoever runs us) stays frozen.
    gc.freeze()
    try:
        with processes.bulk_collection():
            pass
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_second_fetch_is_refused_while_one_holds_the_lock(
    tmp_path: Path, db: Store, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/f").respond_with_data(rss(libya_items("f", 1)))
    feeds = [FeedSpec("f", httpserver.url_for("/f"))]
    assert db.path is not None
    with fetch_lock(db.path):
        with pytest.raises(FetchInProgressError, match="another fetch is running"):
            run(tmp_path, db, feeds)
    assert [r.status for r in run(tmp_path, db, feeds).feeds] == ["ok"]


def test_many_feeds_through_the_process_pool(
    tmp_path: Path, db: Store, httpserver: HTTPServer
) -> None:
    feeds = []
    for i in range(12):
        httpserver.expect_request(f"/m{i}").respond_with_data(
            rss(libya_items(f"m{i}", 10, libya=4))
        )
        feeds.append(FeedSpec(f"m{i}", httpserver.url_for(f"/m{i}")))
    report = run(tmp_path, db, feeds, workers=2)
    assert report.ok
    assert sum(r.kept for r in report.feeds) == 48
    assert sum(r.dropped for r in report.feeds) == 72
    assert db.count(ItemFilter()) == 48
    # The workers left their items out of the search index; the run indexed them at its end.
    assert db.count(ItemFilter(text="tripoli")) == 48
    assert db.count(ItemFilter(text="m7")) == 4
    assert db.status().search_pending == 0


@pytest.mark.slow
def test_update_from_a_worker_thread_stays_in_this_process(
    tmp_path: Path, db: Store, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As the TUI does: update() on a non-main thread must not fork a threaded process; it
    # parses and stores in this process instead.
    from briefing.update.pipeline import run as run_module

    def no_pools(*args: object, **kwargs: object) -> None:
        raise AssertionError("forked from a worker thread")

    monkeypatch.setattr(run_module, "worker_pools", no_pools)
    feeds = one_item_feeds(httpserver, "t", "Clashes in Tripoli and Benghazi as Libya talks stall")
    config = make_config(tmp_path, feeds)
    reports: list[RunReport] = []
    worker = threading.Thread(
        target=lambda: reports.append(
            update(config, db, tagger=fake_tagger(), now=NOW, limits=LIMITS, workers=2)
        )
    )
    worker.start()
    worker.join(timeout=120)
    [report] = reports
    assert report.ok, report.failed
    assert [r.status for r in report.feeds] == ["ok"] * 4
    assert sum(r.seen for r in report.feeds) == 4


def test_forked_workers_build_the_real_tagger_as_they_start(
    tmp_path: Path, db: Store, httpserver: HTTPServer
) -> None:
    # No Tagger given: the workers build theirs while this process downloads, and sync the
    # actors table before storing the first mentions.
    feeds = one_item_feeds(httpserver, "r", "Haftar's forces advance on Tripoli, Libya talks stall")
    report = update(make_config(tmp_path, feeds), db, now=NOW, limits=LIMITS, workers=2)
    assert report.ok, report.failed
    assert db.count(ItemFilter(actors=("khalifa-haftar",))) == 4
    assert db.actor("khalifa-haftar") is not None


def test_parsing_workers_yield_the_cpu_to_the_writer(tmp_path: Path) -> None:
    # The writer is the stage every feed waits for: the parsers run at a lower priority than it
    # and than this process, so that it keeps level with them on a machine short of cores.
    from briefing.update.pipeline import processes

    base = os.getpriority(os.PRIO_PROCESS, 0)
    config = make_config(tmp_path, [])
    with processes.worker_pools(config, None, tmp_path / "p.db", 2, warm=False) as pools:
        parsers = {pools.parse.submit(processes._priority).result(timeout=30) for _ in range(4)}
        writer = pools.write.submit(processes._priority).result(timeout=30)
    assert writer == base
    assert parsers == {min(19, base + processes.PARSER_NICENESS)}
    assert processes.PARSER_NICENESS > 0


def test_the_writer_process_has_the_bulk_page_cache(tmp_path: Path) -> None:
    # It stores up to GROUP_MAX feeds per transaction: with SQLite's default cache of 2 MiB it
    # spilled pages to the WAL and read them back (bench/README_fetch.md).
    from briefing.store.base import BULK_CACHE_KIB
    from briefing.update.pipeline import processes

    config = make_config(tmp_path, [])
    with processes.worker_pools(config, None, tmp_path / "p.db", 1, warm=False) as pools:
        cache = pools.write.submit(processes._cache_size).result(timeout=30)
    assert cache == -BULK_CACHE_KIB


def test_workers_leave_what_they_hold_out_of_garbage_collection(tmp_path: Path) -> None:
    # Each worker freezes its heap once set up (the parsers' Tagger, the writer's store) and
    # collects its young objects less often; this process keeps CPython's defaults.
    import gc

    from briefing.update.pipeline import processes

    own = gc.get_threshold()[0]
    config = make_config(tmp_path, [])
    with processes.worker_pools(config, None, tmp_path / "p.db", 2, warm=True) as pools:
        parsers = [pools.parse.submit(processes._gc_state).result(timeout=60) for _ in range(4)]
        writer = pools.write.submit(processes._gc_state).result(timeout=60)
    for threshold, frozen in [*parsers, writer]:
        assert threshold == processes.WORKER_GC_THRESHOLD != own
        assert frozen > 1000
    assert gc.get_threshold()[0] == own


def test_a_worker_prepares_rows_without_the_database_and_sends_actors_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from briefing.acquisition.fetch import FeedResponse, backoff_delay
    from briefing.core.models import ActorInfo
    from briefing.update.pipeline.outcome import Failure, feed_outcome
    from briefing.update.pipeline.plan import FeedJob
    from briefing.update.pipeline.processes import ParserProcess

    tagger = fake_tagger()
    haftar = ActorInfo("khalifa-haftar", "Khalifa Haftar", "person")
    monkeypatch.setattr(tagger, "actor_infos", lambda: [haftar])
    worker = ParserProcess(make_config(Path("."), []), tagger)
    worker.send_actors = True  # as after building its own
    spec = FeedSpec("w", "http://127.0.0.1/w")
    job = FeedJob(spec, None, "run-1", NOW)
    response = FeedResponse("w", "ok", spec.url, body=rss(libya_items("w", 5, libya=2)))
    results = [worker.prepare(job, response) for _ in range(2)]
    (first_bytes, _), (second_bytes, _) = results
    assert isinstance(first_bytes, bytes) and isinstance(second_bytes, bytes)
    first, second = pickle.loads(first_bytes), pickle.loads(second_bytes)
    assert (first.kept, first.dropped) == (2, 3)
    assert [row.entry.identity for row in first.rows.items] == ["w-0", "w-1"]
    assert first.actors == (haftar,) and second.actors == ()
    # A document that is not a feed comes back as its one line, with the error backoff.
    state = FeedState("w", spec.url, error_count=0)
    not_a_feed = FeedResponse("w", "ok", spec.url, body=b"<html>no feed</html>")
    reason, _ = worker.prepare(FeedJob(spec, state, "run-1", NOW), not_a_feed)
    assert isinstance(reason, Failure) and reason.reason
    failed = feed_outcome(FeedJob(spec, state, "run-1", NOW), not_a_feed, reason, elapsed=0.0)
    assert failed.status == "error" and failed.next_fetch_at == NOW + backoff_delay(spec, 1)


def test_the_writer_indexes_for_search_every_few_feeds(tmp_path: Path, db: Store) -> None:
    from briefing.acquisition.fetch import FeedResponse
    from briefing.update.pipeline.plan import FeedJob
    from briefing.update.pipeline.processes import ParserProcess, WriterProcess

    assert db.path is not None
    parser = ParserProcess(make_config(tmp_path, []), fake_tagger())
    writer = WriterProcess(Store.open(db.path), index_every=3)
    pending = []
    try:
        for i in range(7):
            spec = FeedSpec(f"x{i}", f"http://127.0.0.1/x{i}")
            job = FeedJob(spec, None, "r", NOW)
            response = FeedResponse(spec.name, "ok", spec.url, body=rss(libya_items(f"x{i}", 2)))
            ready, elapsed = parser.prepare(job, response)
            assert not isinstance(ready, FeedResponse)  # a plain body: no failed download
            report = writer.store_feed(job, response, ready, elapsed)
            assert report.new == 2
            pending.append(db.status().search_pending)
    finally:
        writer.store.close()
    assert pending == [2, 4, 0, 2, 4, 0, 2]
    assert db.count(ItemFilter(text="x5")) == 2 and db.count(ItemFilter(text="x6")) == 0


def test_a_broken_user_gazetteer_stops_the_run_before_fetching(
    tmp_path: Path, db: Store, httpserver: HTTPServer
) -> None:
    gazetteer = tmp_path / "my-actors.yaml"
    gazetteer.write_text("actors:\n  - id: [unclosed\n", encoding="utf-8")
    feeds = [FeedSpec(f"g{i}", httpserver.url_for(f"/g{i}")) for i in range(4)]
    config = replace(make_config(tmp_path, feeds), actors_file=gazetteer)
    with pytest.raises(ConfigError, match="my-actors.yaml"):
        update(config, db, now=NOW, limits=LIMITS, workers=2)
    assert httpserver.log == []  # nothing was fetched
    assert db.fetch_runs() == []


def test_read_only_database_is_refused_with_one_line(tmp_path: Path, db: Store) -> None:
    assert db.path is not None
    read_only = Store.open(db.path, read_only=True, shared=False)
    try:
        with pytest.raises(ReadOnlyStoreError, match="read-only"):
            run(tmp_path, read_only, [FeedSpec("f", "http://127.0.0.1:9/f")])
    finally:
        read_only.close()


def test_the_fetch_loop_is_uvloop_when_installed_else_asyncio(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import asyncio
    import sys

    from briefing.update.pipeline import event_loop_factory

    uvloop = pytest.importorskip("uvloop")
    assert event_loop_factory() is uvloop.new_event_loop
    monkeypatch.setitem(sys.modules, "uvloop", None)  # as where it is not installed
    assert event_loop_factory() is asyncio.new_event_loop


# --- the lock and the workers outlive nothing ---------------------------------------------------


def test_a_forked_child_does_not_hold_the_fetch_lock(tmp_path: Path) -> None:
    # A fetch's workers are forked while it holds the lock: were the lock's descriptor theirs
    # too, an orphaned worker would keep every later fetch out.
    db_path = tmp_path / "b.db"
    started, running = os.pipe()
    with fetch_lock(db_path):
        child = os.fork()
        if child == 0:  # pragma: no cover - the child only sleeps, and is killed
            os.write(running, b"1")  # os.fork has returned here: the at-fork hooks have run
            time.sleep(30)
            os._exit(0)
    os.read(started, 1)
    os.close(started)
    os.close(running)
    try:
        with fetch_lock(db_path):  # free, though the child lives
            assert os.waitpid(child, os.WNOHANG) == (0, 0)
    finally:
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)


def test_a_worker_ends_when_its_parent_does_without_the_kernel_s_help(tmp_path: Path) -> None:
    # The portable check: the parent dies, the orphan is adopted, and its watch thread ends it
    # (PR_SET_PDEATHSIG left out, as on systems other than Linux).
    script = f"""
import os, sys, time
from briefing.update.pipeline import processes
processes.PARENT_POLL_SECONDS = 0.05
parent = os.getpid()
child = os.fork()
if child == 0:
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)  # the test reads the parent's output to its end
    processes.die_with_parent(parent, kernel=False)
    open({str(tmp_path / "ready")!r}, "w").close()
    time.sleep(60)
    os._exit(0)
print(child, flush=True)
while not os.path.exists({str(tmp_path / "ready")!r}):
    time.sleep(0.01)
os._exit(0)
"""
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    orphan = int(out.stdout)
    deadline = time.monotonic() + 10
    while _alive(orphan) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(orphan)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


# --- a store that fails: the feed is retried; a full disk stops the run -------------------------


def versioned_feeds(httpserver: HTTPServer, n: int) -> tuple[list[FeedSpec], dict[str, int]]:
    """`n` feeds whose document (and ETag) change when `version["n"]` does."""
    version = {"n": 1}

    def handler(request: Request) -> Response:
        name = request.path.strip("/")
        items = [
            (f"{name}-{v}", f"Clashes in Tripoli, Libya: {name} report {v}")
            for v in range(1, version["n"] + 1)
        ]
        return Response(rss(items), headers={"ETag": f'"v{version["n"]}"'})

    feeds = []
    for i in range(n):
        httpserver.expect_request(f"/v{i}").respond_with_handler(handler)
        feeds.append(FeedSpec(f"v{i}", httpserver.url_for(f"/v{i}")))
    return feeds, version


def failing_store(
    monkeypatch: pytest.MonkeyPatch, error: Callable[[str], Exception | None]
) -> None:
    """Make storing a feed's items raise `error(feed)` (when not None), at the SQLite boundary:
    inside the write transaction, in this process and in a forked writer."""
    from briefing.store.ingest import IngestMixin

    real = IngestMixin._store_one

    def store_one(
        self: IngestMixin, db: Any, item: Any, now: datetime, *known: Any
    ) -> tuple[str, int]:
        failure = error(item.entry.feed)
        if failure is not None:
            raise failure
        return real(self, db, item, now, *known)

    monkeypatch.setattr(IngestMixin, "_store_one", store_one)


@pytest.mark.parametrize("workers", [0, 2])
def test_a_feed_that_was_not_stored_keeps_its_state_and_the_next_run_stores_it(
    tmp_path: Path, db: Store, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    feeds, version = versioned_feeds(httpserver, 4)
    assert run(tmp_path, db, feeds, workers=workers).ok
    before = {spec.name: db.feed_state(spec.name) for spec in feeds}
    version["n"] = 2
    with monkeypatch.context() as patch:
        failing_store(
            patch,
            lambda feed: (
                sqlite3.OperationalError("database is locked") if feed in ("v1", "v3") else None
            ),
        )
        later = NOW + timedelta(hours=2)  # every feed is due (30-minute interval)
        report = run(tmp_path, db, feeds, workers=workers, now=later)
    reports = by_feed(report)
    assert {name for name, r in reports.items() if r.status == "ok"} == {"v0", "v2"}  # type: ignore[attr-defined]
    for name in ("v1", "v3"):
        failed = reports[name]
        assert "cannot write" in failed.error and "internal error" not in failed.error  # type: ignore[attr-defined]
        state = db.feed_state(name)
        assert state is not None and state.etag == before[name].etag == '"v1"'  # type: ignore[union-attr]
        assert state.next_fetch_at is not None and state.next_fetch_at <= later
        assert db.count(ItemFilter(feeds=(name,))) == 1
    # The next normal run: the two failed feeds are due again, the two stored ones are not.
    again = run(tmp_path, db, feeds, workers=workers, now=later + timedelta(minutes=1))
    assert sorted(r.feed for r in again.feeds) == ["v1", "v3"] and again.ok
    assert sorted(again.not_due) == ["v0", "v2"]
    for spec in feeds:
        assert db.count(ItemFilter(feeds=(spec.name,))) == 2
        assert db.feed_state(spec.name).etag == '"v2"'  # type: ignore[union-attr]


@pytest.mark.parametrize("workers", [0, 2])
def test_a_full_disk_stops_the_run_with_one_line_saying_what_was_stored(
    tmp_path: Path, db: Store, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    feeds, _ = versioned_feeds(httpserver, 8)
    full = {"since": False}

    def disk(feed: str) -> Exception | None:
        # From the fourth feed that reaches the store on, as a disk that filled up stays full.
        full["since"] = full["since"] or feed == "v3"
        return sqlite3.OperationalError("database or disk is full") if full["since"] else None

    with monkeypatch.context() as patch:
        failing_store(patch, disk)
        with pytest.raises(DiskFullError) as raised:
            run(tmp_path, db, feeds, workers=workers)
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith(f"the disk is full: cannot write to {db.path}")
    stored = {spec.name for spec in feeds if db.count(ItemFilter(feeds=(spec.name,)))}
    assert "v3" not in stored
    assert f"{len(stored)} of 8 feeds were fetched and stored before it" in message
    assert db.count(ItemFilter()) == len(stored)
    # Nothing was recorded for the feeds that were not stored: the next run fetches them all.
    again = run(tmp_path, db, feeds, workers=workers, now=NOW + timedelta(minutes=1))
    assert again.ok and sorted(r.feed for r in again.feeds) == sorted(
        spec.name for spec in feeds if spec.name not in stored
    )
    assert db.count(ItemFilter()) == 8


def test_a_really_full_database_raises_disk_full(
    tmp_path: Path, db: Store, httpserver: HTTPServer
) -> None:
    # No injection: SQLite's own SQLITE_FULL, from a page limit on this thread's connection.
    feeds = [FeedSpec(f"big{i}", httpserver.url_for(f"/big{i}")) for i in range(3)]
    for spec in feeds:
        httpserver.expect_request(f"/{spec.name}").respond_with_data(
            rss(libya_items(spec.name, 40))
        )
    db.sync_feeds(feeds)
    conn = db._db().conn
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages + 4}")
    with pytest.raises(DiskFullError, match="the disk is full"):
        run(tmp_path, db, feeds, workers=0)


def test_compressed_bodies_the_workers_undo_end_as_they_would_in_this_process(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    # The pool's downloads hand gzip bodies on compressed (Fetcher(decode=False)); the workers
    # decompress them. A bomb, a lie and a cut body must fail with the lines, statuses and
    # backoff of a run that decompresses in this process, and a sound body be stored the same.
    import gzip

    sound = gzip.compress(rss(libya_items("z", 3)))
    bodies = {
        "sound": sound,
        "bomb": gzip.compress(b"\0" * 3_000_000, compresslevel=9),  # ~3 kB on the wire
        "liar": rss(libya_items("l", 2)),  # labelled gzip, sent plain
        "cut": sound[: len(sound) // 2],
    }
    for name, body in bodies.items():
        httpserver.expect_request(f"/{name}").respond_with_data(
            body, headers={"Content-Encoding": "gzip"}
        )
    feeds = [FeedSpec(name, httpserver.url_for(f"/{name}")) for name in bodies]
    limits = replace(LIMITS, max_wire_bytes=1_000_000, max_body_bytes=1_000_000)
    seen: dict[int, object] = {}
    for workers in (0, 2):
        store = Store.open(tmp_path / f"w{workers}.db")
        try:
            report = run(tmp_path, store, feeds, workers=workers, limits=limits)
            seen[workers] = (
                {
                    r.feed: (r.status, r.http_status, r.error, r.kept, r.next_fetch_at)
                    for r in report.feeds
                },
                [replace(s, last_fetched_at=None) for s in store.feed_states()],
                store.count(ItemFilter()),
            )
        finally:
            store.close()
    assert seen[2] == seen[0]
    feeds_seen = seen[2][0]  # type: ignore[index]
    assert feeds_seen["sound"][:4] == ("ok", 200, None, 3)
    assert feeds_seen["bomb"][:3] == ("error", None, "body over 1 MB cap after decompression")
    assert feeds_seen["liar"][2].startswith("corrupt gzip body (")
    assert feeds_seen["cut"][2] == "gzip stream truncated"
