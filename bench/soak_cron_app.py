"""Soak: cron fetches beside the app's reads, typing and own fetches, for many rounds (issue 17.1).

Two cron writers:

* `fetch` (default): a real `briefing fetch --force --quiet` per round against feeds served on
  127.0.0.1; every third round the server rewrites every title. The app's own fetch (`R`)
  runs the pipeline in a worker thread on a store it opens there, as the TUI does (it waits
  for the cron fetch's lock when one holds it).
* `store`: one process that opens the store, rewrites titles and closes, round after round
  (the form the test suite runs, bounded, in tests/unit/test_store_locks.py).

Meanwhile this process reads pages, details and facets in a thread and types a tag and a note
every 20 ms. At the end every acknowledged tag and note must be in the file, no read may have
failed and the file must pass integrity_check.

    uv run python bench/soak_cron_app.py --rounds 150
    uv run python bench/soak_cron_app.py --writer store --rounds 500
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from briefing.core.config import load_config
from briefing.store import Store
from briefing.update.pipeline import update
from tests.unit.cronkit import SoakReport, seed_database, soak, store_cron
from tests.unit.fetchkit import rss

REPO = Path(__file__).resolve().parents[1]


class Feeds:
    """`feeds` feeds of `items` items; `generation` changes every title when it moves."""

    def __init__(self, feeds: int, items: int) -> None:
        self.feeds = feeds
        self.items = items
        self.generation = 0

    def body(self, n: int) -> bytes:
        items = [
            (
                f"f{n}-{i}",
                f"Tripoli talks on Libya resume, report {n}-{i}, edition {self.generation}",
            )
            for i in range(self.items)
        ]
        return rss(items, title=f"Soak feed {n}")


def serve(feeds: Feeds) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # the http.server API
            name = self.path.rsplit("/", 1)[-1].removesuffix(".xml")
            if not name.isdigit() or int(name) >= feeds.feeds:
                self.send_error(404)
                return
            data = feeds.body(int(name))
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def fetch_soak(folder: Path, rounds: int, n_feeds: int, n_items: int) -> SoakReport:
    feeds = Feeds(n_feeds, n_items)
    server = serve(feeds)
    port = server.server_address[1]
    config_path = folder / "feeds.yaml"
    config_path.write_text(
        "feeds:\n"
        + "".join(
            f"  - name: Soak feed {n}\n    url: http://127.0.0.1:{port}/feed/{n}.xml\n"
            for n in range(n_feeds)
        ),
        encoding="utf-8",
    )
    db = folder / "soak.db"
    command = [sys.executable, "-m", "briefing", "--config", str(config_path), "--db", str(db)]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    first = subprocess.run([*command, "fetch", "--quiet"], env=env, capture_output=True, text=True)
    if first.returncode != 0:
        raise SystemExit(f"first fetch failed: {first.stderr}")
    config = load_config(config_path)

    def cron() -> str:
        lines: list[str] = []
        for r in range(1, rounds + 1):
            if r % 3 == 0:
                feeds.generation = r  # a third of the runs rewrite every title
            done = subprocess.run(
                [*command, "fetch", "--force", "--quiet"], env=env, capture_output=True, text=True
            )
            lines.append(f"round {r}: exit {done.returncode} {done.stderr.strip()[-300:]}")
        return "\n".join(lines)

    def app_fetch(store: Store, n: int) -> None:
        # The TUI's `R`: the pipeline in this thread (no worker processes), on the store the
        # worker opened; it queues behind a cron fetch that holds the fetch lock.
        update(config, store, force=True, workers=0, wait=True)

    try:
        return soak(db, cron, rounds=rounds, refetch=app_fetch)
    finally:
        server.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--writer", choices=("fetch", "store"), default="fetch")
    parser.add_argument("--rounds", type=int, default=150)
    parser.add_argument("--feeds", type=int, default=20)
    parser.add_argument("--items", type=int, default=50)
    args = parser.parse_args()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="briefing-soak-") as tmp:
        folder = Path(tmp)
        if args.writer == "fetch":
            report = fetch_soak(folder, args.rounds, args.feeds, args.items)
        else:
            db = folder / "soak.db"
            seed_database(db, args.feeds, args.items)
            cron = store_cron(db, args.rounds, args.feeds, args.items)
            report = soak(db, cron, rounds=args.rounds)
    print(f"{args.writer} writer: {report.summary()} in {time.monotonic() - started:.0f} s")
    failed_rounds = [line for line in report.cron_output.splitlines() if "exit 0" not in line]
    if args.writer == "fetch" and failed_rounds:
        print(f"{len(failed_rounds)} cron rounds did not exit 0, first: {failed_rounds[0]}")
    for error in report.errors[:10]:
        print("  ", error)
    if report.errors or report.lost or report.integrity != "ok":
        raise SystemExit(1)


if __name__ == "__main__":
    main()
