"""Planning a run: which feeds to fetch, and the job each due feed carries through the stages."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from briefing.acquisition.fetch import is_due
from briefing.core.errors import ConfigError
from briefing.core.models import Config, FeedSpec, FeedState


@dataclass(frozen=True)
class FeedJob:
    """One feed in one run: what every stage after the download needs to know of it."""

    spec: FeedSpec
    state: FeedState | None
    """What the database remembered before this run (validators, backoff)."""
    run_id: str
    now: datetime
    """When the download ended: the reference for parsing and for the next fetch time."""
    scheduled: bool = True
    """False for a document in hand (the demo, the corpus test): no next fetch time is set."""


@dataclass(frozen=True)
class Plan:
    """The chosen feeds, split by what this run does with them."""

    due: tuple[FeedSpec, ...]
    not_due: tuple[str, ...]
    disabled: tuple[str, ...]


def new_run_id(now: datetime | None = None) -> str:
    """A sortable, unique id for one run: `20260412T081500Z-1a2b3c`."""
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{stamp}-{uuid.uuid4().hex[:6]}"


def select_feeds(config: Config, only: Sequence[str]) -> list[FeedSpec]:
    """Every feed of feeds.yaml, or just those named in `only` (ConfigError for a stranger)."""
    if not only:
        return list(config.feeds)
    by_name = {spec.name.casefold(): spec for spec in config.feeds}
    chosen: list[FeedSpec] = []
    for name in only:
        spec = by_name.get(name.casefold())
        if spec is None:
            known = ", ".join(s.name for s in config.feeds) or "none"
            raise ConfigError(f"no feed named {name!r} in {config.path} (feeds: {known})")
        if spec not in chosen:
            chosen.append(spec)
    return chosen


def plan_run(
    chosen: Sequence[FeedSpec], states: Mapping[str, FeedState], *, force: bool, now: datetime
) -> Plan:
    """Split the chosen feeds into due, not due (their interval has not passed) and disabled."""
    due: list[FeedSpec] = []
    not_due: list[str] = []
    disabled: list[str] = []
    for spec in chosen:
        state = states.get(spec.name)
        if not spec.enabled or (state is not None and not state.enabled):
            disabled.append(spec.name)
        elif force or is_due(spec, state, now):
            due.append(spec)
        else:
            not_due.append(spec.name)
    return Plan(tuple(due), tuple(not_due), tuple(disabled))


def answers_304(states: Mapping[str, FeedState], due: Sequence[FeedSpec]) -> bool:
    """True when every due feed has validators, so a warm run may answer nothing but 304s."""
    for spec in due:
        state = states.get(spec.name)
        if not (state and (state.etag or state.last_modified)):
            return False
    return True
