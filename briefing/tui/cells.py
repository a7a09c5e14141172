"""Feed and tag text laid into fixed-width columns: cut and padded by terminal cells, not
characters, so wide characters (CJK, emoji) cannot push a border out of line.

Some characters are drawn at different widths by different terminals: the zero-width joiner
of an emoji sequence ("👨‍👩‍👧" is one glyph in some terminals, three in others), the emoji
variation selector ("⚠️" one or two cells) and skin-tone modifiers. In a column they are
dropped: what is left is drawn at the width rich measures in every terminal.
"""

from __future__ import annotations

import re

from rich.text import Text

_UNSTEADY = re.compile("[\u200d\u20e3\ufe00-\ufe0f\U0001f3fb-\U0001f3ff]")
"""Joiner, keycap, variation selectors and skin tones: their width depends on the terminal."""


def steady(text: str) -> str:
    """`text` without the characters whose width terminals disagree on."""
    return _UNSTEADY.sub("", text)


def fit(text: str, width: int, *, style: str = "") -> Text:
    """`text` (one clean line) in exactly `width` cells: cut with "…" or padded with spaces."""
    width = max(width, 1)
    out = Text(steady(text), style=style, no_wrap=True, end="")
    if out.cell_len > width:
        out.truncate(width - 1)  # a wide character that would straddle the edge is dropped
        out.rstrip()
        out.append("…")
    out.truncate(width, pad=True)
    return out
