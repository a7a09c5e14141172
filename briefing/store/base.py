"""Opening the database safely: one connection per thread, WAL, a busy timeout, BEGIN IMMEDIATE writes.

Why BEGIN IMMEDIATE: in WAL mode a deferred transaction that reads and then writes fails at once
with "database is locked" when another process committed in between, whatever the busy timeout.
Taking the write lock first makes the busy timeout apply, so the fetcher under cron and the TUI
never fail each other. No transaction is held open while idle.
"""

from __future__ import annotations

import shutil
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from sqlite_utils import Database
from sqlite_utils.db import Table

from briefing.core.errors import (
    CorruptDatabaseError,
    DiskFullError,
    ReadOnlyStoreError,
    StoreError,
)

BUSY_TIMEOUT_MS = 30_000
BULK_AUTOCHECKPOINT_PAGES = 8_000
"""WAL pages (of 4 KiB, so 32 MiB) a bulk writer lets accumulate before checkpointing (SQLite's
default is 1,000). Each checkpoint syncs the files twice, inside the writer's transaction, while
the other fetch worker waits for its turn: at the default, that was about 1.3 ms of every feed's
commit in a 1,000-feed fetch. Not more: another connection's write (a tag in the TUI) during a
fetch may run the pending checkpoint itself, and 32 MiB takes about 0.15 s."""
WAL_SIZE_LIMIT = 32 * 1024 * 1024
BULK_CACHE_KIB = 16 * 1024
"""Page cache (KiB) of a bulk writer's connection (SQLite's default is 2 MiB). A fetch's writer
stores up to 16 feeds in one transaction (`grouped_writes`): their pages outgrow 2 MiB, so
SQLite spilled dirty pages to the WAL in mid-transaction and read back the ones it needed again
— the stories rows and the indexes every new item touches. Storing 1,000 feeds in groups of 16
(bench/README_fetch.md): 135,000 page reads and 186,000 page writes at the default; 26,000 and
125,000 with 8 MiB, 22,000 and 125,000 with 16, 20,000 and 125,000 with 64. Only the writer
process of a fetch, for one run; other connections keep the default."""
_MAIN = threading.main_thread()
NOTADB = 26
"""SQLITE_NOTADB: the file's header is not SQLite's."""
CORRUPT = 11
"""SQLITE_CORRUPT (its extended codes too, such as a damaged search index)."""


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


def is_corruption(error: sqlite3.DatabaseError) -> bool:
    """The error says the file is damaged or not a database (not busy, full or read-only)."""
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (CORRUPT, NOTADB)
    text = str(error)
    return "malformed" in text or "not a database" in text


