"""OPML in and out (`briefing feeds import/export`): interchange with newsboat, Miniflux, FreshRSS.

Reading is defensive like defusedxml: a DOCTYPE or entity declaration is refused before any
entity could expand, and the file size is capped. Importing appends entries to feeds.yaml as
text (the user's comments and layout stay as they are), then reloads the result with
`load_config` before it replaces the file, so a bad import never leaves a broken feeds.yaml.
"""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from xml.parsers import expat

from briefing.core.config import load_config, url_key
from briefing.core.errors import ConfigError
from briefing.core.files import read_capped
from briefing.core.models import Config, FeedSpec
from briefing.core.text import clean_line, fold

MAX_OPML_BYTES = 5_000_000


@dataclass(frozen=True)
class OpmlFeed:
    """One feed outline: its name, URL, and the folders (categories) it sits in as tags."""

    name: str
    url: str
    tags: tuple[str, ...] = ()
    language: str | None = None


@dataclass(frozen=True)
class ImportPlan:
    """What importing an OPML file would do."""

    added: tuple[OpmlFeed, ...]
    skipped: tuple[tuple[OpmlFeed, str], ...]
    """Each feed left out, with why (a duplicate, not http)."""


class _Refused(Exception):
    pass


def _refuse_doctype(*_args: Any) -> None:
    raise _Refused("a DOCTYPE")


def _refuse_entity(*_args: Any) -> int:
    raise _Refused("an entity declaration")


def read_opml(path: Path) -> list[OpmlFeed]:
    """The feeds of an OPML file, in document order.

    Raises:
        ConfigError: the file is unreadable, too large, not OPML, or declares a DTD/entities.
    """
    data = read_capped(path, MAX_OPML_BYTES, "an OPML file")  # not /dev/zero, not a FIFO
    # expat directly, so the DTD and entity handlers can refuse (defusedxml-style) before any
    # entity is expanded; ElementTree's own parser does not expose them.
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.EntityDeclHandler = _refuse_entity
    parser.UnparsedEntityDeclHandler = _refuse_entity
    parser.ExternalEntityRefHandler = _refuse_entity
    parser.StartElementHandler = builder.start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    try:
        parser.Parse(data, True)
        root = builder.close()
    except _Refused as refused:
        raise ConfigError(
            f"{path}: refused: the file contains {refused} (not needed in OPML, and a way to "
            "smuggle entity bombs) — remove it and import again"
        ) from None
    except expat.ExpatError as error:
        raise ConfigError(f"{path}: not valid XML ({clean_line(str(error), 200)})") from None
    if root.tag.lower() != "opml":
        raise ConfigError(f"{path}: not an OPML file (its root element is <{root.tag[:40]}>)")
    body = root.find("body")
    if body is None:
        raise ConfigError(f"{path}: OPML without a <body>: no feeds in it")
    feeds: list[OpmlFeed] = []
    _walk(body, (), feeds)
    return feeds


def _attr(element: ET.Element, *names: str) -> str:
    lowered = {k.lower(): v for k, v in element.attrib.items()}
    for name in names:
        value = lowered.get(name.lower())
        if value and value.strip():
            return value.strip()
    return ""


def _walk(element: ET.Element, folders: tuple[str, ...], out: list[OpmlFeed]) -> None:
    for outline in element.findall("outline"):
        url = _attr(outline, "xmlUrl")
        label = clean_line(_attr(outline, "title", "text"), 100)
        if url:
            tags = list(folders)
            for category in _attr(outline, "category").split(","):
                # OPML categories may be paths (/News/Libya): keep the last part as a tag.
                tag = clean_line(category.strip().strip("/").split("/")[-1], 50)
                if tag and tag not in tags:
                    tags.append(tag)
            language = _attr(outline, "language") or None
            out.append(
                OpmlFeed(
                    label or _host(url),
                    clean_line(url, 2000),
                    tuple(tags),
                    clean_line(language, 20) if language else None,
                )
            )
        else:
            _walk(outline, (*folders, label) if label else folders, out)


def _host(url: str) -> str:
    return urlsplit(url).hostname or url[:60]


def plan_import(config: Config, feeds: Sequence[OpmlFeed]) -> ImportPlan:
    """Which OPML feeds are new to feeds.yaml; duplicates (by URL or name) are refused."""
    urls = {url_key(f.url) for f in config.feeds}
    names = {fold(f.name) for f in config.feeds}
    added: list[OpmlFeed] = []
    skipped: list[tuple[OpmlFeed, str]] = []
    for feed in feeds:
        scheme = urlsplit(feed.url).scheme.lower()
        if scheme not in ("http", "https"):
            skipped.append((feed, f"not an http(s) URL ({scheme or 'no scheme'})"))
            continue
        if url_key(feed.url) in urls:
            skipped.append((feed, "already in feeds.yaml (same URL)"))
            continue
        name = feed.name
        if fold(name) in names:
            # Same name, another URL: keep both, the newcomer with its host to tell them apart.
            name = clean_line(f"{feed.name} ({_host(feed.url)})", 100)
            if fold(name) in names:
                skipped.append((feed, "already in feeds.yaml (same name)"))
                continue
            feed = OpmlFeed(name, feed.url, feed.tags, feed.language)
        urls.add(url_key(feed.url))
        names.add(fold(name))
        added.append(feed)
    return ImportPlan(tuple(added), tuple(skipped))


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
    temporary = config_path.with_name(f".{config_path.name}.import-{os.getpid()}")
    temporary.write_text(updated, encoding="utf-8")
    try:
        config = load_config(temporary)
    except ConfigError as error:
        temporary.unlink(missing_ok=True)
        raise ConfigError(
            f"importing would break {config_path.name}, which was left unchanged: {error}"
        ) from None
    os.replace(temporary, config_path)
    return config


def write_opml(feeds: Sequence[FeedSpec], title: str = "briefing feeds") -> bytes:
    """An OPML 2.0 document listing the http(s) feeds (local files are not interchangeable)."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    ET.SubElement(head, "dateCreated").text = format_datetime(datetime.now(UTC), usegmt=True)
    body = ET.SubElement(root, "body")
    for feed in feeds:
        if urlsplit(feed.url).scheme.lower() not in ("http", "https"):
            continue
        attrs = {"type": "rss", "text": feed.name, "title": feed.name, "xmlUrl": feed.url}
        if feed.tags:
            attrs["category"] = ",".join(feed.tags)
        if feed.language:
            attrs["language"] = feed.language
        ET.SubElement(body, "outline", attrs)
    ET.indent(root)
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data + b"\n"


__all__ = [
    "ImportPlan",
    "OpmlFeed",
    "append_feeds",
    "import_into",
    "plan_import",
    "read_opml",
    "url_key",
    "write_opml",
]
