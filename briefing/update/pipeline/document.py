"""One document already in hand (the demo, the corpus test): the same parse → tag → store path."""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from briefing.core.models import FeedSpec
from briefing.store import Store
from briefing.update.pipeline.outcome import Failure
from briefing.update.pipeline.plan import FeedJob, new_run_id
from briefing.update.pipeline.prepare import parse_and_tag, to_rows
from briefing.update.pipeline.report import FeedReport
from briefing.update.pipeline.storing import store_feed

if TYPE_CHECKING:
    from briefing.intelligence.tagging import Tagger


def ingest_document(
    spec: FeedSpec,
    body: bytes,
    headers: Mapping[str, str],
    store: Store,
    tagger: Tagger,
    *,
    now: datetime | None = None,
    run_id: str = "",
) -> FeedReport:
    """Parse, tag and store one downloaded (or local) document as feed `spec`.

    The caller has run `store.sync_feeds` (with `spec` among the feeds) and
    `store.sync_actors(tagger.actor_infos())`. A document that cannot be parsed is recorded as
    the feed's failure and reported, never raised.

    Returns:
        FeedReport with the counts (seen, kept, dropped, new, updated) or the error.
    """
    now = now or datetime.now(UTC)
    started = time.monotonic()
    job = FeedJob(spec, None, run_id or new_run_id(now), now, scheduled=False)
    parsed = parse_and_tag(job, body, headers, tagger)
    result = (
        parsed
        if isinstance(parsed, Failure)
        else to_rows(
            parsed, store.prepare_feed(job.spec.name, parsed.tagged, parsed.dropped, job.run_id)
        )
    )
    return store_feed(store, job, None, result, elapsed=time.monotonic() - started)
