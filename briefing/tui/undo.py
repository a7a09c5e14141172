"""A bounded stack of triage snapshots: what `u` restores, several levels deep."""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

from briefing.core.models import Triage


@dataclass(frozen=True)
class UndoStep:
    """One triage action: its label (for the notification) and the state before it."""

    label: str
    snapshot: tuple[Triage, ...]


class UndoStack:
    """Last-in first-out triage snapshots; the oldest fall off past `limit`."""

    def __init__(self, limit: int = 100) -> None:
        self._steps: deque[UndoStep] = deque(maxlen=limit)

    def push(self, label: str, snapshot: Sequence[Triage]) -> None:
        if snapshot:
            self._steps.append(UndoStep(label, tuple(snapshot)))

    def pop(self) -> UndoStep | None:
        return self._steps.pop() if self._steps else None

    def __len__(self) -> int:
        return len(self._steps)
