"""Feeds and their fetch health: configuration sync, validators, backoff state, the fetch log."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from briefing.core.models import (
    Entry,
    FeedSpec,
    FeedState,
    FetchOutcome,
    FetchRun,
    RelevanceMode,
    Verdict,
)
from briefing.core.text import clean_line
from briefing.store.base import StoreBase, insert_sql
from briefing.store.codec import dropped_from_json, iso, parse_iso, require_iso

_STATE_COLUMNS = (
    "name, url, etag, last_modified, last_status, last_error, last_fetched_at, next_fetch_at, "
    "error_count, enabled, title"
)


class FeedsMixin(StoreBase):
    """The feeds table and the fetch log."""

    def sync_feeds(self, specs: Sequence[FeedSpec]) -> None:
        """Bring the feeds table in line with feeds.yaml, keeping each feed's fetch state.

        A feed whose configured URL changed starts again from that URL (its validators are
        dropped, and a feed disabled by a 410 is enabled again); a feed removed from feeds.yaml
        stays for its items' sake but is marked out of the config.
        """
        with self._write() as db:
            existing = {
                r[0]: r
                for r in db.execute(
                    "SELECT name, config_url, last_status, language, tags, refresh_minutes, "
                    "relevance, in_config, enabled FROM feeds"
                ).fetchall()
            }

            for spec in specs:
                row: dict[str, Any] = {
                    "name": spec.name,
                    "language": spec.language,
                    "tags": json.dumps(list(spec.tags), ensure_ascii=False),
                    "refresh_minutes": spec.refresh_minutes,
                    "relevance": spec.relevance,
                    "in_config": 1,
                    "config_url": spec.url,
                }
                old = existing.get(spec.name)
                if old is None:
                    row.update(url=spec.url, enabled=int(spec.enabled), error_count=0)
                    _insert(db.conn, row)
                    continue
                moved = old[1] != spec.url
                if moved:
                    row.update(url=spec.url, etag=None, last_modified=None, error_count=0)
                # Only a 410 keeps an enabled feed off, until its URL changes.
                if not spec.enabled:
                    row["enabled"] = 0
                elif moved or old[2] != "gone":
                    row["enabled"] = 1
                else:
                    row["enabled"] = old[8]
                current = (old[3], old[4], old[5], old[6], old[7], old[8])
                wanted = (
                    row["language"],
                    row["tags"],
                    row["refresh_minutes"],
                    row["relevance"],
                    1,
                    row["enabled"],
                )
                if not moved and current == wanted:
                    continue  # unchanged: no write (a thousand feeds are synced on every run)
                _update(db.conn, spec.name, row)
            names = [s.name for s in specs]
            marks = ", ".join("?" for _ in names)
            db.execute(f"UPDATE feeds SET in_config = 0 WHERE name NOT IN ({marks})", names)

    def feed_states(self) -> list[FeedState]:
        rows = (
            self._db()
            .execute(
                f"SELECT {_STATE_COLUMNS} FROM feeds WHERE in_config = 1 ORDER BY name COLLATE NOCASE"
            )
            .fetchall()
        )
        return [_state(r) for r in rows]

    def feed_specs(self) -> dict[str, FeedSpec]:
        """Every feed the database knows, as last configured (also feeds since removed from
        feeds.yaml, and a demo's feeds): `retag` judges their items by the same mode."""
        specs: dict[str, FeedSpec] = {}
        for name, url, language, relevance, refresh in self._db().execute(
            "SELECT name, coalesce(config_url, url), language, relevance, refresh_minutes FROM feeds"
        ):
            mode: RelevanceMode = relevance if relevance in ("all", "strict") else "default"
            specs[name] = FeedSpec(
                name, url or "", language=language, relevance=mode, refresh_minutes=refresh or 60
            )
        return specs

    def feed_state(self, name: str) -> FeedState | None:
        row = (
            self._db()
            .execute(f"SELECT {_STATE_COLUMNS} FROM feeds WHERE name = ?", [name])
            .fetchone()
        )
        return _state(row) if row else None

    def _apply_outcome(self, outcome: FetchOutcome, run_id: str, new: int, updated: int) -> None:
        """Feed health and the fetch-log row; called inside the caller's transaction."""
        db = self._db()
        now = self.clock()
        update: dict[str, Any] = {
            "last_status": outcome.status,
            "last_http_status": outcome.http_status,
            "last_error": clean_line(outcome.error, 500) if outcome.error else None,
            "last_fetched_at": iso(now),
            "next_fetch_at": iso(outcome.next_fetch_at),
        }
        if outcome.status in ("ok", "not_modified"):
            update["error_count"] = 0
            if outcome.etag is not None or outcome.status == "ok":
                update["etag"] = outcome.etag
            if outcome.last_modified is not None or outcome.status == "ok":
                update["last_modified"] = outcome.last_modified
        elif outcome.status in ("error", "gone"):
            db.execute(
                "UPDATE feeds SET error_count = error_count + 1 WHERE name = ?", [outcome.feed]
            )
        if outcome.new_url:
            update["url"] = outcome.new_url
        if outcome.disable:
            update["enabled"] = 0
        if outcome.feed_title:
            update["title"] = clean_line(outcome.feed_title, 200)
        conn = db.conn
        # Plain statements: this runs for every feed of every fetch (1,000 304s in a warm run).
        if conn.execute("SELECT 1 FROM feeds WHERE name = ?", (outcome.feed,)).fetchone() is None:
            _insert(
                conn,
                {
                    "name": outcome.feed,
                    "url": outcome.new_url or "",
                    "enabled": 1,
                    "error_count": 0,
                    "in_config": 0,
                },
            )
        _update(conn, outcome.feed, update)
        conn.execute(
            "INSERT INTO fetch_runs (run_id, feed, started_at, status, http_status, error, seen, "
            "kept, dropped, new, updated, elapsed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                run_id,
                outcome.feed,
                iso(now),
                outcome.status,
                outcome.http_status,
                update["last_error"],
                outcome.seen,
                outcome.kept,
                outcome.dropped,
                new,
                updated,
                round(outcome.elapsed, 4),
            ),
        )

    def record_outcome(self, outcome: FetchOutcome, *, run_id: str = "") -> None:
        """Record a fetch that stored no items (304, error, skipped)."""
        self.record_outcomes([outcome], run_id=run_id)

    def record_outcomes(self, outcomes: Sequence[FetchOutcome], *, run_id: str = "") -> None:
        """Record many item-less fetches in one transaction (a warm run is hundreds of 304s)."""
        if not outcomes:
            return
        with self._write():
            for outcome in outcomes:
                self._apply_outcome(outcome, run_id, 0, 0)

    def fetch_runs(self, feed: str | None = None, limit: int = 50) -> list[FetchRun]:
        sql = (
            "SELECT run_id, feed, started_at, status, http_status, error, seen, kept, dropped, new, "
            "updated, elapsed FROM fetch_runs"
        )
        params: list[Any] = []
        if feed is not None:
            sql += " WHERE feed = ?"
            params.append(feed)
        sql += " ORDER BY id DESC LIMIT ?"
        params.append(limit)
        return [
            FetchRun(
                run_id=r[0] or "",
                feed=r[1],
                started_at=require_iso(r[2]),
                status=r[3],
                http_status=r[4],
                error=r[5],
                seen=r[6] or 0,
                kept=r[7] or 0,
                dropped=r[8] or 0,
                new=r[9] or 0,
                updated=r[10] or 0,
                elapsed=r[11] or 0.0,
            )
            for r in self._db().execute(sql, params).fetchall()
        ]

    def last_fetch(self) -> datetime | None:
        row = self._db().execute("SELECT max(started_at) FROM fetch_runs").fetchone()
        return parse_iso(row[0]) if row else None

    def dropped_items(self, feed: str, limit: int = 200) -> list[tuple[Entry, Verdict]]:
        """The items the last run of `feed` judged not about Libya, with the reasons (highest
        score first)."""
        row = (
            self._db().execute("SELECT items FROM dropped_feeds WHERE feed = ?", [feed]).fetchone()
        )
        dropped = dropped_from_json(feed, row[0] if row else None)
        dropped.sort(key=lambda pair: (-pair[1].score, pair[0].title))
        return dropped[:limit]


# sqlite-utils' insert and update re-read the table's schema on every call: with a thousand feeds
# synced and recorded on every run, plain statements are several times faster. The column names
# always come from this module's own dict keys, never from input.


def _insert(conn: sqlite3.Connection, row: dict[str, Any]) -> None:
    conn.execute(insert_sql("feeds", tuple(row)), tuple(row.values()))


def _update(conn: sqlite3.Connection, name: str, row: dict[str, Any]) -> None:
    assignments = ", ".join(f"{column} = ?" for column in row)
    conn.execute(f"UPDATE feeds SET {assignments} WHERE name = ?", (*row.values(), name))


def _state(r: Any) -> FeedState:
    return FeedState(
        name=r[0],
        url=r[1],
        etag=r[2],
        last_modified=r[3],
        last_status=r[4],
        last_error=r[5],
        last_fetched_at=parse_iso(r[6]),
        next_fetch_at=parse_iso(r[7]),
        error_count=r[8] or 0,
        enabled=bool(r[9]),
        title=r[10],
    )
