"""The one way a time is written into JSON: UTC, whole seconds, `Z` (`2026-12-02T11:00:00Z`)."""

from __future__ import annotations

from datetime import UTC, datetime

JSON_TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
"""`jq`'s `fromdateiso8601` reads exactly this (no offset, no fraction of a second)."""


def json_time(moment: datetime | None) -> str | None:
    """`moment` as `2026-12-02T11:00:00Z` (a naive time is taken as UTC); None stays None.

    Every `--json` output and the JSON digest write times with this, so a script parses them
    one way: `jq '.started_at | fromdateiso8601'`, `strptime(value, JSON_TIME_FORMAT)`.
    """
    if moment is None:
        return None
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime(JSON_TIME_FORMAT)


__all__ = ["JSON_TIME_FORMAT", "json_time"]
