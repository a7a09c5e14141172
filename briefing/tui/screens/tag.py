"""The tag dialog: several comma-separated tags, completion over existing tags, new ones allowed."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from briefing.core.models import Facet
from briefing.core.text import clean_line


def parse_tags(value: str) -> list[str]:
    """`"escalation, Tripoli ,,oil"` → `["escalation", "Tripoli", "oil"]` (order kept, no repeats)."""
    seen: dict[str, str] = {}
    for part in value.split(","):
        tag = clean_line(part, 60)
        if tag and tag.casefold() not in seen:
            seen[tag.casefold()] = tag
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


class TagModal(ModalScreen[list[str] | None]):
    """Edit the tags of the chosen items: returns the new list, or None when cancelled."""

    DEFAULT_CSS = """
    TagModal { align: center middle; }
    TagModal > Vertical {
        width: 70; max-width: 90%; height: auto; max-height: 80%;
        border: thick $accent 60%; background: $surface; padding: 1 2;
    }
    TagModal #tag-title { color: $text-muted; margin-bottom: 1; }
    TagModal #tag-known { height: auto; max-height: 12; margin-top: 1; }
    TagModal #tag-help { color: $text-muted; margin-top: 1; }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="tag-cancel")]

    def __init__(self, known: Sequence[Facet], current: Sequence[str], about: str) -> None:
        super().__init__()
        self._known = list(known)
        self._current = list(current)
        self._about = about

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Content(clean_line(self._about, 200)), id="tag-title")
            yield Input(
                value=", ".join(self._current),
                placeholder="tags, separated by commas",
                suggester=TagSuggester([f.value for f in self._known]),
                id="tag-input",
            )
            yield OptionList(id="tag-known")
            yield Label(
                Content("enter saves · → completes · tab then enter picks a tag · esc cancels"),
                id="tag-help",
            )

    def on_mount(self) -> None:
        self._show_known("")
        self.query_one("#tag-input", Input).focus()

    def _show_known(self, token: str) -> None:
        folded = token.casefold()
        options = [
            Option(Text.assemble(clean_line(f.value, 60), (f"  {f.count:,}", "dim")), id=f.value)
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
        self.dismiss(parse_tags(event.value))

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
