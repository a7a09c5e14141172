"""Search as an analyst types it: operators, phrases, prefixes, errors, Arabic normalisation.

The differential test at the end runs random queries through the store (FTS5 over the
normalised index) and through a brute-force Python evaluation of the same parsed query over the
same stored rows, tokenised the way SQLite's unicode61 tokenizer does; the two must agree.
"""

from __future__ import annotations

import random
import re
import sqlite3
import unicodedata
from pathlib import Path

import pytest
from sqlite_utils import Database

from briefing.core.errors import SearchSyntaxError
from briefing.core.models import FetchOutcome, ItemFilter
from briefing.core.search import (
    ARTICLES,
    AllOf,
    AnyOf,
    Node,
    Not,
    Qualifiers,
    Term,
    normalise_for_search,
    parse_search,
    split_qualifiers,
)
from briefing.store import Store
from briefing.store.migrations import migrations
from briefing.store.query import fts_query
from tests.conftest import tagged

TITLES = {
    "a": "Haftar meets Saddam in Benghazi",
    "b": "Haftar visits Tripoli",
    "c": "Saddam Haftar named commander",
    "d": "Oilfield workers strike at Sharara",
    "e": "NOC says oil output recovered",
    "f": "ارتفاع إنتاج النفط في ليبيا",
    "g": "المؤسسة الوطنية للنفط تعلن",
    "h": "نفط الشرارة يعود",
    "i": "والنفطُ سلعةٌ بالأسعار",
    "j": "إلى طرابلس مع الوفد",
}


@pytest.fixture
def filled(store: Store) -> Store:
    items = [
        tagged(title, identity=key, url=f"https://x.example/{key}") for key, title in TITLES.items()
    ]
    store.store_feed(FetchOutcome(feed="Libya Observer", status="ok"), items)
    return store


def found(store: Store, text: str) -> set[str]:
    rows = store.items(ItemFilter(text=text, state="all"), limit=1000)
    by_title = {title: key for key, title in TITLES.items()}
    return {by_title[r.title] for r in rows}


# -- what the analyst types ----------------------------------------------------------------


def test_operators_mean_what_they_say(filled: Store) -> None:
    assert found(filled, "haftar saddam") == {"a", "c"}
    assert found(filled, "haftar -saddam") == {"b"}  # was the same as `haftar saddam`
    assert found(filled, "haftar NOT saddam") == {"b"}
    assert found(filled, "haftar OR saddam") == {"a", "b", "c"}  # was 0
    assert found(filled, "haftar AND tripoli") == {"b"}
    assert found(filled, "(tripoli OR benghazi) -saddam") == {"b"}
    assert found(filled, "saddam haftar OR tripoli") == {"a", "c"}  # OR binds tighter than AND
    assert found(filled, '"saddam haftar"') == {"c"}
    assert found(filled, '"haftar saddam"') == set()
    assert found(filled, "oil") == {"e"}  # a word is a word, not a prefix
    assert found(filled, "oil*") == {"d", "e"}
    assert found(filled, '"oilfield work"*') == {"d"}


def test_only_exclusions_mean_every_item_but_those(filled: Store) -> None:
    assert found(filled, "NOT haftar") == set(TITLES) - {"a", "b", "c"}  # was the seed only
    assert found(filled, "-haftar -oil*") == set(TITLES) - {"a", "b", "c", "d", "e"}
    assert found(filled, "-(haftar saddam)") == set(TITLES) - {"a", "c"}


def test_lowercase_words_and_quoted_operators_are_words(filled: Store) -> None:
    assert found(filled, '"OR"') == set()
    assert parse_search("haftar or saddam") == AllOf((Term("haftar"), Term("or"), Term("saddam")))
    assert parse_search('"NOT" haftar') == AllOf((Term("NOT", phrase=True), Term("haftar")))
    assert parse_search("al-Sarraj") == Term("al-Sarraj")  # a hyphen inside is no negation
    assert parse_search("- & *") is None  # nothing to search for: no filter


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('haftar "national army', "quote"),
        ('"', "quote"),
        ("(haftar OR saddam", "parenthesis"),
        ("haftar)", "parenthesis"),
        ("haftar OR", "OR needs a word after it"),
        ("OR haftar", "OR needs a word before it"),
        ("haftar OR OR saddam", "OR needs a word after it"),
        ("haftar NOT", "NOT needs a word after it"),
        ("haftar -", None),  # a lone dash is punctuation, not an operator
        ("AND haftar", "AND needs a word before it"),
        ("haftar AND", "AND needs a word after it"),
        ("haftar OR -saddam", "OR cannot offer a negation"),
        ("-(-a -b)", "cannot be excluded"),
        ("()", None),
    ],
)
def test_broken_syntax_is_one_line_and_never_a_search_word(
    filled: Store, text: str, says: str | None
) -> None:
    if says is None:
        filled.count(ItemFilter(text=text))
        return
    with pytest.raises(SearchSyntaxError) as caught:
        filled.count(ItemFilter(text=text))
    message = str(caught.value)
    assert says in message and "\n" not in message and message.startswith("search: ")
    assert " — " in message  # problem — remedy


