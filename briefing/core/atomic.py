"""Replacing a file whole: written aside in the same folder, then renamed over the old one.

A reader (another process loading the tagger cache, a user opening the digest) sees the old
file or the new one, never half of one; a crash or a full disk leaves the old file and no
temporary file behind.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(
    path: Path,
    data: bytes,
    *,
    private: bool = False,
    check: Callable[[Path], object] | None = None,
) -> None:
    """Write `data` to `path` atomically.

    Args:
        path: the file to create or replace.
        data: its whole new content.
        private: keep the file 0600 (a cache); otherwise its mode follows the umask, like any
            file the user makes (mkstemp alone would leave every file 0600).
        check: called with the temporary file before it replaces `path`; an exception from it
            leaves `path` untouched (feeds.yaml must still load after an import).

    Raises:
        OSError: the folder cannot be written, the disk is full (nothing is left behind).
    """
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        if not private:
            os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        if check is not None:
            check(Path(temporary))
        os.replace(temporary, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(temporary)
        raise


__all__ = ["write_atomic"]
