"""`briefing fetch`, `fulltext` and `import` refuse a demo database in one line, writing nothing
into it (not even the seed record that opening the database would otherwise add)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing.cli import main

CONFIG = """\
feeds:
  - name: Wire
    url: http://127.0.0.1:9/wire.xml
seed:
  title: "A seed article that must not be added to the demo"
  outlet: Somewhere
  authors: [Someone]
  published: 2019-04-10
  url: https://seed.example/article
"""


@pytest.fixture(scope="module")
def built_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo database made as a user makes it: `briefing --db X demo`."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    result = CliRunner().invoke(main, ["--db", str(path), "demo"])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def demo(built_demo: Path, tmp_path: Path) -> Path:
    path = tmp_path / "demo.db"
    shutil.copyfile(built_demo, path)
    return path


def contents(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, in a fixed order."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%_fts%' ORDER BY name"
            )
        ]
        return {
            t: sorted(map(tuple, conn.execute(f"SELECT * FROM [{t}]")), key=repr) for t in tables
        }
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("args", "refused"),
    [
        (["fetch"], "feeds.yaml's feeds are not fetched into it"),
        (["fulltext", "1", "2"], "articles are not fetched into it"),
        (["import", "{capture}"], "articles are not imported into it"),
        (["import", "--json", "http://127.0.0.1:9/article"], "articles are not imported into it"),
    ],
    ids=["fetch", "fulltext", "import", "import-url"],
)
def test_a_demo_database_is_refused_and_left_as_it_was(
    demo: Path, tmp_path: Path, args: list[str], refused: str
) -> None:
    config = tmp_path / "feeds.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    capture = tmp_path / "capture.txt"
    capture.write_text("A real headline\nIts standfirst\nOne paragraph.\n", encoding="utf-8")
    before = contents(demo)
    assert before["items"], "the demo holds items"
    files = sorted(p.name for p in tmp_path.iterdir())
    args = [a.replace("{capture}", str(capture)) for a in args]
    result = CliRunner().invoke(main, ["--config", str(config), "--db", str(demo), *args])
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1, result.stderr
    assert f"{demo}: is a demo database, so {refused} — " in result.stderr
    assert f"`briefing demo --db {demo}` rebuilds it" in result.stderr
    assert contents(demo) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == files


def test_an_own_database_still_imports(tmp_path: Path) -> None:
    """The refusal is for demo databases only."""
    config = tmp_path / "feeds.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    capture = tmp_path / "capture.txt"
    capture.write_text("A real headline\nIts standfirst\nOne paragraph.\n", encoding="utf-8")
    db = tmp_path / "own.db"
    result = CliRunner().invoke(
        main, ["--config", str(config), "--db", str(db), "import", str(capture)]
    )
    assert result.exit_code == 0, result.output
    assert "Imported an article as item" in result.stdout
