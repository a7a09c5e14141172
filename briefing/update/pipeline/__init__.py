"""The update pipeline, the only place that chains the stages: fetch → parse → tag → store.

Read it in the order of the data: `plan` (which feeds, and the job each carries), `prepare`
(parse and tag a document, turn it into rows: pure), `outcome` (the one place a feed's
FetchOutcome is made), `storing` (one feed, one transaction), `report` (what a run tells),
`runners` (the stages chained in this process or in worker processes, one protocol), `processes`
(those workers), `run` (`update`: the lock, the plan, the concurrent downloads) and `lock`.
`document` is the same path for one document already in hand (the demo, the corpus test), and
`articles` the last stage of full-text feeds (the page behind each new item).
"""

from __future__ import annotations

from briefing.update.pipeline.document import ingest_document
from briefing.update.pipeline.lock import fetch_lock, lock_path
from briefing.update.pipeline.plan import new_run_id
from briefing.update.pipeline.report import FeedReport, ProgressCallback, RunReport
from briefing.update.pipeline.run import event_loop_factory, update

__all__ = [
    "FeedReport",
    "ProgressCallback",
    "RunReport",
    "event_loop_factory",
    "fetch_lock",
    "ingest_document",
    "lock_path",
    "new_run_id",
    "update",
]
