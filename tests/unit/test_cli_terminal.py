"""`briefing` with no command and no terminal (cron, CI, a pipe) says so and exits 1."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing.cli import main
from tests.conftest import REPO

LINE = (
    "Error: the triage app needs a terminal and standard input is not one — "
    "run a command instead (`briefing --help` lists them)"
)


@pytest.mark.parametrize("args", [(), ("tui",), ("tui", "--read-only")])
def test_without_a_terminal_the_app_is_one_line_and_creates_nothing(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    config = tmp_path / "feeds.yaml"
    config.write_text("feeds: []\n", encoding="utf-8")
    db = tmp_path / "db" / "briefing.db"
    result = CliRunner().invoke(main, ["--config", str(config), "--db", str(db), *args])
    assert result.exit_code == 1
    assert result.output.strip() == LINE
    assert not db.parent.exists()


def test_a_piped_briefing_exits_instead_of_waiting_for_keys(tmp_path: Path) -> None:
    config = tmp_path / "feeds.yaml"
    config.write_text("feeds: []\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "briefing", "--config", str(config), "--db", str(tmp_path / "b.db")],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.strip() == LINE
