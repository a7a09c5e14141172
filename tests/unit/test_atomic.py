"""briefing.core.atomic: one way to replace a file whole (digests, feeds.yaml, the tagger cache)."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from briefing.core.atomic import write_atomic


def test_replaces_the_file_and_follows_the_umask(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    target.write_text("old")
    old = os.umask(0o027)
    try:
        write_atomic(target, b"new")
    finally:
        os.umask(old)
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_private_files_stay_private(tmp_path: Path) -> None:
    target = tmp_path / "cache.pickle"
    write_atomic(target, b"x", private=True)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_failed_check_leaves_the_old_file_and_nothing_else(tmp_path: Path) -> None:
    target = tmp_path / "feeds.yaml"
    target.write_text("feeds: []\n")
    seen: list[bytes] = []

    def check(candidate: Path) -> None:
        seen.append(candidate.read_bytes())
        raise ValueError("would not load")

    with pytest.raises(ValueError, match="would not load"):
        write_atomic(target, b"broken: [", check=check)
    assert seen == [b"broken: ["]
    assert target.read_text() == "feeds: []\n"
    assert [p.name for p in tmp_path.iterdir()] == ["feeds.yaml"]


def test_a_full_disk_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "digest.md"
    real_fdopen = os.fdopen

    class Full:
        def __init__(self, fd: int) -> None:
            self.handle = real_fdopen(fd, "wb")

        def __enter__(self) -> Full:
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()

        def write(self, data: bytes) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fdopen", lambda fd, *a, **k: Full(fd))
    with pytest.raises(OSError, match="No space left"):
        write_atomic(target, b"text")
    assert list(tmp_path.iterdir()) == []
