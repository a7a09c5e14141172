"""What the app remembers per database between sessions: the analyst's last look, and the
export dialog's last choices. Kept in the `meta` table, so they travel with the database."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from briefing.store.base import StoreBase
from briefing.store.codec import iso, parse_iso

_LAST_LOOK = "last_look_at"
_EXPORT_CHOICES = "export_choices"
_MAX_CHOICES_BYTES = 4_096


class SessionMixin(StoreBase):
    def _meta(self, key: str) -> str | None:
        row = self._db().execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return None if row is None else str(row[0])

    def _set_meta(self, key: str, value: str) -> None:
        with self._write(index=False) as db:
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", [key, value])

    def last_look(self) -> datetime | None:
        """When the analyst last looked at this database (the app records it on leaving)."""
        value = self._meta(_LAST_LOOK)
        return parse_iso(value) if value else None

    def record_look(self, when: datetime) -> None:
        """Remember `when` as the last look (never moves backwards: two open apps agree)."""
        previous = self.last_look()
        if previous is None or when > previous:
            self._set_meta(_LAST_LOOK, iso(when) or "")

    def export_choices(self) -> dict[str, str]:
        """The export dialog's last choices (folder, title, format, grouping…), as text."""
        raw = self._meta(_EXPORT_CHOICES)
        try:
            loaded: Any = json.loads(raw) if raw else {}
        except ValueError:
            return {}  # a damaged value only loses the memory of the last choices
        if not isinstance(loaded, dict):
            return {}
        return {str(k): v for k, v in loaded.items() if isinstance(v, str)}

    def save_export_choices(self, choices: dict[str, str]) -> None:
        text = json.dumps({str(k): str(v) for k, v in choices.items()}, ensure_ascii=False)
        if len(text.encode()) <= _MAX_CHOICES_BYTES:
            self._set_meta(_EXPORT_CHOICES, text)
