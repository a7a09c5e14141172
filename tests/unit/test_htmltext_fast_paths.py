"""The HTML → text fast paths against their plain definitions, on hostile random markup.

`_strip_bare_tags` replaces each distinct bare tag with str.replace instead of the tag regex and
its callback; `_paragraphs` skips the blank-line split for one-line text and `canonical_url`
matches a plain link and its query in one regex. Each must give exactly what the general
definition gives, also on entities, CDATA, comments, broken and nested tags, quoted `>`,
controls, bidi marks, RTL text and odd whitespace.
"""

from __future__ import annotations

import random
import re

import pytest

import briefing.acquisition.htmltext as htmltext
import briefing.core.urls as url_module
from briefing.core.urls import canonical_url

# Pieces of feed HTML, friendly and hostile: bare tags of every kind (block, line, cell, inline,
# dropped, unknown, upper case), tags with attributes and quoted `>`, comments, CDATA,
# processing instructions, lone brackets, entities, controls, bidi marks and RTL text.
FRAGMENTS = [
    "<p>", "</p>", "<P>", "</P>", "<br>", "<BR>", "<b>", "</b>", "<i>", "</I>", "<td>", "<th>",
    "<div>", "</div>", "<li>", "<h1>", "</h6>", "<span>", "<em>", "<wbr>", "<hr>", "<o:p>",
    "</o:p>", "<warns>", "</warns>", "<Tripoli>", "<x1>", "<script>", "</script>", "<STYLE>",
    "<title>", "</title>", "<svg>", "<scripts>", "<a href=\"https://e.com/?a=1&amp;b=2\">",
    "</a>", "<img src='x>y'>", '<p class="a>b">', "<b <p>", "<br/>", "<br />", "<p", "</",
    "<", ">", "<<p>>", "<!-- c -->", "<!--", "-->", "<![CDATA[", "]]>", "<![CDATA[<p>x</p>]]>",
    "<?xml x?>", "<!DOCTYPE html>", "&amp;", "&lt;p&gt;", "&amp;lt;b&amp;gt;", "&eacute;",
    "&#x1B;", "&#xD800;", "&#160;", "&nbsp;", "&bogus;", "&", ";", "'", '"', "=",
    "Tripoli", "Benghazi ", " word", "Ṣabrātah", "طرابلس", "بنغازي ", "\u200f", "\u202e",
    "\u2066", "\u200b", "\ufeff", "\x00", "\x1b[31m", "\x7f", "\x85", "\t", "\n", "\n\n",
    "\r\n", " \n \n ", "\x0b", "\x0c", "\u2028", "\u3000", "\xa0", "  ", "ſcript", "<ſcript>",
]  # fmt: skip


def random_markup(rng: random.Random) -> str:
    return "".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(0, 14)))


def random_bare(rng: random.Random) -> str:
    """Mostly text and bare tags, so the fast path is taken often, not only refused."""
    bare = [f for f in FRAGMENTS if not re.search(r"[<>&]", f)]
    bare += ["<p>", "</p>", "<P>", "<br>", "<b>", "</b>", "<td>", "<o>", "<warns>", "<script>"]
    return "".join(rng.choice(bare) for _ in range(rng.randint(0, 14)))


def test_bare_tag_fast_path_agrees_with_the_regexes() -> None:
    rng = random.Random(12)
    texts = [random_markup(rng) for _ in range(20_000)] + [random_bare(rng) for _ in range(20_000)]
    taken = 0
    for text in texts:
        fast = htmltext._strip_bare_tags(text)
        if fast is not None:
            taken += 1
            assert fast == htmltext._strip_markup_general(text), repr(text)
        assert htmltext._strip_markup(text) == htmltext._strip_markup_general(text), repr(text)
    # Both branches are exercised: texts the fast path takes and texts it refuses.
    assert 10_000 < taken < len(texts)


def paragraphs_definition(text: str) -> str:
    """`_paragraphs` as first written: the house's clean_block in str methods."""
    out = []
    for chunk in re.split(r"\n\s*\n", text):
        words = chunk.split()
        if words:
            out.append(" ".join(words))
    return "\n\n".join(out)


