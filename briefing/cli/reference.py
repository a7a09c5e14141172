"""README's command and option tables, generated from the live click commands.

README.md calls these from `cog` blocks; `uv run cog -r README.md` rewrites the tables and the
test suite runs `cog --check README.md`, so a new or changed option cannot go undocumented.
"""

from __future__ import annotations

import click

from briefing.cli import main


def command(path: str) -> click.Command:
    """The command at `path` ("" for `briefing` itself, "feeds import" for a subcommand)."""
    found: click.Command = main
    for name in path.split():
        assert isinstance(found, click.Group), f"{path}: {found.name} has no subcommands"
        ctx = click.Context(found)
        sub = found.get_command(ctx, name)
        assert sub is not None, f"{path}: no command {name!r}"
        found = sub
    return found


def _metavar(option: click.Option) -> str:
    if option.is_flag or option.count:
        return ""
    if option.metavar:
        return option.metavar
    kind = option.type
    if isinstance(kind, click.Choice):
        return "|".join(str(choice) for choice in kind.choices)
    if isinstance(kind, click.types.IntParamType):
        return "N"
    if isinstance(kind, click.Path):
        return "PATH" if kind.dir_okay else "FILE"
    longest = max(option.opts, key=len).lstrip("-")
    return longest.replace("-", "_").upper()


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def option_table(path: str = "") -> str:
    """`| option | meaning |` for every documented option of the command at `path`."""
    lines = ["| option | meaning |", "| --- | --- |"]
    for param in command(path).params:
        if not isinstance(param, click.Option) or param.hidden or param.name == "help":
            continue
        names = sorted(param.opts, key=lambda o: (not o.startswith("--"), o))
        metavar = _metavar(param)
        shown = [f"`{name} {metavar}`" if metavar else f"`{name}`" for name in names[:1]]
        shown += [f"`{name}`" for name in names[1:] + param.secondary_opts]
        lines.append(f"| {_cell(', '.join(shown))} | {_cell(param.help or '')} |")
    return "\n".join(lines) + "\n"


def command_table() -> str:
    """`| command | what it does |` for every command and subcommand."""
    lines = ["| command | what it does |", "| --- | --- |"]

    def walk(group: click.Group, prefix: str) -> None:
        ctx = click.Context(group)
        for name in group.list_commands(ctx):
            sub = group.get_command(ctx, name)
            if sub is None or sub.hidden:
                continue
            lines.append(f"| `{prefix} {name}` | {_cell(sub.get_short_help_str(limit=200))} |")
            if isinstance(sub, click.Group):
                walk(sub, f"{prefix} {name}")

    walk(main, "briefing")
    return "\n".join(lines) + "\n"
