"""The offline demo: the shipped sample feeds, build_demo and `briefing demo`."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing.acquisition.parse import ParsedFeed, parse_feed
from briefing.core.models import FeedSpec, ItemFilter
from briefing.store import Store

DEMO = Path(__file__).resolve().parents[2] / "briefing" / "data" / "demo"
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def shipped() -> list[tuple[dict[str, object], ParsedFeed]]:
    manifest = json.loads((DEMO / "manifest.json").read_text(encoding="utf-8"))
    out = []
    for feed in manifest["feeds"]:
        spec = FeedSpec(name=feed["name"], url=str(DEMO / feed["file"]))
        body = (DEMO / feed["file"]).read_bytes()
        out.append((feed, parse_feed(body, {}, spec, now=datetime(2026, 2, 1, tzinfo=UTC))))
    return out


# ---------------------------------------------------------------------------------------------
# The shipped files (no tagger needed)
# ---------------------------------------------------------------------------------------------


def test_shipped_feeds_are_varied_enough() -> None:
    feeds = shipped()
    assert len(feeds) >= 8
    assert {meta["format"] for meta, _ in feeds} == {"rss", "atom"}
    assert {meta["language"] for meta, _ in feeds} >= {"en", "ar", "fr"}
    entries = [e for _, parsed in feeds for e in parsed.entries]
    assert len(entries) >= 400
    dates = [e.published for e in entries if e.published is not None]
    assert len(dates) == len(entries)
    assert max(dates) - min(dates) >= timedelta(days=55)


def test_shipped_feeds_carry_duplicates_and_hostile_items() -> None:
    entries = [e for _, parsed in shipped() for e in parsed.entries]
    by_link = Counter(e.canonical_url for e in entries if e.canonical_url)
    assert sum(1 for n in by_link.values() if n >= 2) >= 10
    titles = [e.title for e in entries]
    assert any("[/]" in t for t in titles)
    assert any("[@click=app.quit]" in t for t in titles)
    assert any(len(e.summary) >= 10_000 for e in entries)
    assert any(e.url is None for e in entries)  # the javascript: link was dropped
    for entry in entries:
        assert not UNSAFE.search(entry.title + entry.summary), entry.title
        assert "<script" not in entry.summary and "alert(" not in entry.title


# ---------------------------------------------------------------------------------------------
# build_demo (needs the tagger)
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, object]]:
    pytest.importorskip("briefing.intelligence.tagging")
    from briefing.update.demo import build_demo

    store = Store.open(tmp_path_factory.mktemp("demo") / "demo.db")
    report = build_demo(store, None, now=NOW)
    yield store, report
    store.close()


def test_build_demo_ingests_every_feed(demo_store: tuple[Store, object]) -> None:
    from briefing.update.demo import DemoReport

    store, report = demo_store
    assert isinstance(report, DemoReport)
    assert len(report.feeds) >= 8 and not report.failed
    assert report.seen >= 400
    assert report.dropped > 0, "non-Libya items must be dropped"
    assert report.items == store.count(ItemFilter(state="all")) >= 200


def test_demo_dates_end_now(demo_store: tuple[Store, object]) -> None:
    store, _ = demo_store
    newest = store.items(ItemFilter(state="all"), sort="newest", limit=1)[0]
    assert newest.published == NOW
    assert store.count(ItemFilter(since=NOW - timedelta(hours=24))) > 0
    assert store.count(ItemFilter(since=NOW - timedelta(days=7))) > 10


def test_demo_records_provenance_and_triage(demo_store: tuple[Store, object]) -> None:
    store, _ = demo_store
    rows = store.items(ItemFilter(state="all"), limit=5000)
    assert any(row.also_in for row in rows)
    assert {f.value for f in store.tags()} >= {"escalation", "oil"}
    assert store.count(ItemFilter(state="flagged")) > 0
    assert any(row.has_note for row in rows)
    assert store.count(ItemFilter(state="read")) > 0
    assert {v.name for v in store.views()} >= {"Escalation", "Flagged"}


def test_demo_hostile_items_are_stored_as_plain_text(demo_store: tuple[Store, object]) -> None:
    store, _ = demo_store
    rows = store.items(ItemFilter(state="all"), limit=5000)
    assert any(row.title.startswith("[bold red]Haftar[/]") for row in rows)
    for row in rows:
        assert not UNSAFE.search(row.title), row.title
        assert row.url is None or row.url.startswith("https://")
        detail = store.item(row.id)
        assert detail is not None and not UNSAFE.search(detail.summary)


# ---------------------------------------------------------------------------------------------
# `briefing demo`
# ---------------------------------------------------------------------------------------------


def run_demo(tmp_path: Path, *args: str) -> tuple[int, str]:
    pytest.importorskip("briefing.intelligence.tagging")
    from briefing.cli._common import Context
    from briefing.cli.demo_cmd import demo

    context = Context(config_path=str(tmp_path / "feeds.yaml"), db_path=None)
    result = CliRunner().invoke(demo, list(args), obj=context)
    context.close()
    return result.exit_code, result.output


def test_demo_command_writes_db_beside_feeds_yaml(tmp_path: Path) -> None:
    code, output = run_demo(tmp_path)
    assert code == 0, output
    assert (tmp_path / "db" / "demo.db").exists()
    assert "Next: briefing --db" in output and "demo.db" in output
    # A demo database is rebuilt without --force.
    code, output = run_demo(tmp_path)
    assert code == 0, output


def test_demo_command_refuses_a_non_demo_database(tmp_path: Path) -> None:
    target = tmp_path / "mine.db"
    store = Store.open(target)
    store.sync_feeds([FeedSpec(name="Real feed", url="https://real.example/rss")])
    store.close()
    code, output = run_demo(tmp_path, "--db", str(target))
    assert code != 0
    assert "not a demo database" in output and "--force" in output
    code, output = run_demo(tmp_path, "--db", str(target), "--force")
    assert code == 0, output
    reopened = Store.open(target, read_only=True)
    assert all(state.name != "Real feed" for state in reopened.feed_states())
    reopened.close()


def test_the_global_db_option_names_the_demo_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefing.cli import main

    monkeypatch.chdir(tmp_path)
    mine = tmp_path / "mine.db"
    result = CliRunner().invoke(main, ["--db", str(mine), "demo"])
    assert result.exit_code == 0, result.output
    assert mine.exists() and not (tmp_path / "db" / "demo.db").exists()
    # BRIEFING_DB names the analyst's own database: the demo keeps its default path.
    own = tmp_path / "own.db"
    result = CliRunner(env={"BRIEFING_DB": str(own)}).invoke(main, ["demo"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "db" / "demo.db").exists() and not own.exists()
