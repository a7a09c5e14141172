"""Key points: the most representative sentences that mention an actor, deduplicated, cited.

Candidates are sentences mentioning the actor (by name, alias or the surface the tagger
matched in that item). Each is scored by cosine similarity between its binary TF-IDF vector and
the centroid of all candidates, boosted by how many items carry the same sentence and damped
for long sentences; a sentence carried by reports of different stories is boilerplate and comes
last. Near-duplicates (most content words shared) are merged into one point whose
coverage counts every item carrying it, and so are the other reports of a story a point already
tells (the same event in another language shares no word with it, but is not a second point).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from briefing.core.models import ActorInfo, ItemDetail
from briefing.core.text import clean_line
from briefing.reports.summarize.model import KeyPoint, citation_of, timestamp
from briefing.reports.summarize.sentences import (
    alias_pattern,
    content_words,
    fold_fast,
    sentences_of,
)

# A point needs a few content words to say something; very long "sentences" are usually
# lists or boilerplate the splitter could not cut.
MIN_TOKENS = 4
MAX_SENTENCE_CHARS = 420
# Bounds the work per item so that 10,000 items stay well under a second: the lead sentences
# of a news item carry its substance, and an actor's first mentions say what it did.
SENTENCES_PER_ITEM = 8
MAX_CANDIDATES = 12_000
"""Candidate sentences at most: items then give fewer each (10,000 items → 1 each)."""
ABSORB_LIMIT = 3_000
LONG_POINT = 22
MAX_CONTENT_CHARS = 12_000
NEAR_DUPLICATE = 0.6
"""Jaccard similarity of content words at or above which two sentences are the same point."""


@dataclass
class _Candidate:
    text: str
    """The raw sentence (cleaned only if it becomes a point)."""
    tokens: tuple[str, ...]
    item: ItemDetail
    order: tuple[int, int, int]
    """(item position, field, sentence) for stable ties."""


def _candidates(items: Sequence[ItemDetail], actor: ActorInfo | None) -> list[_Candidate]:
    base_aliases = (actor.name, *actor.aliases) if actor is not None else ()
    shared = alias_pattern(base_aliases) if actor is not None else None
    patterns: dict[frozenset[str], re.Pattern[str] | None] = {}
    # Fewer sentences per item as the corpus grows keeps the work bounded (see MAX_CANDIDATES).
    per_item = max(1, min(SENTENCES_PER_ITEM, MAX_CANDIDATES // max(1, len(items))))
    out: list[_Candidate] = []
    for position, d in enumerate(items):
        pattern = shared
        if actor is not None:
            surfaces = frozenset(
                s for m in d.mentions if m.actor_id == actor.id for s in m.surfaces
            ).difference(base_aliases)
            if surfaces:
                if surfaces not in patterns:
                    patterns[surfaces] = alias_pattern((*base_aliases, *surfaces))
                pattern = patterns[surfaces]
        kept = 0
        seen: set[str] = set()
        # The headline counts only when the body has no usable sentence: it mostly restates
        # the lead sentence, and headlines are rarely complete sentences.
        fields = (d.summary, d.content[:MAX_CONTENT_CHARS], d.row.title)
        for field_no, field_text in enumerate(fields):
            if not field_text or kept >= per_item or (field_no == 2 and kept):
                continue
            sentences = (field_text,) if field_no == 2 else sentences_of(field_text)
            for sentence_no, raw in enumerate(sentences):
                # A sentence carrying a URL is a pointer, not a point (and a slug in the URL
                # would count as a mention).
                if len(raw) > MAX_SENTENCE_CHARS or raw in seen or "://" in raw:
                    continue
                seen.add(raw)
                folded = fold_fast(raw)
                if pattern is not None and pattern.search(folded) is None:
                    continue
                tokens = content_words(folded)
                if len(tokens) < MIN_TOKENS:
                    continue
                out.append(_Candidate(raw, tokens, d, (position, field_no, sentence_no)))
                kept += 1
                if kept >= per_item:
                    break
    return out


@dataclass
class _Group:
    members: list[_Candidate]
    terms: tuple[str, ...]
    """Distinct content words in sentence order (a fixed order keeps float sums identical)."""
    tokens: frozenset[str]
    score: float = 0.0


def _stories(group: _Group) -> frozenset[int]:
    """The stories of the reports carrying the sentence (items with no story yet have none)."""
    return frozenset(m.item.row.story_id for m in group.members if m.item.row.story_id is not None)


def _boilerplate(group: _Group) -> bool:
    """Carried by reports of two or more stories."""
    return len(_stories(group)) > 1


def _retold(group: _Group, told: dict[int, _Group]) -> bool:
    """Some report carrying the sentence is another report of a story a chosen point tells (a
    second sentence of the very report the point quotes says something else, and stays)."""
    for m in group.members:
        teller = told.get(m.item.row.story_id) if m.item.row.story_id is not None else None
        if teller is not None and all(t.item.row.id != m.item.row.id for t in teller.members):
            return True
    return False


def _teller(group: _Group, told: dict[int, _Group]) -> _Group | None:
    """The chosen point this sentence retells, when all its reports are of that point's story:
    they count as the point's coverage."""
    stories = _stories(group)
    if len(stories) != 1 or not _retold(group, told):
        return None
    return told[next(iter(stories))]


