"""The command palette (ctrl+p): every key's action, plus filters by actor, tag, feed and state,
saved views, the seed article, fetching and themes.

The provider asks the active screen for its commands (`CommandSource`); `triage_commands` builds
the triage screen's from its key rows, so the palette cannot drift from the keys. Every label
is built as literal Content (actor, tag and feed names come from data).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Protocol, runtime_checkable

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher
from textual.markup import escape

from briefing.core.models import ItemFilter
from briefing.core.text import clean_line
from briefing.store import Store
from briefing.tui import filters
from briefing.tui.bindings import APP_BINDINGS, HelpRow, declared
from briefing.tui.notify import items

Command = tuple[str, Callable[[], object], str]
"""(what the palette shows, what it runs, a line of help).

The palette parses help as markup (textual/command.py): the provider escapes it, since a help
line can carry data (an actor's kind, a key from `tui.keys`). Names go through Content, which
is literal."""


@runtime_checkable
class CommandSource(Protocol):
    """A screen that offers palette commands."""

    def palette_commands(self) -> list[Command]: ...


class FilterTarget(Protocol):
    """What the triage commands act on (the triage screen)."""

    @property
    def filter(self) -> ItemFilter: ...

    def run_action(self, action: str) -> object: ...

    def toggle_filter(self, kind: str, value: str) -> None: ...

    def open_item(self, item_id: int) -> None: ...

    def recall_view(self, name: str) -> None: ...

    def action_fetch(self, force: bool = False) -> None: ...

    def action_clear_filters(self) -> None: ...

    def action_remove_chip(self) -> None: ...


def triage_commands(target: FilterTarget, store: Store, rows: Sequence[HelpRow]) -> list[Command]:
    """The key rows' actions, then filters and views read from the store now."""
    commands: list[Command] = []
    app_actions = {b.action for b in declared(APP_BINDINGS)}
    for row in rows:
        if row.action in ("quit",):
            continue
        keys = " ".join(row.keys)
        # The app's own keys (theme, palette) run on the app, the rest on the screen.
        action = f"app.{row.action}" if row.action in app_actions else row.action
        commands.append(
            (row.description, partial(target.run_action, action), f"{row.tooltip} (keys: {keys})")
        )
    return commands + _data_commands(target, store)


def _data_commands(target: FilterTarget, store: Store) -> list[Command]:
    toggle = target.toggle_filter
    out: list[Command] = [
        (
            "Fetch every feed now",
            partial(target.action_fetch, True),
            "Fetch all enabled feeds, ignoring their refresh intervals",
        ),
        ("Clear every filter", target.action_clear_filters, "Show every item not dismissed"),
        (
            "Record my last look now",
            partial(target.run_action, "record_look"),
            '"New since my last look" counts from now (leaving the app records it too)',
        ),
        (
            "Toggle light / dark theme",
            partial(target.run_action, "app.toggle_theme"),
            "Switch briefing's themes",
        ),
    ]
    seed = store.seed()
    if seed is not None:
        out.append(
            (
                "Open the seed article",
                partial(target.open_item, seed.row.id),
                "The article the project started from",
            )
        )
    for actor in store.actors():
        out.append(
            (
                f"Filter by actor: {clean_line(actor.name, 60)}",
                partial(toggle, "actor", actor.id),
                actor.kind.replace("_", " "),
            )
        )
    for tag in store.tags():
        out.append(
            (
                f"Filter by tag: {clean_line(tag.value, 60)}",
                partial(toggle, "tag", tag.value),
                items(tag.count),
            )
        )
    for feed in store.feed_states():
        out.append(
            (
                f"Filter by feed: {clean_line(feed.name, 60)}",
                partial(toggle, "feed", feed.name),
                "Feed filter",
            )
        )
    for value, label in filters.TAGGED:
        out.append((f"Show {label} items", partial(toggle, "tagged", value), "Tagged or not"))
    for state, label in filters.STATES:
        out.append((f"Show state: {label}", partial(toggle, "state", state), "Triage state filter"))
    for key, (label, _back) in filters.DATE_RANGES.items():
        out.append((f"Show date: {label}", partial(toggle, "date", key), "Date range filter"))
    for view in store.views():
        out.append(
            (
                f"Recall view: {clean_line(view.name, 60)}",
                partial(target.recall_view, view.name),
                "Saved view",
            )
        )
    f = target.filter
    if filters.chips(f):
        out.append(("Remove the newest filter chip", target.action_remove_chip, ""))
    return out


def highlight(matcher: Matcher, name: str) -> Content:
    """`name` as literal Content with the query's matched letters styled.

    Textual's `Matcher.highlight` parses the candidate as markup (textual/fuzzy.py), which made a
    tag named `[@click=app.quit]boom[/]` a clickable quit (issue 11).
    """
    content = Content(name)
    _score, offsets = matcher.fuzzy_search.match(matcher.query, name)
    for offset in offsets:
        if not name[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


class BriefingCommands(Provider):
    """Commands of the active screen, when it offers any (`CommandSource`)."""

    def _commands(self) -> list[Command]:
        screen = self.screen
        return screen.palette_commands() if isinstance(screen, CommandSource) else []

    async def discover(self) -> Hits:
        for name, run, help_text in self._commands():
            yield DiscoveryHit(Content(name), run, text=name, help=escape(help_text))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, run, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, highlight(matcher, name), run, text=name, help=escape(help_text))
