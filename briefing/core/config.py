"""feeds.yaml → a validated `Config`; each mistake is one line naming the file, line and key.

The YAML is composed into a node tree (not loaded straight into dicts) so that each value keeps
the line it came from. The validators below walk that tree and build the frozen dataclasses of
`briefing.core.models`; they raise `ConfigError` at the first mistake, in the form

    feeds.yaml:14: feeds[2].url: 'ftp://x' is not an http(s) URL or an existing file — fix the url

The full schema is documented in `feeds.yaml` itself and in the README's configuration reference.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal, TypeVar
from urllib.parse import urlsplit

import yaml

from briefing.core.errors import ConfigError
from briefing.core.files import read_capped
from briefing.core.models import (
    MAX_TAG_CHARS,
    Config,
    FeedSpec,
    RelevanceMode,
    RelevanceRules,
    SeedFacts,
    TuiSettings,
    WeightedTerm,
)
from briefing.core.text import fold
from briefing.core.urls import is_http_url, url_key

# The located walker, under the short private names the validators below were written with.
from briefing.core.yamlwalk import NO_STRINGS as _NO_STRINGS
from briefing.core.yamlwalk import Where as _Where
from briefing.core.yamlwalk import bool_value as _bool
from briefing.core.yamlwalk import compose
from briefing.core.yamlwalk import get as _get
from briefing.core.yamlwalk import integer as _int
from briefing.core.yamlwalk import items as _items
from briefing.core.yamlwalk import kind_of as _kind
from briefing.core.yamlwalk import mapping as _mapping
from briefing.core.yamlwalk import number as _number
from briefing.core.yamlwalk import optional_string as _optional_string
from briefing.core.yamlwalk import scalar as _scalar
from briefing.core.yamlwalk import scalar_repr as _scalar_repr
from briefing.core.yamlwalk import sequence as _sequence
from briefing.core.yamlwalk import string as _string
from briefing.core.yamlwalk import strings as _strings

CONFIG_ENV = "BRIEFING_CONFIG"
"""The environment variable that names another feeds.yaml (same as `--config PATH`)."""

MAX_CONFIG_BYTES = 2_000_000
"""A feeds.yaml larger than this is certainly not one (and would be slow to validate)."""

MAX_QUICK_TAGS = 9
"""Quick tags are bound to the keys 1–9."""

_REFRESH = re.compile(r"^\s*(\d+)\s*(m|min|mins|minutes?|h|hours?|d|days?)\s*$", re.IGNORECASE)
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_MAX_REFRESH_MINUTES = 30 * 24 * 60
_RELEVANCE_MODES: tuple[RelevanceMode, ...] = ("all", "default", "strict")

T = TypeVar("T")


# ---------------------------------------------------------------------------------------------
# Values with their own syntax
# ---------------------------------------------------------------------------------------------


def parse_refresh(value: object) -> int | None:
    """Minutes from `30` / `"30m"` / `"2h"` / `"1d"`; None when it is not an interval."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        minutes = value
    elif isinstance(value, str) and (match := _REFRESH.match(value)):
        unit = match.group(2)[0].lower()
        minutes = int(match.group(1)) * {"m": 1, "h": 60, "d": 1440}[unit]
    else:
        return None
    return minutes if 1 <= minutes <= _MAX_REFRESH_MINUTES else None


def _refresh(where: _Where) -> int:
    minutes = parse_refresh(_scalar(where))
    if minutes is None:
        raise where.error(
            f"{_scalar_repr(where.node)} is not a refresh interval — use minutes (30) or "
            "30m / 2h / 1d, between 1 minute and 30 days"
        )
    return minutes


def _date(where: _Where) -> datetime:
    value = _scalar(where)
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, str):
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            pass
        else:
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
    raise where.error(f"{_scalar_repr(where.node)} is not a date — write it as YYYY-MM-DD")


def _http_url(where: _Where) -> str:
    url = _string(where, limit=2000)
    if not is_http_url(url):
        raise where.error(f"{url!r} is not an http(s) URL — fix the url")
    return url


def _path(where: _Where, base: Path, what: str) -> Path:
    """An existing file, relative paths resolved against the config file's folder."""
    text = _string(where, limit=4000)
    path = (base / Path(text).expanduser()).resolve()
    if not path.is_file():
        raise where.error(
            f"{text!r} is not an existing file (looked at {path}) — fix the path to the {what}"
        )
    return path


def _feed_url(where: _Where, base: Path) -> str:
    """An http(s) URL as written, or a local feed file as its absolute path."""
    text = _string(where, limit=2000)
    if is_http_url(text):
        return text
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    candidate: Path | None = None
    if scheme == "file":
        candidate = Path(parts.path)
    elif not scheme or len(scheme) == 1:  # no scheme, or a Windows drive letter
        candidate = base / Path(text).expanduser()
    if candidate is not None and candidate.resolve().is_file():
        return str(candidate.resolve())
    raise where.error(f"{text!r} is not an http(s) URL or an existing file — fix the url")


