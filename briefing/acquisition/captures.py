"""Standalone articles (the seed, saved pages, URLs) → an `Article`, with capture noise removed.

A capture is what an analyst saves from a browser: a plain-text file (line 1 the headline, line 2
the standfirst, then one paragraph per line) or an HTML page. Captures carry noise that is not
the article, and the rules below remove it generically — nothing is tuned to one outlet:

* a paragraph that appears twice (exactly, or alike once whitespace, quotes and case are folded);
* the headline or standfirst repeated as the first paragraph, and a "By …" byline line;
* author bios at the end ("<Name> is a researcher…", "Twitter: @…"), kept as author details;
* a trailing "More from <Outlet>" / "Related" / "Read more" block of other headlines.

What was dropped is listed in `Article.removed`, so `briefing import` can say so.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from difflib import SequenceMatcher
from html.parser import HTMLParser

from briefing.core.errors import ImportError_
from briefing.core.models import Entry
from briefing.core.text import clean_line, fold
from briefing.core.urls import is_http_url

MAX_CAPTURE_BYTES = 10_000_000
"""A larger file is not an article capture."""


@dataclass(frozen=True)
class Article:
    """An imported article: the entry to store plus what the importer learnt and dropped."""

    entry: Entry
    """kind="article"; `content` holds the kept paragraphs separated by blank lines."""
    authors: tuple[str, ...] = ()
    authors_details: str = ""
    """The author bios found at the end of the capture, one per paragraph."""
    removed: tuple[str, ...] = ()
    """One line per kind of noise dropped, e.g. "duplicate paragraph: 'On April 4…'"."""
    outlet: str | None = None

    @property
    def paragraphs(self) -> tuple[str, ...]:
        return tuple(p for p in self.entry.content.split("\n\n") if p)


# ---------------------------------------------------------------------------------------------
# Decoding: refuse what is not text
# ---------------------------------------------------------------------------------------------

_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.IGNORECASE)


def _decode(data: bytes, source: str, content_type: str | None) -> str:
    if len(data) > MAX_CAPTURE_BYTES:
        raise ImportError_(f"{source}: {len(data):,} bytes is too large for an article capture")
    if not data.strip():
        raise ImportError_(f"{source}: the capture is empty — save the article's text first")
    if b"\x00" in data[:65536]:
        raise ImportError_(f"{source}: binary data (NUL bytes), not a text or HTML capture")
    charset = None
    if content_type and (match := _CHARSET.search(content_type)):
        charset = match.group(1).lower()
    if charset and charset.replace("-", "").replace("_", "") not in {"utf8", "usascii", "ascii"}:
        # A web page that declares its charset is read in it; a bare file must be UTF-8.
        try:
            text = data.decode(charset)
        except (LookupError, UnicodeDecodeError) as error:
            raise ImportError_(
                f"{source}: cannot be read as its declared charset {charset!r} ({error})"
            ) from None
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ImportError_(
                f"{source}: not UTF-8 text (byte 0x{data[error.start]:02x} at offset "
                f"{error.start}) — save the capture as UTF-8"
            ) from None
    controls = sum(
        1 for ch in text[:65536] if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f"
    )
    if controls > max(8, len(text[:65536]) // 50):
        raise ImportError_(f"{source}: mostly control characters — binary, not a capture")
    return text


def _looks_like_html(text: str, source: str, content_type: str | None) -> bool:
    if content_type:
        kind = content_type.split(";")[0].strip().lower()
        if "html" in kind or "xml" in kind:
            return True
        if kind == "text/plain":
            return False
    if source.lower().endswith((".html", ".htm", ".xhtml")):
        return True
    head = text.lstrip()[:2048].lower()
    return head.startswith("<") and bool(
        re.search(r"<(!doctype html|html|head|body|article)\b", head)
    )


# ---------------------------------------------------------------------------------------------
# Noise rules (work on a list of paragraphs)
# ---------------------------------------------------------------------------------------------

_QUOTES = str.maketrans({c: "'" for c in "‘’‚‛′`´"} | {c: '"' for c in "“”„‟″«»"})
_NON_WORD = re.compile(r"[\W_]+")


def paragraph_key(text: str) -> str:
    """The form two copies of a paragraph share: case, accents, quotes and spacing folded."""
    return _NON_WORD.sub(" ", fold(text.translate(_QUOTES))).strip()


def _short(text: str, limit: int = 60) -> str:
    return repr(clean_line(text, limit))


_NEAR = 0.95  # two paragraphs this alike are one paragraph captured twice
_MIN_DUPLICATE = 30  # shorter repeats ("Yes.", "—") can be real


def drop_duplicates(paragraphs: Sequence[str]) -> tuple[list[str], list[str]]:
    """Keep the first copy of each paragraph; returns (kept, removed descriptions)."""
    kept: list[str] = []
    keys: list[str] = []
    removed: list[str] = []
    for paragraph in paragraphs:
        key = paragraph_key(paragraph)
        duplicate = len(key) >= _MIN_DUPLICATE and any(
            key == other
            or (
                abs(len(key) - len(other)) <= len(key) * (1 - _NEAR)
                and (matcher := SequenceMatcher(None, key, other, autojunk=False)).quick_ratio()
                >= _NEAR
                and matcher.ratio() >= _NEAR
            )
            for other in keys
        )
        if duplicate:
            removed.append(f"duplicate paragraph: {_short(paragraph)}")
            continue
        kept.append(paragraph)
        keys.append(key)
    return kept, removed


# "More from Foreign Policy", "Related stories", "Read more", "Recommended", "Most read"…
_MORE_HEADING = re.compile(
    r"^(?:more (?:from|on|in|by|stories|articles|news)\b.*|related(?: (?:stories|articles|"
    r"content|coverage|reading|news))?|read (?:more|next|also)\b.*|recommended(?: for you)?|"
    r"(?:you|you might|you may) (?:also|might) (?:like|enjoy)\b.*|most (?:read|popular|viewed)"
    r"\b.*|see also|further reading|trending(?: now)?|latest news|editor'?s picks)\s*:?$",
    re.IGNORECASE,
)
_MAX_TEASER = 300  # a headline or standfirst in a teaser block is short


def drop_more_block(paragraphs: Sequence[str]) -> tuple[list[str], list[str]]:
    """Cut a trailing "More from …" block: a short heading followed only by short teasers."""
    # Never in the first quarter: a teaser block follows the article, it does not open it.
    start = max(1, len(paragraphs) // 4)
    for index in range(start, len(paragraphs)):
        heading = paragraphs[index].strip()
        if len(heading) > 60 or not _MORE_HEADING.match(heading):
            continue
        tail = paragraphs[index + 1 :]
        if all(len(line) <= _MAX_TEASER for line in tail):
            lines = len(tail)
            return list(paragraphs[:index]), [
                f"{_short(heading, 40)} block ({lines} line{'s' if lines != 1 else ''})"
            ]
    return list(paragraphs), []


_NAME = r"(?:(?:al|el|ibn|bin|de|van|von|da|du|la|le)[-\s])?[A-Z][\w'’.-]+"
# A bio opens with a name, not with "The …" / "In …" (which can also be capitalised words).
_NOT_NAME = (
    r"(?!(?:The|This|That|These|Those|It|Its|In|On|At|A|An|But|And|If|As|For|Their|His|Her|"
    r"When|While|After|Before|Since)\b)"
)
_BIO_START = re.compile(
    rf"^{_NOT_NAME}({_NAME}(?:\s+{_NAME}){{1,4}})\s*(?:,\s[^,]{{0,80}},\s*)?"
    r"(?:is|was|has|writes|works|teaches|leads|heads|covers|serves)\b"
)
_BIO_WORDS = re.compile(
    r"\b(?:host|author|researcher|fellow|analyst|journalist|correspondent|editor|professor|"
    r"director|founder|co-founder|consultant|lecturer|reporter|writer|contributor|scholar|"
    r"expert|adviser|advisor|associate|candidate|chair|president|head|former|previously|"
    r"specialist|columnist|economist|diplomat|student|member|partner|manager|officer)\b",
    re.IGNORECASE,
)
_HANDLE = re.compile(r"(?:^|\s)(?:twitter|x|bluesky|instagram|mastodon)\s*:\s*@\w+|^@\w+$", re.I)
_MAX_BIO = 500


def _bio_name(paragraph: str, authors: Sequence[str]) -> str | None:
    """The person a bio paragraph is about, or None when it is not a bio."""
    text = paragraph.strip()
    if len(text) > _MAX_BIO:
        return None
    folded = fold(text)
    for author in authors:
        if author and folded.startswith(fold(author)):
            return author
    match = _BIO_START.match(text)
    if match and _BIO_WORDS.search(text):
        return match.group(1)
    return None


def drop_bios(
    paragraphs: Sequence[str], authors: Sequence[str] = ()
) -> tuple[list[str], list[str], list[str]]:
    """Move the author bios at the end into details; returns (kept, bios, names found)."""
    kept = list(paragraphs)
    bios: list[str] = []
    names: list[str] = []
    # At most a few trailing paragraphs, and never the whole article.
    while len(kept) > 1 and len(bios) < 6:
        last = kept[-1]
        name = _bio_name(last, authors)
        if name is None and not _HANDLE.search(last):
            break
        if name is None and len(last) > 120:
            break
        bios.insert(0, kept.pop())
        if name and name not in names:
            names.insert(0, name)
    return kept, bios, names


_BYLINE = re.compile(r"^by\s+(.{3,150})$", re.IGNORECASE)


def _byline(paragraph: str) -> list[str] | None:
    match = _BYLINE.match(paragraph.strip())
    if not match or len(paragraph) > 160:
        return None
    parts = re.split(r"\s*(?:,|;|\band\b|&)\s*", match.group(1).rstrip("."))
    names = [p.strip() for p in parts if p.strip()]
    if all(re.match(rf"^{_NAME}(?:\s+{_NAME}){{0,4}}$", n) for n in names):
        return names
    return None


# ---------------------------------------------------------------------------------------------
# Plain text and HTML captures
# ---------------------------------------------------------------------------------------------


@dataclass
class _Raw:
    title: str
    standfirst: str
    paragraphs: list[str]
    authors: list[str]
    url: str | None = None
    published: datetime | None = None
    outlet: str | None = None
    language: str | None = None


def _from_text(text: str) -> _Raw:
    lines = [clean_line(line) for line in text.splitlines()]
    lines = [line for line in lines if line]
    title = lines[0] if lines else ""
    rest = lines[1:]
    standfirst = ""
    # Line 2 is the standfirst, unless it is plainly a body paragraph or a byline.
    if rest and len(rest[0]) <= 400 and _byline(rest[0]) is None:
        standfirst = rest.pop(0)
    return _Raw(title=title, standfirst=standfirst, paragraphs=rest, authors=[])


class _PageParser(HTMLParser):
    """Collects the headline, metadata and body paragraphs of an HTML page."""

    # Page furniture, never article text. <header> counts only outside <article>/<main>, where
    # it is the site's banner; inside, it usually holds the headline.
    _SKIP = frozenset(
        "script style noscript template nav footer aside form iframe svg figure "
        "button select textarea object embed".split()
    )
    _BLOCKS = frozenset("p h1 h2 h3 h4 h5 h6 li blockquote div section article main".split())
    _TEXT_BLOCKS = frozenset("p h1 h2 h3 h4 li blockquote".split())
    _VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())
    # Containers whose class or id says they are furniture (never <body>, <main>, <article>).
    _NOISE = re.compile(
        r"(?:^|[\s_-])(?:sidebar|related|newsletter|share|sharing|social|comments?|promo|"
        r"advert|ads?|cookie|subscribe|breadcrumbs?|menu|popup|modal|paywall)(?:$|[\s_-])"
    )
    _CONTAINERS = frozenset("div section ul ol p span".split())
    _DEK = re.compile(r"\b(?:dek|standfirst|subtitle|subhead|article-summary)")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.title = ""
        self.h1 = ""
        self.dek = ""
        self.canonical: str | None = None
        self.language: str | None = None
        self.blocks: list[tuple[str, bool, bool]] = []
        """(text, inside <article>, inside <main>) per paragraph-like block."""
        self._skip = 0
        self._article = 0
        self._main = 0
        self._buffer: list[str] | None = None
        self._buffer_tag = ""
        self._in_title = False
        self._dek: list[str] | None = None
        self._dek_depth = 0
        self._stack: list[tuple[str, bool]] = []
        """Open tags, each with whether it started a skipped region."""

    def _flush(self) -> None:
        if self._buffer is not None:
            text = clean_line("".join(self._buffer))
            if text:
                if self._buffer_tag == "h1" and not self.h1:
                    self.h1 = text
                else:
                    self.blocks.append((text, self._article > 0, self._main > 0))
        self._buffer = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta":
            key = (values.get("property") or values.get("name") or "").lower()
            if key and "content" in values and key not in self.meta:
                self.meta[key] = clean_line(values["content"])
            return
        if tag == "link" and "canonical" in values.get("rel", "").lower().split():
            self.canonical = values.get("href") or None
            return
        if tag == "html" and values.get("lang"):
            self.language = values["lang"].split("-")[0].lower() or None
        if tag in self._VOID:
            if tag == "br" and self._buffer is not None:
                self._buffer.append(" ")
            return
        classes = f"{values.get('class', '')} {values.get('id', '')}".lower()
        skip = (
            tag in self._SKIP
            or (tag == "header" and not (self._article or self._main))
            or (tag in self._CONTAINERS and bool(self._NOISE.search(classes)))
        )
        self._stack.append((tag, skip))
        if skip:
            self._flush()
            self._skip += 1
            return
        if self._skip:
            return
        if tag == "title":
            self._in_title = True
        elif tag == "article":
            self._article += 1
        elif tag == "main":
            self._main += 1
        if self._dek is None and not self.dek and self._DEK.search(classes):
            self._flush()
            self._dek = []
            self._dek_depth = len(self._stack)
            return
        if tag in self._BLOCKS:
            self._flush()
            if tag in self._TEXT_BLOCKS and self._dek is None:
                self._buffer = []
                self._buffer_tag = tag

    def handle_endtag(self, tag: str) -> None:
        if all(open_tag != tag for open_tag, _ in self._stack):
            return
        # Pop up to the matching start tag: HTML often leaves inner tags unclosed.
        while self._stack:
            open_tag, skipped = self._stack.pop()
            self._end(open_tag, skipped)
            if open_tag == tag:
                break

    def _end(self, tag: str, skipped: bool) -> None:
        if skipped:
            self._skip = max(0, self._skip - 1)
            return
        if self._skip:
            return
        if self._dek is not None and len(self._stack) < self._dek_depth:
            self.dek = clean_line("".join(self._dek))
            self._dek = None
        if tag == "title":
            self._in_title = False
        elif tag == "article":
            self._article = max(0, self._article - 1)
        elif tag == "main":
            self._main = max(0, self._main - 1)
        if tag in self._BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._in_title:
            self.title += data
        if self._dek is not None:
            self._dek.append(data)
        if self._buffer is not None:
            self._buffer.append(data)


def _parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _strip_site(title: str, site: str | None) -> str:
    """`Headline | Outlet` → `Headline`."""
    for separator in (" | ", " – ", " — ", " - "):
        head, sep, tail = title.rpartition(separator)
        if sep and head and (site is None or fold(tail) == fold(site) or len(tail) <= 30):
            return head.strip()
    return title


def _from_html(text: str) -> _Raw:
    parser = _PageParser()
    parser.feed(text)
    parser.close()
    parser._flush()
    meta = parser.meta
    site = meta.get("og:site_name") or None
    title = parser.h1 or meta.get("og:title") or _strip_site(clean_line(parser.title), site)
    standfirst = parser.dek or meta.get("description") or meta.get("og:description") or ""
    # Body: paragraphs of <article> when the page has one, else of <main>, else all.
    if any(in_article for _, in_article, _ in parser.blocks):
        paragraphs = [t for t, in_article, _ in parser.blocks if in_article]
    elif any(in_main for _, _, in_main in parser.blocks):
        paragraphs = [t for t, _, in_main in parser.blocks if in_main]
    else:
        paragraphs = [t for t, _, _ in parser.blocks]
    authors: list[str] = []
    for key in ("author", "article:author", "parsely-author", "sailthru.author"):
        value = meta.get(key, "")
        if value and not is_http_url(value):  # a profile link is not a name
            authors = [a.strip() for a in re.split(r"\s*(?:;|,|\band\b)\s*", value) if a.strip()]
            break
    url = parser.canonical or meta.get("og:url")
    return _Raw(
        title=clean_line(title),
        standfirst=clean_line(standfirst),
        paragraphs=paragraphs,
        authors=authors,
        url=url if is_http_url(url) else None,
        published=_parse_date(meta.get("article:published_time") or meta.get("date")),
        outlet=site,
        language=parser.language,
    )


# ---------------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------------


def article_identity(url: str | None, title: str) -> str:
    """Stable identity of an imported article: its URL, else a hash of its folded title."""
    if url:
        return url
    digest = hashlib.sha1(paragraph_key(title).encode("utf-8")).hexdigest()[:16]
    return f"article:{digest}"


def parse_capture(
    data: bytes,
    *,
    source: str,
    content_type: str | None = None,
    authors: Sequence[str] = (),
    outlet: str | None = None,
    url: str | None = None,
) -> Article:
    """Turn a saved article (plain text or HTML) into an `Article`, dropping capture noise.

    Args:
        data: the capture's bytes.
        source: where it came from (a path or URL), for messages and as the URL when http(s).
        content_type: the HTTP Content-Type when downloaded (decides HTML and the charset).
        authors: the authors' names when known (helps recognise their bios).
        outlet: the outlet when known (the entry's feed).
        url: the article's canonical URL when known.

    Raises:
        ImportError_: the capture is empty, binary, not UTF-8, or has no headline.
    """
    text = _decode(data, source, content_type)
    raw = _from_html(text) if _looks_like_html(text, source, content_type) else _from_text(text)
    if not raw.title:
        raise ImportError_(f"{source}: no headline found — line 1 of a capture is the headline")
    removed: list[str] = []
    paragraphs = raw.paragraphs
    found_authors = list(authors) or raw.authors

    # A byline line near the top names the authors and is not body text.
    for index, paragraph in enumerate(paragraphs[:3]):
        names = _byline(paragraph)
        if names:
            found_authors = found_authors or names
            removed.append(f"byline: {_short(paragraph)}")
            paragraphs = paragraphs[:index] + paragraphs[index + 1 :]
            break

    # The headline or standfirst pasted again as the first paragraph.
    heads = {paragraph_key(raw.title), paragraph_key(raw.standfirst)} - {""}
    while paragraphs and paragraph_key(paragraphs[0]) in heads:
        removed.append(f"repeated headline: {_short(paragraphs[0])}")
        paragraphs = paragraphs[1:]

    paragraphs, more = drop_more_block(paragraphs)
    paragraphs, bios, bio_names = drop_bios(paragraphs, found_authors)
    paragraphs, duplicates = drop_duplicates(paragraphs)
    removed += duplicates
    if bios:
        removed.append(
            f"{len(bios)} author bio paragraph{'s' if len(bios) != 1 else ''} "
            "(kept as author details)"
        )
    removed += more
    if not paragraphs and not raw.standfirst:
        raise ImportError_(f"{source}: no article text found after the headline")

    page_url = url or raw.url
    if page_url is None and is_http_url(source):
        page_url = source
    entry = Entry(
        identity=article_identity(page_url, raw.title),
        feed=outlet or raw.outlet or "Imported",
        title=raw.title,
        url=page_url,
        canonical_url=page_url,
        summary=raw.standfirst,
        content="\n\n".join(paragraphs),
        author="; ".join(found_authors or bio_names) or None,
        published=raw.published,
        language=raw.language,
        kind="article",
    )
    return Article(
        entry=entry,
        authors=tuple(found_authors or bio_names),
        authors_details="\n\n".join(bios),
        removed=tuple(removed),
        outlet=raw.outlet,
    )


__all__ = ["Article", "article_identity", "paragraph_key", "parse_capture"]
