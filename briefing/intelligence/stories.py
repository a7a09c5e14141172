"""Stories: which items report the same real-world event (same act, same place, within days).

Pure and typed: the store finds candidate stories with an index (event type, place, time) and
asks `choose` which one a new item joins, with the reasons; `group` does the same over a list
held in memory (`briefing classify`). Items with no event, or no place and no shared actor or
number, only join a story by the older rule: the same link or the same headline ("also in").

Why these rules (shared/events/TAXONOMY.md, issue 12): reports of one event in different
languages share no words, but they share the act (the event type), the place and the time; two
strikes on one city a week apart share the first two but not the third; a follow-up with new
facts ("toll rises to nine", "field restarts") is a new story, recognised by its phase words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TypeVar

import ahocorasick

from briefing.core.models import ActorInfo, EventType, PlaceInfo, Tagged
from briefing.core.text import fold, title_key

GAP = timedelta(hours=48)
"""A report joins a story when it is at most this far from the story's nearest report…"""
SPAN = timedelta(hours=72)
"""…and the story, with it, spans no more than this ("within a few days"). Two events of one
kind in one city five days apart are two stories."""
PLACELESS_GAP = timedelta(hours=36)
"""Items with no place (talks abroad, a central-bank decision) need a shared actor that is not a
state, or a shared figure, and a shorter gap."""
SAME_TITLE_GAP = timedelta(days=3)
"""The "also in" rule: the same headline this close in time (store.ingest.DUPLICATE_WINDOW)."""
MIN_TITLE_KEY = 24
"""Shorter headlines ("Libya update") are too generic to merge on (also store.feedwrite)."""

TOWN_KINDS = frozenset({"city", "town"})
INSIDE_KINDS = frozenset({"district", "airport", "port", "refinery"})
"""Places inside a town (a quarter, its airport, port or refinery): a report that names the
quarter and one that names only the town are one story; two quarters are two."""

RESTART_TYPES: frozenset[EventType] = frozenset(
    {"oil_energy", "economy_finance", "humanitarian", "migration"}
)
"""The types whose acts stop and start again (a field, a bank, a water supply, a crossing): only
there is a restart a new story. Talks that resume are the talks, and a truce that reopens a
road is the truce, whatever other reports of them say."""

Areas = Mapping[str, tuple[str, str]]
"""Place id → (id, name) of the town it is in, for the places inside a town (`area_map`)."""

# Follow-ups with new facts are new stories (TAXONOMY.md): a toll that rises, a field or port
# that restarts after a shutdown, a reopening after a closure. Folded (lower case, no accents).
_PHASES: dict[str, tuple[str, ...]] = {
    "followup": (
        "toll rises",
        "toll rose",
        "toll climbs",
        "toll climbed",
        "toll jumps",
        "rises to",
        "risen to",
        "climbs to",
        "death toll from",
        "bilan s'alourdit",
        "bilan s alourdit",
        "bilan passe a",
        "bilan grimpe",
        "s'eleve desormais",
        "ارتفاع حصيلة",
        "ارتفعت حصيلة",
        "ترتفع حصيلة",
        "ارتفاع عدد",
        "ارتفع عدد",
    ),
    "restart": (
        "restart",
        "resume",
        "resumes",
        "resumed",
        "resumption",
        "reopen",
        "reopens",
        "reopened",
        "lifts force majeure",
        "lifted force majeure",
        "back online",
        "redemarr",
        "reprise",
        "reprend",
        "rouvert",
        "rouvre",
        "leve la force majeure",
        "استئناف",
        "استأنف",
        "يستأنف",
        "تستأنف",
        "إعادة فتح",
        "اعادة فتح",
        "إعادة تشغيل",
        "اعادة تشغيل",
        "رفع حالة القوة القاهرة",
    ),
}

# Folded like the text they are looked for in (fold drops the hamza of ئ, as in استئناف).
_PHASE_WORDS = {phase: tuple(fold(w) for w in words) for phase, words in _PHASES.items()}


def _phase_finder() -> ahocorasick.Automaton:
    """Every phase word in one automaton, reporting (the rank of its phase, the phase), the
    first phase that lists it: one scan of the text in C instead of one `in` test per word."""
    finder = ahocorasick.Automaton()
    ranked = list(enumerate(_PHASE_WORDS.items()))
    for rank, (phase, words) in reversed(ranked):  # (an earlier phase overwrites a later one)
        for word in words:
            finder.add_word(word, (rank, phase))
    finder.make_automaton()
    return finder


