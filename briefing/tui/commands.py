"""The command palette (ctrl+p): every key's action, plus filters by actor, tag, feed and state,
saved views, the seed article, fetching and themes.

Key actions come from the triage screen's BINDINGS, so the palette cannot drift from the keys.
Every label is built as literal Content (actor, tag and feed names come from data).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from briefing.core.text import clean_line
from briefing.tui import filters

if TYPE_CHECKING:
    from briefing.tui.app import BriefingApp
    from briefing.tui.screens.triage import TriageScreen

Command = tuple[str, Callable[[], object], str]
"""(what the palette shows, what it runs, a line of help).

The palette parses help as markup (textual/command.py), so help text never carries data:
only our own fixed sentences. Names go through Content, which is literal."""


class BriefingCommands(Provider):
    """Commands for the triage screen; data-driven ones are read from the store on open."""

    def _triage(self) -> TriageScreen | None:
        from briefing.tui.screens.triage import TriageScreen

        screen = self.screen
        return screen if isinstance(screen, TriageScreen) else None

    def _commands(self) -> list[Command]:
        from briefing.tui.app import BriefingApp

        app = self.app
        screen = self._triage()
        if screen is None or not isinstance(app, BriefingApp):
            return []
        commands: list[Command] = []
        for row in app.help_rows():
            if row.action in ("quit",):
                continue
            keys = " ".join(row.keys)
            commands.append(
                (
                    row.description,
                    partial(screen.run_action, row.action),
                    f"{row.tooltip} (keys: {keys})",
                )
            )
        commands += self._data_commands(app, screen)
        return commands

    def _data_commands(self, app: BriefingApp, screen: TriageScreen) -> list[Command]:
        store = app.store
        f = screen.filter
        out: list[Command] = [
            (
                "Fetch every feed now",
                partial(screen.action_fetch, True),
                "Fetch all enabled feeds, ignoring their refresh intervals",
            ),
            ("Clear every filter", screen.action_clear_filters, "Show every item not dismissed"),
            ("Toggle light / dark theme", app.action_toggle_theme, "Switch briefing's themes"),
        ]
        seed = store.seed()
        if seed is not None:
            out.append(
                (
                    "Open the seed article",
                    partial(screen.open_item, seed.row.id),
                    "The article the project started from",
                )
            )
        for actor in store.actors():
            out.append(
                (
                    f"Filter by actor: {clean_line(actor.name, 60)}",
                    partial(self._toggle, screen, "actor", actor.id),
                    actor.kind.replace("_", " "),
                )
            )
        for tag in store.tags():
            out.append(
                (
                    f"Filter by tag: {clean_line(tag.value, 60)}",
                    partial(self._toggle, screen, "tag", tag.value),
                    f"{tag.count:,} items",
                )
            )
        for feed in store.feed_states():
            out.append(
                (
                    f"Filter by feed: {clean_line(feed.name, 60)}",
                    partial(self._toggle, screen, "feed", feed.name),
                    "Feed filter",
                )
            )
        for state, label in filters.STATES:
            out.append(
                (
                    f"Show state: {label}",
                    partial(self._toggle, screen, "state", state),
                    "Triage state filter",
                )
            )
        for key, (label, _back) in filters.DATE_RANGES.items():
            out.append(
                (
                    f"Show date: {label}",
                    partial(self._toggle, screen, "date", key),
                    "Date range filter",
                )
            )
        for view in store.views():
            out.append(
                (
                    f"Recall view: {clean_line(view.name, 60)}",
                    partial(screen.recall_view, view.name),
                    "Saved view",
                )
            )
        if f.actors or f.tags or f.feeds:
            out.append(("Remove the last filter chip", screen.action_remove_chip, ""))
        return out

    @staticmethod
    def _toggle(screen: TriageScreen, kind: str, value: str) -> None:
        screen.apply_filter(filters.toggle(screen.filter, kind, value, now=screen.now()))

    async def discover(self) -> Hits:
        for name, run, help_text in self._commands():
            yield DiscoveryHit(Content(name), run, text=name, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, run, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                # matcher.highlight builds Content from the plain name: nothing is markup.
                yield Hit(score, matcher.highlight(name), run, text=name, help=help_text)