# ---------------------------------------------------------------------------------------------
# Sections
# ---------------------------------------------------------------------------------------------

_FEED_KEYS = ("name", "url", "language", "tags", "enabled", "refresh", "relevance", "full_text")


def _tags(where: _Where) -> tuple[str, ...]:
    """A list of tags, each at most MAX_TAG_CHARS long (a longer one is refused, never cut)."""
    tags: list[str] = []
    for item in _sequence(where, "tags"):
        tag = _string(item, limit=500)
        if len(tag) > MAX_TAG_CHARS:
            raise item.error(
                f"is {len(tag)} characters; a tag has at most {MAX_TAG_CHARS} — shorten it"
            )
        tags.append(tag)
    return tuple(tags)


def _feed(where: _Where, base: Path) -> FeedSpec:
    values = _mapping(where, _FEED_KEYS, ("name", "url"), "a feed (name: …, url: …)")
    language = _optional_string(values.get("language"))
    if language is not None and not _LANGUAGE.match(language):
        raise values["language"].error(
            f"{language!r} is not a language code — use ISO 639-1 such as en, ar, fr"
        )
    relevance: RelevanceMode = "default"
    if "relevance" in values:
        mode = _string(values["relevance"])
        if mode not in _RELEVANCE_MODES:
            raise values["relevance"].error(
                f"{mode!r} is not a relevance mode — use all, default or strict"
            )
        relevance = mode
    return FeedSpec(
        name=_string(values["name"], limit=100),
        url=_feed_url(values["url"], base),
        language=language,
        tags=_get(values, "tags", _tags, _NO_STRINGS),
        enabled=_get(values, "enabled", _bool, True),
        refresh_minutes=_get(values, "refresh", _refresh, 60),
        relevance=relevance,
        full_text=_get(values, "full_text", _bool, False),
    )


def _feeds(where: _Where, base: Path) -> tuple[FeedSpec, ...]:
    feeds: list[FeedSpec] = []
    names: dict[str, int] = {}
    urls: dict[str, int] = {}
    for item in _sequence(where, "feeds"):
        feed = _feed(item, base)
        values = _mapping(item, _FEED_KEYS)
        name_key, feed_url = fold(feed.name), url_key(feed.url)
        if name_key in names:
            raise values["name"].error(
                f"duplicate feed {feed.name!r} (also at line {names[name_key]}) — "
                "give each feed its own name"
            )
        if feed_url in urls:
            raise values["url"].error(
                f"duplicate feed URL {feed.url!r} (also at line {urls[feed_url]}) — "
                "list each feed once"
            )
        names[name_key] = urls[feed_url] = item.line
        feeds.append(feed)
    return tuple(feeds)


def _term(where: _Where, default_weight: float, sign: Literal[1, -1]) -> WeightedTerm:
    if isinstance(where.node, yaml.ScalarNode):
        # A bare string is shorthand for {term: …} with the default weight.
        return WeightedTerm(_string(where, limit=200), default_weight)
    values = _mapping(where, ("term", "weight", "lang"), ("term",), "a term (term: …, weight: …)")
    weight = _get(values, "weight", _number, default_weight)
    language = _optional_string(values.get("lang"))
    if language is not None and not _LANGUAGE.match(language):
        raise values["lang"].error(f"{language!r} is not a language code — use en, ar, fr…")
    return WeightedTerm(_string(values["term"], limit=200), sign * abs(weight), language)


def _relevance(where: _Where) -> RelevanceRules:
    values = _mapping(where, ("threshold", "strict_threshold", "terms", "negative", "builtin"))
    defaults = RelevanceRules()
    threshold = _get(values, "threshold", lambda w: _number(w, minimum=0), defaults.threshold)
    strict = _get(
        values, "strict_threshold", lambda w: _number(w, minimum=0), defaults.strict_threshold
    )
    if strict < threshold:
        raise (values.get("strict_threshold") or values["threshold"]).error(
            f"strict_threshold ({strict:g}) is below threshold ({threshold:g}) — a strict feed "
            "must need at least as strong a match"
        )
    terms = tuple(_term(item, 1.0, 1) for item in _items(values, "terms", "terms"))
    negative = tuple(_term(item, 5.0, -1) for item in _items(values, "negative", "terms"))
    return RelevanceRules(
        threshold=threshold,
        strict_threshold=strict,
        terms=terms,
        negative_contexts=negative,
        use_builtin=_get(values, "builtin", _bool, True),
    )


def _authors(where: _Where) -> tuple[str, ...]:
    if isinstance(where.node, yaml.ScalarNode):
        # "Jason Pack; Matthew Sinkez" is accepted as well as a list.
        names = tuple(n.strip() for n in _string(where).split(";") if n.strip())
    else:
        names = _strings(where, "author names")
    if not names:
        raise where.error("needs at least one author")
    return names


