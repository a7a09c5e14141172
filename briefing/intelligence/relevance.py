"""Is an item about Libya? A score with its reasons, from weighted terms and the actors found.

The built-in rules (`briefing/data/relevance.yaml`) are merged with the user's `relevance:`
section of feeds.yaml (`RelevanceRules`): a user term re-weights a built-in one with the same
folded text, negative contexts are added, `use_builtin: false` starts from nothing.

Scoring: each matched term or actor adds weight × field factor (title 2, summary 1, body 0.5),
once per field. Overlapping phrases keep the longest, so a zero-weight phrase such as
"Libyan Sea" cancels the "Libyan" inside it. A Libya name that only appears inside a list of
countries ("Iran, Libya, Somalia and Yemen") keeps a quarter of its weight. The verdict depends
on the feed's mode: `all` keeps everything (still scored, with reasons), `default` needs
`threshold`, `strict` needs `strict_threshold`. Imported articles are always relevant.

Pure: `judge` does no I/O; `load_rules` parses the YAML text it is given.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from operator import itemgetter
from typing import Any, cast

import yaml

from briefing.core.models import (
    Entry,
    Reason,
    RelevanceMode,
    RelevanceRules,
    TextField,
    Verdict,
    WeightedTerm,
)
from briefing.core.yamlwalk import (
    Where,
    compose,
    get,
    kind_of,
    mapping,
    number,
    scalar,
    sequence,
    string,
    strings,
)
from briefing.intelligence.matching import (
    PAST_MARKERS,
    PAST_REACH,
    Hit,
    PhraseMatcher,
    Prepared,
    after_past_marker,
    longest,
    phrase_key,
    prepare,
)

ActorHit = tuple[str, str, TextField, float]
"""(actor id, actor name, field, signal) — one actor found in one field of the item."""

_CONNECTORS = frozenset({"", "and", "or", "et", "ou", "y", "e", "as well as", "and the", "و", "او"})
# Single words allowed between two names of a list: connectors and the articles French (and
# English) put before country names ("le Cap-Vert, l'Angola, la Libye et l'Eswatini").
_LIST_WORDS = frozenset("and or et ou y e as well the le la l les و او".split())
_FIELD_ORDER = {"title": 0, "summary": 1, "content": 2}
_WEIGHT_OF = itemgetter(1)  # of a (key, weight) pair


@dataclass(frozen=True)
class BuiltinRules:
    """What relevance.yaml holds."""

    terms: tuple[WeightedTerm, ...] = ()
    negative_contexts: tuple[WeightedTerm, ...] = ()
    libya_names: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    field_weights: Mapping[str, float] = field(
        default_factory=lambda: {"title": 2.0, "summary": 1.0, "content": 0.5}
    )
    list_factor: float = 0.25
    actor_weights: Mapping[str, float] = field(default_factory=dict)
    boosters: tuple[str, ...] = ()
    booster_floor: float = 3.0
    booster_cap: float = 3.0
    alone_factor: float = 0.1


# Payload: ("T", display term, weight, language or None, is_libya_name, note, {field: score})
# for a term, ("K",) for a country, ("U", display term) for a booster. A term's note and its
# rounded score in each field are worked out once, when the rules are compiled.
Term = tuple[Any, ...]
Found = tuple[tuple[str, str], tuple[float, str]]
"""One piece of evidence: ((term or actor name, field), (weighted score, note))."""
ActorScore = Found | None
"""What an actor found in a field adds to the score: ((name, field), (score, "actor")), or
None when its weight is zero."""


@dataclass
class CompiledRules:
    """The merged rules compiled into one automaton; build once, judge many items."""

    matcher: PhraseMatcher[Any]
    channel: int
    threshold: float
    strict_threshold: float
    field_weights: Mapping[str, float]
    list_factor: float
    actor_weights: Mapping[str, float]
    booster_floor: float = 3.0
    booster_cap: float = 3.0
    alone_factor: float = 0.1
    """What remains of a lone collision-prone name's weight in a general feed."""
    actor_scores: dict[ActorHit, ActorScore] = field(default_factory=dict, repr=False)
    """Each actor hit's score, worked out on first sight (the same few come back)."""


