"""Lint, format, types and the import contracts run as part of the test suite, so CI checks them."""

from __future__ import annotations

import shutil
import subprocess
import sys

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
