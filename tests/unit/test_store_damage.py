"""A damaged database (issue 17.3): every command refuses it in one line and writes nothing."""

from __future__ import annotations

import hashlib
import random
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from pytest_httpserver import HTTPServer

from briefing.cli import main
from briefing.core.errors import CorruptDatabaseError
from briefing.core.models import FeedSpec, FetchOutcome, ItemFilter
from briefing.store import Store, opening
from tests.conftest import tagged
from tests.unit.fetchkit import libya_items, rss


def damaged_database(path: Path) -> None:
    """A database whose middle page of the items table is garbage; header and schema intact."""
    store = Store.open(path)
    store.sync_feeds([FeedSpec("W", "http://127.0.0.1:9/w.xml")])
    stories = [
        tagged(f"Report {i} from the port of Misrata", feed="W", summary="Talks. " * 40)
        for i in range(400)
    ]
    store.store_feed(FetchOutcome("W", "ok", 200), stories)
    store.close()  # the last connection checkpoints: every page is in the file
    conn = sqlite3.connect(path)
    pages = [
        row[0]
        for row in conn.execute(
            "SELECT pageno FROM dbstat WHERE name = 'items' AND pagetype = 'leaf' ORDER BY pageno"
        )
    ]
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    assert len(pages) > 10
    garbage = random.Random(3).randbytes(page_size)
    with path.open("r+b") as handle:  # no connection is open in this process
        handle.seek((pages[len(pages) // 2] - 1) * page_size)
        handle.write(garbage)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 10  # schema reads
    conn.close()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _one_line(code: int, output: str, path: Path) -> str:
    assert code != 0, output
    assert "Traceback" not in output
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    assert str(path) in lines[0] and "damaged" in lines[0] and ".recover" in lines[0]
    return lines[0]


@pytest.mark.parametrize(
    "command",
    [
        ["status"],
        ["export", "--format", "json"],
        ["summarize"],
        ["fetch"],
        ["fetch", "--force"],
        ["feeds", "list"],
        ["retag"],
        ["tui"],
    ],
)
def test_every_command_refuses_a_damaged_database_and_writes_nothing(
    tmp_path: Path, httpserver: HTTPServer, command: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefing.cli import tui_cmd

    # As at a terminal: the app's own check (no terminal, no app) would answer first.
    monkeypatch.setattr(tui_cmd, "terminal_missing", lambda: None)
    httpserver.expect_request("/w.xml").respond_with_data(rss(libya_items("w", 5)))
    config = tmp_path / "feeds.yaml"
    config.write_text(
        f"feeds:\n  - name: W\n    url: {httpserver.url_for('/w.xml')}\n", encoding="utf-8"
    )
    db = tmp_path / "briefing.db"
    damaged_database(db)
    before = _digest(db)
    result = CliRunner().invoke(main, ["--config", str(config), "--db", str(db), *command])
    _one_line(result.exit_code, result.output, db)
    assert _digest(db) == before
    wal = Path(f"{db}-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    assert not httpserver.log  # refused before fetching anything


def test_damage_past_the_quick_check_size_is_the_same_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above QUICK_CHECK_MAX_BYTES the check is skipped; the query that meets the damage
    refuses with the same line (from a read, a generator and a write alike)."""
    db = tmp_path / "big.db"
    damaged_database(db)
    before = _digest(db)
    with pytest.raises(CorruptDatabaseError):
        Store.open(db, shared=False)
    monkeypatch.setattr(opening, "QUICK_CHECK_MAX_BYTES", 0)
    store = Store.open(db)
    try:
        with pytest.raises(CorruptDatabaseError, match="damaged.*recover"):
            store.items(ItemFilter(state="all"), limit=10_000)
        with pytest.raises(CorruptDatabaseError, match="damaged"):
            list(store.iter_entries())
        with pytest.raises(CorruptDatabaseError, match="damaged"):
            store.store_feed(
                FetchOutcome("W", "ok", 200),
                [tagged(f"Report {i} from the port of Misrata", feed="W") for i in range(400)],
            )
    finally:
        store.close()
    assert _digest(db) == before
    result = CliRunner().invoke(main, ["--db", str(db), "export", "--format", "json"])
    _one_line(result.exit_code, result.output, db)


def test_a_file_that_is_not_sqlite_keeps_its_own_message(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"just some text, not a database\n" * 200)
    for read_only in (False, True):
        with pytest.raises(Exception, match="not a SQLite database"):
            Store.open(path, read_only=read_only)
    assert path.read_bytes() == b"just some text, not a database\n" * 200