def _term(where: Where) -> WeightedTerm:
    if isinstance(where.node, yaml.ScalarNode):
        return WeightedTerm(string(where), 1.0)
    values = mapping(where, ("term", "weight", "language"), ("term",), "a term or {term, weight}")
    weight = 1.0
    if "weight" in values:
        raw = scalar(values["weight"])
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise values["weight"].error(
                f"weight must be a number, found {kind_of(values['weight'].node)}"
            )
        weight = float(raw)
    language = get(values, "language", string, None)
    return WeightedTerm(string(values["term"]), weight, language)


def _terms(values: dict[str, Where], key: str) -> tuple[WeightedTerm, ...]:
    where = values.get(key)
    if where is None or (isinstance(where.node, yaml.ScalarNode) and scalar(where) is None):
        return ()
    if not isinstance(where.node, yaml.SequenceNode):
        raise where.error(f"must be a list of {{term, weight}}, found {kind_of(where.node)}")
    return tuple(_term(item) for item in sequence(where, "terms"))


def _weights(values: dict[str, Where], key: str) -> dict[str, float]:
    where = values.get(key)
    if where is None or (isinstance(where.node, yaml.ScalarNode) and scalar(where) is None):
        return {}
    if not isinstance(where.node, yaml.MappingNode):
        raise where.error(f"must be a mapping (name: weight), found {kind_of(where.node)}")
    names = tuple(str(k.value) for k, _ in where.node.value)
    return {name: number(value) for name, value in mapping(where, names).items()}


_RULE_KEYS = (
    "terms",
    "negative_contexts",
    "libya_names",
    "countries",
    "field_weights",
    "list_factor",
    "actor_weights",
    "boosters",
    "booster_floor",
    "booster_cap",
    "alone_factor",
)


def load_rules(text: str, source: str = "briefing/data/relevance.yaml") -> BuiltinRules:
    """Parse a relevance rules document (the built-in one, or a user's in the same shape).

    Raises:
        ConfigError: `file:line: key: problem`, from the same located walker as feeds.yaml.
    """
    root = compose(text, source)
    if root is None:
        return BuiltinRules()
    if not isinstance(root.node, yaml.MappingNode):
        raise root.error(
            f"relevance rules must be a mapping (terms:, …), found {kind_of(root.node)}"
        )
    values = mapping(root, _RULE_KEYS)
    defaults = BuiltinRules()

    def listed(key: str) -> tuple[str, ...]:
        return get(values, key, lambda w: strings(w, key), ())

    def figure(key: str, default: float) -> float:
        return get(values, key, number, default)

    return BuiltinRules(
        terms=_terms(values, "terms"),
        negative_contexts=_terms(values, "negative_contexts"),
        libya_names=listed("libya_names"),
        countries=listed("countries"),
        field_weights={**defaults.field_weights, **_weights(values, "field_weights")},
        list_factor=figure("list_factor", defaults.list_factor),
        actor_weights=_weights(values, "actor_weights"),
        boosters=listed("boosters"),
        booster_floor=figure("booster_floor", defaults.booster_floor),
        booster_cap=figure("booster_cap", defaults.booster_cap),
        alone_factor=figure("alone_factor", defaults.alone_factor),
    )


@lru_cache(maxsize=1)
def builtin_rules() -> BuiltinRules:
    text = resources.files("briefing.data").joinpath("relevance.yaml").read_text(encoding="utf-8")
    return load_rules(text)


