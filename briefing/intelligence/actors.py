"""The actor matcher: who is named in an item.

`ActorMatcher` compiles the gazetteer (`briefing.intelligence.gazetteer`) and finds every actor
in one pass of one Aho-Corasick automaton over folded text (see
`briefing.intelligence.matching`), then applies the rules that make a match trustworthy, one
pass per rule over the item's candidates:

* the longest match wins (Saddam Haftar is not Khalifa Haftar), but a place or state named
  inside a longer name still counts (the Tobruk-based parliament → HoR and Tobruk);
* a bare surname resolves only when the item names no other member of the family in full;
* weak aliases (colliding acronyms: GNA, NOC, GNU…) need the item to be about Libya otherwise;
* `unless_near` / `unless` words cancel a mention (Tripoli, Lebanon; Benghazi + Clinton);
* a state (or a place that acts) named only as a location ("talks in Cairo", "bound for
  Italy", "the Chad border") scores for relevance but is not reported as an actor;
* a role phrase ("the UN envoy") resolves to whoever held the role on the item's date.

Pure: no I/O.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from datetime import date, datetime
from operator import itemgetter
from typing import Any, Final, NamedTuple, cast

from briefing.core.models import ActorMention, TextField
from briefing.intelligence.gazetteer import Actor, Gazetteer, Role
from briefing.intelligence.matching import (
    PAST_MARKERS,
    Hit,
    PhraseMatcher,
    Prepared,
    after_past_marker,
    fold_cased,
    fold_with_offsets,
    is_arabic,
    longest,
    phrase_key,
    prepare,
    variants,
)

_NEAR_WINDOW = 48
"""How far (in folded characters, about eight words) an `unless_near` word reaches."""
_ROLE_WINDOW = 24
"""The same for role phrases, whose qualifier sits right next to them ("UN envoy for Syria")."""
# Words that, right after a bare surname ("Haftar's son"), mean the family's head is meant.
_KIN = frozenset(
    "son sons daughter daughters brother brothers sister cousin cousins wife family clan father nephew heir".split()
)
_KIN_NAMES = ("son", "daughter", "brother", "sister", "cousin", "nephew", "wife")
_INDEFINITE = frozenset("a an former ex another un une ancien ancienne previous late".split())
_KIN_AR = ("نجل", "ابن", "أبناء", "ابناء", "نجلي", "عائلة")
_CACHE_CAP = 20_000
"""Entries kept by each of the small caches below (mentions, blocker splits)."""

# Navy and merchant ship prefixes: "HMAS Tobruk", "USS Tripoli" are ships, not the places.
_SHIP_PREFIXES = frozenset("HMAS HMS HMCS HMNZS USS USNS INS TCG MV ROKS NRP RFS".split())
_SHIP_NOUN = (" ship ", "warship ")
"""…or a ship's name after the word: "the navy ship Tobruk", "the warship Tripoli" (not
"leadership", "membership")."""


# Payload entries (tuples, cheap to build and compare):
#   ("A", actor_id, weak, is_person)   an alias      ("S", family)   a bare surname
#   ("R", role_id)          a role phrase ("C",)          a Libya context word
#   ("I",)                  an ignored phrase             ("B", folded word)   a blocker word
#   ("X", "US", entry)      a case-sensitive acronym: `entry` counts only if the text has that case
Entry = tuple[Any, ...]


def _case_sensitive(alias: str) -> bool:
    """Short all-capital acronyms (UN, US, AU, HoR, OPEC+) must keep their case."""
    letters = re.sub(r"[^A-Za-z]", "", alias)
    if " " in alias.strip() or not 2 <= len(letters) <= 5:
        return False
    return sum(ch.isupper() for ch in letters) >= 2 and re.search(r"[a-z]{2}", alias) is None


Candidate = tuple[str, int, str, bool, str, str]
"""One actor an item names, found by one phrase: (actor id, position, field, weak, how, key).

The position is where the phrase starts in the folded item; the field is the one it is in
(title, summary, content); weak says a weak alias found it (a colliding acronym: kept only if
the item is about Libya); how is alias, surname, role or implied (named through another
actor); the key is the matched phrase with its padding spaces ("" for an implied actor). The
passes of `ActorMatcher._resolve` add, drop and re-mark candidates; the summary counts them.