_PHASE_FINDER = _phase_finder()
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# `\d+(?:[.,]\d+)?` with the first digit written apart: the same matches, but a pattern that
# opens with a single character class lets the regular expression engine skip to the next
# digit in C, where one that opens with a repeat is tried at every position (twice as fast).
_NUMBER = re.compile(r"\d\d*(?:[.,]\d+)?")
_ASCII_NUMBER = re.compile(r"[0-9][0-9]*(?:[.,][0-9]+)?")
_GROUPED = re.compile(r"\d{1,3}(,\d{3})+")
_YEAR = re.compile(r"(19|20)\d\d")


@dataclass(frozen=True)
class StorySignature:
    """What a story needs to know about one item; computed before the store's write lock."""

    event_type: EventType
    place_id: str | None
    place: str | None
    """The place's name, for the reasons."""
    when: datetime
    phase: str = ""
    """"" for the event itself; "followup" or "restart" for a report of new facts."""
    actors: frozenset[str] = frozenset()
    states: frozenset[str] = frozenset()
    """The actors among `actors` that are states (`with_states`). Two visits to one capital by
    different delegations both name its country: without a place, a shared state alone does
    not make two reports one story."""
    numbers: frozenset[str] = frozenset()
    """Figures in the headline and summary (tolls, amounts), without years."""
    spot: str | None = None
    """The place inside the town (`place_id`) where it happened, when the item says."""
    title: str = ""
    title_key: str = ""
    canonical_url: str | None = None
    language: str | None = None
    feed: str = ""
    relevance: float = 0.0

    @property
    def headline_rank(self) -> float:
        """Which report's headline represents the story: English first, then the most relevant."""
        english = (self.language or "").casefold().startswith("en")
        return (1_000_000.0 if english else 0.0) + self.relevance

    @property
    def eventful(self) -> bool:
        """Whether the item can join a story by event (not only by link or headline)."""
        return self.event_type != "none" and bool(self.place_id or self.actors or self.numbers)


@dataclass(slots=True)
class StoryCandidate:
    """A stored story, as the store's index finds it for a new item. Not frozen: the store's
    fetch writer grows the ones it holds in place (`briefing.store.storyindex.HeldStory`);
    `widen` makes a new one."""

    id: int
    event_type: EventType
    place_id: str | None
    phase: str
    first_seen: datetime
    last_seen: datetime
    actors: frozenset[str] = frozenset()
    numbers: frozenset[str] = frozenset()
    spots: frozenset[str] = frozenset()
    """The places inside the town its reports name (one at most, unless it has none)."""


@dataclass(frozen=True)
class StoryMatch:
    """The story an item joins and why."""

    story_id: int
    reasons: tuple[str, ...]


def signature(tagged: Tagged, when: datetime, *, headline_key: str | None = None) -> StorySignature:
    """The story signature of a tagged item; `when` is its time (published, else first seen).

    `headline_key`: `title_key(tagged.entry.title)` when the caller has it (the store does).
    """
    e = tagged.entry
    primary = None
    for place in tagged.locations:
        if place.primary:
            primary = place
            break
    text = f"{e.title}\n{e.summary}"
    phase = phase_of(text)
    if phase == "restart" and tagged.event.type not in RESTART_TYPES:
        phase = ""
    # Filled without the frozen dataclass's __init__ (one object.__setattr__ per field, for
    # each kept item of a fetch); the fields are all given, in the class's order.
    sig = _new(StorySignature)
    sig.__dict__.update(
        event_type=tagged.event.type,
        place_id=primary.place_id if primary else None,
        place=primary.name if primary else None,
        when=when,
        phase=phase,
        actors=frozenset([m.actor_id for m in tagged.actors]),
        states=_NO_IDS,
        numbers=numbers_in(text),
        spot=None,
        title=e.title,
        title_key=title_key(e.title) if headline_key is None else headline_key,
        canonical_url=e.canonical_url,
        language=e.language,
        feed=e.feed,
        relevance=tagged.verdict.score,
    )
    return sig


_new = object.__new__
_NO_IDS: frozenset[str] = frozenset()


def area_map(places: Iterable[PlaceInfo]) -> dict[str, tuple[str, str]]:
    """The town each place inside a town belongs to (its district names the town)."""
    places = list(places)
    towns = {fold(p.name): (p.id, p.name) for p in places if p.kind in TOWN_KINDS}
    return {
        p.id: towns[fold(p.district)]
        for p in places
        if p.kind in INSIDE_KINDS and p.district and fold(p.district) in towns
    }


def in_area(sig: StorySignature, areas: Areas) -> StorySignature:
    """`sig` keyed by the town its place is in (the place itself kept as `spot`)."""
    area = areas.get(sig.place_id or "")
    if area is None:
        return sig
    return replace(sig, place_id=area[0], place=area[1], spot=sig.place_id)


