"""Story briefs in the store: the stories of a period with their reports, and recorded briefs.

A brief reads one period's items (those the filter selects) grouped by story in three bulk
queries, whatever the number of items; a recorded brief keeps its JSON document and its
stories' fingerprints, so the next brief of the same filter says which stories are new.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from briefing.core.models import (
    ItemFilter,
    RecordedBrief,
    StoryActivity,
    StoryReport,
)
from briefing.core.text import clean_line
from briefing.store import query
from briefing.store.base import StoreBase
from briefing.store.codec import event_type_of, iso, json_list, require_iso
from briefing.store.items import ACTOR_NOT_PLACE, ItemsMixin

_CHUNK = 500


class BriefsMixin(ItemsMixin, StoreBase):
    def story_activity(
        self, f: ItemFilter, since: datetime, until: datetime, *, by_arrival: bool = False
    ) -> list[StoryActivity]:
        """The stories with reports in the period that `f` selects, each with those reports.

        Args:
            by_arrival: select reports by when they reached the database rather than by their
                publication time (a brief "since the last one" wants what arrived since).
        """
        where, params = self._where(f)
        # By arrival, the period is (since, until]: what reached the database after the last
        # brief was made, up to now; by publication it is [since, until).
        column, low, high = (
            ("items.first_seen_at", ">", "<=") if by_arrival else ("items.sort_at", ">=", "<")
        )
        rows = (
            self._db()
            .execute(
                "SELECT items.id, coalesce(items.story_id, items.id), items.feed, items.url, "
                "items.language, items.sort_at, items.flagged, items.title, EXISTS (SELECT 1 "
                "FROM item_tags t WHERE t.item_id = items.id) FROM items "
                f"WHERE {where} AND items.is_seed = 0 AND {column} {low} ? AND {column} {high} ? "
                "ORDER BY items.sort_at, items.id",
                [*params, iso(since), iso(until)],
            )
            .fetchall()
        )
        reports: dict[int, list[StoryReport]] = defaultdict(list)
        for r in rows:
            reports[int(r[1])].append(
                StoryReport(
                    item_id=int(r[0]),
                    feed=str(r[2]),
                    url=r[3],
                    language=r[4],
                    published=require_iso(r[5]),
                    flagged=bool(r[6]),
                    tagged=bool(r[8]),
                    title=str(r[7]),
                )
            )
        if not reports:
            return []
        item_ids = [rep.item_id for reps in reports.values() for rep in reps]
        also = self._also_in(item_ids)
        actors = self._story_actors(item_ids)
        notes = self._shared_notes(item_ids)
        out: list[StoryActivity] = []
        db = self._db()
        story_ids = list(reports)
        for start in range(0, len(story_ids), _CHUNK):
            chunk = story_ids[start : start + _CHUNK]
            for s in db.execute(
                "SELECT s.id, s.event_type, p.name, p.region, s.headline, s.first_seen, "
                "s.last_seen, s.sources, s.items FROM stories s LEFT JOIN places p "
                f"ON p.id = s.place_id WHERE s.id IN ({query.placeholders(chunk)})",
                chunk,
            ):
                story_reports = reports[int(s[0])]
                cited = [
                    *story_reports,
                    *(
                        StoryReport(
                            rep.item_id,
                            feed,
                            url,
                            rep.language,
                            rep.published,
                            rep.flagged,
                            rep.tagged,
                            rep.title,
                        )
                        for rep in story_reports
                        for feed, url in also.get(rep.item_id, ())
                        if feed != rep.feed
                    ),
                ]
                counted: Counter[str] = Counter()
                for rep in story_reports:
                    counted.update(actors.get(rep.item_id, ()))
                out.append(
                    StoryActivity(
                        story_id=int(s[0]),
                        event_type=event_type_of(s[1]),
                        place=s[2],
                        region=s[3] or None,
                        headline=clean_line(str(s[4]), 500),
                        first_seen=require_iso(s[5]),
                        last_seen=require_iso(s[6]),
                        reports=tuple(cited),
                        actors=tuple(a for a, _ in counted.most_common()),
                        all_sources=json_list(s[7]),
                        all_items=int(s[8]),
                        shared_notes=tuple(
                            (rep.item_id, notes[rep.item_id])
                            for rep in story_reports
                            if rep.item_id in notes
                        ),
                    )
                )
        # Items stored before stories existed, not yet retagged, have no story row: each is
        # its own story.
        known = {a.story_id for a in out}
        for story_id, story_reports in reports.items():
            if story_id in known:
                continue
            first = story_reports[0]
            out.append(
                StoryActivity(
                    story_id=story_id,
                    event_type="none",
                    place=None,
                    region=None,
                    headline=clean_line(first.title, 500),
                    first_seen=first.published,
                    last_seen=story_reports[-1].published,
                    reports=tuple(story_reports),
                    actors=tuple(actors.get(first.item_id, ())),
                    all_sources=tuple(dict.fromkeys(r.feed for r in story_reports)),
                    all_items=len(story_reports),
                )
            )
        return self._placed_by_reports(out)

    def _placed_by_reports(self, stories: list[StoryActivity]) -> list[StoryActivity]:
        """Stories with no event's place placed where their reports name (`_most_named`); the
        places are read for those stories' reports only."""
        unplaced = [a for a in stories if a.place is None]
        if not unplaced:
            return stories
        named = self._named_places(list({r.item_id: None for a in unplaced for r in a.reports}))
        placed: dict[int, StoryActivity] = {}
        for a in unplaced:
            place, region = _most_named(a.reports, named)
            if place is not None:
                placed[a.story_id] = replace(a, place=place, region=region)
        return [placed.get(a.story_id, a) for a in stories]

    def _also_in(self, item_ids: Sequence[int]) -> dict[int, list[tuple[str, str | None]]]:
        out: dict[int, list[tuple[str, str | None]]] = defaultdict(list)
        for start in range(0, len(item_ids), _CHUNK):
            chunk = list(item_ids[start : start + _CHUNK])
            for item_id, feed, url in self._db().execute(
                "SELECT item_id, feed, url FROM item_sources WHERE item_id IN "
                f"({query.placeholders(chunk)}) ORDER BY item_id, seen_at",
                chunk,
            ):
                out[int(item_id)].append((str(feed), url))
        return out

    def _named_places(self, item_ids: Sequence[int]) -> dict[int, list[tuple[str, str | None]]]:
        """Each item's named places (name, region), in the order the item names them."""
        out: dict[int, list[tuple[str, str | None]]] = defaultdict(list)
        for start in range(0, len(item_ids), _CHUNK):
            chunk = list(item_ids[start : start + _CHUNK])
            for item_id, name, region in self._db().execute(
                "SELECT ip.item_id, p.name, p.region FROM item_places ip JOIN places p "
                f"ON p.id = ip.place_id WHERE ip.item_id IN ({query.placeholders(chunk)}) "
                "ORDER BY ip.item_id, ip.rowid",
                chunk,
            ):
                out[int(item_id)].append((str(name), region or None))
        return out

    def _story_actors(self, item_ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
        out: dict[int, list[str]] = defaultdict(list)
        for start in range(0, len(item_ids), _CHUNK):
            chunk = list(item_ids[start : start + _CHUNK])
            for item_id, name in self._db().execute(
                "SELECT ia.item_id, a.name FROM item_actors ia JOIN actors a ON a.id = ia.actor_id "
                f"WHERE ia.item_id IN ({query.placeholders(chunk)}) AND {ACTOR_NOT_PLACE} "
                "ORDER BY ia.item_id, ia.mentions DESC, a.name",
                chunk,
            ):
                out[int(item_id)].append(str(name))
        return {k: tuple(v) for k, v in out.items()}

    def _shared_notes(self, item_ids: Sequence[int]) -> dict[int, str]:
        out: dict[int, str] = {}
        for start in range(0, len(item_ids), _CHUNK):
            chunk = list(item_ids[start : start + _CHUNK])
            for item_id, body in self._db().execute(
                "SELECT item_id, body FROM notes WHERE shared = 1 AND item_id IN "
                f"({query.placeholders(chunk)})",
                chunk,
            ):
                out[int(item_id)] = str(body)
        return out

    # -- notes shared with the client ----------------------------------------------------------

    def set_note_shared(self, item_id: int, shared: bool) -> bool:
        """Mark an item's note as shared with the client (or private again); False: no note."""
        with self._write(index=False) as db:
            cursor = db.execute(
                "UPDATE notes SET shared = ? WHERE item_id = ?", [int(shared), item_id]
            )
            return cursor.rowcount > 0

    # -- recorded briefs ---------------------------------------------------------------------

    def record_brief(
        self,
        *,
        created_at: datetime,
        since: datetime,
        until: datetime,
        title: str,
        filter_key: str,
        document: dict[str, Any],
        fingerprints: Sequence[tuple[int, str]],
    ) -> int:
        """Keep an exported or saved brief; its id."""
        with self._write(index=False) as db:
            db.execute(
                "INSERT INTO briefs (created_at, since, until, title, filter_key, document) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [
                    iso(created_at),
                    iso(since),
                    iso(until),
                    clean_line(title, 300),
                    filter_key,
                    json.dumps(document, ensure_ascii=False, sort_keys=True),
                ],
            )
            brief_id = int(db.execute("SELECT last_insert_rowid()").fetchone()[0])
            db.conn.executemany(
                "INSERT OR REPLACE INTO brief_stories (brief_id, story_id, fingerprint) "
                "VALUES (?, ?, ?)",
                [(brief_id, story_id, fp) for story_id, fp in fingerprints],
            )
        return brief_id

    def briefs(self, limit: int = 50) -> list[RecordedBrief]:
        """Recorded briefs, newest first."""
        rows = (
            self._db()
            .execute(
                "SELECT b.id, b.created_at, b.since, b.until, b.title, b.filter_key, "
                "(SELECT count(*) FROM brief_stories s WHERE s.brief_id = b.id) FROM briefs b "
                "ORDER BY b.created_at DESC, b.id DESC LIMIT ?",
                [limit],
            )
            .fetchall()
        )
        return [_recorded(r) for r in rows]

    def last_brief(self, filter_key: str) -> RecordedBrief | None:
        """The newest recorded brief of the same filter."""
        row = (
            self._db()
            .execute(
                "SELECT b.id, b.created_at, b.since, b.until, b.title, b.filter_key, "
                "(SELECT count(*) FROM brief_stories s WHERE s.brief_id = b.id) FROM briefs b "
                "WHERE b.filter_key = ? ORDER BY b.created_at DESC, b.id DESC LIMIT 1",
                [filter_key],
            )
            .fetchone()
        )
        return _recorded(row) if row else None

    def brief_document(self, brief_id: int) -> dict[str, Any] | None:
        """A recorded brief's JSON document, to render it again exactly."""
        row = self._db().execute("SELECT document FROM briefs WHERE id = ?", [brief_id]).fetchone()
        if row is None:
            return None
        loaded: dict[str, Any] = json.loads(row[0])
        return loaded

    def brief_fingerprints(self, brief_id: int) -> dict[int, str]:
        return {
            int(story_id): str(fp)
            for story_id, fp in self._db().execute(
                "SELECT story_id, fingerprint FROM brief_stories WHERE brief_id = ?", [brief_id]
            )
        }


def _recorded(r: Sequence[Any]) -> RecordedBrief:
    return RecordedBrief(
        id=int(r[0]),
        created_at=require_iso(r[1]),
        since=require_iso(r[2]),
        until=require_iso(r[3]),
        title=str(r[4]),
        filter_key=str(r[5]),
        stories=int(r[6]),
    )


__all__ = ["BriefsMixin"]


def _most_named(
    reports: Sequence[StoryReport], named: dict[int, list[tuple[str, str | None]]]
) -> tuple[str | None, str | None]:
    """The place a story's reports name most often, for a story with no event's place.

    An item with no discrete event (a statement, a water cut) has no event's place, yet it
    is about somewhere; "no place named" above "… in Misrata" would be wrong. Ties go to
    the place named first.
    """
    counted: Counter[tuple[str, str | None]] = Counter()
    # Each item once: a report carried by other feeds too is cited once per feed.
    for item_id in dict.fromkeys(rep.item_id for rep in reports):
        counted.update(dict.fromkeys(named.get(item_id, ())))
    if not counted:
        return None, None
    return counted.most_common(1)[0][0]
