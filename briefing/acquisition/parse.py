"""Downloaded bytes to normalised entries. The only module that imports feedparser.

Two parsers, one result. `feedparser-rs` (Rust, about ten times faster) reads the documents it
is known to read like feedparser: UTF-8 (or plain ASCII) XML with no conflicting charset, whose
entries all carry a date. Everything else, and anything it fails on, goes to `feedparser`, the
reference. `tests/unit/test_parse_differential.py` holds the two to the same normalised entries.
JSON Feed documents are the exception: feedparser 6 cannot read them, so feedparser-rs alone does.

Before either parser sees a document, `check_document` refuses an empty body, an HTML page and
an internal DTD that declares entities (an entity bomb). Each parser runs inside a catch-all:
whatever it raises is this feed's `ParseError`, never the run's.
"""

from __future__ import annotations

import calendar
import hashlib
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal
from urllib.parse import urljoin

import feedparser_rs

from briefing.acquisition.htmltext import (
    html_to_line,
    html_to_text,
    looks_like_html,
    text_to_line,
    text_to_text,
)
from briefing.core.errors import ParseError
from briefing.core.models import Entry, FeedSpec
from briefing.core.text import clean_line
from briefing.core.urls import canonical_url, is_http_url

ParserChoice = Literal["auto", "feedparser-rs", "feedparser"]

TITLE_CHARS = 1_000
AUTHOR_CHARS = 300
URL_CHARS = 2_048
IDENTITY_CHARS = 512
MAX_FIELD_CHARS = 50_000
"""Default cap on a summary or content after HTML → text."""
_RAW_FACTOR = 4
"""HTML beyond this many times the text cap is not even looked at (markup is verbose)."""
_BENIGN = frozenset({"CharacterEncodingOverride", "NonXMLContentType"})
"""feedparser warnings that do not make an empty feed a broken one."""
_EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
_FUTURE_SLACK = timedelta(days=1)


@dataclass(frozen=True)
class ParsedFeed:
    """One parsed document: its title, its normalised entries and how it was read."""

    title: str | None
    entries: tuple[Entry, ...]
    parser: str
    """"feedparser-rs" (the fast path) or "feedparser" (the reference)."""
    warnings: tuple[str, ...] = ()
    """Bozo messages, skipped entries, truncation: worth a log line."""
    fallback: str | None = None
    """Why feedparser read it when the fast path was allowed (None: fast path, or forced)."""


# ---------------------------------------------------------------------------------------------
# Refusals before any parser runs
# ---------------------------------------------------------------------------------------------

_PROBE_BYTES = 65_536
_DOCTYPE = re.compile(r"<!DOCTYPE\b[^\[>]*\[", re.IGNORECASE)
_ENTITY_DECL = re.compile(r"<!ENTITY\b", re.IGNORECASE)
_PROLOG_JUNK = re.compile(r"^(?:\s+|<\?.*?\?>|<!--.*?-->)*", re.DOTALL)
_FIRST_TAG = re.compile(r"<\s*(!DOCTYPE\s+)?([A-Za-z][\w:.-]*)", re.IGNORECASE)
_HTML_ROOTS = frozenset({"html", "head", "body"})


def _probe_text(body: bytes, limit: int | None = _PROBE_BYTES) -> str:
    """The document's first bytes as text, whatever its (Unicode) encoding."""
    head = body[:limit]
    for bom, codec in (
        (b"\x00\x00\xfe\xff", "utf-32-be"),
        (b"\xff\xfe\x00\x00", "utf-32-le"),
        (b"\xfe\xff", "utf-16-be"),
        (b"\xff\xfe", "utf-16-le"),
    ):
        if head.startswith(bom):
            return head[len(bom) :].decode(codec, errors="ignore")
    if head[:4] in (b"\x00\x00\x00<", b"<\x00\x00\x00"):
        return head.decode("utf-32-be" if head[0] == 0 else "utf-32-le", errors="ignore")
    if head[:2] in (b"\x00<", b"<\x00"):
        return head.decode("utf-16-be" if head[0] == 0 else "utf-16-le", errors="ignore")
    # Latin-1 maps every byte: enough to find ASCII markup in any ASCII-compatible charset.
    return head.decode("latin-1")


