"""The exception tree: every error briefing raises on purpose is a BriefingError with one clear line."""

from __future__ import annotations


class BriefingError(Exception):
    """Base class. `str(error)` is the one line shown to the user."""


class ConfigError(BriefingError):
    """feeds.yaml, a gazetteer or a rules file is wrong: names the file, the line and the key."""


class FetchError(BriefingError):
    """A feed could not be downloaded (network, HTTP status, limits)."""


class ParseError(BriefingError):
    """A downloaded document is not a usable feed."""


class ImportError_(BriefingError):
    """An article capture cannot be imported (empty, binary, not UTF-8, unreachable)."""


class StoreError(BriefingError):
    """The database cannot be opened or written (corrupt, newer schema, read-only)."""


class CorruptDatabaseError(StoreError):
    """The database file is damaged: every command refuses it, and nothing is written to it."""


class ReadOnlyStoreError(StoreError):
    """A write was attempted on a database opened read-only."""


class FetchInProgressError(BriefingError):
    """Another `briefing fetch` holds the fetch lock."""


class DiskFullError(StoreError):
    """The disk holding the database is full: a fetch stops at once instead of failing each feed."""


class SearchSyntaxError(BriefingError):
    """A search query cannot be read (an unbalanced quote, an operator with nothing beside it)."""
