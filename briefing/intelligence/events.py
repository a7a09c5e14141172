"""What an item reports happened: one event type per item, with the words and the rule that decided.

The cues (`briefing/data/events.yaml`, merged with the user's `events_file`) are weighted
phrases per type in English, Arabic and French. They are found in one pass of one Aho-Corasick
automaton over the item's folded title and summary (`briefing.intelligence.matching`), the
longest phrase winning where phrases overlap. The taxonomy's rules (shared/events/TAXONOMY.md)
then choose one type:

1. a bare reaction ("UN condemns the clashes", without the clashes' toll in the headline or the
   summary; "calls the strike justified") takes the speaker's act: `talks_agreement` for a
   diplomat, `none` otherwise;
2. violence first: a headline that reports fighting, strikes or attacks is typed by the
   violence, even when talks or oil are named too;
3. otherwise the headline's main verb: the strongest, earliest cue of the headline's main clause
   (the words before "after", "amid", "بعد", "après"…), with `beats` settling known pairs
   (a field shut by protesters is an oil story; oil workers on strike are a strike);
4. else the summary's cues; else `none`. Analysis, opinion, explainers and anniversaries are
   `none`.

Pure: `classify` does no I/O; `load_events` reads the files it is given.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from operator import itemgetter
from pathlib import Path
from typing import Any, cast

from briefing.core.errors import ConfigError
from briefing.core.models import EVENT_TYPES, NO_EVENT, EventType, EventVerdict
from briefing.core.yamlwalk import Reader, Where, compose_data
from briefing.intelligence.matching import Hit, PhraseMatcher, Prepared, longest, phrase_key

_WORD_LISTS = (
    "subordinators",
    "reactions",
    "judgements",
    "explainers",
    "diplomats",
    "facts",
    "opinion",
    "retrospective",
    "forecast",
)
_TOP_KEYS = frozenset(
    ("types", "beats", "violence", "judges_violence", "object_violence", "version", *_WORD_LISTS)
)
_LANGUAGES = frozenset(("en", "ar", "fr"))
_MAIN, _SUBORDINATE, _SUMMARY = 1.0, 0.5, 0.4
"""What a cue's weight counts for: in the headline's main clause, in its dependent clause, in
the summary."""
_ANCHOR = 2.0
"""A dependent clause starts only after a cue this strong: "UN envoy for Libya meets…" keeps
"meets" in the main clause ("envoy" is a hint)."""
_NAMED = 3.0
"""A cue this strong names the act itself ("go on strike"), not a word typical of its type."""
_REST = 0.25
"""What a type's other phrases count for beside its strongest one."""
_DIPLOMAT_ACRONYMS = (" UN ", " EU ", " US ", " UNSMIL ", " AU ", " UK ")
_OPENER_REACH = 3
"""An opinion word opens the headline when it is within its first few characters."""


@dataclass(frozen=True)
class EventRules:
    """The merged cue table: folded phrase → (type, weight) per type, and the word lists."""

    cues: Mapping[str, Mapping[EventType, float]] = field(default_factory=dict)
    words: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """Folded phrases of each word list (subordinators, reactions, diplomats…)."""
    beats: Mapping[EventType, frozenset[EventType]] = field(default_factory=dict)
    violence: frozenset[EventType] = frozenset()
    judges_violence: frozenset[EventType] = frozenset()
    """Types whose act judges past violence (a trial): violence outside the headline's main
    clause does not make such an item violent."""
    display: Mapping[str, str] = field(default_factory=dict)
    """How a folded phrase was written in the file (for reasons)."""
    object_violence: frozenset[EventType] = frozenset()
    """Violence done to a person: named after a judging act that opens the main clause, it is
    that act's object (a kidnapped man freed), not the event."""


# ---------------------------------------------------------------------------------------------
# Loading (the only I/O): YAML validated into one-line ConfigErrors
# ---------------------------------------------------------------------------------------------


def _at(where: Where) -> str:
    return f"{where.shown}:{where.line}"


def _type(value: Any, where: Where, key: str) -> EventType:
    if value not in EVENT_TYPES:
        raise ConfigError(
            f"{_at(where)}: {key}: {value!r} is not an event type — use one of "
            f"{', '.join(EVENT_TYPES)}"
        )
    return cast(EventType, value)


