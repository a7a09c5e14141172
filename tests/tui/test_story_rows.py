"""Pilot tests for the story mode of the item list (`s`) and expanding a story (`z`)."""

from __future__ import annotations

from briefing.core.models import ItemFilter
from briefing.store import Store
from briefing.tui.widgets.story_rows import StoryHeads
from tests.tui.conftest import SIZE, AppFactory
from tests.tui.events_fixture import event_items, with_places
from tests.tui.helpers import item_list, screen_text, settle, triage


def test_story_heads_match_grouping_every_item_by_story(make_app: AppFactory) -> None:
    """Differential: the store's one-row-per-story pages against grouping all rows in Python."""
    app = make_app(event_items())
    store: Store = app.store
    for f in (ItemFilter(), ItemFilter(events=("remote_violence",)), ItemFilter(state="all")):
        rows = store.items(f, limit=10_000)
        newest: dict[int, int] = {}
        for r in rows:  # newest first: the first of each story is its head
            newest.setdefault(r.story_id if r.story_id is not None else -r.id, r.id)
        expected = [r.id for r in rows if r.id in newest.values()]
        heads = StoryHeads(store)
        assert [r.id for r in heads.items(f, limit=10_000)] == expected
        assert heads.count(f) == len(expected)
        paged = [
            r.id for o in range(0, len(expected), 3) for r in heads.items(f, limit=3, offset=o)
        ]
        assert paged == expected
        oldest = [r.id for r in heads.items(f, sort="oldest", limit=10_000)]
        assert oldest == expected[::-1]


async def test_story_mode_shows_one_row_per_story_and_z_expands(make_app: AppFactory) -> None:
    app = make_app(event_items())
    with_places(app.store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        items = item_list(app)
        every = items.total
        await pilot.press("s")
        await settle(pilot)
        assert items.total == every - 2  # the three Sirte reports are one row
        text = screen_text(app)
        assert "+2 sources · en ar fr" in text
        # Move to the Sirte story's row and expand it.
        for _ in range(items.total):
            row = items.current
            if row is not None and row.title.startswith("Drone strike hits"):
                break
            await pilot.press("j")
        await pilot.press("z")
        await settle(pilot)
        assert items.describe_story is None and items.total == 3
        assert len(triage(app).filter.ids) == 3
        assert "3 chosen" in screen_text(app)
        await pilot.press("backspace")
        await settle(pilot)
        assert items.total == every
        await pilot.press("s", "s")  # on and off again: one row per item
        await settle(pilot)
        assert items.total == every and items.describe_story is None
