"""A read-only database whose last changes are still in its WAL, with no -shm (issue 17.4b)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing.cli import main
from briefing.store import Store, opening
from tests.conftest import REPO

# Writes, then dies without closing: the last transaction stays in the WAL (no checkpoint).
_LEAVE_WAL = textwrap.dedent(
    """
    import os, sys
    from briefing.core.models import FetchOutcome
    from briefing.store import Store
    from tests.conftest import tagged
    store = Store.open(sys.argv[1])
    store.store_feed(FetchOutcome("W", "ok", 200), [tagged("Talks in Sirte", feed="W")])
    item = store.items()[0].id
    store.add_tags([item], ["first"])
    store.checkpoint()  # the first tag reaches the file itself
    store.add_tags([item], ["second"])  # these two stay in the WAL
    store.set_note(item, "typed before the crash")
    os._exit(0)
    """
)


@pytest.fixture
def wal_only(tmp_path: Path) -> Path:
    path = tmp_path / "briefing.db"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", _LEAVE_WAL, str(path)], cwd=REPO, env=env, capture_output=True
    )
    assert done.returncode == 0, done.stderr
    Path(f"{path}-shm").unlink()
    assert Path(f"{path}-wal").stat().st_size > 0
    return path


def _in_a_folder_we_cannot_write(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    """What SQLite does there (tests run as root, who can write anywhere): a WAL database with
    no -shm, whose -shm cannot be created, does not open in place."""
    real = opening._opens_read_only
    original = path.resolve().as_uri()
    monkeypatch.setattr(
        opening, "_opens_read_only", lambda uri: False if uri.startswith(original) else real(uri)
    )
    monkeypatch.setattr(opening, "_writable", lambda file: file.resolve() != path.resolve())


def _tags_and_note(store: Store) -> tuple[tuple[str, ...], str]:
    item = store.items()[0]
    detail = store.item(item.id)
    assert detail is not None
    return tuple(sorted(item.tags)), detail.note


def test_the_wal_is_read_from_a_private_copy(
    wal_only: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _in_a_folder_we_cannot_write(monkeypatch, wal_only)
    before = {p.name for p in wal_only.parent.iterdir()}
    store = Store.open(wal_only, read_only=True)
    try:
        assert store.read_only and "may be missing" not in (store.notice or "")
        assert _tags_and_note(store) == (("first", "second"), "typed before the crash")
    finally:
        store.close()
    assert {p.name for p in wal_only.parent.iterdir()} == before  # nothing written beside it


def test_too_large_to_copy_says_recent_changes_may_be_missing(
    wal_only: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _in_a_folder_we_cannot_write(monkeypatch, wal_only)
    monkeypatch.setattr(opening, "WAL_COPY_MAX_BYTES", 0)
    store = Store.open(wal_only, read_only=True)
    try:
        assert "recent changes may be missing" in (store.notice or "")
        assert _tags_and_note(store) == (("first",), "")  # the file alone, as said
    finally:
        store.close()
    config = wal_only.parent / "feeds.yaml"
    config.write_text("feeds: []\n", encoding="utf-8")
    result = CliRunner().invoke(
        main, ["--config", str(config), "--db", str(wal_only), "status", "--json"]
    )
    assert result.exit_code == 0, result.output
    assert "recent changes may be missing" in result.output


def test_a_read_only_open_where_sqlite_can_read_the_wal_uses_it(wal_only: Path) -> None:
    store = Store.open(wal_only, read_only=True)
    try:
        assert _tags_and_note(store) == (("first", "second"), "typed before the crash")
    finally:
        store.close()
