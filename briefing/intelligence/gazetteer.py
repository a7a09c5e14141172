"""The actor gazetteer: its schema (actors, roles, context words) and its loader.

The gazetteer (`briefing/data/actors.yaml`, merged with the user's `actors_file`) lists people,
armed groups, government bodies, states, organisations, companies and places, with aliases in
English, Arabic and French. `briefing.intelligence.actors` compiles it into a matcher.

Pure except `load_gazetteer`, which reads the YAML files it is given; a bad file gives one
`file:line: problem — remedy` ConfigError.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, cast, get_args

from briefing.core.errors import ConfigError
from briefing.core.files import read_capped
from briefing.core.models import ActorInfo, ActorKind
from briefing.core.yamlwalk import Reader, Where, compose_data

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
_KINDS: tuple[str, ...] = get_args(ActorKind)


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
    collides: tuple[str, ...] = ()
    """Its names that also mean something outside Libya (another Tripoli, a namesake, a foreign
    company's acronym): alone in an item of a general feed they are not enough."""
    collides_all: bool = False
    """Every name of it collides (`collides: true`)."""
    confirm: tuple[str, ...] = ()
    """Words that, anywhere in the item, say a colliding name means this actor."""
    place_names: tuple[str, ...] = ()
    """For a state or a place that acts: the names of its territory and seat (Egypt, Cairo),
    as against its demonyms, leaders and ministries. Named only after a locative word ("in
    Egypt", "talks in Cairo"), it is where something happens, not a party to it."""

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
class Locatives:
    """The words that make a state's place name a location rather than an actor."""

    before: tuple[str, ...] = ()
    """Prepositions and phrases right before the name: in, to, في, en, bound for, border with."""
    nouns: tuple[str, ...] = ()
    """Geographic nouns next to any of its names, demonyms included: right after in English
    ("the Chad border", "the Greek island", "Cairo-based"), right before in French and Arabic
    ("la frontière tunisienne", "les eaux maltaises", "الحدود المصرية")."""
    articles: tuple[str, ...] = ()
    """Words skipped between the preposition and the name ("in the UAE")."""
    prefixes: tuple[str, ...] = ()
    """Arabic prepositions written joined to the name (بمصر: in Egypt)."""
    conjunctions: tuple[str, ...] = ()
    """Words that carry a location on to the next name ("in Egypt and Tunisia"); the Arabic
    و joined to a name does too."""


@dataclass(frozen=True)
class Gazetteer:
    """The merged gazetteer: actors by id, role phrases, context words and ignored phrases."""

    actors: Mapping[str, Actor]
    roles: Mapping[str, RoleSpec] = field(default_factory=dict)
    context_terms: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    history_terms: tuple[str, ...] = ()
    """Words of a historical commemoration (the Second World War, an old battle): with one of
    them, a place is collision-prone too (the past, not present-day Libya)."""
    officer_titles: tuple[str, ...] = ()
    """Officer titles (chairman, governor): right next to a weak alias of a Libyan institution
    ("NOC chairman") they name that institution's officer."""
    locatives: Locatives = field(default_factory=Locatives)
    """The words that mark a state named only as a location (see `Actor.place_names`)."""
    spellings: tuple[tuple[str, str], ...] = ()
    """Other spellings of Libyan names: (letters, also written as) — ("sh", "ch") in French."""

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
    "description acts implies collides confirm place_names".split()
)


