"""`R`: a background fetch against a loopback feed; new items appear without a restart."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from briefing.core.models import Config, FeedSpec, RelevanceRules
from briefing.store import Store
from briefing.tui.app import BriefingApp
from briefing.update.demo import demo_feeds, is_demo_store
from tests.conftest import FROZEN_NOW
from tests.tui.conftest import SIZE, AppFactory, find_names
from tests.tui.helpers import item_list, notices, screen_text, settle

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Loopback wire</title><link>http://127.0.0.1/</link>
<description>test</description>
<item><title>Loopback: Tripoli clashes resume near the airport</title>
<link>http://127.0.0.1/a</link><guid>loop-a</guid>
<pubDate>Fri, 20 Nov 2026 10:00:00 GMT</pubDate>
<description>Fighting in Tripoli, Libya, resumed on Friday.</description></item>
<item><title>Loopback: Benghazi port reopens</title>
<link>http://127.0.0.1/b</link><guid>loop-b</guid>
<pubDate>Fri, 20 Nov 2026 09:00:00 GMT</pubDate>
<description>The port of Benghazi in eastern Libya reopened.</description></item>
</channel></rss>"""


def loopback_config(httpserver: HTTPServer, tmp_path: Path) -> Config:
    httpserver.expect_request("/feed.xml").respond_with_data(
        RSS, content_type="application/rss+xml"
    )
    return Config(
        path=tmp_path / "feeds.yaml",
        feeds=(FeedSpec("Loopback", httpserver.url_for("/feed.xml"), relevance="all"),),
        rules=RelevanceRules(),
        seed=None,
    )


async def test_fetch_in_background_adds_new_items(
    make_app: AppFactory, httpserver: HTTPServer, tmp_path: Path
) -> None:
    httpserver.expect_request("/feed.xml").respond_with_data(
        RSS, content_type="application/rss+xml"
    )
    config = Config(
        path=tmp_path / "feeds.yaml",
        feeds=(FeedSpec("Loopback", httpserver.url_for("/feed.xml"), relevance="all"),),
        rules=RelevanceRules(),
        seed=None,
    )
    app = make_app(config=config)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = item_list(app).total
        await pilot.press("R")
        await settle(pilot)
        assert item_list(app).total == before + 2, notices(app)
        assert "Loopback: Tripoli clashes resume" in screen_text(app)
        assert "2 new items" in notices(app)
        # A second R finds nothing due (the feed's interval has not passed).
        await pilot.press("R")
        await settle(pilot)
        assert "up to date" in notices(app)
        assert item_list(app).total == before + 2


async def test_fetch_uses_the_apps_own_store(
    make_app: AppFactory, httpserver: HTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A second Store on the same file in this process is how issue 17's R broke the app's reads
    # under a cron fetch (a descriptor closed elsewhere drops this process's SQLite locks).
    app = make_app(config=loopback_config(httpserver, tmp_path))
    opened: list[object] = []
    real_open = Store.open

    def counting_open(path: object, **kwargs: object) -> Store:
        opened.append(path)
        return real_open(path, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Store, "open", staticmethod(counting_open))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = item_list(app).total
        await pilot.press("R")
        await settle(pilot)
        assert item_list(app).total == before + 2, notices(app)
    assert opened == []


async def test_fetch_refuses_a_demo_database(
    db_path: Path, httpserver: HTTPServer, tmp_path: Path
) -> None:
    store = Store.open(db_path)
    store.sync_feeds(demo_feeds())  # what `briefing demo` leaves: only the shipped feeds
    app = BriefingApp(
        store,
        loopback_config(httpserver, tmp_path),
        now=lambda: FROZEN_NOW,
        find_mentions=find_names,
    )
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("R")
            await settle(pilot)
            said = notices(app)
            assert "is a demo database: R does not fetch" in said
            assert f"briefing demo --db {db_path}" in said
        assert httpserver.log == []
        assert "Loopback" not in {f.name for f in store.feed_states()}
        assert is_demo_store(store)
    finally:
        store.close()


@pytest.mark.parametrize("page_size", [100, 3], ids=["in-first-page", "asked-of-the-store"])
async def test_fetch_keeps_the_cursor_on_its_item_not_its_row(
    make_app: AppFactory,
    httpserver: HTTPServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    page_size: int,
) -> None:
    # With pages of 3 rows the item is past the first page: the store's `position` finds it,
    # where with pages of 100 the first page does; both must land on the same item.
    monkeypatch.setattr("briefing.tui.widgets.item_list.PAGE_SIZE", page_size)
    app = make_app(config=loopback_config(httpserver, tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for _ in range(8):
            await pilot.press("down")
        await settle(pilot)
        items = item_list(app)
        before = items.current
        assert before is not None and items.cursor == 8
        await pilot.press("R")
        await settle(pilot)
        assert "2 new items" in notices(app)
        after = items.current
        assert after is not None
        # The new items sort above it: the row under the cursor moved down, the cursor with it.
        assert after.id == before.id, (before.title, after.title)
        assert items.cursor == 10