def compile_rules(
    user: RelevanceRules,
    builtin: BuiltinRules | None = None,
    matcher: PhraseMatcher[Any] | None = None,
    channel: int = 0,
) -> CompiledRules:
    """Merge the user's rules over the built-in ones and compile them into one automaton.

    With `matcher`, the terms go into that shared automaton's `channel`; the caller builds it.
    """
    base = builtin if builtin is not None else builtin_rules()
    if not user.use_builtin:
        base = BuiltinRules(field_weights=base.field_weights, list_factor=base.list_factor)
    libya = {phrase_key(name) for name in base.libya_names}
    # Later entries replace earlier ones with the same folded text: the user re-weights.
    merged: dict[str, WeightedTerm] = {}
    for term in (*base.terms, *base.negative_contexts, *user.terms, *user.negative_contexts):
        merged[phrase_key(term.text)] = term
    own = matcher is None
    if matcher is None:
        matcher = PhraseMatcher()
    for key, term in merged.items():
        matcher.add(
            key,
            _term_entry(term, key in libya, base.field_weights),
            folded=True,
            channel=channel,
        )
    for country in base.countries:
        key = phrase_key(country)
        if key not in merged:
            matcher.add(key, ("K",), folded=True, channel=channel)
    for marker in PAST_MARKERS:
        key = phrase_key(marker)
        if key not in merged:
            matcher.add(key, ("P",), folded=True, channel=channel)
    for booster in base.boosters:
        key = phrase_key(booster)
        if key not in merged:
            matcher.add(key, ("U", booster), folded=True, channel=channel)
    if own:
        matcher.build()
    return CompiledRules(
        matcher=matcher,
        channel=channel,
        threshold=user.threshold,
        strict_threshold=user.strict_threshold,
        field_weights=base.field_weights,
        list_factor=base.list_factor,
        actor_weights=base.actor_weights,
        booster_floor=base.booster_floor,
        booster_cap=base.booster_cap,
        alone_factor=base.alone_factor,
    )


def _term_entry(term: WeightedTerm, is_name: bool, factors: Mapping[str, float]) -> Term:
    weight = term.weight
    note = "negative context" if weight < 0 else ("cancels" if weight == 0 else "term")
    scores = {where: round(weight * factor, 3) for where, factor in factors.items()}
    return ("T", term.text, weight, term.language, is_name, note, scores)


def entry_fields(entry: Entry) -> list[tuple[TextField, str]]:
    summary = entry.summary or ""
    if ":" in summary:  # (every marker ends with a colon: most summaries skip the search)
        summary = without_related_links(summary)
    return [
        ("title", entry.title or ""),
        ("summary", summary),
        ("content", entry.content or ""),
    ]


# "Related: …", "Read more: …", "À lire aussi : …", "اقرأ أيضا: …": the headlines of other
# stories that feeds append to a summary. They say nothing about this item.
_RELATED: tuple[str, ...] = (
    "related",
    "related stories",
    "related articles",
    "related coverage",
    "read more",
    "read also",
    "see also",
    "also read",
    "more on this",
    "further reading",
    "lire aussi",
    "à lire aussi",
    "a lire aussi",
    "voir aussi",
    "sur le même sujet",
    "اقرأ أيضا",
    "اقرأ أيضاً",
    "إقرأ أيضا",
    "اقرأ ايضا",
    "ذات صلة",
)
_RELATED = tuple(sorted(_RELATED, key=len, reverse=True))  # "à lire aussi" before "lire aussi"
_RELATED_REACH = len(_RELATED[0]) + 1


def without_related_links(summary: str) -> str:
    """`summary` without an appended related-link or "read more" line (and all after it).

    A marker is one of `_RELATED` right before a colon, as a phrase of its own (at the start
    or after a space or punctuation). Found with `str.find` and `str.endswith` rather than a
    regular expression: this runs on every summary with a colon.
    """
    colon = summary.find(":")
    while colon != -1:
        head = summary[:colon].rstrip()
        tail = head[-_RELATED_REACH:].lower()
        if tail.endswith(_RELATED):
            for marker in _RELATED:
                cut = len(head) - len(marker)
                if tail.endswith(marker) and (cut == 0 or not head[cut - 1].isalnum()):
                    return summary[:cut].rstrip()
        colon = summary.find(":", colon + 1)
    return summary


# Words that introduce an enumeration: "countries such as Libya and Syria" is a list of two.
_LIST_INTRO = frozenset(
    "including such as like countries nations among notably namely comme dont notamment مثل منها".split()
)


