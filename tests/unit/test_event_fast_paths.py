"""The event and place step's fast paths against their plain definitions.

The Tagger finds the event cues in the same automaton scan as the actors and the relevance
terms; the classifier alone scans the item's title and summary with its own automaton. On the
labelled and holdout items, random mixes of their sentences, items with an article body and a
pathological item with thousands of hits, both must give the same event and places.
"""

from __future__ import annotations

import json
import random
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from briefing.core.models import (
    NO_EVENT,
    Entry,
    EventType,
    EventVerdict,
    FeedSpec,
    PlaceMention,
    RelevanceMode,
    Tagged,
)
from briefing.intelligence import places as places_module
from briefing.intelligence.events import EventClassifier, Hint
from briefing.intelligence.matching import MAX_HITS, Hit, Prepared, prepare
from briefing.intelligence.places import OIL_KINDS
from briefing.intelligence.relevance import entry_fields
from briefing.intelligence.tagging import Tagger

DATA = Path(__file__).resolve().parent.parent / "data"


def _texts() -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for path in sorted((DATA / "labelled").glob("*.jsonl")) + sorted(
        (DATA / "holdout").glob("*.jsonl")
    ):
        for line in path.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            pairs.append((str(item.get("title") or ""), str(item.get("summary") or "")))
    return pairs


def corpus() -> list[Entry]:
    """Every labelled item, then seeded random mixes of their titles and summaries (another
    item's summary, two titles run together, a title as the body)."""
    pairs = _texts()
    entries = [
        Entry(identity=str(i), feed="f", title=t, summary=s) for i, (t, s) in enumerate(pairs)
    ]
    rng = random.Random(12)
    for number in range(600):
        (t1, s1), (t2, s2), (t3, _) = rng.sample(pairs, 3)
        shape = number % 4
        if shape == 0:
            entries.append(Entry(identity=f"m{number}", feed="f", title=t1, summary=s2))
        elif shape == 1:
            entries.append(Entry(identity=f"m{number}", feed="f", title=f"{t1} {t2}", summary=s1))
        elif shape == 2:
            entries.append(
                Entry(identity=f"m{number}", feed="f", title=t1, summary=s1, content=f"{t2} {s2}")
            )
        else:
            entries.append(Entry(identity=f"m{number}", feed="f", title="", summary="", content=t3))
    return entries


class PlainTagger(Tagger):
    """The Tagger with the classifier scanning each item alone (its definition)."""

    def _event_and_places(
        self,
        item: Prepared,
        hits: list[Hit[tuple[Any, ...]]],
        found: Any,
        cue_hits: list[Hit[tuple[Any, ...]]] | None,
    ) -> tuple[EventVerdict, tuple[PlaceMention, ...]]:
        return super()._event_and_places(item, hits, found, None)


@pytest.fixture(scope="module")
def taggers() -> tuple[Tagger, Tagger]:
    return Tagger.build(), PlainTagger.build()


def _outcome(tagged: Tagged) -> tuple[object, ...]:
    return (tagged.event, tagged.locations, tagged.actors, tagged.places, tagged.verdict)


def test_shared_scan_gives_the_classifiers_own_verdicts(taggers: tuple[Tagger, Tagger]) -> None:
    fast, plain = taggers
    feed = FeedSpec(name="f", url="https://example.org")
    entries = corpus()
    typed = 0
    for entry in entries:
        got, want = fast.tag(entry, feed), plain.tag(entry, feed)
        assert _outcome(got) == _outcome(want), entry
        typed += got.event != NO_EVENT
    assert typed > len(entries) // 2  # the corpus has events to type


