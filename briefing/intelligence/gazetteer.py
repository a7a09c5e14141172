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

import yaml

from briefing.core.errors import ConfigError
from briefing.core.files import read_capped
from briefing.core.models import ActorInfo, ActorKind

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
    history_terms: tuple[str, ...] = ()
    """Words of a historical commemoration (the Second World War, an old battle): with one of
    them, a place is collision-prone too (the past, not present-day Libya)."""
    officer_titles: tuple[str, ...] = ()
    """Officer titles (chairman, governor): right next to a weak alias of a Libyan institution
    ("NOC chairman") they name that institution's officer."""

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
        return yaml.load(text, Loader=_LineLoader)  # a SafeLoader subclass
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
    "description acts implies collides confirm __line__".split()
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
    collides, collides_all = (base.collides, base.collides_all) if base else ((), False)
    if "collides" in raw:
        value = raw["collides"]
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
        family=str(raw.get("family", base.family if base else "") or ""),
        unless_near=pick("unless_near", base.unless_near if base else ()),
        unless=pick("unless", base.unless if base else ()),
        affiliations=pick("affiliations", base.affiliations if base else ()),
        roles=tuple(roles) if raw_roles is not None else (base.roles if base else ()),
        signal=float(signal),
        description=str(raw.get("description", base.description if base else "") or ""),
        acts=acts,
        implies=pick("implies", base.implies if base else ()),
        collides=collides,
        collides_all=collides_all,
        confirm=pick("confirm", base.confirm if base else ()),
    )


_TOP_KEYS = frozenset(
    "actors roles context_terms ignore history_terms officer_titles __line__ version".split()
)


def parse_gazetteer(text: str, source: str, base: Gazetteer | None = None) -> Gazetteer:
    """Parse one gazetteer document; actors override `base`'s by id, lists are added."""
    data = _parse_yaml(text, source)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{source}:1: a gazetteer is a mapping with `actors:` — see the format")
    unknown = sorted(set(data) - _TOP_KEYS)
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
    history = (base.history_terms if base else ()) + _strings(
        data.get("history_terms"), where, "history_terms"
    )
    officers = (base.officer_titles if base else ()) + _strings(
        data.get("officer_titles"), where, "officer_titles"
    )
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
    return Gazetteer(
        actors=actors,
        roles=roles,
        context_terms=context,
        ignore=ignore,
        history_terms=history,
        officer_titles=officers,
    )


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
