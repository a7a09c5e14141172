"""App-level messages that cross screens, named in the past tense (harlequin, toolong)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class FetchProgressed(Message):
    """The background fetch finished one feed."""

    feed: str
    done: int
    total: int
    new: int
    error: str | None = None


@dataclass
class FetchFinished(Message):
    """The background fetch is over (successfully or not)."""

    feeds: int
    new: int
    failed: int
    first_failure: str | None = None
    """"feed: error" of the first feed that failed, to name one in the notification."""
    not_due: int = 0
    """Feeds skipped because their refresh interval has not passed."""
    error: str | None = None
    """A failure of the whole run (no config, db unavailable), as one line."""


@dataclass
class FacetsLoaded(Message):
    """Facet counts for the current filter arrived from a worker."""

    facets: object
    """A `briefing.core.models.Facets`; typed loosely so stale results can be compared by identity."""
    generation: int


class MentionsReady(Message, bubble=False):
    """The Tagger is built: the reading pane can highlight actor mentions now."""


@dataclass
class ArticleFetched(Message):
    """The full-article worker finished one item: `error` is one line when it could not run."""

    item_id: int
    status: str
    reason: str
    error: str | None = None