def near_duplicate(a: frozenset[str], b: frozenset[str]) -> bool:
    """Two sentences make one point: most content words shared, or one nearly inside the other."""
    if not a or not b:
        return False
    inter = len(a & b)
    if inter / len(a | b) >= NEAR_DUPLICATE:
        return True
    return min(len(a), len(b)) >= MIN_TOKENS and inter / min(len(a), len(b)) >= 0.85


def extract_key_points(
    items: Sequence[ItemDetail], *, actor: ActorInfo | None, max_points: int = 8
) -> tuple[KeyPoint, ...]:
    """The most representative sentences mentioning `actor` (any sentence when None), cited.

    Items are expected in a stable order (the brief sorts them by date, then id).
    """
    if max_points <= 0:
        return ()
    candidates = _candidates(items, actor)
    if not candidates:
        return ()
    # Exact duplicates (same content words in the same order) are one point carried by many.
    groups: dict[tuple[str, ...], _Group] = {}
    for c in candidates:
        group = groups.get(c.tokens)
        if group is None:
            terms = tuple(dict.fromkeys(c.tokens))
            groups[c.tokens] = _Group([c], terms, frozenset(terms))
        else:
            group.members.append(c)
    # Document frequency over all candidate sentences: words many items repeat weigh more in
    # the centroid, which is what makes a sentence representative.
    df: Counter[str] = Counter()
    for group in groups.values():
        for t in group.terms:
            df[t] += len(group.members)
    n = len(candidates)
    idf2 = {t: (math.log((1 + n) / (1 + k)) + 1.0) ** 2 for t, k in df.items()}
    # Binary TF-IDF: sentence vector v(t) = idf(t); centroid C(t) = idf(t) * df(t), so the
    # cosine is sum(idf² df) / (|v| |C|).
    weight = {t: idf2[t] * k for t, k in df.items()}
    norm_c = math.sqrt(sum(idf2[t] * k * k for t, k in sorted(df.items())))
    for group in groups.values():
        dot = sum([weight[t] for t in group.terms])
        norm_v = math.sqrt(sum([idf2[t] for t in group.terms]))
        cosine = dot / (norm_v * norm_c) if norm_v and norm_c else 0.0
        carriers = len({m.item.row.id for m in group.members}) if len(group.members) > 1 else 1
        # Long sentences overlap the centroid by sheer size; past LONG_POINT content words a
        # point pays for its length, so the brief stays readable.
        brevity = min(1.0, LONG_POINT / len(group.terms)) ** 0.5 if group.terms else 1.0
        group.score = round(cosine * brevity * (1.0 + 0.25 * math.log(carriers)), 9)
    # A sentence carried word for word by reports of different stories is boilerplate (an
    # outlet's standing background line, "critics said such trips deepen foreign involvement"),
    # not what happened: it ranks after every sentence that belongs to one story. Reports of one
    # story repeating a sentence are wire copy, which the carriers boost above rewards.
    ranked = sorted(groups.values(), key=lambda g: (_boilerplate(g), -g.score, g.members[0].order))
    chosen: list[_Group] = []
    # One point per story: its best sentence. Another report of the story (an outlet's rewrite,
    # the Arabic or French version) tells the same event and counts as that point's coverage.
    told: dict[int, _Group] = {}
    for group in ranked:
        # Another report of a told story (a sentence also carried by other stories is
        # boilerplate there, ranked last anyway) is not a point of its own.
        if _retold(group, told):
            continue
        if any(near_duplicate(group.tokens, kept.tokens) for kept in chosen):
            continue
        chosen.append(group)
        stories = _stories(group)
        if len(stories) == 1:
            told.setdefault(next(iter(stories)), group)
        if len(chosen) >= max_points:
            break
    # Fold near-duplicates into the point they repeat, to count coverage. They share most
    # words with it, so they rank close to it: looking at the top ABSORB_LIMIT is enough. The
    # story's other reports are folded whatever their rank.
    absorbed: dict[int, list[_Candidate]] = {id(g): list(g.members) for g in chosen}
    chosen_ids = set(absorbed)
    for rank, group in enumerate(ranked):
        if id(group) in chosen_ids:
            continue
        teller = _teller(group, told)
        if teller is not None:
            absorbed[id(teller)].extend(group.members)
            continue
        if rank >= ABSORB_LIMIT:
            continue
        for kept in chosen:
            if near_duplicate(group.tokens, kept.tokens):
                absorbed[id(kept)].extend(group.members)
                break
    top = max((g.score for g in chosen), default=0.0) or 1.0
    points: list[KeyPoint] = []
    for group in chosen:
        carrier_items: dict[int, ItemDetail] = {}
        for m in absorbed[id(group)]:
            carrier_items.setdefault(m.item.row.id, m.item)
        ordered = sorted(carrier_items.values(), key=lambda d: (timestamp(d), d.row.id))
        # Cite the sentence as the first item carrying its exact wording put it.
        first = min(group.members, key=lambda m: (timestamp(m.item), m.item.row.id, m.order))
        others = [d for d in ordered if d.row.id != first.item.row.id]
        points.append(
            KeyPoint(
                text=clean_line(first.text, MAX_SENTENCE_CHARS),
                score=round(group.score / top, 4),
                citation=citation_of(first.item),
                coverage=len(carrier_items),
                also=tuple(citation_of(d) for d in others[:5]),
            )
        )
    return tuple(points)