def damaged(file: Path | None, detail: str) -> CorruptDatabaseError:
    """The one line every command shows for a damaged database, and what to do about it."""
    where = str(file) if file is not None else "the database"
    return CorruptDatabaseError(
        f"{where}: the database is damaged ({detail}); nothing was written to it — restore it "
        f"from a backup (briefing leaves {file.name if file else 'FILE'}.bak-v* copies beside it "
        f"when it upgrades one), or save what is readable with "
        f"`sqlite3 {where} .recover | sqlite3 recovered.db` and use --db recovered.db"
    )


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
        copy_dir: Path | None = None,
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
        # A read-only database read from a private copy (see opening._readable_uri).
        self._copy_dir = copy_dir
        self._autocheckpoint: int | None = None
        self._cache_kib: int | None = None
        self._index_on_commit = True
        self._shares = 1
        self.shared_key: tuple[int, int] | None = None
        """Set while this store is the one `Store.open` hands out for its file (store/shared.py)."""
        self._owners: dict[int, threading.Thread] = {}

    # -- sharing (one store per file per process, see store/shared.py) ----------------------

    def share(self) -> bool:
        """Take one more share of this open store; False when it is closed already."""
        if self._shares <= 0:
            return False
        self._shares += 1
        return True

    def unshare(self) -> int:
        """Give one share back; returns how many remain."""
        self._shares = max(0, self._shares - 1)
        return self._shares

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
            if self._cache_kib is not None:
                conn.execute(f"PRAGMA cache_size = -{self._cache_kib}")
        with self._lock:
            self._close_finished_threads()
            self._all.append(conn)
            self._owners[id(conn)] = threading.current_thread()
        return conn

    def _close_finished_threads(self) -> None:
        """Close the connections of threads that have ended (a shared store outlives the TUI's
        fetch workers, each of which had a connection of its own). Called under `_lock`."""
        ended = [c for c in self._all if not self._owners.get(id(c), _MAIN).is_alive()]
        for conn in ended:
            self._all.remove(conn)
            self._owners.pop(id(conn), None)
            try:
                conn.close()
            except sqlite3.ProgrammingError:  # pragma: no cover - closed already
                pass

    def defer_checkpoints(self, pages: int = BULK_AUTOCHECKPOINT_PAGES) -> None:
        """Checkpoint the WAL less often: for a process that writes many small transactions in a
        row (a fetch's worker). The caller runs `checkpoint()` once the bulk work is done."""
        self._autocheckpoint = pages
        with self._lock:
            conns = list(self._all)
        for conn in conns:
            conn.execute(f"PRAGMA wal_autocheckpoint = {pages}")

    def use_bulk_cache(self, kib: int = BULK_CACHE_KIB) -> None:
        """Give this store's connections a page cache of `kib` KiB: for a bulk writer whose
        transactions outgrow the default (see BULK_CACHE_KIB). Memory is taken as pages are
        read, and given back when the connection closes."""
        if self.read_only:
            return
        self._cache_kib = kib
        with self._lock:
            conns = list(self._all)
        for conn in conns:
            conn.execute(f"PRAGMA cache_size = -{kib}")

    def page_cache_size(self) -> int:
        """This thread's connection's `PRAGMA cache_size` (negative: KiB; positive: pages)."""
        return int(self._db().conn.execute("PRAGMA cache_size").fetchone()[0])

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
        `defer_search_index`), so a search finds what the transaction stored. Inside
        `grouped_writes` it is part of that transaction: it neither begins nor ends one, and
        an error ends the whole group.
        """
        db = self._writable()
        if getattr(self._local, "grouped", False):
            yield db
            return
        with self._transaction(db, index=index):
            yield db

    @contextmanager
    def grouped_writes(self) -> Iterator[None]:
        """Every write of the block in one transaction (this thread's): all of them stored, or
        none, and the exception raised. For a bulk writer (a fetch's writer, storing the feeds
        that arrived while it stored the previous ones): each commit writes every page it
        changed to the WAL, and feeds stored together share most of theirs — the indexes'
        upper levels, the stories, the run's rows (bench/README_fetch.md). A caller that must
        not lose the others' work to one write's failure does them again one by one."""
        db = self._writable()
        if getattr(self._local, "grouped", False):
            raise RuntimeError("grouped_writes does not nest")
        self._local.grouped = True
        try:
            with self._transaction(db, index=True):  # (which forgets what a rollback undoes)
                yield
        finally:
            self._local.grouped = False

    @contextmanager
    def _transaction(self, db: Database, *, index: bool) -> Iterator[None]:
        conn = db.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.DatabaseError as error:
            raise self.write_error(error) from error
        try:
            yield
            self._before_commit(conn)
            if index and self._index_on_commit:
                _index_pending(conn)
            conn.execute("COMMIT")
        except sqlite3.DatabaseError as error:
            # A full disk or an I/O error: the caller gets one line, the database its old state.
            # (What the store holds of the transaction is dropped while it still holds the
            # write lock: another thread's transaction may begin as soon as it is released.)
            self._forget_uncommitted()
            rollback(conn)
            raise self.write_error(error) from error
        except BaseException:
            self._forget_uncommitted()
            rollback(conn)
            raise

    def _writable(self) -> Database:
        """This thread's connection, for a write (ReadOnlyStoreError on a read-only store)."""
        if self.read_only:
            raise ReadOnlyStoreError(
                f"{self.path or 'database'} is open read-only: changes are not saved"
            )
        return self._db()

    def _before_commit(self, conn: sqlite3.Connection) -> None:
        """Write what this store holds back until its transaction commits (the stories a fetch
        grows in memory: see IngestMixin)."""

    def _forget_uncommitted(self) -> None:
        """Drop what this store holds in memory of writes a rolled-back transaction made (the
        writer's caches: see IngestMixin)."""

    def write_error(self, error: sqlite3.DatabaseError) -> StoreError:
        """The one line for a failed write: a damaged file says so and what to do; a full disk
        gets its own type, which stops a fetch."""
        if is_corruption(error):
            return damaged(self.path, str(error))
        code = getattr(error, "sqlite_errorcode", None)
        if (code is not None and code & 0xFF == sqlite3.SQLITE_FULL) or "disk is full" in str(
            error
        ):
            return DiskFullError(f"the disk is full: cannot write to {self.path or 'the database'}")
        return StoreError(f"cannot write to {self.path}: {error}")

    def close(self) -> None:
        """Give back this holder's share; the last share closes every connection."""
        from briefing.store.shared import release

        if not release(self):
            return
        with self._lock:
            conns, self._all = self._all, []
            self._owners.clear()
        for conn in conns:
            try:
                conn.close()
            except sqlite3.ProgrammingError:  # closed from another thread already
                pass
        self._local = threading.local()
        if self._keeper is not None:
            self._keeper.close()
            self._keeper = None
        if self._copy_dir is not None:
            shutil.rmtree(self._copy_dir, ignore_errors=True)
            self._copy_dir = None

    def __enter__(self) -> StoreBase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


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


def rollback(conn: sqlite3.Connection) -> None:
    """Roll back the connection's transaction, if one is still open."""
    if conn.in_transaction:
        try:
            conn.execute("ROLLBACK")
        except sqlite3.DatabaseError:  # the error already ended the transaction
            pass
