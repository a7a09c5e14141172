"""parse_feed and check_document on hand-written fixtures (tests/data/feeds/)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from briefing.acquisition.parse import ParsedFeed, ParserChoice, check_document, parse_feed
from briefing.core.errors import ParseError
from briefing.core.models import Entry, FeedSpec

FEEDS = Path(__file__).resolve().parents[1] / "data" / "feeds"
NOW = datetime(2025, 6, 15, tzinfo=UTC)
SPEC = FeedSpec(name="fixture", url="https://wire.example.com/feed.xml", language="de")
RSS = {"Content-Type": "application/rss+xml; charset=utf-8"}
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def parse(name: str, **kwargs: object) -> ParsedFeed:
    return parse_feed((FEEDS / name).read_bytes(), RSS, SPEC, now=NOW, **kwargs)  # type: ignore[arg-type]


def by_title(parsed: ParsedFeed, start: str) -> Entry:
    return next(e for e in parsed.entries if e.title.startswith(start))


# ---------------------------------------------------------------------------------------------
# RSS
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=["auto", "feedparser"])
def rss(request: pytest.FixtureRequest) -> ParsedFeed:
    return parse("rss_basic.xml", parser=request.param)


def test_rss_feed_title_and_entry_count(rss: ParsedFeed) -> None:
    assert rss.title == "Fixture & Wire"
    # Six items, one with neither title nor link.
    assert len(rss.entries) == 5
    assert any("no title and no link" in w for w in rss.warnings)
    assert all(e.feed == "fixture" for e in rss.entries)


def test_rss_guid_is_the_identity_and_urls_are_canonical(rss: ParsedFeed) -> None:
    first = rss.entries[0]
    assert first.identity == "wire-0001"
    assert first.canonical_url == "https://wire.example.com/world/talks?id=7"
    assert first.url is not None and first.url.startswith("https://Wire.Example.com")


def test_rss_double_escaped_entities_in_title(rss: ParsedFeed) -> None:
    assert rss.entries[0].title == "Talks resume in Tripoli été"


def test_rss_dates_are_utc_with_offsets_applied(rss: ParsedFeed) -> None:
    assert rss.entries[0].published == datetime(2025, 6, 10, 2, 0, tzinfo=UTC)
    second = by_title(rss, "No guid: identity")
    assert second.published == datetime(2025, 6, 12, 4, 30, tzinfo=UTC)
    assert second.published is not None and second.published.utcoffset() is not None


def test_rss_absurd_dates_become_none(rss: ParsedFeed) -> None:
    assert by_title(rss, "Pinned to 2099").published is None
    assert by_title(rss, "Before 1990").published is None


def test_rss_identity_falls_back_to_link_then_hash(rss: ParsedFeed) -> None:
    assert by_title(rss, "No guid: identity").identity == "http://wire.example.com/b"
    hashed = by_title(rss, "No guid, no link")
    assert hashed.identity.startswith("sha1:") and hashed.url is None


def test_rss_identity_is_stable_across_runs() -> None:
    first = [e.identity for e in parse("rss_basic.xml").entries]
    again = [e.identity for e in parse("rss_basic.xml").entries]
    assert first == again


def test_rss_html_becomes_text_with_paragraphs(rss: ParsedFeed) -> None:
    first = rss.entries[0]
    assert first.summary == "First paragraph about the council.\n\nSecond paragraph same block."
    assert "alert" not in first.summary
    assert first.content == "Heading\n\nBody text with a link.\n\none\n\ntwo"
    assert first.author == "Amal Haddad"


def test_rss_control_characters_and_bidi_are_stripped(rss: ParsedFeed) -> None:
    hostile = by_title(rss, "Pinned to 2099")
    for entry in rss.entries:
        for value in (entry.title, entry.summary, entry.content, entry.identity):
            assert not UNSAFE.search(value), value
    assert "red" in hostile.title and "reversed" in hostile.title


def test_rss_javascript_link_is_dropped(rss: ParsedFeed) -> None:
    hostile = by_title(rss, "Pinned to 2099")
    assert hostile.url is None and hostile.canonical_url is None


def test_rss_language_comes_from_the_feed(rss: ParsedFeed) -> None:
    assert {e.language for e in rss.entries} == {"fr-fr"}


# ---------------------------------------------------------------------------------------------
# Atom
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=["auto", "feedparser"])
def atom(request: pytest.FixtureRequest) -> ParsedFeed:
    return parse("atom_basic.xml", parser=request.param)


def test_atom_basics(atom: ParsedFeed) -> None:
    assert atom.title == "أخبار ليبيا"
    first, second = atom.entries
    assert first.identity == "tag:akhbar.example.org,2025:1"
    assert first.title == "اجتماع في طرابلس"
    # Relative link resolved against the feed's link; tracking parameter dropped.
    assert first.url == "https://akhbar.example.org/ar/news/1?utm_medium=feed&page=2"
    assert first.canonical_url == "https://akhbar.example.org/ar/news/1?page=2"
    # published (01:30 at +03:30) wins over updated.
    assert first.published == datetime(2025, 6, 9, 22, 0, tzinfo=UTC)
    assert first.summary == "ملخص أول\n\nملخص ثان"
    assert first.content == "Paragraph one.\n\nParagraph two."
    assert first.language == "ar" and second.language == "en"
    # The feed's author stands in for an entry without one.
    assert first.author == "Desk" and second.author == "Sami"
    assert second.summary == "Text summary & more."


def test_atom_takes_the_fast_path() -> None:
    fast = parse("atom_basic.xml")
    assert fast.parser == "feedparser-rs" and fast.fallback is None
    assert parse("atom_basic.xml", parser="feedparser").parser == "feedparser"


def test_language_falls_back_to_the_feed_spec() -> None:
    body = (
        b'<rss version="2.0"><channel><title>t</title><item><title>x</title>'
        b"<link>https://e.example/1</link></item></channel></rss>"
    )
    parsed = parse_feed(body, {}, SPEC, now=NOW)
    assert parsed.entries[0].language == "de"


# ---------------------------------------------------------------------------------------------
# Refusals and limits
# ---------------------------------------------------------------------------------------------


def test_entity_bomb_is_refused_before_parsing() -> None:
    with pytest.raises(ParseError, match="declares XML entities"):
        parse("entity_bomb.xml")


def test_entity_bomb_in_utf16_is_refused() -> None:
    body = (FEEDS / "entity_bomb.xml").read_text().replace('<?xml version="1.0"?>', "")
    with pytest.raises(ParseError, match="declares XML entities"):
        check_document(b"\xff\xfe" + body.encode("utf-16-le"), None)


def test_doctype_without_entities_is_accepted() -> None:
    check_document(b'<!DOCTYPE rss SYSTEM "http://e.example/rss.dtd"><rss/>', "text/xml")
    check_document(b'<!DOCTYPE rss [ <!ELEMENT rss ANY> ]><rss version="2.0"/>', None)


def test_html_page_is_refused() -> None:
    with pytest.raises(ParseError, match="HTML page, not a feed"):
        parse_feed((FEEDS / "html_page.html").read_bytes(), {"content-type": "text/html"}, SPEC)


@pytest.mark.parametrize("body", [b"", b"   \n\t", b"\xef\xbb\xbf"])
def test_empty_body_is_refused(body: bytes) -> None:
    with pytest.raises(ParseError, match="empty document"):
        parse_feed(body, {}, SPEC)


def test_garbage_is_not_a_feed() -> None:
    with pytest.raises(ParseError, match="not a feed"):
        parse_feed(b"this is not xml at all", {"content-type": "text/plain"}, SPEC)


def read_nothing(body: bytes, parser: ParserChoice) -> bool:
    try:
        return not parse_feed(body, {}, SPEC, parser=parser).entries
    except ParseError:
        return True


PARSERS: tuple[ParserChoice, ...] = ("auto", "feedparser", "feedparser-rs")


def test_a_path_as_body_is_never_opened(tmp_path: Path) -> None:
    # feedparser opens bytes that name a file; parse_feed hands it a stream instead.
    feed = tmp_path / "secret.xml"
    feed.write_bytes(_rss(1))
    for parser in PARSERS:
        assert read_nothing(str(feed).encode(), parser), parser


def test_a_url_as_body_is_never_fetched(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed.xml").respond_with_data(_rss(1).decode())
    for parser in PARSERS:
        assert read_nothing(httpserver.url_for("/feed.xml").encode(), parser), parser
    assert httpserver.log == []


def test_surrogate_reference_crasher_is_a_parse_error() -> None:
    # feedparser raises on &#xD800;: the catch-all turns it into this feed's ParseError.
    with pytest.raises(ParseError, match="feed 'fixture'"):
        parse("crasher_d800.xml")


def _rss(items: int, *, title: str = "Item", summary: str = "s") -> bytes:
    rows = "".join(
        f"<item><title>{title} {i}</title><link>https://e.example/{i}</link>"
        f"<guid>g{i}</guid><pubDate>Tue, 10 Jun 2025 04:00:00 GMT</pubDate>"
        f"<description>{summary}</description></item>"
        for i in range(items)
    )
    return f'<rss version="2.0"><channel><title>t</title>{rows}</channel></rss>'.encode()


def test_max_items_keeps_the_first_ones() -> None:
    parsed = parse_feed(_rss(30), RSS, SPEC, now=NOW, max_items=10)
    assert [e.identity for e in parsed.entries] == [f"g{i}" for i in range(10)]
    assert any("first 10 items" in w for w in parsed.warnings)


def test_field_caps() -> None:
    parsed = parse_feed(
        _rss(1, title="T" * 5000, summary="word " * 20_000), RSS, SPEC, now=NOW, max_field_chars=300
    )
    entry = parsed.entries[0]
    assert len(entry.title) <= 1000
    assert len(entry.summary) <= 300


def test_a_ten_thousand_character_word_survives_capped() -> None:
    parsed = parse_feed(_rss(1, summary="x" * 10_000), RSS, SPEC, now=NOW, max_field_chars=2000)
    assert parsed.entries[0].summary == "x" * 2000


def test_repeated_identity_is_kept_once() -> None:
    body = _rss(3).replace(b"<guid>g1</guid>", b"<guid>g0</guid>")
    parsed = parse_feed(body, RSS, SPEC, now=NOW)
    assert [e.identity for e in parsed.entries] == ["g0", "g2"]


def test_empty_but_valid_feed_has_no_entries() -> None:
    parsed = parse_feed(_rss(0), RSS, SPEC, now=NOW)
    assert parsed.entries == () and parsed.title == "t"


def test_bozo_feed_with_entries_is_kept_with_a_warning() -> None:
    body = _rss(2).replace(b"</channel></rss>", b"<item><title>cut")
    parsed = parse_feed(body, RSS, SPEC, now=NOW)
    assert parsed.parser == "feedparser"
    assert len(parsed.entries) >= 2
    assert any(w.startswith("ill-formed") for w in parsed.warnings)


def test_latin1_document_falls_back_to_feedparser() -> None:
    body = (
        '<?xml version="1.0" encoding="iso-8859-1"?><rss version="2.0"><channel><title>t</title>'
        "<item><title>Réunion à Tripoli</title><link>https://e.example/1</link>"
        "<pubDate>Tue, 10 Jun 2025 04:00:00 GMT</pubDate></item></channel></rss>"
    ).encode("latin-1")
    parsed = parse_feed(body, {}, SPEC, now=NOW)
    assert parsed.parser == "feedparser" and parsed.fallback == "not UTF-8"
    assert parsed.entries[0].title == "Réunion à Tripoli"


def test_http_charset_is_honoured() -> None:
    body = (
        '<rss version="2.0"><channel><title>t</title><item><title>Réunion</title>'
        "<link>https://e.example/1</link><pubDate>Tue, 10 Jun 2025 04:00:00 GMT</pubDate>"
        "</item></channel></rss>"
    ).encode("windows-1252")
    parsed = parse_feed(body, {"Content-Type": "application/xml; charset=windows-1252"}, SPEC)
    assert parsed.parser == "feedparser"
    assert parsed.entries[0].title == "Réunion"


def test_entity_declaration_hidden_after_a_quoted_subset_end_is_refused() -> None:
    body = (
        b'<!DOCTYPE rss [ <!ATTLIST rss x CDATA "]>"> ' + b" " * 70_000 + b'<!ENTITY a "b"> ]>'
        b'<rss version="2.0"><channel><title>&a;</title></channel></rss>'
    )
    with pytest.raises(ParseError, match="declares XML entities"):
        check_document(body, None)


def test_json_feed_is_read_by_the_fast_parser_only() -> None:
    # feedparser 6 does not read JSON Feed; feedparser-rs does, even for undated items.
    body = json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": "J",
            "items": [
                {
                    "id": "1",
                    "url": "https://j.example/a?utm_source=x",
                    "title": "Tripoli &amp; talks",
                    "content_html": "<p>One</p><p>Two</p>",
                    "date_published": "2025-06-10T04:00:00+02:00",
                },
                {"id": "2", "url": "https://j.example/b", "title": "Undated"},
            ],
        }
    ).encode()
    parsed = parse_feed(body, {"Content-Type": "application/feed+json"}, SPEC, now=NOW)
    assert parsed.parser == "feedparser-rs"
    first, second = parsed.entries
    assert first.title == "Tripoli & talks" and first.content == "One\n\nTwo"
    assert first.canonical_url == "https://j.example/a"
    assert first.published == datetime(2025, 6, 10, 2, 0, tzinfo=UTC)
    assert second.published is None


def test_broken_json_feed_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="not a usable JSON Feed"):
        parse_feed(b'{"version": "x", "items": [', {}, SPEC)


# ---------------------------------------------------------------------------------------------
# Text the feed escaped once is text: each field's type decides, on both parsers
# ---------------------------------------------------------------------------------------------

ESCAPED_RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Wire &lt;Libya&gt;</title><link>https://wire.example.com/</link>
<item><title>Why &lt;script&gt; tags were blocked on LNA sites</title>
<link>https://wire.example.com/1</link><guid>e1</guid>
<description>NOC &lt;warns&gt; of a shutdown at Es Sider</description>
<author>desk@wire.example.com (Desk &lt;Tripoli&gt;)</author>
<pubDate>Mon, 09 Jun 2025 10:00:00 GMT</pubDate></item>
<item><title>A &lt;b&gt;bold&lt;/b&gt; claim</title><link>https://wire.example.com/2</link><guid>e2</guid>
<description>&lt;p&gt;Para one&lt;/p&gt;&lt;p&gt;Why &amp;lt;script&amp;gt; tags&lt;/p&gt;</description>
<author>&lt;a href="https://wire.example.com/desk"&gt;Desk&lt;/a&gt;</author>
<pubDate>Mon, 09 Jun 2025 11:00:00 GMT</pubDate></item>
</channel></rss>"""

