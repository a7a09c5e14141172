"""The seed article: always the database's first document, and `briefing import` for articles.

`ensure_seed` runs each time a command opens the database for writing. It makes sure the seed
record exists with the facts from feeds.yaml (title, outlet, authors, date, URL), and imports
its text from `seed.text` when that names a capture. It is cheap when nothing changed: one
query, no tagging.

`import_article` imports a capture (a file or an http(s) URL). An article that is the seed (same
title once quotes and case are folded, or one of its URLs) fills the seed record, keeping the
facts of feeds.yaml; any other article is stored as a standalone article.
"""

from __future__ import annotations

import functools
import mimetypes
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from briefing.acquisition.captures import MAX_CAPTURE_BYTES, Article, parse_capture
from briefing.core.errors import ImportError_
from briefing.core.files import read_capped
from briefing.core.models import Config, Entry, ItemDetail, SeedFacts, Tagged
from briefing.core.text import clean_line, title_key
from briefing.core.urls import is_http_url, url_key

if TYPE_CHECKING:
    from briefing.intelligence.tagging import Tagger
    from briefing.store import Store

IMPORT_HINT = "briefing import PATH|URL"


@dataclass(frozen=True)
class ImportResult:
    """What `import_article` stored."""

    item_id: int
    title: str
    feed: str
    authors: tuple[str, ...]
    published: datetime | None
    url: str | None
    is_seed: bool
    paragraphs: int
    removed: tuple[str, ...]
    """The capture noise that was dropped, one line per kind."""
    authors_details: str = ""


def missing_text_hint(facts: SeedFacts) -> str:
    """What the seed record says while its text is not imported."""
    return (
        f"The text of this article is not imported yet: run `{IMPORT_HINT}` with a saved copy "
        "(plain text: headline, standfirst, then one paragraph per line; or the HTML page), "
        f"or with its address, {facts.url}"
    )


def seed_has_text(detail: ItemDetail | None) -> bool:
    """Whether the stored seed holds its article text (not just the facts)."""
    return bool(detail and detail.content.strip())


def is_seed(article: Article, facts: SeedFacts, source_url: str | None = None) -> bool:
    """An article is the seed when its title folds equal to the seed's, or a URL matches."""
    if title_key(article.entry.title) == title_key(facts.title):
        return True
    seed_urls = {url_key(u) for u in (facts.url, *(url for url, _ in facts.also_published)) if u}
    found = {url_key(u) for u in (article.entry.url, article.entry.canonical_url, source_url) if u}
    return bool(found & seed_urls)


def _seed_entry(facts: SeedFacts, article: Article | None) -> Entry:
    """The seed record: the capture's text (when there is one) under the facts of feeds.yaml."""
    title = facts.title
    summary = missing_text_hint(facts)
    content = ""
    language: str | None = None
    if article is not None:
        # The capture's headline keeps its typography (’), and is the same title by is_seed().
        if title_key(article.entry.title) == title_key(facts.title):
            title = article.entry.title
        summary = article.entry.summary
        content = article.entry.content
        language = article.entry.language
    return Entry(
        identity=facts.url,
        feed=facts.outlet,
        title=title,
        url=facts.url,
        canonical_url=facts.url,
        summary=summary,
        content=content,
        author="; ".join(facts.authors),
        published=facts.published,
        language=language,
        kind="article",
    )


@functools.lru_cache(maxsize=4)
def _tagger(config: Config) -> Tagger:
    # Building a tagger compiles the gazetteer (a few hundred ms): once per configuration.
    from briefing.intelligence.tagging import Tagger

    return Tagger.from_config(config)


def _tag(config: Config, store: Store, entry: Entry) -> Tagged:
    # Only called when something is written: ensure_seed's fast path never builds a tagger.
    tagger = _tagger(config)
    store.sync_actors(tagger.actor_infos())
    store.sync_places(tagger.place_infos())
    return tagger.tag(entry)


def _facts_current(detail: ItemDetail, facts: SeedFacts) -> bool:
    row = detail.row
    return (
        title_key(row.title) == title_key(facts.title)
        and row.feed == facts.outlet
        and (detail.author or "") == "; ".join(facts.authors)
        and row.url == facts.url
        and row.published.date() == facts.published.date()
    )


def _read_capture(path: Path, what: str) -> bytes:
    if not path.exists():
        raise ImportError_(f"{what}: no such file — give the path of a saved article or a URL")
    if not path.is_file():
        raise ImportError_(f"{what}: is not a file — give the path of a saved article")
    # Checked before reading: not a pipe or a device, and no larger than a capture can be.
    return read_capped(path, MAX_CAPTURE_BYTES, "an article capture", ImportError_)


