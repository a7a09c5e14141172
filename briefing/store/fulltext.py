"""Article text fetched from items' pages: stored apart from the feed's text, never overwritten
by a feed refresh, and used as the item's body when it is re-tagged."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import timedelta

from briefing.acquisition.fulltext import FullText, FullTextStatus
from briefing.core.models import ItemDetail
from briefing.core.text import clean_line
from briefing.store.base import StoreBase
from briefing.store.codec import iso


class FullTextMixin(StoreBase):
    def save_full_text(self, item_id: int, url: str, result: FullText) -> None:
        """Record one extraction: the text, or why there is none (a later success replaces it).

        A failure never replaces text that an earlier attempt stored: the analyst keeps the
        article even when the page later goes away.
        """
        with self._write() as db:
            if result.status == "failed":
                kept = db.execute(
                    "SELECT 1 FROM item_fulltext WHERE item_id = ? AND status = 'ok'", [item_id]
                ).fetchone()
                if kept is not None:
                    return
            db.execute(
                "INSERT OR REPLACE INTO item_fulltext (item_id, url, status, text, reason, "
                "fetched_at) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    item_id,
                    clean_line(url, 2_000),
                    result.status,
                    result.text,
                    clean_line(result.reason, 300),
                    iso(self.clock()),
                ],
            )

    def awaiting_full_text(
        self, feeds: Sequence[str], *, within: timedelta, limit: int
    ) -> list[tuple[int, str, str]]:
        """(item id, link, feed) of recent items of `feeds` whose article was never tried.

        Newest first. An item whose fetch failed has its row (with the reason) and is not
        tried again by a fetch; one a killed run never reached is tried by the next.
        """
        if not feeds:
            return []
        since = iso(self.clock() - within)
        marks = ", ".join("?" for _ in feeds)
        rows = (
            self._db()
            .execute(
                f"SELECT id, url, feed FROM items WHERE feed IN ({marks}) AND kind = 'feed' "
                "AND first_seen_at >= ? AND url IS NOT NULL "
                "AND NOT EXISTS (SELECT 1 FROM item_fulltext f WHERE f.item_id = items.id) "
                "ORDER BY first_seen_at DESC, id DESC LIMIT ?",
                [*feeds, since, limit],
            )
            .fetchall()
        )
        return [(int(r[0]), str(r[1]), str(r[2])) for r in rows]

    def with_full_text(self, detail: ItemDetail) -> ItemDetail:
        """`detail` with its stored article text (or the reason it has none) filled in."""
        row = (
            self._db()
            .execute(
                "SELECT status, text, reason FROM item_fulltext WHERE item_id = ?",
                [detail.row.id],
            )
            .fetchone()
        )
        if row is None:
            return detail
        status: FullTextStatus = "ok" if row[0] == "ok" else "failed"
        return dataclasses.replace(
            detail, full_text_status=status, full_text=row[1] or "", full_text_reason=row[2] or ""
        )
