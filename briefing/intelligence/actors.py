"""The actor gazetteer and its matcher: who is named in an item.

The gazetteer (`briefing/data/actors.yaml`, merged with the user's `actors_file`) lists people,
armed groups, government bodies, states, organisations, companies and places, with aliases in
English, Arabic and French. `ActorMatcher` finds them all in one pass of one Aho-Corasick
automaton over folded text (see `briefing.intelligence.matching`), then applies the rules that make a match
trustworthy:

* the longest match wins (Saddam Haftar is not Khalifa Haftar), but a place or state named
  inside a longer name still counts (the Tobruk-based parliament → HoR and Tobruk);
* a bare surname resolves only when the item names no other member of the family in full;
* weak aliases (colliding acronyms: GNA, NOC, GNU…) need the item to be about Libya otherwise;
* `unless_near` / `unless` words cancel a mention (Tripoli, Lebanon; Benghazi + Clinton);
* a role phrase ("the UN envoy") resolves to whoever held the role on the item's date.

Pure: no I/O except `load_gazetteer`, which reads the YAML files it is given.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from importlib import resources
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple, cast, get_args

import yaml

from briefing.core.errors import ConfigError
from briefing.core.models import ActorInfo, ActorKind, ActorMention, TextField
from briefing.intelligence.matching import (
    Hit,
    PhraseMatcher,
    Prepared,
    fold,
    fold_cased,
    fold_with_offsets,
    longest,
    prepare,
)

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
_KINDS: tuple[str, ...] = get_args(ActorKind)
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
# A state named only as geography — a border, a destination — is not a party to the story:
# "near the borders with Niger and Chad", "the Algerian border", "bound for Italy".
_GEO_BEFORE = re.compile(
    r"(?: (?:borders?|frontiers?) with| towards?| bound for| heading for| headed for)"
    r"(?: [^ \x00]+){0,2} $"
)
_GEO_AFTER = frozenset("border borders frontier frontiers".split())


def _has_geo_word(text: str) -> bool:
    return (
        " border" in text
        or " toward" in text
        or " frontier" in text
        or " bound for" in text
        or " heading for" in text
        or " headed for" in text
    )


# Navy and merchant ship prefixes: "HMAS Tobruk", "USS Tripoli" are ships, not the places.
_CACHE_CAP = 20_000
"""Entries kept by each of the small caches below (mentions, blocker splits)."""

_SHIP_PREFIXES = frozenset("HMAS HMS HMCS HMNZS USS USNS INS TCG MV ROKS NRP RFS".split())


@dataclass(frozen=True)
class Role:
    """A date-bounded role: `start` inclusive, `end` exclusive, None = open."""

    role: str
    start: date | None = None
    end: date | None = None

    def holds(self, when: date | None) -> bool:
        if when is None:
            return self.end is None
        return (self.start is None or self.start <= when) and (self.end is None or when < self.end)


@dataclass(frozen=True)
class Actor:
    """One gazetteer entry, with its matching rules."""

    id: str
    name: str
    kind: ActorKind
    aliases: tuple[str, ...] = ()
    weak: tuple[str, ...] = ()
    surnames: tuple[str, ...] = ()
    family: str = ""
    unless_near: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()
    affiliations: tuple[str, ...] = ()
    roles: tuple[Role, ...] = ()
    signal: float = 0.0
    description: str = ""
    acts: bool = False
    """For a place: its forces or council act as a faction (Misrata, Zintan), so it is reported
    among the actors; other places are reported apart (`Tagged.places`)."""
    implies: tuple[str, ...] = ()
    """Ids of actors a mention of this one also names (UNSMIL → the UN)."""

    @property
    def is_actor(self) -> bool:
        """False for a place that is only a location (reported as a place, not an actor)."""
        return self.kind != "place" or self.acts

    def info(self) -> ActorInfo:
        names = tuple(dict.fromkeys((*self.aliases, *self.weak, *self.surnames)))
        return ActorInfo(
            id=self.id,
            name=self.name,
            kind=self.kind,
            aliases=names,
            affiliations=self.affiliations,
            description=self.description,
            acts=self.acts,
        )


@dataclass(frozen=True)
class RoleSpec:
    """A role phrase list: "the UN envoy" → whoever held `un-envoy` on the item's date."""

    id: str
    label: str
    phrases: tuple[str, ...]
    weak: bool = True
    unless_near: tuple[str, ...] = ()
    implies: tuple[str, ...] = ()
    """Actors an item also names when it names this role's holder on the item's date, by name
    or by the role phrase (the UN envoy heads UNSMIL)."""


