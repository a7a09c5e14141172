"""Stories in the list and the reading pane: store queries over one story or one page, never all.

The story mode of the list (`s`) swaps the list's source for `StoryHeads`: one row per story,
paged like items, labelled with its other sources and languages.
"""

from __future__ import annotations

from briefing.core.models import ItemFilter, ItemRow, SortOrder
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


class StoryHeads:
    """The list's source in story mode: one row per story (`Store.story_heads`), same paging."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._labels: dict[int, str] = {}

    def items(
        self,
        f: ItemFilter = ItemFilter(),
        *,
        sort: SortOrder = "newest",
        limit: int = 200,
        offset: int = 0,
    ) -> list[ItemRow]:
        return self._store.story_heads(f, sort=sort, limit=limit, offset=offset)

    def count(self, f: ItemFilter = ItemFilter()) -> int:
        return self._store.count_story_heads(f)

    def label(self, row: ItemRow) -> str:
        """ "+3 sources · en ar fr" for a story of several reports; "" for one alone."""
        if row.story_id is None:
            return ""
        if row.story_id not in self._labels:
            # One query per story drawn, then cached: a screenful costs ~50 small lookups.
            story = self._store.story(row.story_id)
            text = ""
            if story is not None and (story.items > 1 or len(story.sources) > 1):
                others = max(len(story.sources) - 1, story.items - 1)
                text = f"+{others} source{'s' if others != 1 else ''}"
                if story.languages:
                    text += " · " + " ".join(story.languages)
            self._labels[row.story_id] = text
        return self._labels[row.story_id]