def _actor(node: Where, read: Reader, base: Actor | None) -> Actor:
    source = node.shown
    fields = read.entries(node)
    if fields is None:
        raise node.error("every entry of `actors` must be a mapping with id, name, kind")
    where = f"{source}:{node.line}"
    unknown = sorted((k for k in fields if k not in _ACTOR_KEYS), key=str)
    if unknown:
        raise ConfigError(
            f"{where}: unknown key {unknown[0]!r} in actor — see the gazetteer format"
        )

    def get(key: str, default: Any) -> Any:
        return read.value(fields[key]) if key in fields else default

    actor_id = get("id", None)
    if not isinstance(actor_id, str) or not _SLUG.match(actor_id):
        raise ConfigError(f"{where}: actor id {actor_id!r} must be a slug like 'khalifa-haftar'")
    name = get("name", base.name if base else None)
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{where}: actor {actor_id!r} needs a name")
    kind = get("kind", base.kind if base else None)
    if kind not in _KINDS:
        raise ConfigError(
            f"{where}: actor {actor_id!r} kind {kind!r} is not one of {', '.join(_KINDS)}"
        )
    acts = get("acts", base.acts if base else False)
    if not isinstance(acts, bool):
        raise ConfigError(f"{where}: actor {actor_id!r} acts must be true or false")
    signal = get("signal", base.signal if base else 0.0)
    if isinstance(signal, bool) or not isinstance(signal, int | float):
        raise ConfigError(f"{where}: actor {actor_id!r} signal must be a number")
    roles: list[Role] = []
    roles_node = fields.get("roles")
    has_roles = not read.is_null(roles_node)
    if roles_node is not None and has_roles:
        role_items = read.items(roles_node)
        if role_items is None:
            raise ConfigError(f"{where}: actor {actor_id!r} roles must be a list")
        for item in role_items:
            spec = read.entries(item)
            role = read.value(spec["role"]) if spec and "role" in spec else None
            if spec is None or not isinstance(role, str):
                raise ConfigError(
                    f"{where}: actor {actor_id!r} each role needs `role:` (and from/to dates)"
                )
            start, end = (read.value(spec[k]) if k in spec else None for k in ("from", "to"))
            roles.append(Role(role, _date(start, where, "from"), _date(end, where, "to")))

    def pick(key: str, old: tuple[str, ...]) -> tuple[str, ...]:
        return _strings(read.value(fields[key]), where, key) if key in fields else old

    aliases = pick("aliases", base.aliases if base else ())
    collides, collides_all = (base.collides, base.collides_all) if base else ((), False)
    if "collides" in fields:
        value = read.value(fields["collides"])
        if isinstance(value, bool):
            collides, collides_all = (), value
        else:
            try:
                collides, collides_all = _strings(value, where, "collides"), False
            except ConfigError:
                raise ConfigError(
                    f"{where}: actor {actor_id!r} collides must be true, false or a list of its names"
                ) from None
    if base is None and not aliases:
        aliases = (name,)
    return Actor(
        id=actor_id,
        name=name.strip(),
        kind=cast(ActorKind, kind),
        aliases=tuple(dict.fromkeys((name.strip(), *aliases))) if base is None else aliases,
        weak=pick("weak", base.weak if base else ()),
        surnames=pick("surnames", base.surnames if base else ()),
        family=str(get("family", base.family if base else "") or ""),
        unless_near=pick("unless_near", base.unless_near if base else ()),
        unless=pick("unless", base.unless if base else ()),
        affiliations=pick("affiliations", base.affiliations if base else ()),
        roles=tuple(roles) if has_roles else (base.roles if base else ()),
        signal=float(signal),
        description=str(get("description", base.description if base else "") or ""),
        acts=acts,
        implies=pick("implies", base.implies if base else ()),
        collides=collides,
        collides_all=collides_all,
        confirm=pick("confirm", base.confirm if base else ()),
        place_names=pick("place_names", base.place_names if base else ()),
    )


_TOP_KEYS = frozenset(
    "actors roles context_terms ignore history_terms officer_titles locatives spellings version".split()
)


def parse_gazetteer(text: str, source: str, base: Gazetteer | None = None) -> Gazetteer:
    """Parse one gazetteer document; actors override `base`'s by id, lists are added."""
    root = compose_data(text, source)
    read = Reader()
    data: dict[Any, Where] | None = {} if read.is_null(root) else read.entries(cast(Where, root))
    if data is None:
        raise ConfigError(f"{source}:1: a gazetteer is a mapping with `actors:` — see the format")
    top_line = root.line if root is not None else 1
    unknown = sorted((k for k in data if k not in _TOP_KEYS), key=str)
    if unknown:
        raise ConfigError(f"{source}:{top_line}: unknown top-level key {unknown[0]!r}")
    actors: dict[str, Actor] = dict(base.actors) if base else {}
    actors_node = data.get("actors")
    raw_actors = [] if read.is_null(actors_node) else read.items(cast(Where, actors_node))
    if raw_actors is None:
        if actors_node is not None and not read.value(actors_node):
            raw_actors = []  # `actors: ''`, `actors: {}`, `actors: false`: no actors
        else:
            raise ConfigError(f"{source}:{top_line}: `actors` must be a list")
    seen: dict[str, int] = {}
    for node in raw_actors:
        fields = read.entries(node)
        actor_id = read.value(fields["id"]) if fields and "id" in fields else None
        if isinstance(actor_id, str) and actor_id in seen:
            raise ConfigError(f"{source}:{node.line}: duplicate actor id {actor_id!r}")
        actor = _actor(node, read, actors.get(actor_id) if isinstance(actor_id, str) else None)
        seen[actor.id] = node.line
        actors[actor.id] = actor
    roles: dict[str, RoleSpec] = dict(base.roles) if base else {}
    roles_node = data.get("roles")
    raw_roles = {} if read.is_null(roles_node) else read.entries(cast(Where, roles_node))
    if raw_roles is None:
        if roles_node is not None and not read.value(roles_node):
            raw_roles = {}  # `roles: []`, `roles: ''`: no roles
        else:
            raise ConfigError(f"{source}:{top_line}: `roles` must be a mapping of role ids")
    for role_id, spec_node in raw_roles.items():
        role_fields = read.entries(spec_node)
        if role_fields is None:
            line = roles_node.line if roles_node is not None else 1
            raise ConfigError(f"{source}:{line}: role {role_id!r} must be a mapping")
        where = f"{source}:{spec_node.line}"

        def value(key: str, default: Any, fields: dict[Any, Where] = role_fields) -> Any:
            return read.value(fields[key]) if key in fields else default

        roles[str(role_id)] = RoleSpec(
            id=str(role_id),
            label=str(value("label", role_id)),
            phrases=_strings(value("phrases", None), where, "phrases"),
            weak=bool(value("weak", True)),
            unless_near=_strings(value("unless_near", None), where, "unless_near"),
            implies=_strings(value("implies", None), where, "implies"),
        )
    where = f"{source}:{top_line}"

    def terms(key: str) -> tuple[str, ...]:
        return _strings(read.value(data[key]) if key in data else None, where, key)

    context = (base.context_terms if base else ()) + terms("context_terms")
    ignore = (base.ignore if base else ()) + terms("ignore")
    history = (base.history_terms if base else ()) + terms("history_terms")
    officers = (base.officer_titles if base else ()) + terms("officer_titles")
    locatives = _locatives(data.get("locatives"), read, where, base.locatives if base else None)
    spellings = (base.spellings if base else ()) + _spellings(data.get("spellings"), read, where)
    for actor in actors.values():
        # An actor of this file is named with its line; one of the base file is already valid.
        at = f"{source}:{seen[actor.id]}" if actor.id in seen else source
        for other in actor.affiliations:
            if other not in actors:
                raise ConfigError(
                    f"{at}: actor {actor.id!r} is affiliated to unknown actor {other!r}"
                )
        for other in actor.implies:
            if other not in actors:
                raise ConfigError(f"{at}: actor {actor.id!r} implies unknown actor {other!r}")
    for spec in roles.values():
        for other in spec.implies:
            if other not in actors:
                raise ConfigError(f"{source}: role {spec.id!r} implies unknown actor {other!r}")
    return Gazetteer(
        actors=actors,
        roles=roles,
        context_terms=context,
        ignore=ignore,
        history_terms=history,
        officer_titles=officers,
        locatives=locatives,
        spellings=tuple(dict.fromkeys(spellings)),
    )


