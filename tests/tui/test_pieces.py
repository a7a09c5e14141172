"""Unit tests for the TUI's pure pieces: filter chips, toggles, keymap, tags, sparkline, undo."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from briefing.core.models import ItemFilter, Triage
from briefing.tui import filters
from briefing.tui.bindings import help_rows
from briefing.tui.screens.actors import sparkline
from briefing.tui.screens.tag import TagSuggester, parse_tags
from briefing.tui.undo import UndoStack

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def test_toggle_adds_and_removes_values_and_combines_kinds() -> None:
    f = filters.toggle(ItemFilter(), "actor", "lna")
    f = filters.toggle(f, "tag", "oil")
    f = filters.toggle(f, "feed", "Libya Herald")
    f = filters.toggle(f, "state", "flagged")
    f = filters.toggle(f, "date", "7d", now=NOW)
    f = filters.toggle(f, "text", "  ceasefire ")
    assert f == ItemFilter(
        text="ceasefire",
        actors=("lna",),
        tags=("oil",),
        feeds=("Libya Herald",),
        state="flagged",
        within=timedelta(days=7),  # relative: resolved when the query runs, never stale
    )
    assert filters.toggle(f, "actor", "lna").actors == ()
    assert filters.toggle(f, "state", "flagged").state == "active"
    assert filters.toggle(f, "date", "any").within is None
    with pytest.raises(ValueError):
        filters.toggle(f, "colour", "red")


def test_chips_round_trip_one_by_one() -> None:
    f = ItemFilter(
        text="oil", actors=("lna", "gna"), tags=("x",), state="unread", since=NOW - timedelta(1)
    )
    chips = filters.chips(f, {"lna": "Libyan National Army"}, now=NOW)
    labels = [(c.kind, c.label) for c in chips]
    assert labels == [
        ("search", "oil"),
        ("actor", "Libyan National Army"),
        ("actor", "gna"),
        ("tag", "x"),
        ("date", "last 24 hours"),
        ("state", "unread"),
    ]
    for chip in chips:
        f = filters.remove_chip(f, chip.key)
    assert f == ItemFilter()


def test_a_date_chip_does_not_drift() -> None:
    f = filters.toggle(ItemFilter(), "date", "24h", now=NOW)
    for later in (NOW, NOW + timedelta(hours=2), NOW + timedelta(days=3)):
        assert [c.label for c in filters.chips(f, now=later)] == ["last 24 hours"]
        assert filters.date_range_key(f, later) == "24h"
    odd = ItemFilter(within=timedelta(hours=36))
    assert filters.describe(odd) == "date=last 36 hours"
    assert filters.describe(ItemFilter(within=timedelta(minutes=90))) == "date=last 90 minutes"
    assert filters.remove_chip(odd, "date:") == ItemFilter()


def test_chip_labels_are_cleaned_of_control_characters() -> None:
    chip = filters.chips(ItemFilter(tags=("\x1b[31mred\u202e",)))[0]
    assert chip.label == "red"


def test_describe_and_search_words() -> None:
    assert filters.describe(ItemFilter()) == "none"
    assert filters.describe(ItemFilter(tags=("oil",), text="a b")) == "search=a b tag=oil"
    assert filters.search_words('"salary payments" AND detent* OR x') == [
        "salary",
        "payments",
        "detent",
        "x",
    ]
    assert filters.search_words("haftar -saddam النفط") == ["haftar", "النفط", "نفط"]
    assert filters.search_words('"unclosed') == []


def test_keymap_accepts_ids_and_action_names_and_reports_unknown() -> None:
    known = {"flag": "flag", "toggle-read": "toggle-read"}

    def lookup(name: str) -> str | None:
        return known.get(name.replace("_", "-"))

    keymap, unknown = filters.keymap_from_settings(
        (("flag", "s"), ("action_toggle_read", "ctrl+r, R"), ("fly", "z")), lookup
    )
    assert keymap == {"flag": "s", "toggle-read": "ctrl+r,R"}
    assert unknown == ["fly"]


def test_parse_tags_splits_trims_and_dedups() -> None:
    assert parse_tags(" escalation, Tripoli ,,ESCALATION, oil\x1b ") == [
        "escalation",
        "Tripoli",
        "oil",
    ]


async def test_tag_suggester_completes_the_last_tag_to_the_existing_spelling() -> None:
    suggester = TagSuggester(["escalation", "Tripoli"])
    assert await suggester.get_suggestion("oil, Esc") == "oil, escalation"
    assert await suggester.get_suggestion("oil, tri") == "oil, Tripoli"
    assert await suggester.get_suggestion("oil, ") is None
    assert await suggester.get_suggestion("escalation") is None


def test_sparkline_scales_to_the_peak() -> None:
    assert sparkline([0, 1, 2, 4, 8]) == " ▁▂▄█"
    assert sparkline([0, 0]) == "··"
    assert len(sparkline(list(range(30)))) == 30


def test_undo_stack_is_lifo_and_bounded() -> None:
    stack = UndoStack(limit=2)
    snap = [Triage(1, False, False, False, (), "")]
    stack.push("a", snap)
    stack.push("b", snap)
    stack.push("c", snap)
    stack.push("empty", [])
    assert len(stack) == 2
    step = stack.pop()
    assert step is not None and step.label == "c"
    assert stack.pop() is not None and stack.pop() is None


def test_help_rows_apply_the_keymap() -> None:
    from textual.binding import Binding

    rows = help_rows(
        [Binding("f", "flag", "Flag", id="flag"), Binding("j,down", "down", "Down", id="down")],
        {"flag": "s"},
        {"down": "Next item"},
    )
    assert [(r.keys, r.description) for r in rows] == [
        (("s",), "Flag"),
        (("j", "down"), "Next item"),
    ]
