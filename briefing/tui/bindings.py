"""Every key of the app, declared once: the footer, the help screens, the palette and README's key
table are generated from these lists, and `tui.keys` in feeds.yaml remaps them by binding id.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from textual.binding import ActiveBinding, Binding, BindingType

from briefing.core.text import clean_line

APP_BINDINGS: list[BindingType] = [
    Binding("q", "quit", "Quit", id="quit", tooltip="Leave briefing (everything is saved)"),
    Binding(
        "ctrl+t",
        "toggle_theme",
        "Theme",
        show=False,
        id="theme",
        tooltip="Switch between the light and dark themes",
    ),
    Binding(
        "ctrl+p",
        "command_palette",
        "Commands",
        show=False,
        id="palette",
        priority=True,
        tooltip="The command palette: find any command (filters, views, fetch, export, themes)",
    ),
]
"""Keys that work on every screen (the App's BINDINGS)."""

TRIAGE_BINDINGS: list[BindingType] = [
    Binding(
        "j,down", "cursor_down", "Down", show=False, id="down", tooltip="Move to the next item"
    ),
    Binding("k,up", "cursor_up", "Up", show=False, id="up", tooltip="Move to the previous item"),
    Binding(
        "pagedown",
        "page_down",
        "Page down",
        show=False,
        id="page-down",
        tooltip="Move down one screen",
    ),
    Binding("pageup", "page_up", "Page up", show=False, id="page-up", tooltip="Move up one screen"),
    Binding("g,home", "top", "Top", show=False, id="top", tooltip="Go to the first item"),
    Binding("G,end", "bottom", "Bottom", show=False, id="bottom", tooltip="Go to the last item"),
    Binding(
        "enter",
        "open",
        "Read",
        id="read",
        tooltip="Open the item in the reading pane and mark it read (double click too)",
    ),
    Binding(
        "space",
        "scroll_reader",
        "Scroll text",
        show=False,
        id="scroll-text",
        tooltip="Scroll the reading pane down a page",
    ),
    Binding(
        "w",
        "toggle_details",
        "Details",
        show=False,
        id="details",
        tooltip="Unfold the reading pane's details (why it counted, story, places), or fold "
        "them to one line each; below 100 columns they start folded",
    ),
    Binding(
        "o",
        "open_link",
        "Link",
        show=False,
        id="open-link",
        tooltip="Open the item's link in the web browser (http and https links only); where no browser can start, say so and offer to copy it",
    ),
    Binding(
        "A",
        "full_article",
        "Full article",
        show=False,
        id="full-article",
        tooltip="Fetch the item's article from its link, extract its main text, store it, tag the "
        "item again on it and show it here (or say why it could not be had)",
    ),
    Binding(
        "y",
        "copy_link",
        "Copy link",
        show=False,
        id="copy-link",
        tooltip="Copy the item's link to the clipboard (OSC 52: works over SSH in most terminals)",
    ),
    Binding(
        "t",
        "tag",
        "Tag",
        id="tag",
        tooltip="Add tags: several, comma-separated, → completes from existing tags, new ones allowed. The current tags are listed apart: delete (or enter) on one removes it. With a selection, the change applies to every selected item",
    ),
    Binding(
        "n",
        "note",
        "Note",
        id="note",
        tooltip="Write a multi-line note on the item (ctrl+s saves, escape cancels, an empty note is deleted)",
    ),
    Binding("f", "flag", "Flag", id="flag", tooltip="Flag or unflag (★)"),
    Binding(
        "d",
        "dismiss_item",
        "Dismiss",
        id="dismiss",
        tooltip="Dismiss or restore; a dismissed item leaves the default view",
    ),
    Binding("r", "toggle_read", "Read/unread", id="toggle-read", tooltip="Mark read or unread"),
    Binding(
        "u",
        "undo",
        "Undo",
        id="undo",
        tooltip="Undo the last triage action; repeat for older ones (up to 100)",
    ),
    Binding(
        "x",
        "select",
        "Select",
        id="select",
        tooltip="Select the item for a bulk action and move down: tag, quick tag, flag, dismiss and read/unread then apply to every selected item",
    ),
    Binding(
        "ctrl+a",
        "select_all",
        "Select all",
        show=False,
        id="select-all",
        tooltip="Select every item of the current filter (escape clears the selection)",
    ),
    Binding(
        "M",
        "mark_all_read",
        "Mark all read",
        show=False,
        id="mark-all-read",
        tooltip="Mark every unread item of the current filter read, after a confirmation that "
        "says how many will change; u undoes it",
    ),
    Binding(
        "escape",
        "escape",
        "Clear selection",
        show=False,
        id="clear-selection",
        tooltip="Clear the selection, or leave the search box",
    ),
    Binding(
        "slash",
        "search",
        "Search",
        id="search",
        tooltip='Full-text search over title, summary and text (words, "a phrase", prefix*); the list follows as you type, enter returns to the list',
    ),
    Binding(
        "backspace",
        "remove_chip",
        "Remove chip",
        show=False,
        id="remove-chip",
        tooltip="Remove the newest filter chip (the one added last)",
    ),
    Binding(
        "c",
        "clear_filters",
        "Clear filters",
        show=False,
        id="clear-filters",
        tooltip="Remove every filter",
    ),
    Binding(
        "p",
        "toggle_panel",
        "Filters",
        show=False,
        id="filters-panel",
        tooltip="Show or hide the filter panel (tab moves into it); below 100 columns it "
        "folds away by itself and p opens it",
    ),
    *[
        Binding(
            key,
            f"jump_panel('{kind}')",
            f"Panel: {title}",
            show=False,
            id=f"panel-{kind}",
            tooltip=f"Jump to the {title} section of the filter panel (it opens if folded)",
        )
        for key, kind, title in (
            ("T", "tag", "Tags"),
            ("F", "feed", "Feeds"),
            ("S", "state", "State"),
            ("D", "date", "Date"),
        )
    ],
    Binding(
        "N",
        "since_look",
        "New since last look",
        show=False,
        id="since-look",
        tooltip="Show the items published since your last look (recorded when you leave the app)",
    ),
    Binding(
        "ctrl+d",
        "date_range",
        "Date range",
        show=False,
        id="date-range",
        tooltip="Type a custom date range: YYYY-MM-DD to YYYY-MM-DD (both days included)",
    ),
    Binding(
        "v",
        "views",
        "Views",
        show=False,
        id="views",
        tooltip="Save the current filter as a named view, recall one (enter) or delete one (delete); views live in the database",
    ),
    Binding(
        "a",
        "actors",
        "Actors",
        id="actors",
        tooltip="The actors screen: 24 h / 7 d / total counts per actor; enter filters by the highlighted one",
    ),
    Binding(
        "e",
        "export",
        "Export",
        id="export",
        tooltip="Export the filtered items (the export dialog)",
    ),
    Binding(
        "b",
        "brief",
        "Brief",
        show=False,
        id="brief",
        tooltip="A brief of the filtered items (of the actor, when exactly one actor is filtered)",
    ),
    Binding(
        "s",
        "story_rows",
        "Stories",
        show=False,
        id="story-rows",
        tooltip="One row per story (the newest report, with its other sources and languages), or one per item again; the reading pane lists a story's reports",
    ),
    Binding(
        "z",
        "expand_story",
        "Story's reports",
        show=False,
        id="expand-story",
        tooltip="List the highlighted story's reports, one row each (a chip; backspace returns)",
    ),
    Binding(
        "B",
        "story_brief",
        "Story brief",
        show=False,
        id="story-brief",
        tooltip="The story brief of the filter: bottom line, stories by actor, counts against the period before, places; choose the period, save it or export it as Markdown",
    ),
    Binding(
        "m",
        "places",
        "Places",
        show=False,
        id="places",
        tooltip="The places screen: a map of Libya with a mark per place and a list of counts; enter filters by the highlighted place",
    ),
    Binding(
        "R",
        "fetch",
        "Fetch",
        id="fetch",
        tooltip="Fetch the due feeds in the background; progress shows in the header and new items appear as each feed is stored",
    ),
    *[
        Binding(
            str(n),
            f"quick_tag({n})",
            f"Quick tag {n}",
            show=False,
            id=f"quick-tag-{n}",
            tooltip=f"Toggle quick tag {n} (tui: quick_tags in feeds.yaml)",
        )
        for n in range(1, 10)
    ],
    Binding("question_mark", "help", "Help", id="help", tooltip="Every key, as currently bound"),
]
"""The triage screen's keys."""


def list_moves(prefix: str, what: str) -> list[BindingType]:
    """The keys that move through a list or a text the same way on every screen."""
    return [
        Binding(
            "j,down",
            "cursor_down",
            "Down",
            show=False,
            id=f"{prefix}-down",
            tooltip=f"Move to the next {what}",
        ),
        Binding(
            "k,up",
            "cursor_up",
            "Up",
            show=False,
            id=f"{prefix}-up",
            tooltip=f"Move to the previous {what}",
        ),
        Binding("g,home", "top", "Top", show=False, id=f"{prefix}-top", tooltip="Go to the top"),
        Binding(
            "G,end",
            "bottom",
            "Bottom",
            show=False,
            id=f"{prefix}-bottom",
            tooltip="Go to the bottom",
        ),
        Binding(
            "space,pagedown",
            "page_down",
            "Page down",
            show=False,
            id=f"{prefix}-page-down",
            tooltip="Move down one screen",
        ),
        Binding(
            "pageup",
            "page_up",
            "Page up",
            show=False,
            id=f"{prefix}-page-up",
            tooltip="Move up one screen",
        ),
    ]


ACTORS_BINDINGS: list[BindingType] = [
    Binding("escape,a", "back", "Back", id="actors-back", tooltip="Back to the item list"),
    *list_moves("actors", "actor"),
    Binding(
        "slash",
        "find",
        "Find",
        id="actors-find",
        tooltip="Type-to-find: the cursor jumps to the first actor whose name holds what you "
        "type; enter or escape returns to the table",
    ),
    Binding(
        "b",
        "brief",
        "Brief",
        id="actors-brief",
        tooltip="Open the full brief for the highlighted actor",
    ),
    Binding("question_mark", "help", "Help", id="actors-help", tooltip="Every key"),
]
"""The actors screen's keys."""

PLACES_BINDINGS: list[BindingType] = [
    Binding("escape,m", "back", "Back", id="places-back", tooltip="Back to the item list"),
    Binding("j", "cursor_down", "Down", show=False, id="places-down", tooltip="The next place"),
    Binding("k", "cursor_up", "Up", show=False, id="places-up", tooltip="The previous place"),
    Binding(
        "enter",
        "choose",
        "Filter",
        id="places-filter",
        tooltip="Filter the item list by the highlighted place (again: take it out)",
    ),
    Binding("question_mark", "help", "Help", id="places-help", tooltip="Every key"),
]
"""The places screen's keys."""

STORY_BRIEF_BINDINGS: list[BindingType] = [
    Binding("escape,q", "close", "Back", id="story-brief-back", tooltip="Back to the item list"),
    Binding(
        "p",
        "next_period",
        "Period",
        id="story-brief-period",
        tooltip="The next period: last 7 days, last 30 days, since the last saved brief of this filter",
    ),
    Binding(
        "j,down",
        "scroll_down",
        "Down",
        show=False,
        id="story-brief-down",
        tooltip="Scroll down a line",
    ),
    Binding("k,up", "scroll_up", "Up", show=False, id="story-brief-up", tooltip="Scroll up a line"),
    Binding(
        "space,pagedown",
        "page_down",
        "Page",
        show=False,
        id="story-brief-page",
        tooltip="Scroll down a page",
    ),
    Binding(
        "pageup",
        "page_up",
        "Page up",
        show=False,
        id="story-brief-page-up",
        tooltip="Scroll up a page",
    ),
    Binding(
        "g,home", "top", "Top", show=False, id="story-brief-top", tooltip="The top of the brief"
    ),
    Binding(
        "G,end",
        "bottom",
        "Bottom",
        show=False,
        id="story-brief-bottom",
        tooltip="The end of the brief",
    ),
    Binding(
        "s",
        "save",
        "Save",
        id="story-brief-save",
        tooltip="Record the brief in the database: the next brief of this filter marks stories new or updated",
    ),
    Binding(
        "e",
        "export",
        "Export .md",
        id="story-brief-export",
        tooltip="Write the brief as Markdown to a new file in the current folder (and record it, like saving)",
    ),
    Binding("question_mark", "help", "Help", id="story-brief-help", tooltip="Every key"),
]
"""The story brief screen's keys."""
BRIEF_BINDINGS: list[BindingType] = [
    Binding("escape", "close", "Close", id="brief-close", tooltip="Back to where you were"),
    Binding("q", "close", "Close", show=False, id="brief-quit", tooltip="Back to where you were"),
    *list_moves("brief", "line"),
]
"""The brief screen's keys."""


def declared(bindings: Iterable[BindingType]) -> list[Binding]:
    return [b for b in bindings if isinstance(b, Binding)]


def main_bindings() -> list[Binding]:
    """The triage screen's keys, then the app's: what `tui.keys` may rebind."""
    return declared([*TRIAGE_BINDINGS, *APP_BINDINGS])


def binding_id(name: str) -> str | None:
    """Accept a binding id (`toggle-read`) or its action name (`toggle_read`)."""
    wanted = name.replace("_", "-")
    for binding in main_bindings():
        if binding.id and wanted in (binding.id, binding.action.replace("_", "-")):
            return binding.id
    return None


@dataclass(frozen=True)
class HelpRow:
    """One action: the keys that run it (after the user's keymap), its name and what it does."""

    binding_id: str | None
    action: str
    keys: tuple[str, ...]
    description: str
    tooltip: str


def help_rows(
    bindings: Iterable[Binding],
    keymap: Mapping[str, str],
    describe: Mapping[str, str] | None = None,
) -> list[HelpRow]:
    """Rows for `bindings`, with keys replaced as the keymap says; one row per binding id.

    `describe` overrides a description by binding id (the quick tags name their tag there).
    """
    extra = describe or {}
    rows: list[HelpRow] = []
    seen: set[str] = set()
    for binding in bindings:
        key = keymap.get(binding.id, binding.key) if binding.id else binding.key
        ident = binding.id or binding.action
        if ident in seen:
            continue
        seen.add(ident)
        keys = tuple(k.strip() for k in key.split(",") if k.strip())
        description = extra.get(binding.id or "", binding.description or binding.action)
        rows.append(HelpRow(binding.id, binding.action, keys, description, binding.tooltip))
    return rows


def main_help_rows(
    keymap: Mapping[str, str],
    quick_tags: Iterable[str],
    active: Mapping[str, ActiveBinding] | None = None,
) -> list[HelpRow]:
    """Every triage key as the user has bound it (what the help screen and palette list).

    With `active` (a screen's `active_bindings`), Textual's own active keys (tab, ctrl+q, copy)
    are appended, so the help lists exactly what the screen's bindings do. Quick tags name
    their tag: text from feeds.yaml, cleaned and shown literally.
    """
    names = {
        f"quick-tag-{n}": f"Quick tag {n}: {clean_line(tag, 30)}"
        for n, tag in enumerate(quick_tags, 1)
    }
    rows = help_rows(main_bindings(), keymap, names)
    if active is None:
        return rows
    covered = {(key, row.action) for row in rows for key in row.keys}
    extra: dict[str, list[str]] = {}
    found: dict[str, Binding] = {}
    for key, binding_on in active.items():
        binding = binding_on.binding
        if binding.system or (key, binding.action) in covered:
            continue
        extra.setdefault(binding.action, []).append(key)
        found.setdefault(binding.action, binding)
    for action, keys in extra.items():
        binding = found[action]
        description = binding.description or action.rpartition(".")[2].replace("_", " ")
        rows.append(
            HelpRow(
                None, action, tuple(keys), description.capitalize(), binding.tooltip or "Textual"
            )
        )
    return rows
