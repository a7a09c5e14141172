"""Folding and longest-match selection: the fast paths give what the plain definitions give."""

from __future__ import annotations

import random
from typing import Any

import pytest

from briefing.intelligence.matching import _TABLE, Hit, PhraseMatcher, fold_cased, longest


def _reference_fold(text: str) -> str:
    """The definition: every character through the table, spaces collapsed, padded."""
    folded = text.translate(_TABLE)
    while "  " in folded:
        folded = folded.replace("  ", " ")
    return " " + folded.strip(" ") + " "


def test_fold_cased_examples() -> None:
    assert fold_cased("Salamé’s “plan” — Libya") == " Salame s plan Libya "
    assert fold_cased("Straße, Øresund, Łódź") == " Strase Oresund Lodz "
    assert fold_cased("soft\u00adhyphen\u200bzero") == " softhyphenzero "
    assert fold_cased("title \x00 summary") == " title \x00 summary "
    assert fold_cased("") == "  "
    assert fold_cased("إلى ليبيا، طرابلس") == " الي ليبيا طرابلس "


def test_n_with_apostrophe_keeps_its_old_folding() -> None:
    # "ŉ" folds to "ʼ" through the table, but text made only of Latin letters and punctuation
    # always turned it into a space: both are kept as they were.
    assert fold_cased("aŉb") == " a b "
    assert fold_cased("aŉb ليبيا") == " aʼb ليبيا "


def test_fold_cased_is_the_per_character_table() -> None:
    rng = random.Random(7)
    pools = [
        [chr(c) for c in range(0x20, 0x250)] + list("abc XYZ ,.\x00’“—"),
        [chr(c) for c in (*range(0x600, 0x700), *range(0x370, 0x400), 0xFB01, 0xFF21, 0xD800)]
        + list("abc ,.é"),
    ]
    for _ in range(3000):
        pool = rng.choice(pools)
        text = "".join(rng.choice(pool) for _ in range(rng.randrange(0, 20)))
        if "\u0149" in text:
            continue  # see test_n_with_apostrophe_keeps_its_old_folding
        assert fold_cased(text) == _reference_fold(text), repr(text)


def _reference_longest(hits: list[Hit[None]]) -> tuple[list[Hit[None]], list[Hit[None]]]:
    """The definition: longest first, then leftmost; a hit overlapping a kept one is covered."""
    kept: list[Hit[None]] = []
    covered: list[Hit[None]] = []
    for hit in sorted(hits, key=lambda h: (h[0] - h[1], h[0])):
        if any(k[0] < hit[1] and hit[0] < k[1] for k in kept):
            covered.append(hit)
        else:
            kept.append(hit)
    return sorted(kept, key=lambda h: h[0]), covered


def test_longest_matches_its_definition() -> None:
    rng = random.Random(3)
    for _ in range(5000):
        spans = {
            (start, start + rng.randrange(1, 8))
            for start in (rng.randrange(0, 30) for _ in range(rng.randrange(0, 9)))
        }
        hits: list[Hit[None]] = [(s, e, f" k{s}-{e} ", None) for s, e in spans]
        if rng.random() < 0.8:
            hits.sort(key=lambda h: (h[1], h[0]))  # the automaton's order: by end
        else:
            rng.shuffle(hits)
        assert longest(hits) == _reference_longest(hits), hits


def test_nested_names_keep_the_outer_one() -> None:
    aguila: Hit[str] = (1, 7, " aguila ", "weak")
    aguila_saleh: Hit[str] = (1, 13, " aguila saleh ", "full")
    tripoli: Hit[str] = (20, 27, " tripoli ", "place")
    assert longest([aguila, aguila_saleh, tripoli]) == ([aguila_saleh, tripoli], [aguila])


