"""80×24 is a first-class size (issue 15.8, and the panel's names and widths of 15.9).

Each behaviour is driven by keys at 80×24 and at 160×48: the filter panel folds away by itself
below 100 columns (p opens it), the header always shows the filter and ends in "…" when cut,
titles keep their room, the reading pane folds its long details (w unfolds), the help table
keeps its descriptions readable, the footer ends cleanly, emoji and wide tags keep the panel's
columns, and a filter that matches nothing still names its values and lists the tags.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from rich.cells import cell_len
from textual.pilot import Pilot
from textual.widget import Widget

from briefing.core.models import Reason, Tagged, Verdict
from briefing.tui.cells import steady
from briefing.tui.screens.help import HelpScreen
from briefing.tui.widgets.filter_panel import FilterPanel
from briefing.tui.widgets.item_detail import ItemDetailView
from tests.conftest import FROZEN_NOW, tagged
from tests.tui.conftest import AppFactory
from tests.tui.helpers import choose_in_panel, item_list, screen_text, settle, triage

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((160, 48), id="160x48")]

LONG_WHY_TITLE = "Ceasefire monitors report fresh shelling south of Tripoli airport road"
TERMS = ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel")


def long_why() -> Tagged:
    """The newest item (first in the list), with eight reasons: a Why block of several lines."""
    item = tagged(
        LONG_WHY_TITLE,
        identity="long-why",
        url="https://news.example/long-why",
        content="Opening words of the article. " * 20,
        published=FROZEN_NOW,
        actors=("khalifa-haftar",),
    )
    reasons = tuple(Reason(f"{term} signal", "content", 2.5, "context") for term in TERMS)
    return replace(item, verdict=Verdict(True, 20.0, reasons))


def lines(pilot: Pilot[Any]) -> list[str]:
    return screen_text(pilot.app).splitlines()


def shown_in(pilot: Pilot[Any], widget: Widget) -> list[str]:
    """The lines of the screen within `widget`'s region, cut by cells."""
    region = widget.region
    strips = pilot.app.screen._compositor.render_strips()
    return [strips[y].crop(region.x, region.right).text for y in range(region.y, region.bottom)]


async def typed(pilot: Pilot[Any], text: str) -> None:
    await pilot.press(*("space" if c == " " else c for c in text))


async def open_panel(pilot: Pilot[Any]) -> FilterPanel:
    """Focus the filter panel by keys: p unfolds it where it is folded, tab reaches it."""
    panel = triage(pilot.app).query_one(FilterPanel)
    if not panel.display:
        await pilot.press("p")
    for _ in range(6):
        if panel.has_focus:
            break
        await pilot.press("tab")
    assert panel.display and panel.has_focus
    return panel


# -- 1. the panel folds away by itself below 100 columns ------------------------------------


@pytest.mark.parametrize("size", SIZES)
async def test_panel_folds_when_narrow_and_p_opens_it(make_app: AppFactory, size: Any) -> None:
    narrow = size[0] < 100
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        panel = triage(app).query_one(FilterPanel)
        assert panel.display is not narrow

        await pilot.press("p")
        assert panel.display is narrow
        if narrow:
            # Opened on demand: focused, to choose from at once.
            assert panel.has_focus
            await pilot.press("enter")  # the first entry: the most named actor
            await settle(pilot)
            assert triage(app).filter.actors
            await pilot.press("p")
            assert not panel.display
            assert item_list(app).has_focus
        else:
            await pilot.press("p")
            assert panel.display