def _in_list(index: int, ordered: Sequence[Hit[tuple[Term, ...]]], text: str) -> bool:
    """True when ordered[index] is one of a run of country names: three or more ("Iran, Libya,
    Mali"), or two after an enumerating word ("countries such as Libya and Syria")."""
    run = 1
    first = index
    for step in (-1, 1):
        i = index
        # A few neighbours are enough to decide, so the walk is short even on hostile input.
        for _ in range(2):
            j = i + step
            if not 0 <= j < len(ordered):
                break
            a, b = (ordered[i], ordered[j]) if step == 1 else (ordered[j], ordered[i])
            gap = text[a[1] : b[0]].strip()
            if "\x00" in gap or (
                gap not in _CONNECTORS and not _LIST_WORDS.issuperset(gap.split())
            ):
                break
            run += 1
            i = j
        if step == -1:
            first = i
    if run >= 3:
        return True
    if run == 2:
        start = ordered[first][0]
        before = text[max(0, start - 24) : start].split()
        return bool(before) and (before[-1] in _LIST_INTRO or " ".join(before[-2:]) in _LIST_INTRO)
    return False


def judge(
    entry: Entry,
    actors: Iterable[ActorHit],
    rules: CompiledRules,
    mode: RelevanceMode = "default",
    *,
    prepared: Prepared | None = None,
    hits: Sequence[Hit[tuple[Any, ...]]] | None = None,
    scored: Sequence[ActorScore] | None = None,
) -> Verdict:
    """Score one item and decide whether it is about Libya.

    Args:
        entry: the parsed item (title, summary, content, language, kind).
        actors: actors the gazetteer found, as (id, name, field, signal).
        rules: `compile_rules(...)` output.
        mode: the feed's relevance mode.
        prepared: the item already folded by `briefing.intelligence.matching.prepare` (saves a second fold).
        hits: the shared automaton's hits on `prepared` (saves a second scan).
        scored: `actor_score` of each actor, when the caller has them (`actors` is then unused).

    Returns:
        The verdict with its score and one Reason per (term or actor, field).
    """
    item = prepared if prepared is not None else prepare(entry_fields(entry))
    if hits is None:
        hits = rules.matcher.find(item.lowered, rules.channel) if item.bounds else []
    if scored is None:
        scored = [actor_score(actor, rules) for actor in actors]
    return judge_scored(entry, rules, mode, item, hits, scored)


def judge_scored(
    entry: Entry,
    rules: CompiledRules,
    mode: RelevanceMode,
    item: Prepared,
    hits: Sequence[Hit[tuple[Any, ...]]],
    scored: Sequence[ActorScore],
    alone: Sequence[ActorScore] | None = None,
) -> Verdict:
    """`judge` for a caller that has everything already (the Tagger): positional.

    `alone`: the same actor scores with lone collision-prone names discounted (`lone_score`);
    used in a `default` or `strict` feed unless a Libya term in the item backs them.
    """
    if not hits and not scored:
        return _verdict({}, entry, rules, mode)  # nothing matched (most world news)
    # (term, field) -> (weighted score, note); Reason objects are built once at the end.
    found: dict[tuple[str, str], tuple[float, str]]
    boosts: dict[tuple[str, str], float]
    found, boosts = _score_terms(hits, item, entry, rules) if hits else ({}, {})
    if alone is not None and mode != "all" and entry.kind != "article":
        if not _backed_by_terms(found, rules):
            scored = alone
    for score in scored:
        if score is not None and score[0] not in found:
            found[score[0]] = score[1]
    if boosts:
        _add_boosts(boosts, rules, found)
    return _verdict(found, entry, rules, mode)


_UNSCORED: ActorScore = (("", ""), (0.0, ""))
"""Marks an actor hit not scored yet (compared by identity)."""


ALONE = "alone: not enough in a general feed"
"""The note on a lone collision-prone name's reason ("Tripoli alone: not enough…")."""


def _backed_by_terms(
    found: Mapping[tuple[str, str], tuple[float, str]], rules: CompiledRules
) -> bool:
    """True when a Libya term of weight 2 or more (not in a list of countries) is in the item."""
    factors = rules.field_weights
    for (_, where), (score, note) in found.items():
        if note == "term" and score >= 2 * factors.get(where, 1.0) - 1e-9:
            return True
    return False