def check_document(body: bytes, content_type: str | None) -> None:
    """Refuse what must never reach a feed parser, with one clear reason.

    Raises:
        ParseError: the body is empty, declares entities in an internal DTD, or is an HTML page.
    """
    if not body or not body.strip(b" \t\r\n\x00\xef\xbb\xbf\xfe\xff"):
        raise ParseError("empty document: the server sent no feed (0 bytes of content)")
    text = _probe_text(body)
    doctype = _DOCTYPE.search(text)
    if doctype is not None:
        # Anywhere after the internal subset opens, in the whole document: a quoted "]>" or a
        # long subset must not hide a declaration from us.
        whole = text if len(body) <= _PROBE_BYTES else _probe_text(body, None)
        if _ENTITY_DECL.search(whole, doctype.end()):
            raise ParseError(
                "refused: the document declares XML entities in an internal DTD "
                "(a possible entity-expansion bomb); ask the publisher for a plain feed"
            )
    start = _PROLOG_JUNK.match(text)
    rest = text[start.end() if start else 0 :]
    first = _FIRST_TAG.match(rest)
    if first is not None and first.group(2).lower() in _HTML_ROOTS:
        kind = f" (served as {content_type.split(';')[0].strip()})" if content_type else ""
        raise ParseError(
            f"an HTML page, not a feed{kind}: check the feed URL (the site's page is not its feed)"
        )


# ---------------------------------------------------------------------------------------------
# Choosing the parser
# ---------------------------------------------------------------------------------------------

_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']*)["']""", re.I)
_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([^"';\s]+)""", re.IGNORECASE)
_UTF8_NAMES = frozenset({"utf-8", "utf8"})
_ASCII_NAMES = frozenset({"us-ascii", "ascii", "iso-646-us", "ansi_x3.4-1968"})


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


def _fast_path_refusal(body: bytes, headers: Mapping[str, str]) -> str | None:
    """Why feedparser-rs must not read this document, or None when it may.

    feedparser-rs takes no response headers and guesses legacy charsets its own way, so it gets
    only documents whose bytes are UTF-8 and that claim nothing else (the differential test
    shows that on those it reads what feedparser reads).
    """
    content_type = _header(headers, "content-type")
    for name in ("content-location", "content-language"):
        # feedparser takes the base URL and the default language from these headers.
        if _header(headers, name):
            return f"sent a {name} header"
    if b"base64" in body:
        # Atom 0.3 mode="base64" text, which only feedparser decodes.
        return "base64-encoded text"
    if body.startswith((b"\xfe\xff", b"\xff\xfe", b"\x00", b"\x4c\x6f\xa7\x94")):
        return "UTF-16/32 or EBCDIC document"
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return "not UTF-8"
    ascii_only = body.isascii()
    declared = _XML_ENCODING.match(body.lstrip(b"\xef\xbb\xbf"))
    if declared is not None:
        name = declared.group(1).decode("latin-1").strip().lower()
        if name not in _UTF8_NAMES and not (ascii_only and name in _ASCII_NAMES):
            return f"declares encoding {name!r}"
    if content_type:
        media = content_type.split(";")[0].strip().lower()
        charset = _CHARSET.search(content_type)
        if charset is not None:
            name = charset.group(1).strip().lower()
            if name not in _UTF8_NAMES and not (ascii_only and name in _ASCII_NAMES):
                return f"served with charset {name!r}"
        elif media.startswith("text/") and not ascii_only:
            # RFC 3023: text/* with no charset means us-ascii, which feedparser honours.
            return f"served as {media} with no charset"
    return None


def _run_fast(body: bytes) -> Any:
    # feedparser-rs never treats bytes as a URL or a path (checked in the tests).
    return feedparser_rs.parse(body, sanitize_html=False, resolve_relative_uris=False)


def _run_reference(body: bytes, headers: Mapping[str, str]) -> Any:
    # Imported on first use: a fetch whose feeds all take the fast path never pays its ~30 ms.
    import feedparser

    # A stream, never bytes: feedparser opens bytes that look like a file path.
    response_headers = {k.lower(): v for k, v in headers.items()}
    return feedparser.parse(
        io.BytesIO(body),
        response_headers=response_headers,
        sanitize_html=False,
        resolve_relative_uris=False,
    )


# An Atom text element with no type attribute (plain text by the Atom spec), and its text.
_UNTYPED_TEXT = re.compile(
    r"<(?:[A-Za-z][\w.-]*:)?(?:title|subtitle|summary)(?:\s(?![^>]*\btype\s*=)[^>]*)?>"
    r"((?:<!\[CDATA\[.*?\]\]>|[^<])*)",
    re.DOTALL,
)
_CDATA_MARKS = re.compile(r"<!\[CDATA\[|\]\]>")


