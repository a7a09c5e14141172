"""`briefing status` and `briefing import` through the command line (CliRunner, tmp database)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from briefing.cli import main

REPO = Path(__file__).resolve().parents[2]
CAPTURES = REPO / "tests" / "data" / "captures"


class Run:
    """`briefing --config feeds.yaml --db <tmp> ARGS…` through CliRunner."""

    def __init__(self, db: Path) -> None:
        self.db = db

    def __call__(self, *args: str) -> Result:
        return CliRunner().invoke(
            main, ["--config", str(REPO / "feeds.yaml"), "--db", str(self.db), *args]
        )


@pytest.fixture
def run(tmp_path: Path) -> Run:
    return Run(tmp_path / "db" / "test.db")


def _created(run: Run) -> None:
    """A new, empty database, as `briefing fetch` makes it (status itself creates nothing)."""
    from briefing.store import Store

    Store.open(run.db).close()


def test_status_on_a_fresh_database(run: Run) -> None:
    _created(run)
    result = run("status")
    assert result.exit_code == 0, result.output
    out = result.output
    db = run.db
    assert f"database    {db} (" in out and "schema" in out
    assert db.exists()
    assert "items       1" in out  # the seed record
    assert "feeds.yaml" in out
    for label in ("actors", "tags", "last fetch  never"):
        assert label in out
    assert "Khalifa Haftar's Miscalculated Attack on Tripoli Will Cost Him Dearly" in out
    assert "by Jason Pack; Matthew Sinkez" in out
    assert "Foreign Policy · 2019-04-10" in out
    assert "text not imported — run `briefing import PATH|URL`" in out


def test_status_json(run: Run) -> None:
    _created(run)
    result = run("status", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["items"] == 1
    assert data["seed"]["authors"] == ["Jason Pack", "Matthew Sinkez"]
    assert data["seed"]["published"] == "2019-04-10"
    assert data["seed"]["has_text"] is False
    assert data["last_fetch"] is None
    assert data["configured_feeds"] >= 12


def test_import_prints_what_was_removed(run: Run) -> None:
    result = run("import", str(CAPTURES / "misrata_talks.txt"))
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Imported an article as item 2: Misrata Brigades Weigh a Truce" in out
    assert "by Amira Saleh; Tom Whitcombe" in out
    assert "7 paragraphs kept" in out
    assert "duplicate paragraph" in out
    assert "2 author bio paragraphs (kept as author details)" in out
    assert "'More from The Sahel Ledger' block (6 lines)" in out


def test_import_json(run: Run) -> None:
    result = run("import", "--json", str(CAPTURES / "oil_blockade.html"))
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["title"] == "Tribes Lift Blockade of Eastern Oil Ports"
    assert data["seed"] is False and data["paragraphs"] == 4


def test_refused_import_is_one_line_and_writes_nothing(run: Run, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = run("import", str(empty))
    assert result.exit_code != 0
    assert "empty.txt: the capture is empty" in result.output
    assert not run.db.exists() and not run.db.parent.exists()  # nothing created
    _created(run)
    assert run("import", str(empty)).exit_code != 0
    status = json.loads(run("status", "--json").output)
    assert status["items"] == 1


def test_import_of_the_real_seed_then_status(run: Run, seed_path: Path) -> None:
    result = run("import", str(seed_path))
    assert result.exit_code == 0, result.output
    assert "Imported the seed article as item 1" in result.output
    assert "'More from Foreign Policy' block" in result.output
    status = run("status")
    assert status.exit_code == 0, status.output
    out = status.output
    assert "Khalifa Haftar’s Miscalculated Attack on Tripoli Will Cost Him Dearly" in out
    assert "by Jason Pack; Matthew Sinkez" in out
    assert "2019-04-10" in out
    assert "text imported (14 paragraphs)" in out
    assert "items       1" in out


def test_help_on_both_commands(run: Run) -> None:
    for command in ("status", "import"):
        result = run(command, "--help")
        assert result.exit_code == 0
        assert "--json" in result.output