A plain tuple read through the index names below, not a named tuple: a tuple subclass loses
CPython's fast paths for exact tuples (indexing, `itemgetter`), about 3 % of the tagging time.
"""
_C_ID: Final = 0
_C_POS: Final = 1
_C_FIELD: Final = 2
_C_WEAK: Final = 3
_C_HOW: Final = 4
_C_KEY: Final = 5
_Phrase = tuple[Hit[tuple[Entry, ...]], str]
"""A bare surname with its family, or a role phrase with its role id."""
_Reading = tuple[
    list[Candidate], list[_Phrase], list[_Phrase], bool, bool, list[tuple[Hit[Any], Entry]]
]
"""What the first pass reads: candidates, surnames, roles, whether there is a Libya context
word and a weak alias, and the rarer hits (confirming words, history words, officer titles,
past markers) with their entries."""
_NearTest = Callable[[str, int], bool]
"""Whether an `unless_near` word cancels an actor (or "role:" id) at a position."""


class ActorResult(NamedTuple):
    """The actors of one item: mentions for the store, and (actor, field) pairs for relevance.

    A named tuple rather than a frozen dataclass: one is built per item, and this is cheaper.
    """

    mentions: tuple[ActorMention, ...]
    """Actors proper: everything but the places that are only locations."""
    hits: tuple[tuple[str, TextField], ...]
    places: tuple[ActorMention, ...] = ()
    """Places that are only locations (kind `place` without `acts: true`)."""
    alone: frozenset[str] = frozenset()
    """Actors (and places) named only by a collision-prone name that nothing in the item
    corroborates: in a general feed they are not enough to make the item relevant."""

    def without(
        self, ids: AbstractSet[str]
    ) -> tuple[tuple[ActorMention, ...], tuple[ActorMention, ...]]:
        """The mentions and the places, less the actors `ids`."""
        return (
            tuple(m for m in self.mentions if m.actor_id not in ids),
            tuple(m for m in self.places if m.actor_id not in ids),
        )

    @property
    def everything(self) -> tuple[ActorMention, ...]:
        """Actors and places together."""
        return self.mentions + self.places if self.places else self.mentions


class ActorMatcher:
    """All gazetteer phrases compiled into one automaton (shared with the relevance terms when the
    Tagger passes its own), with the resolution rules applied to each item's hits."""

    def __init__(
        self,
        gazetteer: Gazetteer,
        matcher: PhraseMatcher[Any] | None = None,
        channel: int = 0,
        blocker_channel: int = 1,
    ) -> None:
        """Compile the gazetteer; into `matcher` when given (the caller builds it): phrases on
        `channel`, the words that cancel a mention (`unless_near`, `unless`) on
        `blocker_channel`."""
        self.gazetteer = gazetteer
        self._own = matcher is None
        if matcher is None:
            matcher = PhraseMatcher(channels=max(channel, blocker_channel) + 1)
        self._ci: PhraseMatcher[Any] = matcher
        self._channel = channel
        self._blocker_channel = blocker_channel
        self._family_default: dict[str, str] = {}
        self._family: dict[str, str] = {}
        self._near: dict[str, frozenset[str]] = {}
        self._unless: dict[str, frozenset[str]] = {}
        self._signal = {a.id: a.signal for a in gazetteer.actors.values()}
        self._names = {a.id: a.name for a in gazetteer.actors.values()}
        self._mentions: dict[tuple[str, int, tuple[str, ...]], ActorMention] = {}
        self._summaries: dict[tuple[Any, ...], ActorResult] = {}
        self._role_holders: dict[str, list[tuple[str, Role]]] = {}
        # actor id -> actors it always implies / (role, actors implied while it holds the role)
        self._implies: dict[str, tuple[str, ...]] = {}
        self._role_implies: dict[str, list[tuple[Role, tuple[str, ...]]]] = {}
        for actor in gazetteer.actors.values():
            if actor.implies:
                self._implies[actor.id] = actor.implies
            for role in actor.roles:
                self._role_holders.setdefault(role.role, []).append((actor.id, role))
                spec = gazetteer.roles.get(role.role)
                if spec is not None and spec.implies:
                    self._role_implies.setdefault(actor.id, []).append((role, spec.implies))
        self._implying = frozenset((*self._implies, *self._role_implies))
        self._states = frozenset(a.id for a in gazetteer.actors.values() if a.kind == "state")
        self._locate = _Locator(gazetteer)
        # States and acting places: a mention of one may be only a location.
        self._locatable = self._states | self._locate.actors
        self.place_ids: frozenset[str] = frozenset(
            a.id for a in gazetteer.actors.values() if not a.is_actor
        )
        """Places that are only locations: the Tagger reports them apart from the actors."""
        blockers: set[str] = set()
        for term in gazetteer.context_terms:
            self._ci.add(term, ("C",), channel=self._channel)
        # Collision-prone names: actor id -> its colliding keys (None: all of its names).
        self._colliding: dict[str, frozenset[str] | None] = {}
        self._places = frozenset(a.id for a in gazetteer.actors.values() if a.kind == "place")
        self._institutions = frozenset(
            a.id for a in gazetteer.actors.values() if a.kind in _INSTITUTIONS and a.signal >= 2
        )
        self._held_roles = {a.id: a.roles for a in gazetteer.actors.values() if a.roles}
        for actor in gazetteer.actors.values():
            if actor.collides_all:
                self._colliding[actor.id] = None
            elif actor.collides:
                self._colliding[actor.id] = frozenset(
                    key for name in actor.collides for key in variants(phrase_key(name))
                )
            for word in actor.confirm:
                self._ci.add(word, ("F", actor.id), channel=self._channel)
        self._colliding_ids = frozenset(self._colliding)
        # People whose every name collides but who hold a role (the UN envoys): named on a
        # date when they hold it, they are that role's holder.
        self._roles_collide = frozenset(
            a.id for a in gazetteer.actors.values() if a.collides_all and a.roles
        )
        for term in gazetteer.history_terms:
            self._ci.add(term, ("H",), channel=self._channel)
        # Officer titles are looked for next to a weak acronym only (rare), not by the scan:
        # "head", "spokesperson" are common words.
        # (The words of the titles: "deputy governor" ends in "governor".)
        self._officer_words = frozenset(
            word for title in gazetteer.officer_titles for word in phrase_key(title).split()
        )
        for term in PAST_MARKERS:
            self._ci.add(term, ("P",), channel=self._channel)
        for term in gazetteer.ignore:
            self._ci.add(term, ("I",), channel=self._channel)
        families: dict[str, list[Actor]] = {}
        respell: list[tuple[str, Entry]] = []  # aliases whose other spellings are added last
        for actor in gazetteer.actors.values():
            family = actor.family or actor.id
            families.setdefault(family, []).append(actor)
        for actor in gazetteer.actors.values():
            family = actor.family or actor.id
            self._family[actor.id] = family
            if actor.surnames:
                self._family_default.setdefault(family, actor.id)
            if len(families[family]) > 1 and not actor.surnames and actor.kind == "person":
                # "Haftar's son Saddam", "Gaddafi's daughter Aisha": a kinship word and the
                # member's given name name that member (the surname before it names the head).
                given = actor.name.split()[0]
                for kin in _KIN_NAMES:
                    self._add_alias(f"{kin} {given}", ("A", actor.id, True, True))
            person = actor.kind == "person"
            respelled = actor.signal > 0 and actor.kind in _RESPELLED
            for alias in actor.aliases:
                self._add_alias(alias, ("A", actor.id, False, person))
                if respelled:
                    respell.append((alias, ("A", actor.id, False, person)))
            for alias in actor.weak:
                self._add_alias(alias, ("A", actor.id, True, person))
            for surname in actor.surnames:
                self._add_alias(surname, ("S", family))
            self._near[actor.id] = frozenset(phrase_key(t).strip() for t in actor.unless_near)
            self._unless[actor.id] = frozenset(phrase_key(t).strip() for t in actor.unless)
            blockers |= self._near[actor.id] | self._unless[actor.id]
        for spec in gazetteer.roles.values():
            for phrase in spec.phrases:
                self._add_alias(phrase, ("R", spec.id))
            self._near["role:" + spec.id] = frozenset(
                phrase_key(t).strip() for t in spec.unless_near
            )
            blockers |= self._near["role:" + spec.id]
        # (After every name: a spelling that is already some name is that name.)
        for alias, entry in respell:
            self._add_spellings(alias, entry)
        for word in blockers:
            if word:
                self._ci.add(f" {word} ", ("B", word), folded=True, channel=self._channel)
        # Blocker words are found by the same scan but reported apart, so that the phrases
        # need no splitting (they are added as phrases: a key keeps the same entries).
        self._ci.route(self._channel, self._blocker_channel, _is_blocker)
        # Which actors (and "role:" keys) each blocker word can cancel: an item's words give
        # the few candidates worth a closer look.
        self._near_by_word = _index_by_word(self._near)
        self._unless_by_word = _index_by_word(self._unless)
        # Keys whose hits need the case check: most hits do not.
        self._case_keys = self._ci.keys_where(self._channel, lambda e: e[0] == "X")
        # Keys that may be an ignored phrase, or a person's name (a case-checked acronym may
        # turn out to be one): their entries are looked at only then.
        self._ignore_keys = self._ci.keys_where(self._channel, lambda e: e[0] == "I")
        self._person_keys = self._case_keys | self._ci.keys_where(
            self._channel, lambda e: e[0] == "A" and bool(e[3])
        )
        # Weak acronyms of Libyan institutions, which an officer title next to them confirms.
        self._officer_keys = frozenset(
            key
            for key in self._case_keys
            if any(
                e[0] == "X" and e[2][0] == "A" and e[2][2] and e[2][1] in self._institutions
                for e in self._ci.payloads(key, self._channel)
            )
        )
        if self._own:
            self._ci.build()

    def _add_spellings(self, alias: str, entry: Entry) -> None:
        """The alias as other languages spell it (`spellings`: Ansar al-Charia), unless that
        spelling is already a name of anything in the gazetteer."""
        if _case_sensitive(alias) or not alias.isascii():
            return
        key = phrase_key(alias)
        for old, new in self.gazetteer.spellings:
            if old in key:
                other = key.replace(old, new)
                if not self._ci.payloads(other, self._channel):
                    self._ci.add(other, entry, folded=True, channel=self._channel)

    def _add_alias(self, alias: str, entry: Entry) -> None:
        if _case_sensitive(alias):
            # Same automaton, lower-cased key; the hit is kept only if the original text has
            # the acronym's exact case ("US", not "us"). One scan per item instead of two.
            cased = fold_cased(alias)
            self._ci.add(
                cased.lower(),
                ("X", cased.strip(), entry),
                folded=True,
                arabic_prefixes=False,
                channel=self._channel,
            )
        else:
            self._ci.add(alias, entry, channel=self._channel)

    # -- one item ---------------------------------------------------------------------------

    def match(
        self,
        fields: Sequence[tuple[TextField, str]] | Prepared,
        when: date | datetime | None = None,
        *,
        hits: Sequence[Hit[tuple[Any, ...]]] | None = None,
        blocker_hits: Sequence[Hit[tuple[Any, ...]]] = (),
    ) -> ActorResult:
        """Find the actors of one item from its (field, text) pairs, or an already `prepare`d item.

        `hits` and `blocker_hits` are the shared matcher's hits on the prepared item on the
        phrase and blocker channels, when the caller scanned it.
        """
        item = fields if isinstance(fields, Prepared) else prepare(fields)
        if not item.bounds:
            return _EMPTY
        found: list[Hit[tuple[Entry, ...]]]
        if hits is None:
            found, blocker_hits = self._ci.find_in(
                item.lowered, (self._channel, self._blocker_channel)
            )
        else:
            found = hits if isinstance(hits, list) else list(hits)  # read, never changed

        return self.resolve(item, when, found, blocker_hits)

    def resolve(
        self,
        item: Prepared,
        when: date | datetime | None,
        found: list[Hit[tuple[Entry, ...]]],
        blocker_hits: Sequence[Hit[tuple[Any, ...]]],
    ) -> ActorResult:
        """`match` on a prepared, non-empty item with the shared scan's hits (the Tagger)."""
        if not found:
            return _EMPTY
        # Most items have no case-sensitive acronym: one C-level test.
        if not self._case_keys.isdisjoint(map(_KEY, found)):
            found = self._check_case(found, item)
        return self._resolve(found, item, when, blocker_hits)

    def _check_case(
        self, hits: list[Hit[tuple[Entry, ...]]], item: Prepared
    ) -> list[Hit[tuple[Entry, ...]]]:
        out: list[Hit[tuple[Entry, ...]]] = []
        aligned = len(item.lowered) == len(item.cased)
        shouting: dict[str, bool] = {}
        case_keys = self._case_keys
        for hit in hits:
            start, end, key, payload = hit
            if key not in case_keys:
                out.append(hit)
                continue
            surface = item.cased[start:end] if aligned else ""
            if len(payload) == 1 and payload[0][0] == "X":
                # The common case, a lone acronym: kept (unwrapped) or dropped.
                entry = payload[0]
                if surface != entry[1]:
                    continue
                if len(surface) <= 2:
                    where = item.field_of(start)
                    if where not in shouting:
                        shouting[where] = _shouting(item, start)
                    if shouting[where]:
                        continue
                out.append((start, end, key, (entry[2],)))
                continue
            if not _has_code(payload, "X"):
                out.append(hit)
                continue
            keep: list[Entry] = [e for e in payload if e[0] != "X"]
            for entry in payload:
                if entry[0] != "X" or surface != entry[1]:
                    continue
                if len(surface) <= 2:
                    # In an all-capitals headline "US" may just be "us".
                    where = item.field_of(start)
                    if where not in shouting:
                        shouting[where] = _shouting(item, start)
                    if shouting[where]:
                        continue
                keep.append(entry[2])
            if keep:
                out.append((start, end, key, tuple(keep)))
        return out

    def _resolve(
        self,
        hits: list[Hit[tuple[Entry, ...]]],
        item: Prepared,
        when: date | datetime | None,
        blocker_hits: Sequence[Hit[tuple[Entry, ...]]] = (),
    ) -> ActorResult:
        """Apply the matching rules to an item's phrase hits and blocker word hits, one pass
        per rule; each pass reads and narrows the item's candidates."""
        if not hits:
            return _EMPTY
        kept, covered = longest(hits) if len(hits) > 1 else (hits, [])
        walk, in_person = self._still_counting(kept, covered) if covered else (kept, _NO_HITS)
        reading = self._read_hits(walk, in_person, item)
        candidates, surnames, roles, context, weak, extras = reading
        confirmed: AbstractSet[str] = _NO_IDS
        history = past = False
        if extras:
            confirmed, history, past = _read_extras(extras)
        if weak and not self._officer_keys.isdisjoint(map(_KEY_OF, candidates)):
            candidates = self._name_officers(candidates, item.lowered)
        # Words that cancel a mention nearby (`unless_near`) or anywhere (`unless`): half of
        # the items have none, and skip these calls.
        present: AbstractSet[str] = _NO_WORDS
        nearby: AbstractSet[str] = _NO_WORDS
        near: _NearTest = _never_near
        if blocker_hits:
            blockers, present = _blocker_words(blocker_hits)
            nearby, near = self._cancellers(blockers, present, confirmed)
            if nearby and not nearby.isdisjoint(map(_ID_OF, candidates)):
                candidates = [c for c in candidates if not near(c[_C_ID], c[_C_POS])]
        if surnames:
            self._add_surnames(candidates, surnames, item, near)
        if present:
            candidates = self._drop_unless(candidates, present, context, confirmed)
        if roles and weak:
            candidates = self._corroborate_by_role(candidates, roles)
        alone = _NO_IDS
        # (A context word backs everything, unless it may describe someone's past role.)
        if (past or not context) and (
            history or not self._colliding_ids.isdisjoint(map(_ID_OF, candidates))
        ):
            # A role phrase not qualified away ("the UN envoy", not "UN envoy for Syria") is
            # a collision-prone signal of its own.
            standing = [
                f"role:{r}"
                for h, r in roles
                if not near(f"role:{r}", h[0]) and not after_past_marker(item.lowered, h[0])
            ]
            alone = self._uncorroborated(
                candidates,
                item.lowered,
                walk if context else [],
                confirmed,
                history,
                when,
                standing,
            )
        libya = context or _has_strong(candidates, self._signal, alone)
        if not libya and weak:
            candidates = [c for c in candidates if not c[_C_WEAK]]
        day: date | None = None
        former: AbstractSet[str] = _NO_ROLES
        if roles:
            day = _day(when)
            former = self._add_role_holders(candidates, roles, item, day, libya, near)
        if not candidates:
            return _EMPTY
        if roles or not self._implying.isdisjoint(map(_ID_OF, candidates)):
            if not roles:
                day = _day(when)
            alone = self._add_implied(candidates, day, former, alone)
        return self._summarise(candidates, libya, alone)

    def _name_officers(self, candidates: list[Candidate], text: str) -> list[Candidate]:
        """A weak acronym of a Libyan institution right next to an officer title ("NOC
        chairman", "chairman of the NOC") names that institution's officer: no longer weak.
        (Only an acronym: "central bank governor" may be any country's.)"""
        institutions, acronyms = self._institutions, self._officer_keys
        out: list[Candidate] = []
        for c in candidates:
            if c[_C_WEAK] and c[_C_ID] in institutions and c[_C_KEY] in acronyms:
                if self._officer_next_to(text, c[_C_POS], c[_C_POS] + len(c[_C_KEY]) - 2):
                    c = (c[_C_ID], c[_C_POS], c[_C_FIELD], False, c[_C_HOW], c[_C_KEY])
            out.append(c)
        return out

    def _officer_next_to(self, text: str, start: int, end: int) -> bool:
        """True when an officer title is one of the two words after the name ("NOC chairman",
        "NOC's chairman") or the three before it ("chairman of the NOC")."""
        titles = self._officer_words
        after = text[end : end + _OFFICER_GAP + 12].split()[:2]
        before = text[max(0, start - _OFFICER_GAP - 12) : start].split()[-3:]
        return not titles.isdisjoint(after) or not titles.isdisjoint(before)

    def _uncorroborated(
        self,
        candidates: list[Candidate],
        text: str,
        hits: list[Hit[tuple[Entry, ...]]],
        confirmed: AbstractSet[str],
        history: bool,
        when: date | datetime | None,
        roles: list[str],
    ) -> frozenset[str]:
        """The actors named only by collision-prone names that nothing else in the item backs.

        A colliding name (or, in an item with a history word, any place) is backed by a sure
        Libya actor, by one of its own `confirm` words, by a role its actor held on the item's
        date, or by a second, different collision-prone name, weak alias or role phrase
        (Tripoli and the GNA; not in a history item), or by a Libya context word. A person
        whose every name collides is backed by holding a Libya role on the item's date. A context
        word or an actor that describes someone's earlier role ("who once headed the UN mission
        in Libya") backs nothing.
        """
        for hit in hits:  # (the item's hits when it has a context word)
            if _has_code(hit[3], "C") and not after_past_marker(text, hit[0]):
                return _NO_IDS
        colliding, signal, places = self._colliding, self._signal, self._places
        doubtful: set[str] = set()
        # Colliding names, weak aliases, role phrases and actors with some Libya link back each
        # other.
        others: set[str] = set(roles)
        for c in candidates:
            actor_id = c[_C_ID]
            keys = colliding.get(actor_id, _NOT_COLLIDING)
            if keys is None or (keys is not _NOT_COLLIDING and c[_C_KEY] in keys):
                doubtful.add(actor_id)
                others.add(actor_id)
            elif history and actor_id in places:
                doubtful.add(actor_id)
            elif c[_C_WEAK] or 0 < signal[actor_id] < 2:
                others.add(actor_id)  # (an actor with some Libya link: Wagner, Eni)
            elif signal[actor_id] >= 2:
                if not after_past_marker(text, c[_C_POS]):
                    return _NO_IDS  # a sure Libya actor backs them all
                doubtful.add(actor_id)  # "who once led the UN mission in Libya"
        if not doubtful:
            return _NO_IDS
        if not history and (len(others) >= 2 or not doubtful.isdisjoint(confirmed)):
            return _NO_IDS  # (in a history item, "the oasis" is the past one too)
        day = _day(when)
        for actor_id in doubtful & self._roles_collide:
            if any(role.holds(day) for role in self._held_roles[actor_id]):
                return _NO_IDS  # the UN envoy of the day, named by name
        return frozenset(doubtful)

    def _still_counting(
        self, kept: list[Hit[tuple[Entry, ...]]], covered: list[Hit[tuple[Entry, ...]]]
    ) -> tuple[list[Hit[tuple[Entry, ...]]], set[int]]:
        """The kept hits followed by the covered ones that still count, and the `id`s of those
        that a person's name contains.

        A place or state named inside a longer name still counts (Tobruk-based parliament);
        parts of a person's name do not (Saddam Haftar is not Haftar), and nothing inside an
        ignored phrase does.
        """
        walk = kept.copy()
        in_person: set[int] = set()
        # Kept hits never overlap and come in start order: the only one that can contain a
        # covered hit is the last one starting at or before it.
        starts = list(map(_START, kept))
        ignored, personal = self._ignore_keys, self._person_keys
        for hit in covered:
            index = bisect_right(starts, hit[0]) - 1
            if index < 0 or kept[index][1] < hit[1]:
                continue
            # (The key sets rule most containers out without looking at their entries.)
            _, _, outer_key, outer = kept[index]
            if outer_key not in ignored or not _has_code(outer, "I"):
                walk.append(hit)
                if outer_key in personal and _names_person(outer):
                    in_person.add(id(hit))
        return walk, in_person

    def _read_hits(
        self, hits: list[Hit[tuple[Entry, ...]]], in_person: AbstractSet[int], item: Prepared
    ) -> _Reading:
        """The first pass: hits read into alias candidates, bare surnames, role phrases and
        whether a Libya context word is there. `in_person`: the `id`s of the hits that lie
        inside a person's name.

        An alias is not a mention after a ship prefix (USS Tripoli), nor a person's name inside
        another person's name; a state's name used as a location ("in Egypt", "the Chad
        border") is marked `located`.
        """
        text = item.lowered
        # Per-item prechecks (one C-level scan each) so that most hits skip the per-hit rules.
        cased = item.cased if len(item.cased) == len(text) else ""
        locatable, located = self._locatable, self._locate.located
        last_located = -1  # where the last name read as a location ends ("in Egypt and …")
        # Names read as locations: a name inside one (Emirates in "in the United Arab
        # Emirates", a covered hit read after it) is one too.
        spans: list[tuple[int, int, str]] = []
        weak = context = False
        candidates: list[Candidate] = []
        surnames: list[_Phrase] = []
        roles: list[_Phrase] = []
        extras: list[tuple[Hit[Any], Entry]] = []
        # Most hits are in the first field, and most items have two fields: no call.
        first_end, first_field = item.bounds[0]
        later = item.bounds[-1][1] if len(item.bounds) <= 2 else None
        for hit in hits:
            start = hit[0]
            for entry in hit[3]:
                code = entry[0]
                if code == "A":
                    _, actor_id, is_weak, is_person = entry
                    # A ship prefix is an all-capitals word: look closer only after a capital.
                    # (`_capital_before`, written out: this runs for every alias found.)
                    if (
                        cased
                        and start >= 2
                        and "A" <= cased[start - 2] <= "Z"
                        and _after_ship_prefix(cased, start)
                    ) or text.endswith(_SHIP_NOUN, 0, start):
                        continue
                    how = "alias"
                    if actor_id in locatable and (
                        located(text, hit, actor_id, last_located) or _inside(spans, hit, actor_id)
                    ):
                        how, last_located = "located", hit[1]
                        spans.append((start, hit[1], actor_id))
                    if is_person and in_person and id(hit) in in_person:
                        continue
                    weak = weak or is_weak
                    where = first_field if start < first_end else later or item.field_of(start)
                    candidates.append((actor_id, start, where, is_weak, how, hit[2]))
                elif code == "C":
                    context = True
                elif code == "S":
                    if not in_person or id(hit) not in in_person:
                        surnames.append((hit, entry[1]))
                elif code == "R":
                    roles.append((hit, entry[1]))
                elif code != "I":
                    extras.append((hit, entry))
        return candidates, surnames, roles, context, weak, extras

    def _cancellers(
        self,
        blockers: list[tuple[int, str]],
        present: AbstractSet[str],
        confirmed: AbstractSet[str],
    ) -> tuple[frozenset[str], _NearTest]:
        """The actors and roles a word of this item may cancel (`unless_near`), and the test
        of whether one at a position is cancelled. An actor that one of its `confirm` words
        backs is not cancelled."""
        if not present:
            return _NO_WORDS, _never_near
        near_words = self._near_by_word
        if len(present) == 1:  # the common case: that word's set itself
            (only,) = present
            nearby = near_words.get(only, _NO_WORDS)
        else:
            nearby = frozenset().union(*[near_words.get(word, _NO_WORDS) for word in present])
        if confirmed and not nearby.isdisjoint(confirmed):
            nearby = nearby - confirmed
        if not nearby:
            return _NO_WORDS, _never_near  # (no word of this item can cancel anything)
        near_rules = self._near

        def near(key: str, pos: int) -> bool:
            if key not in nearby:
                return False
            words = near_rules[key]
            # A role phrase is qualified by its immediate neighbours ("UN envoy for Syria").
            window = _ROLE_WINDOW if key.startswith("role:") else _NEAR_WINDOW
            return any(abs(bpos - pos) <= window for bpos, word in blockers if word in words)

        return nearby, near

    def _add_surnames(
        self,
        candidates: list[Candidate],
        surnames: list[_Phrase],
        item: Prepared,
        near: _NearTest,
    ) -> None:
        """Bare surnames: the family's head unless another member is named in full in the item
        (then that member; with two or more, nobody)."""
        named: dict[str, set[str]] = {}
        for c in candidates:
            named.setdefault(self._family[c[_C_ID]], set()).add(c[_C_ID])
        for hit, family in surnames:
            default = self._family_default.get(family)
            if default is None:
                continue
            members = named.get(family)
            target: str | None = default
            if members and not _kin_follows(item.lowered, hit):
                target = next(iter(members)) if len(members) == 1 else None
            start = hit[0]
            if target is not None and not near(target, start):
                where = item.field_of(start)
                candidates.append((target, start, where, False, "surname", hit[2]))

    def _drop_unless(
        self,
        candidates: list[Candidate],
        present: AbstractSet[str],
        context: bool,
        confirmed: AbstractSet[str],
    ) -> list[Candidate]:
        """Words anywhere in the item cancel an actor (`unless`), unless something else says
        "Libya": a context word, one of the actor's `confirm` words, or another strong Libya
        actor."""
        unless_words = self._unless_by_word
        if len(present) == 1:
            (only,) = present
            blocked = unless_words.get(only, _NO_WORDS).intersection(map(_ID_OF, candidates))
        else:
            blocked = (
                frozenset()
                .union(*[unless_words.get(word, _NO_WORDS) for word in present])
                .intersection(map(_ID_OF, candidates))
            )
        if confirmed:
            blocked = blocked - confirmed
        if not blocked or context:
            return candidates
        signal = self._signal
        if any(
            not c[_C_WEAK] and signal[c[_C_ID]] >= 2 for c in candidates if c[_C_ID] not in blocked
        ):
            return candidates
        return [c for c in candidates if c[_C_ID] not in blocked]

    def _corroborate_by_role(
        self, candidates: list[Candidate], roles: list[_Phrase]
    ) -> list[Candidate]:
        """A weak name backed by its own role phrase ("UN envoy … Tetteh") is no longer weak."""
        role_ids = {role_id for _, role_id in roles}
        corroborated = {
            holder for role_id in role_ids for holder, _ in self._role_holders.get(role_id, ())
        }
        return [
            (*c[:_C_WEAK], False, *c[_C_HOW:]) if c[_C_WEAK] and c[_C_ID] in corroborated else c
            for c in candidates
        ]

    def _add_role_holders(
        self,
        candidates: list[Candidate],
        roles: list[_Phrase],
        item: Prepared,
        day: date | None,
        libya: bool,
        near: _NearTest,
    ) -> set[str]:
        """Role phrases name who held the role on the item's date; returns the roles written
        as past ("a UN envoy", "former envoy"), which name nobody."""
        text = item.lowered
        named_ids = {c[_C_ID] for c in candidates}
        former: set[str] = set()
        for hit, role_id in roles:
            spec = self.gazetteer.roles.get(role_id)
            start = hit[0]
            if spec is None or (spec.weak and not libya) or near("role:" + role_id, start):
                continue
            before = text[max(0, start - 12) : start].split()
            if before and before[-1] in _INDEFINITE:
                former.add(role_id)
                continue  # "a UN envoy", "former envoy": not the holder on that date
            holders = self._role_holders.get(role_id, ())
            # "Salamé, the UN envoy" names its holder: a holder named in the item wins over
            # whoever held the role on the item's date (resignations, "former envoy").
            chosen = [h for h, _ in holders if h in named_ids]
            if not chosen:
                chosen = [h for h, role in holders if role.holds(day)]
            where = item.field_of(start)
            for holder in dict.fromkeys(chosen):
                candidates.append((holder, start, where, False, "role", hit[2]))
        return former

    def _add_implied(
        self,
        candidates: list[Candidate],
        day: date | None,
        former: AbstractSet[str],
        alone: frozenset[str],
    ) -> frozenset[str]:
        """Add the actors that found ones imply: UNSMIL for whoever was the UN envoy on the
        item's date (named or by role), the UN for UNSMIL. Implied actors add no relevance.

        A role written as past ("ex-UN envoy León", in `former`) implies nothing for its holders.
        Returns `alone` with the actors that only lone collision-prone names imply.
        """
        lone: set[str] = set()
        seen = {c[_C_ID] for c in candidates}
        index = 0
        while index < len(candidates):
            actor_id, pos, where, _, _, _ = candidates[index]
            index += 1
            targets: list[str] = list(self._implies.get(actor_id, ()))
            for role, implied in self._role_implies.get(actor_id, ()):
                if role.role not in former and role.holds(day):
                    targets.extend(implied)
            for other in targets:
                if other not in seen:
                    seen.add(other)
                    candidates.append((other, pos, where, False, "implied", ""))
                    if alone and actor_id in alone:
                        lone.add(other)
        return alone.union(lone) if lone else alone

    def _summarise(
        self, candidates: list[Candidate], libya: bool, alone: frozenset[str]
    ) -> ActorResult:
        # The result depends only on each candidate's (actor, field, key, how), in order (an
        # implied actor has no key), and on `libya`: items that name the same actors the same way
        # share it.
        signature = (libya, alone, *map(_SUMMARY_PART, candidates))
        result = self._summaries.get(signature)
        if result is None:
            result = self._summary(candidates, libya, alone)
            if len(self._summaries) >= _CACHE_CAP:
                self._summaries.clear()
            self._summaries[signature] = result
        return result

    def _summary(
        self, candidates: list[Candidate], libya: bool, alone: frozenset[str]
    ) -> ActorResult:
        counts: dict[str, int] = {}
        keys: dict[str, list[str]] = {}  # the matched keys, in order: surfaces with padding
        pairs: dict[tuple[str, str], None] = {}
        # Actors named only as a location (every one of their candidates `located`).
        located: set[str] = set()
        acting: set[str] = set()
        for actor_id, _, where, _, how, key in candidates:
            if how == "located":
                located.add(actor_id)
            else:
                acting.add(actor_id)
            if how == "implied":
                # Named through another actor: no surface to highlight, no relevance evidence.
                counts.setdefault(actor_id, 1)
                keys.setdefault(actor_id, [])
                continue
            seen = keys.get(actor_id)
            if seen is None:
                counts[actor_id] = 1
                keys[actor_id] = [key]
            else:
                counts[actor_id] += 1
                if key not in seen:
                    seen.append(key)
            pairs[(actor_id, where)] = None
        names = self._names
        order = (
            sorted(counts, key=lambda a: (-counts[a], names[a]))
            if len(counts) > 1
            else list(counts)
        )
        place_ids = self.place_ids
        mentions = self._mentions
        actors: list[ActorMention] = []
        places: list[ActorMention] = []
        only_located = located - acting if located else _NO_IDS
        for a in order:
            if only_located and a in only_located and a not in self._places:
                continue  # a state that is only where something happens: relevance only
            # Mentions recur from item to item (same actor, count and keys): frozen, so shared.
            signature = (a, counts[a], tuple(keys[a]))
            mention = mentions.get(signature) or self._mention(signature)
            # (A place that acts but is named only as a location is reported as a place.)
            as_place = a in place_ids or (only_located and a in only_located)
            (places if as_place else actors).append(mention)
        # (A module-level alias: a subscripted type written here is built anew on every call.)
        hits = cast(_FieldPairs, tuple(pairs))
        return ActorResult(tuple(actors), hits, tuple(places) if places else (), alone)

    def _mention(self, signature: tuple[str, int, tuple[str, ...]]) -> ActorMention:
        """A new mention for (actor id, count, matched keys), remembered for the next items."""
        actor_id, count, keys = signature
        # Keys carry exactly one padding space on each side.
        mention = ActorMention(actor_id, self._names[actor_id], count, tuple(k[1:-1] for k in keys))
        if len(self._mentions) >= _CACHE_CAP:
            self._mentions.clear()
        self._mentions[signature] = mention
        return mention

    # -- highlighting -----------------------------------------------------------------------

    def spans(self, text: str, when: date | datetime | None = None) -> list[tuple[int, int, str]]:
        """(start, end, actor id) spans in the original `text`, for highlighting."""
        if not text:
            return []
        result = self.match([("content", text)], when)
        wanted = {m.actor_id for m in result.everything}
        if not wanted:
            return []
        folded, offsets = fold_with_offsets(text)
        spans: list[tuple[int, int, str]] = []
        cased = fold_cased(text)
        found = self._ci.find(folded, self._channel)
        if len(cased) == len(folded):
            # fold_with_offsets and fold_cased agree character for character here.
            found = self._check_case(
                found, Prepared(cased, folded, ((len(folded) + 1, "content"),))
            )
        phrases = [h for h in found if any(e[0] in "ASR" for e in h[3])]
        kept, _ = longest(phrases)
        day = when.date() if isinstance(when, datetime) else when
        for hit in kept:
            ids: list[str] = []
            for entry in hit[3]:
                if entry[0] == "A":
                    ids.append(entry[1])
                elif entry[0] == "S":
                    family_ids = [a for a in wanted if self._family.get(a) == entry[1]]
                    ids.extend(family_ids[:1] if len(family_ids) == 1 else [])
                elif entry[0] == "R":
                    ids.extend(self.gazetteer.holders(entry[1], day))
            for actor_id in ids:
                if actor_id in wanted:
                    start = offsets[hit[0]]
                    end = offsets[hit[1] - 1] + 1
                    spans.append((start, end, actor_id))
                    break
        return spans