def _mapping_or_empty(read: Reader, where: Where | None, problem: str) -> dict[Any, Where]:
    """A mapping's entries; nothing for a missing, null or otherwise empty value (`types: []`)."""
    if where is None or read.is_null(where):
        return {}
    entries = read.entries(where)
    if entries is None:
        if read.value(where):
            raise ConfigError(f"{_at(where)}: {problem}")
        return {}
    return entries


def _phrases_by_language(
    read: Reader, where: Where | None, key: str
) -> Iterable[tuple[Any, Where]]:
    """(language, block) of a {language: …} block; languages are labels, not filters."""
    if where is None or read.is_null(where):
        return []
    value = read.entries(where)
    if value is None:
        raise ConfigError(f"{_at(where)}: {key}: expected {{en: …, ar: …, fr: …}} — see the format")
    for language in value:
        if str(language) not in _LANGUAGES:
            raise ConfigError(
                f"{_at(where)}: {key}: unknown language {language!r} — use en, ar or fr"
            )
    return value.items()


def parse_events(text: str, source: str, base: EventRules | None = None) -> EventRules:
    """Parse an event cue document; its weights replace `base`'s for the same phrase and type."""
    root = compose_data(text, source)
    read = Reader()
    data = {} if root is None or read.is_null(root) else read.entries(root)
    if data is None:
        raise ConfigError(f"{source}:1: an events file is a mapping with `types:` — see README")
    unknown = sorted(set(map(str, data)) - _TOP_KEYS)
    if unknown:
        raise ConfigError(
            f"{source}:1: unknown top-level key {unknown[0]!r} — use {', '.join(sorted(_TOP_KEYS))}"
        )
    cues: dict[str, dict[EventType, float]] = {
        key: dict(types) for key, types in (base.cues.items() if base else ())
    }
    display: dict[str, str] = dict(base.display) if base else {}
    raw_types = _mapping_or_empty(
        read, data.get("types"), "types: expected {type: {language: {phrase: weight}}}"
    )
    for type_name, languages in raw_types.items():
        event_type = _type(type_name, languages, "types")
        for language, block in _phrases_by_language(read, languages, f"types.{type_name}"):
            if read.is_null(block):
                continue
            phrases = read.entries(block)
            if phrases is None:
                raise ConfigError(
                    f"{_at(block)}: types.{type_name}.{language}: expected {{phrase: weight}}"
                )
            for phrase, weight_at in _written_keys(phrases, block):
                weight = read.value(weight_at)
                if isinstance(weight, bool) or not isinstance(weight, int | float):
                    raise ConfigError(
                        f"{_at(weight_at)}: types.{type_name}.{language}: {phrase!r}: weight must "
                        "be a number (3 names the act, 0 cancels)"
                    )
                key = phrase_key(str(phrase))
                if not key.strip():
                    continue
                cues.setdefault(key, {})[event_type] = float(weight)
                display.setdefault(key, str(phrase))
    words: dict[str, frozenset[str]] = dict(base.words) if base else {}
    for list_name in _WORD_LISTS:
        folded: set[str] = set(words.get(list_name, frozenset()))
        for language, block in _phrases_by_language(read, data.get(list_name), list_name):
            listed = read.value(block)
            if listed is None:
                continue
            if not isinstance(listed, list):
                raise ConfigError(
                    f"{_at(block)}: {list_name}.{language}: expected a list of phrases"
                )
            nodes = read.items(block) or []
            for phrase, at in zip(listed, nodes, strict=True):
                text = _written(phrase, at)
                if text.strip():
                    folded.add(phrase_key(text))
        words[list_name] = frozenset(folded)
    beats: dict[EventType, frozenset[EventType]] = dict(base.beats) if base else {}
    raw_beats = _mapping_or_empty(
        read, data.get("beats"), "beats: expected {type: [types it beats]}"
    )
    for winner, losers_at in raw_beats.items():
        won = _type(winner, losers_at, "beats")
        losers = read.value(losers_at)
        if not isinstance(losers, list):
            raise ConfigError(f"{_at(losers_at)}: beats.{winner}: expected a list of types")
        beats[won] = beats.get(won, frozenset()) | {_type(t, losers_at, "beats") for t in losers}
    violence = _type_set(read, data, "violence", base.violence if base else frozenset())
    judges = _type_set(read, data, "judges_violence", base.judges_violence if base else frozenset())
    objects = _type_set(
        read, data, "object_violence", base.object_violence if base else frozenset()
    )
    return EventRules(cues, words, beats, violence, judges, display, objects)


