"""What every command shares: where the config and the database are, opened lazily and once."""

from __future__ import annotations

from collections.abc import Callable
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

    def open_store(self, read_only: bool = False) -> Store:
        """Open (create, migrate) the database once per command; make sure the seed is in it."""
        if self._store is None:
            from briefing.store import Store

            store = Store.open(self.db_path, read_only=read_only)
            try:
                # Without any feeds.yaml (a demo database opened from elsewhere) there are no
                # seed facts to keep: the store opens as it is.
                if not store.read_only and (self._config_path or self.config_path.exists()):
                    from briefing.update.seed import ensure_seed

                    ensure_seed(self.config, store)
            except BaseException:
                store.close()
                raise
            self._store = store
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


def pass_ctx(func: F) -> F:
    """Pass the briefing Context to a command, turning BriefingError into one line, exit 2."""

    @click.pass_obj
    def wrapper(obj: Context, *args: Any, **kwargs: Any) -> Any:
        try:
            return func(obj, *args, **kwargs)
        except BriefingError as error:
            raise click.ClickException(str(error)) from error

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