_FieldPairs = tuple[tuple[str, TextField], ...]
_EMPTY = ActorResult((), ())
_START = itemgetter(0)  # of a hit
_ID_OF = itemgetter(_C_ID)  # of a candidate
_KEY_OF = itemgetter(_C_KEY)  # of a candidate
_KEY = itemgetter(2)
_NO_WORDS: frozenset[str] = frozenset()
_SUMMARY_PART = itemgetter(_C_ID, _C_FIELD, _C_KEY, _C_HOW)


_NO_ROLES: frozenset[str] = frozenset()
_NO_HITS: frozenset[int] = frozenset()
_NO_IDS: frozenset[str] = frozenset()
_NOT_COLLIDING: frozenset[str] = frozenset(["(not colliding)"])
# Kinds whose Libyan names are written in other spellings too (`spellings`): not states,
# companies or organisations, whose names are not transliterated from Arabic.
_RESPELLED = frozenset(["person", "armed_group", "government", "place"])
# Kinds whose officers make the news by title alone ("NOC chairman", "CBL governor").
_INSTITUTIONS = frozenset(["government", "company", "organisation", "armed_group"])
_OFFICER_GAP = 10
"""How far (in folded characters: "chairman of the NOC") an officer title may be from the name."""


def _day(when: date | datetime | None) -> date | None:
    return when.date() if isinstance(when, datetime) else when


