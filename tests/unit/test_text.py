"""Making hostile text safe: whole escape sequences go, markup-looking text stays literal."""

from __future__ import annotations

from briefing.core.text import clean_block, clean_line, fold, strip_unsafe, title_key
from briefing.core.urls import is_http_url


def test_whole_escape_sequences_are_removed() -> None:
    hostile = (
        "a\x1b[31mRED\x1b[0m \x1b]8;;http://evil.example\x07link\x1b]8;;\x07 "
        "\x1b]0;title\x1b\\ok \x1bc \x1b(Bq \x9b1mX"
    )
    cleaned = clean_line(hostile)
    assert cleaned == "aRED link ok q X"
    assert "[31m" not in cleaned and "evil.example" not in cleaned


def test_controls_and_bidi_go_but_text_that_looks_like_markup_stays() -> None:
    assert strip_unsafe("x\u202ey\u2066z\x00\x07\x7f\x85") == "xyz"
    assert clean_line("[bold red]Haftar[/] [@click=app.quit]x[/]") == (
        "[bold red]Haftar[/] [@click=app.quit]x[/]"
    )
    assert clean_block("one\r\n\r\n\r\ntwo  three") == "one\n\ntwo three"
    assert clean_line("x" * 50, 10) == "xxxxxxxxx…"


def test_fold_ignores_case_and_accents() -> None:
    assert fold("Salamé") == fold("SALAME") == "salame"


def test_links_that_would_break_out_of_markup_are_not_http_urls() -> None:
    assert is_http_url("https://libyaobserver.example/news/1?a=b")
    for bad in [
        'http://x.example/5" onmouseover="alert(1)',
        "http://x.example/a b",
        "http://x.example/<script>",
        "javascript:alert(1)",
        "http://x.example/\x1b[31m",
        "data:text/html,x",
    ]:
        assert not is_http_url(bad), bad


def test_whitespace_runs_fold_to_one_space_like_a_plain_reference() -> None:
    """clean_line only rewrites runs that are not already one space; the result is the same as
    replacing every run (the simple, slower way)."""
    import random
    import re

    every_run = re.compile(r"[ \t\n\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
    rng = random.Random(5)
    alphabet = " \t\n\u00a0\u2003\u3000\u202fab—é."
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        assert clean_line(text) == every_run.sub(" ", text).strip()


def test_line_and_paragraph_separators_and_zero_width_spaces_are_spaces() -> None:
    assert clean_line("a\u2028b\u2029c\u1680d\u200be") == "a b c d e"
    # A line holding only a zero-width space is blank: it separates paragraphs.
    assert clean_block("one\n\u200b\ntwo") == "one\n\ntwo"


def test_title_key_ignores_quotes_case_accents_and_punctuation() -> None:
    assert title_key("Salamé: “Libya’s talks resume”") == title_key(
        "SALAME - 'Libya's talks resume'"
    )
    assert title_key("Libya’s talks_resume!") == "libya s talks resume"
    assert title_key("Talks resume") != title_key("Talks resumed")


def test_title_key_of_ascii_is_the_plain_substitution() -> None:
    """Differential: an ASCII headline is keyed by a byte translation and a split; every ASCII
    character, alone or in runs, must give the key of the plain definition (fold, then every
    run of non-word characters and underscores one space, then strip), as must text that is
    not ASCII (the substitution itself)."""
    import random
    import re

    def plain(title: str) -> str:
        return re.sub(r"[\W_]+", " ", fold(title)).strip()

    rng = random.Random(11)
    ascii_ = [chr(code) for code in range(128)] + ["Libya", "TALKS", "  ", "_"]
    other = ["é", "’", "ß", "ليبيا", "\u00a0", "Ⅻ", "²"]
    for number in range(20_000):
        pool = ascii_ if number % 4 else ascii_ + other
        title = "".join(rng.choice(pool) for _ in range(rng.randrange(0, 16)))
        assert title_key(title) == plain(title), repr(title)
    for code in range(128):
        assert title_key(f"a{chr(code)}B") == plain(f"a{chr(code)}B"), code
