"""Opening the database safely: one connection per thread, WAL, a busy timeout, BEGIN IMMEDIATE writes.

Why BEGIN IMMEDIATE: in WAL mode a deferred transaction that reads and then writes fails at once
with "database is locked" when another process committed in between, whatever the busy timeout.
Taking the write lock first makes the busy timeout apply, so the fetcher under cron and the TUI
never fail each other. No transaction is held open while idle.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import NamedTuple

from sqlite_utils import Database
from sqlite_utils.db import Table

from briefing.core.errors import DiskFullError, ReadOnlyStoreError, StoreError
from briefing.store.migrations import KNOWN_MIGRATIONS, SCHEMA_VERSION, migrations

BUSY_TIMEOUT_MS = 30_000
BULK_AUTOCHECKPOINT_PAGES = 8_000
"""WAL pages (of 4 KiB, so 32 MiB) a bulk writer lets accumulate before checkpointing (SQLite's
default is 1,000). Each checkpoint syncs the files twice, inside the writer's transaction, while
the other fetch worker waits for its turn: at the default, that was about 1.3 ms of every feed's
commit in a 1,000-feed fetch. Not more: another connection's write (a tag in the TUI) during a
fetch may run the pending checkpoint itself, and 32 MiB takes about 0.15 s."""
WAL_SIZE_LIMIT = 32 * 1024 * 1024
_SQLITE_MAGIC = b"SQLite format 3\x00"


def inserted_id(table: Table) -> int:
    """The rowid of the row `table.insert()` just wrote."""
    pk = table.last_pk
    if pk is None:  # pragma: no cover - sqlite-utils sets it on every insert
        raise StoreError(f"insert into {table.name} returned no id")
    return int(pk)


@cache
def insert_sql(table: str, columns: tuple[str, ...]) -> str:
    """`INSERT INTO table (columns) VALUES (?, …)`, built once per column set.

    For hot paths that would otherwise go through sqlite-utils' insert, which re-reads the
    table's schema on every call. Table and column names come from the store's own code.
    """
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"


def utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


class StoreBase:
    """Connections, transactions and the clock. The domain mixins build on these three."""

    path: Path | None
    read_only: bool
    notice: str | None
    clock: Callable[[], datetime]

    def __init__(
        self,
        uri: str,
        path: Path | None,
        *,
        read_only: bool,
        notice: str | None,
        keeper: sqlite3.Connection | None = None,
    ) -> None:
        self._uri = uri
        self.path = path
        self.read_only = read_only
        self.notice = notice
        self.clock = utcnow
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        # A shared in-memory database lives as long as one connection to it is open.
        self._keeper = keeper
        self._autocheckpoint: int | None = None
        self._index_on_commit = True

    # -- connections ------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self._uri,
            uri=True,
            timeout=BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,
            check_same_thread=False,
        )
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        # Statement journals and sorts in memory, not in files under /var/tmp: a fetch's writer
        # made and removed one such file every few feeds.
        conn.execute("PRAGMA temp_store = MEMORY")
        if not self.read_only:
            conn.execute("PRAGMA synchronous = NORMAL")
            # A WAL that grew during a bulk fetch shrinks back to this once checkpointed.
            conn.execute(f"PRAGMA journal_size_limit = {WAL_SIZE_LIMIT}")
            if self._autocheckpoint is not None:
                conn.execute(f"PRAGMA wal_autocheckpoint = {self._autocheckpoint}")
        with self._lock:
            self._all.append(conn)
        return conn

    def defer_checkpoints(self, pages: int = BULK_AUTOCHECKPOINT_PAGES) -> None:
        """Checkpoint the WAL less often: for a process that writes many small transactions in a
        row (a fetch's worker). The caller runs `checkpoint()` once the bulk work is done."""
        self._autocheckpoint = pages
        with self._lock:
            conns = list(self._all)
        for conn in conns:
            conn.execute(f"PRAGMA wal_autocheckpoint = {pages}")

    def checkpoint(self) -> None:
        """Copy the WAL back into the database now (PASSIVE: never waits for readers or writers),
        so the next small write — a tag in the TUI — does not pay for a bulk fetch's pages."""
        if self.read_only or self.path is None:
            return
        try:
            self._db().conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except sqlite3.OperationalError:  # busy or locked: an autocheckpoint does it later
            pass

    def defer_search_index(self) -> None:
        """Leave new items out of the text-search index until `index_pending()`: for a bulk
        writer (a fetch's writer process), which indexes them in rounds, every so many feeds
        and at the end. See `m005_search_index_in_batches`; every other writer indexes before
        each commit."""
        self._index_on_commit = False

    def index_pending(self) -> int:
        """Add every item still waiting in `fts_pending` to the search index (one transaction).

        Returns how many were added. Any writer may call this at any time: after a fetch, or to
        catch up on the items of a fetch that was killed before its end.
        """
        if self.read_only:
            return 0
        with self._write(index=False) as db:
            return _index_pending(db.conn)

    def _db(self) -> Database:
        """This thread's connection, wrapped by sqlite-utils."""
        db: Database | None = getattr(self._local, "db", None)
        if db is None:
            db = Database(self._connect())
            self._local.db = db
        return db

    @contextmanager
    def _write(self, *, index: bool = True) -> Iterator[Database]:
        """One short write transaction that takes the write lock first.

        Before it commits, items waiting for the search index are indexed (unless deferred, see
        `defer_search_index`), so a search finds what the transaction stored.
        """
        if self.read_only:
            raise ReadOnlyStoreError(
                f"{self.path or 'database'} is open read-only: changes are not saved"
            )
        db = self._db()
        conn = db.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise _write_failed(self.path, error) from error
        try:
            yield db
            if index and self._index_on_commit:
                _index_pending(conn)
            conn.execute("COMMIT")
        except sqlite3.DatabaseError as error:
            # A full disk or an I/O error: the caller gets one line, the database its old state.
            _rollback(conn)
            raise _write_failed(self.path, error) from error
        except BaseException:
            _rollback(conn)
            raise

    def close(self) -> None:
        with self._lock:
            conns, self._all = self._all, []
        for conn in conns:
            try:
                conn.close()
            except sqlite3.ProgrammingError:  # closed from another thread already
                pass
        self._local = threading.local()
        if self._keeper is not None:
            self._keeper.close()
            self._keeper = None

    def __enter__(self) -> StoreBase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Opened(NamedTuple):
    """How to connect to a database that `open_database` checked (and migrated)."""

    uri: str
    path: Path | None
    read_only: bool
    notice: str | None
    keeper: sqlite3.Connection | None = None


def open_database(path: str | Path, *, read_only: bool = False) -> Opened:
    """Resolve how to open `path`; create, check and migrate it.

    A file that is not SQLite is never replaced or truncated; a newer schema is refused; an
    older one is migrated after a backup copy.
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
            # A pipe or a device would block the header read forever, or lose writes.
            raise StoreError(f"{file} is not a regular file — pass --db FILE")
        _check_header(file)
        writable = _writable(file)
        if not read_only and not writable:
            read_only = True
            notice = f"read-only: {file} cannot be written, so tags, notes and triage are not saved"
    else:
        if read_only:
            raise StoreError(
                f"no database at {file} — run `briefing fetch` or `briefing demo` first"
            )
        try:
            file.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(f"cannot create {file.parent}: {error.strerror}") from error

    if read_only:
        uri = f"{file.resolve().as_uri()}?mode=ro"
        if notice is None:
            notice = f"read-only: {file} is open read-only, so tags, notes and triage are not saved"
        uri = _readable_uri(file, uri)
        _check_schema(uri, file)
        return Opened(uri, file, True, notice)

    uri = f"{file.resolve().as_uri()}?mode=rwc"
    _migrate(uri, file, created=not file.exists())
    return Opened(uri, file, False, notice)


def _index_pending(conn: sqlite3.Connection) -> int:
    """Inside a write transaction: index the pending items and clear the queue."""
    if conn.execute("SELECT EXISTS (SELECT 1 FROM fts_pending)").fetchone()[0] == 0:
        return 0  # the common case, and it must not open the index (a fixed cost per commit)
    # From the view the index is built over: the normalised copy where there is one (m011).
    cursor = conn.execute(
        "INSERT INTO items_fts (rowid, title, summary, content) "
        "SELECT items_search.id, items_search.title, items_search.summary, items_search.content "
        "FROM fts_pending JOIN items_search ON items_search.id = fts_pending.item_id"
    )
    conn.execute("DELETE FROM fts_pending")
    return int(cursor.rowcount)


def _write_failed(path: Path | None, error: sqlite3.DatabaseError) -> StoreError:
    """The one line for a failed write; a full disk gets its own type, which stops a fetch."""
    code = getattr(error, "sqlite_errorcode", None)
    if (code is not None and code & 0xFF == sqlite3.SQLITE_FULL) or "disk is full" in str(error):
        return DiskFullError(f"the disk is full: cannot write to {path or 'the database'}")
    return StoreError(f"cannot write to {path}: {error}")


def _rollback(conn: sqlite3.Connection) -> None:
    if conn.in_transaction:
        try:
            conn.execute("ROLLBACK")
        except sqlite3.DatabaseError:  # the error already ended the transaction
            pass


def _writable(file: Path) -> bool:
    return os.access(file, os.W_OK) and os.access(file.parent, os.W_OK)


def _check_header(file: Path) -> None:
    try:
        with file.open("rb") as handle:
            head = handle.read(16)
    except OSError as error:
        raise StoreError(f"cannot read {file}: {error.strerror}") from error
    if head and head != _SQLITE_MAGIC:
        raise StoreError(
            f"{file} is not a SQLite database (corrupt or another kind of file); it was left "
            "untouched — restore it from a backup or choose another file with --db"
        )


def _readable_uri(file: Path, uri: str) -> str:
    """A read-only WAL database in a read-only folder cannot create its -shm: open it immutable."""
    try:
        conn = sqlite3.connect(uri, uri=True)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()
        return uri
    except sqlite3.DatabaseError:
        return f"{file.resolve().as_uri()}?mode=ro&immutable=1"


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


def _corrupt(file: Path | None, error: sqlite3.DatabaseError) -> StoreError:
    return StoreError(
        f"{file} cannot be read as a SQLite database ({error}); it was left untouched — "
        "restore it from a backup or choose another file with --db"
    )


def _check_schema(uri: str, file: Path) -> None:
    try:
        conn = sqlite3.connect(uri, uri=True)
        try:
            applied = _applied(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        raise _corrupt(file, error) from error
    _refuse_newer(applied, file)
    if len(applied) < SCHEMA_VERSION:
        raise StoreError(
            f"{file} needs a schema upgrade but is read-only; open it once writable to migrate"
        )


def _migrate(uri: str, file: Path | None, *, created: bool = False) -> None:
    def unusable(error: sqlite3.DatabaseError) -> StoreError:
        if created:
            return StoreError(f"cannot create a database at {file}: {error}")
        return _corrupt(file, error)

    try:
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    except sqlite3.DatabaseError as error:
        raise unusable(error) from error
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        try:
            applied = _applied(conn)
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
            _rollback(conn)
            raise unusable(error) from error
        except BaseException:
            _rollback(conn)
            raise
    finally:
        conn.close()


def _backup(conn: sqlite3.Connection, file: Path, version: int) -> Path:
    """Copy the database before migrating it (SQLite's backup API: consistent even under WAL)."""
    stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
    target = file.with_name(f"{file.name}.bak-v{version}-{stamp}")
    dest = sqlite3.connect(target)
    try:
        conn.backup(dest)
    finally:
        dest.close()
    if not target.exists():  # pragma: no cover - backup() raises on failure
        shutil.copy2(file, target)
    return target