def test_hostile_text_never_reaches_fts_as_syntax(filled: Store) -> None:
    for text in ["NEAR(a b)", "title:haftar", "^haftar", 'a"b"c', "{x}", "haftar*saddam", '"a""b"']:
        try:
            filled.count(ItemFilter(text=text))
        except SearchSyntaxError:
            pass  # one line for the user; never sqlite3.OperationalError
    assert fts_query(Term('say "x"')) == '"say ""x"""'
    node = parse_search("haftar -saddam (oil OR gas*)")
    assert node is not None
    assert fts_query(node) == '(("haftar" AND ("oil" OR "gas"*)) NOT ("saddam"))'


# -- Arabic ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "normal"),
    [
        ("النفط", "نفط"),
        ("والنفط", "نفط"),
        ("بالنفط", "نفط"),
        ("فالنفط", "نفط"),
        ("كالنفط", "نفط"),
        ("للنفط", "نفط"),
        ("ٱلنفط", "نفط"),  # alef wasla
        ("النَّفْطُ", "نفط"),  # diacritics
        ("نفـــط", "نفط"),  # tatweel
        ("أحمد إبراهيم آمال", "احمد ابراهيم امال"),
        ("مدينة", "مدينه"),
        ("مستشفى", "مستشفي"),
        ("الي", "الي"),  # the article leaves at least two letters
        ("Salamé al-Sarraj", "Salamé al-Sarraj"),  # non-Arabic text is unchanged
        ("Salame\u0301", "Salamé"),  # ...but composed, as the tokenizer needs
    ],
)
def test_arabic_normalisation(typed: str, normal: str) -> None:
    assert normalise_for_search(typed) == normal


