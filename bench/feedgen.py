"""Deterministic generator of varied RSS 2.0, RSS 1.0 and Atom feeds (bytes).

Used by `bench/bench_parse.py` (speed) and `tests/unit/test_parse_differential.py` (the fast
parser against feedparser). Each feed mixes what real feeds do: HTML and CDATA summaries,
entities (also double-escaped), timezone offsets, tracking parameters, relative and
`javascript:` links, missing guids, Arabic and French text, control characters, bidi overrides,
absurd dates. Same seed, same bytes.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from xml.sax.saxutils import escape

WORDS = (
    "Tripoli Benghazi Misrata Sirte Derna Sabha Zawiya ceasefire talks militia oil port "
    "council parliament envoy election budget clashes airport convoy drone brigade coast "
    "guard migrants water power grid bank dinar governor tribe south east west road "
    "report statement minister court protest strike field export"
).split()
ARABIC = "طرابلس بنغازي مصراتة المجلس الرئاسي وقف إطلاق النار النفط الانتخابات".split()
FRENCH = "Tripoli accord pétrole élection général cessez-le-feu réunion côte".split()
OFFSETS = ("+0000", "+0200", "-0500", "+0530", "GMT", "UT", "EST", "+0100")
_BASE = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _words(rng: random.Random, n: int) -> str:
    pool = rng.choice((WORDS, WORDS, WORDS, ARABIC, FRENCH))
    return " ".join(rng.choice(pool) for _ in range(n))


def _title(rng: random.Random, i: int) -> str:
    """Title as it appears inside the XML element (already XML-escaped)."""
    text = escape(_words(rng, rng.randint(3, 10)).capitalize())
    roll = rng.random()
    if roll < 0.08:
        text += " &amp; more"
    elif roll < 0.12:
        text += " &#233;t&#xE9;"
    elif roll < 0.15:
        text += " caf&amp;eacute;"  # double-escaped, as some CMSes send it
    elif roll < 0.18:
        text = f"<![CDATA[{text} <b>live</b>]]>"
    elif roll < 0.20:
        text += " &#x1B;[31m alert &#x202E;desrever"
    return f"{text} #{i}"


def _html(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(1, 4)):
        body = _words(rng, rng.randint(8, 40))
        roll = rng.random()
        if roll < 0.15:
            body += ' <a href="https://example.org/x?utm_medium=rss">link</a>'
        elif roll < 0.25:
            body += "<br/>second line<br><br>third"
        elif roll < 0.30:
            body += "<script>alert('x')</script>"
        elif roll < 0.35:
            body += " &nbsp;&mdash; &amp;quot;quoted&amp;quot;"
        elif roll < 0.38:
            body += " " + "x" * rng.randint(200, 3000)
        parts.append(f"<p>{body}</p>")
    if rng.random() < 0.2:
        parts.append("<ul><li>one</li><li>two</li></ul>")
    return "".join(parts)


def _link(rng: random.Random, host: str, i: int) -> str:
    roll = rng.random()
    if roll < 0.05:
        return f"/news/{i}"
    if roll < 0.07:
        return "javascript:alert(1)"
    if roll < 0.25:
        return f"https://{host}/news/{i}?utm_source=rss&amp;utm_campaign=feed&amp;id={i}"
    if roll < 0.30:
        return f"HTTPS://{host.upper()}:443/news/{i}#comments"
    return f"https://{host}/news/{i}"


def _date(rng: random.Random, i: int) -> datetime:
    if rng.random() < 0.02:
        return datetime(2099, 1, 1, tzinfo=UTC)
    return _BASE - timedelta(minutes=37 * i + rng.randint(0, 30))


def _rfc822(rng: random.Random, when: datetime) -> str:
    stamp = format_datetime(when)  # "+0000"
    zone = rng.choice(OFFSETS)
    if zone in ("+0000", "GMT", "UT"):
        return stamp.replace("+0000", zone)
    # Shift the wall time so the instant stays the same.
    hours = {"+0200": 2, "-0500": -5, "+0530": 5.5, "EST": -5, "+0100": 1}[zone]
    local = when + timedelta(hours=hours)
    return format_datetime(local.replace(tzinfo=None)).replace("-0000", zone)


def rss20(seed: int, items: int = 50, *, dates: bool = True) -> bytes:
    rng = random.Random(seed)
    host = f"news{seed % 97}.example.com"
    out = [
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">\n<channel>',
        f"<title>Feed {seed} &amp; news</title><link>https://{host}/</link>",
        f"<language>{rng.choice(('en', 'ar', 'fr-FR', 'en-us'))}</language>",
    ]
    for i in range(items):
        out.append("<item>")
        out.append(f"<title>{_title(rng, i)}</title>")
        out.append(f"<link>{_link(rng, host, i)}</link>")
        if rng.random() < 0.8:
            perma = rng.random() < 0.3
            guid = f"https://{host}/news/{i}" if perma else f"tag:{host},2026:{seed}-{i}"
            out.append(f'<guid isPermaLink="{"true" if perma else "false"}">{guid}</guid>')
        if dates or rng.random() < 0.9:
            out.append(f"<pubDate>{_rfc822(rng, _date(rng, i))}</pubDate>")
        if rng.random() < 0.5:
            out.append(f"<dc:creator>{escape(_words(rng, 2).title())}</dc:creator>")
        out.append(f"<description>{escape(_html(rng))}</description>")
        if rng.random() < 0.4:
            out.append(f"<content:encoded><![CDATA[{_html(rng)}]]></content:encoded>")
        out.append("</item>")
    out.append("</channel></rss>\n")
    return "\n".join(out).encode("utf-8")


def atom(seed: int, items: int = 50, *, dates: bool = True) -> bytes:
    rng = random.Random(seed)
    host = f"atom{seed % 89}.example.net"
    lang = rng.choice(("en", "ar", "fr"))
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{lang}">',
        f'<title type="text">Atom {seed}</title><link href="https://{host}/"/>',
        f"<id>urn:feed:{seed}</id><updated>2026-03-01T12:00:00Z</updated>",
        f"<author><name>Desk {seed}</name></author>",
    ]
    for i in range(items):
        when = _date(rng, i)
        offset = rng.choice((0, 2, -5, 5.5))
        local = when + timedelta(hours=offset)
        sign = "+" if offset >= 0 else "-"
        zone = (
            "Z" if offset == 0 else f"{sign}{int(abs(offset)):02d}:{int(abs(offset) % 1 * 60):02d}"
        )
        stamp = local.replace(tzinfo=None).isoformat() + zone
        out.append("<entry>")
        kind = rng.choice(("text", "html", "html"))
        title = _title(rng, i)
        if kind == "text" and "CDATA" in title:
            kind = "html"
        out.append(f'<title type="{kind}">{title}</title>')
        out.append(f'<link rel="alternate" href="{_link(rng, host, i)}"/>')
        if rng.random() < 0.9:
            out.append(f"<id>urn:uuid:{seed:08d}-{i:04d}</id>")
        if dates or rng.random() < 0.9:
            out.append(f"<updated>{stamp}</updated>")
            if rng.random() < 0.5:
                out.append(f"<published>{stamp}</published>")
        if rng.random() < 0.5:
            out.append(f"<author><name>{escape(_words(rng, 2).title())}</name></author>")
        out.append(f'<summary type="html">{escape(_html(rng))}</summary>')
        roll = rng.random()
        if roll < 0.3:
            out.append(f'<content type="html">{escape(_html(rng))}</content>')
        elif roll < 0.4:
            out.append(
                '<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">'
                f"<p>{escape(_words(rng, 12))}</p><p>{escape(_words(rng, 9))}</p></div></content>"
            )
        out.append("</entry>")
    out.append("</feed>\n")
    return "\n".join(out).encode("utf-8")


def rss10(seed: int, items: int = 50, *, dates: bool = True) -> bytes:
    rng = random.Random(seed)
    host = f"rdf{seed % 83}.example.org"
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">',
        f'<channel rdf:about="https://{host}/"><title>RDF {seed}</title>',
        f"<link>https://{host}/</link><description>d</description></channel>",
    ]
    for i in range(items):
        link = _link(rng, host, i)
        out.append(f'<item rdf:about="https://{host}/news/{i}">')
        out.append(f"<title>{_title(rng, i)}</title><link>{link}</link>")
        if dates or rng.random() < 0.9:
            out.append(f"<dc:date>{_date(rng, i).isoformat()}</dc:date>")
        out.append(f"<description>{escape(_html(rng))}</description>")
        out.append("</item>")
    out.append("</rdf:RDF>\n")
    return "\n".join(out).encode("utf-8")


def make_feed(seed: int, items: int = 50, *, dates: bool = True) -> bytes:
    """One feed; the format cycles RSS 2.0, Atom, RSS 2.0, RSS 1.0 with the seed."""
    maker = (rss20, atom, rss20, rss10)[seed % 4]
    return maker(seed, items, dates=dates)
