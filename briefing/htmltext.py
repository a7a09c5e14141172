"""Feed HTML to clean text, and URLs to their canonical form.

Runs on every parsed item, so it is regex-based rather than a full HTML parser: markup is never
rendered, only removed. The result is plain text that has been through `briefing.text`, with
paragraphs kept as blocks separated by one blank line.
"""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from briefing.text import strip_unsafe

# Elements whose content is never text for a reader. An unclosed one runs to the end.
_DROPPED = re.compile(
    r"<(script|style|iframe|noscript|template|object|embed|svg|math|head|title|select|textarea)"
    r"\b[^>]*>.*?(?:</\1\s*>|\Z)",
    re.IGNORECASE | re.DOTALL,
)
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)|<![^>]*>|<\?.*?(?:\?>|\Z)", re.DOTALL)
_CDATA = re.compile(r"<!\[CDATA\[(.*?)(?:\]\]>|\Z)", re.DOTALL)
# A tag, with quoted attribute values that may themselves hold ">".
_TAG = re.compile(r"""</?([a-zA-Z][a-zA-Z0-9:-]*)(?:"[^"]*"|'[^']*'|[^'">])*>?""")
_PARAGRAPH_TAGS = frozenset(
    "p div h1 h2 h3 h4 h5 h6 blockquote pre ul ol dl li table tr section article figure "
    "hr header footer aside address main nav details summary caption thead tbody tfoot".split()
)
_LINE_TAGS = frozenset("br dt dd figcaption".split())
_CELL_TAGS = frozenset("td th".split())
_BLANK_LINES = re.compile(r"\n\s*\n")
# An entity left over after one round of decoding: the feed escaped its HTML twice.
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});")
# Tags of real HTML in text that was already decoded once (double-escaped markup).
_ESCAPED_MARKUP = re.compile(
    r"</?(?:p|br|div|span|a|b|i|em|strong|ul|ol|li|img|script|style|iframe|h[1-6]|blockquote)"
    r"\b[^<>]*>",
    re.IGNORECASE,
)


_BREAKS = {
    **{name: "\n\n" for name in _PARAGRAPH_TAGS},
    **{name: "\n" for name in _LINE_TAGS},
    **{name: " " for name in _CELL_TAGS},
}


def _tag_break(match: re.Match[str]) -> str:
    # Inline tags vanish without a space: `<b>Trip</b>oli` is one word.
    return _BREAKS.get(match.group(1).lower(), "")


def _strip_markup(text: str) -> str:
    text = _DROPPED.sub(" ", text)
    if "<!" in text or "<?" in text:
        text = _CDATA.sub(r"\1", text)
        text = _COMMENT.sub(" ", text)
    return _TAG.sub(_tag_break, text)


def _decode(markup: str) -> str:
    # Two rounds at most: the second only for feeds that escaped their HTML or entities twice.
    text = markup
    for _ in range(2):
        if "<" in text:
            text = _strip_markup(text)
        if "&" in text:
            text = html.unescape(text)
        if not (
            ("<" in text and _ESCAPED_MARKUP.search(text)) or ("&" in text and _ENTITY.search(text))
        ):
            break
    return text


def _safe(text: str) -> str:
    # isprintable() is False for every control, format (bidi, BOM) and surrogate character, so
    # a printable text has nothing for strip_unsafe to remove: skip the regex (the common case).
    if text.replace("\n", " ").replace("\t", " ").isprintable():
        return text
    return strip_unsafe(text).replace("\u200b", " ")


def _paragraphs(text: str) -> str:
    # Same result as briefing.text.clean_block, in C-speed str methods.
    out = []
    for chunk in _BLANK_LINES.split(text):
        words = chunk.split()
        if words:
            out.append(" ".join(words))
    return "\n\n".join(out)


def html_to_text(markup: str) -> str:
    """Turn feed HTML (or plain text) into safe plain text with paragraphs kept.

    Block tags become paragraph breaks, `<br>` a line break (two make a paragraph),
    script/style/iframe are dropped with their content, entities are decoded (also when the
    feed escaped them twice, `&amp;eacute;` → é), and control characters and bidi overrides
    are removed (`html.unescape` turns `&#x1B;` into ESC and `&#xD800;` into U+FFFD).
    """
    if not markup:
        return ""
    text = markup if "<" not in markup and "&" not in markup else _decode(markup)
    return _paragraphs(_safe(text))