def with_states(sig: StorySignature, states: AbstractSet[str]) -> StorySignature:
    """`sig` knowing which of its actors are states (`states`: the ids of the gazetteer's actors
    of kind `state`)."""
    found = sig.actors & states
    return replace(sig, states=frozenset(found)) if found or sig.states else sig


@dataclass(frozen=True)
class StoryGazetteer:
    """What the rules need from the gazetteers besides the item: the town each place inside one
    is in (`area_map`), and which actors are states. The store reads it once per feed."""

    areas: Areas = field(default_factory=dict)
    states: frozenset[str] = frozenset()

    @classmethod
    def of(cls, places: Iterable[PlaceInfo], actors: Iterable[ActorInfo]) -> StoryGazetteer:
        return cls(area_map(places), frozenset(a.id for a in actors if a.kind == "state"))

    def apply(self, sig: StorySignature) -> StorySignature:
        """`sig` keyed by its town (`in_area`), its states marked (`with_states`)."""
        return with_states(in_area(sig, self.areas), self.states)


def phase_of(text: str) -> str:
    """ "followup" or "restart" when the text reports new facts about an earlier event, else ""."""
    # As `any(word in fold(text) for word in words)` for each phase in turn (the test keeps
    # that definition): the first phase with a word anywhere in the text. Every kept item of
    # a fetch is asked: one scan in C rather than one `in` per word.
    best, best_rank = "", len(_PHASE_WORDS)
    for _, (rank, phase) in _PHASE_FINDER.iter(fold(text)):
        if rank < best_rank:
            if not rank:
                return str(phase)
            best, best_rank = phase, rank
    return str(best)


def numbers_in(text: str) -> frozenset[str]:
    """The figures an item states, normalised (Arabic-Indic digits, "1,200" → "1200"); years are
    left out: every report of the year shares them."""
    # (An ASCII text has no Arabic-Indic digit to translate: most items, and the cost of it.)
    # (In ASCII text \d is [0-9], which the regular expression engine tests faster.)
    found_raw = (
        _ASCII_NUMBER.findall(text) if text.isascii() else _NUMBER.findall(text.translate(_DIGITS))
    )
    if not found_raw:
        return _NO_FIGURES
    # A figure's form depends on its digits alone, and the same few come back in item after
    # item ("12", "2026"): each is worked out once (`_figure`; "" for a year).
    figures = _FIGURES
    found = {figures[raw] if raw in figures else _figure(raw) for raw in found_raw}
    found.discard("")
    return frozenset(found)


def _figure(raw: str) -> str:
    """A figure as `numbers_in` reports it, or "" for a year (remembered in `_FIGURES`)."""
    value = raw.replace(",", "") if _GROUPED.fullmatch(raw) else raw
    value = value.replace(",", ".")
    figure = "" if _YEAR.fullmatch(value) else value.lstrip("0") or "0"
    if len(_FIGURES) >= _FIGURES_CAP:
        _FIGURES.clear()
    _FIGURES[raw] = figure
    return figure


_FIGURES: dict[str, str] = {}
_FIGURES_CAP = 4096
_NO_FIGURES: frozenset[str] = frozenset()


def choose(sig: StorySignature, candidates: Iterable[StoryCandidate]) -> StoryMatch | None:
    """The story `sig` joins among `candidates`, or None when it starts a new one.

    Args:
        sig: the new item's signature.
        candidates: stories of the same event type and place near its time (the store's index
            query); any others are skipped, so a wider list is safe.

    Returns:
        The closest fitting story with the reasons it was chosen, or None.
    """
    best = pick(sig, candidates)
    return None if best is None else StoryMatch(best.id, reasons_for(sig, best))


_C = TypeVar("_C", bound=StoryCandidate)


def pick(sig: StorySignature, candidates: Iterable[_C]) -> _C | None:
    """The candidate `choose` chooses, itself (the store's writer grows it), without the
    reasons (`reasons_for`)."""
    if not sig.eventful:
        return None
    # The reasons are written for the story chosen only: a new item meets about five
    # candidates in a fetch, and writing them was most of the choice's cost. The rule's tests
    # are written out in the loop (the gap computed once): about 80,000 candidates are
    # weighed in a 1,000-feed fetch.
    # The rank is (shared actors and figures, nearness): compared as the pair, the higher
    # score first, then the smaller gap.
    best: _C | None = None
    best_score, best_gap = -1, _NO_GAP
    event_type, place_id, phase = sig.event_type, sig.place_id, sig.phase
    when, spot, actors, numbers = sig.when, sig.spot, sig.actors, sig.numbers
    limit = GAP if place_id is not None else PLACELESS_GAP
    for c in candidates:
        if c.place_id != place_id or c.event_type != event_type or c.phase != phase:
            continue
        if spot and c.spots and spot not in c.spots:
            continue  # two quarters of one town
        first, last = c.first_seen, c.last_seen
        if (last if last > when else when) - (first if first < when else when) > SPAN:
            continue
        gap = first - when if when < first else when - last if when > last else _NO_GAP
        if gap > limit:
            continue
        shared_numbers = numbers & c.numbers if numbers else _NO_IDS
        shared_actors = actors & c.actors if actors else _NO_IDS
        # No place to anchor on: the same act by the same people or bodies, or with the same
        # figures. A state is named by every report of a visit to its capital or of talks it
        # hosts, so it does not count here.
        if place_id is None and not (shared_numbers or not shared_actors <= sig.states):
            continue
        score = len(shared_actors) + len(shared_numbers)
        if score > best_score or (score == best_score and gap < best_gap):
            best, best_score, best_gap = c, score, gap
    return best


