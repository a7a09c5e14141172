"""The triage writes of the triage screen: flag, dismiss, read, tags, notes, selection and undo.

Every action snapshots the items first (`store.triage`), writes at once through the store (one
short transaction each), and pushes the snapshot for `u`. A mixin of TriageScreen, kept apart
so the screen module stays about layout, filters and navigation.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from briefing.core.errors import StoreError
from briefing.core.models import ItemRow, Triage

if TYPE_CHECKING:
    from briefing.tui.app import BriefingApp
    from briefing.tui.undo import UndoStack
    from briefing.tui.widgets.item_list import ItemList


class TriageActions:
    """The `t n f d r u x 1-9` actions; the screen provides the attributes declared below."""

    if TYPE_CHECKING:
        undo: UndoStack

        @property
        def briefing(self) -> BriefingApp: ...

        @property
        def items(self) -> ItemList: ...

        def refresh_items(self) -> None: ...

        def _refresh_counts(self) -> None: ...

        def _update_status(self) -> None: ...

        def show_item(self, row: ItemRow | None) -> None: ...

    def _triage(
        self,
        ids: Sequence[int],
        change: Callable[[list[int], list[Triage]], str],
        *,
        quiet: bool = False,
        reload: bool = False,
    ) -> bool:
        """Snapshot, apply `change` (which returns its label), remember it for undo, refresh.

        Without `reload` the changed rows are patched in place, so an item does not jump out
        of an "unread" view while it is being read; `reload` re-runs the query (dismiss).
        """
        store = self.briefing.store
        if not ids:
            self.briefing.say("Nothing to act on: the list is empty.", severity="warning")
            return False
        if store.read_only:
            self.briefing.say(
                (store.notice or "The database is read-only") + " — triage is disabled.",
                severity="warning",
            )
            return False
        chosen = list(ids)
        try:
            snapshot = store.triage(chosen)
            label = change(chosen, snapshot)
        except StoreError as error:
            self.briefing.say(str(error), severity="error")
            return False
        self.undo.push(label, snapshot)
        if not quiet:
            count = f"{len(chosen)} items" if len(chosen) > 1 else "1 item"
            self.briefing.say(f"{label}: {count}  (u undoes)")
        if reload:
            self.refresh_items()
        else:
            self.items.patch(store.triage(chosen))
            self.show_item(self.items.current)
            self._refresh_counts()
        return True

    def _set_read(self, ids: list[int], read: bool) -> str:
        self.briefing.store.set_read(ids, read)
        return "Marked read" if read else "Marked unread"

    def action_flag(self) -> None:
        def change(ids: list[int], snap: list[Triage]) -> str:
            flag = not all(t.flagged for t in snap)
            self.briefing.store.set_flagged(ids, flag)
            return "Flagged" if flag else "Unflagged"

        self._triage(self.items.targets(), change)

    def action_dismiss_item(self) -> None:
        def change(ids: list[int], snap: list[Triage]) -> str:
            dismiss = not all(t.dismissed for t in snap)
            self.briefing.store.set_dismissed(ids, dismiss)
            return "Dismissed" if dismiss else "Restored"

        if self._triage(self.items.targets(), change, reload=True):
            self.items.clear_selection()
            self._update_status()

    def action_toggle_read(self) -> None:
        def change(ids: list[int], snap: list[Triage]) -> str:
            return self._set_read(ids, not all(t.read for t in snap))

        self._triage(self.items.targets(), change)

    def action_select(self) -> None:
        self.items.toggle_selected()
        self.items.move(1)
        self._update_status()

    def action_undo(self) -> None:
        step = self.undo.pop()
        if step is None:
            self.briefing.say("Nothing to undo.")
            return
        try:
            self.briefing.store.restore(step.snapshot)
        except StoreError as error:
            self.briefing.say(str(error), severity="error")
            return
        self.briefing.say(f"Undone: {step.label.lower()} ({len(step.snapshot)} items)")
        self.refresh_items()

    def action_quick_tag(self, number: int) -> None:
        quick = self.briefing.config.tui.quick_tags
        if not 1 <= number <= len(quick):
            self.briefing.say(
                f"No quick tag {number}: list up to nine under tui: quick_tags in feeds.yaml.",
                severity="warning",
            )
            return
        tag = quick[number - 1]

        def change(ids: list[int], snap: list[Triage]) -> str:
            if all(tag in t.tags for t in snap):
                self.briefing.store.remove_tags(ids, [tag])
                return f"Removed tag {tag}"
            self.briefing.store.add_tags(ids, [tag])
            return f"Tagged {tag}"

        self._triage(self.items.targets(), change)

    def action_tag(self) -> None:
        from briefing.tui.screens.tag import TagModal

        ids = self.items.targets()
        if not ids or not self._writable():
            return
        snapshot = self.briefing.store.triage(ids)
        common = (
            [t for t in snapshot[0].tags if all(t in s.tags for s in snapshot)] if snapshot else []
        )
        about = (
            f"Tags for {len(ids)} selected items (shared tags shown)"
            if len(ids) > 1
            else f"Tags for: {self.items.current.title if self.items.current else ''}"
        )

        def done(tags: list[str] | None) -> None:
            if tags is None:
                return

            def change(chosen: list[int], _snap: list[Triage]) -> str:
                add = [t for t in tags if t not in common]
                remove = [t for t in common if t not in tags]
                if add:
                    self.briefing.store.add_tags(chosen, add)
                if remove:
                    self.briefing.store.remove_tags(chosen, remove)
                return "Tags set to " + (", ".join(tags) if tags else "none")

            self._triage(ids, change)

        self.briefing.push_screen(TagModal(self.briefing.store.tags(), common, about), done)

    def action_note(self) -> None:
        from briefing.tui.screens.note import NoteModal

        row = self.items.current
        if row is None or not self._writable():
            return
        detail = self.briefing.store.item(row.id)
        body = detail.note if detail else ""

        def done(text: str | None) -> None:
            if text is None or text == body:
                return

            def change(ids: list[int], _snap: list[Triage]) -> str:
                self.briefing.store.set_note(ids[0], text)
                return "Note saved" if text else "Note deleted"

            self._triage([row.id], change)

        self.briefing.push_screen(NoteModal(body, f"Note on: {row.title}"), done)

    def _writable(self) -> bool:
        store = self.briefing.store
        if store.read_only:
            self.briefing.say(
                (store.notice or "The database is read-only") + " — triage is disabled.",
                severity="warning",
            )
            return False
        return True
