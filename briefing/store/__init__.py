"""The store: one SQLite file behind a typed API. The only package that imports sqlite-utils.

Contract (the TUI, exporters, summaries, pipeline and CLI use only this):

    store = Store.open(path, read_only=False)       # creates, checks, migrates (after a backup) or refuses
    Store.open(path, create=False)                   # a read command: a missing file is an error
    Store.open(path) is store                        # one store per file per process: shared, counted
    store.close()                                    # gives back one share; the last one closes
    store.holds_nothing_but_the_seed() -> bool       # what opening a new file writes (cli removes it)
    # CorruptDatabaseError (a StoreError) from open or any call: the file is damaged, one line

    # feeds and fetching
    store.sync_feeds(specs)                          # feeds.yaml → feeds table (keeps state)
    store.feed_states() -> list[FeedState]
    store.feed_state(name) -> FeedState | None
    store.store_feed(outcome, tagged) -> StoreResult # one BEGIN IMMEDIATE transaction per feed
    store.prepare_feed(feed, tagged, dropped, run_id) -> PreparedFeed   # rows, no database access
    prepare_feed(feed, tagged, dropped, run_id, now) -> PreparedFeed     # the same, without a store
    store.store_prepared(outcome, prepared) -> StoreResult               # store_feed's two halves
    store.defer_checkpoints() / store.checkpoint()   # a bulk writer's WAL, checkpointed at the end
    store.defer_search_index() / store.index_pending()  # a bulk writer's new items, in rounds
    store.record_outcome(outcome) -> None            # a fetch that stored nothing (304, error)
    store.record_outcomes(outcomes) -> None          # many of those in one transaction
    store.feed_specs() -> dict[str, FeedSpec]        # every feed as last configured (retag)
    store.fetch_runs(feed=None, limit=50) -> list[FetchRun]
    store.dropped_items(feed, limit) -> list[tuple[Entry, Verdict]]   # `fetch --explain`

    # items
    store.items(filter, sort="newest", limit=200, offset=0) -> list[ItemRow]
    store.count(filter) -> int
    store.item(id) -> ItemDetail | None
    store.facets(filter) -> Facets
    store.iter_entries() -> Iterator[tuple[int, Entry]]                 # every item, for retag
    store.retag(results, feed_tags=None) -> RetagSummary  # feed_tags: also sync feed tags

    # triage (each call is its own short transaction, written at once)
    store.set_read(ids, read) / set_flagged(ids, flagged) / set_dismissed(ids, dismissed)
    store.add_tags(ids, tags) / remove_tags(ids, tags) / set_note(id, body)
    store.triage(ids) -> list[Triage]; store.restore(triage_list)     # undo
    store.tags() -> list[Facet]

    # actors
    store.sync_actors(actors: Sequence[ActorInfo])     # actors and places (Tagged.places) alike
    store.actor(id_or_name) -> ActorInfo | None
    store.actor_counts(filter=None, now=None) -> list[ActorCount]

    # saved views
    store.save_view(name, filter) / views() / view(name) / delete_view(name)  # names: any case

    # articles (the seed)
    store.upsert_article(tagged, authors_details="", first=False) -> int

    store.status() -> StoreStatus
"""

from __future__ import annotations

from briefing.store.db import RetagSummary, Store
from briefing.store.ingest import PreparedFeed, prepare_feed

__all__ = ["PreparedFeed", "RetagSummary", "Store", "prepare_feed"]