def _written(phrase: Any, where: Where) -> str:
    """A listed phrase as written: YAML 1.1 reads a bare `on`, `off`, `yes` or `no` as a
    boolean (`on` became the phrase "true"), which a list of phrases never means."""
    if isinstance(phrase, bool) and isinstance(where.node.value, str):
        return where.node.value
    return str(phrase)


def _written_keys(phrases: dict[Any, Where], block: Where) -> list[tuple[Any, Where]]:
    """A cue block's (phrase, weight) pairs, a bare `on`, `off`, `yes` or `no` read as the word
    written: YAML 1.1 makes them booleans (`on: 3` was the phrase "true"), and two of them
    (`on: 3, off: 0`) would be one key, the last."""
    pairs = [(phrase, at) for phrase, at in phrases.items() if not isinstance(phrase, bool)]
    if len(pairs) == len(phrases):
        return pairs
    for key_node, value_node in block.node.value:
        if key_node.tag.endswith(":bool") and isinstance(key_node.value, str):
            pairs.append((key_node.value, block.child(value_node, key_node.value)))
    return pairs


def _type_set(
    read: Reader, data: dict[Any, Where], key: str, default: frozenset[EventType]
) -> frozenset[EventType]:
    if key not in data:
        return default
    raw = read.value(data[key])
    if not isinstance(raw, list):
        raise ConfigError(f"{_at(data[key])}: {key}: expected a list of types")
    return frozenset(_type(t, data[key], key) for t in raw)


def builtin_events_text() -> str:
    return resources.files("briefing.data").joinpath("events.yaml").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def builtin_events() -> EventRules:
    """The shipped cues, parsed once per process (never mutated)."""
    return parse_events(builtin_events_text(), "briefing/data/events.yaml")


