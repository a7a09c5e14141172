"""`--search` on `export` and `summarize`: the search language, and a broken search as one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing.cli import export_cmd, main
from briefing.store import Store
from tests.conftest import FROZEN_NOW
from tests.export_fixture import populate


@pytest.fixture
def paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    config = tmp_path / "feeds.yaml"
    config.write_text("feeds: []\n", encoding="utf-8")
    db = tmp_path / "briefing.db"
    # Created the way a user's first command does (`status` and `export` only read).
    assert (
        CliRunner().invoke(main, ["--config", str(config), "--db", str(db), "retag"]).exit_code == 0
    )
    store = Store.open(db)
    store.clock = lambda: FROZEN_NOW
    populate(store)
    store.close()
    monkeypatch.setattr(export_cmd, "_now", lambda: FROZEN_NOW)
    return config, db


def titles(paths: tuple[Path, Path], search: str) -> set[str]:
    config, db = paths
    args = ["--config", str(config), "--db", str(db), "export", "--format", "json"]
    result = CliRunner().invoke(main, [*args, "--state", "all", "--search", search])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    return {item["title"] for item in data["items"]}


def test_export_search_uses_the_operators(paths: tuple[Path, Path]) -> None:
    assert titles(paths, "haftar") == {
        "LNA jets strike Mitiga airport",
        "UAE envoy meets Haftar in Benghazi",
    }
    assert titles(paths, "haftar -benghazi") == {"LNA jets strike Mitiga airport"}
    assert titles(paths, "benghazi OR ceasefire") == {
        "UAE envoy meets Haftar in Benghazi",
        "GNA calls for a ceasefire after the clashes",
    }
    assert "Weather notes from the coast" not in titles(paths, "-weather")


@pytest.mark.parametrize("command", ["export", "summarize"])
def test_a_broken_search_is_one_usage_line_before_anything_opens(
    tmp_path: Path, command: str
) -> None:
    config = tmp_path / "feeds.yaml"
    config.write_text("feeds: []\n", encoding="utf-8")
    db = tmp_path / "nothing" / "here.db"
    result = CliRunner().invoke(
        main, ["--config", str(config), "--db", str(db), command, "--search", 'haftar "lna']
    )
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.startswith("Error")]
    assert len(lines) == 1 and 'a quote (") is not closed' in lines[0]
    assert not db.parent.exists()  # refused before the database was opened
