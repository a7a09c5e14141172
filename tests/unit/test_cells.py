"""Text laid into fixed-width columns is measured in terminal cells (issue 15.9)."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from briefing.tui.cells import fit, steady


@pytest.mark.parametrize(
    "label",
    [
        "escalation",
        "🔥 hot",
        "👨\u200d👩\u200d👧 family",
        "⚠\ufe0f urgent",
        "👍🏽 ok",
        "1\ufe0f\u20e3 first",
        "中文标签很长的标签名字测试测试测试",
        "Government of National Accord",
        "",
    ],
)
@pytest.mark.parametrize("width", [1, 2, 5, 12, 28])
def test_fit_fills_exactly_the_width(label: str, width: int) -> None:
    text = fit(label, width)
    assert cell_len(text.plain) == width
    assert "\n" not in text.plain
    assert steady(text.plain) == text.plain


def test_fit_cuts_with_an_ellipsis_and_pads_with_spaces() -> None:
    assert fit("Government of National Accord", 12).plain == "Government… "
    assert fit("🔥 hot", 8).plain == "🔥 hot  "
    # A wide character that would straddle the edge is left out, not halved.
    assert fit("中文标签", 6).plain == "中文… "
    assert fit("abc", 3).plain == "abc"


def test_steady_drops_only_characters_of_uncertain_width() -> None:
    assert steady("👨\u200d👩\u200d👧") == "👨👩👧"
    assert steady("⚠\ufe0f") == "⚠"
    assert steady("👍🏽") == "👍"
    assert steady("é, ليبيا, 中文, 🇱🇾") == "é, ليبيا, 中文, 🇱🇾"