def _untyped_markup(result: Any, body: bytes) -> bool:
    """An Atom document where feedparser-rs may have called plain text HTML.

    feedparser-rs reports text/html for an Atom title or summary with no type attribute, which
    the Atom spec (and feedparser) read as plain text. That changes nothing unless such a text
    looks like markup; then only feedparser can tell which element declared what.
    """
    if not _text_of(_get(result, "version")).startswith("atom"):
        return False
    feed_meta = _get(result, "feed") or {}
    details = [_get(feed_meta, "title_detail"), _get(feed_meta, "subtitle_detail")]
    for entry in _get(result, "entries") or []:
        details += [_get(entry, "title_detail"), _get(entry, "summary_detail")]
    suspicious = any(
        detail is not None
        and _text_of(_get(detail, "type")).lower() not in _PLAIN_TYPES
        and looks_like_html(_text_of(_get(detail, "value")))
        for detail in details
    )
    if not suspicious:
        return False
    for match in _UNTYPED_TEXT.finditer(body.decode("utf-8", "replace")):
        raw = match.group(1)
        text = _XML_REF.sub(_xml_unescape, _CDATA_MARKS.sub("", raw)) if raw else ""
        if looks_like_html(text):
            return True
    return False


def _usable(result: Any, body: bytes, published: list[Any]) -> str | None:
    """Why a feedparser-rs result is not to be trusted, or None.

    Fills `published` with each entry's `published_parsed`: feedparser-rs builds a new
    struct_time on every read (the dearest field it has), and normalising needs it again.
    """
    entries = result.get("entries") or []
    if not entries:
        # An empty feed is fine either way, but only feedparser gets to say the document
        # is not a feed (its reasons are the ones users can search for).
        return "no entries"
    if result.get("bozo"):
        return f"ill-formed ({result.get('bozo_exception')})"
    for entry in entries:
        # feedparser knows more places for a date (dcterms:modified, Atom elements inside
        # RSS…); on the corpus, every disagreement on dates, links or text was in such feeds.
        first = entry.get("published_parsed")
        published.append(first)
        if not (first or entry.get("updated_parsed")):
            return "an entry without a date"
    if _untyped_markup(result, body):
        return "Atom text with no declared type that looks like markup"
    return None


# ---------------------------------------------------------------------------------------------
# Normalisation (the same code for both parsers' results)
# ---------------------------------------------------------------------------------------------


def _line(text: str) -> str:
    # clean_line's result, without its regexes for the common printable case.
    if text.isprintable():
        # No space in a printable text means no whitespace at all (" " is the only printable
        # one): a link or a guid, already one word.
        return text if " " not in text else " ".join(text.split())
    return clean_line(text)


def _attribute_classes() -> frozenset[type]:
    # feedparser-rs does not export its Entry and TextConstruct classes: a one-item document
    # shows them.
    probe = _run_fast(b"<rss version='2.0'><channel><item><title>t</title></item></channel></rss>")
    entry = probe.get("entries")[0]
    return frozenset({type(entry), type(entry.get("title_detail"))})


_BY_ATTRIBUTE = _attribute_classes()
"""feedparser-rs classes whose fields are read as attributes, a few times cheaper than their
get() for the same objects (`tests/unit/test_parse_fast_paths.py` compares the two on every
entry of the corpora). Anything else (feedparser's dicts, odd objects) is read with get()."""


def _get(obj: Any, name: str) -> Any:
    try:
        if type(obj) in _BY_ATTRIBUTE:
            return getattr(obj, name)
        return obj.get(name)
    except Exception:  # parser objects are foreign; a missing field is None
        return None


def _text_of(value: Any) -> str:
    return value if isinstance(value, str) else ""


_UNREAD: Any = object()
"""An entry's `published_parsed` that was not read before normalising."""


def _date(entry: Any, now: datetime, published: Any = _UNREAD) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        if key == "published_parsed" and published is not _UNREAD:
            parsed = published
        else:
            parsed = _get(entry, key)
        if parsed is None:
            continue
        try:
            stamp = _utc(parsed)
        except (OverflowError, OSError, TypeError, ValueError):
            continue
        # A date in 2099 would pin an item to the top of every list; 1970 is a missing date.
        if stamp > now + _FUTURE_SLACK or stamp < _EARLIEST:
            return None
        return stamp
    return None


