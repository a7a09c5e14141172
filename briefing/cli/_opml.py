"""OPML in and out (`briefing feeds import/export`): interchange with newsboat, Miniflux, FreshRSS.

Reading is listparser's OPML handler (by feedparser's maintainer), fed text we decoded, behind
our own guard: the size is capped and a DOCTYPE or an entity declaration is refused before any
parser sees the document (listparser reads with Python's HTML parser, which never expands a
declared entity, but a DTD has no place in OPML and the guard must not depend on that).
Importing appends entries to feeds.yaml as text (the user's comments and layout stay as they
are), then reloads the result with `load_config` before it replaces the file, so a bad import
never leaves a broken feeds.yaml.
"""

from __future__ import annotations

import codecs
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from listparser.common import SuperDict
from listparser.opml import OpmlMixin

from briefing.core.atomic import write_atomic
from briefing.core.config import load_config
from briefing.core.errors import ConfigError
from briefing.core.files import read_capped
from briefing.core.models import MAX_TAG_CHARS, Config, FeedSpec
from briefing.core.text import clean_line, fold
from briefing.core.urls import is_http_url, url_key

MAX_OPML_BYTES = 5_000_000
NAME_CHARS = 100
"""feeds.yaml's limit on a feed name."""


@dataclass(frozen=True)
class OpmlFeed:
    """One feed outline: its name, URL, and the folders (categories) it sits in as tags."""

    name: str
    url: str
    tags: tuple[str, ...] = ()
    language: str | None = None


@dataclass(frozen=True)
class OpmlNotFeed:
    """An outline with a URL that is not a feed to fetch, and why (one line)."""

    name: str
    url: str
    why: str


@dataclass(frozen=True)
class OpmlDocument:
    """What an OPML file lists: its feeds in document order, and the outlines that are not."""

    feeds: tuple[OpmlFeed, ...]
    not_feeds: tuple[OpmlNotFeed, ...] = ()
    notes: tuple[str, ...] = ()
    """Folder tags left off (too long), one line each."""


@dataclass(frozen=True)
class ImportPlan:
    """What importing an OPML file would do."""

    added: tuple[OpmlFeed, ...]
    skipped: tuple[tuple[OpmlFeed, str], ...]
    """Each feed left out, with why (already in feeds.yaml, not http)."""
    renamed: tuple[tuple[OpmlFeed, str], ...] = ()
    """Each added feed whose name was taken, with the name the OPML file gave it."""


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------