@dataclass(frozen=True)
class Gazetteer:
    """The merged gazetteer: actors by id, role phrases, context words and ignored phrases."""

    actors: Mapping[str, Actor]
    roles: Mapping[str, RoleSpec] = field(default_factory=dict)
    context_terms: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()

    def holders(self, role: str, when: date | None) -> list[str]:
        """Ids of the actors holding `role` on `when` (None: the current holder)."""
        return [
            a.id
            for a in self.actors.values()
            if any(r.role == role and r.holds(when) for r in a.roles)
        ]

    def role_history(self, actor_id: str) -> list[tuple[str, Role]]:
        actor = self.actors[actor_id]
        return [
            (self.roles[r.role].label if r.role in self.roles else r.role, r) for r in actor.roles
        ]


# ---------------------------------------------------------------------------------------------
# Loading (the only I/O here): YAML with line numbers, validated into one-line ConfigErrors
# ---------------------------------------------------------------------------------------------


# libyaml's parser (when PyYAML was built with it) reads the gazetteer ten times faster than the
# pure-Python one (0.02 s instead of 0.2 s, paid by every fetch and retag); both keep line marks.
_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """A safe loader that remembers the line of every mapping, for error messages."""


def _mapping_with_line(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return cast(dict[str, Any], mapping)


_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _mapping_with_line,
)


def _parse_yaml(text: str, source: str) -> Any:
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else 0
        problem = (error.problem or "invalid YAML").strip()
        raise ConfigError(f"{source}:{line}: {problem} — fix the YAML syntax") from None
    except yaml.YAMLError as error:
        raise ConfigError(f"{source}:1: invalid YAML ({error}) — fix the YAML syntax") from None


def _strings(value: Any, where: str, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str | int | float) for v in value):
        raise ConfigError(f"{where}: {key} must be a list of text")
    out = tuple(str(v).strip() for v in value if str(v).strip())
    return out


def _date(value: Any, where: str, key: str) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ConfigError(f"{where}: {key} {value!r} is not a date (YYYY-MM-DD)") from None


_ACTOR_KEYS = frozenset(
    "id name kind aliases weak surnames family unless_near unless affiliations roles signal "
    "description acts implies __line__".split()
)


