"""The story brief screen: `build_story_brief` of the list's filter, for a period the analyst picks.

Read with j/k/space/g/G, saved (`record_brief`) or exported as Markdown (`write_atomic`) from
where it is read. The brief is built in a thread worker; it is drawn from rich Text built piece
by piece (`brief_text`), so feed text never reaches a markup parser.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import ClassVar, Literal

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.worker import get_current_worker

from briefing.core.atomic import write_atomic
from briefing.core.errors import BriefingError
from briefing.core.models import ItemFilter
from briefing.core.text import clean_line
from briefing.reports.brief import (
    Brief,
    brief_markdown,
    brief_text,
    brief_to_dict,
    build_story_brief,
)
from briefing.reports.export import describe_filter
from briefing.reports.summarize import filter_dict
from briefing.tui.bindings import STORY_BRIEF_BINDINGS, declared, help_rows
from briefing.tui.context import TuiContext
from briefing.tui.notify import say
from briefing.tui.screens.help import HelpScreen

Period = Literal["7d", "30d", "last"]
PERIODS: dict[Period, str] = {
    "7d": "last 7 days",
    "30d": "last 30 days",
    "last": "since the last saved brief",
}
"""The periods `p` steps through, in order."""


def brief_key(f: ItemFilter) -> str:
    """The filter as `briefing summarize` keys recorded briefs (so both compare with each other)."""
    return json.dumps(filter_dict(f), sort_keys=True)


def free_path(directory: Path, stem: str) -> Path:
    """`stem.md` in `directory`, or `stem-2.md`, `stem-3.md`… : an export never overwrites."""
    path = directory / f"{stem}.md"
    number = 2
    while path.exists():
        path = directory / f"{stem}-{number}.md"
        number += 1
    return path


class StoryBriefScreen(Screen[None]):
    """The brief of `f` (its own date window left out: the period is chosen here)."""

    BINDINGS: ClassVar[list[BindingType]] = STORY_BRIEF_BINDINGS
    DEFAULT_CSS = """
    StoryBriefScreen #story-brief-title { height: auto; padding: 0 1; background: $panel; }
    StoryBriefScreen #story-brief-scroll { height: 1fr; padding: 0 1; }
    StoryBriefScreen #story-brief-body { width: 100%; height: auto; }
    """

    def __init__(self, context: TuiContext, f: ItemFilter, *, directory: Path) -> None:
        """`directory`: where `e` writes the Markdown file."""
        super().__init__()
        self.context = context
        self.filter = replace(f, since=None, until=None, within=None)
        self.directory = directory
        self.period: Period = "7d"
        self.brief: Brief | None = None
        """The brief on screen (None while the first one is built)."""
        self._request = 0

    def compose(self) -> ComposeResult:
        yield Static(self._title(), id="story-brief-title")
        with VerticalScroll(id="story-brief-scroll"):
            yield Static(Text("Building the brief…"), id="story-brief-body")
        yield Footer()

    def _title(self) -> Text:
        title = Text("Story brief", style="bold")
        title.append(f" · {PERIODS[self.period]} (p: next period) · ")
        title.append(describe_filter(self.filter, self.context.store), style="dim")
        if self.brief is not None and self.brief.recorded_as is not None:
            title.append(f" · saved as brief {self.brief.recorded_as}", style="bold")
        return title

    def on_mount(self) -> None:
        self.query_one("#story-brief-scroll", VerticalScroll).focus()
        self._rebuild()

    def _rebuild(self) -> None:
        self._request += 1
        self.query_one("#story-brief-title", Static).update(self._title())
        self.query_one("#story-brief-scroll", VerticalScroll).loading = True
        self._build(self.period, self._request)

    @work(thread=True, exclusive=True, group="story-brief", exit_on_error=False)
    def _build(self, period: Period, request: int) -> None:
        store = self.context.store
        now = self.context.now()
        since = None if period != "30d" else now - timedelta(days=30)
        try:
            result: Brief | str = build_story_brief(
                store,
                self.filter,
                now=now,
                since=since,
                since_last_brief=period == "last",
                filter_key=brief_key(self.filter),
                filter_text=describe_filter(self.filter, store),
            )
        except BriefingError as error:
            result = str(error)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, result, request)

    def _show(self, result: Brief | str, request: int) -> None:
        if request != self._request:
            return  # a newer period was chosen while this one was built
        scroll = self.query_one("#story-brief-scroll", VerticalScroll)
        scroll.loading = False
        body = self.query_one("#story-brief-body", Static)
        if isinstance(result, str):
            body.update(Text(clean_line(result), style="bold red"))
            return
        self.brief = result
        text = brief_text(result)
        if self.period == "last" and result.previous_brief is None:
            text = (
                Text("No brief of this filter saved yet: the last 7 days.\n\n", style="italic")
                + text
            )
        body.update(text)
        self.query_one("#story-brief-title", Static).update(self._title())
        scroll.scroll_home(animate=False)

    # -- keys ----------------------------------------------------------------------------------

    def action_next_period(self) -> None:
        order = list(PERIODS)
        self.period = order[(order.index(self.period) + 1) % len(order)]
        self._rebuild()

    def _scroll(self) -> VerticalScroll:
        return self.query_one("#story-brief-scroll", VerticalScroll)

    def action_scroll_down(self) -> None:
        self._scroll().scroll_down(animate=False)

    def action_scroll_up(self) -> None:
        self._scroll().scroll_up(animate=False)

    def action_page_down(self) -> None:
        self._scroll().scroll_page_down(animate=False)

    def action_page_up(self) -> None:
        self._scroll().scroll_page_up(animate=False)

    def action_top(self) -> None:
        self._scroll().scroll_home(animate=False)

    def action_bottom(self) -> None:
        self._scroll().scroll_end(animate=False)

    def _record(self) -> Brief | None:
        """Record the brief on screen (once); None when there is none or the store refuses."""
        brief = self.brief
        if brief is None:
            say(self, "The brief is still being built.", severity="warning")
            return None
        if brief.recorded_as is not None:
            return brief
        try:
            brief_id = self.context.store.record_brief(
                created_at=brief.generated_at,
                since=brief.since,
                until=brief.until,
                title=brief.title,
                filter_key=brief_key(self.filter),
                document=brief_to_dict(brief),
                fingerprints=[(s.story_id, s.fingerprint) for s in brief.stories],
            )
        except BriefingError as error:
            say(self, str(error), severity="error")
            return None
        self.brief = replace(brief, recorded_as=brief_id)
        self.query_one("#story-brief-title", Static).update(self._title())
        return self.brief

    def action_save(self) -> None:
        brief = self._record()
        if brief is not None:
            say(self, f"Saved as brief {brief.recorded_as}: the next brief says what changed.")

    def action_export(self) -> None:
        brief = self._record()
        if brief is None:
            return
        path = free_path(self.directory, f"brief-{brief.until:%Y-%m-%d}")
        try:
            write_atomic(path, brief_markdown(brief).encode("utf-8"))
        except OSError as error:
            say(
                self,
                f"{path}: cannot write the brief ({error.strerror or error})",
                severity="error",
            )
            return
        say(self, f"Exported to {path} (saved as brief {brief.recorded_as})")

    def action_close(self) -> None:
        self.dismiss(None)

    def action_help(self) -> None:
        rows = help_rows(declared(STORY_BRIEF_BINDINGS), self.context.keymap)
        self.app.push_screen(HelpScreen(rows, title="Story brief — keys"))
