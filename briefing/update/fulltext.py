"""Fetching an item's article: download its page, extract the main text, store it, tag again.

The chain for one item, used by `briefing fulltext ID` and the app's key: the page goes through
the same fetcher as feeds (deadline, byte cap, redirect and scheme checks), the text through
`acquisition.fulltext`, and the item is then re-tagged on the longer text so that relevance and
actors see what the feed's summary left out. Tags, notes and triage state are untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from briefing.acquisition.fetch import FetchedDocument, fetch_document
from briefing.acquisition.fulltext import MAX_PAGE_BYTES, FullText, extract_full_text
from briefing.core.errors import BriefingError
from briefing.core.models import FeedSpec
from briefing.core.urls import is_http_url
from briefing.intelligence.tagging import Tagger
from briefing.store import RetagSummary, Store

PAGE_DEADLINE = 20.0
"""Seconds for one page, every redirect included (the feed deadline)."""

Download = Callable[[str], FetchedDocument]
"""Downloads one URL or raises a BriefingError with one line (tests pass their own)."""


@dataclass(frozen=True)
class FullTextOutcome:
    """What fetching one item's article did."""

    item_id: int
    url: str
    result: FullText
    retag: RetagSummary | None = None
    """The re-tagging of the item on its longer text (None when no text was stored)."""


def _download(url: str) -> FetchedDocument:
    return fetch_document(url, timeout=PAGE_DEADLINE, max_bytes=MAX_PAGE_BYTES)


def fetch_full_text(
    store: Store,
    tagger: Tagger,
    item_id: int,
    *,
    feed: FeedSpec | None = None,
    download: Download = _download,
) -> FullTextOutcome:
    """Fetch, extract, store and re-tag one item's article. A failure is stored and returned.

    Raises:
        BriefingError: there is no item `item_id`.
    """
    detail = store.item(item_id)
    if detail is None:
        raise BriefingError(f"no item {item_id}: `briefing export --format json` lists item ids")
    url = detail.row.url or ""
    if not is_http_url(url):
        result = FullText("failed", reason="the item has no http(s) link to fetch")
        store.save_full_text(item_id, url, result)
        return FullTextOutcome(item_id, url, result)
    try:
        page = download(url)
    except BriefingError as error:
        result = FullText("failed", reason=f"download failed: {error}")
    else:
        result = extract_full_text(
            page.body, url=page.url, content_type=page.headers.get("content-type")
        )
    store.save_full_text(item_id, url, result)
    if result.status != "ok":
        return FullTextOutcome(item_id, url, result)
    entry = store.entry(item_id)
    if entry is None:  # pragma: no cover - deleted between the two statements
        return FullTextOutcome(item_id, url, result)
    summary = store.retag([(item_id, tagger.tag(entry, feed))])
    return FullTextOutcome(item_id, url, result, summary)


__all__ = ["Download", "FullTextOutcome", "PAGE_DEADLINE", "fetch_full_text"]
