"""The README and the CLI stay in step: every command is documented, the quick start is two commands."""

from __future__ import annotations

import re

import click
from click.testing import CliRunner

from briefing.cli import main
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: str = "briefing") -> list[tuple[str, click.Command]]:
    found: list[tuple[str, click.Command]] = []
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, name
        path = f"{prefix} {name}"
        found.append((path, command))
        if isinstance(command, click.Group):
            found.extend(_commands(command, path))
    return found


def test_every_command_is_in_the_readme_with_its_options() -> None:
    missing = []
    for path, command in _commands(main):
        if f"`{path}" not in README and f"\n{path}" not in README and f" {path} " not in README:
            missing.append(path)
        for param in command.params:
            if isinstance(param, click.Option):
                for opt in param.opts:
                    if opt.startswith("--") and opt not in README:
                        missing.append(f"{path} {opt}")
    assert not missing, f"not documented in README.md: {missing}"


def test_every_module_command_is_registered() -> None:
    """A command added to a module's COMMANDS but not to the lazy table would be unreachable."""
    import importlib

    from briefing.cli import _COMMANDS

    for module_name in set(_COMMANDS.values()):
        module = importlib.import_module(f"briefing.cli.{module_name}")
        for command in module.COMMANDS:
            assert _COMMANDS.get(command.name or "") == module_name, command.name


def test_every_command_has_help() -> None:
    runner = CliRunner()
    for path, _command in _commands(main):
        args = path.split()[1:] + ["--help"]
        result = runner.invoke(main, args)
        assert result.exit_code == 0, (path, result.output)
        assert "Usage:" in result.output


def test_quick_start_is_two_commands() -> None:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```(?:sh|bash|console)?\n(.*?)```", section, re.S)
    commands = [line for block in blocks for line in block.splitlines() if line.strip()]
    assert commands == ["uv run briefing", "uv run pytest"]


def test_ci_runs_the_readmes_test_command() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "uv run pytest" in ci
