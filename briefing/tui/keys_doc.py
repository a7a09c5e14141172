"""README's key tables, generated from the bindings (run `uv run cog -r README.md`)."""

from __future__ import annotations

from collections.abc import Iterable

from textual.binding import Binding, BindingType

from briefing.tui.bindings import ACTORS_BINDINGS, HelpRow, declared, help_rows, main_bindings

KEY_NAMES = {"slash": "/", "question_mark": "?"}
"""Textual key names README shows as the character typed."""


def _keys(keys: Iterable[str]) -> str:
    return " ".join(f"`{KEY_NAMES.get(key, key)}`" for key in keys)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _rows(bindings: list[Binding]) -> list[HelpRow]:
    """The help rows with the nine quick tags as one row (`1`–`9`)."""
    every = help_rows(bindings, {})
    quick = [row for row in every if (row.binding_id or "").startswith("quick-tag-")]
    rows: list[HelpRow] = []
    for row in every:
        if row not in quick:
            rows.append(row)
        elif row == quick[0]:
            rows.append(
                HelpRow(
                    f"{quick[0].binding_id}` … `{quick[-1].binding_id}",
                    row.action,
                    (f"{quick[0].keys[0]}`–`{quick[-1].keys[0]}",),
                    row.description.rstrip("0123456789 "),
                    "Toggle the quick tags listed under tui: quick_tags in feeds.yaml",
                )
            )
    return rows


def key_table(bindings: list[Binding] | None = None) -> str:
    """The triage screen's (and the app's) keys: keys, action, what it does, config name."""
    lines = ["| keys | action | what it does | config name |", "| --- | --- | --- | --- |"]
    for row in _rows(bindings if bindings is not None else main_bindings()):
        lines.append(
            f"| {_keys(row.keys)} | {_cell(row.description)} | {_cell(row.tooltip)} "
            f"| `{row.binding_id}` |"
        )
    return "\n".join(lines) + "\n"


def actors_key_table() -> str:
    """The actors screen's keys."""
    lines = ["| keys | action | what it does |", "| --- | --- | --- |"]
    for row in _rows(declared(ACTORS_BINDINGS)):
        lines.append(f"| {_keys(row.keys)} | {_cell(row.description)} | {_cell(row.tooltip)} |")
    return "\n".join(lines) + "\n"


def screen_key_table(bindings: list[BindingType]) -> str:
    """Another screen's keys (the places and story brief screens)."""
    lines = ["| keys | action | what it does |", "| --- | --- | --- |"]
    for row in _rows(declared(bindings)):
        lines.append(f"| {_keys(row.keys)} | {_cell(row.description)} | {_cell(row.tooltip)} |")
    return "\n".join(lines) + "\n"
