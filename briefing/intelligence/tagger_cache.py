"""A built Tagger kept on disk, so each process that needs one loads it instead of building it.

Building the Tagger (reading the gazetteers, compiling the rules, building the automaton) costs
about half a second of CPU; loading it back (8.6 MB) about a tenth of that, once its modules
are imported. A fetch builds one in each worker process as it starts, the TUI one when it
opens, so this is start-up time saved everywhere.

The file's name is a hash of everything the Tagger is built from: briefing's version, the
source of the modules that define it, the built-in data files, the user's gazetteer file (its
bytes), the relevance rules from feeds.yaml, and the versions of Python and pyahocorasick. Any
change gives a new name, so a stale Tagger is never loaded; older files are removed when a new
one is written. A file that cannot be read or unpickled is ignored and the Tagger is built as
usual; a cache folder that cannot be written only costs the saving.

The folder is `$BRIEFING_CACHE_DIR`, else `$XDG_CACHE_HOME/briefing`, else `~/.cache/briefing`.
It holds pickles: like the code itself, it must be writable by its user only.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import sys
from collections.abc import Callable
from contextlib import suppress
from importlib import resources
from pathlib import Path
from typing import TypeVar

from briefing import __version__
from briefing.core.atomic import write_atomic
from briefing.core.models import Config

T = TypeVar("T")

_SOURCES = (
    "intelligence/actors",
    "intelligence/events",
    "intelligence/gazetteer",
    "intelligence/places",
    "intelligence/matching",
    "core/models",
    "intelligence/relevance",
    "intelligence/tagging",
    "intelligence/tagger_cache",
    "core/text",
)
"""The modules whose code shapes a Tagger: a change to any of them changes the key."""
_DATA = ("actors.yaml", "relevance.yaml", "events.yaml", "places.yaml")
_PREFIX = "tagger-"


def cache_dir() -> Path:
    explicit = os.environ.get("BRIEFING_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "briefing"


def cache_key(config: Config) -> str:
    """A hash of everything `Tagger.from_config(config)` depends on."""
    digest = hashlib.sha256()

    def add(part: bytes) -> None:
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)

    import ahocorasick  # the automaton's pickled form is its own

    add(f"{__version__} {sys.version} {getattr(ahocorasick, '__version__', '')}".encode())
    package = resources.files("briefing")
    for name in _SOURCES:
        add(package.joinpath(f"{name}.py").read_bytes())
    data = resources.files("briefing.data")
    for name in _DATA:
        add(data.joinpath(name).read_bytes())
    add(repr(config.rules).encode())
    for user_file in (config.actors_file, config.events_file, config.places_file):
        add(str(user_file).encode())
        if user_file is not None:
            try:
                add(user_file.read_bytes())
            except OSError:
                add(b"unreadable")  # building will say what is wrong with it
    return digest.hexdigest()[:32]


def load_or_build(config: Config, build: Callable[[], T], kind: type[T]) -> T:
    """The cached object for `config` if there is a sound one, else `build()` (then cached)."""
    try:
        key = cache_key(config)
    except OSError:
        return build()
    folder = cache_dir()
    path = folder / f"{_PREFIX}{key}.pickle"
    with suppress(Exception):  # missing, truncated, from another build: build it instead
        with path.open("rb") as handle:
            loaded = _unpickle(handle.read())  # our own file, in the user's cache
        if isinstance(loaded, kind):
            return loaded
    built = build()
    _save(folder, path, built)
    return built


def _unpickle(data: bytes) -> object:
    """`pickle.loads` with the garbage collector paused: unpickling a Tagger allocates hundreds
    of thousands of containers and none of them is garbage, yet each few hundred set off a
    collection that walked them all again — half the load's time (0.07 s → 0.04 s, in every
    fetch worker and at the app's start)."""
    paused = gc.isenabled()
    gc.disable()
    try:
        return pickle.loads(data)
    finally:
        if paused:
            gc.enable()


def _save(folder: Path, path: Path, value: object) -> None:
    with suppress(OSError, pickle.PicklingError):
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Written aside and renamed: a process loading meanwhile sees the old file or the new.
        write_atomic(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), private=True)
        for old in folder.glob(f"{_PREFIX}*.pickle"):
            if old != path:
                with suppress(OSError):
                    old.unlink()


__all__ = ["cache_dir", "cache_key", "load_or_build"]