def test_routed_payloads_come_from_the_same_scan_on_their_own_channel() -> None:
    matcher: PhraseMatcher[tuple[str, str]] = PhraseMatcher(channels=3)
    matcher.add("Haftar", ("A", "haftar"), channel=0)
    matcher.add("talks", ("B", "talks"), channel=0)
    matcher.add("Haftar", ("B", "haftar"), channel=0)
    matcher.add("talks", ("T", "talks"), channel=2)
    matcher.route(0, 1, lambda entry: entry[0] == "B")
    matcher.build()
    text = " haftar talks "
    phrases, blockers, terms = matcher.find_all(text)
    assert phrases == [(1, 7, " haftar ", (("A", "haftar"),))]
    assert blockers == [
        (1, 7, " haftar ", (("B", "haftar"),)),
        (8, 13, " talks ", (("B", "talks"),)),
    ]
    assert terms == [(8, 13, " talks ", (("T", "talks"),))]
    assert matcher.find_in(text, (0, 1)) == [phrases, blockers]
    assert matcher.find(text, 2) == terms


def test_four_channels_and_shaped_payloads_match_the_general_scan() -> None:
    # The Tagger's shape: four channels in one scan, the fourth's payloads compiled per key.
    matcher: PhraseMatcher[tuple[str, str]] = PhraseMatcher(channels=4)
    matcher.add("Haftar", ("A", "haftar"), channel=0)
    matcher.add("clashes", ("E", "clash"), channel=3)
    matcher.add("clashes", ("W", "fact"), channel=3)
    matcher.add("talks", ("T", "talks"), channel=2)
    matcher.add("talks", ("E", "talk"), channel=3)
    matcher.shape(3, lambda payloads: ("shaped", *sorted(p[1] for p in payloads)))
    matcher.build()
    text = " haftar clashes talks haftar "
    lists: list[list[Any]] = list(matcher.find_all(text))
    assert lists[3] == [
        (8, 15, " clashes ", ("shaped", "clash", "fact")),
        (16, 21, " talks ", ("shaped", "talk")),
    ]
    assert lists == matcher.find_in(text, (0, 1, 2, 3))  # the general loop, channel by channel
    assert [hit[0] for hit in lists[0]] == [1, 22]


def _reference_fold_char(ch: str) -> str:
    """matching._fold_char as first written: NFKD for every letter and digit."""
    import unicodedata

    from briefing.intelligence import matching

    if ch in matching._ARABIC_FOLD:
        return matching._ARABIC_FOLD[ch]
    if ch in matching._DELETE:
        return ""
    cat = unicodedata.category(ch)
    if cat in ("Mn", "Me"):
        return ""
    if cat[0] in "LN":
        if ch in matching._SPECIAL_LETTERS:
            return matching._SPECIAL_LETTERS[ch]
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        if len(base) == 1 and base.isalnum():
            return base
        return base[:1] if base[:1].isalnum() else ch
    return " "


def test_fold_char_shortcut_matches_the_full_definition() -> None:
    import random

    from briefing.intelligence import matching

    codes = [*range(1, 0x3001), *range(0xAC00, 0xAC40), *range(0xFB00, 0x10000)]
    rng = random.Random(5)
    codes += [rng.randrange(0x10000, 0x110000) for _ in range(20_000)]
    for code in codes:
        if 0xD800 <= code <= 0xDFFF:
            continue
        ch = chr(code)
        assert matching._fold_char(ch) == _reference_fold_char(ch), hex(code)


def test_a_built_matcher_keeps_only_its_automaton() -> None:
    # The phrase tables serve the building; a built matcher (pickled into the tagger cache and
    # loaded by every tagging process) drops them, and refuses what would need them.
    matcher: PhraseMatcher[str] = PhraseMatcher()
    matcher.add("Tripoli", "city")
    matcher.add("الزاوية", "town")  # Arabic: derived keys with prefixes too
    assert matcher.payloads(" tripoli ", 0) == ["city"]
    unbuilt = len(matcher)
    matcher.build()
    assert len(matcher) == unbuilt > 2
    assert matcher._pending == {} and matcher._derived == {}
    hits = matcher.find(fold_cased("Clashes in Tripoli and بالزاوية").lower())
    assert sorted(hit[3] for hit in hits) == [("city",), ("town",)]
    for late in (
        lambda: matcher.add("Sirte", "city"),
        lambda: matcher.payloads(" tripoli ", 0),
        lambda: matcher.keys_where(0, lambda payload: True),
    ):
        with pytest.raises(RuntimeError, match="built"):
            late()