def load_events(user_file: Path | None = None) -> EventRules:
    """The shipped cues merged with the user's file when given (ConfigError names it)."""
    rules = builtin_events()
    if user_file is not None:
        try:
            text = Path(user_file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise ConfigError(f"{user_file}:0: cannot read the events file ({error})") from None
        rules = parse_events(text, str(user_file), rules)
    return rules


# ---------------------------------------------------------------------------------------------
# Classifying
# ---------------------------------------------------------------------------------------------

# Payload entries: ("E", ((type, weight), …)) a cue; ("W", list name) a word of a word list.
_Payload = tuple[Any, ...]
_Cues = tuple[tuple[tuple[EventType, float], ...], tuple[str, ...]]
"""A key's payloads as the automaton reports them (`_compile`): its (type, weight) cues, then
the word lists it is in."""
Hint = tuple[EventType, float, str, int]
"""Extra evidence from elsewhere (a place's kind): (type, weight, word, position in the folded
text); counted like a cue found there ("Sharara" names an oil field)."""


class EventClassifier:
    """The cue table compiled into one automaton; build once, classify many items."""

    def __init__(self, rules: EventRules, *, cache: bool = True) -> None:
        """Compile `rules`; `cache` keeps verdicts by evidence (off: the slow reference path)."""
        self.rules = rules
        self._caching = cache
        # Subordinators are short and frequent ("as", "for"): one regular expression over the
        # headline finds them faster than the automaton reports them over the whole item.
        openers = sorted((k.strip() for k in rules.words.get("subordinators", ())), key=len)
        self._openers = (
            re.compile(" (" + "|".join(re.escape(k) for k in reversed(openers)) + ")(?= )")
            if openers
            else None
        )
        self._display = rules.display
        self._verdicts: dict[tuple[Any, ...], EventVerdict] = {}
        self._texts: dict[Any, EventVerdict] = {}

    @cached_property
    def _matcher(self) -> PhraseMatcher[Any]:
        """The cues' own automaton, for items no shared scan read (`classify` without `hits`).
        Built on first use: a Tagger passes the hits of its one scan, so this is never built
        there, nor pickled into the tagger cache (it was a third of that file's load time)."""
        matcher: PhraseMatcher[Any] = PhraseMatcher()
        self.add_cues(matcher)
        matcher.build()
        return matcher

    def add_cues(self, matcher: PhraseMatcher[Any], channel: int = 0) -> None:
        """Add the cue phrases to `matcher` on `channel` (before its `build`): a caller that
        scans each item once for other phrases too passes this channel's hits to `classify`."""
        matcher.shape(channel, _compile)
        for key, types in self.rules.cues.items():
            matcher.add(key, ("E", tuple(types.items())), folded=True, channel=channel)
        for list_name, keys in self.rules.words.items():
            if list_name == "subordinators":
                continue  # short, frequent words: found by a scan of the headline's words
            for key in keys:
                matcher.add(key, ("W", list_name), folded=True, channel=channel)

    def classify(
        self,
        item: Prepared,
        hints: Sequence[Hint] = (),
        hits: list[Hit[_Cues]] | None = None,
    ) -> EventVerdict:
        """The event type of a prepared item (its title and summary are read).

        Args:
            item: the item folded by `briefing.intelligence.matching.prepare`.
            hints: extra evidence, e.g. oil sites named in the headline.
            hits: the cue hits of a shared scan of the whole `item.lowered` (`add_cues`'s
                channel), fewer than `MAX_HITS` of any key in all; None: scanned here.

        Returns:
            The type, and as reasons the deciding words then the rule applied.
        """
        if not item.bounds:
            return NO_EVENT
        title_end = 0
        text_end = 0
        for end, name in item.bounds:
            if name == "title":
                title_end = end
                text_end = end
            elif name == "summary":
                text_end = end
        if not text_end:
            return NO_EVENT
        text = item.lowered[:text_end]
        # Feeds repeat items (the same wire story, the same headline): the same text and hints
        # give the same verdict. The key is the cased text (`lowered` is made from it): the
        # rules read capitals too ("UN" speaks for diplomacy, "Un" is French for "a").
        cased = item.cased[:text_end]
        seen_key = (cased, *hints) if hints else cased
        seen = self._texts.get(seen_key)
        if seen is not None:
            return seen
        if hits is None:
            hits = self._matcher.find(text)
        elif hits and hits[-1][1] >= text_end:
            # The shared scan also read the article body: its cues are not the item's.
            # (A hit's end is its last character's index; the fields end with NUL, which no
            # key holds, so a hit ends before its field's bound or lies after it.)
            hits = [hit for hit in hits if hit[1] < text_end]
        verdict = self._classify(item, hits, title_end, text_end, hints)
        if self._caching:
            if len(self._texts) >= 20_000:
                self._texts.clear()
            self._texts[seen_key] = verdict
        return verdict

    def _classify(
        self,
        item: Prepared,
        hits: list[Hit[_Cues]],
        title_end: int,
        text_end: int,
        hints: Sequence[Hint],
    ) -> EventVerdict:
        text = item.lowered
        kept = longest(hits)[0] if len(hits) > 1 else hits
        if self._caching:
            return self._decide_fast(item, kept, title_end, text_end, hints)
        # The plain path (`cache=False`): the rules as written, step by step.
        # (Clauses matter only when the headline has more than one thing to weigh.)
        in_title = sum(1 for hit in kept if hit[0] < title_end)
        in_title += sum(1 for hint in hints if hint[3] < title_end)
        opening = self._clause_openers(text[:title_end]) if in_title > 1 else ()
        cased = item.cased[:text_end]
        # "UN", "EU", "US" speak for diplomacy only in capitals (French "un" is "a").
        acronym = next((a for a in _DIPLOMAT_ACRONYMS if a in cased), "")
        return self._decide(kept, title_end, hints, acronym, opening)

    def _decide(
        self,
        kept: Sequence[Hit[_Cues]],
        title_end: int,
        hints: Sequence[Hint],
        acronym: str,
        opening: Sequence[tuple[str, str, int]],
    ) -> EventVerdict:
        # Cues as (type, weight, key, start, in title); word-list hits as (list, key, start).
        cues: list[tuple[EventType, float, str, int, bool]] = []
        words: list[tuple[str, str, int]] = []
        for start, _, key, (types, names) in kept:
            for event_type, weight in types:
                cues.append((event_type, weight, key, start, start < title_end))
            for name in names:
                words.append((name, key, start))
        for event_type, weight, word, start in hints:
            cues.append((event_type, weight, f" {word} ", start, start < title_end))
        if hints:
            cues.sort(key=_START)
        if acronym:
            words.append(("diplomats", acronym.lower(), -1))
        words.extend(opening)
        return self._judge(cues, words, title_end)

    def _decide_fast(
        self,
        item: Prepared,
        kept: Sequence[Hit[_Cues]],
        title_end: int,
        text_end: int,
        hints: Sequence[Hint],
    ) -> EventVerdict:
        """`_decide` and `_judge` in fewer passes, for the same verdict (tests/unit/
        test_event_fast_paths.py checks it against the plain path).

        What the plain path works out for every item and reads only on some paths is worked
        out where it is read: the capitalised acronyms (only a bare reaction asks who spoke),
        the headline's clause openers (only once the headline has a strong cue). A word of
        the headline that makes the item `none` (opinion, anniversary, forecast) ends the
        walk over the hits: the plain path returns on the first of those too, and nothing
        before it in its word list can change that.
        """
        cues: list[tuple[EventType, float, str, int, bool]] = []
        # The headline's positive cues, in start order: `kept` is in start order (`longest`).
        title_cues: list[tuple[EventType, float, str, int, bool]] = []
        reactions: list[tuple[int, str]] = []
        judgements: list[tuple[int, str]] = []
        facts = False
        diplomat = ""
        in_title_count = 0
        for start, _, key, (types, names) in kept:
            in_title = start < title_end
            in_title_count += in_title
            for event_type, weight in types:
                cue = (event_type, weight, key, start, in_title)
                cues.append(cue)
                if in_title and weight > 0:
                    title_cues.append(cue)
            for name in names:
                if name == "diplomats":
                    diplomat = diplomat or key
                elif name == "facts":
                    facts = True  # (a summary that restates the event reports it too)
                elif not in_title:
                    continue
                elif name == "opinion":
                    if start <= _OPENER_REACH:
                        return self._verdict(
                            "none", [key], "analysis or opinion: no discrete event"
                        )
                elif name == "retrospective":
                    return self._verdict(
                        "none", [key], "anniversary or look back: no discrete event"
                    )
                elif name == "forecast":
                    return self._verdict("none", [key], "a forecast: no discrete event")
                elif name == "explainers":
                    return self._verdict("none", [key], "an explainer: no discrete event")
                elif name == "reactions":
                    reactions.append((start, key))
                elif name == "judgements":
                    judgements.append((start, key))
                elif name == "facts":
                    facts = True
        if hints:
            for event_type, weight, word, start in hints:
                cues.append((event_type, weight, f" {word} ", start, start < title_end))
            cues.sort(key=_START)
            title_cues = [c for c in cues if c[4] and c[1] > 0]
        anchor = None
        for cue in title_cues:  # (the earliest strong one)
            if cue[1] >= _ANCHOR:
                anchor = cue[3]
                break
        clause_end = title_end
        if hints:
            in_title_count += sum(1 for hint in hints if hint[3] < title_end)
        # (Clauses matter only when the headline has more than one thing to weigh.)
        if anchor is not None and in_title_count > 1 and self._openers is not None:
            # The first clause opener after the anchor (`_clause_openers`, read in order).
            for match in self._openers.finditer(item.lowered, 0, title_end):
                if match.start() + 1 > anchor:
                    clause_end = match.start() + 1
                    break
        main = (
            [c for c in title_cues if c[3] < clause_end] if clause_end < title_end else title_cues
        )

        # Rule 1: a bare reaction takes the speaker's act.
        if (reactions or judgements) and not facts:
            reacted = _reacted(reactions, judgements, main, clause_end)
            if reacted:
                if not diplomat:
                    cased = item.cased
                    diplomat = next(
                        (a for a in _DIPLOMAT_ACRONYMS if cased.find(a, 0, text_end) >= 0), ""
                    ).lower()
                if diplomat:
                    return self._verdict(
                        "talks_agreement",
                        [diplomat, *reacted],
                        "a bare reaction takes the speaker's act: diplomacy",
                    )
                return self._verdict(
                    "none", reacted, "a bare reaction takes the speaker's act: a statement"
                )

        # Rule 2: violence first (the headline's, else a summary's strong violence).
        violence = self.rules.violence
        judges = self.rules.judges_violence
        strong_other = judged = False
        judging_at = -1
        for c in main:
            if c[1] >= 3:
                if judging_at == -1:
                    # (Not a reaction's word: French "condamne" also sentences.)
                    acts = c[0] in judges and all(r[0] != c[3] for r in reactions)
                    judging_at = c[3] if acts else title_end
                if c[0] in violence:
                    if c[0] in judges:
                        judged = True
                else:
                    strong_other = True
                    if c[0] in judges:
                        judged = True
        objects = self.rules.object_violence
        if any(
            c[0] in violence
            and c[1] >= _ANCHOR
            and not (judged and c[3] >= clause_end)
            and not (c[0] in objects and -1 < judging_at < c[3])
            for c in title_cues
        ) or (
            not strong_other
            and not judged
            and any(not c[4] and c[0] in violence and c[1] >= 3 for c in cues)
        ):
            pool = [c for c in cues if c[0] in violence and c[1] > 0]
            chosen, deciding, _ = _best_fast(pool, clause_end, title_end)
            if reactions and not any(c[4] and c[1] >= _NAMED for c in pool):
                # A reaction that reports the event ("condemns the attack on the airport",
                # its summary telling of rockets): the headline names the violence only by a
                # typical word, the act its summary names is the event.
                named = [c for c in pool if c[1] >= 3]
                if named:
                    chosen, deciding, _ = _best(named, clause_end, title_end)
            return self._verdict(chosen, deciding, "violence first")

        # Rule 3: the headline's main verb.
        if main:
            chosen, deciding, scores = _best_fast(main, clause_end, title_end)
            if scores[chosen] >= _ANCHOR:
                # A known pair needs an act of its own or two words of its type ("shut" and
                # the field's name): one typical word ("oil" in "oil workers go on strike")
                # does not overturn the act the headline names.
                top = min(scores[chosen], _NAMED)
                for other, score in scores.items():
                    if (
                        score >= _ANCHOR
                        and chosen in self.rules.beats.get(other, ())
                        and (score >= top or len({c[2] for c in main if c[0] == other}) > 1)
                    ):
                        chosen = other
                        deciding = [c[2] for c in main if c[0] == other]
                        return self._verdict(
                            chosen, deciding, "the headline's main verb (a known pair)"
                        )
                return self._verdict(chosen, deciding, "the headline's main verb")

        # Rule 4: the rest of the headline and the summary.
        pool = [c for c in cues if c[1] > 0]
        if pool:
            chosen, deciding, scores = _best_fast(pool, clause_end, title_end)
            if scores[chosen] >= 1.2:
                return self._verdict(chosen, deciding, "the summary's cues")
        return self._verdict("none", [], "no event cue")

    def _clause_openers(self, title: str) -> list[tuple[str, str, int]]:
        """("subordinators", word, position) of each word of the folded headline that opens a
        dependent clause ("after", "in response to", "بعد")."""
        if self._openers is None:
            return []
        return [
            ("subordinators", f" {match.group(1)} ", match.start() + 1)
            for match in self._openers.finditer(title)
        ]

    def _judge(
        self,
        cues: list[tuple[EventType, float, str, int, bool]],
        words: list[tuple[str, str, int]],
        title_end: int,
    ) -> EventVerdict:
        # One pass over the word-list hits: what the headline opens with, its dependent
        # clauses, its reaction, facts and speakers.
        openers: list[int] = []
        reactions: list[tuple[int, str]] = []
        judgements: list[tuple[int, str]] = []
        facts = False
        diplomat = ""
        for name, key, start in words:
            if name == "diplomats":
                diplomat = diplomat or key
                continue
            if name == "facts":
                # A toll in the headline or a summary that restates the event's facts: the
                # item reports the event, not only a reaction to it (taxonomy rule 3).
                facts = True
                continue
            if start >= title_end:
                continue
            # Analysis and opinion open the headline; an anniversary can sit anywhere in it.
            if name == "opinion":
                if start <= _OPENER_REACH:
                    return self._verdict("none", [key], "analysis or opinion: no discrete event")
            elif name == "retrospective":
                return self._verdict("none", [key], "anniversary or look back: no discrete event")
            elif name == "forecast":
                return self._verdict("none", [key], "a forecast: no discrete event")
            elif name == "explainers":
                return self._verdict("none", [key], "an explainer: no discrete event")
            elif name == "subordinators":
                openers.append(start)
            elif name == "reactions":
                reactions.append((start, key))
            elif name == "judgements":
                judgements.append((start, key))
        title_cues = [c for c in cues if c[4] and c[1] > 0]
        # The main clause ends at the first subordinator after the first strong cue.
        anchor = min((c[3] for c in title_cues if c[1] >= _ANCHOR), default=None)
        clause_end = title_end
        if anchor is not None and openers:
            clause_end = min((o for o in openers if o > anchor), default=title_end)
        main = (
            [c for c in title_cues if c[3] < clause_end] if clause_end < title_end else title_cues
        )

        # Rule 1: a bare reaction takes the speaker's act.
        reacted = [] if facts else _reacted(reactions, judgements, main, clause_end)
        if reacted:
            if diplomat:
                return self._verdict(
                    "talks_agreement",
                    [diplomat, *reacted],
                    "a bare reaction takes the speaker's act: diplomacy",
                )
            return self._verdict(
                "none", reacted, "a bare reaction takes the speaker's act: a statement"
            )

        # Rule 2: violence first (the headline's, else a summary's strong violence).
        violence = self.rules.violence
        strong_other = any(c[1] >= 3 and c[0] not in violence for c in main)
        judged = any(c[1] >= 3 and c[0] in self.rules.judges_violence for c in main)
        # A release, an arrest or a verdict that is the main clause's first act: violence done
        # to a person named after it is its object ("frees kidnapped businessman", "arrests
        # suspect in murder of activist"), not the event.
        first_act = next((c for c in main if c[1] >= 3), None)
        judging_at = -1
        if (
            first_act is not None
            and first_act[0] in self.rules.judges_violence
            and all(r[0] != first_act[3] for r in reactions)
        ):
            judging_at = first_act[3]
        title_violence = [
            c
            for c in title_cues
            if c[0] in violence
            and c[1] >= _ANCHOR
            and not (judged and c[3] >= clause_end)
            and not (c[0] in self.rules.object_violence and -1 < judging_at < c[3])
        ]
        summary_violence = [c for c in cues if not c[4] and c[0] in violence and c[1] >= 3]
        if title_violence or (summary_violence and not strong_other and not judged):
            pool = [c for c in cues if c[0] in violence and c[1] > 0]
            chosen, deciding, _ = _best(pool, clause_end, title_end)
            if reactions and not any(c[4] and c[1] >= _NAMED for c in pool):
                # A reaction that reports the event ("condemns the attack on the airport",
                # its summary telling of rockets): the headline names the violence only by a
                # typical word, the act its summary names is the event.
                named = [c for c in pool if c[1] >= 3]
                if named:
                    chosen, deciding, _ = _best(named, clause_end, title_end)
            return self._verdict(chosen, deciding, "violence first")

        # Rule 3: the headline's main verb.
        if main:
            chosen, deciding, scores = _best(main, clause_end, title_end)
            if scores[chosen] >= _ANCHOR:
                # A known pair needs an act of its own or two words of its type ("shut" and
                # the field's name): one typical word ("oil" in "oil workers go on strike")
                # does not overturn the act the headline names.
                top = min(scores[chosen], _NAMED)
                for other, score in scores.items():
                    if (
                        score >= _ANCHOR
                        and chosen in self.rules.beats.get(other, ())
                        and (score >= top or len({c[2] for c in main if c[0] == other}) > 1)
                    ):
                        chosen = other
                        deciding = [c[2] for c in main if c[0] == other]
                        return self._verdict(
                            chosen, deciding, "the headline's main verb (a known pair)"
                        )
                return self._verdict(chosen, deciding, "the headline's main verb")

        # Rule 4: the rest of the headline and the summary.
        pool = [c for c in cues if c[1] > 0]
        if pool:
            chosen, deciding, scores = _best(pool, clause_end, title_end)
            if scores[chosen] >= 1.2:
                return self._verdict(chosen, deciding, "the summary's cues")
        return self._verdict("none", [], "no event cue")

    def _verdict(self, event_type: EventType, keys: Sequence[str], rule: str) -> EventVerdict:
        # Verdicts recur (the same words, the same rule): frozen, so shared.
        signature = (event_type, rule, *keys)
        verdict = self._verdicts.get(signature)
        if verdict is None:
            shown = [self._display.get(k, k.strip()) for k in dict.fromkeys(keys)]
            verdict = EventVerdict(event_type, (*shown[:4], f"rule: {rule}"))
            if len(self._verdicts) >= 20_000:
                self._verdicts.clear()
            self._verdicts[signature] = verdict
        return verdict


def _reacted(
    reactions: Sequence[tuple[int, str]],
    judgements: Sequence[tuple[int, str]],
    main: Sequence[tuple[EventType, float, str, int, bool]],
    clause_end: int,
) -> list[str]:
    """The words of a bare reaction in the headline's main clause, or none.

    A statement's verb ("condemns") reacts to the act named after it, so it counts only before
    any act of the main clause; a judging word ("justified", "proves the state has failed")
    judges the act named before it, so it counts wherever it stands in the main clause."""
    reaction = min((r for r in reactions if r[0] < clause_end), default=None)
    if reaction is not None:
        where = reaction[0]
        # (Not the reaction word itself: French "condamne" also sentences.)
        first_cue = min((c[3] for c in main if c[1] >= _ANCHOR and c[3] != where), default=None)
        if first_cue is None or where < first_cue:
            return [key for start, key in reactions if start == where]
    judgement = min((j for j in judgements if j[0] < clause_end), default=None)
    if judgement is not None:
        return [key for start, key in judgements if start == judgement[0]]
    return []


def _best(
    cues: Sequence[tuple[EventType, float, str, int, bool]], clause_end: int, title_end: int
) -> tuple[EventType, list[str], dict[EventType, float]]:
    """The highest-scoring type (the earliest cue breaks ties), its phrases in order, and every
    type's score: its strongest distinct phrase, and a quarter of its others (a headline's act
    outweighs the topic words piled up beside it). A phrase counts by where it stands: the
    headline's main clause, its dependent clause, the summary."""
    strongest: dict[EventType, float] = {}
    others: dict[EventType, float] = {}
    first: dict[EventType, int] = {}
    seen: set[tuple[EventType, str]] = set()
    for event_type, weight, key, start, _ in cues:
        if (event_type, key) in seen:
            continue
        seen.add((event_type, key))
        if start < clause_end:
            weight *= _MAIN
        elif start < title_end:
            weight *= _SUBORDINATE
        else:
            weight *= _SUMMARY
        top = strongest.get(event_type)
        if top is None:
            strongest[event_type] = weight
            others[event_type] = 0.0
            first[event_type] = start
        elif weight > top:
            strongest[event_type] = weight
            others[event_type] += top
        else:
            others[event_type] += weight
    scores = {t: strongest[t] + _REST * others[t] for t in strongest}
    chosen = max(scores, key=lambda t: (scores[t], -first[t]))
    return chosen, [c[2] for c in cues if c[0] == chosen], scores


def _best_fast(
    cues: Sequence[tuple[EventType, float, str, int, bool]], clause_end: int, title_end: int
) -> tuple[EventType, list[str], dict[EventType, float]]:
    """`_best`, with a lone cue (the usual main clause) settled without the tallies: its
    type wins with its weighted weight (plus a quarter of no others: x + 0.0 is x)."""
    if len(cues) != 1:
        return _best(cues, clause_end, title_end)
    event_type, weight, key, start, _ = cues[0]
    if start < clause_end:
        weight *= _MAIN
    elif start < title_end:
        weight *= _SUBORDINATE
    else:
        weight *= _SUMMARY
    return event_type, [key], {event_type: weight + _REST * 0.0}


def _compile(payloads: tuple[_Payload, ...]) -> _Cues:
    """A key's payload entries, read once when the automaton is built rather than on every
    hit: its cues' (type, weight) pairs in order, and its word lists in order."""
    types = tuple(pair for entry in payloads if entry[0] == "E" for pair in entry[1])
    return types, tuple(entry[1] for entry in payloads if entry[0] == "W")


_START = itemgetter(3)


__all__ = [
    "EventClassifier",
    "EventRules",
    "Hint",
    "builtin_events",
    "load_events",
    "parse_events",
]