_DECLARATION = re.compile(rb"<!(DOCTYPE|ENTITY)\b", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
# FreshRSS marks its page scrapers with types such as HTML+XPath, XML+XPath, JSON+DotNotation.
_SCRAPER = re.compile(r"\+|xpath|dotnotation|dotpath", re.IGNORECASE)


class _Handler(OpmlMixin):
    """listparser's OPML handler, also keeping the outline attributes it drops.

    `type` tells a FreshRSS scraper (type="HTML+XPath") from a feed, `language` goes into
    feeds.yaml, and `title` is the feed's name where a file has both (listparser prefers
    `text`, which some readers fill with a description). Each is recorded against the URL
    listparser recorded the outline under.
    """

    def __init__(self) -> None:
        super().__init__()
        self.outline_types: dict[str, str] = {}
        self.outline_languages: dict[str, str] = {}
        self.outline_titles: dict[str, str] = {}

    def start_opml_outline(self, attrs: dict[str, str]) -> None:
        super().start_opml_outline(attrs)
        url = attrs.get("xmlurl", "").strip()
        if not url:
            return
        kind = attrs.get("type", "").strip()
        if kind:
            self.outline_types.setdefault(url, kind)
        language = attrs.get("language", "").strip()
        if language:
            self.outline_languages.setdefault(url, language)
        title = attrs.get("title", "").strip()
        if title:
            self.outline_titles.setdefault(url, title)


def _decode(data: bytes, shown: str) -> str:
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    declared = _XML_ENCODING.match(data)
    encoding = declared.group(1).decode("ascii") if declared else "utf-8"
    try:
        return data.decode(encoding)
    except LookupError:
        raise ConfigError(f"{shown}: declares an unknown encoding {encoding!r}") from None
    except UnicodeDecodeError:
        raise ConfigError(
            f"{shown}: is not valid {encoding} text — save it as UTF-8 and import again"
        ) from None


def _tag(path: Sequence[str]) -> str:
    # A nested folder keeps its path, as newsboat writes it: Energy/Oil.
    return "/".join(clean_line(part) for part in path if part.strip())


def _host(url: str) -> str:
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    return host or clean_line(url, 60)


def parse_opml(data: bytes, shown: str) -> OpmlDocument:
    """The feeds of an OPML document, in document order; `shown` names it in errors.

    A feed listed under several folders is one feed with every folder as a tag. Outlines that
    are not feeds (FreshRSS scrapers, subscription lists, pages without a feed) come back in
    `not_feeds`, so the import can say so.

    Raises:
        ConfigError: too large, not OPML, declares a DTD or entities, or lists nothing.
    """
    if len(data) > MAX_OPML_BYTES:
        raise ConfigError(f"{shown}: is {len(data):,} bytes, too large for an OPML file")
    declaration = _DECLARATION.search(data)
    if declaration is not None:
        what = (
            "a DOCTYPE" if declaration.group(1).upper() == b"DOCTYPE" else "an entity declaration"
        )
        raise ConfigError(
            f"{shown}: refused: the file contains {what} (not needed in OPML, and a way to "
            "smuggle entity bombs) — remove it and import again"
        )
    handler = _Handler()
    # What listparser.parse() starts its handler with (it takes only a URL or the bytes,
    # and would decode those as UTF-8 whatever the document declares).
    handler.harvest.update(
        {
            "bozo": False,
            "bozo_exception": None,
            "feeds": [],
            "lists": [],
            "opportunities": [],
            "meta": SuperDict(),
            "version": "",
        }
    )
    handler.feed(_decode(data, shown))
    handler.close()
    harvest: dict[str, Any] = handler.harvest
    if not harvest["version"]:
        raise ConfigError(f"{shown}: not an OPML file (no <opml> element)")
    feeds: list[OpmlFeed] = []
    not_feeds: list[OpmlNotFeed] = []
    notes: list[str] = []
    for found in harvest["feeds"]:
        url = clean_line(found["url"], 2000)
        name = clean_line(handler.outline_titles.get(found["url"], found["title"]), NAME_CHARS)
        kind = handler.outline_types.get(found["url"], "")
        if _SCRAPER.search(kind):
            why = f"type={clean_line(kind, 40)} is a FreshRSS page scraper, not a feed"
            not_feeds.append(OpmlNotFeed(name or _host(url), url, why))
            continue
        tags: list[str] = []
        for path in found.get("categories", []):
            tag = _tag(path)
            if len(tag) > MAX_TAG_CHARS:
                notes.append(
                    f"{name or _host(url)}: folder {clean_line(tag, 40)!r} left off: "
                    f"{len(tag)} characters, and a tag has at most {MAX_TAG_CHARS}"
                )
            elif tag and tag not in tags:
                tags.append(tag)
        language = handler.outline_languages.get(found["url"])
        feeds.append(
            OpmlFeed(name, url, tuple(tags), clean_line(language, 20) if language else None)
        )
    for key, why in (
        ("lists", "a subscription list, not a feed — import that list's own file"),
        ("opportunities", "a web page with no feed URL (htmlUrl only)"),
    ):
        for found in harvest[key]:
            url = clean_line(found["url"], 2000)
            not_feeds.append(OpmlNotFeed(clean_line(found["title"], NAME_CHARS), url, why))
    if not feeds and not not_feeds:
        raise ConfigError(f"{shown}: no feed outlines (xmlUrl) in this OPML file")
    return OpmlDocument(tuple(feeds), tuple(not_feeds), tuple(notes))


def read_opml(path: Path) -> OpmlDocument:
    """The feeds of an OPML file (see `parse_opml`).

    Raises:
        ConfigError: the file is unreadable, or `parse_opml` refuses it.
    """
    data = read_capped(path, MAX_OPML_BYTES, "an OPML file")  # not /dev/zero, not a FIFO
    return parse_opml(data, str(path))


def read_opml_stream(stream: IO[bytes], shown: str = "standard input") -> OpmlDocument:
    """The feeds of an OPML document read from a stream (`feeds import -`), size-capped."""
    return parse_opml(stream.read(MAX_OPML_BYTES + 1), shown)


# ---------------------------------------------------------------------------------------------
# Planning: which feeds are new, under which unique names
# ---------------------------------------------------------------------------------------------


def _candidate_names(feed: OpmlFeed) -> Iterable[str]:
    """Names to try in turn: the OPML's, then with the host, the path, then numbered."""
    parts = urlsplit(feed.url)
    host = _host(feed.url)
    where = f"{host}{parts.path.rstrip('/')}"
    base = feed.name or host
    tried = [base] if feed.name else [host, where]
    if feed.name:
        tried += [f"{base} ({host})", f"{base} ({where})"]
    yield from (clean_line(name, NAME_CHARS) for name in tried)
    last = clean_line(tried[-1], NAME_CHARS - 6)
    for number in range(2, 10_000):
        yield f"{last} ({number})"


def plan_import(config: Config, document: OpmlDocument) -> ImportPlan:
    """Which OPML feeds are new to feeds.yaml, each under a name no other feed has.

    A feed whose URL is already in feeds.yaml (or earlier in the same file, in another
    spelling) is skipped with the reason; a feed whose name is taken, by feeds.yaml or by
    another feed of the same import (newsboat exports `title=""`, so every feed of one host
    derives the same name), gets a unique one and is never skipped for it.
    """
    urls = {url_key(f.url) for f in config.feeds}
    names = {fold(f.name) for f in config.feeds}
    added: list[OpmlFeed] = []
    skipped: list[tuple[OpmlFeed, str]] = []
    renamed: list[tuple[OpmlFeed, str]] = []
    for feed in document.feeds:
        if not is_http_url(feed.url):
            scheme = urlsplit(feed.url).scheme.lower()
            skipped.append((feed, f"not an http(s) URL ({scheme or 'no scheme'})"))
            continue
        key = url_key(feed.url)
        if key in urls:
            earlier = next((i for i, a in enumerate(added) if url_key(a.url) == key), None)
            if earlier is None:
                skipped.append((feed, "already in feeds.yaml (same URL)"))
                continue
            # The same feed spelt two ways in one file: one feed with both sets of folders.
            first = added[earlier]
            tags = first.tags + tuple(t for t in feed.tags if t not in first.tags)
            added[earlier] = replace(first, tags=tags)
            continue
        name = next(n for n in _candidate_names(feed) if fold(n) not in names)
        if feed.name and name != feed.name:
            renamed.append((replace(feed, name=name), feed.name))
        feed = replace(feed, name=name)
        urls.add(key)
        names.add(fold(name))
        added.append(feed)
    return ImportPlan(tuple(added), tuple(skipped), tuple(renamed))


# ---------------------------------------------------------------------------------------------
# Writing feeds.yaml
# ---------------------------------------------------------------------------------------------

_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def _yaml_entry(feed: OpmlFeed, indent: str) -> list[str]:
    # JSON strings are valid YAML double-quoted scalars: safe for any name or URL.
    def q(value: str) -> str:
        return json.dumps(value, ensure_ascii=False)

    lines = [f"{indent}- name: {q(feed.name)}", f"{indent}  url: {q(feed.url)}"]
    if feed.language and _LANGUAGE.match(feed.language):
        lines.append(f"{indent}  language: {feed.language}")
    if feed.tags:
        lines.append(f"{indent}  tags: [{', '.join(q(t) for t in feed.tags)}]")
    return lines


def append_feeds(text: str, feeds: Iterable[OpmlFeed]) -> str:
    """feeds.yaml text with `feeds` appended to its `feeds:` list, the rest left untouched."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if re.match(r"^feeds\s*:", line)), None)
    if start is None:
        block = ["", "feeds:", *[x for f in feeds for x in _yaml_entry(f, "  ")]]
        return "\n".join(lines + block) + "\n"
    rest = lines[start].split(":", 1)[1].split("#", 1)[0].strip()
    if rest == "[]":
        lines[start] = "feeds:"
    elif rest:
        raise ConfigError(
            "feeds.yaml writes its feeds list in flow style (feeds: [...]); "
            "rewrite it as a block list (one '- name:' entry per feed) to import OPML"
        )
    end = start
    indent = None
    for i in range(start + 1, len(lines)):
        line = lines[i]
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace() and not line.startswith("-"):
            break  # the next top-level key
        end = i
        if indent is None:
            match = re.match(r"^(\s*)-\s", line)
            if match:
                indent = match.group(1)
    new = [x for f in feeds for x in _yaml_entry(f, "  " if indent is None else indent)]
    return "\n".join(lines[: end + 1] + new + lines[end + 1 :]) + "\n"


def import_into(config_path: Path, feeds: Sequence[OpmlFeed]) -> Config:
    """Append `feeds` to feeds.yaml and check the result loads; the file changes only if it does.

    Raises:
        ConfigError: the updated feeds.yaml would not load (the original is left untouched).
    """
    original = config_path.read_text(encoding="utf-8-sig")
    updated = append_feeds(original, feeds)
    try:
        write_atomic(config_path, updated.encode("utf-8"), check=load_config)
    except ConfigError as error:
        raise ConfigError(
            f"importing would break {config_path.name}, which was left unchanged: {error}"
        ) from None
    except OSError as error:
        raise ConfigError(f"{config_path}: cannot write ({error.strerror or error})") from None
    return load_config(config_path)


# ---------------------------------------------------------------------------------------------
# Writing OPML
# ---------------------------------------------------------------------------------------------


def _folder(body: ET.Element, folders: dict[str, ET.Element], tag: str) -> ET.Element:
    """The (nested) folder outline for a tag, `Energy/Oil` inside `Energy`, made on first use."""
    parent, path = body, ""
    for part in (p for p in tag.split("/") if p.strip()):
        path = f"{path}/{part}"
        if path not in folders:
            folders[path] = ET.SubElement(parent, "outline", {"text": part, "title": part})
        parent = folders[path]
    return parent


def write_opml(feeds: Sequence[FeedSpec], title: str = "briefing feeds") -> bytes:
    """An OPML 2.0 document listing the http(s) feeds (local files are not interchangeable).

    Each feed sits in the folder of its first tag (a tag `Energy/Oil` is a folder inside a
    folder), which is how newsboat (folder path as a tag) and Miniflux (folder as category)
    read tags back; every tag is also in the OPML `category` attribute, which listparser and
    FreshRSS read, so importing the file here again gives each feed all its tags.
    """
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    ET.SubElement(head, "dateCreated").text = format_datetime(datetime.now(UTC), usegmt=True)
    body = ET.SubElement(root, "body")
    folders: dict[str, ET.Element] = {}
    for feed in feeds:
        if not is_http_url(feed.url):
            continue
        attrs = {"type": "rss", "text": feed.name, "title": feed.name, "xmlUrl": feed.url}
        if feed.tags:
            attrs["category"] = ",".join(feed.tags)
        if feed.language:
            attrs["language"] = feed.language
        parent = _folder(body, folders, feed.tags[0]) if feed.tags else body
        ET.SubElement(parent, "outline", attrs)
    ET.indent(root)
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data + b"\n"


__all__ = [
    "ImportPlan",
    "OpmlDocument",
    "OpmlFeed",
    "OpmlNotFeed",
    "append_feeds",
    "import_into",
    "parse_opml",
    "plan_import",
    "read_opml",
    "read_opml_stream",
    "write_opml",
]
