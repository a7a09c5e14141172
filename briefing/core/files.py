"""Reading a whole file we were given (OPML, feeds.yaml, a capture, a gazetteer), safely.

Only a regular file is read, and only up to a size checked before reading: `/dev/zero` would be
read until memory runs out, and a FIFO would block the command forever (issue 17.5). Never for
the database: that file is opened only through SQLite (store/opening.py says why).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

from briefing.core.errors import ConfigError

_CHUNK = 1 << 20


def human_size(n: int) -> str:
    """1,536 → '1.5 KB': a size as a person reads it."""
    value = float(n)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{n:,} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{n:,} bytes"  # pragma: no cover - the loop always returns


def read_capped(
    path: Path,
    limit: int,
    kind: str,
    error: Callable[[str], Exception] = ConfigError,
) -> bytes:
    """The bytes of `path`, refused before reading anything it should not read.

    Args:
        limit: the largest size accepted, in bytes.
        kind: what the file should be, for the message ("an OPML file").
        error: the exception to raise with the one line (ConfigError by default).

    Raises:
        error: `{path}: problem — remedy` when the file is missing, unreadable, not a regular
            file (a pipe, a device, a folder) or larger than `limit` (also one that grows
            past it while being read).
    """
    try:
        # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise error(f"{path}: no such file — check the path") from None
    except OSError as problem:
        raise error(f"{path}: cannot be read ({problem.strerror or problem})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            what = "a folder" if stat.S_ISDIR(info.st_mode) else "a pipe or a device"
            raise error(
                f"{path}: is {what}, not a regular file — save {kind} to a file and give its path"
            )
        too_large = (
            f"{path}: is larger than the {human_size(limit)} allowed for {kind} — "
            "check that this is the right file"
        )
        if info.st_size > limit:
            raise error(too_large)
        chunks: list[bytes] = []
        left = limit + 1  # one byte more than allowed tells a file that grew while we read
        while left > 0:
            try:
                chunk = os.read(fd, min(left, _CHUNK))
            except OSError as problem:
                raise error(f"{path}: cannot be read ({problem.strerror or problem})") from None
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        if left <= 0:
            raise error(too_large)
        return b"".join(chunks)
    finally:
        os.close(fd)