def lone_score(actor: ActorHit, rules: CompiledRules) -> ActorScore:
    """What a lone collision-prone name adds in a general feed: its score × `alone_factor`,
    with a note that says so."""
    score = actor_score(actor, rules)
    if score is None:
        return None
    (name, where), (weight, _) = score
    return ((name, where), (round(weight * rules.alone_factor, 3), ALONE))


def actor_score(actor: ActorHit, rules: CompiledRules) -> ActorScore:
    """What one actor found in one field adds to the score (None: nothing)."""
    score = rules.actor_scores.get(actor, _UNSCORED)
    return _actor_score(actor, rules) if score is _UNSCORED else score


def _actor_score(actor: ActorHit, rules: CompiledRules) -> ActorScore:
    """What one actor hit adds to the score (remembered in `rules.actor_scores`)."""
    actor_id, name, where, signal = actor
    weight = rules.actor_weights.get(actor_id, signal)
    score: ActorScore = None
    if weight:
        score = ((name, where), (round(weight * rules.field_weights.get(where, 1.0), 3), "actor"))
    if len(rules.actor_scores) < _REASONS_CAP:
        rules.actor_scores[actor] = score
    return score


def _score_terms(
    hits: Sequence[Hit[tuple[Term, ...]]], item: Prepared, entry: Entry, rules: CompiledRules
) -> tuple[dict[tuple[str, str], tuple[float, str]], dict[tuple[str, str], float]]:
    """The weighted terms and the boosters among `hits`, both by (term, field)."""
    found: dict[tuple[str, str], tuple[float, str]] = {}
    boosts: dict[tuple[str, str], float] = {}
    kept = longest(hits)[0] if len(hits) > 1 else list(hits)
    factors = rules.field_weights
    places: list[Hit[tuple[Term, ...]]] | None = None
    place_index: dict[int, int] = {}
    field_of = item.field_of
    # Most hits are in the first field, and most items have two fields: no call. (No field at
    # all: field_of says "".)
    first_end, first_field = item.bounds[0] if item.bounds else (0, "")
    later = item.bounds[-1][1] if 0 < len(item.bounds) <= 2 else None
    lang: str | None = None
    # A list needs other country names: without any, no Libya name can be in one. Asked only
    # when a Libya name is found.
    has_country: bool | None = None
    past_at = -1_000  # where the last past marker ("former", "once") starts
    for hit in kept:
        start, _, _, payload = hit
        where = first_field if start < first_end else later or field_of(start)
        term = payload[0]
        code = term[0]
        if code != "T" and len(payload) > 1:
            for other in payload:
                if other[0] == "T":
                    term = other
                    code = "T"
                    break
        if code == "U":
            boosts[(term[1], where)] = factors.get(where, 1.0)
            continue
        if code != "T":
            if code == "P":
                past_at = start
            continue
        _, text, weight, language, is_name, note, scores = term
        if language:
            if lang is None:
                lang = (entry.language or "").lower()[:2]
            if lang and language.lower()[:2] != lang:
                continue
        previous = found.get((text, where))
        if previous is not None and previous[1] not in _DISCOUNTED:
            continue  # counted once per field
        score = scores.get(where)
        if is_name and weight > 0 and start - past_at <= PAST_REACH:
            if after_past_marker(item.lowered, start):
                # "former UN envoy to Libya": a person's earlier role, not the item's subject.
                if previous is not None:
                    continue
                found[(text, where)] = (
                    round(weight * rules.list_factor * factors.get(where, 1.0), 3),
                    PAST_ROLE,
                )
                continue
        if is_name and weight > 0:
            if has_country is None:
                has_country = False
                for other in kept:
                    if other[3][0][0] == "K":
                        has_country = True
                        break
            if has_country:
                if places is None:
                    places = [h for h in kept if _names_place(h[3])]
                    place_index = {id(h): n for n, h in enumerate(places)}
                if _in_list(place_index[id(hit)], places, item.lowered):
                    if previous is not None:
                        continue
                    weight *= rules.list_factor
                    note = "in a list of countries"
                    score = None
        if score is None:
            score = round(weight * factors.get(where, 1.0), 3)
        found[(text, where)] = (score, note)
    return found, boosts


PAST_ROLE = "a past role"
"""The note on a Libya name that describes someone's earlier role ("former envoy to Libya")."""
_DISCOUNTED = frozenset(["in a list of countries", PAST_ROLE])