async def test_panel_follows_resizes_both_ways(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = triage(app)
        panel = screen.query_one(FilterPanel)
        assert panel.display and not screen.has_class("-narrow")

        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert not panel.display and screen.has_class("-narrow")
        await pilot.press("p")  # opened at the narrow width: holds until the width changes
        assert panel.display

        await pilot.resize_terminal(160, 48)
        await settle(pilot)
        assert panel.display and not screen.has_class("-narrow")
        await pilot.press("p")
        assert not panel.display
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        await pilot.resize_terminal(160, 48)
        await settle(pilot)
        assert panel.display  # crossing the width unfolds it again

        # Resized while a dialog is up: the screen underneath catches up when it returns.
        await pilot.press("question_mark")
        await settle(pilot)
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert not panel.display and screen.has_class("-narrow")


# -- 2. the filter summary is always visible, and says when it is cut -----------------------


@pytest.mark.parametrize("size", SIZES)
async def test_filter_summary_is_visible_and_ends_in_an_ellipsis(
    make_app: AppFactory, size: Any
) -> None:
    narrow = size[0] < 100
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("D")  # the panel's Date section (it unfolds where it is folded)
        await pilot.press("down", "enter")  # "last 7 days"
        await settle(pilot)
        header = lines(pilot)[0].rstrip()
        assert "filter: date=last 7 days" in header

        await pilot.press("slash")
        await typed(pilot, "Tripoli OR Benghazi OR Zuwara")
        await pilot.press("enter")
        await settle(pilot)
        header = lines(pilot)[0].rstrip()
        assert cell_len(header) <= size[0]
        # The single-valued settings come first: the 7-day window survives the cut.
        assert "filter: date=last 7 days search=Tripoli" in header
        if narrow:
            assert header.endswith("…")
            assert not header.startswith(" briefing")  # the compact header
        else:
            assert header.endswith("search=Tripoli OR Benghazi OR Zuwara")
            assert header.startswith(" briefing")


# -- 3. titles keep their room --------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
async def test_titles_get_the_width(make_app: AppFactory, size: Any) -> None:
    app = make_app([long_why()])
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        row = next(line for line in shown_in(pilot, item_list(app)) if "Ceasefire" in line)
        if size[0] < 100:
            assert LONG_WHY_TITLE[:40] in row  # was ~18 characters beside the panel
        else:
            assert LONG_WHY_TITLE[:60] in row


# -- 4. the reading pane folds its long details ---------------------------------------------


def why_lines(pilot: Pilot[Any]) -> list[str]:
    """The Why block's lines as shown: its labelled line and the lines that continue it."""
    shown = lines(pilot)
    start = next(n for n, line in enumerate(shown) if "Why       relevance" in line)
    out = [shown[start]]
    for line in shown[start + 1 :]:
        if any(f"{term} signal" in line for term in TERMS) and "Why" not in line:
            out.append(line)
        else:
            break
    return out


@pytest.mark.parametrize("size", SIZES)
async def test_why_block_folds_and_w_unfolds_it(make_app: AppFactory, size: Any) -> None:
    narrow = size[0] < 100
    app = make_app([long_why()])
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
        if narrow:
            assert len(why_lines(pilot)) == 1
            assert why_lines(pilot)[0].rstrip().endswith("…")
            assert "hotel signal" not in text
            assert "w: all details" in text
            assert "Opening words of the article" in text  # the text is in view at 80×24
        else:
            assert len(why_lines(pilot)) > 1
            assert "hotel signal" in text
            assert "w: " not in text  # the wide default stays plain

        await pilot.press("w")
        await settle(pilot)
        text = screen_text(app)
        if narrow:
            assert len(why_lines(pilot)) > 1
            assert "hotel signal" in text
            assert "w: fold details" in text
        else:
            assert len(why_lines(pilot)) == 1
            assert "w: all details" in text

        await pilot.press("w")
        await settle(pilot)
        assert ("hotel signal" in screen_text(app)) is not narrow
        # The choice holds for the next item too.
        await pilot.press("j", "enter")
        await settle(pilot)
        assert triage(app).query_one(ItemDetailView).folded is narrow


async def test_a_click_on_the_fold_line_unfolds(make_app: AppFactory) -> None:
    app = make_app([long_why()])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        shown = lines(pilot)
        y = next(n for n, line in enumerate(shown) if "w: all details" in line)
        x = cell_len(shown[y][: shown[y].index("w: all details")]) + 2
        await pilot.click(offset=(x, y))
        await settle(pilot)
        assert not triage(app).query_one(ItemDetailView).folded
        assert "hotel signal" in screen_text(app)


# -- 5. the help table keeps its descriptions readable ---------------------------------------


@pytest.mark.parametrize("size", SIZES)
async def test_help_descriptions_are_not_squeezed(make_app: AppFactory, size: Any) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        shown = lines(pilot)
        described = [line for line in shown if "Open the item in the reading pane" in line]
        assert described, "the description of enter is cut into pieces"
        if size[0] < 100:
            assert any("Read · read" in line for line in shown)  # action and config name
        else:
            assert "Read" in described[0] and described[0].rstrip(" █▅").endswith("read")

        # The layout follows a resize while the help is open.
        other = (160, 48) if size[0] < 100 else (80, 24)
        await pilot.resize_terminal(*other)
        await settle(pilot)
        assert any("Move to the next item" in line for line in lines(pilot))
        assert any("Open the item in the reading pane" in line for line in lines(pilot))


# -- 6. the footer ends cleanly at every width ------------------------------------------------


async def test_footer_ends_in_commands_at_every_width(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for width in (80, 99, 100, 120, 150, 159, 160, 200):
            await pilot.resize_terminal(width, 24)
            await settle(pilot)
            footer = lines(pilot)[-1].rstrip()
            assert footer.endswith("Commands"), (width, footer[-20:])


# -- 7. emoji and wide tags keep the panel's columns ------------------------------------------

WIDE_TAGS = (
    "🔥 hot",
    "👨\u200d👩\u200d👧 family",
    "⚠\ufe0f urgent",
    "中文标签很长的标签名字测试测试测试",
)


@pytest.mark.parametrize("size", SIZES)
async def test_wide_tags_keep_the_panel_columns(make_app: AppFactory, size: Any) -> None:
    app = make_app()
    store = app.store
    first = store.items(limit=len(WIDE_TAGS))
    for row, tag in zip(first, WIDE_TAGS, strict=True):
        store.add_tags([row.id], [tag])
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        if size[0] < 100:
            await pilot.press("p")
        await pilot.press("T")  # the Tags section, in view
        await settle(pilot)
        panel = triage(app).query_one(FilterPanel)
        region = panel.region
        strips = app.screen._compositor.render_strips()
        shown = [
            strips[y].crop(region.x, region.right).text for y in range(region.y, region.bottom)
        ]
        ends: set[int] = set()
        for tag in WIDE_TAGS:
            start = steady(tag)[:4]
            line = next(line for line in shown if start in line)
            # One line per tag (the count on it), the count at the same cell column as the
            # others', whatever the label's characters.
            assert " 1 " in line, line
            ends.add(cell_len(line[: line.rindex(" 1 ") + 2]))
            # No character a terminal may draw at another width than rich measures.
            assert steady(line) == line
        assert len(ends) == 1, ends


# -- 8. nothing matches: names, not ids; the tags that exist ---------------------------------


@pytest.mark.parametrize("size", SIZES)
async def test_no_results_keep_names_and_tags(make_app: AppFactory, size: Any) -> None:
    app = make_app()
    store = app.store
    store.add_tags([store.items(limit=1)[0].id], ["escalation"])
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        panel = await open_panel(pilot)
        await choose_in_panel(pilot, panel, "actor\x1fkhalifa-haftar")
        await pilot.press("slash")
        await typed(pilot, "zzyzx")
        await pilot.press("enter")
        await settle(pilot)
        assert item_list(app).total == 0
        entries = [str(panel.get_option_at_index(n).prompt) for n in range(panel.option_count)]
        assert any(e.startswith("✓ Khalifa Haftar") and e.endswith(" 0") for e in entries)
        assert not any("khalifa-haftar" in e for e in entries)
        assert any(e.startswith("  escalation") and e.endswith(" 0") for e in entries)
        tags_at = entries.index("Tags")
        assert "none yet" not in entries[tags_at + 1]
        assert "actor=Khalifa Haftar" in lines(pilot)[0]


# -- the actors screen at 80×24 -----------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
async def test_actors_screen_shows_every_count_when_narrow(make_app: AppFactory, size: Any) -> None:
    from textual.widgets import DataTable

    narrow = size[0] < 100
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        screen = app.screen
        table = screen.query_one("#actors-table", DataTable)
        labels = [str(c.label) for c in table.columns.values()]
        assert labels[-4:-1] == ["24 h", "7 d", "All"]
        assert ("Kind" in labels) is not narrow
        assert screen.query_one("#actors-side").display is not narrow
        # Every column inside the screen: the counts are never cut off at 80 columns.
        assert sum(c.get_render_width(table) for c in table.columns.values()) <= size[0]
        text = screen_text(app)
        assert "All" in text and ("Last 14 days" if narrow else "Last 30 days") in text
        # The rows move with the keys and a resize to the other size rebuilds the columns.
        await pilot.press("j")
        row = table.cursor_row
        await pilot.resize_terminal(*((160, 48) if narrow else (80, 24)))
        await settle(pilot)
        labels = [str(c.label) for c in table.columns.values()]
        assert ("Kind" in labels) is narrow and table.cursor_row == row
