"""`briefing` with no command opens the TUI; every startup problem is one clear line, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing.store import Store


@pytest.fixture
def run_cli(monkeypatch: pytest.MonkeyPatch) -> object:
    from briefing.cli import main, tui_cmd

    # These tests open the app as from a terminal (tests/unit/test_cli_terminal.py: without).
    monkeypatch.setattr(tui_cmd, "terminal_missing", lambda: None)

    runner = CliRunner()

    def run(*args: str) -> tuple[int, str]:
        result = runner.invoke(main, list(args))
        return result.exit_code, result.output

    return run


def _one_line_error(code: int, output: str) -> str:
    assert code != 0
    assert "Traceback" not in output
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    return lines[0]


def test_a_config_error_is_one_line(run_cli: object, tmp_path: Path) -> None:
    bad = tmp_path / "feeds.yaml"
    bad.write_text("feeds: [\n", encoding="utf-8")
    code, output = run_cli("--config", str(bad), "--db", str(tmp_path / "x.db"))  # type: ignore[operator]
    line = _one_line_error(code, output)
    assert "feeds.yaml" in line


def test_a_newer_database_is_refused_in_one_line(run_cli: object, tmp_path: Path) -> None:
    import sqlite3

    config = tmp_path / "feeds.yaml"
    config.write_text("feeds: []\n", encoding="utf-8")
    db = tmp_path / "new.db"
    Store.open(db).close()
    conn = sqlite3.connect(db)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('briefing', 'm999_from_the_future', '2030-01-01')"
    )
    conn.commit()
    conn.close()
    code, output = run_cli("--config", str(config), "--db", str(db), "tui")  # type: ignore[operator]
    line = _one_line_error(code, output)
    assert "newer version" in line


def test_tui_read_only_on_a_missing_database_is_one_line(run_cli: object, tmp_path: Path) -> None:
    config = tmp_path / "feeds.yaml"
    config.write_text("feeds: []\n", encoding="utf-8")
    code, output = run_cli(  # type: ignore[operator]
        "--config", str(config), "--db", str(tmp_path / "missing.db"), "tui", "--read-only"
    )
    assert "no database" in _one_line_error(code, output)


def test_no_command_opens_the_app(
    run_cli: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefing.tui.app import BriefingApp

    opened: list[Path | None] = []

    def fake_run(self: BriefingApp) -> None:
        opened.append(self.store.path)

    monkeypatch.setattr(BriefingApp, "run", fake_run)
    config = tmp_path / "feeds.yaml"
    config.write_text("feeds: []\n", encoding="utf-8")
    code, output = run_cli("--config", str(config), "--db", str(tmp_path / "fresh.db"))  # type: ignore[operator]
    assert code == 0, output
    assert opened == [tmp_path / "fresh.db"]
    assert (tmp_path / "fresh.db").exists()  # a missing database is created


def test_opening_the_app_indexes_what_a_killed_fetch_left(
    run_cli: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefing.core.models import FetchOutcome, ItemFilter
    from briefing.tui.app import BriefingApp
    from tests.conftest import tagged

    config = tmp_path / "feeds.yaml"
    config.write_text("feeds: []\n", encoding="utf-8")
    db = tmp_path / "briefing.db"
    args = ("--config", str(config), "--db", str(db))
    Store.open(db).close()  # `status` only reads: it creates no database
    code, output = run_cli(*args, "status")  # type: ignore[operator]
    assert code == 0, output
    bulk = Store.open(db)  # a fetch's worker: its run was killed before indexing
    bulk.defer_search_index()
    item = tagged("Ceasefire talks in Geneva", feed="Feed A", identity="a1")
    bulk.store_feed(FetchOutcome(feed="Feed A", status="ok"), [item])
    bulk.close()
    code, output = run_cli(*args, "status")  # type: ignore[operator]
    assert code == 0 and "(1 not searchable yet" in output, output
    searched: list[int] = []

    def fake_run(self: BriefingApp) -> None:
        searched.append(self.store.count(ItemFilter(text="geneva", state="all")))

    monkeypatch.setattr(BriefingApp, "run", fake_run)
    code, output = run_cli(*args)  # type: ignore[operator]
    assert code == 0, output
    assert searched == [1]
