"""Article captures → Article: headline, standfirst, body, and the capture noise removed."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from briefing.acquisition.captures import (
    drop_bios,
    drop_duplicates,
    drop_more_block,
    paragraph_key,
    parse_capture,
)
from briefing.core.errors import ImportError_

CAPTURES = Path(__file__).resolve().parents[1] / "data" / "captures"


def capture(name: str) -> bytes:
    return (CAPTURES / name).read_bytes()


def body_lines(name: str) -> list[str]:
    """The capture's lines after the headline and standfirst, blank ones dropped."""
    lines = [line.strip() for line in capture(name).decode("utf-8").splitlines()]
    return [line for line in lines if line][2:]


# ---------------------------------------------------------------------------------------------
# Plain-text captures
# ---------------------------------------------------------------------------------------------


def test_plain_text_capture_with_all_kinds_of_noise() -> None:
    article = parse_capture(capture("misrata_talks.txt"), source="misrata_talks.txt")
    entry = article.entry
    assert entry.kind == "article"
    assert entry.title == "Misrata Brigades Weigh a Truce as Talks Stall in Geneva"
    assert entry.summary.startswith("Commanders in the coastal city")
    lines = body_lines("misrata_talks.txt")
    more = lines.index("More from The Sahel Ledger")
    real = [line for line in lines[:more] if " is a " not in line]
    body = article.paragraphs
    # The near-duplicate (an extra space) is gone; the first copy is kept.
    assert len(body) == len(real) - 1
    assert body[0] == real[0]
    assert sum(paragraph_key(p) == paragraph_key(real[0]) for p in body) == 1
    # Bios are author details, not body; their names become the authors.
    assert article.authors == ("Amira Saleh", "Tom Whitcombe")
    assert "Twitter: @amira_reports" in article.authors_details
    assert "senior analyst" in article.authors_details
    assert not any("is a " in p and "journalist" in p for p in body)
    # The "More from" block and its headlines are gone.
    assert not any("Sahel Ledger" in p or "Gold Trade" in p or "Cotton" in p for p in body)
    assert body[-1].startswith("Residents of Tarhuna")
    kinds = " | ".join(article.removed)
    assert "duplicate paragraph" in kinds
    assert "2 author bio paragraphs" in kinds
    assert "'More from The Sahel Ledger' block (6 lines)" in kinds


def test_clean_capture_keeps_every_paragraph() -> None:
    # "Related …" early on and a last paragraph naming an organisation are not noise.
    article = parse_capture(capture("clean_brief.txt"), source="clean_brief.txt")
    assert list(article.paragraphs) == body_lines("clean_brief.txt")
    assert article.removed == ()
    assert article.authors == () and article.authors_details == ""


def test_known_authors_are_recognised_in_bios() -> None:
    text = (
        "Headline About Sirte\nA standfirst.\n"
        "First real paragraph about the front line near Sirte and the talks.\n"
        "Second real paragraph about the oil terminals and what comes next.\n"
        "Nadia K. writes about the Maghreb.\n"
    )
    plain = parse_capture(text.encode(), source="x.txt")
    assert len(plain.paragraphs) == 3  # not a recognisable bio without the name
    known = parse_capture(text.encode(), source="x.txt", authors=("Nadia K.",))
    assert len(known.paragraphs) == 2
    assert known.authors == ("Nadia K.",)
    assert known.authors_details == "Nadia K. writes about the Maghreb."


def test_byline_and_repeated_headline_are_dropped() -> None:
    text = (
        "Ceasefire Holds in Tripoli\n"
        "By Omar Fadel and Sara Lind\n"
        "Ceasefire Holds in Tripoli\n"
        "The ceasefire agreed on Sunday held through a second night in the capital.\n"
    )
    article = parse_capture(text.encode(), source="x.txt")
    assert article.entry.summary == ""
    assert article.paragraphs == (
        "The ceasefire agreed on Sunday held through a second night in the capital.",
    )
    assert article.authors == ("Omar Fadel", "Sara Lind")
    assert any(r.startswith("byline") for r in article.removed)
    assert any(r.startswith("repeated headline") for r in article.removed)


def test_crlf_bom_and_control_characters() -> None:
    text = "\ufeffTitle\x1b[31m here\r\nStandfirst\r\nBody \u202eparagraph one.\r\n"
    article = parse_capture(text.encode("utf-8"), source="x.txt")
    assert article.entry.title == "Title here"
    assert article.paragraphs == ("Body paragraph one.",)


# ---------------------------------------------------------------------------------------------
# HTML captures
# ---------------------------------------------------------------------------------------------


def test_html_capture() -> None:
    article = parse_capture(capture("oil_blockade.html"), source="oil_blockade.html")
    entry = article.entry
    assert entry.title == "Tribes Lift Blockade of Eastern Oil Ports"
    assert entry.summary.startswith("The deal, brokered by elders in Ajdabiya")
    assert entry.url == "https://dispatch.example.org/2020/09/18/tribes-lift-blockade/"
    assert entry.feed == "Desert Dispatch"
    assert entry.language == "en"
    assert entry.published == datetime(2020, 9, 18, 7, 30, tzinfo=UTC)
    body = article.paragraphs
    assert body[0].startswith("Tribal leaders in the oil crescent")
    assert "Libya’s output" in body[1] and "National Oil Corporation’s count" in body[1]
    assert body[-1].startswith("Engineers warned")
    assert len(body) == 4
    text = "\n".join(body)
    for noise in ("Subscribe", "not text", "Tankers", "Read also", "rights reserved", "Drought"):
        assert noise not in text
    assert article.authors == ("Leila Benali",)
    assert article.authors_details.startswith("Leila Benali is a correspondent")
    assert "'More from Desert Dispatch' block (2 lines)" in article.removed


