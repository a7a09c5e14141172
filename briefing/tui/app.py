"""BriefingApp: wiring only — the store, the config, themes, the keymap and the triage screen."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.notifications import SeverityLevel
from textual.screen import Screen

from briefing.core.models import Config
from briefing.core.text import clean_line
from briefing.store import Store
from briefing.tui.commands import BriefingCommands
from briefing.tui.filters import keymap_from_settings
from briefing.tui.screens.help import HelpRow, help_rows
from briefing.tui.screens.triage import TriageScreen
from briefing.tui.themes import DEFAULT_THEME, THEMES
from briefing.tui.widgets.item_detail import MentionFinder

Clock = Callable[[], datetime]


def local_now() -> datetime:
    return datetime.now().astimezone()


class BriefingApp(App[None]):
    """The triage app over one open Store. Long work runs in workers; the screen never freezes."""

    CSS_PATH = "app.tcss"
    TITLE = "briefing"
    COMMANDS = App.COMMANDS | {BriefingCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
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
            tooltip="Find any command: filters, views, fetch, export, themes",
        ),
    ]

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
        self.now: Clock = now or local_now
        self._finder: MentionFinder | None = find_mentions
        self._build_tagger = find_mentions is None
        for theme in THEMES:
            self.register_theme(theme)
        wanted = config.tui.theme or DEFAULT_THEME
        self.theme = wanted if wanted in self.available_themes else DEFAULT_THEME
        self.keymap, self._unknown_keys = keymap_from_settings(config.tui.keys, self._binding_id)
        """Binding id → keys, from `tui.keys` in feeds.yaml."""
        self.set_keymap(self.keymap)

    def get_default_screen(self) -> Screen[None]:
        return TriageScreen()

    def on_mount(self) -> None:
        if self._unknown_keys:
            known = ", ".join(sorted({b.id for b in self._bindings_declared() if b.id}))
            self.say(
                f"tui.keys: unknown action(s) {', '.join(self._unknown_keys)}; known: {known}",
                severity="warning",
            )
        if self._build_tagger:
            # After the first screen is up: building the gazetteer competes for the GIL.
            self.set_timer(0.8, self._start_tagger)

    def _start_tagger(self) -> None:
        self.run_worker(self._load_tagger, thread=True, group="tagger", exit_on_error=False)

    # -- keys -------------------------------------------------------------------------------

    @staticmethod
    def _bindings_declared() -> list[Binding]:
        declared = [*TriageScreen.BINDINGS, *BriefingApp.BINDINGS]
        return [b for b in declared if isinstance(b, Binding)]

    def _binding_id(self, name: str) -> str | None:
        """Accept a binding id (`toggle-read`) or its action name (`toggle_read`)."""
        wanted = name.replace("_", "-")
        for binding in self._bindings_declared():
            if binding.id and wanted in (binding.id, binding.action.replace("_", "-")):
                return binding.id
        return None

    def help_rows(self, screen: Screen[Any] | None = None) -> list[HelpRow]:
        """Every triage key as the user has bound it (what the help screen and palette list).

        With `screen`, Textual's own active keys (tab, ctrl+q, copy) are appended, so the help
        lists exactly what the screen's bindings do.
        """
        quick = self.config.tui.quick_tags
        names = {
            f"quick-tag-{n}": f"Quick tag {n}: {clean_line(tag, 30)}"
            for n, tag in enumerate(quick, 1)
        }
        rows = help_rows(self._bindings_declared(), self.keymap, names)
        if screen is not None:
            covered = {(key, row.action) for row in rows for key in row.keys}
            extra: dict[str, list[str]] = {}
            found: dict[str, Binding] = {}
            for key, active in screen.active_bindings.items():
                binding = active.binding
                if binding.system or (key, binding.action) in covered:
                    continue
                extra.setdefault(binding.action, []).append(key)
                found.setdefault(binding.action, binding)
            for action, keys in extra.items():
                binding = found[action]
                description = binding.description or action.rpartition(".")[2].replace("_", " ")
                rows.append(
                    HelpRow(
                        None,
                        action,
                        tuple(keys),
                        description.capitalize(),
                        binding.tooltip or "Textual",
                    )
                )
        return rows

    def action_toggle_theme(self) -> None:
        dark = self.current_theme.dark
        self.theme = "briefing-light" if dark else "briefing-dark"

    # -- shared services --------------------------------------------------------------------

    def say(self, message: str, *, severity: SeverityLevel = "information") -> None:
        """A notification with feed text kept literal: cleaned, and never parsed as markup."""
        self.notify(clean_line(message, 400), severity=severity, markup=False)

    def mention_finder(self) -> MentionFinder | None:
        """`Tagger.find_mentions` once the tagger is built (None until then, or if it cannot be)."""
        return self._finder

    def _load_tagger(self) -> None:
        # Building the gazetteer automaton takes a moment: do it off the UI thread, once.
        try:
            from briefing.intelligence.tagging import Tagger  # type: ignore[import-untyped,unused-ignore]

            self._finder = Tagger.from_config(self.config).find_mentions
        except Exception:  # no gazetteer: the pane falls back to the stored mention surfaces
            self._finder = None
            return
        self.call_from_thread(self._finder_ready)

    def _finder_ready(self) -> None:
        screen = self.screen
        if isinstance(screen, TriageScreen):
            screen.show_item(screen.items.current)  # redraw with mentions highlighted
