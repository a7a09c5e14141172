"""Relative date windows resolved at query time, and saved-view names unique whatever their case."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from sqlite_utils import Database

from briefing.core.errors import StoreError
from briefing.core.models import FetchOutcome, ItemFilter
from briefing.store import Store
from briefing.store.codec import duration_text, filter_from_json, filter_to_json, parse_duration
from briefing.store.migrations import migrations
from tests.conftest import FROZEN_NOW, tagged


def _fill(store: Store) -> None:
    items = [
        tagged(
            f"Libya story number {n}",
            identity=f"s{n}",
            published=FROZEN_NOW - timedelta(hours=10 * n),
        )
        for n in range(10)
    ]
    store.store_feed(FetchOutcome(feed="Libya Observer", status="ok"), items)


def test_a_relative_window_is_resolved_when_the_query_runs(store: Store) -> None:
    _fill(store)
    last_day = ItemFilter(within=timedelta(days=1))
    assert store.count(last_day) == 3  # 0, 10 and 20 hours old
    store.clock = lambda: FROZEN_NOW + timedelta(hours=12)
    assert store.count(last_day) == 2  # a day later in the same session: no drift
    # A saved view keeps the window, not the time it was saved.
    store.save_view("Last day", last_day)
    store.clock = lambda: FROZEN_NOW + timedelta(hours=24)
    view = store.view("last day")
    assert view is not None and view.filter == last_day
    assert store.count(view.filter) == 1


def test_window_and_since_combine_the_later_bound_wins() -> None:
    since = FROZEN_NOW - timedelta(days=2)
    f = ItemFilter(since=since, within=timedelta(days=7))
    assert f.resolved(FROZEN_NOW) == ItemFilter(since=since)
    assert f.resolved(FROZEN_NOW + timedelta(days=6)).since == FROZEN_NOW - timedelta(days=1)


@pytest.mark.parametrize("value", [timedelta(days=7), timedelta(hours=36), timedelta(minutes=90)])
def test_windows_round_trip_through_json(value: timedelta) -> None:
    assert parse_duration(duration_text(value)) == value
    f = ItemFilter(within=value, tags=("oil",))
    assert filter_from_json(filter_to_json(f)) == f
    assert parse_duration("soon") is None


def test_view_names_ignore_case(store: Store) -> None:
    store.save_view("Escalation", ItemFilter(tags=("escalation",)))
    store.save_view("Escalation", ItemFilter(tags=("escalation", "oil")))  # same name: replaced
    with pytest.raises(StoreError) as caught:
        store.save_view("escalation", ItemFilter(tags=("other",)))
    message = str(caught.value)
    assert "'Escalation' already exists" in message and "\n" not in message and " — " in message
    assert [v.name for v in store.views()] == ["Escalation"]
    view = store.view("ESCALATION")
    assert view is not None and view.filter.tags == ("escalation", "oil")
    store.save_view("Élan", ItemFilter())
    with pytest.raises(StoreError):
        store.save_view("élan", ItemFilter())  # beyond ASCII too
    store.delete_view("escalation")
    assert [v.name for v in store.views()] == ["Élan"]


def _old_views(path: Path, views: list[tuple[str, dict[str, object], str]]) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    db = Database(conn)
    migrations.apply(db, stop_before="m008_relative_date_windows")
    for name, data, saved in views:
        full: dict[str, object] = {"text": "", "tags": [], "since": None, "until": None}
        full.update(data)
        conn.execute(
            "INSERT INTO views (name, filter, created_at, updated_at) VALUES (?, ?, ?, ?)",
            [name, json.dumps(full), saved, saved],
        )
    conn.close()


def test_migration_turns_chip_dates_into_windows_and_renames_clashes(tmp_path: Path) -> None:
    saved = "2026-11-01T09:00:00+00:00"
    path = tmp_path / "old.db"
    _old_views(
        path,
        [
            # The demo's "Last 7 days", frozen at build time: a window again.
            ("Last 7 days", {"since": "2026-10-25T09:00:00+00:00"}, saved),
            ("Today-ish", {"since": "2026-10-31T08:40:00+00:00"}, saved),  # the 24 h chip
            ("Since the talks", {"since": "2026-10-20T00:00:00+00:00"}, saved),  # a real date
            ("Bounded", {"since": "2026-10-25T09:00:00+00:00", "until": saved}, saved),
            ("escalation", {"tags": ["b"]}, "2026-11-02T00:00:00+00:00"),
            ("Escalation", {"tags": ["a"]}, "2026-11-01T00:00:00+00:00"),
            ("ESCALATION", {"tags": ["c"]}, "2026-11-02T00:00:00+00:00"),
            ("Escalation (2)", {"tags": ["d"]}, "2026-11-03T00:00:00+00:00"),
        ],
    )
    store = Store.open(path)
    try:
        views = {v.name: v.filter for v in store.views()}
    finally:
        store.close()
    assert views["Last 7 days"] == ItemFilter(within=timedelta(days=7))
    assert views["Today-ish"] == ItemFilter(within=timedelta(days=1))
    assert views["Since the talks"].since is not None and views["Since the talks"].within is None
    assert views["Bounded"].within is None
    # The first saved keeps the name; the rest follow in order, around an existing "(2)".
    assert {name: f.tags for name, f in views.items() if "scalation" in name.casefold()} == {
        "Escalation": ("a",),
        "ESCALATION (3)": ("c",),
        "Escalation (2)": ("d",),
        "escalation (4)": ("b",),
    }