def _utc(parsed: Any) -> datetime:
    """A parser's UTC struct_time as a datetime (raises on a field out of range).

    For a valid date the fields are the datetime itself: no seconds count through
    calendar.timegm and back. Only for the years that both ways read alike (fromtimestamp
    fails far from 1970 on some platforms, and such an error means: try the next field);
    anything else (leap seconds, day 31 of April, floats, short tuples) takes `_utc_general`.
    `tests/unit/test_parse_fast_paths.py` holds the two to the same result.
    """
    fields = tuple(parsed)[:6]
    if len(fields) == 6:
        try:
            if 1971 <= fields[0] <= 9998:
                return datetime(*fields, tzinfo=UTC)
        except (OverflowError, TypeError, ValueError):  # a float, a string, a day 31 of April…
            pass
    return _utc_general(parsed)


def _utc_general(parsed: Any) -> datetime:
    """The definition of `_utc`: the struct_time's seconds since the epoch, in UTC."""
    return datetime.fromtimestamp(calendar.timegm(tuple(parsed)[:9]), tz=UTC)


_XML_REF = re.compile(r"&(amp|lt|gt|quot|apos|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});")


def _xml_unescape(match: re.Match[str]) -> str:
    ref = match.group(1)
    if ref.startswith("#"):
        code = int(ref[2:], 16) if ref[1] == "x" else int(ref[1:])
        return chr(code) if 0 < code < 0x110000 and not 0xD800 <= code < 0xE000 else ""
    return {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}[ref]


def _url(value: Any, base: str | None) -> str | None:
    # feedparser-rs leaves character references in attribute values (`href="a?x=1&amp;y=2"`);
    # feedparser decodes them. A URL never needs a literal `&amp;`, so decode for both.
    text = _text_of(value)
    # A reference ends with ";": without one, the regex has nothing to find.
    raw = _line(_XML_REF.sub(_xml_unescape, text) if "&" in text and ";" in text else text)
    if not raw or len(raw) > URL_CHARS:
        return None
    if is_http_url(raw):
        return raw
    if base and not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", raw):
        try:
            joined = urljoin(base, raw)
        except ValueError:
            return None
        return joined if is_http_url(joined) else None
    # javascript:, data:, mailto: … are never links for an analyst.
    return None


def _content(entry: Any) -> tuple[str, Any]:
    """The longest content block, with its detail (its declared type)."""
    blocks = _get(entry, "content") or []
    best, detail = "", None
    for block in blocks if isinstance(blocks, list | tuple) else ():
        value = _text_of(_get(block, "value"))
        if len(value) > len(best):
            best, detail = value, block
    return best, detail


_PLAIN_TYPES = frozenset({"text/plain", "text"})


def _is_html(value: str, detail: Any) -> bool:
    """Whether a field's text is markup: never when typed text/plain, else when it looks so.

    A text/plain field (Atom `type="text"`, feedparser's reading of an RSS title with no markup)
    was decoded once by the parser and is never read as HTML again: `Why <script> tags` and
    `NOC <warns> of` keep their words. A field typed HTML is markup only when it looks like
    markup (`looks_like_html`): RSS declares no types (feedparser guesses, feedparser-rs says
    text/html for every field) and feedparser-rs says text/html for an Atom text with no type
    attribute, so the text decides, the same way on both paths. Authors have no type at all.
    """
    if "<" not in value and "&" not in value:
        # looks_like_html's own first answer, before the dearer look at the detail's type.
        return False
    if detail is not None and _text_of(_get(detail, "type")).lower() in _PLAIN_TYPES:
        return False
    return looks_like_html(value)


def _field_line(value: str, detail: Any, limit: int) -> str:
    raw = value[: limit * _RAW_FACTOR]
    if _is_html(raw, detail):
        return html_to_line(raw, limit)
    return text_to_line(raw, limit)


def _field_block(value: str, detail: Any, cap: int) -> str:
    raw = value[: cap * _RAW_FACTOR]
    text = html_to_text(raw) if _is_html(raw, detail) else text_to_text(raw)
    return text[:cap].rstrip()


def _language(title_detail: Any, summary_detail: Any) -> str | None:
    # The details as _normalise read them: each field of an entry is read once.
    for detail in (title_detail, summary_detail):
        lang = _text_of(_get(detail, "language")) if detail else ""
        if lang:
            return _normal_language(lang)
    return None