ESCAPED_ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title type="text">Desk &lt;Benghazi&gt;</title>
<id>urn:escaped</id><updated>2025-06-10T09:00:00Z</updated>
<entry><title type="text">NOC &lt;warns&gt; of a shutdown</title><id>a1</id>
<link href="https://wire.example.com/a1"/><updated>2025-06-10T07:30:00Z</updated>
<summary type="text">Why &lt;script&gt; tags were blocked</summary>
<author><name>Sami &lt;Misrata&gt;</name></author></entry>
<entry><title type="html">H &lt;b&gt;b&lt;/b&gt; &amp;lt;warns&amp;gt;</title><id>a2</id>
<link href="https://wire.example.com/a2"/><updated>2025-06-10T08:30:00Z</updated>
<summary type="html">&lt;p&gt;Para&lt;/p&gt;</summary></entry>
</feed>"""


@pytest.mark.parametrize("parser", ["auto", "feedparser-rs", "feedparser"])
def test_rss_text_escaped_once_keeps_every_word(parser: ParserChoice) -> None:
    parsed = parse_feed(ESCAPED_RSS, RSS, SPEC, now=NOW, parser=parser)
    first, second = parsed.entries
    assert parsed.title == "Wire <Libya>"
    assert first.title == "Why <script> tags were blocked on LNA sites"
    assert first.summary == "NOC <warns> of a shutdown at Es Sider"
    assert first.author == "desk@wire.example.com (Desk <Tripoli>)"
    # Real markup is still markup: tags go, and text escaped inside it stays text.
    assert second.title == "A bold claim"
    assert second.summary == "Para one\n\nWhy <script> tags"
    assert second.author == "Desk"


@pytest.mark.parametrize("parser", ["auto", "feedparser-rs", "feedparser"])
def test_atom_text_types_are_honoured(parser: ParserChoice) -> None:
    parsed = parse_feed(ESCAPED_ATOM, RSS, SPEC, now=NOW, parser=parser)
    first, second = parsed.entries
    assert parsed.title == "Desk <Benghazi>"
    assert first.title == "NOC <warns> of a shutdown"
    assert first.summary == "Why <script> tags were blocked"
    assert first.author == "Sami <Misrata>"
    assert second.title == "H b <warns>"
    assert second.summary == "Para"
    assert parser != "auto" or parsed.parser == "feedparser-rs"


def test_atom_untyped_text_that_looks_like_markup_goes_to_feedparser() -> None:
    # No type attribute means plain text in Atom; feedparser-rs calls it HTML, so the fast
    # path is refused and the text keeps its tags as written.
    body = ESCAPED_ATOM.replace(
        b'<summary type="text">Why &lt;script&gt; tags were blocked</summary>',
        b"<summary>Plain &lt;b&gt;bold&lt;/b&gt; stays</summary>",
    )
    parsed = parse_feed(body, RSS, SPEC, now=NOW)
    assert parsed.parser == "feedparser"
    assert parsed.fallback is not None and "no declared type" in parsed.fallback
    assert parsed.entries[0].summary == "Plain <b>bold</b> stays"
    assert parse_feed(body, RSS, SPEC, now=NOW, parser="feedparser").entries == parsed.entries