def _actor(raw: Any, source: str, base: Actor | None) -> Actor:
    if not isinstance(raw, dict):
        raise ConfigError(
            f"{source}: every entry of `actors` must be a mapping with id, name, kind"
        )
    where = f"{source}:{raw.get('__line__', 0)}"
    unknown = sorted(set(raw) - _ACTOR_KEYS)
    if unknown:
        raise ConfigError(
            f"{where}: unknown key {unknown[0]!r} in actor — see the gazetteer format"
        )
    actor_id = raw.get("id")
    if not isinstance(actor_id, str) or not _SLUG.match(actor_id):
        raise ConfigError(f"{where}: actor id {actor_id!r} must be a slug like 'khalifa-haftar'")
    name = raw.get("name", base.name if base else None)
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{where}: actor {actor_id!r} needs a name")
    kind = raw.get("kind", base.kind if base else None)
    if kind not in _KINDS:
        raise ConfigError(
            f"{where}: actor {actor_id!r} kind {kind!r} is not one of {', '.join(_KINDS)}"
        )
    acts = raw.get("acts", base.acts if base else False)
    if not isinstance(acts, bool):
        raise ConfigError(f"{where}: actor {actor_id!r} acts must be true or false")
    signal = raw.get("signal", base.signal if base else 0.0)
    if isinstance(signal, bool) or not isinstance(signal, int | float):
        raise ConfigError(f"{where}: actor {actor_id!r} signal must be a number")
    roles: list[Role] = []
    raw_roles = raw.get("roles")
    if raw_roles is not None:
        if not isinstance(raw_roles, list):
            raise ConfigError(f"{where}: actor {actor_id!r} roles must be a list")
        for item in raw_roles:
            if not isinstance(item, dict) or not isinstance(item.get("role"), str):
                raise ConfigError(
                    f"{where}: actor {actor_id!r} each role needs `role:` (and from/to dates)"
                )
            roles.append(
                Role(
                    item["role"],
                    _date(item.get("from"), where, "from"),
                    _date(item.get("to"), where, "to"),
                )
            )

    def pick(key: str, old: tuple[str, ...]) -> tuple[str, ...]:
        return _strings(raw[key], where, key) if key in raw else old

    aliases = pick("aliases", base.aliases if base else ())
    if base is None and not aliases:
        aliases = (name,)
    return Actor(
        id=actor_id,
        name=name.strip(),
        kind=cast(ActorKind, kind),
        aliases=tuple(dict.fromkeys((name.strip(), *aliases))) if base is None else aliases,
        weak=pick("weak", base.weak if base else ()),
        surnames=pick("surnames", base.surnames if base else ()),
        family=str(raw.get("family", base.family if base else "") or ""),
        unless_near=pick("unless_near", base.unless_near if base else ()),
        unless=pick("unless", base.unless if base else ()),
        affiliations=pick("affiliations", base.affiliations if base else ()),
        roles=tuple(roles) if raw_roles is not None else (base.roles if base else ()),
        signal=float(signal),
        description=str(raw.get("description", base.description if base else "") or ""),
        acts=acts,
        implies=pick("implies", base.implies if base else ()),
    )


def parse_gazetteer(text: str, source: str, base: Gazetteer | None = None) -> Gazetteer:
    """Parse one gazetteer document; actors override `base`'s by id, lists are added."""
    data = _parse_yaml(text, source)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{source}:1: a gazetteer is a mapping with `actors:` — see the format")
    unknown = sorted(
        set(data) - {"actors", "roles", "context_terms", "ignore", "__line__", "version"}
    )
    if unknown:
        raise ConfigError(
            f"{source}:{data.get('__line__', 1)}: unknown top-level key {unknown[0]!r}"
        )
    actors: dict[str, Actor] = dict(base.actors) if base else {}
    raw_actors = data.get("actors") or []
    if not isinstance(raw_actors, list):
        raise ConfigError(f"{source}:{data.get('__line__', 1)}: `actors` must be a list")
    seen: set[str] = set()
    for raw in raw_actors:
        actor_id = raw.get("id") if isinstance(raw, dict) else None
        if isinstance(actor_id, str) and actor_id in seen:
            raise ConfigError(f"{source}:{raw.get('__line__', 0)}: duplicate actor id {actor_id!r}")
        actor = _actor(raw, source, actors.get(actor_id) if isinstance(actor_id, str) else None)
        seen.add(actor.id)
        actors[actor.id] = actor
    roles: dict[str, RoleSpec] = dict(base.roles) if base else {}
    raw_roles = data.get("roles") or {}
    if not isinstance(raw_roles, dict):
        raise ConfigError(
            f"{source}:{data.get('__line__', 1)}: `roles` must be a mapping of role ids"
        )
    for role_id, spec in raw_roles.items():
        if role_id == "__line__":
            continue
        if not isinstance(spec, dict):
            raise ConfigError(
                f"{source}:{raw_roles.get('__line__', 1)}: role {role_id!r} must be a mapping"
            )
        where = f"{source}:{spec.get('__line__', 0)}"
        roles[str(role_id)] = RoleSpec(
            id=str(role_id),
            label=str(spec.get("label", role_id)),
            phrases=_strings(spec.get("phrases"), where, "phrases"),
            weak=bool(spec.get("weak", True)),
            unless_near=_strings(spec.get("unless_near"), where, "unless_near"),
            implies=_strings(spec.get("implies"), where, "implies"),
        )
    where = f"{source}:{data.get('__line__', 1)}"
    context = (base.context_terms if base else ()) + _strings(
        data.get("context_terms"), where, "context_terms"
    )
    ignore = (base.ignore if base else ()) + _strings(data.get("ignore"), where, "ignore")
    for actor in actors.values():
        for other in actor.affiliations:
            if other not in actors:
                raise ConfigError(
                    f"{source}: actor {actor.id!r} is affiliated to unknown actor {other!r}"
                )
        for other in actor.implies:
            if other not in actors:
                raise ConfigError(f"{source}: actor {actor.id!r} implies unknown actor {other!r}")
    for spec in roles.values():
        for other in spec.implies:
            if other not in actors:
                raise ConfigError(f"{source}: role {spec.id!r} implies unknown actor {other!r}")
    return Gazetteer(actors=actors, roles=roles, context_terms=context, ignore=ignore)


