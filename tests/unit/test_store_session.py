"""Filters for tagged and untagged items, and what the store remembers between sessions."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from click.testing import CliRunner

from briefing.cli import main
from briefing.core.models import FeedSpec, FetchOutcome, ItemFilter
from briefing.store import Store
from tests.conftest import FROZEN_NOW, tagged


def _three(store: Store) -> list[int]:
    store.sync_feeds([FeedSpec("Wire", "https://wire.example/rss")])
    store.store_feed(
        FetchOutcome("Wire", "ok", 200, seen=3, kept=3),
        [tagged(f"Story number {n} from the wire", feed="Wire") for n in range(3)],
    )
    ids = sorted(row.id for row in store.items())
    store.add_tags([ids[0]], ["oil"])
    store.add_tags([ids[1]], ["escalation", "oil"])
    return ids


def test_any_tag_and_untagged(store: Store) -> None:
    ids = _three(store)
    assert sorted(r.id for r in store.items(ItemFilter(tagged="any"))) == ids[:2]
    assert [r.id for r in store.items(ItemFilter(tagged="none"))] == [ids[2]]
    assert store.count(ItemFilter(tagged="any", tags=("escalation",))) == 1
    store.remove_tags([ids[0]], ["oil"])
    assert store.count(ItemFilter(tagged="none")) == 2


def test_tagged_and_untagged_on_the_command_line(tmp_path: Path) -> None:
    config = tmp_path / "feeds.yaml"
    config.write_text("feeds: []\n", encoding="utf-8")
    db = tmp_path / "b.db"
    store = Store.open(db)
    _three(store)
    store.close()
    base = ["--config", str(config), "--db", str(db), "export", "--format", "csv"]
    tagged_rows = CliRunner().invoke(main, [*base, "--tagged"]).stdout.splitlines()[1:]
    untagged_rows = CliRunner().invoke(main, [*base, "--untagged"]).stdout.splitlines()[1:]
    assert len(tagged_rows) == 2 and len(untagged_rows) == 1
    assert "Story number 2" in untagged_rows[0]
    md = CliRunner().invoke(main, [*base[:-2], "--untagged"]).stdout
    assert "untagged" in md.split("**Filter:**", 1)[1].splitlines()[0]


def test_last_look_is_kept_and_never_moves_back(tmp_path: Path) -> None:
    path = tmp_path / "b.db"
    store = Store.open(path)
    assert store.last_look() is None
    store.record_look(FROZEN_NOW)
    store.record_look(FROZEN_NOW - timedelta(hours=3))  # another app, closed later
    store.close()
    reopened = Store.open(path)
    assert reopened.last_look() == FROZEN_NOW
    reopened.close()


def test_export_choices_round_trip_and_survive_damage(store: Store) -> None:
    assert store.export_choices() == {}
    store.save_export_choices({"folder": "/tmp/d", "title": "[bold]Weekly[/]", "format": "html"})
    assert store.export_choices()["title"] == "[bold]Weekly[/]"
    store.save_export_choices({"title": "x" * 10_000})  # too large: the last choices stay
    assert store.export_choices()["format"] == "html"
    with store._write() as db:
        db.execute("UPDATE meta SET value = '{not json' WHERE key = 'export_choices'")
    assert store.export_choices() == {}