def _blocker_words(
    blocker_hits: Sequence[Hit[tuple[Entry, ...]]],
) -> tuple[list[tuple[int, str]], AbstractSet[str]]:
    """(position, word) of each blocker word of an item, and the set of those words."""
    if len(blocker_hits) == 1 and len(blocker_hits[0][3]) == 1:  # one word: no loops
        start, _, _, (entry,) = blocker_hits[0]
        return [(start, entry[1])], {entry[1]}
    blockers = [(hit[0], entry[1]) for hit in blocker_hits for entry in hit[3]]
    return blockers, {word for _, word in blockers}


def _capital_before(cased: str, start: int) -> bool:
    """True when the word before the one at `start` ends in a capital: a ship prefix is an
    all-capitals word, so only then is it worth a closer look. (At the start of the text
    there is no word before: `cased[start - 2]` would wrap round to the end.)"""
    return start >= 2 and "A" <= cased[start - 2] <= "Z"


def _never_near(key: str, pos: int) -> bool:
    return False


def _is_blocker(entry: Entry) -> bool:
    return bool(entry[0] == "B")


def _index_by_word(words_of: Mapping[str, frozenset[str]]) -> dict[str, frozenset[str]]:
    """{word: keys whose word set holds it} from {key: its words}."""
    index: dict[str, set[str]] = {}
    for key, words in words_of.items():
        for word in words:
            index.setdefault(word, set()).add(key)
    return {word: frozenset(keys) for word, keys in index.items()}