def _names_place(payload: tuple[Term, ...]) -> bool:
    """True for a country or a Libya name: what a list of countries is made of."""
    for entry in payload:
        if entry[0] == "K" or (entry[0] == "T" and entry[4]):
            return True
    return False


def _add_boosts(
    boosts: dict[tuple[str, str], float],
    rules: CompiledRules,
    found: dict[tuple[str, str], tuple[float, str]],
) -> None:
    """Boosters add weight (up to the cap) only to an item that already scores enough."""
    core = sum([w for w, _ in found.values() if w > 0])
    if core >= rules.booster_floor:
        room = rules.booster_cap
        if len(boosts) == 1:  # the common case: no sort
            for (term, where), weight in boosts.items():
                if room > 0:
                    found[(term, where)] = (round(min(weight, room), 3), "booster")
            return
        # Heaviest first; reverse=True keeps equal weights in their order, as a stable sort does.
        for (term, where), weight in sorted(boosts.items(), key=_WEIGHT_OF, reverse=True):
            if room <= 0:
                break
            found[(term, where)] = (round(min(weight, room), 3), "booster")
            room -= weight


def _reason_order(kv: Found) -> tuple[float, int]:
    """Heaviest first (by absolute weight), then title before summary before body."""
    return -abs(kv[1][0]), _FIELD_ORDER.get(kv[0][1], 3)


# Reasons recur from item to item (the same term, field and weight), and so do whole verdicts
# (the same evidence in the same order, which also fixes the score): frozen, so shared. Zero
# weights are never shared: 0.0 and -0.0 are equal keys but print differently.
_REASONS: dict[Found, Reason] = {}
_VERDICTS: dict[tuple[Found, ...], tuple[float, list[Verdict | None]]] = {}
"""Evidence -> (its score, its verdict when not relevant and when relevant, once built)."""
_REASONS_CAP = 20_000


def _reason(found: Found) -> Reason:
    """The Reason for one piece of evidence, remembered for reuse."""
    (term, where), (weight, note) = found
    reason = Reason(term, cast(TextField, where), weight, note)
    if weight:
        if len(_REASONS) >= _REASONS_CAP:
            _REASONS.clear()
        _REASONS[found] = reason
    return reason


def _scored(evidence: tuple[Found, ...]) -> tuple[float, list[Verdict | None]]:
    """The score of some evidence, with room for its verdicts; remembered unless a weight is 0."""
    weights = [weight for _, (weight, _) in evidence]
    shared: tuple[float, list[Verdict | None]] = (round(float(sum(weights)), 2), [None, None])
    if 0.0 not in weights:
        if len(_VERDICTS) >= _REASONS_CAP:
            _VERDICTS.clear()
        _VERDICTS[evidence] = shared
    return shared


def _new_verdict(relevant: bool, evidence: tuple[Found, ...], score: float) -> Verdict:
    """The verdict for some evidence, reasons heaviest first."""
    ordered = sorted(evidence, key=_reason_order) if len(evidence) > 1 else evidence
    shared = _REASONS
    reasons = tuple([shared.get(found) or _reason(found) for found in ordered])
    return Verdict(relevant, score, reasons)


# The verdicts of items where nothing matched (most world news), by relevance.
_NOTHING = {relevant: Verdict(relevant=relevant, score=0.0) for relevant in (False, True)}


def _verdict(
    found: dict[tuple[str, str], tuple[float, str]],
    entry: Entry,
    rules: CompiledRules,
    mode: RelevanceMode,
) -> Verdict:
    if found:
        evidence = tuple(found.items())
        score, verdicts = _VERDICTS.get(evidence) or _scored(evidence)
    else:
        score = 0.0
    if entry.kind == "article" or mode == "all":
        relevant = True
    elif mode == "strict":
        relevant = score >= rules.strict_threshold
    else:
        relevant = score >= rules.threshold
    if not found:
        return _NOTHING[relevant]
    verdict = verdicts[relevant]
    if verdict is None:
        verdict = verdicts[relevant] = _new_verdict(relevant, evidence, score)
    return verdict