def test_paragraphs_agree_with_their_definition() -> None:
    rng = random.Random(5)
    spaces = [
        "\n",
        "\n\n",
        " ",
        "\t",
        "\t\n",
        "\n\t",
        "  ",
        "\r",
        "\x0b",
        "\x0c",
        "\x1c",
        "\x85",
        "\u2028",
        "\u2029",
    ]
    spaces += ["\u3000", "\xa0", "\u200b", " \n ", "\n \t\n"]
    words = ["a", "Tripoli", "طرابلس", "é", "x.y", "\u200f"]
    flagged = 0
    for _ in range(30_000):
        text = "".join(rng.choice(spaces + words) for _ in range(rng.randint(0, 12)))
        assert htmltext._paragraphs(text) == paragraphs_definition(text), repr(text)
        # The safe text, with what _checked says of it: the flag spares one scan per paragraph.
        safe, printable = htmltext._checked(text)
        flagged += printable
        expected = paragraphs_definition(safe)
        assert htmltext._paragraphs(safe, printable) == expected, repr(text)
    assert flagged > 3_000


@pytest.mark.parametrize("seed", range(3))
def test_html_to_text_agrees_with_the_general_strip(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """End to end (entities, second round, safety, paragraphs) with and without the fast path."""
    rng = random.Random(seed)
    texts = [random_markup(rng) for _ in range(3_000)] + [random_bare(rng) for _ in range(3_000)]
    fast = [(htmltext.html_to_text(t), htmltext.html_to_line(t, 50)) for t in texts]
    monkeypatch.setattr(htmltext, "_strip_bare_tags", lambda text: None)
    general = [(htmltext.html_to_text(t), htmltext.html_to_line(t, 50)) for t in texts]
    assert fast == general


def test_canonical_url_one_regex_agrees_with_the_general_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Plain links with and without a query, and hostile ones, in one match or through urllib."""
    rng = random.Random(11)
    keys = ["utm_source", "id", "ref", "a", "fbclid", "UTM_Medium", "x.y", "_ga", "p~", ""]
    values = ["", "7", "rss", "a.b", "%20", "é", "x+y", "a=b", "1;2", "/p?q"]
    bases = [
        "https://ex.com/a/b", "http://h.org/", "https://EX.com/a", "https://ex.com:443/a",
        "https://ex.com", "https://xn--mgbaal.ly/خبر", "https://ex.com/a%20b", "ftp://ex.com/a",
        "https://u:p@ex.com/a", "https://[::1]/a", " https://ex.com/a ", "https://ex.com/\u202ea",
        "https://ex.com/a\x00b", "https://ex.com/a b", "javascript:alert(1)",
    ]  # fmt: skip
    urls = []
    for _ in range(10_000):
        pairs = [
            rng.choice(keys) + rng.choice(["=", "", "=="]) + rng.choice(values)
            for _ in range(rng.randint(0, 4))
        ]
        query = rng.choice(["?", "?&", "?", ""]) + rng.choice(["&", "&", "&&", ";"]).join(pairs)
        urls.append(rng.choice(bases) + query + rng.choice(["", "", "#f", "#", "#a?b=c"]))
    fast = [canonical_url(url) for url in urls]
    never = re.compile(r"(?!)")
    monkeypatch.setattr(url_module, "_PLAIN_HTTP_ANY", never)
    monkeypatch.setattr(url_module, "_PLAIN_HTTP_QUERY", never)
    monkeypatch.setattr(url_module, "_PLAIN_HTTP", never)
    general = [canonical_url(url) for url in urls]
    assert fast == general


def test_no_whitespace_but_the_space_is_printable() -> None:
    """What `_fold` relies on: every other whitespace character is not printable."""
    spaces = [chr(c) for c in range(0x110000) if chr(c).isspace() and chr(c).isprintable()]
    assert spaces == [" "]


def test_fold_agrees_with_split_and_join() -> None:
    rng = random.Random(8)
    pieces = ["a", "Tripoli", "طرابلس", " ", "  ", "\t", "\n", "\xa0", "\u3000", "\u200b", "\x1f"]
    pieces += ["\u202e", "é", ""]
    for _ in range(30_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
        assert htmltext._fold(text) == " ".join(text.split()), repr(text)


def line_definition(text: str, limit: int | None) -> str:
    """`text_to_line` as first written: made safe, split and joined, then capped."""
    if not text:
        return ""
    line = " ".join(htmltext._safe(text).split())
    if limit is not None and len(line) > limit:
        line = line[: max(limit - 1, 0)].rstrip() + "…"
    return line


def test_lines_agree_with_their_definition() -> None:
    rng = random.Random(4)
    for _ in range(20_000):
        text = random_markup(rng) if rng.random() < 0.5 else random_bare(rng)
        limit = rng.choice([None, 0, 1, 5, 40])
        assert htmltext.text_to_line(text, limit) == line_definition(text, limit), repr(text)
