"""A read command creates nothing, and a failed command leaves nothing behind (issues 11 and 17)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from briefing.cli import main
from briefing.store import Store


def _run(tmp_path: Path, *args: str) -> Result:
    cwd = os.getcwd()
    os.chdir(tmp_path)  # the default database is db/briefing.db beside ./feeds.yaml
    try:
        return CliRunner().invoke(main, list(args))
    finally:
        os.chdir(cwd)


def _files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "feeds.yaml"
    path.write_text("feeds:\n  - name: W\n    url: http://127.0.0.1:9/w.xml\n", encoding="utf-8")
    return path


def test_a_missing_config_creates_no_database(tmp_path: Path) -> None:
    result = _run(tmp_path, "--config", "missing.yaml", "status")
    assert result.exit_code == 1 and "missing.yaml" in result.output
    assert _files(tmp_path) == set()


@pytest.mark.parametrize(
    "command",
    [
        ["status"],
        ["status", "--json"],
        ["export", "--format", "json"],
        ["summarize"],
        ["feeds", "list"],
        ["actors"],
        ["fetch", "--explain", "W"],
        ["places"],
        ["places", "show", "Sirte"],
        ["briefs"],
        ["fulltext", "1"],
    ],
)
def test_a_read_command_on_a_mistyped_db_creates_nothing(
    tmp_path: Path, config: Path, command: list[str]
) -> None:
    before = _files(tmp_path)
    result = _run(tmp_path, "--db", "typo/x.db", *command)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "no database at typo/x.db" in result.output
    assert _files(tmp_path) == before


def test_a_refused_import_leaves_no_new_database(tmp_path: Path, config: Path) -> None:
    binary = tmp_path / "binary.bin"
    binary.write_bytes(bytes(range(256)) * 64)
    before = _files(tmp_path)
    result = _run(tmp_path, "--db", "new/fresh.db", "import", "binary.bin")
    assert result.exit_code == 1 and "binary.bin" in result.output
    assert _files(tmp_path) == before


def test_a_failed_command_keeps_a_database_that_existed(tmp_path: Path, config: Path) -> None:
    db = tmp_path / "kept.db"
    Store.open(db).close()
    result = _run(tmp_path, "--db", "kept.db", "import", "missing.txt")
    assert result.exit_code == 1
    assert db.exists()


def test_a_writing_command_still_creates_its_database(tmp_path: Path, config: Path) -> None:
    capture = tmp_path / "article.txt"
    capture.write_text(
        "Talks resume in Tripoli\nA standfirst about the talks.\nFirst paragraph of the text.\n",
        encoding="utf-8",
    )
    result = _run(tmp_path, "--db", "new/fresh.db", "import", "article.txt")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "new" / "fresh.db").exists()
    assert _run(tmp_path, "--db", "new/fresh.db", "status").exit_code == 0


@pytest.mark.parametrize("command", [["export", "--format", "md", "-o"], ["feeds", "export"]])
def test_an_output_file_is_never_the_database(
    tmp_path: Path, config: Path, command: list[str]
) -> None:
    db = tmp_path / "briefing.db"
    Store.open(db).close()
    before = db.read_bytes()
    result = _run(tmp_path, "--db", "briefing.db", *command, "briefing.db")
    assert result.exit_code == 1 and "is the database itself" in result.output
    assert db.read_bytes() == before
