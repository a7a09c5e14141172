"""The brief of an actor (or of the current filter): a widget the actors screen embeds, and a screen.

The brief is computed in a thread worker (a brief over thousands of items takes a moment) and
drawn from a rich Text built piece by piece: feed text never reaches a markup parser.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.worker import get_current_worker

from briefing.core.errors import BriefingError
from briefing.core.models import ItemFilter
from briefing.core.text import clean_line
from briefing.reports.export import brief_text, describe_filter
from briefing.reports.summarize import ActorBrief, BriefSource, build_brief
from briefing.tui.bindings import BRIEF_BINDINGS


class BriefView(VerticalScroll):
    """Shows one brief; `show_brief` loads another in the background (the newest request wins)."""

    DEFAULT_CSS = """
    BriefView { height: 1fr; padding: 0 1; }
    BriefView > #brief-body { width: 100%; height: auto; }
    BriefView > #brief-body.error { color: $error; }
    """

    @dataclass
    class Loaded(Message):
        """A brief finished loading and is on screen."""

        view: BriefView
        brief: ActorBrief

    def __init__(
        self,
        store: BriefSource,
        *,
        now: Callable[[], datetime] | None = None,
        name: str | None = None,
        id: str | None = None,  # noqa: A002 - Textual's own keyword
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.store = store
        self._now = now
        self.brief: ActorBrief | None = None
        """The brief on screen (None before the first one loads)."""
        self._request = 0

    def compose(self) -> ComposeResult:
        yield Static(Content("Choose an actor to see its brief."), id="brief-body")

    def show_brief(self, actor: str | None, f: ItemFilter) -> None:
        """Load and show the brief of `actor` (id or name; None = the whole filter) within `f`."""
        self._request += 1
        self.loading = True
        # The app's clock (frozen in tests); without one, the brief uses real time.
        self._load(actor, f, self._now() if self._now else None, self._request)

    @work(thread=True, exclusive=True, group="brief", exit_on_error=False)
    def _load(self, actor: str | None, f: ItemFilter, now: datetime | None, request: int) -> None:
        try:
            result: ActorBrief | str = build_brief(self.store, actor=actor, f=f, now=now)
        except BriefingError as error:
            result = str(error)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, result, request)

    def _show(self, result: ActorBrief | str, request: int) -> None:
        if request != self._request:
            return  # an older request finished after a newer one started
        self.loading = False
        body = self.query_one("#brief-body", Static)
        if isinstance(result, str):
            body.add_class("error")
            body.update(Text(clean_line(result)))
            return
        body.remove_class("error")
        self.brief = result
        body.update(brief_text(result))
        self.scroll_home(animate=False)
        self.post_message(self.Loaded(self, result))


class BriefScreen(Screen[None]):
    """A full-screen brief of one actor, or of the filter when `actor` is None. Escape closes."""

    DEFAULT_CSS = """
    BriefScreen #brief-title { height: auto; padding: 0 1; background: $panel; color: $text-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = BRIEF_BINDINGS

    def __init__(
        self,
        store: BriefSource,
        f: ItemFilter,
        actor: str | None,
        *,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__()
        self.store = store
        self._now = now
        self.filter = f
        self.actor = actor

    def compose(self) -> ComposeResult:
        heading = "Brief of the current filter" if self.actor is None else "Actor brief"
        title = Text(heading, style="bold")
        title.append(" · ")
        title.append(describe_filter(self.filter, self.store), style="dim")
        yield Static(title, id="brief-title")
        yield BriefView(self.store, now=self._now, id="brief-view")
        yield Footer()

    def on_mount(self) -> None:
        view = self.query_one(BriefView)
        view.focus()
        view.show_brief(self.actor, self.filter)

    def action_close(self) -> None:
        self.dismiss(None)

    # The same moves as every list of the app (bindings.list_moves), over the brief's text.
    def action_cursor_down(self) -> None:
        self.query_one(BriefView).scroll_down(animate=False)

    def action_cursor_up(self) -> None:
        self.query_one(BriefView).scroll_up(animate=False)

    def action_top(self) -> None:
        self.query_one(BriefView).scroll_home(animate=False)

    def action_bottom(self) -> None:
        self.query_one(BriefView).scroll_end(animate=False)

    def action_page_down(self) -> None:
        self.query_one(BriefView).scroll_page_down(animate=False)

    def action_page_up(self) -> None:
        self.query_one(BriefView).scroll_page_up(animate=False)