def _spellings(node: Where | None, read: Reader, where: str) -> tuple[tuple[str, str], ...]:
    """`spellings: [[sh, ch], ...]`: pairs of letters."""
    if node is None or read.is_null(node):
        return ()
    value = read.value(node)
    pairs: list[tuple[str, str]] = []
    for pair in value if isinstance(value, list) else [value]:
        if (
            not isinstance(pair, list)
            or len(pair) != 2
            or not all(isinstance(p, str) and p.strip() for p in pair)
        ):
            raise ConfigError(
                f"{where}: spellings must be a list of [letters, other letters] pairs"
            )
        pairs.append((pair[0].strip().lower(), pair[1].strip().lower()))
    return tuple(pairs)


_LOCATIVE_KEYS = ("before", "nouns", "articles", "prefixes", "conjunctions")


def _locatives(node: Where | None, read: Reader, where: str, base: Locatives | None) -> Locatives:
    """`locatives: {before: [..], nouns: [..], ...}`; a user file's words are added."""
    old = base or Locatives()
    if node is None or read.is_null(node):
        return old
    fields = read.entries(node)
    if fields is None:
        raise ConfigError(
            f"{where}: locatives must be a mapping of {', '.join(_LOCATIVE_KEYS)} — see the format"
        )
    unknown = sorted((k for k in fields if k not in _LOCATIVE_KEYS), key=str)
    if unknown:
        raise ConfigError(f"{where}: unknown key {unknown[0]!r} in locatives")

    def words(key: str) -> tuple[str, ...]:
        added = (
            _strings(read.value(fields[key]), where, f"locatives.{key}") if key in fields else ()
        )
        return tuple(dict.fromkeys((*getattr(old, key), *added)))

    return Locatives(*(words(key) for key in _LOCATIVE_KEYS))


def builtin_gazetteer_text() -> str:
    return resources.files("briefing.data").joinpath("actors.yaml").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def builtin_gazetteer() -> Gazetteer:
    """The shipped gazetteer, parsed once per process (it is never mutated)."""
    return parse_gazetteer(builtin_gazetteer_text(), "briefing/data/actors.yaml")


MAX_GAZETTEER_BYTES = 16 * 1024 * 1024
"""A user's gazetteer is read whole: larger than this (the shipped one is 80 KB), it is refused."""


def load_gazetteer(user_file: Path | None = None) -> Gazetteer:
    """The shipped gazetteer, merged with the user's file when given (ConfigError names it)."""
    gazetteer = builtin_gazetteer()
    if user_file is not None:
        data = read_capped(
            Path(user_file),
            MAX_GAZETTEER_BYTES,
            "an actor gazetteer",
            lambda line: ConfigError(f"cannot read the actor gazetteer: {line}"),
        )
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ConfigError(f"{user_file}:0: cannot read the actor gazetteer ({error})") from None
        gazetteer = parse_gazetteer(text, str(user_file), gazetteer)
    return gazetteer