_REFERENCE_WORD = re.compile(r"(?<!\w)[\u0620-\u064a\u066e-\u06d3\u06d5\u06fa-\u06ff]+")
_REFERENCE_MARKS = set(
    "\u0640\u0670"
    + "".join(map(chr, range(0x0610, 0x061B)))
    + "".join(map(chr, range(0x064B, 0x0660)))
    + "".join(map(chr, range(0x06D6, 0x06DD)))
    + "".join(map(chr, range(0x06DF, 0x06E9)))
    + "".join(map(chr, range(0x06EA, 0x06EE)))
    + "".join(map(chr, range(0x08D3, 0x0900)))
)
_REFERENCE_LETTERS = {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"}


def reference_normalise(text: str, prefix: bool = False) -> str:
    """The normalisation as README states it, one word at a time (the slow definition)."""
    text = unicodedata.normalize("NFC", text)
    if not re.search("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]", text):
        return text
    text = "".join(_REFERENCE_LETTERS.get(ch, ch) for ch in text if ch not in _REFERENCE_MARKS)
    words = list(_REFERENCE_WORD.finditer(text))
    out, end = [], 0
    for match in words:
        word = match.group()
        last = prefix and match is words[-1] and not text[match.end() :].strip()
        for article in ARTICLES:
            if word.startswith(article) and len(word) - len(article) >= (1 if last else 2):
                word = word[len(article) :]
                break
        out += [text[end : match.start()], word]
        end = match.end()
    return "".join([*out, text[end:]])


@pytest.mark.parametrize("seed", range(4))
def test_normalisation_agrees_with_its_word_by_word_definition(seed: int) -> None:
    rng = random.Random(seed)
    pieces = [
        *ARTICLES, "ا", "ل", "و", "ب", "ن", "ف", "ط", "ي", "ه", "أ", "إ", "آ", "ٱ", "ى", "ة",
        "\u064e", "\u0651", "\u0652", "\u0670", "ـ", "٣", " ", " ", "  ", "-", "،", ".",
        "x", "É", "e\u0301", "_", "7", "\n",
    ]  # fmt: skip
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        for prefix in (False, True):
            assert normalise_for_search(text, prefix=prefix) == reference_normalise(text, prefix), (
                text,
                prefix,
            )


def test_arabic_search_finds_every_form(filled: Store) -> None:
    oil = {"f", "g", "h", "i"}
    assert found(filled, "نفط") == oil  # was 0: only the exact form matched
    assert found(filled, "النفط") == oil
    assert found(filled, "والنفط") == oil
    assert found(filled, "النَّفط") == oil
    assert found(filled, "الى") == {"j"}  # إلى, alef and ya folded on both sides
    assert found(filled, "اسعار") == {"i"}
    assert found(filled, "ال*") == {"j"}  # the article alone: words that kept it
    assert found(filled, "الن*") == oil  # a prefix after the article
    assert found(filled, "نفط -الشرارة") == oil - {"h"}


def test_updates_and_articles_keep_the_normalised_copy(store: Store, tmp_path: Path) -> None:
    outcome = FetchOutcome(feed="Libya Observer", status="ok")
    store.store_feed(outcome, [tagged("خبر عن النفط", identity="x")])
    assert store.count(ItemFilter(text="نفط")) == 1
    store.store_feed(outcome, [tagged("خبر عن الغاز", identity="x")])  # the title changed
    assert store.count(ItemFilter(text="نفط")) == 0 and store.count(ItemFilter(text="غاز")) == 1
    store.upsert_article(tagged("مقال عن الكهرباء", identity="art"))
    assert store.count(ItemFilter(text="كهرباء", state="all")) == 1


def test_migration_normalises_existing_items(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    db = Database(conn)
    migrations.apply(db, stop_before="m011_search_normalised")
    for item_id, title in ((1, "ارتفاع إنتاج النفط"), (2, "Haftar in Tripoli")):
        db.table("items").insert(
            {
                "id": item_id,
                "feed": "F",
                "identity": str(item_id),
                "title": title,
                "sort_at": "2026-01-01T00:00:00+00:00",
            }
        )
    conn.execute("DELETE FROM fts_pending WHERE item_id = 2")  # one indexed, one still pending
    conn.execute(
        "INSERT INTO items_fts (rowid, title, summary, content) VALUES (2, 'Haftar in Tripoli', '', '')"
    )
    conn.close()
    store = Store.open(path)
    try:
        assert store.status().search_pending == 1
        assert store.count(ItemFilter(text="tripoli", state="all")) == 1
        store.index_pending()
        assert store.count(ItemFilter(text="نفط", state="all")) == 1
        assert store.count(ItemFilter(text="انتاج", state="all")) == 1
    finally:
        store.close()
    check = sqlite3.connect(path)
    check.execute("INSERT INTO items_fts (items_fts, rank) VALUES ('integrity-check', 1)")
    copy = check.execute("SELECT search_title FROM items WHERE id = 1").fetchone()[0]
    english = check.execute("SELECT search_title FROM items WHERE id = 2").fetchone()[0]
    check.close()
    assert copy == "ارتفاع انتاج نفط" and english is None  # English is not stored twice


# -- differential: FTS5 against brute force ---------------------------------------------------

LATIN = ["haftar", "Saddam", "oil", "oilfield", "tripoli", "Benghazi", "salamé", "SALAME", "noc"]
ARABIC = [
    "النفط",
    "نفط",
    "والنفط",
    "بالنفط",
    "للنفط",
    "ٱلنفط",
    "النَّفْط",
    "نفـط",
    "ليبيا",
    "طرابلس",
    "حفتر",
    "أحمد",
    "احمد",
    "إلى",
    "الى",
    "مدينة",
    "مدينه",
    "الله",
    "له",
    "الي",
]
WORDS = LATIN + ARABIC
SEPARATORS = [" ", " ", " ", ", ", " - ", "-", ". ", "،"]


def _text(rng: random.Random, words: int) -> str:
    out = rng.choice(WORDS)
    for _ in range(words - 1):
        out += rng.choice(SEPARATORS) + rng.choice(WORDS)
    return out


def _fold(ch: str) -> str:
    # unicode61 with remove_diacritics 2: case folded; Latin letters lose their accents.
    if ord(ch) < 0x250:
        ch = unicodedata.normalize("NFD", ch)[0]
    return ch.lower()


def tokens(text: str) -> list[str]:
    """unicode61's tokens: runs of letters, digits and private-use characters, folded."""
    out: list[str] = []
    current = ""
    for ch in text:
        if ch.isalnum() or unicodedata.category(ch) == "Co":
            current += _fold(ch)
        elif current:
            out.append(current)
            current = ""
    if current:
        out.append(current)
    return out


def _term_matches(term: Term, columns: list[list[str]]) -> bool:
    wanted = tokens(term.normalised)
    size = len(wanted)
    for column in columns:
        for start in range(len(column) - size + 1):
            window = column[start : start + size]
            head_same = window[:-1] == wanted[:-1]
            last = window[-1].startswith(wanted[-1]) if term.prefix else window[-1] == wanted[-1]
            if head_same and last:
                return True
    return False


def brute_force(node: Node, columns: list[list[str]]) -> bool:
    if isinstance(node, Term):
        return _term_matches(node, columns)
    if isinstance(node, Not):
        return not brute_force(node.part, columns)
    if isinstance(node, AllOf):
        return all(brute_force(p, columns) for p in node.parts)
    assert isinstance(node, AnyOf)
    return any(brute_force(p, columns) for p in node.parts)


def _query_term(rng: random.Random) -> str:
    word = rng.choice(WORDS)
    roll = rng.random()
    if roll < 0.2:
        return f'"{word} {rng.choice(WORDS)}"'
    if roll < 0.35:
        return word[: rng.randint(1, len(word))] + "*"
    return word


def _query(rng: random.Random, depth: int = 0) -> str:
    parts: list[str] = []
    for _ in range(rng.randint(1, 3)):
        roll = rng.random()
        if roll < 0.25 and depth < 2:
            parts.append("(" + _query(rng, depth + 1) + ")")
        elif roll < 0.5:
            parts.append(" OR ".join(_query_term(rng) for _ in range(rng.randint(2, 3))))
        else:
            parts.append(_query_term(rng))
        if rng.random() < 0.25:
            parts[-1] = rng.choice(["-", "NOT "]) + parts[-1]
    return rng.choice([" ", " AND "]).join(parts)


@pytest.mark.parametrize("seed", range(3))
def test_fts_search_agrees_with_brute_force(store: Store, seed: int) -> None:
    rng = random.Random(seed)
    items = [
        tagged(
            _text(rng, rng.randint(1, 5)),
            identity=f"i{n}",
            url=f"https://x.example/{n}",
            summary=_text(rng, rng.randint(0, 8)) if rng.random() < 0.8 else "",
            content=_text(rng, rng.randint(0, 12)) if rng.random() < 0.5 else "",
        )
        for n in range(80)
    ]
    store.store_feed(FetchOutcome(feed="Libya Observer", status="ok"), items)
    rows = store.items_detail(ItemFilter(state="all"))
    columns = {
        d.row.id: [tokens(normalise_for_search(t)) for t in (d.row.title, d.summary, d.content)]
        for d in rows
    }
    checked = 0
    for _ in range(250):
        text = _query(rng)
        try:
            node = parse_search(text)
        except SearchSyntaxError:
            with pytest.raises(SearchSyntaxError):
                store.count(ItemFilter(text=text, state="all"))
            continue
        got = {r.id for r in store.items(ItemFilter(text=text, state="all"), limit=1000)}
        if node is None:
            assert got == set(columns)
            continue
        expected = {item_id for item_id, cols in columns.items() if brute_force(node, cols)}
        assert got == expected, text
        checked += 1
    assert checked > 150  # most random queries are valid, and every one of those was compared


def test_event_and_place_words_are_taken_out_of_the_search() -> None:
    q = split_qualifiers('haftar event:Protest place:"Bani Walid" -sport place:Sirte')
    assert q == Qualifiers("haftar -sport", ("protest",), ("Bani Walid", "Sirte"))
    assert split_qualifiers('"event:protest" x') == Qualifiers('"event:protest" x')
    assert split_qualifiers("x-event:protest") == Qualifiers("x-event:protest")
    assert parse_search("event:armed_clash place:Zawiya") is None  # nothing to find in the text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("event:fighting", "'fighting' is not an event type — one of armed_clash"),
        ('place:""', 'place: needs a value — e.g. place:"Bani Walid"'),
        ("(event:protest OR x)", "event:protest inside parentheses — put event: words outside"),
    ],
)
def test_a_wrong_event_or_place_word_is_one_line(text: str, message: str) -> None:
    with pytest.raises(SearchSyntaxError) as caught:
        parse_search(text)
    assert message in str(caught.value) and "\n" not in str(caught.value)
