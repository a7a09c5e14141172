"""README's key table and option tables are generated (cog) and checked against the live code.

The key table comes from the bindings, the option tables from the click commands as they are
now: a key rebound or an option added without `uv run cog -r README.md` fails here.
"""

from __future__ import annotations

import io
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import click
import pytest
from cogapp import Cog
from textual.binding import Binding

from briefing.cli.reference import command, option_table
from briefing.tui import bindings
from briefing.tui.keys_doc import key_table

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"


def cog_check() -> int:
    """`cog --check README.md` in this process (so monkeypatched code is what it sees)."""
    with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
        return int(Cog().main(["cog", "--check", str(README)]))


def test_readme_generated_text_is_current() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cogapp", "--check", str(README)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, (
        f"README.md is out of date: run `uv run cog -r README.md`\n{done.stdout}{done.stderr}"
    )


def test_a_rebound_key_makes_the_check_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    assert cog_check() == 0
    rebound = [
        Binding("s", b.action, b.description, id=b.id, tooltip=b.tooltip)
        if isinstance(b, Binding) and b.id == "flag"
        else b
        for b in bindings.TRIAGE_BINDINGS
    ]
    monkeypatch.setattr(bindings, "TRIAGE_BINDINGS", rebound)
    assert "| `s` | Flag |" in key_table()
    assert cog_check() != 0


def test_a_new_option_makes_the_check_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    fetch = command("fetch")
    extra = click.Option(["--pretend"], is_flag=True, help="Do nothing, loudly.")
    monkeypatch.setattr(fetch, "params", [*fetch.params, extra])
    assert "| `--pretend` | Do nothing, loudly. |" in option_table("fetch")
    assert cog_check() != 0


def test_every_binding_is_in_the_key_table() -> None:
    table = key_table()
    for binding in bindings.main_bindings():
        assert binding.id is not None
        if binding.id.startswith("quick-tag-"):
            assert "`quick-tag-1` … `quick-tag-9`" in table
        else:
            assert f"| `{binding.id}` |" in table, binding.id