def _normal_language(value: str | None) -> str | None:
    if not value:
        return None
    lang = clean_line(value, 35).lower().replace("_", "-")
    return lang or None


def _identity(entry: Any, link: str | None, title: str, published: datetime | None) -> str:
    guid = _line(_text_of(_get(entry, "id")))
    if guid and len(guid) <= IDENTITY_CHARS:
        return guid
    if guid:
        return "sha1:" + hashlib.sha1(guid.encode("utf-8", "replace")).hexdigest()
    if link:
        return canonical_url(link)
    stamp = published.isoformat() if published else ""
    return "sha1:" + hashlib.sha1(f"{title}\n{stamp}".encode("utf-8", "replace")).hexdigest()


def _normalise(
    result: Any,
    spec: FeedSpec,
    now: datetime,
    max_items: int,
    max_field_chars: int,
    warnings: list[str],
    published: list[Any] | None = None,
) -> tuple[str | None, tuple[Entry, ...]]:
    """The result's title and entries; `published` holds what `_usable` read of each date."""
    feed_meta = _get(result, "feed") or {}
    feed_title = _field_line(
        _text_of(_get(feed_meta, "title")), _get(feed_meta, "title_detail"), TITLE_CHARS
    )
    feed_link = _text_of(_get(feed_meta, "link"))
    base = feed_link if is_http_url(feed_link) else (spec.url if is_http_url(spec.url) else None)
    feed_language = _normal_language(_text_of(_get(feed_meta, "language"))) or (
        _normal_language(spec.language)
    )
    # Atom: an entry without an author has the feed's (feedparser-rs applies this, feedparser
    # does not; applying it to both keeps them alike).
    feed_author = _text_of(_get(feed_meta, "author"))
    raw_entries: Iterable[Any] = _get(result, "entries") or []
    entries: list[Entry] = []
    skipped = 0
    seen: set[str] = set()
    for index, raw in enumerate(raw_entries):
        if len(entries) >= max_items:
            warnings.append(f"kept the first {max_items} items; the feed has more")
            break
        title_detail = _get(raw, "title_detail")
        title = _field_line(_text_of(_get(raw, "title")), title_detail, TITLE_CHARS)
        url = _url(_get(raw, "link"), base)
        if not title and not url:
            skipped += 1
            continue
        known = published[index] if published is not None and index < len(published) else _UNREAD
        stamp = _date(raw, now, known)
        summary_detail = _get(raw, "summary_detail")
        summary = _field_block(_text_of(_get(raw, "summary")), summary_detail, max_field_chars)
        content_value, content_detail = _content(raw)
        content = _field_block(content_value, content_detail, max_field_chars)
        if content == summary:
            content = ""
        if not title:
            # A link with no title: the text's first line stands in, so lists stay readable.
            title = clean_line(summary or content or url or "", 120)
        identity = _identity(raw, url, title, stamp)
        if identity in seen:
            skipped += 1
            continue
        seen.add(identity)
        author_raw = _text_of(_get(raw, "author")) or feed_author
        # No format types an author: its text decides (`Jane <jane@x>` is a name and an address).
        author = _field_line(author_raw, None, AUTHOR_CHARS)
        entries.append(
            Entry(
                identity=identity,
                feed=spec.name,
                title=title,
                url=url,
                canonical_url=canonical_url(url) if url else None,
                summary=summary,
                content=content,
                author=author or None,
                published=stamp,
                language=_language(title_detail, summary_detail) or feed_language,
            )
        )
    if skipped:
        warnings.append(f"skipped {skipped} item(s) with no title and no link, or repeated")
    return (feed_title[:TITLE_CHARS] or None), tuple(entries)


# ---------------------------------------------------------------------------------------------
# The entry point
# ---------------------------------------------------------------------------------------------


