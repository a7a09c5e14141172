"""Triage writes land at once, even while another process-like writer stores feeds."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

from briefing.core.models import FetchOutcome
from briefing.store import Store
from tests.conftest import FROZEN_NOW, tagged
from tests.tui.conftest import SIZE, AppFactory
from tests.tui.helpers import item_list, settle, triage


def _writer(path: Path, stop: threading.Event, errors: list[BaseException]) -> None:
    """A second connection storing small batches, like `briefing fetch` under cron."""
    store = Store.open(path)
    try:
        batch = 0
        while not stop.is_set() and batch < 40:
            items = [
                tagged(
                    f"Cron item {batch}-{n} about Tripoli port traffic",
                    feed="Libya Herald",
                    identity=f"cron-{batch}-{n}",
                    published=FROZEN_NOW - timedelta(days=30, minutes=batch * 10 + n),
                )
                for n in range(5)
            ]
            store.store_feed(FetchOutcome("Libya Herald", "ok", seen=5, kept=5), items)
            batch += 1
    except BaseException as error:  # surfaced by the test
        errors.append(error)
    finally:
        store.close()


async def test_triage_while_a_fetcher_writes(make_app: AppFactory, db_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        stop = threading.Event()
        errors: list[BaseException] = []
        writer = threading.Thread(target=_writer, args=(db_path, stop, errors))
        writer.start()
        items = item_list(app)
        done: list[int] = []
        for _ in range(8):
            row = items.current
            assert row is not None
            await pilot.press("f", "1", "r")
            done.append(row.id)
            await pilot.press("j")
        writer.join(timeout=60)
        stop.set()
        assert not errors, errors
        # Everything the analyst did is in the database, read back on a fresh connection.
        check = Store.open(db_path)
        try:
            for item_id in done:
                detail = check.item(item_id)
                assert detail is not None
                assert detail.row.flagged and detail.row.read and "escalation" in detail.row.tags
            assert check.count() == 20 + 40 * 5
        finally:
            check.close()
        triage(app).refresh_items()
        await settle(pilot)
        assert items.total == 20 + 40 * 5
