"""One open store per database file per process: a second `Store.open` of a file shares the first.

Why: POSIX record locks belong to a process and a file, not to a descriptor, and closing ANY
descriptor of the file drops them all ("How To Corrupt An SQLite Database File", section 2.2).
SQLite works around this among its own connections, but every other open of the same file in
the process is a hazard, and a second store doing its own checks and migration is extra work.
The TUI's fetch (`R`) opened the database again while the app held it; once the app's locks
were gone, a cron fetch closing its connection believed it was the last one, checkpointed under
the app's open read transaction and removed the WAL the app was still writing to (issue 17).
So a second open of a file this process holds is handed the open store, counted; its `close()`
gives its share back, and the last one closes the connections.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from briefing.store.base import StoreBase

S = TypeVar("S", bound="StoreBase")

FileKey = tuple[int, int]
"""(device, inode): the identity POSIX locks are attached to, whatever path reached the file."""

_LOCK = threading.RLock()
_OPEN: dict[FileKey, StoreBase] = {}


def file_key(path: Path) -> FileKey | None:
    """The file's identity, or None when there is no such file (yet)."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_dev, info.st_ino)


def open_shared(path: Path, opener: Callable[[], S], kind: type[S]) -> S:
    """The store this process already has open on `path`, or a new one from `opener()`.

    Held under one lock, so two threads opening the same file get one store.
    """
    with _LOCK:
        key = file_key(path)
        existing = _OPEN.get(key) if key is not None else None
        if isinstance(existing, kind) and existing.share():
            return existing
        store = opener()
        if store.path is not None:
            key = file_key(store.path)
            if key is not None:
                _OPEN[key] = store
                store.shared_key = key
        return store


def release(store: StoreBase) -> bool:
    """Give back one share of `store`; True when it was the last (the caller closes it)."""
    with _LOCK:
        if store.unshare() > 0:
            return False
        if store.shared_key is not None and _OPEN.get(store.shared_key) is store:
            del _OPEN[store.shared_key]
        store.shared_key = None
        return True


def _forget_inherited() -> None:
    # A forked child (a fetch's writer) must open its own connections: SQLite connections do
    # not survive a fork, and the parent's locks are not the child's. The lock is new too: a
    # thread of the parent may have held it at the fork.
    global _LOCK
    _LOCK = threading.RLock()
    _OPEN.clear()


os.register_at_fork(after_in_child=_forget_inherited)