def ensure_seed(config: Config, store: Store) -> int:
    """Make sure the database holds the seed article as its first document.

    Args:
        config: the configuration; `config.seed` holds the facts and perhaps a `text` path.
        store: a writable store.

    Returns:
        The seed's item id, or 0 when feeds.yaml declares no seed.

    Raises:
        ImportError_: `seed.text` names a capture that cannot be imported.
    """
    facts = config.seed
    existing = store.seed()
    if facts is None:
        return existing.row.id if existing else 0
    has_text = seed_has_text(existing)
    if existing is not None and _facts_current(existing, facts):
        if has_text or facts.text_path is None:
            return existing.row.id
    article: Article | None = None
    if facts.text_path is not None and not has_text:
        data = _read_capture(facts.text_path, f"seed.text {facts.text_path}")
        article = parse_capture(
            data, source=str(facts.text_path), authors=facts.authors, outlet=facts.outlet
        )
    details = article.authors_details if article else ""
    entry = _seed_entry(facts, article)
    if article is None and existing is not None and has_text:
        # feeds.yaml's facts changed: keep the imported text, update the facts around it.
        details = existing.authors_details
        same_title = title_key(existing.row.title) == title_key(facts.title)
        entry = replace(
            entry,
            title=existing.row.title if same_title else facts.title,
            summary=existing.summary,
            content=existing.content,
            language=existing.language,
        )
    tagged = _tag(config, store, entry)
    return store.upsert_article(tagged, authors=facts.authors, authors_details=details, seed=True)


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


def _load(source: str) -> tuple[bytes, str | None, str | None, str]:
    """(bytes, content type, URL, name for messages) of a path or an http(s) URL."""
    scheme = urlsplit(source).scheme.lower()
    if is_http_url(source):
        from briefing.acquisition.fetch import fetch_document

        document = fetch_document(source)
        return document.body, _header(document.headers, "content-type"), document.url, source
    if scheme and len(scheme) > 1 and scheme != "file":
        raise ImportError_(f"{source}: only files and http(s) URLs can be imported")
    path = Path(urlsplit(source).path if scheme == "file" else source).expanduser()
    guessed, _ = mimetypes.guess_type(path.name)
    return _read_capture(path, source), guessed, None, source


def import_article(source: str, config: Config, store: Store) -> ImportResult:
    """Import one article from a file or an http(s) URL, with its capture noise removed.

    Args:
        source: a path to a plain-text or HTML capture, or an http(s) URL.
        config: the configuration (the seed's facts, the tagging rules).
        store: a writable store.

    Returns:
        What was stored, and what noise was removed.

    Raises:
        ImportError_: the capture is missing, empty, binary or not UTF-8 (nothing is written).
        FetchError: the URL could not be downloaded.
    """
    source = clean_line(source) or source
    data, content_type, url, shown = _load(source)
    article = parse_capture(data, source=shown, content_type=content_type, url=None)
    facts = config.seed
    if facts is not None and is_seed(article, facts, url):
        # Again with the seed's authors known, so their bios are recognised by name.
        article = parse_capture(
            data,
            source=shown,
            content_type=content_type,
            authors=facts.authors,
            outlet=facts.outlet,
            url=facts.url,
        )
        entry = _seed_entry(facts, article)
        tagged = _tag(config, store, entry)
        item_id = store.upsert_article(
            tagged, authors=facts.authors, authors_details=article.authors_details, seed=True
        )
        authors = facts.authors
        seed = True
    else:
        entry = article.entry
        if entry.url is None and url is not None:
            entry = replace(entry, url=url, canonical_url=url, identity=url)
        tagged = _tag(config, store, entry)
        item_id = store.upsert_article(
            tagged, authors=article.authors, authors_details=article.authors_details
        )
        authors = article.authors
        seed = False
    return ImportResult(
        item_id=item_id,
        title=entry.title,
        feed=entry.feed,
        authors=tuple(authors),
        published=entry.published,
        url=entry.url,
        is_seed=seed,
        paragraphs=len([p for p in entry.content.split("\n\n") if p.strip()]),
        removed=article.removed,
        authors_details=article.authors_details,
    )


__all__ = [
    "IMPORT_HINT",
    "ImportResult",
    "ensure_seed",
    "import_article",
    "is_seed",
    "missing_text_hint",
    "seed_has_text",
]