def _has_code(payload: tuple[Entry, ...], code: str) -> bool:
    for entry in payload:
        if entry[0] == code:
            return True
    return False


def _has_strong(
    candidates: list[Candidate], signal: Mapping[str, float], alone: frozenset[str]
) -> bool:
    """True when a non-weak candidate is a strong Libya signal (2 or more) that is not a lone
    collision-prone name."""
    for candidate in candidates:
        if not candidate[_C_WEAK] and signal[candidate[_C_ID]] >= 2:
            if not alone or candidate[_C_ID] not in alone:
                return True
    return False


def _read_extras(extras: list[tuple[Hit[Any], Entry]]) -> tuple[set[str], bool, bool]:
    """The actors a `confirm` word backs, and whether there is a history word and a past
    marker ("former", "once")."""
    confirmed: set[str] = set()
    history = past = False
    for _, entry in extras:
        code = entry[0]
        if code == "F":
            confirmed.add(entry[1])
        elif code == "H":
            history = True
        elif code == "P":
            past = True
    return confirmed, history, past


def _names_person(payload: tuple[Entry, ...]) -> bool:
    """True when a phrase is (also) a person's alias: the parts of a name are not mentions."""
    for entry in payload:
        if entry[0] == "A" and entry[3]:
            return True
    return False


