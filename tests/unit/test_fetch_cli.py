"""`briefing fetch` and `briefing feeds` end to end: output, exit codes, the lock, kill -9."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from briefing.cli import main
from briefing.update.pipeline import fetch_lock
from tests.conftest import REPO
from tests.unit.fetchkit import libya_items, rss


def write_config(tmp_path: Path, feeds: dict[str, str], extra: str = "") -> Path:
    lines = ["# my feeds, with a comment that must survive", "feeds:"]
    for name, url in feeds.items():
        lines += [f"  - name: {name}", f"    url: {url}", "    refresh: 30"]
    path = tmp_path / "feeds.yaml"
    path.write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")
    return path


@pytest.fixture
def served(httpserver: HTTPServer) -> HTTPServer:
    httpserver.expect_request("/good").respond_with_data(rss(libya_items("g", 4, libya=3)))
    httpserver.expect_request("/bad").respond_with_data(b"", status=404)
    return httpserver


def invoke(config: Path, *args: str) -> tuple[int, str, str]:
    runner = CliRunner()
    result = runner.invoke(
        main, ["--config", str(config), "--db", str(config.parent / "b.db"), *args]
    )
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def test_fetch_prints_a_table_and_exits_3_when_a_feed_failed(
    tmp_path: Path, served: HTTPServer
) -> None:
    config = write_config(
        tmp_path, {"Good": served.url_for("/good"), "Bad": served.url_for("/bad")}
    )
    code, out, _ = invoke(config, "fetch")
    assert code == 3
    assert "Good" in out and "Bad" in out
    assert "HTTP 404 Not Found" in out
    assert "2 fetched, 1 ok, 1 error" in out


def test_fetch_exits_0_when_every_feed_worked_and_respects_intervals(
    tmp_path: Path, served: HTTPServer
) -> None:
    config = write_config(tmp_path, {"Good": served.url_for("/good")})
    code, out, _ = invoke(config, "fetch")
    assert code == 0, out
    code, out, _ = invoke(config, "fetch")
    assert code == 0
    assert "0 fetched" in out and "1 not due" in out
    code, out, _ = invoke(config, "fetch", "--force", "--feed", "Good")
    assert code == 0 and "1 fetched" in out


def test_fetch_json_is_one_document(tmp_path: Path, served: HTTPServer) -> None:
    config = write_config(
        tmp_path, {"Good": served.url_for("/good"), "Bad": served.url_for("/bad")}
    )
    code, out, _ = invoke(config, "fetch", "--json")
    assert code == 3
    document = json.loads(out)
    feeds = {f["feed"]: f for f in document["feeds"]}
    assert feeds["Good"]["status"] == "ok" and feeds["Good"]["kept"] == 3
    assert feeds["Good"]["dropped"] == 1 and feeds["Good"]["new"] == 3
    assert feeds["Bad"]["error"] == "HTTP 404 Not Found"
    assert document["ok"] is False


def test_fetch_quiet_prints_only_failures(tmp_path: Path, served: HTTPServer) -> None:
    config = write_config(
        tmp_path, {"Good": served.url_for("/good"), "Bad": served.url_for("/bad")}
    )
    code, out, err = invoke(config, "fetch", "--quiet")
    assert code == 3
    assert out == ""
    assert "Bad: HTTP 404 Not Found" in err and "Good" not in err


def test_explain_shows_dropped_items_with_reasons(tmp_path: Path, served: HTTPServer) -> None:
    config = write_config(tmp_path, {"Good": served.url_for("/good")})
    invoke(config, "fetch")
    code, out, _ = invoke(config, "fetch", "--explain", "good")
    assert code == 0
    assert "4 seen, 3 kept, 1 dropped" in out
    assert "Football results round g 3" in out
    db = sqlite3.connect(tmp_path / "b.db")
    try:  # tagged in-process: the Tagger was built on demand and the actors synced
        assert db.execute("SELECT count(*) FROM actors").fetchone()[0] > 10
    finally:
        db.close()


def test_unknown_feed_is_one_line_error(tmp_path: Path, served: HTTPServer) -> None:
    config = write_config(tmp_path, {"Good": served.url_for("/good")})
    code, _, err = invoke(config, "fetch", "--feed", "Nope")
    assert code == 1
    assert err == "Error: unknown feed 'Nope' (`briefing feeds` lists the 1 in feeds.yaml)\n"
    code, _, err = invoke(config, "fetch", "--feed", "god")
    assert code == 1 and "unknown feed 'god' — did you mean 'Good'?" in err
    code, _, err = invoke(config, "fetch", "--explain", "Goood")
    assert code == 1 and "unknown feed 'Goood' — did you mean 'Good'?" in err


def test_fetch_refuses_a_demo_database_as_the_app_does(tmp_path: Path, served: HTTPServer) -> None:
    from briefing.store import Store
    from briefing.update.demo import demo_feeds, is_demo_store

    config = write_config(tmp_path, {"Good": served.url_for("/good")})
    store = Store.open(tmp_path / "b.db")
    store.sync_feeds(demo_feeds())  # what `briefing demo` leaves: only the shipped feeds
    store.close()
    code, out, err = invoke(config, "fetch")
    assert code == 1
    assert out == ""
    assert err.count("\n") == 1, err
    assert f"{tmp_path / 'b.db'}: is a demo database" in err
    assert f"briefing demo --db {tmp_path / 'b.db'}" in err and " — " in err
    assert served.log == []
    reopened = Store.open(tmp_path / "b.db", read_only=True)
    try:
        assert is_demo_store(reopened)
        assert "Good" not in {state.name for state in reopened.feed_states()}
    finally:
        reopened.close()
    # Reading what a run dropped fetches nothing: it stays allowed.
    code, out, _ = invoke(config, "fetch", "--explain", "Good")
    assert code == 0 and "no fetch recorded yet" in out


def test_second_fetch_exits_0_saying_another_is_running(tmp_path: Path, served: HTTPServer) -> None:
    config = write_config(tmp_path, {"Good": served.url_for("/good")})
    with fetch_lock(tmp_path / "b.db"):
        code, out, err = invoke(config, "fetch")
        assert code == 0
        assert "another fetch is running" in err
        code, out, _ = invoke(config, "fetch", "--json")
        assert code == 0 and "another fetch is running" in json.loads(out)["skipped"]


def test_wait_queues_behind_a_running_fetch(tmp_path: Path, served: HTTPServer) -> None:
    config = write_config(tmp_path, {"Good": served.url_for("/good")})
    holding = threading.Event()
    fetched_while_held: list[int] = []

    def hold() -> None:
        with fetch_lock(tmp_path / "b.db"):
            holding.set()
            time.sleep(0.5)
            # The queued fetch has opened the database by now, but must not have fetched.
            fetched_while_held.append(len(served.log))

    holder = threading.Thread(target=hold)
    holder.start()
    assert holding.wait(10)
    code, out, _ = invoke(config, "fetch", "--wait")
    holder.join()
    assert fetched_while_held == [0]
    assert code == 0 and "1 fetched, 1 ok" in out
    assert len(served.log) == 1


def test_watch_fetches_again_until_interrupted(
    tmp_path: Path, served: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefing.cli import fetch_cmd

    config = write_config(tmp_path, {"Good": served.url_for("/good")})
    pauses: list[int] = []

    def pause(ctx: object, err: object) -> None:
        pauses.append(1)
        if len(pauses) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(fetch_cmd, "_watch_pause", pause)
    code, out, err = invoke(config, "fetch", "--watch")
    assert code == 0
    assert len(pauses) == 2
    assert out.count("fetched") == 2  # a round that fetched, then one where nothing was due
    assert "1 fetched, 1 ok" in out and "0 fetched" in out
    assert "stopped" in err


def test_feeds_list_shows_health(tmp_path: Path, served: HTTPServer) -> None:
    config = write_config(
        tmp_path, {"Good": served.url_for("/good"), "Bad": served.url_for("/bad")}
    )
    invoke(config, "fetch")
    code, out, _ = invoke(config, "feeds")
    assert code == 0
    assert "HTTP 404 Not Found" in out and "never" not in out
    code, out, _ = invoke(config, "feeds", "list", "--json")
    rows = {r["name"]: r for r in json.loads(out)}
    assert rows["Bad"]["error_count"] == 1 and rows["Bad"]["last_status"] == "error"
    assert rows["Good"]["last_status"] == "ok" and rows["Good"]["next_fetch_at"]


# --- subprocesses: a real second process, and kill -9 ------------------------------------------


def _briefing(config: Path, *args: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "briefing",
        "--config",
        str(config),
        "--db",
        str(config.parent / "b.db"),
        *args,
    ]


_FETCH_TWO_FEEDS = """
import json, sys
from pathlib import Path
from briefing.core.models import Config, FeedSpec, RelevanceRules
from briefing.store import Store
from briefing.update.pipeline import update

