"""HTML → clean text and canonical URLs (briefing.acquisition.htmltext)."""

from __future__ import annotations

import re

import pytest

from briefing.acquisition.htmltext import (
    html_to_line,
    html_to_text,
    looks_like_html,
    text_to_line,
    text_to_text,
)
from briefing.core.urls import canonical_url, is_http_url

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def test_paragraphs_are_blank_line_separated_blocks() -> None:
    html = "<p>One <b>bold</b> line.</p><p>Two<br>still two</p><div>Three</div>"
    assert html_to_text(html) == "One bold line.\n\nTwo still two\n\nThree"


def test_double_br_makes_a_paragraph_and_lists_become_blocks() -> None:
    assert html_to_text("a<br/><br />b<ul><li>x</li><li>y</li></ul>") == "a\n\nb\n\nx\n\ny"


def test_inline_tags_do_not_split_words() -> None:
    assert html_to_text("<b>Trip</b>oli") == "Tripoli"


@pytest.mark.parametrize(
    "html",
    [
        "<script>alert('x')</script>kept",
        "<SCRIPT type='text/javascript'>var a = '<p>';</SCRIPT>kept",
        "<style>p { color: red }</style>kept",
        '<iframe src="https://ads.example/">fallback</iframe>kept',
        "<!-- a comment -->kept",
    ],
)
def test_dropped_elements_leave_no_text(html: str) -> None:
    assert html_to_text(html) == "kept"


def test_unclosed_script_runs_to_the_end() -> None:
    assert html_to_text("before<script>alert(1)") == "before"


def test_quoted_angle_brackets_in_attributes() -> None:
    assert html_to_text('<a title="a > b" href="x">link</a> text') == "link text"


def test_entities_and_double_escaped_entities() -> None:
    assert html_to_text("caf&eacute; &amp; co") == "café & co"
    assert html_to_text("caf&amp;eacute;") == "café"
    assert html_to_text("&#233;t&#xE9;") == "été"


def test_double_escaped_markup_is_removed() -> None:
    assert html_to_text("&lt;p&gt;One&lt;/p&gt;&lt;p&gt;Two&lt;/p&gt;") == "One\n\nTwo"


def test_control_characters_and_bidi_overrides_are_removed() -> None:
    text = html_to_text("a&#x1B;[31mred&#27;\x1b[0m \u202eevil\u202c &#x2066;iso&#x2069; \x07bell")
    assert not CONTROL.search(text)
    assert "red" in text and "evil" in text and "bell" in text


def test_surrogate_reference_does_not_crash() -> None:
    text = html_to_text("bad &#xD800; ref")
    assert text.startswith("bad") and text.endswith("ref")
    text.encode("utf-8")  # no lone surrogate survives


def test_plain_text_passes_through_cleaned() -> None:
    assert html_to_text("  Tripoli   talks\r\n\r\nresume ") == "Tripoli talks\n\nresume"
    assert html_to_text("5 < 6 and 7 > 3") == "5 < 6 and 7 > 3"
    assert html_to_text("") == ""


def test_nbsp_and_whitespace_fold() -> None:
    assert html_to_text("a&nbsp;&nbsp;b\t\tc") == "a b c"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://Example.COM/a?utm_source=x&id=3", "https://example.com/a?id=3"),
        ("HTTP://example.com:80/a", "http://example.com/a"),
        ("https://example.com:443/a#frag", "https://example.com/a"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
        ("https://example.com", "https://example.com/"),
        (
            "https://e.com/s?fbclid=1&gclid=2&mc_cid=3&mc_eid=4&ref=5&cmpid=6&q=libya",
            "https://e.com/s?q=libya",
        ),
        ("https://e.com/s?b=2&a=1&utm_medium=rss", "https://e.com/s?b=2&a=1"),
        ("https://user:pw@e.com/x", "https://e.com/x"),
        ("https://e.com/Path/Case", "https://e.com/Path/Case"),
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_canonical_url_leaves_other_schemes_and_garbage_alone() -> None:
    assert canonical_url("javascript:alert(1)") == "javascript:alert(1)"
    assert canonical_url("http://[::1") == "http://[::1"
    assert canonical_url(" https://e.com/\x1b ") == "https://e.com/"


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://e.com/x", True),
        ("http://e.com", True),
        ("javascript:alert(1)", False),
        ("data:text/html,x", False),
        ("/relative", False),
        ("ftp://e.com/x", False),
        ("http://[::1", False),
        ("", False),
        (None, False),
    ],
)
def test_is_http_url(url: str | None, ok: bool) -> None:
    assert is_http_url(url) is ok