def test_kept_only_changes_nothing_but_a_dropped_item_s_event_and_places(
    taggers: tuple[Tagger, Tagger],
) -> None:
    """A fetch tags with `kept_only` (dropped items keep only their verdict): kept items must
    be tagged exactly as without it, dropped ones have the same verdict and actors."""
    fast, _ = taggers
    dropped = 0
    modes: tuple[RelevanceMode, ...] = ("default", "strict", "all")
    for mode in modes:
        feed = FeedSpec(name="f", url="https://example.org", relevance=mode)
        for entry in corpus():
            got, want = fast.tag(entry, feed, kept_only=True), fast.tag(entry, feed)
            if want.verdict.relevant:
                assert got == want, entry
            else:
                dropped += 1
                assert (got.verdict, got.actors, got.places) == (
                    want.verdict,
                    want.actors,
                    want.places,
                )
                assert (got.event, got.locations) == (NO_EVENT, ())
    assert dropped > 100  # the corpus has items to drop


def test_kept_only_keeps_every_article_as_tagging_in_full_does(
    taggers: tuple[Tagger, Tagger],
) -> None:
    """An article is relevant whatever matched: the shortcut for items where nothing matched
    (`kept_only`) must not drop one."""
    fast, _ = taggers
    feed = FeedSpec(name="f", url="https://example.org")
    for entry in corpus()[::7]:
        article = replace(entry, kind="article")
        assert fast.tag(article, feed, kept_only=True) == fast.tag(article, feed), entry


def test_cues_in_the_body_are_not_the_items(taggers: tuple[Tagger, Tagger]) -> None:
    fast, _ = taggers
    quiet = Entry(identity="b", feed="f", title="Libya weather", summary="Sunny in Tripoli.")
    loud = Entry(
        identity="b",
        feed="f",
        title=quiet.title,
        summary=quiet.summary,
        content="Clashes erupted and a drone strike hit the airport.",
    )
    assert fast.tag(quiet).event == fast.tag(loud).event


def test_a_pathological_item_falls_back_to_scans_per_side(
    taggers: tuple[Tagger, Tagger],
) -> None:
    fast, plain = taggers
    # Far more hits than MAX_HITS, cues and actors alike: each side still reads its first
    # MAX_HITS, as it did when each side scanned alone.
    summary = "Haftar forces clash with militias in Tripoli, protesters shut Sharara. " * 400
    entry = Entry(identity="p", feed="f", title="Clashes in Zawiya", summary=summary)
    lists = fast.automaton.find_all(prepare(entry_fields(entry)).lowered)
    assert sum(map(len, lists)) >= MAX_HITS  # the fallback is taken
    assert _outcome(fast.tag(entry)) == _outcome(plain.tag(entry))


def test_classifier_with_shared_hits_equals_its_own_scan(taggers: tuple[Tagger, Tagger]) -> None:
    fast, _ = taggers
    own = EventClassifier(fast.classifier.rules, cache=False)
    for entry in corpus():
        item = prepare(entry_fields(entry))
        if not item.bounds:
            continue
        cue_hits = fast.automaton.find_all(item.lowered)[3]
        assert own.classify(item, (), cue_hits) == own.classify(item), entry


def _phrase_soup(classifier: EventClassifier, rng: random.Random, count: int) -> list[Entry]:
    """Items made of the rules' own phrases (cues, reactions, speakers, openers, opinion and
    forecast words) and capitalised acronyms, in random order: every rule gets exercised."""
    rules = classifier.rules
    phrases = [k.strip() for k in rules.cues] + [
        k.strip() for words in rules.words.values() for k in words
    ]
    phrases += ["UN", "EU", "US", "Un", "Tripoli", "Sharara", "in", "after", "x", "A"]
    entries = []
    for number in range(count):
        title = " ".join(rng.choice(phrases) for _ in range(rng.randint(1, 7)))
        summary = " ".join(rng.choice(phrases) for _ in range(rng.randint(0, 9)))
        entries.append(Entry(identity=f"s{number}", feed="f", title=title, summary=summary))
    # A headline opened by an opinion word, or one word later (the reach is a few characters).
    for word in sorted(rules.words.get("opinion", ())):
        for opener in ("", "x ", "xy ", "A "):
            title = f"{opener}{word.strip()} clashes in Tripoli"
            entries.append(Entry(identity=f"o{word}{opener}", feed="f", title=title))
    return entries


