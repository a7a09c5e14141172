"""Every JSON output writes times one way: UTC, whole seconds, `Z` (jq's fromdateiso8601 reads it)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pytest_httpserver import HTTPServer

from briefing.cli import main
from briefing.core.times import JSON_TIME_FORMAT, json_time
from tests.unit.fetchkit import libya_items, rss

TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
LOOKS_LIKE_A_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T")


def strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from strings(inner, f"{path}.{key}")
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from strings(inner, f"{path}[{index}]")
    elif isinstance(value, str):
        yield path, value


def times(document: Any) -> dict[str, str]:
    """Every value that is a time, by its path; each must have the one format."""
    found = {path: v for path, v in strings(document) if LOOKS_LIKE_A_TIME.match(v)}
    for path, value in found.items():
        assert TIME.match(value), f"{path}: {value!r}"
        parsed = datetime.strptime(value, JSON_TIME_FORMAT)
        assert parsed.microsecond == 0, path
    return found


@pytest.fixture
def fetched(tmp_path: Path, httpserver: HTTPServer) -> tuple[list[str], dict[str, Any]]:
    httpserver.expect_request("/feed").respond_with_data(rss(libya_items("t", 3)))
    config = tmp_path / "feeds.yaml"
    config.write_text(
        f"feeds:\n  - name: Wire\n    url: {httpserver.url_for('/feed')}\n", encoding="utf-8"
    )
    args = ["--config", str(config), "--db", str(tmp_path / "b.db")]
    result = CliRunner().invoke(main, [*args, "fetch", "--json"])
    assert result.exit_code == 0, result.output
    return args, json.loads(result.stdout)


def run_json(args: list[str], *command: str) -> Any:
    result = CliRunner().invoke(main, [*args, *command])
    assert result.exit_code == 0, result.output
    text = result.stdout
    if command[0] in ("actors", "classify"):  # JSON lines
        return [json.loads(line) for line in text.splitlines()]
    return json.loads(text)


def test_every_json_output_writes_times_one_way(
    fetched: tuple[list[str], dict[str, Any]], tmp_path: Path
) -> None:
    args, report = fetched
    assert {".started_at", ".feeds[0].next_fetch_at"} <= set(times(report))
    feeds = run_json(args, "feeds", "list", "--json")
    assert {"[0].last_fetched_at", "[0].next_fetch_at"} <= set(times(feeds))
    status = run_json(args, "status", "--json")
    assert ".last_fetch" in times(status)
    brief = run_json(args, "summarize", "--json")
    assert {".generated_at", ".period.since", ".period.until"} <= set(times(brief))
    digest = run_json(args, "export", "--format", "json")
    assert {".generated_at", ".items[0].published"} <= set(times(digest))
    times(run_json(args, "actors", "--all", "--json"))
    sample = tmp_path / "items.jsonl"
    sample.write_text('{"id": "a", "title": "Tripoli talks", "published": "2026-12-01"}\n')
    times(run_json(args, "classify", str(sample), "--json"))


def test_json_time_is_utc_seconds_and_z() -> None:
    from datetime import timedelta, timezone

    plus_two = timezone(timedelta(hours=2))
    assert json_time(datetime(2026, 12, 2, 13, 0, 0, 999_999, tzinfo=plus_two)) == (
        "2026-12-02T11:00:00Z"
    )
    assert json_time(datetime(2026, 12, 2, 11, 0)) == "2026-12-02T11:00:00Z"  # naive: UTC
    assert json_time(None) is None
    assert datetime.strptime("2026-12-02T11:00:00Z", JSON_TIME_FORMAT).replace(
        tzinfo=UTC
    ) == datetime(2026, 12, 2, 11, tzinfo=UTC)
