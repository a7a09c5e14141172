"""A fetch types events, syncs the place gazetteer and builds stories across feeds, in process
and in worker processes alike."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from briefing.store import Store
from briefing.update.pipeline import update
from tests.unit.fetchkit import make_config
from tests.unit.test_pipeline import LIMITS, NOW, versioned_feeds


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(tmp_path / "briefing.db")  # a file: worker processes write to it
    yield store
    store.close()


@pytest.mark.parametrize("workers", [0, 2])
def test_a_fetch_builds_one_story_from_three_feeds(
    tmp_path: Path,
    db: Store,
    httpserver: HTTPServer,
    workers: int,
) -> None:
    feeds, _ = versioned_feeds(httpserver, 3)
    # The real tagger (built in this process, or by each worker): events, places, actors.
    report = update(make_config(tmp_path, feeds), db, workers=workers, limits=LIMITS, now=NOW)
    assert report.ok
    rows = db.items()
    assert len(rows) == 3 and {r.event_type for r in rows} == {"armed_clash"}
    assert len({r.story_id for r in rows}) == 1
    story = db.story(rows[0].story_id or 0)
    assert story is not None and story.place == "Tripoli" and len(story.sources) == 3
    tripoli = db.place("Tripoli")
    assert tripoli is not None and tripoli.lat is not None  # the gazetteer was synced