def test_canonical_url_fast_path_agrees_with_the_general_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The urllib-free path for plain query strings gives exactly what urllib's path gives."""
    import random

    import briefing.core.urls as url_module

    rng = random.Random(7)
    keys = ["utm_source", "id", "ref", "a", "fbclid", "UTM_Medium", "x.y", "_ga", "page", "p~"]
    alphabet = "aZ09._~-=&%+;/?# é"
    urls = []
    for _ in range(5_000):
        pieces = [
            rng.choice(keys)
            + rng.choice(["=", "", "=="])
            + "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 4)))
            for _ in range(rng.randint(0, 4))
        ]
        base = rng.choice(["https://ex.com/a/b", "http://h.org/x", "https://ex.com/"])
        urls.append(base + rng.choice(["?", "?&", ""]) + "&".join(pieces) + rng.choice(["", "#f"]))
    fast = [canonical_url(url) for url in urls]
    monkeypatch.setattr(url_module, "_PLAIN_HTTP_QUERY", re.compile(r"(?!)"))
    general = [canonical_url(url) for url in urls]
    assert fast == general
    assert canonical_url("https://e.com/s?id=7&utm_source=rss") == "https://e.com/s?id=7"


@pytest.mark.parametrize(
    ("text", "markup"),
    [
        ("Why <script> tags were blocked on LNA sites", False),
        ("NOC <warns> of", False),
        ("5 < 7 and 9 > 3", False),
        ("desk@example.com (Desk <Tripoli>)", False),
        ("A <b>bold</b> claim", True),
        ("line<br>break", True),
        ('<a href="https://example.com/">link</a>', True),
        ("Talks &eacute;t&eacute;", True),
        ("an unknown </warns> close", False),
    ],
)
def test_looks_like_html(text: str, markup: bool) -> None:
    assert looks_like_html(text) is markup


def test_markup_keeps_tags_that_are_not_html_elements() -> None:
    # Escaped once inside real markup: `<warns>` is the text, not an element to remove.
    assert html_to_line("<b>NOC</b> &lt;warns&gt; <warns> of") == "NOC <warns> <warns> of"
    # Escaped twice, a real element is removed; escaped text is not decoded into a tag to drop.
    assert html_to_line("&lt;p&gt;Why &amp;lt;script&amp;gt; tags&lt;/p&gt;") == (
        "Why <script> tags"
    )


def test_plain_text_is_never_read_as_markup() -> None:
    assert text_to_line("Why <script> tags  were\nblocked") == "Why <script> tags were blocked"
    assert text_to_line("x" * 10, 5) == "xxxx…"
    assert text_to_text("One <p>\n\n\nTwo &amp;\u202e") == "One <p>\n\nTwo &amp;"


def test_url_key_is_one_key_for_spellings_of_one_address() -> None:
    from briefing.core.urls import url_key

    same = [
        "https://www.Example.org/feed/",
        "http://example.org/feed",
        "HTTPS://example.org:443/feed?utm_source=x#top",
    ]
    assert len({url_key(u) for u in same}) == 1
    assert url_key("https://example.org/feed?id=2") != url_key("https://example.org/feed?id=3")
    assert url_key("https://example.org/") == url_key("https://example.org")
    assert url_key("/home/analyst/feeds/local.xml") == "/home/analyst/feeds/local.xml"
