"""The tag dialog: adds several comma-separated tags (completion over existing tags, new ones
allowed); the item's current tags are listed apart, and removing one is an explicit key press."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.suggester import Suggester
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from briefing.core.models import Facet
from briefing.core.text import clean_line, tag_key, tag_too_long
from briefing.tui.cells import steady
from briefing.tui.screens.dialog import TextDialog


def parse_tags(value: str) -> list[str]:
    """`"escalation, Tripoli ,,oil"` → `["escalation", "Tripoli", "oil"]` (order kept, no repeats
    whatever their case). Never cut: `_finish` refuses a tag over the limit."""
    seen: dict[str, str] = {}
    for part in value.split(","):
        tag = clean_line(part)
        if tag:
            seen.setdefault(tag_key(tag), tag)
    return list(seen.values())


class TagSuggester(Suggester):
    """Completes the tag being typed (the text after the last comma) from existing tags."""

    def __init__(self, tags: Sequence[str]) -> None:
        # case_sensitive=True: we fold ourselves, so the typed prefix keeps its case.
        super().__init__(use_cache=False, case_sensitive=True)
        self._tags = list(tags)

    async def get_suggestion(self, value: str) -> str | None:
        token = value.rpartition(",")[2].lstrip()
        if not token:
            return None
        folded = token.casefold()
        for tag in self._tags:
            if tag.casefold().startswith(folded) and len(tag) > len(token):
                return value[: len(value) - len(token)] + tag
        return None


@dataclass(frozen=True)
class TagChange:
    """What the dialog asks for: tags to add to every chosen item, tags to remove from each."""

    add: tuple[str, ...]
    remove: tuple[str, ...]


SaveTags = Callable[[TagChange], bool]
"""Writes a change; False when it could not be saved (the caller has said why)."""


class TagModal(TextDialog[TagChange | None]):
    """Add tags to the chosen items, or remove some of their current ones.

    The input starts empty, so typing never replaces a tag: typed tags are added. The current
    tags are listed apart; delete (or enter) on one marks it for removal. The change is saved
    through `save` before the dialog closes: when that fails, the dialog stays open with
    everything typed, and says so.
    """

    DEFAULT_CSS = """
    TagModal { align: center middle; }
    TagModal > Vertical {
        width: 76; max-width: 100%; height: auto; max-height: 100%;
        border: thick $accent 60%; background: $surface; padding: 1 2;
    }
    TagModal #tag-title { color: $text-muted; margin-bottom: 1; text-wrap: nowrap;
        text-overflow: ellipsis; width: 1fr; }
    TagModal OptionList { text-wrap: nowrap; text-overflow: ellipsis; }
    TagModal #tag-current { height: auto; max-height: 8; margin-bottom: 1; }
    TagModal #tag-known { height: auto; max-height: 12; margin-top: 1; }
    TagModal #tag-help { color: $text-muted; margin-top: 1; }
    TagModal #tag-error { color: $error; height: auto; max-height: 2; }
    /* A short terminal (80×24): no blank rows, shorter lists, so that every field stays on
       screen whatever the tags (the box would otherwise scroll its help and error away). */
    TagModal.-short > Vertical { padding: 0 1; }
    TagModal.-short #tag-title, TagModal.-short #tag-current { margin-bottom: 0; }
    TagModal.-short #tag-current { max-height: 5; }
    TagModal.-short #tag-known { max-height: 7; margin-top: 0; }
    TagModal.-short #tag-help { margin-top: 0; }
    """

    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]
    """Under 32 rows the dialog drops its blank rows and shortens its lists (see the CSS)."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="tag-cancel"),
        Binding("ctrl+s", "save", "Save tags", priority=True, id="tag-save"),
        Binding("delete", "remove_tag", "Remove tag", id="tag-remove", show=False),
    ]

    def __init__(
        self, known: Sequence[Facet], current: Sequence[str], about: str, save: SaveTags
    ) -> None:
        super().__init__()
        self._known = list(known)
        self._current = list(current)
        self._removing: set[str] = set()
        self._about = about
        self._save = save

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Content(steady(clean_line(self._about, 200))), id="tag-title")
            if self._current:
                yield Label(
                    Content("Current tags (delete or enter on one removes it):"),
                    id="tag-current-label",
                )
                yield OptionList(*self._current_options(), id="tag-current")
            yield Input(
                placeholder="tags to add, separated by commas",
                suggester=TagSuggester([f.value for f in self._known]),
                id="tag-input",
            )
            yield OptionList(id="tag-known")
            yield Static(Content(""), id="tag-error")
            yield Label(
                Content("enter or ctrl+s saves · → completes · tab: the lists · esc cancels"),
                id="tag-help",
            )

    def on_mount(self) -> None:
        self._show_known("")
        self.query_one("#tag-input", Input).focus()
        self.release_type_ahead()

    def _current_options(self) -> list[Option]:
        options = []
        for tag in self._current:
            # steady: an emoji whose width terminals disagree on would push the border out.
            label = steady(clean_line(tag, 60))
            if tag in self._removing:
                text = Text.assemble(("− ", "bold"), (label, "strike"), ("  (removing)", "dim"))
            else:
                text = Text.assemble("  ", label)
            options.append(Option(text))
        return options

    def _show_known(self, token: str) -> None:
        folded = token.casefold()
        options = [
            Option(
                Text.assemble(steady(clean_line(f.value, 60)), (f"  {f.count:,}", "dim")),
                id=f.value,
            )
            for f in self._known
            if folded in f.value.casefold()
        ][:50]
        known = self.query_one("#tag-known", OptionList)
        known.set_options(options)
        known.display = bool(options)

    @on(Input.Changed, "#tag-input")
    def _typed(self, event: Input.Changed) -> None:
        self._show_known(event.value.rpartition(",")[2].strip())

    @on(Input.Submitted, "#tag-input")
    def _submitted(self, event: Input.Submitted) -> None:
        self._finish(event.value)

    def action_save(self) -> None:
        # Priority key: read the input once the keys typed before it are applied.
        field = self.query_one("#tag-input", Input)
        field.call_later(lambda: self._finish(field.value))

    def _finish(self, typed: str) -> None:
        tags = parse_tags(typed)
        problem = next((p for p in map(tag_too_long, tags) if p is not None), None)
        if problem is not None:
            self.query_one("#tag-error", Static).update(Content(f"Not saved: tag {problem}."))
            return
        current = {tag_key(tag) for tag in self._current}
        add = tuple(t for t in tags if tag_key(t) not in current)
        remove = tuple(sorted(self._removing - set(add), key=self._current.index))
        if not add and not remove:
            self.dismiss(None)
            return
        change = TagChange(add, remove)
        if self._save(change):
            self.dismiss(change)
        else:
            self.query_one("#tag-error", Static).update(
                Content("Not saved: your tags are still here (ctrl+s tries again).")
            )

    @on(OptionList.OptionSelected, "#tag-current")
    def _current_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._toggle_removal(event.option_index)

    def action_remove_tag(self) -> None:
        current = self.query("#tag-current").first(OptionList) if self._current else None
        if current is not None and current.has_focus and current.highlighted is not None:
            self._toggle_removal(current.highlighted)

    def _toggle_removal(self, index: int) -> None:
        tag = self._current[index]
        self._removing.symmetric_difference_update({tag})
        current = self.query_one("#tag-current", OptionList)
        current.set_options(self._current_options())
        current.highlighted = index

    @on(OptionList.OptionSelected, "#tag-known")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        tag = event.option.id or ""
        field = self.query_one("#tag-input", Input)
        head = field.value.rpartition(",")[0]
        tags = parse_tags(head) + [tag]
        field.value = ", ".join(parse_tags(", ".join(tags))) + ", "
        field.cursor_position = len(field.value)
        field.focus()

    def action_cancel(self) -> None:
        self.dismiss(None)