def test_html_is_detected_by_content_type_and_sniffing() -> None:
    page = (
        b"<html><body><h1>Ghat Border Reopens</h1><p>Trucks crossed from Algeria.</p></body></html>"
    )
    for kwargs in ({"content_type": "text/html; charset=utf-8"}, {}):
        article = parse_capture(page, source="https://example.org/ghat", **kwargs)
        assert article.entry.title == "Ghat Border Reopens"
        assert article.paragraphs == ("Trucks crossed from Algeria.",)
        assert article.entry.url == "https://example.org/ghat"


def test_html_in_a_declared_charset() -> None:
    page = "<html><body><h1>Café in Derna</h1><p>It reopened.</p></body></html>".encode("latin-1")
    article = parse_capture(page, source="u", content_type="text/html; charset=ISO-8859-1")
    assert article.entry.title == "Café in Derna"


def test_html_title_fallbacks() -> None:
    page = b"<html><head><title>Port Strike Ends | Coast Weekly</title></head><body><p>Done.</p></body></html>"
    assert parse_capture(page, source="p.html").entry.title == "Port Strike Ends"


# ---------------------------------------------------------------------------------------------
# Refused captures: nothing comes back
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"  \n\n \t\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (bytes(range(1, 32)) * 40, "control characters"),
        ("Caf\u00e9 in Benghazi\nStandfirst\nBody.\n".encode("latin-1"), "not UTF-8"),
        (b"<html><body><div>no headline</div></body></html>", "no headline"),
    ],
)
def test_refused_captures(data: bytes, reason: str) -> None:
    with pytest.raises(ImportError_) as caught:
        parse_capture(data, source="capture.txt")
    message = str(caught.value)
    assert message.startswith("capture.txt: ")
    assert reason in message
    assert "\n" not in message


# ---------------------------------------------------------------------------------------------
# The rules on their own
# ---------------------------------------------------------------------------------------------


def test_duplicates_fold_quotes_space_and_case() -> None:
    a = "“The front is quiet,” said the commander of the brigade in Zawiya."
    b = '"The front  is QUIET," said the commander of the brigade in Zawiya.'
    kept, removed = drop_duplicates([a, "Something else entirely, long enough to count.", b])
    assert kept == [a, "Something else entirely, long enough to count."]
    assert len(removed) == 1


def test_short_repeats_are_kept() -> None:
    kept, removed = drop_duplicates(["Yes.", "A long paragraph in between them.", "Yes."])
    assert len(kept) == 3 and removed == []


def test_near_duplicate_with_a_typo() -> None:
    a = "Militias loyal to the government retook the airport road after two days of fighting."
    b = "Militias loyal to the government retook the airport road after two days of fightin."
    kept, _ = drop_duplicates([a, b])
    assert kept == [a]


def test_more_block_needs_short_teasers() -> None:
    paragraphs = ["Intro paragraph.", "Body paragraph.", "Related coverage", "x" * 400]
    assert drop_more_block(paragraphs) == (paragraphs, [])
    kept, removed = drop_more_block(["Intro.", "Body.", "Body two.", "Most read", "Headline A"])
    assert kept == ["Intro.", "Body.", "Body two."] and removed


def test_bios_stop_at_the_first_real_paragraph() -> None:
    paragraphs = [
        "The talks resumed on Monday.",
        "Hana Ali is a fellow at the Sahara Institute.",
        "Twitter: @hana_ali",
    ]
    kept, bios, names = drop_bios(paragraphs)
    assert kept == ["The talks resumed on Monday."]
    assert bios == paragraphs[1:]
    assert names == ["Hana Ali"]
    # "The Presidential Council is …" is an institution, not a person's bio.
    kept, bios, _ = drop_bios(["Intro.", "The Presidential Council is the former head body."])
    assert bios == []


def test_html_without_article_drops_furniture_by_class() -> None:
    page = (
        b'<html><body class="single has-sidebar"><div class="entry-content">'
        b"<h1>Fighting Flares in Zawiya</h1>"
        b"<p>Clashes broke out overnight between two armed groups west of Tripoli.</p>"
        b'<div class="share-buttons"><p>Share on Facebook</p></div>'
        b"<p>Residents said the fighting stopped by morning.</p></div>"
        b'<div id="sidebar"><ul><li>Popular: something else</li></ul></div>'
        b'<div class="comments"><p>Great article!</p></div></body></html>'
    )
    article = parse_capture(page, source="z.html")
    assert article.entry.title == "Fighting Flares in Zawiya"
    assert article.paragraphs == (
        "Clashes broke out overnight between two armed groups west of Tripoli.",
        "Residents said the fighting stopped by morning.",
    )


def test_an_upper_case_scheme_is_still_an_http_link() -> None:
    # One http(s) check for the whole package (core.urls.is_http_url): this copy used to
    # compare the scheme without lower-casing it and dropped the page's own link.
    page = (
        b'<html><head><link rel="canonical" href="HTTPS://Example.org/ghat">'
        b'<meta name="author" content="HTTPS://example.org/staff/1"></head>'
        b"<body><h1>Ghat Border Reopens</h1><p>Trucks crossed from Algeria.</p></body></html>"
    )
    article = parse_capture(page, source="HTTP://example.org/ghat?from=feed")
    assert article.entry.url == "HTTPS://Example.org/ghat"
    assert article.authors == ()
    no_canonical = page.replace(b'rel="canonical"', b'rel="alternate"')
    assert parse_capture(no_canonical, source="HTTP://example.org/x").entry.url == (
        "HTTP://example.org/x"
    )
