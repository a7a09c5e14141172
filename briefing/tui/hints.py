"""What the list and the reading pane say when they have nothing to show (our own text)."""

from __future__ import annotations

WELCOME = (
    "Welcome to briefing",
    "No items are stored yet.",
    "Press R to fetch the feeds listed in feeds.yaml (progress shows in the header),",
    "or run `briefing demo` in a shell to load a sample of news, then start briefing again.",
    "? lists every key · ctrl+p finds every command · q quits",
)
NO_MATCH = (
    "Nothing matches this filter",
    "backspace removes the newest filter chip · c clears every filter · / edits the search",
)
READER_GUIDE = (
    "The reading pane",
    "The item under the cursor shows here: title, source and date, its link, the actors it "
    "mentions (highlighted in the text), your tags and note, why it counted as Libya-related, "
    "the other feeds that carried it, then the text.",
    "enter read · t tag · 1–9 quick tags · n note · f flag · d dismiss · u undo · x select",
    "/ search · a actors · v views · e export · b brief · ? help",
)
PICK = (
    "Nothing open",
    "Move with j/k (or the mouse); enter marks the item read and opens it here.",
)
