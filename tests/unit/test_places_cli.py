"""`briefing places`, `--event` / `--place` on export and summarize, `classify --json`'s story,
and places kept out of `briefing actors`: through click's CliRunner with a temporary database."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing.cli import main
from briefing.core.models import ActorMention, FetchOutcome, PlaceInfo
from briefing.intelligence.tagging import Tagger
from briefing.store import Store
from tests.conftest import FROZEN_NOW
from tests.unit.test_stories import evented

FEEDS = """\
feeds:
  - name: Libya Wire
    url: https://example.org/libya.xml
    relevance: all
"""
PLACES = (
    PlaceInfo("sirte", "Sirte", "Tripolitania", "Sirte", "town", 31.2, 16.59, ("Syrte", "سرت")),
    PlaceInfo("sabha", "Sabha", "Fezzan", "Sabha", "town", 27.04, 14.43, ("Sebha", "سبها")),
)


@pytest.fixture
def env(tmp_path: Path) -> list[str]:
    config = tmp_path / "feeds.yaml"
    config.write_text(FEEDS, encoding="utf-8")
    db = tmp_path / "briefing.db"
    store = Store.open(db)
    try:
        store.sync_actors(Tagger.build().actor_infos())
        store.sync_places(PLACES)
        clash = evented("Clashes west of Sirte", "armed_clash", "Sirte", feed="Libya Wire")
        clash = replace(clash, places=(ActorMention("tripoli", "Tripoli", 1, ("Tripoli",)),))
        store.store_feed(
            FetchOutcome("Libya Wire", "ok", 200),
            [
                clash,
                evented(
                    "اشتباكات غرب سرت",
                    "armed_clash",
                    "Sirte",
                    feed="Libya Wire",
                    language="ar",
                ),
                evented("Sit-in in Sabha", "protest", "Sabha", feed="Libya Wire"),
            ],
        )
    finally:
        store.close()
    return ["--config", str(config), "--db", str(db)]


def run(env: list[str], *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, [*env, *args])
    return result.exit_code, result.output


def test_places_lists_counts_per_place_with_region(env: list[str]) -> None:
    code, out = run(env, "places", "--json")
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(r["name"], r["region"], r["total"], r["primary"]) for r in rows] == [
        ("Sirte", "Tripolitania", 2, 2),
        ("Sabha", "Fezzan", 1, 1),
    ]
    assert rows[0]["lat"] == pytest.approx(31.2, abs=0.1)  # synced from the place gazetteer
    code, out = run(env, "places", "--region", "fezzan")
    assert code == 0 and "Sabha" in out and "Sirte" not in out


def test_places_show_and_an_unknown_place(env: list[str]) -> None:
    code, out = run(env, "places", "show", "سرت")
    assert code == 0, out
    assert "Sirte" in out and "items: 2" in out and "armed_clash" in out
    code, out = run(env, "places", "show", "Sirtex")
    assert code == 1
    (line,) = out.strip().splitlines()
    assert line.startswith("Error: unknown place 'Sirtex' — did you mean 'Sirt")
    assert line.endswith("(`briefing places --all` lists them)")


def test_export_and_summarize_filter_by_event_and_place(env: list[str]) -> None:
    code, out = run(env, "export", "--format", "json", "--event", "armed clash")
    assert code == 0
    titles = {i["title"] for i in json.loads(out)["items"]}
    assert titles == {"Clashes west of Sirte", "اشتباكات غرب سرت"}
    code, out = run(env, "export", "--format", "json", "--place", "Sebha")
    assert code == 0 and {i["title"] for i in json.loads(out)["items"]} == {"Sit-in in Sabha"}
    code, out = run(
        env, "summarize", "--json", "--place", "sirte", "--event", "armed_clash", "--since", "3650d"
    )
    assert code == 0
    (story,) = json.loads(out)["stories"]  # one clash, in English and Arabic: one story
    assert story["event_type"] == "armed_clash" and story["languages"] == ["ar", "en"]


def test_an_unknown_event_type_is_one_line_with_the_nearest(env: list[str]) -> None:
    code, out = run(env, "export", "--event", "armd_clash")
    assert code == 1
    (line,) = out.strip().splitlines()
    assert line.startswith("Error: unknown event type 'armd_clash' — did you mean 'armed_clash'?")


def test_places_are_not_actors(env: list[str]) -> None:
    code, out = run(env, "actors", "--json", "--all")
    assert code == 0
    listed = {json.loads(line)["id"] for line in out.splitlines()}
    assert "tripoli" not in listed and "sirte" not in listed
    assert "misrata" in listed  # a place that acts as a faction keeps its actor
    code, out = run(env, "actors", "show", "Tripoli")
    assert code == 1 and "is a place, not an actor" in out


def test_classify_json_prints_a_story_per_item(env: list[str], tmp_path: Path) -> None:
    items = tmp_path / "items.jsonl"
    lines = [
        {"id": "a", "title": "Clashes in Sirte", "link": "https://x.test/1", "lang": "en"},
        {"id": "b", "title": "Sirte: clashes", "link": "https://x.test/1", "language": "en"},
        {"id": "c", "title": "Talks in Tunis", "published": FROZEN_NOW.isoformat()},
    ]
    items.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    code, out = run(env, "classify", "--json", str(items))
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(r["id"], r["story"], r["story_reasons"]) for r in rows] == [
        ("a", "a", []),
        ("b", "a", ["same link"]),
        ("c", "c", []),
    ]


def test_places_without_a_configuration_is_one_line(tmp_path: Path) -> None:
    code, out = run(
        ["--config", str(tmp_path / "none.yaml"), "--db", str(tmp_path / "b.db")], "places"
    )
    assert code == 1
    (line,) = out.strip().splitlines()
    assert line.startswith("Error: no configuration file at")
