"""Opening a database file: create it, or check, migrate or refuse it, before the store connects.

The file is only ever opened through SQLite. Reading its header with a plain open() and close()
while this process holds a connection to it would drop SQLite's locks (see store/shared.py);
SQLite itself reports a file that is not a database (SQLITE_NOTADB) on the first read.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
import uuid
from pathlib import Path
from typing import NamedTuple

from sqlite_utils import Database

from briefing.core.errors import StoreError
from briefing.store.base import BUSY_TIMEOUT_MS, NOTADB, damaged, is_corruption, rollback, utcnow
from briefing.store.migrations import KNOWN_MIGRATIONS, SCHEMA_VERSION, migrations

QUICK_CHECK_MAX_BYTES = 64 * 1024 * 1024
"""Databases up to this size (file and WAL) get `PRAGMA quick_check` on every open, before
anything is written. It reads every page: 0.04 s for 50 MiB (20,000 items) from the page cache,
0.4 s from disk; 1.3 s for 250 MiB; 11 to 16 s for 2.5 GiB (1M items) on the project's machine
(bench/README_store.md). Above it, damage is still caught when a query meets it (`damaged`),
with the same message."""

WAL_COPY_MAX_BYTES = 256 * 1024 * 1024
"""A read-only database whose WAL cannot be read in place (no -shm beside it, in a folder we
cannot write) is read from a private copy up to this size; above it, it opens without its WAL
and says so."""


class Opened(NamedTuple):
    """How to connect to a database that `open_database` checked (and migrated)."""

    uri: str
    path: Path | None
    read_only: bool
    notice: str | None
    keeper: sqlite3.Connection | None = None
    copy_dir: Path | None = None
    """A private copy the store reads instead of `path` (removed when the store closes)."""


def open_database(path: str | Path, *, read_only: bool = False, create: bool = True) -> Opened:
    """Resolve how to open `path`; create, check and migrate it.

    A file that is not SQLite, or damaged, is never written to; a newer schema is refused; an
    older one is migrated after a backup copy. With `create=False` (a command that only reads)
    a missing file is an error and nothing is created. When creating fails, the file and the
    folders made for it are removed.
    """
    if str(path) == ":memory:":
        uri = f"file:briefing-{uuid.uuid4().hex}?mode=memory&cache=shared"
        keeper = sqlite3.connect(uri, uri=True, check_same_thread=False)
        _migrate(uri, None)
        return Opened(uri, None, False, None, keeper)

    file = Path(path).expanduser()
    notice: str | None = None
    if file.exists():
        if file.is_dir():
            raise StoreError(f"{file} is a folder, not a database file — pass --db FILE")
        if not file.is_file():
            # A pipe or a device would block SQLite's first read forever, or lose writes.
            raise StoreError(f"{file} is not a regular file — pass --db FILE")
        if not read_only and not _writable(file):
            read_only = True
            notice = f"read-only: {file} cannot be written, so tags, notes and triage are not saved"
    elif read_only or not create:
        raise StoreError(
            f"no database at {file} — check --db, or run `briefing fetch` or `briefing demo` "
            "to create one"
        )

    if read_only:
        if notice is None:
            notice = f"read-only: {file} is open read-only, so tags, notes and triage are not saved"
        uri, copy_dir, missing = _readable_uri(file)
        if missing:
            notice = f"{notice}; {missing}"
        try:
            _check_read_only(uri, file)
        except BaseException:
            if copy_dir is not None:
                shutil.rmtree(copy_dir, ignore_errors=True)
            raise
        return Opened(uri, file, True, notice, copy_dir=copy_dir)

    uri = f"{file.resolve().as_uri()}?mode=rwc"
    if file.exists():
        _migrate(uri, file)
    else:
        _create(uri, file)
    return Opened(uri, file, False, notice)


def _unusable(file: Path | None, error: sqlite3.DatabaseError) -> StoreError:
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None and code & 0xFF == NOTADB:
        return StoreError(
            f"{file} is not a SQLite database (corrupt or another kind of file); it was left "
            "untouched — restore it from a backup or choose another file with --db"
        )
    if is_corruption(error):
        return damaged(file, str(error))
    return StoreError(
        f"{file} cannot be read as a SQLite database ({error}); it was left untouched — "
        "restore it from a backup or choose another file with --db"
    )


def _writable(file: Path) -> bool:
    return os.access(file, os.W_OK) and os.access(file.parent, os.W_OK)


def _size(file: Path) -> int:
    total = 0
    for suffix in ("", "-wal"):
        try:
            total += os.stat(f"{file}{suffix}").st_size
        except OSError:
            pass
    return total


def _quick_check(conn: sqlite3.Connection, file: Path) -> None:
    """Refuse a damaged database before anything is written to it (issue 17: a fetch wrote into
    one). Reads every page, so only up to QUICK_CHECK_MAX_BYTES; see that constant."""
    if _size(file) > QUICK_CHECK_MAX_BYTES:
        return
    try:
        rows = conn.execute("PRAGMA quick_check(3)").fetchall()
    except sqlite3.DatabaseError as error:
        raise _unusable(file, error) from error
    problems = [str(row[0]) for row in rows if row[0] != "ok"]
    if problems:
        raise damaged(file, "; ".join(problems)[:200])


# -- read-only --------------------------------------------------------------------------------


def _opens_read_only(uri: str) -> bool:
    """SQLite can read the database with this URI (a WAL without its -shm in a folder we cannot
    write cannot be, since 3.22 needs one of the two to exist or be creatable)."""
    try:
        conn = sqlite3.connect(uri, uri=True)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return False
    return True


def _readable_uri(file: Path) -> tuple[str, Path | None, str | None]:
    """How to read a database we may not write: (uri, private copy folder, what is missing).

    A database in a folder we cannot write, whose last changes are still in its WAL with no
    -shm beside it, cannot be opened in place with its WAL. Opened immutable it would silently
    show the state before those changes (issue 17.4b), so the file and its WAL are copied to a
    private folder and read there; when they are too large to copy, it opens immutable and
    says that recent changes may be missing.
    """
    uri = f"{file.resolve().as_uri()}?mode=ro"
    if _opens_read_only(uri):
        return uri, None, None
    immutable = f"{file.resolve().as_uri()}?mode=ro&immutable=1"
    wal = Path(f"{file}-wal")
    try:
        wal_size = wal.stat().st_size
    except OSError:
        wal_size = 0
    if wal_size == 0:
        return immutable, None, None  # nothing is waiting in a WAL: the file is the whole state
    if _size(file) <= WAL_COPY_MAX_BYTES:
        copy_dir = Path(tempfile.mkdtemp(prefix="briefing-read-only-"))
        try:
            # No SQLite connection of this process has the file open here (the probe above
            # closed its own), so these reads cannot drop a lock of ours.
            shutil.copyfile(file, copy_dir / file.name)
            shutil.copyfile(wal, copy_dir / wal.name)
        except OSError:
            shutil.rmtree(copy_dir, ignore_errors=True)
        else:
            copied = f"{(copy_dir / file.name).as_uri()}?mode=ro"
            if _opens_read_only(copied):
                return copied, copy_dir, None
            shutil.rmtree(copy_dir, ignore_errors=True)
    return (
        immutable,
        None,
        f"recent changes may be missing: they are in {wal.name}, which cannot be read without "
        f"{file.name}-shm in a folder this account cannot write — open it once with write access",
    )


def _check_read_only(uri: str, file: Path) -> None:
    try:
        conn = sqlite3.connect(uri, uri=True)
        try:
            applied = _applied(conn)
            _quick_check(conn, file)
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        raise _unusable(file, error) from error
    _refuse_newer(applied, file)
    if len(applied) < SCHEMA_VERSION:
        raise StoreError(
            f"{file} needs a schema upgrade but is read-only; open it once writable to migrate"
        )


# -- creating and migrating --------------------------------------------------------------------


def _create(uri: str, file: Path) -> None:
    """A new database; on failure, nothing of it (file, WAL, folders made for it) is left."""
    made: list[Path] = []
    folder = file.parent
    while not folder.exists():
        made.append(folder)
        folder = folder.parent
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        _remove_made(None, made)
        raise StoreError(f"cannot create {file.parent}: {error.strerror}") from error
    try:
        _migrate(uri, file, created=True)
    except BaseException:
        _remove_made(file, made)
        raise


def _remove_made(file: Path | None, folders: list[Path]) -> None:
    if file is not None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{file}{suffix}").unlink(missing_ok=True)
    for folder in folders:  # innermost first
        try:
            folder.rmdir()
        except OSError:
            break


def _applied(conn: sqlite3.Connection) -> list[str]:
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name='_sqlite_migrations'"
    ).fetchone()
    if not exists:
        return []
    return [
        row[0]
        for row in conn.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY rowid",
            ["briefing"],
        )
    ]


def _refuse_newer(applied: list[str], file: Path | None) -> None:
    unknown = [name for name in applied if name not in KNOWN_MIGRATIONS]
    if unknown:
        raise StoreError(
            f"{file} was written by a newer version of briefing (schema {len(applied)}, this "
            f"version knows {SCHEMA_VERSION}); upgrade briefing or choose another file with --db"
        )


def _migrate(uri: str, file: Path | None, *, created: bool = False) -> None:
    def unusable(error: sqlite3.DatabaseError) -> StoreError:
        if created:
            return StoreError(f"cannot create a database at {file}: {error}")
        return _unusable(file, error)

    try:
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    except sqlite3.DatabaseError as error:
        raise unusable(error) from error
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        try:
            applied = _applied(conn)  # the first read: a file that is not SQLite fails here
            if file is not None and not created:
                _quick_check(conn, file)
            if file is not None:
                mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
                if mode != "wal":
                    conn.execute("PRAGMA journal_mode = WAL")
        except sqlite3.DatabaseError as error:
            raise unusable(error) from error
        _refuse_newer(applied, file)
        db = Database(conn)
        if not migrations.pending(db):
            return
        if applied and file is not None:
            _backup(conn, file, len(applied))
        try:
            conn.execute("BEGIN IMMEDIATE")
            migrations.apply(db)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute("COMMIT")
        except sqlite3.DatabaseError as error:
            rollback(conn)
            raise unusable(error) from error
        except BaseException:
            rollback(conn)
            raise
    finally:
        conn.close()


def _backup(conn: sqlite3.Connection, file: Path, version: int) -> Path:
    """Copy the database before migrating it (SQLite's backup API: consistent even under WAL,
    and the file is never opened outside SQLite)."""
    stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
    target = file.with_name(f"{file.name}.bak-v{version}-{stamp}")
    dest = sqlite3.connect(target)
    try:
        conn.backup(dest)
    finally:
        dest.close()
    return target
