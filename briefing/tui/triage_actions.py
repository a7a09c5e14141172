"""The triage writes: flag, dismiss, read, tags, notes and undo, over the store.

Every action snapshots the items first (`store.triage`), writes at once through the store (one
short transaction each), and pushes the snapshot for `u`. A plain object the triage screen
holds: it knows the store and how to tell the analyst, not the widgets; the screen redraws
what changed when an action reports success.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from briefing.core.errors import StoreError
from briefing.core.models import Triage
from briefing.core.text import tag_key
from briefing.store import Store
from briefing.tui.notify import items
from briefing.tui.undo import UndoStack

Change = Callable[[list[int], list[Triage]], str]
"""Writes one triage change to the chosen ids (given their snapshot) and returns its label."""


class TriageActions:
    """The `t n f d r u 1-9` writes; each returns True when something was written."""

    def __init__(self, store: Store, say: Callable[..., None]) -> None:
        self.store = store
        self.say = say
        self.undo = UndoStack()

    def writable(self) -> bool:
        """True when triage can be written; else says why (a read-only database)."""
        if self.store.read_only:
            self.say(
                (self.store.notice or "The database is read-only") + " — triage is disabled.",
                severity="warning",
            )
            return False
        return True

    def apply(self, ids: Sequence[int], change: Change, *, quiet: bool = False) -> bool:
        """Snapshot, apply `change` (which returns its label), remember it for undo, say so."""
        if not ids:
            self.say("Nothing to act on: the list is empty.", severity="warning")
            return False
        if not self.writable():
            return False
        chosen = list(ids)
        try:
            snapshot = self.store.triage(chosen)
            label = change(chosen, snapshot)
        except StoreError as error:
            self.say(str(error), severity="error")
            return False
        self.undo.push(label, snapshot)
        if not quiet:
            count = items(len(chosen))
            self.say(f"{label}: {count}  (u undoes)")
        return True

    def set_read(self, ids: Sequence[int], read: bool, *, quiet: bool = False) -> bool:
        def change(chosen: list[int], _snap: list[Triage]) -> str:
            self.store.set_read(chosen, read)
            return "Marked read" if read else "Marked unread"

        return self.apply(ids, change, quiet=quiet)

    def toggle_read(self, ids: Sequence[int]) -> bool:
        def change(chosen: list[int], snap: list[Triage]) -> str:
            read = not all(t.read for t in snap)
            self.store.set_read(chosen, read)
            return "Marked read" if read else "Marked unread"

        return self.apply(ids, change)

    def toggle_flag(self, ids: Sequence[int]) -> bool:
        def change(chosen: list[int], snap: list[Triage]) -> str:
            flag = not all(t.flagged for t in snap)
            self.store.set_flagged(chosen, flag)
            return "Flagged" if flag else "Unflagged"

        return self.apply(ids, change)

    def toggle_dismissed(self, ids: Sequence[int]) -> bool:
        def change(chosen: list[int], snap: list[Triage]) -> str:
            dismiss = not all(t.dismissed for t in snap)
            self.store.set_dismissed(chosen, dismiss)
            return "Dismissed" if dismiss else "Restored"

        return self.apply(ids, change)

    def toggle_tag(self, ids: Sequence[int], tag: str) -> bool:
        """A quick tag: added to every chosen item, or removed when all of them have it."""

        key = tag_key(tag)  # a tag is one whatever its case: "Oil" on an item is "oil"

        def change(chosen: list[int], snap: list[Triage]) -> str:
            if all(key in {tag_key(name) for name in t.tags} for t in snap):
                self.store.remove_tags(chosen, [tag])
                return f"Removed tag {tag}"
            self.store.add_tags(chosen, [tag])
            return f"Tagged {tag}"

        return self.apply(ids, change)

    def change_tags(self, ids: Sequence[int], add: Sequence[str], remove: Sequence[str]) -> bool:
        """Add `add` to every chosen item and remove `remove` from each (what `t` chose)."""
        if not add and not remove:
            return False

        def change(chosen: list[int], _snap: list[Triage]) -> str:
            if add:
                self.store.add_tags(chosen, list(add))
            if remove:
                self.store.remove_tags(chosen, list(remove))
            added = f"Tagged {', '.join(add)}" if add else ""
            removed = f"removed {', '.join(remove)}" if remove else ""
            said = "; ".join(p for p in (added, removed) if p)
            return said[:1].upper() + said[1:]

        return self.apply(ids, change)

    def save_note(self, item_id: int, text: str) -> bool:
        def change(chosen: list[int], _snap: list[Triage]) -> str:
            self.store.set_note(chosen[0], text)
            return "Note saved" if text else "Note deleted"

        return self.apply([item_id], change)

    def undo_last(self) -> bool:
        step = self.undo.pop()
        if step is None:
            self.say("Nothing to undo.")
            return False
        try:
            self.store.restore(step.snapshot)
        except StoreError as error:
            self.say(str(error), severity="error")
            return False
        self.say(f"Undone: {step.label.lower()} ({items(len(step.snapshot))})")
        return True
