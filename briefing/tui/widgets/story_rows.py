"""Reading a story's reports for the reading pane: a store query over one story, never the list."""

from __future__ import annotations

from briefing.core.models import ItemFilter, ItemRow
from briefing.store import Store
from briefing.tui.widgets.item_detail import StoryReport


def story_reports(store: Store, row: ItemRow) -> list[StoryReport]:
    """The other reports of `row`'s story, oldest first, each with its language."""
    if row.story_id is None:
        return []
    others = [r for r in store.story_members(row.id) if r.id != row.id]
    if not others:
        return []
    languages = {
        d.row.id: d.language
        for d in store.items_detail(ItemFilter(ids=tuple(r.id for r in others), state="all"))
    }
    return [(r, languages.get(r.id)) for r in others]
