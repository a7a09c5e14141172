"""The app's two themes: a dark "night desk" and a light "newsprint", both with an amber accent.

Every other Textual theme works too (ctrl+p → theme); these are the defaults because their
contrast was chosen for long reading sessions and the unread/flagged/dismissed marks.
"""

from __future__ import annotations

from textual.theme import Theme

NIGHT_DESK = Theme(
    name="briefing-dark",
    primary="#E0A458",
    secondary="#7FA7C9",
    accent="#E0A458",
    warning="#E5C07B",
    error="#E06C75",
    success="#8FBF7F",
    foreground="#DCD7CE",
    background="#12161C",
    surface="#181D25",
    panel="#222A35",
    dark=True,
    variables={
        "block-cursor-background": "#2E3A4A",
        "block-cursor-foreground": "#F3EFE7",
        "block-cursor-text-style": "none",
        "footer-key-foreground": "#E0A458",
        "input-selection-background": "#E0A458 35%",
    },
)
"""Dark: warm paper-white text on blue-black, amber for what needs the eye."""

NEWSPRINT = Theme(
    name="briefing-light",
    primary="#9A5B13",
    secondary="#2F5F8A",
    accent="#9A5B13",
    warning="#A86F00",
    error="#B3261E",
    success="#3C7A3A",
    foreground="#26231F",
    background="#F6F2EA",
    surface="#FCFAF5",
    panel="#E9E2D5",
    dark=False,
    variables={
        "block-cursor-background": "#E3D6BF",
        "block-cursor-foreground": "#1E1B17",
        "block-cursor-text-style": "none",
        "footer-key-foreground": "#9A5B13",
    },
)
"""Light: ink on newsprint, the same amber darkened for contrast."""

THEMES = (NIGHT_DESK, NEWSPRINT)
DEFAULT_THEME = NIGHT_DESK.name
