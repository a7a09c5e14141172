"""`briefing actors`, `actors show`, `retag` and `classify` through click's CliRunner, with a
temporary database (--db) and configuration (--config)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing.cli import main
from briefing.core.models import Entry, FeedSpec, FetchOutcome, ItemFilter, Reason, Tagged, Verdict
from briefing.intelligence.tagging import Tagger
from briefing.store import Store

FEEDS = """\
feeds:
  - name: Libya Wire
    url: https://example.org/libya.xml
    relevance: all
  - name: World Wire
    url: https://example.org/world.xml
    relevance: strict
"""


@pytest.fixture
def env(tmp_path: Path) -> tuple[list[str], Path]:
    config = tmp_path / "feeds.yaml"
    config.write_text(FEEDS, encoding="utf-8")
    db = tmp_path / "briefing.db"
    return ["--config", str(config), "--db", str(db)], db


def store_items(db: Path, tagged: list[Tagged], feed: str = "Libya Wire") -> None:
    store = Store.open(db)
    try:
        tagger = Tagger.build()
        store.sync_actors(tagger.actor_infos())
        store.sync_feeds(
            [
                FeedSpec(name="Libya Wire", url="https://example.org/libya.xml", relevance="all"),
                FeedSpec(
                    name="World Wire", url="https://example.org/world.xml", relevance="strict"
                ),
            ]
        )
        store.store_feed(
            FetchOutcome(feed=feed, status="ok", seen=len(tagged), kept=len(tagged)), tagged
        )
    finally:
        store.close()


def entry(title: str, summary: str = "", feed: str = "Libya Wire", day: int = 1) -> Entry:
    return Entry(
        identity=title,
        feed=feed,
        title=title,
        summary=summary,
        published=datetime(2019, 4, day, tzinfo=UTC),
        language="en",
    )


def test_actors_lists_counts_and_show(env: tuple[list[str], Path]) -> None:
    args, db = env
    tagger = Tagger.build()
    titles = ["Haftar’s forces near Tripoli", "Haftar vows to press on"]
    store_items(
        db,
        [tagger.tag(entry(t, day=d)) for d, t in enumerate(titles, 1)]
        + [tagger.tag(entry("Dbeibah visits Misrata", day=3))],
    )
    runner = CliRunner()
    result = runner.invoke(main, [*args, "actors", "--json"])
    assert result.exit_code == 0, result.output
    rows = {r["id"]: r for r in map(json.loads, result.output.splitlines())}
    assert rows["khalifa-haftar"]["total"] == 2 and rows["abdul-hamid-dbeibah"]["total"] == 1
    table = runner.invoke(main, [*args, "actors", "--kind", "person"])
    assert (
        table.exit_code == 0 and "Khalifa Haftar" in table.output and "Tripoli" not in table.output
    )
    every = runner.invoke(main, [*args, "actors", "--all", "--json"])
    assert len(every.output.splitlines()) >= 100

    shown = runner.invoke(main, [*args, "actors", "show", "Hifter"], terminal_width=200)
    assert shown.exit_code == 0, shown.output
    assert "Khalifa Haftar" in shown.output and "khalifa-haftar" in shown.output
    assert "حفتر" in shown.output and "Libyan National Army" in shown.output  # aliases, affiliation
    assert "items: 2" in shown.output and "Haftar’s forces near Tripoli" in shown.output

    envoy = runner.invoke(main, [*args, "actors", "show", "ghassan-salame"], terminal_width=200)
    assert "UN envoy" in envoy.output and "2017-06-22" in envoy.output  # a date-bounded role
    missing = runner.invoke(main, [*args, "actors", "show", "Nobody Atall"])
    assert missing.exit_code == 1 and "unknown actor 'Nobody Atall'" in missing.output
    near = runner.invoke(main, [*args, "actors", "show", "Haftr"])
    assert near.exit_code == 1
    assert "unknown actor 'Haftr' — did you mean" in near.output
    kind = runner.invoke(main, [*args, "actors", "--kind", "persn"])
    assert kind.exit_code == 2 and "'persn' is not one of" in kind.output


def test_retag_applies_new_rules_in_one_go(env: tuple[list[str], Path], tmp_path: Path) -> None:
    args, db = env
    hand = Tagged(
        entry("Haftar meets Sisi", feed="World Wire"),
        Verdict(False, 0.0, (Reason("x", "title", 0.0),)),
        (),
    )
    store_items(db, [hand], feed="World Wire")
    result = CliRunner().invoke(main, [*args, "retag"])
    assert result.exit_code == 0, result.output
    assert "retagged 1 items" in result.output and "1 became relevant" in result.output
    store = Store.open(db, read_only=True)
    try:
        (row,) = store.items(ItemFilter(state="all"))
        assert {"Khalifa Haftar", "Egypt"} <= set(row.actors)
    finally:
        store.close()
    again = CliRunner().invoke(main, [*args, "retag"])
    assert "relevance changed for 0" in again.output


def test_retag_with_a_broken_gazetteer_changes_nothing(
    env: tuple[list[str], Path], tmp_path: Path
) -> None:
    args, db = env
    store_items(db, [Tagged(entry("Haftar meets Sisi"), Verdict(True, 1.0), ())])
    bad = tmp_path / "actors.yaml"
    bad.write_text("actors:\n  - id: x\n    name: X\n    kind: wizard\n", encoding="utf-8")
    config = Path(args[1])
    config.write_text(FEEDS + f"actors_file: {bad}\n", encoding="utf-8")
    result = CliRunner().invoke(main, [*args, "retag"])
    assert result.exit_code != 0
    assert "actors.yaml:2" in result.output and "wizard" in result.output
    store = Store.open(db, read_only=True)
    try:
        assert store.items(ItemFilter(state="all"))[0].actors == ()
    finally:
        store.close()


JSONL = [
    {
        "id": "a",
        "title": "Haftar’s forces shell Tripoli",
        "summary": "The LNA said…",
        "published": "2019-04-20",
        "lang": "en",
    },
    {
        "id": "b",
        "title": "Tripoli, Lebanon: protests",
        "summary": "",
        "published": "2021-06-01",
        "lang": "en",
    },
    {
        "id": "c",
        "title": "UN envoy meets Dbeibah",
        "summary": "",
        "published": "2023-02-01",
        "lang": "en",
        "mode": "strict",
    },
]


def test_classify_jsonl_as_json_lines(env: tuple[list[str], Path], tmp_path: Path) -> None:
    args, _ = env
    path = tmp_path / "items.jsonl"
    path.write_text(
        "\n".join(json.dumps(i, ensure_ascii=False) for i in JSONL) + "\n", encoding="utf-8"
    )
    result = CliRunner().invoke(main, [*args, "classify", str(path), "--json"])
    assert result.exit_code == 0, result.output
    out = {r["id"]: r for r in map(json.loads, result.output.splitlines())}
    assert out["a"]["relevant"] and not out["b"]["relevant"]
    assert {a["id"] for a in out["a"]["actors"]} >= {"khalifa-haftar", "lna"}
    # Tripoli is where it happens, not a party: reported apart as a place.
    assert [p["id"] for p in out["a"]["places"]] == ["tripoli"]
    assert "tripoli" not in {a["id"] for a in out["a"]["actors"]}
    assert out["c"]["mode"] == "strict" and "abdoulaye-bathily" in {
        a["id"] for a in out["c"]["actors"]
    }
    assert all({"term", "field", "weight", "note"} <= set(r) for r in out["a"]["reasons"])
    only = CliRunner().invoke(
        main, [*args, "classify", str(path), "--json", "--only", "irrelevant"]
    )
    assert [json.loads(x)["id"] for x in only.output.splitlines()] == ["b"]
    forced = CliRunner().invoke(main, [*args, "classify", str(path), "--json", "--mode", "all"])
    assert all(json.loads(x)["relevant"] for x in forced.output.splitlines())


def test_classify_table_and_feed_file(env: tuple[list[str], Path], tmp_path: Path) -> None:
    args, _ = env
    feed = tmp_path / "feed.xml"
    feed.write_text(
        "<?xml version='1.0'?><rss version='2.0'><channel><title>t</title>"
        "<item><title>Clashes near Mitiga airport [/] [bold]x</title><guid>1</guid></item>"
        "<item><title>Stocks rally on inflation data</title><guid>2</guid></item>"
        "</channel></rss>",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, [*args, "classify", str(feed)], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "2 of 2 items · 1 relevant" in result.output
    assert (
        "Mitiga airport" in result.output and "[/] [bold]x" in result.output
    )  # printed, not parsed
    assert "places" in result.output
    assert "dropped" in result.output


def test_classify_bad_jsonl_names_the_line(env: tuple[list[str], Path], tmp_path: Path) -> None:
    args, _ = env
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": 1, "title": "ok"}\n{not json\n', encoding="utf-8")
    result = CliRunner().invoke(main, [*args, "classify", str(path)])
    assert result.exit_code != 0 and "bad.jsonl:2" in result.output