folder = Path(sys.argv[1])
feeds = tuple(FeedSpec(n, str(folder / f), relevance="all") for n, f in
              (("Pipe", "pipe.xml"), ("Good", "good.xml")))
config = Config(path=folder / "feeds.yaml", feeds=feeds, rules=RelevanceRules(), seed=None)
report = update(config, Store.open(folder / "b.db"), workers=0)
print(json.dumps({r.feed: [r.status, r.error, r.new] for r in report.feeds}))
"""


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_feed_that_is_a_fifo_fails_alone_and_never_blocks_the_fetch(tmp_path: Path) -> None:
    # feeds.yaml refuses a FIFO when it is loaded; a file that becomes one later (the app
    # open, `fetch --watch` keeping its feeds.yaml) reaches the fetcher, which reads it itself.
    (tmp_path / "good.xml").write_bytes(rss(libya_items("g", 2)))
    pipe = tmp_path / "pipe.xml"
    os.mkfifo(pipe)  # no writer: opening it to read would wait forever
    try:
        done = subprocess.run(
            [sys.executable, "-c", _FETCH_TWO_FEEDS, str(tmp_path)],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=REPO,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("the fetch blocked on a feed that is a FIFO")
    assert done.returncode == 0, done.stderr
    feeds = json.loads(done.stdout)
    assert feeds["Good"] == ["ok", None, 2]
    assert feeds["Pipe"] == [
        "error",
        f"{pipe}: is a pipe or a device, not a regular file — save a feed to a file and give "
        "its path",
        0,
    ]


@pytest.fixture
def slow_server(httpserver: HTTPServer) -> Iterator[HTTPServer]:
    """40 feeds of 30 items, each answered after a short pause so a run takes a while."""

    def handler(request: Request) -> Response:
        time.sleep(0.05)
        n = request.path.rsplit("/", 1)[-1]
        return Response(rss(libya_items(f"s{n}", 30)), content_type="application/rss+xml")

    for i in range(40):
        httpserver.expect_request(f"/s/{i}").respond_with_handler(handler)
    yield httpserver


def _wait_for_lock(lock: Path, pid: int, timeout: float = 30) -> None:
    """Until process `pid` holds the fetch lock (it writes its pid into the lock file)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if lock.exists() and lock.read_text().strip() == str(pid):
            return
        time.sleep(0.02)
    raise AssertionError("the fetch never took the lock")


