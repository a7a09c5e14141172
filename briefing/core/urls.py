"""URLs: which are safe http(s) links, and the canonical form that spots one story in several feeds.

Tracking parameters are dropped from the canonical form, so the same article reached through a
newsletter and through a feed has one key.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from briefing.core.text import strip_unsafe

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
# Both at once, in one match: the plain URL, then (group 2) a query made only of plain pairs.
_PLAIN_HTTP_ANY = re.compile(
    r"(https?://[a-z0-9.-]+/[^?#\s]*)"
    r"(?:\?([A-Za-z0-9._~-]+=[A-Za-z0-9._~-]*(?:&[A-Za-z0-9._~-]+=[A-Za-z0-9._~-]*)*))?\Z"
)
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
    plain = _PLAIN_HTTP_ANY.match(url)
    if plain is not None:
        # The common feed link (`…/story?id=7&utm_source=rss`): filtered without urllib, which
        # costs several times more; anything unusual in the query takes the general path.
        query = plain.group(2)
        if query is None:
            return url
        pieces = query.split("&")
        left = [piece for piece in pieces if not _is_tracking(piece.partition("=")[0])]
        if len(left) == len(pieces):
            return url
        return f"{plain.group(1)}?{'&'.join(left)}" if left else plain.group(1)
    return _canonical_general(url)


def _canonical_general(url: str) -> str:
    """`canonical_url` through urllib, for a stripped URL (also the fast path's definition)."""
    if _PLAIN_HTTP.match(url):
        return url
    plain = _PLAIN_HTTP_QUERY.match(url)
    if plain is not None:
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


def url_key(url: str) -> str:
    """One key for two spellings of the same address, to tell a feed or an article listed twice.

    On top of `canonical_url` (case, default port, tracking parameters, fragment), the scheme,
    a leading `www.` and a trailing slash do not count. Anything that is not an http(s) URL (a
    local feed file) is its own key.
    """
    canonical = canonical_url(url)
    try:
        parts = urlsplit(canonical)
    except ValueError:
        return canonical
    if parts.scheme not in _DEFAULT_PORTS or not parts.netloc:
        return canonical
    path = parts.path.rstrip("/") or "/"
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.netloc.removeprefix('www.')}{path}{query}"


__all__ = ["canonical_url", "is_http_url", "url_key"]
