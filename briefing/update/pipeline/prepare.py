"""Parse and tag one downloaded document, and turn it into rows: the CPU-bound stages.

Both are pure (no database): a worker process runs them as well as this one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from briefing.acquisition.parse import parse_feed
from briefing.core.errors import ParseError
from briefing.core.models import ActorInfo, Entry, PlaceInfo, Tagged, Verdict
from briefing.core.text import clean_line
from briefing.store import PreparedFeed
from briefing.update.pipeline.outcome import Failure, Stored
from briefing.update.pipeline.plan import FeedJob

if TYPE_CHECKING:
    from briefing.intelligence.tagging import Tagger


@dataclass(frozen=True)
class Parsed:
    """A document parsed and tagged: the items kept and the ones dropped with their verdicts."""

    title: str | None
    tagged: tuple[Tagged, ...]
    dropped: tuple[tuple[Entry, Verdict], ...]
    parser: str
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rows(Stored):
    """A feed parsed, tagged and turned into rows: what the store stores (small to pickle)."""

    parser: str
    warnings: tuple[str, ...]
    rows: PreparedFeed
    actors: tuple[ActorInfo, ...] = ()
    """A worker's gazetteer, sent with its first feed: stored before the feed's mentions."""
    places: tuple[PlaceInfo, ...] = ()
    """The worker's place gazetteer, sent likewise (coordinates, and which town a quarter is in
    for stories)."""


def parse_and_tag(
    job: FeedJob, body: bytes, headers: Mapping[str, str], tagger: Tagger
) -> Parsed | Failure:
    """Parse and tag one document; any failure comes back as its one-line reason."""
    try:
        parsed = parse_feed(body, headers, job.spec, now=job.now)
        tagged: list[Tagged] = []
        dropped: list[tuple[Entry, Verdict]] = []
        for entry in parsed.entries:
            # A dropped item is stored with its verdict only (`dropped_feeds`).
            result = tagger.tag(entry, job.spec, kept_only=True)
            if result.verdict.relevant:
                tagged.append(result)
            else:
                dropped.append((entry, result.verdict))
        return Parsed(parsed.title, tuple(tagged), tuple(dropped), parsed.parser, parsed.warnings)
    except ParseError as error:
        return Failure(clean_line(str(error), 500))
    except Exception as error:  # a crashing parser or tagger fails this feed only
        reason = f"could not process the feed ({type(error).__name__}: {error})"
        return Failure(clean_line(reason, 500))


def to_rows(
    parsed: Parsed,
    rows: PreparedFeed,
    actors: tuple[ActorInfo, ...] = (),
    places: tuple[PlaceInfo, ...] = (),
) -> Rows:
    """The parsed feed with its rows (made by `prepare_feed`, here or in a worker)."""
    return Rows(
        title=parsed.title,
        kept=len(parsed.tagged),
        dropped=len(parsed.dropped),
        parser=parsed.parser,
        warnings=parsed.warnings,
        rows=rows,
        actors=actors,
        places=places,
    )