def _assert_stories_consistent(db: sqlite3.Connection) -> None:
    """Items and stories written together: every item in a story that exists, every story's
    count its members', no story without items, and its places are the items' places."""
    assert db.execute(
        "SELECT count(*) FROM items i LEFT JOIN stories s ON s.id = i.story_id WHERE s.id IS NULL"
    ).fetchone() == (0,)
    assert db.execute(
        "SELECT count(*) FROM stories s WHERE s.items != "
        "(SELECT count(*) FROM items i WHERE i.story_id = s.id)"
    ).fetchone() == (0,)
    assert db.execute(
        "SELECT count(*) FROM item_places ip LEFT JOIN items i ON i.id = ip.item_id "
        "WHERE i.id IS NULL"
    ).fetchone() == (0,)


@pytest.mark.slow
def test_kill_9_mid_run_leaves_a_sound_database_with_whole_feeds(
    tmp_path: Path, slow_server: HTTPServer
) -> None:
    config = write_config(tmp_path, {f"f{i}": slow_server.url_for(f"/s/{i}") for i in range(40)})
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    stored: list[int] = []
    for delay in (0.3, 1.2):
        process = subprocess.Popen(
            _briefing(config, "fetch", "--force", "--quiet"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            cwd=tmp_path,
            start_new_session=True,
        )
        _wait_for_lock(tmp_path / "b.db.fetch.lock", process.pid)
        time.sleep(delay)
        os.killpg(process.pid, signal.SIGKILL)  # the fetcher and its parser workers
        process.wait()
        db = sqlite3.connect(tmp_path / "b.db")
        try:
            assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            rows = db.execute("SELECT feed, count(*) FROM items GROUP BY feed").fetchall()
            _assert_stories_consistent(db)
        finally:
            db.close()
        counts = dict(rows)
        # Each feed is all-or-nothing: 0 or its 30 items, never a part.
        assert all(n == 30 for n in counts.values()), counts
        stored.append(len(counts))
    # The network alone needs 0.5 s for 40 feeds (4 at a time, 50 ms each): the first run was
    # killed before its end, and what it stored survived the second one.
    assert len(stored) == 2 and stored[0] < 40 and stored[0] <= stored[1], stored
    # And the next run completes the job.
    done = subprocess.run(
        _briefing(config, "fetch", "--force", "--json"),
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["ok"] is True
    db = sqlite3.connect(tmp_path / "b.db")
    try:
        assert db.execute("SELECT count(DISTINCT feed) FROM items").fetchone() == (40,)
        # The workers built the Tagger themselves and synced the gazetteer before storing.
        assert db.execute("SELECT count(*) FROM actors").fetchone()[0] > 10
    finally:
        db.close()


def test_concurrent_fetch_in_another_process_exits_0(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    # The first fetch's feeds answer only once the second fetch has ended, so the first surely
    # holds the lock while the second runs, however slowly a loaded machine starts it.
    released = threading.Event()

    def held(request: Request) -> Response:
        released.wait(timeout=120)
        return Response(rss(libya_items("h", 3)), content_type="application/rss+xml")

    for i in range(4):
        httpserver.expect_request(f"/h/{i}").respond_with_handler(held)
    config = write_config(tmp_path, {f"f{i}": httpserver.url_for(f"/h/{i}") for i in range(4)})
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    first = subprocess.Popen(
        _briefing(config, "fetch", "--quiet"),
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_lock(tmp_path / "b.db.fetch.lock", first.pid)
        second = subprocess.run(
            _briefing(config, "fetch"),
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=60,
        )
        assert second.returncode == 0
        assert "another fetch is running" in second.stderr
    finally:
        released.set()
        first.wait(timeout=120)
    assert first.returncode == 0


def _loaded_by(imports: str) -> set[str]:
    """The modules a fresh interpreter holds after running `imports` (Python source)."""
    code = f"import sys\n{imports}\nprint('\\n'.join(sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    return set(out.split())


def test_a_quiet_fetch_starts_without_rich_or_httpx_s_command_line() -> None:
    # Start-up time of every cron run: rich (and pygments, via httpx's own CLI) load only when
    # something is printed with them.
    loaded = _loaded_by(
        "import briefing.cli.fetch_cmd, briefing.update.pipeline, briefing.acquisition.fetch"
    )
    assert not {m.split(".")[0] for m in loaded} & {"rich", "pygments"}


def test_a_fetch_s_main_process_leaves_the_tagging_stack_to_its_workers() -> None:
    # What the main process imports before it forks its workers is paid alone, before any
    # download; the parsers import the tagging stack themselves, in parallel, while the first
    # downloads run. The demo database's refusal (`briefing.update.demo`) once pulled it in.
    loaded = _loaded_by(
        "import briefing.cli.fetch_cmd, briefing.update.pipeline.run\n"
        "from briefing.update.demo import refuse_fetch_into_demo"
    )
    stack = {"tagging", "matching", "events", "places"}
    assert not loaded & {f"briefing.intelligence.{m}" for m in stack}


def test_a_quiet_fetch_runs_without_importing_rich(tmp_path: Path, served: HTTPServer) -> None:
    # Not only its imports: a whole quiet run (cron's) by the real command line, workers and
    # all (-X importtime lists every module any of its processes imports).
    for i in range(3):
        served.expect_request(f"/good{i}").respond_with_data(rss(libya_items(f"q{i}", 2)))
    config = write_config(tmp_path, {f"Good {i}": served.url_for(f"/good{i}") for i in range(3)})
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *_briefing(config, "fetch", "--quiet")[1:]],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    assert "briefing.update.pipeline.processes" in imported  # the pooled path ran
    assert not {m for m in imported if m.split(".")[0] in ("rich", "pygments")}


# --- killing the parent alone: its workers die with it, and the lock goes with them -----------


def _children(pid: int) -> set[int]:
    """The live processes whose parent is `pid` (Linux /proc)."""
    found: set[int] = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[1] == str(pid) and fields[0] != "Z":
            found.add(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"  # an orphan's zombie waits for whoever adopted it: it holds nothing


@pytest.fixture
def slower_server(httpserver: HTTPServer) -> Iterator[HTTPServer]:
    """40 feeds answered after 0.3 s each: 4 at a time, a run needs at least 3 s."""

    def handler(request: Request) -> Response:
        time.sleep(0.3)
        n = request.path.rsplit("/", 1)[-1]
        return Response(rss(libya_items(f"s{n}", 30)), content_type="application/rss+xml")

    for i in range(40):
        httpserver.expect_request(f"/s/{i}").respond_with_handler(handler)
    yield httpserver


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["kill-9", "term"])
def test_killing_only_the_parent_fetch_ends_its_workers_and_the_next_fetch_runs(
    tmp_path: Path, slower_server: HTTPServer, sig: signal.Signals
) -> None:
    config = write_config(tmp_path, {f"f{i}": slower_server.url_for(f"/s/{i}") for i in range(40)})
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    parent = subprocess.Popen(
        _briefing(config, "fetch", "--force", "--quiet"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        cwd=tmp_path,
        start_new_session=True,  # as under cron: nobody else signals the workers
    )
    try:
        _wait_for_lock(tmp_path / "b.db.fetch.lock", parent.pid)
        deadline = time.monotonic() + 30
        while len(workers := _children(parent.pid)) < 3 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(workers) >= 3, workers  # the writer and two parsers
        parent.send_signal(sig)  # the parent alone, not its process group
        parent.wait(timeout=30)
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not [pid for pid in workers if _alive(pid)], "orphaned workers live on"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(parent.pid, signal.SIGKILL)  # whatever is left, should the test fail
    db = sqlite3.connect(tmp_path / "b.db")
    try:
        stored_before = db.execute("SELECT count(DISTINCT feed) FROM items").fetchone()[0]
    finally:
        db.close()
    assert stored_before < 40  # killed mid-run
    # A plain next run (no --force, no --wait): the lock is free, and it stores the rest.
    done = subprocess.run(
        _briefing(config, "fetch", "--json"),
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert "skipped" not in document and document["ok"] is True
    assert len(document["feeds"]) == 40 - stored_before
    db = sqlite3.connect(tmp_path / "b.db")
    try:
        assert db.execute("SELECT count(DISTINCT feed) FROM items").fetchone() == (40,)
    finally:
        db.close()


@pytest.mark.parametrize("quiet", [True, False], ids=["quiet", "table"])
def test_a_full_disk_is_one_line_not_a_row_per_feed(
    tmp_path: Path, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch, quiet: bool
) -> None:
    from briefing.store.ingest import IngestMixin

    for i in range(6):
        httpserver.expect_request(f"/d{i}").respond_with_data(rss(libya_items(f"d{i}", 3)))
    config = write_config(tmp_path, {f"d{i}": httpserver.url_for(f"/d{i}") for i in range(6)})

    def full(*args: object) -> str:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(IngestMixin, "_store_one", full)  # forked writers inherit it
    code, out, err = invoke(config, "fetch", *(["--quiet"] if quiet else []))
    assert code == 1
    assert out == ""  # no table of failed feeds
    [line] = err.strip().splitlines()
    assert "the disk is full: cannot write to " in line and str(tmp_path / "b.db") in line
    assert "0 of 6 feeds were fetched and stored before it" in line
    assert "internal error" not in line