def parse_feed(
    body: bytes,
    headers: Mapping[str, str],
    feed: FeedSpec,
    *,
    now: datetime | None = None,
    max_items: int = 500,
    max_field_chars: int = MAX_FIELD_CHARS,
    parser: ParserChoice = "auto",
) -> ParsedFeed:
    """Parse one downloaded document into normalised entries.

    Args:
        body: the document's bytes (already decompressed).
        headers: the HTTP response headers (content-type decides the charset with feedparser).
        feed: the feed it came from (its name and language go into each Entry).
        now: the reference time for absurd dates (default: the current time).
        max_items: entries kept, in document order; the rest are dropped with a warning.
        max_field_chars: cap on each summary and content after HTML → text.
        parser: "auto" (the fast path when it is safe), or force one parser (tests, benchmarks).

    Returns:
        ParsedFeed with the parser that produced it and any warnings.

    Raises:
        ParseError: the document is refused (see `check_document`) or is not a feed.
    """
    now = now or datetime.now(UTC)
    try:
        check_document(body, _header(headers, "content-type"))
    except ParseError as error:
        raise ParseError(f"feed {feed.name!r}: {error}") from error
    limits = _Limits(now, max_items, max_field_chars)
    fallback: str | None = None
    if _is_json(body):
        # feedparser 6 does not read JSON Feed: feedparser-rs is the only reader, so there is
        # no reading to disagree with, and no fallback either.
        fast = _parse_fast(body, headers, feed, limits, check=False)
        if isinstance(fast, ParsedFeed) and fast.entries:
            return fast
        reason = fast if isinstance(fast, str) else "no readable items"
        raise ParseError(f"feed {feed.name!r}: not a usable JSON Feed ({reason})")
    if parser != "feedparser":
        fast = _parse_fast(body, headers, feed, limits, check=parser == "auto")
        if isinstance(fast, ParsedFeed):
            return fast
        if parser == "feedparser-rs":
            raise ParseError(f"feed {feed.name!r}: feedparser-rs could not read it ({fast})")
        fallback = fast
    return _parse_reference(body, headers, feed, limits, fallback)


def _is_json(body: bytes) -> bool:
    return body.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")


@dataclass(frozen=True)
class _Limits:
    now: datetime
    max_items: int
    max_field_chars: int


def _parse_fast(
    body: bytes, headers: Mapping[str, str], feed: FeedSpec, limits: _Limits, *, check: bool
) -> ParsedFeed | str:
    """The fast path's ParsedFeed, or why it was not taken (with `check`, only when safe)."""
    refusal = _fast_path_refusal(body, headers) if check else None
    if refusal is not None:
        return refusal
    try:
        result = _run_fast(body)
    except Exception as error:  # any failure means: ask the reference
        return f"feedparser-rs failed ({type(error).__name__})"
    published: list[Any] | None = [] if check else None
    refusal = _usable(result, body, published) if published is not None else None
    if refusal is not None:
        return refusal
    warnings: list[str] = []
    try:
        title, entries = _normalise(
            result, feed, limits.now, limits.max_items, limits.max_field_chars, warnings, published
        )
    except Exception as error:  # odd objects: ask the reference
        return f"feedparser-rs result unreadable ({type(error).__name__})"
    return ParsedFeed(title, entries, "feedparser-rs", tuple(warnings))


def _parse_reference(
    body: bytes,
    headers: Mapping[str, str],
    feed: FeedSpec,
    limits: _Limits,
    fallback: str | None,
) -> ParsedFeed:
    """feedparser's reading, fenced: whatever it raises is this feed's ParseError."""
    try:
        result = _run_reference(body, headers)
    except Exception as error:  # feedparser raises on some character refs
        raise ParseError(
            f"feed {feed.name!r}: feedparser failed on this document "
            f"({type(error).__name__}: {clean_line(str(error), 200)})"
        ) from error
    warnings: list[str] = []
    bozo = _get(result, "bozo")
    if bozo:
        warnings.append(f"ill-formed: {clean_line(str(_get(result, 'bozo_exception')), 200)}")
    try:
        title, entries = _normalise(
            result, feed, limits.now, limits.max_items, limits.max_field_chars, warnings
        )
    except Exception as error:  # foreign objects; one bad feed, not the run
        raise ParseError(
            f"feed {feed.name!r}: could not read the parsed entries ({type(error).__name__})"
        ) from error
    error_name = type(_get(result, "bozo_exception")).__name__
    if not entries and (not _get(result, "version") or (bozo and error_name not in _BENIGN)):
        reason = clean_line(str(_get(result, "bozo_exception") or "no feed elements found"), 200)
        if _get(result, "version"):
            raise ParseError(
                f"feed {feed.name!r}: ill-formed feed with no readable items ({reason})"
            )
        raise ParseError(f"feed {feed.name!r}: not a feed ({reason})")
    return ParsedFeed(title, entries, "feedparser", tuple(warnings), fallback)


__all__ = ["ParsedFeed", "check_document", "parse_feed"]
