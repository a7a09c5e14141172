"""BriefingApp: wiring only — the store, the config, themes, the keymap and the triage screen."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App
from textual.binding import BindingType
from textual.notifications import SeverityLevel
from textual.screen import Screen

from briefing.core.errors import BriefingError
from briefing.core.models import Config
from briefing.store import Store
from briefing.tui.bindings import APP_BINDINGS, binding_id, main_bindings
from briefing.tui.commands import BriefingCommands
from briefing.tui.context import Clock, TuiContext, local_now
from briefing.tui.filters import keymap_from_settings
from briefing.tui.messages import MentionsReady
from briefing.tui.notify import say
from briefing.tui.screens.triage import TriageScreen
from briefing.tui.themes import DEFAULT_THEME, THEMES
from briefing.tui.widgets.item_detail import MentionFinder


class BriefingApp(App[None]):
    """The triage app over one open Store. Long work runs in workers; the screen never freezes."""

    CSS_PATH = "app.tcss"
    TITLE = "briefing"
    COMMANDS = App.COMMANDS | {BriefingCommands}
    BINDINGS: ClassVar[list[BindingType]] = APP_BINDINGS

    def __init__(
        self,
        store: Store,
        config: Config,
        *,
        now: Clock | None = None,
        find_mentions: MentionFinder | None = None,
    ) -> None:
        """Args:
        store: the open database (the app never closes it; the caller does).
        config: feeds.yaml, for the fetch worker, quick tags, keys and the theme.
        now: the clock for date filters and actor counts (tests freeze it).
        find_mentions: a ready mention finder; None builds the Tagger in a worker.
        """
        super().__init__()
        self.store = store
        self.config = config
        self._finder: MentionFinder | None = find_mentions
        self._build_tagger = find_mentions is None
        for theme in THEMES:
            self.register_theme(theme)
        wanted = config.tui.theme or DEFAULT_THEME
        self.theme = wanted if wanted in self.available_themes else DEFAULT_THEME
        keymap, self._unknown_keys = keymap_from_settings(config.tui.keys, binding_id)
        self.set_keymap(keymap)
        self.context = TuiContext(
            store, config, now or local_now, keymap, find_mentions=lambda: self._finder
        )
        """What the screens are given (they never reach back into the app)."""

    def get_default_screen(self) -> Screen[None]:
        return TriageScreen(self.context)

    def on_mount(self) -> None:
        if self._unknown_keys:
            known = ", ".join(sorted({b.id for b in main_bindings() if b.id}))
            self.say(
                f"tui.keys: unknown action(s) {', '.join(self._unknown_keys)}; known: {known}",
                severity="warning",
            )
        if self._build_tagger:
            # After the first screen is up: building the gazetteer competes for the GIL.
            self.set_timer(0.8, self._start_tagger)

    def on_unmount(self) -> None:
        # Leaving is the analyst's last look: "new since my last look" counts from here.
        if not self.store.read_only:
            try:
                self.store.record_look(self.context.now())
            except BriefingError:
                pass  # a locked or damaged database: the previous look stays

    def _start_tagger(self) -> None:
        self.run_worker(self._load_tagger, thread=True, group="tagger", exit_on_error=False)

    def action_toggle_theme(self) -> None:
        dark = self.current_theme.dark
        self.theme = "briefing-light" if dark else "briefing-dark"

    def say(self, message: str, *, severity: SeverityLevel = "information") -> None:
        """A notification with feed text kept literal: cleaned, and never parsed as markup."""
        say(self, message, severity=severity)

    def _load_tagger(self) -> None:
        # Building the gazetteer automaton takes a moment: do it off the UI thread, once.
        try:
            from briefing.intelligence.tagging import Tagger  # type: ignore[import-untyped,unused-ignore]

            self._finder = Tagger.from_config(self.config).find_mentions
        except Exception:  # no gazetteer: the pane falls back to the stored mention surfaces
            self._finder = None
            return
        # The triage screen is the bottom of the stack, whatever is open above it.
        self.screen_stack[0].post_message(MentionsReady())
