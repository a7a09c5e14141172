"""The fetch lock: one `briefing fetch` per database, held by that process alone.

An flock on `<db>.fetch.lock`. The kernel releases it when the last descriptor of the open file
goes, so it must be this process's alone: a forked child (a fetch's worker) gives up its copy
at once (see `_drop_in_child`), else an orphaned worker would hold the lock after its parent
was killed, and every later fetch would say "another fetch is running". The descriptor is also
close-on-exec, for children that run another program.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from briefing.core.errors import FetchInProgressError, StoreError

_held: set[int] = set()
"""The descriptors of the locks this process holds."""


def _drop_in_child() -> None:
    # Not os.close: the lock's file object, copied into the child, may be collected there and
    # close its descriptor number again, by then perhaps a database file's (closing any
    # descriptor of a SQLite file drops the process's locks on it). /dev/null takes its place.
    for fd in _held:
        null = os.open(os.devnull, os.O_RDONLY | os.O_CLOEXEC)
        try:
            os.dup2(null, fd, inheritable=False)
        finally:
            os.close(null)
    _held.clear()


os.register_at_fork(after_in_child=_drop_in_child)


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".fetch.lock")


@contextmanager
def fetch_lock(db_path: Path | None, *, wait: bool = False) -> Iterator[None]:
    """Hold `<db>.fetch.lock` for the block; FetchInProgressError when another fetch holds it.

    The lock file also names the holder's pid. flock is released by the kernel when the
    process dies, so a killed fetch leaves no stale lock.
    """
    if db_path is None:  # an in-memory store: nothing to share
        yield
        return
    path = lock_path(db_path)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
    except OSError as error:
        raise StoreError(
            f"cannot create the fetch lock {path}: {error.strerror or error} — "
            "is the database folder writable?"
        ) from error
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError as error:
            raise FetchInProgressError(
                f"another fetch is running on {db_path} (lock {path}); "
                "it will store its feeds — use --wait to queue behind it"
            ) from error
        _held.add(fd)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        _held.discard(fd)
        os.close(fd)  # closing the descriptor releases the lock
