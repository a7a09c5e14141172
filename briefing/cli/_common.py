"""What every command shares: where the config and the database are, opened lazily and once."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from briefing.core.errors import BriefingError

if TYPE_CHECKING:
    from rich.console import Console

    from briefing.core.models import Config
    from briefing.intelligence.tagging import Tagger
    from briefing.store import Store

F = TypeVar("F", bound=Callable[..., Any])


class Context:
    """The resolved `--config` and `--db`, with the config and store opened on first use."""

    def __init__(self, config_path: str | None, db_path: str | None) -> None:
        self._config_path = config_path
        self._db_path = db_path
        self._config: Config | None = None
        self._store: Store | None = None
        self._made: list[Path] = []
        """The database file and folders this command created (removed if it fails)."""

    @property
    def config_path(self) -> Path:
        if self._config_path:
            return Path(self._config_path)
        return Path.cwd() / "feeds.yaml"

    @property
    def config(self) -> Config:
        if self._config is None:
            from briefing.core.config import load_config

            self._config = load_config(self.config_path)
        return self._config

    @property
    def db_path(self) -> Path:
        if self._db_path:
            return Path(self._db_path)
        return self.config_path.resolve().parent / "db" / "briefing.db"

    def open_store(
        self,
        read_only: bool = False,
        *,
        create: bool = True,
        refuse: Callable[[Store], None] | None = None,
    ) -> Store:
        """Open (create, migrate) the database once per command; make sure the seed is in it.

        Args:
            create: False for a command that only reads (status, export, …): a missing
                database is an error and nothing is created.
            refuse: raises for a database the command must not write into (a demo one);
                called before the seed is added, so that a refused database is left as it was.
        """
        if self._store is None:
            from briefing.store import Store

            # Without any feeds.yaml (a demo database opened from elsewhere) there are no
            # seed facts to keep: the store opens as it is. A broken or missing --config
            # fails here, before a database is created for nothing.
            config = self.config if self._config_path or self.config_path.exists() else None
            path = self.db_path
            self._made = [] if path.exists() else _missing_parts(path)
            store = Store.open(path, read_only=read_only, create=create)
            if refuse is not None:
                try:
                    refuse(store)
                except BaseException:
                    store.close()  # closed at once: no -wal or -shm file is left beside it
                    raise
            try:
                if not store.read_only and config is not None:
                    from briefing.update.seed import ensure_seed

                    ensure_seed(config, store)
            except BaseException:
                self._store = store
                self.discard_if_new()
                raise
            self._store = store
        return self._store

    def discard_if_new(self) -> None:
        """After a failed command: remove the database it created, while it holds nothing but
        its schema and the seed record (a command that fails creates nothing)."""
        store, made = self._store, self._made
        self._made = []
        if store is None or not made or store.path is None:
            return
        if not store.holds_nothing_but_the_seed():
            return
        self.close()
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{store.path}{suffix}").unlink(missing_ok=True)
        for folder in made[1:]:  # made[0] is the file; then its new folders, innermost first
            try:
                folder.rmdir()
            except OSError:
                break

    def refuse_database_target(self, target: Path) -> None:
        """Refuse to replace the database (or its WAL) with an output file: `export -o` of a
        mistyped path would swap the file under the open store and lose it."""
        db = self.db_path.resolve()
        family = {Path(f"{db}{suffix}") for suffix in ("", "-wal", "-shm", "-journal")}
        if target.resolve() in family:
            raise BriefingError(f"{target}: is the database itself — choose another output file")

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


def _missing_parts(path: Path) -> list[Path]:
    """`path` and each of its folders that does not exist yet, innermost first."""
    parts = [path]
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        parts.append(folder)
        folder = folder.parent
    return parts


def pass_ctx(func: F) -> F:
    """Pass the briefing Context to a command, turning BriefingError into one line (exit 1);
    a command that fails removes the database it created (`Context.discard_if_new`)."""

    @click.pass_obj
    def wrapper(obj: Context, *args: Any, **kwargs: Any) -> Any:
        try:
            return func(obj, *args, **kwargs)
        except BriefingError as error:
            obj.discard_if_new()
            raise click.ClickException(str(error)) from error
        except click.exceptions.Exit as done:
            if done.exit_code:
                obj.discard_if_new()
            raise
        except SystemExit as done:
            if done.code not in (0, None):
                obj.discard_if_new()
            raise
        except BaseException:
            obj.discard_if_new()
            raise

    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return wrapper  # type: ignore[return-value]


def tagger_for(ctx: Context) -> Tagger:
    """The Tagger of the context's rules and gazetteer (a bad file raises ConfigError here)."""
    from briefing.intelligence.tagging import Tagger

    return Tagger.from_config(ctx.config)


def plain_console() -> Console:
    # highlight=False: no automatic colouring of numbers/URLs inside feed text.
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def nearest(value: str, known: Iterable[str]) -> str | None:
    """The known value closest to what was typed (case aside), or None when none is close."""
    by_fold: dict[str, str] = {}
    for name in known:
        by_fold.setdefault(name.casefold(), name)
    match = difflib.get_close_matches(value.casefold(), list(by_fold), n=1, cutoff=0.6)
    return by_fold[match[0]] if match else None


def unknown_value(what: str, value: str, known: Iterable[str], listing: str) -> BriefingError:
    """`unknown tag 'libya-medai' — did you mean 'libya-media'? (…lists them)`, as an error."""
    from briefing.core.text import clean_line

    suggestion = nearest(value, known)
    hint = f" — did you mean {clean_line(suggestion, 80)!r}?" if suggestion is not None else ""
    return BriefingError(f"unknown {what} {clean_line(value, 80)!r}{hint} ({listing})")
