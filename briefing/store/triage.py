"""The analyst's work: read, flag, dismiss, tags, notes, undo snapshots and saved views.

Each call is one short transaction, committed before it returns: a crash a moment later loses
nothing the analyst did.
"""

from __future__ import annotations

from collections.abc import Sequence

from briefing.core.errors import StoreError
from briefing.core.models import Facet, ItemFilter, SavedView, Triage
from briefing.core.text import clean_line, strip_unsafe, tag_key
from briefing.store.base import StoreBase
from briefing.store.codec import filter_from_json, filter_to_json, iso
from briefing.store.feedtags import ANALYST, FEED, clean_tag, normalise_tag, tag_id
from briefing.store.query import placeholders


class TriageMixin(StoreBase):
    """Writes the analyst makes, and the saved views."""

    def _set_flag(self, column: str, ids: Sequence[int], value: bool) -> None:
        if not ids:
            return
        with self._write() as db:
            for start in range(0, len(ids), 500):
                chunk = list(ids[start : start + 500])
                db.execute(
                    f"UPDATE items SET {column} = ? WHERE id IN ({placeholders(chunk)})",
                    [int(value), *chunk],
                )

    def set_read(self, ids: Sequence[int], read: bool) -> None:
        self._set_flag("read", ids, read)

    def set_flagged(self, ids: Sequence[int], flagged: bool) -> None:
        self._set_flag("flagged", ids, flagged)

    def set_dismissed(self, ids: Sequence[int], dismissed: bool) -> None:
        self._set_flag("dismissed", ids, dismissed)

    def add_tags(self, ids: Sequence[int], tags: Sequence[str]) -> None:
        spelled: dict[str, str] = {}  # one spelling per tag (the first), whatever its case
        for tag in tags:
            name = normalise_tag(tag)
            if name:
                spelled.setdefault(tag_key(name), name)
        names = list(spelled.values())
        if not ids or not names:
            return
        now = iso(self.clock())
        with self._write() as db:
            tag_ids = [self._tag_id(name) for name in names]
            db.table("item_tags").insert_all(
                ({"item_id": i, "tag_id": t, "created_at": now} for i in ids for t in tag_ids),
                pk=("item_id", "tag_id"),
                ignore=True,
            )
            # A feed tag the analyst had removed and now adds back is theirs again.
            db.execute(
                f"DELETE FROM removed_feed_tags WHERE item_id IN ({placeholders(ids)}) "
                f"AND tag_id IN ({placeholders(tag_ids)})",
                [*ids, *tag_ids],
            )

    def remove_tags(self, ids: Sequence[int], tags: Sequence[str]) -> None:
        """Take tags off items. A feed tag removed this way stays off: fetches and `retag`
        do not add it back (see `briefing.store.feedtags`)."""
        # Only looked up: a name too long to be a tag matches none, and is no error.
        names = [tag_key(clean_tag(t)) for t in tags]
        if not ids or not names:
            return
        chosen = (
            f"FROM item_tags WHERE item_id IN ({placeholders(ids)}) AND tag_id IN "
            f"(SELECT id FROM tags WHERE name_key IN ({placeholders(names)}))"
        )
        with self._write() as db:
            db.execute(
                "INSERT OR IGNORE INTO removed_feed_tags (item_id, tag_id, removed_at) "
                f"SELECT item_id, tag_id, ? {chosen} AND source = 'feed'",
                [iso(self.clock()), *ids, *names],
            )
            db.execute(f"DELETE {chosen}", [*ids, *names])

    def _tag_id(self, name: str) -> int:
        return tag_id(self._db().conn, name)

    def set_note(self, item_id: int, body: str) -> None:
        """Save the note on an item; an empty body deletes it."""
        # Keep the analyst's line breaks: only unsafe characters go.
        text = strip_unsafe(body).strip()
        with self._write() as db:
            if not db.execute("SELECT 1 FROM items WHERE id = ?", [item_id]).fetchone():
                raise StoreError(f"no item with id {item_id}")
            if text:
                db.table("notes").upsert(
                    {"item_id": item_id, "body": text, "updated_at": iso(self.clock())},
                    pk="item_id",
                )
            else:
                db.execute("DELETE FROM notes WHERE item_id = ?", [item_id])

    def triage(self, ids: Sequence[int]) -> list[Triage]:
        """The current triage state of `ids`, to restore on undo."""
        if not ids:
            return []
        db = self._db()
        marks = placeholders(ids)
        tags: dict[int, list[str]] = {i: [] for i in ids}
        for item_id, name in db.execute(
            f"SELECT it.item_id, t.name FROM item_tags it JOIN tags t ON t.id = it.tag_id "
            f"WHERE it.item_id IN ({marks}) ORDER BY t.name",
            list(ids),
        ):
            tags[item_id].append(name)
        notes = dict(
            db.execute(
                f"SELECT item_id, body FROM notes WHERE item_id IN ({marks})", list(ids)
            ).fetchall()
        )
        rows = db.execute(
            f"SELECT id, read, flagged, dismissed FROM items WHERE id IN ({marks})", list(ids)
        ).fetchall()
        return [
            Triage(
                r[0],
                bool(r[1]),
                bool(r[2]),
                bool(r[3]),
                tuple(tags.get(r[0], ())),
                notes.get(r[0], ""),
            )
            for r in rows
        ]

    def restore(self, snapshot: Sequence[Triage]) -> None:
        """Put items back exactly as a `triage()` snapshot had them (undo), in one transaction."""
        if not snapshot:
            return
        now = iso(self.clock())
        with self._write() as db:
            for t in snapshot:
                db.execute(
                    "UPDATE items SET read = ?, flagged = ?, dismissed = ? WHERE id = ?",
                    [int(t.read), int(t.flagged), int(t.dismissed), t.item_id],
                )
                self._restore_tags(t.item_id, t.tags, now)
                if t.note:
                    db.table("notes").upsert(
                        {"item_id": t.item_id, "body": t.note, "updated_at": now}, pk="item_id"
                    )
                else:
                    db.execute("DELETE FROM notes WHERE item_id = ?", [t.item_id])

    def _restore_tags(self, item_id: int, names: Sequence[str], now: str | None) -> None:
        """Give an item exactly the tags `names`, keeping each kept tag's source: a feed tag
        whose removal is undone comes back as a feed tag, and no longer counts as removed."""
        conn = self._db().conn
        current = {
            tag: source
            for tag, source in conn.execute(
                "SELECT tag_id, source FROM item_tags WHERE item_id = ?", (item_id,)
            )
        }
        # Names from a snapshot of stored tags: restored as they are, whatever their length.
        wanted = {self._tag_id(n) for n in (clean_tag(n) for n in names) if n}
        for tag in current.keys() - wanted:
            conn.execute("DELETE FROM item_tags WHERE item_id = ? AND tag_id = ?", (item_id, tag))
        for tag in wanted - current.keys():
            removed = conn.execute(
                "DELETE FROM removed_feed_tags WHERE item_id = ? AND tag_id = ?", (item_id, tag)
            ).rowcount
            conn.execute(
                "INSERT INTO item_tags (item_id, tag_id, created_at, source) VALUES (?, ?, ?, ?)",
                (item_id, tag, now, FEED if removed else ANALYST),
            )

    def tags(self) -> list[Facet]:
        """Every tag in use, with its number of items, most used first."""
        rows = (
            self._db()
            .execute(
                "SELECT t.name, count(it.item_id) AS n FROM tags t JOIN item_tags it ON it.tag_id = t.id "
                "GROUP BY t.id ORDER BY n DESC, t.name COLLATE NOCASE"
            )
            .fetchall()
        )
        return [Facet(r[0], r[0], r[1]) for r in rows]

    # -- saved views -------------------------------------------------------------------------

    def save_view(self, name: str, f: ItemFilter) -> None:
        """Save `f` as `name`, replacing the view of exactly that name.

        Names are unique without regard to case (m009): saving "escalation" beside
        "Escalation" is refused with one line rather than creating a second view that
        `export --view` could mistake for the first.
        """
        label = clean_line(name, 80)
        if not label:
            raise StoreError("a saved view needs a name")
        key = label.casefold()
        now = iso(self.clock())
        with self._write() as db:
            existing = db.execute(
                "SELECT name, created_at FROM views WHERE name_key = ?", [key]
            ).fetchone()
            if existing is not None and existing[0] != label:
                raise StoreError(
                    f"a view named {existing[0]!r} already exists (view names ignore case) — "
                    "choose another name, or delete that view first"
                )
            db.table("views").upsert(
                {
                    "name": label,
                    "name_key": key,
                    "filter": filter_to_json(f),
                    "created_at": existing[1] if existing else now,
                    "updated_at": now,
                },
                pk="name",
            )

    def views(self) -> list[SavedView]:
        rows = (
            self._db().execute("SELECT name, filter FROM views ORDER BY name_key, name").fetchall()
        )
        return [SavedView(r[0], filter_from_json(r[1])) for r in rows]

    def view(self, name: str) -> SavedView | None:
        """The view called `name`, whatever its case."""
        row = (
            self._db()
            .execute(
                "SELECT name, filter FROM views WHERE name_key = ?",
                [clean_line(name, 80).casefold()],
            )
            .fetchone()
        )
        return SavedView(row[0], filter_from_json(row[1])) if row else None

    def delete_view(self, name: str) -> None:
        with self._write() as db:
            db.execute("DELETE FROM views WHERE name_key = ?", [clean_line(name, 80).casefold()])
