"""What every screen needs from the running app, handed down at construction: store, config, clock.

Screens receive a `TuiContext` instead of reaching back into the App (STYLE.md: attributes down,
messages up), so they can be mounted by any host app, including the tests' small ones.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from briefing.core.models import Config
from briefing.store import Store
from briefing.tui.widgets.item_detail import MentionFinder

Clock = Callable[[], datetime]
"""The time date filters and actor counts are computed against (tests freeze it)."""


def local_now() -> datetime:
    return datetime.now().astimezone()


@dataclass(frozen=True)
class TuiContext:
    """The app's open store, its configuration and its clock, plus what is derived from them."""

    store: Store
    """The open database; the one store of this process (a fetch with `R` reuses it)."""
    config: Config
    now: Clock = local_now
    keymap: Mapping[str, str] = field(default_factory=dict)
    """Binding id → keys, from `tui.keys` in feeds.yaml (the help screens show these keys)."""
    find_mentions: Callable[[], MentionFinder | None] = lambda: None
    """The actor-mention finder once the Tagger is built (None until then, or if it cannot be)."""