def _also_published(where: _Where) -> tuple[tuple[str, datetime | None], ...]:
    out: list[tuple[str, datetime | None]] = []
    for item in _sequence(where, "places ({url, date})"):
        if isinstance(item.node, yaml.ScalarNode):
            out.append((_http_url(item), None))
            continue
        values = _mapping(item, ("url", "date"), ("url",), "a mapping (url: …, date: …)")
        out.append((_http_url(values["url"]), _get(values, "date", _date, None)))
    return tuple(out)


def _seed(where: _Where, base: Path) -> SeedFacts:
    values = _mapping(
        where,
        ("title", "outlet", "authors", "published", "url", "also_published", "text"),
        ("title", "outlet", "authors", "published", "url"),
    )
    return SeedFacts(
        title=_string(values["title"]),
        outlet=_string(values["outlet"], limit=200),
        authors=_authors(values["authors"]),
        published=_date(values["published"]),
        url=_http_url(values["url"]),
        also_published=_get(values, "also_published", _also_published, ()),
        text_path=_get(values, "text", lambda w: _path(w, base, "seed article's text"), None),
    )


def _tui(where: _Where) -> TuiSettings:
    values = _mapping(where, ("quick_tags", "keys", "theme"))
    quick = _get(values, "quick_tags", _tags, _NO_STRINGS)
    if len(quick) > MAX_QUICK_TAGS:
        raise values["quick_tags"].error(
            f"has {len(quick)} tags; keys 1–9 take at most {MAX_QUICK_TAGS}"
        )
    keys: list[tuple[str, str]] = []
    if "keys" in values and _scalar(values["keys"]) is not None:
        node = values["keys"]
        if not isinstance(node.node, yaml.MappingNode):
            raise node.error(f"expected a mapping (action: key), found {_kind(node.node)}")
        allowed = tuple(str(k.value) for k, _ in node.node.value)
        for action, key in _mapping(node, allowed).items():
            keys.append((action, _string(key, limit=40)))
    return TuiSettings(
        quick_tags=quick, keys=tuple(keys), theme=_optional_string(values.get("theme"))
    )


# ---------------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------------

_TOP_KEYS = (
    "feeds",
    "relevance",
    "seed",
    "actors_file",
    "events_file",
    "places_file",
    "tui",
    "fetch",
)


def _shown(path: Path) -> str:
    """The file name as the user will recognise it: relative to the current folder if inside."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def _read(path: Path) -> str:
    shown = _shown(path)
    if not path.exists():
        raise ConfigError(
            f"no configuration file at {path.resolve()} — run briefing from the folder that "
            f"holds feeds.yaml, or choose one with --config PATH or {CONFIG_ENV}=PATH"
        )
    if not path.is_file():
        raise ConfigError(f"{shown}: is not a file — point --config or {CONFIG_ENV} at feeds.yaml")
    data = read_capped(path, MAX_CONFIG_BYTES, "a feeds.yaml")  # checked before it is read
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ConfigError(f"{shown}:{line}: not UTF-8 text — save the file as UTF-8") from None


def load_config(path: Path) -> Config:
    """Read and validate feeds.yaml.

    Args:
        path: the configuration file; relative paths inside it resolve against its folder.

    Returns:
        The validated configuration.

    Raises:
        ConfigError: one line naming the file, the line and the key, and what to do.
    """
    path = Path(os.path.expanduser(path))
    shown = _shown(path)
    text = _read(path)
    root = compose(text, shown)
    if root is None:
        raise ConfigError(f"{shown}: is empty — it needs at least a 'feeds:' list")
    top = _mapping(root, _TOP_KEYS, ("feeds",), "the sections feeds:, seed:…")
    base = path.resolve().parent
    fetch: dict[str, _Where] = {}
    if "fetch" in top and _scalar(top["fetch"]) is not None:
        fetch = _mapping(top["fetch"], ("max_connections", "max_per_host", "timeout", "max_bytes"))
    max_connections = _get(fetch, "max_connections", lambda w: _int(w, minimum=1, maximum=256), 32)
    max_per_host = _get(fetch, "max_per_host", lambda w: _int(w, minimum=1, maximum=64), 4)
    timeout = _get(fetch, "timeout", lambda w: _number(w, minimum=1.0), 20.0)
    max_bytes = _get(
        fetch, "max_bytes", lambda w: _int(w, minimum=10_000, maximum=1_000_000_000), 10_000_000
    )
    return Config(
        path=path.resolve(),
        feeds=_feeds(top["feeds"], base),
        rules=_get(top, "relevance", _relevance, RelevanceRules()),
        seed=_get(top, "seed", lambda w: _seed(w, base), None),
        actors_file=_get(top, "actors_file", lambda w: _path(w, base, "actor gazetteer"), None),
        events_file=_get(top, "events_file", lambda w: _path(w, base, "event cues"), None),
        places_file=_get(top, "places_file", lambda w: _path(w, base, "place gazetteer"), None),
        tui=_get(top, "tui", _tui, TuiSettings()),
        max_connections=max_connections,
        max_per_host=min(max_per_host, max_connections),
        fetch_timeout=timeout,
        fetch_max_bytes=max_bytes,
    )


__all__ = ["CONFIG_ENV", "load_config", "parse_refresh"]