def html_to_line(markup: str, limit: int | None = None) -> str:
    """`html_to_text` folded to one line (titles, authors), capped at `limit` characters."""
    if not markup:
        return ""
    text = markup if "<" not in markup and "&" not in markup else _decode(markup)
    line = " ".join(_safe(text).split())
    if limit is not None and len(line) > limit:
        line = line[: max(limit - 1, 0)].rstrip() + "…"
    return line


# ---------------------------------------------------------------------------------------------
# URLs
# ---------------------------------------------------------------------------------------------

_TRACKING_PREFIXES = ("utm_", "mtm_", "pk_", "ns_", "at_", "wt_", "hsa_", "_hs")
_TRACKING_PARAMS = frozenset(
    """fbclid gclid gclsrc dclid msclkid yclid twclid igshid mc_cid mc_eid ref ref_src ref_url
    cmpid cmp icid ocid s_cid scid xtor spm smid ito guccounter guce_referrer
    guce_referrer_sig _ga _gl mkt_tok oly_anon_id oly_enc_id rb_clickid vero_id vero_conv
    __twitter_impression wt.mc_id mbid sr_share cid_source fb_action_ids fb_action_types
    fb_ref fb_source action_object_map action_type_map action_ref_map""".split()
)
_DEFAULT_PORTS = {"http": 80, "https": 443}
# The common case, decided without urlsplit: scheme, a plain host name, optional port, then a
# path, query, fragment or the end.
# Already canonical: lower-case scheme and host, no port, a path, no query, no fragment.
_PLAIN_HTTP = re.compile(r"https?://[a-z0-9.-]+/[^?#\s]*\Z")
_PLAIN_HTTP_QUERY = re.compile(r"(https?://[a-z0-9.-]+/[^?#\s]*)\?([^#\s]+)\Z")
# A query piece that parse_qsl + urlencode would give back unchanged: one `=`, only unreserved
# characters (urlencode's quote_plus leaves them alone; nothing to unquote).
_PLAIN_PAIR = re.compile(r"[A-Za-z0-9._~-]+=[A-Za-z0-9._~-]*\Z")
_URL_UNSAFE = re.compile(r'[\s"<>`\x00-\x1f\x7f-\x9f\\]')
_SIMPLE_HTTP = re.compile(r"[Hh][Tt][Tt][Pp][Ss]?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:[/?#]|\Z)")


def _is_tracking(name: str) -> bool:
    key = name.lower()
    return key in _TRACKING_PARAMS or key.startswith(_TRACKING_PREFIXES)


def is_http_url(url: str | None) -> bool:
    """True for an absolute http(s) URL with a host; False for javascript:, data:, relative…"""
    if not url:
        return False
    if _URL_UNSAFE.search(url):
        # Quotes, brackets, spaces or controls inside a link break out of an attribute or a
        # Markdown link; the exporters refuse such links, so the whole pipeline does.
        return False
    if _SIMPLE_HTTP.match(url):
        return True
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in _DEFAULT_PORTS and bool(parts.hostname)


def canonical_url(url: str) -> str:
    """The form of an http(s) URL used to spot the same story in several feeds.

    Tracking parameters (utm_*, fbclid, gclid, mc_cid, ref, …) and the fragment are removed,
    the scheme and host lower-cased and a default port dropped; other parameters keep their
    order. A URL that is not http(s) or cannot be parsed comes back stripped but unchanged.
    """
    url = url.strip() if url.isprintable() else strip_unsafe(url).strip()
    if _PLAIN_HTTP.match(url):
        return url
    plain = _PLAIN_HTTP_QUERY.match(url)
    if plain is not None:
        # The common feed link (`…/story?id=7&utm_source=rss`): filtered without urllib, which
        # costs several times more; anything unusual in the query takes the general path.
        pieces = plain.group(2).split("&")
        if all(_PLAIN_PAIR.match(piece) for piece in pieces):
            left = [piece for piece in pieces if not _is_tracking(piece.partition("=")[0])]
            if len(left) == len(pieces):
                return url
            return f"{plain.group(1)}?{'&'.join(left)}" if left else plain.group(1)
    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return url
    if scheme not in _DEFAULT_PORTS or not host:
        return url
    # Built from the host alone: credentials never identify a story.
    netloc = host
    if ":" in host:  # an IPv6 literal
        netloc = f"[{host}]"
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        netloc = f"{netloc}:{port}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        kept = [(k, v) for k, v in pairs if not _is_tracking(k)]
        if len(kept) != len(pairs):
            query = urlencode(kept)
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


__all__ = ["canonical_url", "html_to_line", "html_to_text", "is_http_url"]