def _shouting(item: Prepared, pos: int) -> bool:
    """True when the field around `pos` is written in capitals (a headline: "TELL US")."""
    segment = item.field_text(item.field_of(pos), lowered=False)
    return len(segment) > 16 and segment.isupper()


def _inside(spans: list[tuple[int, int, str]], hit: Hit[Any], actor_id: str) -> bool:
    """True when `hit` lies inside a name of the same actor read as a location."""
    for start, end, other in spans:
        if other == actor_id and start <= hit[0] and hit[1] <= end:
            return True
    return False


def _after_ship_prefix(cased: str, start: int) -> bool:
    """True when the word before `start` is a ship prefix (HMAS Tobruk, USS Tripoli); a ship
    noun before it ("navy ship Tobruk") is `_SHIP_NOUN`'s test."""
    before = cased[max(0, start - 8) : start].split()
    return bool(before) and before[-1] in _SHIP_PREFIXES


def _kin_follows(text: str, hit: Hit[Any]) -> bool:
    """True when a bare surname is followed by "'s son" or "… his son" (the family head)."""
    start, end = hit[0], hit[1]
    after = text[end : end + 40].split()[:5]
    if len(after) >= 2 and after[0] == "s" and after[1] in _KIN:
        return True
    for first, second in zip(after, after[1:], strict=False):
        if first in {"his", "her"} and second in _KIN:
            return True
    before = text[max(0, start - 12) : start].split()
    return bool(before) and (before[-1] in _KIN_AR or before[-1] in {"of"} and _of_kin(text, hit))