def test_fast_decision_equals_the_plain_rules(taggers: tuple[Tagger, Tagger]) -> None:
    fast_tagger, _ = taggers
    rules = fast_tagger.classifier.rules
    fast, plain = EventClassifier(rules), EventClassifier(rules, cache=False)
    rng = random.Random(16)
    entries = corpus() + _phrase_soup(plain, rng, 4000)
    rules_seen: set[str] = set()
    for entry in entries:
        item = prepare(entry_fields(entry))
        if not item.bounds:
            continue
        title_end = item.bounds[0][0] if item.bounds[0][1] == "title" else 0
        # Oil-site hints at random headline positions, as the Tagger passes them.
        hints: list[Hint] = []
        if title_end and rng.random() < 0.3:
            hints = [("oil_energy", 2.0, "sharara", rng.randrange(title_end))]
        want = plain.classify(item, hints)
        assert fast.classify(item, hints) == want, entry
        rules_seen.update(want.reasons[-1:])
    assert len(rules_seen) >= 8  # every rule was reached, the early returns too


class _EveryWord(frozenset[str]):
    """A set that holds every word: with it, `_score` joins every word pair (the plain way)."""

    def __contains__(self, word: object) -> bool:
        return True


def test_place_scores_join_pairs_only_where_one_can_match(
    taggers: tuple[Tagger, Tagger], monkeypatch: pytest.MonkeyPatch
) -> None:
    fast, _ = taggers
    locator = fast.locator
    # Headlines made of place names and the words the place rules read around them.
    words = [
        *"Tripoli Sirte Misrata Zawiya Sharara Benghazi Geneva in near the town of".split(),
        *"based government bound for close to visit heading including south s".split(),
        *"في قرب طرابلس بنغازي مقرها الحكومه pres de a Zaouia".split(),
    ]
    rng = random.Random(7)
    cases: list[tuple[Prepared, Any, Any, EventType]] = []
    for _ in range(3000):
        title = " ".join(rng.choice(words) for _ in range(rng.randint(2, 9)))
        summary = " ".join(rng.choice(words) for _ in range(rng.randint(0, 12)))
        item = prepare([("title", title), ("summary", summary)])
        hits = fast.automaton.find_all(item.lowered)[0]
        occurrences, containers = locator.occurrences(hits, locator._all_places)
        if occurrences:
            types: list[EventType] = ["armed_clash", "legal_sanctions", "none", "protest"]
            event = rng.choice(types)
            cases.append((item, occurrences, containers, event))
    quick = [locator._locate(*case) for case in cases]
    monkeypatch.setattr(places_module, "_PAIR_ENDS", _EveryWord())
    plain = [locator._locate(*case) for case in cases]
    assert quick == plain
    assert sum(any(m.primary for m in found) for found in quick) > len(cases) // 3


def test_oil_sites_are_the_places_of_oil_kinds(taggers: tuple[Tagger, Tagger]) -> None:
    fast, _ = taggers
    oil = {p for p in fast.place_ids if fast.locator.kind(p) in OIL_KINDS}
    assert fast._oil_sites == oil
    assert "sharara-field" in oil


def test_the_verdict_cache_tells_capitals_apart(taggers: tuple[Tagger, Tagger]) -> None:
    """The words "UN condemns" and "Un condemns" fold alike, yet only the first names the UN:
    a verdict remembered for one must not answer for the other."""
    rules = taggers[0].classifier.rules
    fast, plain = EventClassifier(rules), EventClassifier(rules, cache=False)
    titles = [
        "UN condemns the killing of protesters in Tripoli",
        "Un condemns the killing of protesters in Tripoli",
        "EU welcomes the agreement on the budget",
        "Eu welcomes the agreement on the budget",
    ]
    for title in titles + titles[::-1]:
        item = prepare(entry_fields(Entry(identity=title, feed="f", title=title)))
        assert fast.classify(item) == plain.classify(item), title
