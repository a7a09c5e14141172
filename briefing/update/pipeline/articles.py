"""A fetch's last stage for feeds marked `full_text: true`: the article behind each new item.

After the feeds are stored, the pages behind their new kept items are downloaded by the same
Fetcher (deadline, byte caps, redirect and scheme checks, the per-host limit, so an outlet's
site is not hammered), their main text extracted and stored, and the items tagged again on the
longer text. A page that fails keeps the item as it was, with the reason recorded; one run
tries a bounded number of pages, newest first, and the next run picks up what is left.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from briefing.acquisition.fetch import Fetcher, FetchLimits
from briefing.acquisition.fulltext import MAX_PAGE_BYTES, FullText, extract_full_text
from briefing.core.models import Config, FeedSpec, Tagged
from briefing.core.urls import is_http_url
from briefing.store import Store

if TYPE_CHECKING:
    from briefing.intelligence.tagging import Tagger

RECENT = timedelta(days=3)
"""Items first seen this long ago or less are candidates (older ones were some other run's)."""
PAGES_PER_RUN = 200
"""Pages one run fetches at most: a first run on a large feed must not fetch for an hour."""


@dataclass(frozen=True)
class ArticlesReport:
    """What the full-text stage of a run did."""

    tried: int = 0
    stored: int = 0
    failed: int = 0


async def fetch_articles(
    config: Config,
    store: Store,
    feeds: Sequence[FeedSpec],
    limits: FetchLimits,
    tagger: Callable[[], Tagger],
) -> ArticlesReport:
    """Fetch, extract, store and re-tag the articles of `feeds`' recent items never tried."""
    specs = {spec.name: spec for spec in feeds}
    targets = store.awaiting_full_text(list(specs), within=RECENT, limit=PAGES_PER_RUN)
    if not targets:
        return ArticlesReport()
    page_limits = FetchLimits(
        deadline=limits.deadline,
        connect_timeout=limits.connect_timeout,
        max_wire_bytes=min(limits.max_wire_bytes, MAX_PAGE_BYTES),
        max_body_bytes=min(limits.max_body_bytes, MAX_PAGE_BYTES),
        max_redirects=limits.max_redirects,
        user_agent=limits.user_agent,
    )
    async with Fetcher(
        page_limits,
        max_connections=config.max_connections,
        max_per_host=config.max_per_host,
        base_dir=None,
    ) as fetcher:

        async def one(feed: str, url: str) -> FullText:
            if not is_http_url(url):
                return FullText("failed", reason="the item has no http(s) link to fetch")
            response = await fetcher.fetch(FeedSpec(feed, url))
            if response.status != "ok":
                return FullText("failed", reason=f"download failed: {response.error or 'no page'}")
            # Extraction is CPU work: off the event loop, so other downloads keep going.
            return await asyncio.to_thread(
                extract_full_text,
                response.body,
                url=response.url,
                content_type=response.headers.get("content-type"),
            )

        results = await asyncio.gather(*(one(feed, url) for _, url, feed in targets))
    retag: list[tuple[int, Tagged]] = []
    built: Tagger | None = None
    for (item_id, url, feed), result in zip(targets, results, strict=True):
        store.save_full_text(item_id, url, result)
        if result.status != "ok":
            continue
        entry = store.entry(item_id)
        if entry is not None:
            built = built or tagger()
            retag.append((item_id, built.tag(entry, specs.get(feed))))
    if retag:
        store.retag(retag)
    stored = sum(r.status == "ok" for r in results)
    return ArticlesReport(tried=len(targets), stored=stored, failed=len(targets) - stored)


__all__ = ["PAGES_PER_RUN", "RECENT", "ArticlesReport", "fetch_articles"]
