"""`cli._output.print_rows`, the count table `briefing actors` and `briefing places` share."""

from __future__ import annotations

import json

import pytest

from briefing.cli._output import Column, print_rows

COLUMNS = (
    Column("name", "name"),
    Column("region", "region", blank="—"),
    Column("total", "total", right=True),
)
ROWS = [
    {"name": "[bold red]x[/]", "region": "", "total": 3},
    {"name": "Sirte", "region": "Tripolitania", "total": 12},
]


def test_a_hostile_name_is_printed_as_text(capsys: pytest.CaptureFixture[str]) -> None:
    print_rows(ROWS, COLUMNS, title="places", as_json=False, empty="none")
    out = capsys.readouterr().out
    assert "2 places" in out
    assert "[bold red]x[/]" in out  # literal, not read as markup
    assert "\x1b[" not in out
    assert "—" in out  # an empty region reads as a dash in the table


def test_json_lines_keep_every_key_and_the_empty_value(capsys: pytest.CaptureFixture[str]) -> None:
    print_rows(ROWS, COLUMNS, title="places", as_json=True, empty="none")
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines == ROWS


@pytest.mark.parametrize("as_json, expected", [(False, "none\n"), (True, "")])
def test_no_rows(capsys: pytest.CaptureFixture[str], as_json: bool, expected: str) -> None:
    print_rows([], COLUMNS, title="places", as_json=as_json, empty="none")
    assert capsys.readouterr().out == expected