_NO_GAP = timedelta(0)


def reasons_for(sig: StorySignature, c: StoryCandidate) -> tuple[str, ...]:
    """Why `sig` joins `c` (which `pick` found it fits)."""
    actors = sorted(sig.actors & c.actors)
    numbers = sorted(sig.numbers & c.numbers, key=lambda n: (len(n), n))
    reasons = [f"same type {sig.event_type}"]
    if sig.place_id is not None:
        reasons.append(f"same place {sig.place or sig.place_id}")
    if sig.phase:
        reasons.append(f"same phase {sig.phase}")
    nearest = min(abs(sig.when - c.first_seen), abs(sig.when - c.last_seen))
    reasons.append(f"{_hours(nearest)} apart")
    if actors:
        reasons.append("shared actors: " + ", ".join(actors[:5]))
    if numbers:
        reasons.append("shared numbers: " + ", ".join(numbers[:5]))
    return tuple(reasons)


def _hours(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours:.0f} h" if hours >= 1 else f"{delta.total_seconds() / 60:.0f} min"


def same_report(a: StorySignature, b: StorySignature) -> str | None:
    """The "also in" rule: "same link" or "same headline" when `a` and `b` are one report."""
    if a.canonical_url and a.canonical_url == b.canonical_url:
        return "same link"
    if (
        a.title_key
        and len(a.title_key) >= MIN_TITLE_KEY
        and a.title_key == b.title_key
        and abs(a.when - b.when) <= SAME_TITLE_GAP
    ):
        return "same headline"
    return None


@dataclass
class _Open:
    """A story being built in memory by `group`."""

    candidate: StoryCandidate


def group(sigs: Sequence[StorySignature]) -> list[tuple[int, tuple[str, ...]]]:
    """Stories over a list held in memory (`classify --json`), by the rules the store uses.

    Returns, per item of `sigs`, the index of the item that started its story and why it
    joined (empty for the starting item). Items are taken in time order, as a fetch meets them.
    """
    order = sorted(range(len(sigs)), key=lambda i: (sigs[i].when, i))
    result: list[tuple[int, tuple[str, ...]]] = [(i, ()) for i in range(len(sigs))]
    stories: dict[int, _Open] = {}
    story_of: dict[int, int] = {}
    for i in order:
        sig = sigs[i]
        joined: tuple[int, tuple[str, ...]] | None = None
        for j, owner in story_of.items():
            why = same_report(sig, sigs[j])
            if why:
                joined = (owner, (why,))
                break
        if joined is None:
            match = choose(sig, (s.candidate for s in stories.values()))
            if match is not None:
                joined = (match.story_id, match.reasons)
        if joined is None:
            stories[i] = _Open(candidate(i, sig))
            story_of[i] = i
            continue
        story_id, reasons = joined
        opened = stories[story_id]
        opened.candidate = widen(opened.candidate, sig)
        story_of[i] = story_id
        result[i] = (story_id, reasons)
    return result


def candidate(story_id: int, sig: StorySignature) -> StoryCandidate:
    """A new story started by `sig`."""
    return StoryCandidate(
        story_id,
        sig.event_type,
        sig.place_id,
        sig.phase,
        sig.when,
        sig.when,
        sig.actors,
        sig.numbers,
        frozenset({sig.spot}) if sig.spot else frozenset(),
    )


def widen(c: StoryCandidate, sig: StorySignature) -> StoryCandidate:
    """The story `c` with `sig` joined: its time span, actors and figures grow (the store keeps
    the same aggregates in the story's row)."""
    return StoryCandidate(
        c.id,
        c.event_type,
        c.place_id,
        c.phase,
        min(c.first_seen, sig.when),
        max(c.last_seen, sig.when),
        c.actors | sig.actors,
        c.numbers | sig.numbers,
        c.spots | {sig.spot} if sig.spot else c.spots,
    )