def builtin_gazetteer_text() -> str:
    return resources.files("briefing.data").joinpath("actors.yaml").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def builtin_gazetteer() -> Gazetteer:
    """The shipped gazetteer, parsed once per process (it is never mutated)."""
    return parse_gazetteer(builtin_gazetteer_text(), "briefing/data/actors.yaml")


def load_gazetteer(user_file: Path | None = None) -> Gazetteer:
    """The shipped gazetteer, merged with the user's file when given (ConfigError names it)."""
    gazetteer = builtin_gazetteer()
    if user_file is not None:
        try:
            text = Path(user_file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise ConfigError(f"{user_file}:0: cannot read the actor gazetteer ({error})") from None
        gazetteer = parse_gazetteer(text, str(user_file), gazetteer)
    return gazetteer


# ---------------------------------------------------------------------------------------------
# Matching
# ---------------------------------------------------------------------------------------------

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


class ActorResult(NamedTuple):
    """The actors of one item: mentions for the store, and (actor, field) pairs for relevance.

    A named tuple rather than a frozen dataclass: one is built per item, and this is cheaper.
    """

    mentions: tuple[ActorMention, ...]
    """Actors proper: everything but the places that are only locations."""
    hits: tuple[tuple[str, TextField], ...]
    libya_context: bool
    places: tuple[ActorMention, ...] = ()
    """Places that are only locations (kind `place` without `acts: true`)."""

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
        self.place_ids: frozenset[str] = frozenset(
            a.id for a in gazetteer.actors.values() if not a.is_actor
        )
        """Places that are only locations: the Tagger reports them apart from the actors."""
        blockers: set[str] = set()
        for term in gazetteer.context_terms:
            self._ci.add(term, ("C",), channel=self._channel)
        for term in gazetteer.ignore:
            self._ci.add(term, ("I",), channel=self._channel)
        families: dict[str, list[Actor]] = {}
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
            for alias in actor.aliases:
                self._add_alias(alias, ("A", actor.id, False, person))
            for alias in actor.weak:
                self._add_alias(alias, ("A", actor.id, True, person))
            for surname in actor.surnames:
                self._add_alias(surname, ("S", family))
            self._near[actor.id] = frozenset(fold(t).strip() for t in actor.unless_near)
            self._unless[actor.id] = frozenset(fold(t).strip() for t in actor.unless)
            blockers |= self._near[actor.id] | self._unless[actor.id]
        for spec in gazetteer.roles.values():
            for phrase in spec.phrases:
                self._add_alias(phrase, ("R", spec.id))
            self._near["role:" + spec.id] = frozenset(fold(t).strip() for t in spec.unless_near)
            blockers |= self._near["role:" + spec.id]
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
        if self._own:
            self._ci.build()

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
        """Apply the matching rules to an item's phrase hits and blocker word hits."""
        text = item.lowered
        phrases = hits
        if not phrases:
            return _EMPTY
        # (position, word) of each blocker word.
        blockers: list[tuple[int, str]]
        present: set[str] | frozenset[str]
        if len(blocker_hits) == 1 and len(blocker_hits[0][3]) == 1:  # one word: no loops
            start, _, _, (entry,) = blocker_hits[0]
            blockers = [(start, entry[1])]
            present = {entry[1]}
        elif blocker_hits:
            blockers = [(hit[0], entry[1]) for hit in blocker_hits for entry in hit[3]]
            present = {word for _, word in blockers}
        else:
            blockers = []
            present = _NO_WORDS
        kept, covered = longest(phrases) if len(phrases) > 1 else (phrases, [])
        field_of = item.field_of
        context = False
        # (actor id, position, field, weak, how, key)
        candidates: list[tuple[str, int, str, bool, str, str]] = []
        surnames: list[tuple[Hit[tuple[Entry, ...]], str]] = []
        roles: list[tuple[Hit[tuple[Entry, ...]], str]] = []

        # Per-item prechecks (one C-level scan each) so that most hits skip the per-hit rules.
        cased = item.cased if len(item.cased) == len(text) else ""
        states = self._states
        geo: bool | None = None  # does the item have a border/destination word? (asked once)
        weak = False  # is any candidate a weak alias?
        # Most hits are in the first field, and most items have two fields: no call.
        first_end, first_field = item.bounds[0]
        later = item.bounds[-1][1] if len(item.bounds) <= 2 else None

        # (hit, inside a person's name): the kept hits, then the covered ones that still count.
        inside: list[tuple[Hit[tuple[Entry, ...]], bool]] = []
        if covered:
            # Kept hits never overlap and come in start order: the only one that can contain
            # a covered hit is the last one starting at or before it.
            starts = list(map(_ACTOR, kept))  # (itemgetter(0): each hit's start)
            ignored, personal = self._ignore_keys, self._person_keys
            for hit in covered:
                index = bisect_right(starts, hit[0]) - 1
                if index < 0 or kept[index][1] < hit[1]:
                    continue
                # A place or state named inside a longer name still counts (Tobruk-based
                # parliament); parts of a person's name do not (Saddam Haftar is not Haftar).
                # (The key sets rule most containers out without looking at their entries.)
                _, _, outer_key, outer = kept[index]
                if outer_key not in ignored or not _has_code(outer, "I"):
                    person = outer_key in personal and _names_person(outer)
                    inside.append((hit, person))
        # The kept hits (no person's name contains them), then the covered ones that still count:
        # the same rules, written out twice so that the common case needs no flag per hit.
        for hit in kept:
            start = hit[0]
            for entry in hit[3]:
                code = entry[0]
                if code == "A":
                    _, actor_id, is_weak, _ = entry
                    # A ship prefix is an all-capitals word: look closer only after a capital.
                    if cased and "A" <= cased[start - 2] <= "Z":
                        if _after_ship_prefix(cased, start):
                            continue
                    if actor_id in states:
                        if geo is None:
                            geo = _has_geo_word(text)
                        if geo and _geography(text, hit):
                            continue
                    weak = weak or is_weak
                    where = first_field if start < first_end else later or field_of(start)
                    candidates.append((actor_id, start, where, is_weak, "alias", hit[2]))
                elif code == "C":
                    context = True
                elif code == "S":
                    surnames.append((hit, entry[1]))
                elif code == "R":
                    roles.append((hit, entry[1]))
        for hit, person_container in inside:
            start = hit[0]
            for entry in hit[3]:
                code = entry[0]
                if code == "A":
                    _, actor_id, is_weak, is_person = entry
                    if cased and "A" <= cased[start - 2] <= "Z":
                        if _after_ship_prefix(cased, start):
                            continue
                    if actor_id in states:
                        if geo is None:
                            geo = _has_geo_word(text)
                        if geo and _geography(text, hit):
                            continue
                    if not (person_container and is_person):
                        weak = weak or is_weak
                        where = first_field if start < first_end else later or field_of(start)
                        candidates.append((actor_id, start, where, is_weak, "alias", hit[2]))
                elif code == "C":
                    context = True
                elif code == "S":
                    if not person_container:
                        surnames.append((hit, entry[1]))
                elif code == "R":
                    roles.append((hit, entry[1]))

        near_rules = self._near
        nearby: frozenset[str] = _NO_WORDS
        if present:
            # The actors and roles that a word of this item may cancel.
            near_words = self._near_by_word
            if len(present) == 1:  # the common case: that word's set itself
                (only,) = present
                nearby = near_words.get(only, _NO_WORDS)
            else:
                nearby = frozenset().union(*[near_words.get(word, _NO_WORDS) for word in present])
        if nearby:

            def near(key: str, pos: int) -> bool:
                if key not in nearby:
                    return False
                words = near_rules[key]
                # A role phrase is qualified by its immediate neighbours ("UN envoy for Syria").
                window = _ROLE_WINDOW if key.startswith("role:") else _NEAR_WINDOW
                return any(abs(bpos - pos) <= window for bpos, word in blockers if word in words)

        else:
            near = _never_near  # (no word of this item can cancel anything)

        if nearby and not nearby.isdisjoint(map(_ACTOR, candidates)):
            candidates = [c for c in candidates if not near(c[0], c[1])]

        # Bare surnames: the family's head unless another member is named in full in the item.
        if surnames:
            named: dict[str, set[str]] = {}
            for c in candidates:
                named.setdefault(self._family[c[0]], set()).add(c[0])
            for hit, family in surnames:
                default = self._family_default.get(family)
                if default is None:
                    continue
                members = named.get(family)
                target: str | None = default
                if members and not _kin_follows(text, hit):
                    target = next(iter(members)) if len(members) == 1 else None
                start = hit[0]
                if target is not None and not near(target, start):
                    candidates.append((target, start, field_of(start), False, "surname", hit[2]))

        signal = self._signal

        # Words anywhere in the item cancel an actor, unless something else says "Libya".
        if present:
            unless_words = self._unless_by_word
            if len(present) == 1:
                (only,) = present
                blocked = unless_words.get(only, _NO_WORDS).intersection(map(_ACTOR, candidates))
            else:
                blocked = (
                    frozenset()
                    .union(*[unless_words.get(word, _NO_WORDS) for word in present])
                    .intersection(map(_ACTOR, candidates))
                )
            if blocked:
                other = context or any(
                    not c[3] and signal[c[0]] >= 2 for c in candidates if c[0] not in blocked
                )
                if not other:
                    candidates = [c for c in candidates if c[0] not in blocked]
        if roles and any(c[3] for c in candidates):
            # A weak name backed by its own role phrase ("UN envoy … Tetteh") is corroborated.
            role_ids = {role_id for _, role_id in roles}
            corroborated = {
                holder for role_id in role_ids for holder, _ in self._role_holders.get(role_id, ())
            }
            candidates = [
                (c[0], c[1], c[2], False, c[4], c[5]) if c[3] and c[0] in corroborated else c
                for c in candidates
            ]
        libya = context or _has_strong(candidates, signal)
        if not libya and weak:
            candidates = [c for c in candidates if not c[3]]
        # The item's date: who held a role then (role phrases, and the actors roles imply).
        day: date | None = None
        former: set[str] = set()
        if roles:
            named_ids = {c[0] for c in candidates}
            day = when.date() if isinstance(when, datetime) else when
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
                for holder in dict.fromkeys(chosen):
                    candidates.append((holder, start, field_of(start), False, "role", hit[2]))
        if not candidates:
            return _NO_ACTORS[libya]
        if roles or not self._implying.isdisjoint(map(_ACTOR, candidates)):
            if not roles:
                day = when.date() if isinstance(when, datetime) else when
            self._add_implied(candidates, day, former)
        return self._summarise(candidates, libya)

    def _add_implied(
        self,
        candidates: list[tuple[str, int, str, bool, str, str]],
        day: date | None,
        former: set[str],
    ) -> None:
        """Add the actors that found ones imply: UNSMIL for whoever was the UN envoy on the
        item's date (named or by role), the UN for UNSMIL. Implied actors add no relevance.

        A role written as past ("ex-UN envoy León", in `former`) implies nothing for its holders.
        """
        seen = {c[0] for c in candidates}
        index = 0
        while index < len(candidates):
            actor_id, pos, where = candidates[index][:3]
            index += 1
            targets: list[str] = list(self._implies.get(actor_id, ()))
            for role, implied in self._role_implies.get(actor_id, ()):
                if role.role not in former and role.holds(day):
                    targets.extend(implied)
            for other in targets:
                if other not in seen:
                    seen.add(other)
                    candidates.append((other, pos, where, False, "implied", ""))

    def _summarise(
        self, candidates: list[tuple[str, int, str, bool, str, str]], libya: bool
    ) -> ActorResult:
        # The result depends only on each candidate's (actor, field, key), in order (an implied
        # actor has no key), and on `libya`: items that name the same actors the same way
        # share it.
        signature = (libya, *map(_SUMMARY_PART, candidates))
        result = self._summaries.get(signature)
        if result is None:
            result = self._summary(candidates, libya)
            if len(self._summaries) >= _CACHE_CAP:
                self._summaries.clear()
            self._summaries[signature] = result
        return result

    def _summary(
        self, candidates: list[tuple[str, int, str, bool, str, str]], libya: bool
    ) -> ActorResult:
        counts: dict[str, int] = {}
        keys: dict[str, list[str]] = {}  # the matched keys, in order: surfaces with padding
        pairs: dict[tuple[str, str], None] = {}
        for actor_id, _, where, _, how, key in candidates:
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
        for a in order:
            # Mentions recur from item to item (same actor, count and keys): frozen, so shared.
            signature = (a, counts[a], tuple(keys[a]))
            mention = mentions.get(signature) or self._mention(signature)
            (places if a in place_ids else actors).append(mention)
        # (A module-level alias: a subscripted type written here is built anew on every call.)
        hits = cast(_FieldPairs, tuple(pairs))
        return ActorResult(tuple(actors), hits, libya, tuple(places) if places else ())

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
_EMPTY = ActorResult((), (), False)
_ACTOR = itemgetter(0)
_KEY = itemgetter(2)
_NO_WORDS: frozenset[str] = frozenset()
_SUMMARY_PART = itemgetter(0, 2, 5)
_NO_ACTORS = {libya: ActorResult((), (), libya) for libya in (False, True)}


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
    candidates: list[tuple[str, int, str, bool, str, str]], signal: Mapping[str, float]
) -> bool:
    """True when a non-weak candidate is a strong Libya signal (2 or more)."""
    for candidate in candidates:
        if not candidate[3] and signal[candidate[0]] >= 2:
            return True
    return False


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


def _geography(text: str, hit: Hit[Any]) -> bool:
    """True when a state is named as a border or a destination, not as an actor."""
    start, end = hit[0], hit[1]
    after = text[end : end + 12].split()[:2]
    if after and (
        after[0] in _GEO_AFTER or (after[0] == "s" and after[1:2] and after[1] in _GEO_AFTER)
    ):
        return True
    before = text[max(0, start - 40) : start]
    return _GEO_BEFORE.search(before) is not None


def _after_ship_prefix(cased: str, start: int) -> bool:
    """True when the word before `start` is a ship prefix (HMAS Tobruk, USS Tripoli)."""
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
