"""When the terminal counts as narrow (80×24 is a first-class size, issue 15.8).

Below `NARROW_BELOW` columns the filter panel folds away by itself (p opens it on demand), the
header goes compact, and the reading pane folds its long blocks to one line each (w unfolds).
"""

from __future__ import annotations

NARROW_BELOW = 100
"""Columns under which the layout folds: the panel's 32 columns would leave the list and the
reading pane too little room (titles of ~18 characters at 80 columns)."""


def is_narrow(width: int) -> bool:
    """True for a terminal `width` columns wide that gets the folded layout."""
    return width < NARROW_BELOW