def _of_kin(text: str, hit: Hit[Any]) -> bool:
    start = hit[0]
    before = text[max(0, start - 24) : start].split()
    return len(before) >= 2 and before[-2] in _KIN


# Words that may follow the end of a noun phrase: after "in the UAE" one of them (or the end of
# the field) says the name is the phrase's head; any other word makes it a modifier ("in the
# Berlin process"). Without an article a country or a capital is a head anyway.
_PHRASE_ENDS = frozenset(
    "and or but on in at to for from with after before by as where which who that this last "
    "next since over amid during while until is was were are has have had will would said says "
    "of et ou mais pour avec apres avant par dans sur ce cette selon afin depuis le la les un une "
    "de du des en au aux".split()
)


def _phrase_ends(text: str, end: int) -> bool:
    """True when the name ending at `end` ends its noun phrase (see `_PHRASE_ENDS`)."""
    after = text[end : end + 16].split()[:1]
    return not after or after[0] == "\x00" or after[0] in _PHRASE_ENDS


class _Locator:
    """Tells a state's name used as a location ("in Egypt", "bound for Italy", "بمصر", "the Chad
    border") from one used for the state itself, by the gazetteer's `locatives` words."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        loc = gazetteer.locatives
        # The `before` phrases by their last word: one dictionary look-up per name.
        self._before: dict[str, list[tuple[str, ...]]] = {}
        for phrase in loc.before:
            words = tuple(phrase_key(phrase).split())
            if words:
                self._before.setdefault(words[-1], []).append(words)
        self._nouns = frozenset(w for t in loc.nouns for w in phrase_key(t).split())
        self._articles = frozenset(w for t in loc.articles for w in phrase_key(t).split())
        self._and = frozenset(w for t in loc.conjunctions for w in phrase_key(t).split())
        longest_phrase = max((len(p) for ps in self._before.values() for p in ps), default=0)
        self._reach = 12 * (longest_phrase + 3)  # (folded characters: the phrase and articles)
        # One-letter locative words (a folded French "à"): see `located`.
        self._short = frozenset(w for w in self._before if len(w) == 1 and (w,) in self._before[w])
        prefixes = [phrase_key(p).strip() for p in loc.prefixes]
        self._names: dict[str, frozenset[str]] = {}  # actor id -> keys of its place names
        joined: set[str] = set()  # Arabic names with a preposition joined (بمصر)
        carried: set[str] = set()  # Arabic names with "and" joined (وتونس)
        for actor in gazetteer.actors.values():
            if not actor.place_names:
                continue
            keys: set[str] = set()
            for name in actor.place_names:
                key = phrase_key(name)
                keys.add(key)
                core = key.strip()
                if core and is_arabic(core[0]):
                    with_in = {f" {p}{core} " for p in prefixes if p}
                    with_and = {f" {p}{core} " for p in ("و", "ف")}
                    keys |= with_in | with_and
                    joined |= with_in
                    carried |= with_and
            self._names[actor.id] = frozenset(keys)
        self._joined, self._carried = frozenset(joined), frozenset(carried)
        self.actors = frozenset(self._names)
        """The actors with `place_names` (states, places that act): their names may be
        locations. (Any state's demonym may be one too, next to a geographic noun.)"""

    def located(self, text: str, hit: Hit[Any], actor_id: str, last: int) -> bool:
        """True when the name at `hit` is only a location; `last` is where the item's previous
        name read as a location ends (-1: none), which a conjunction carries on."""
        start, end, key = hit[0], hit[1], hit[2]
        if text.startswith(" s ", end):
            return False  # "Egypt's": the state's own
        # A geographic noun next to the name, itself ending its phrase ("the Egyptian border",
        # not "Egyptian border guards") or opening one ("près de la frontière tunisienne",
        # "قرب الحدود المصرية", not "garde-côtes italiens", "حرس الحدود المصري").
        after = text[end : end + 32].split()[:2]
        if after and after[0] in self._nouns:
            if len(after) == 1 or after[1] == "\x00" or after[1] in _PHRASE_ENDS:
                return True
        before = text[max(0, start - 40) : start].split()[-2:]
        if before and before[-1] in self._nouns:
            if len(before) == 1 or before[0] in self._articles or before[0] in self._before:
                return True
        names = self._names.get(actor_id)
        if names is None or key not in names:
            return False  # a demonym, a leader, a ministry: the state acting
        if key in self._joined:
            return True
        if key in self._carried:
            return last >= 0 and not text[last:start].strip()
        words = text[max(0, start - self._reach) : start].split()
        article = False
        while words and words[-1] in self._articles:
            words.pop()
            article = True
        if article and not _phrase_ends(text, end):
            return False  # "to the Berlin process", "at the US mission": a modifier
        if words and words[-1] in self._and:
            # "in Egypt and (the) Tunisia": only a conjunction lies between the two names;
            # "to Lampedusa and Valletta": a short name after a locative word comes before it
            between = text[last:start].split() if last >= 0 else ["?"]
            if all(w in self._and or w in self._articles for w in between):
                return True
            return any(self._ends_in_locative(words[: -1 - size]) for size in (1, 2, 3))
        if not words:
            return False
        if words[-1] in self._short:
            # French "à" loses its accent in folding and reads like the English "a": only a
            # name that ends its phrase counts ("à Malte", not "a Turkey-backed force")
            return _phrase_ends(text, end)
        return self._ends_in_locative(words)

    def _ends_in_locative(self, words: list[str]) -> bool:
        """True when `words` end in a `before` phrase, articles skipped."""
        end = len(words)
        while end and words[end - 1] in self._articles:
            end -= 1
        if not end:
            return False
        for phrase in self._before.get(words[end - 1], ()):
            if len(phrase) <= end and tuple(words[end - len(phrase) : end]) == phrase:
                return True
        return False
