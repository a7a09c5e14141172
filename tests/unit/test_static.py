"""Lint, format, types and the import contracts run as part of the test suite, so CI checks them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=REPO, capture_output=True, text=True, timeout=600)


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(REPO / ".venv" / "bin")) or shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: run `uv sync`")
    return found


def test_ruff_check() -> None:
    result = _run(_tool("ruff"), "check", "briefing", "tests", "bench")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format() -> None:
    result = _run(_tool("ruff"), "format", "--check", "briefing", "tests", "bench")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict() -> None:
    result = _run(sys.executable, "-m", "mypy")
    assert result.returncode == 0, result.stdout + result.stderr


def test_import_contracts() -> None:
    result = _run(_tool("lint-imports"))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "module",
    [
        "briefing.cli",
        "briefing.store",
        "briefing.update.pipeline",
        "briefing.reports.summarize",
        "briefing.reports.export",
        "briefing.intelligence.tagging",
    ],
)
def test_core_does_not_load_textual(module: str) -> None:
    """`briefing fetch` under cron never pays for Textual (the TUI is imported lazily)."""
    code = f"import sys, {module}; print('textual' in sys.modules)"
    result = _run(sys.executable, "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_the_contracts_cover_the_whole_package(tmp_path: Path) -> None:
    """`import sqlite3` or `import httpx` added to any module (here the demo) breaks the
    contracts: they forbid the imports everywhere but the store and the fetcher, instead of
    listing some modules (issue 14.6)."""
    copy = tmp_path / "tree"
    shutil.copytree(
        REPO / "briefing", copy / "briefing", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(REPO / "pyproject.toml", copy / "pyproject.toml")
    demo = copy / "briefing" / "update" / "demo.py"
    text = demo.read_text(encoding="utf-8")
    head = "from __future__ import annotations\n"
    demo.write_text(
        text.replace(head, head + "\nimport sqlite3\nimport httpx\n", 1), encoding="utf-8"
    )
    result = subprocess.run(
        [_tool("lint-imports")], cwd=copy, capture_output=True, text=True, timeout=600
    )
    assert result.returncode != 0
    assert "Only the store speaks SQLite (whole package) BROKEN" in result.stdout
    assert "Only fetch speaks HTTP (whole package) BROKEN" in result.stdout
    assert "briefing.update.demo -> sqlite3" in result.stdout
