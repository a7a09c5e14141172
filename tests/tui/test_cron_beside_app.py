"""Issue 17.1, bounded: `briefing fetch` from cron (another process) beside the app, while the
analyst presses `R` and types tags and notes ahead of the app. Nothing typed is lost, the app
never meets a damaged page, and the database stays whole.

The cron side is the real command in a subprocess, fetching loopback feeds whose titles change
on every request (so each run rewrites stored items); the app side presses keys.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from briefing.core.models import Config, FeedSpec, RelevanceRules
from briefing.store import Store
from tests.tui.conftest import SIZE, AppFactory
from tests.tui.helpers import item_list, notices, settle, type_ahead

ROOT = Path(__file__).resolve().parents[2]
CRON_RUNS = 6
ROUNDS = 8
ITEMS = 40


def rss(name: str, version: int) -> bytes:
    items = "".join(
        f"<item><title>{name} wire {n}: Tripoli port traffic, edition {version}</title>"
        f"<link>http://127.0.0.1/{name}/{n}</link><guid>{name}-{n}</guid>"
        f"<pubDate>Fri, 20 Nov 2026 {n % 24:02d}:00:00 GMT</pubDate>"
        f"<description>Libya: Tripoli port traffic report {n}, edition {version}.</description>"
        "</item>"
        for n in range(ITEMS)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>{name}</title>'
        f"<link>http://127.0.0.1/</link><description>t</description>{items}</channel></rss>"
    ).encode()


def serve_changing_feeds(httpserver: HTTPServer) -> list[str]:
    versions: dict[str, int] = {}
    lock = threading.Lock()
    names = ["cron-a", "cron-b"]

    def handler(request: Request) -> Response:
        name = request.path.strip("/").removesuffix(".xml")
        with lock:
            versions[name] = versions.get(name, 0) + 1
            version = versions[name]
        return Response(rss(name, version), content_type="application/rss+xml")

    for name in names:
        httpserver.expect_request(f"/{name}.xml").respond_with_handler(handler)
    return [httpserver.url_for(f"/{name}.xml") for name in names]


def cron(config: Path, db: Path, stop: threading.Event, failures: list[str]) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for _ in range(CRON_RUNS):
        if stop.is_set():
            return
        done = subprocess.run(
            [sys.executable, "-m", "briefing", "--config", str(config), "--db", str(db)]
            + ["fetch", "--force", "--quiet", "--wait"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode != 0:
            failures.append(f"cron fetch exited {done.returncode}: {done.stderr[-1500:]}")


async def test_typed_work_survives_cron_fetches_beside_the_app(
    make_app: AppFactory, httpserver: HTTPServer, tmp_path: Path, db_path: Path
) -> None:
    urls = serve_changing_feeds(httpserver)
    feeds_yaml = tmp_path / "feeds.yaml"
    feeds_yaml.write_text(
        "feeds:\n"
        + "".join(
            f"  - name: Cron {n}\n    url: {url}\n    relevance: all\n"
            for n, url in enumerate(urls)
        ),
        encoding="utf-8",
    )
    specs = tuple(FeedSpec(f"Cron {n}", url, relevance="all") for n, url in enumerate(urls))
    config = Config(path=feeds_yaml, feeds=specs, rules=RelevanceRules(), seed=None)
    app = make_app(config=config)
    typed: dict[int, tuple[str, str]] = {}
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        stop = threading.Event()
        failures: list[str] = []
        writer = threading.Thread(target=cron, args=(feeds_yaml, db_path, stop, failures))
        writer.start()
        try:
            for n in range(ROUNDS):
                if n % 2 == 0:
                    await pilot.press("R")
                    # Its new items shift the rows under the cursor: let it finish first, so
                    # the row read here is the one the keys below act on.
                    await settle(pilot)
                await pilot.press("g", *["j"] * n)
                row = item_list(app).current
                assert row is not None
                tag, note = f"kept-{n}", f"note {n}: checked against the wire ✓"
                # Each dialog's keys in one burst, typed ahead of the dialog opening.
                type_ahead(app, "t", *tag, "enter")
                await settle(pilot)
                type_ahead(app, "n", *note, "ctrl+s")
                await settle(pilot)
                typed[row.id] = (tag, note)
        finally:
            stop.set()
            writer.join(timeout=600)
        await settle(pilot)
        said = notices(app)
        assert app.is_running and app.return_code is None
        assert failures == [], failures
        for bad in ("malformed", "DatabaseError", "Traceback", "not saved"):
            assert bad not in said, said
    check = Store.open(db_path)
    try:
        for item_id, (tag, note) in typed.items():
            detail = check.item(item_id)
            assert detail is not None
            assert tag in detail.row.tags, (item_id, detail.row.tags)
            assert detail.note.endswith(note), (item_id, detail.note)
        assert check.count() >= 20 + 2 * ITEMS
    finally:
        check.close()
