"""Where an item's event happened: the place gazetteer and the choice of the event's place.

The gazetteer (`briefing/data/places.yaml`, merged with the user's `places_file`) lists Libyan
cities, towns and districts with Arabic and French spellings, coordinates, district and region,
and the sites analysts track by name (oil fields and terminals, refineries, airports and air
bases, border crossings, ports). Its places are matched by the actor matcher (the same folding,
guards and relevance signal: `with_places` adds them to the actor gazetteer as kind `place`),
and reported apart from the actors, as `PlaceMention`s.

One of an item's places is marked `primary`: the event's place, not any city in the text.
"Clashes in Sirte between forces of the Tripoli-based government…" is about Sirte:

* a place right after a locative word ("in", "near", "at", "off", "في", "قرب", "à", "près de",
  or Arabic's attached ب) is where something happened; a place that opens the headline too;
* "Tripoli-based", "the Tripoli government", "based in Tripoli", "حكومة طرابلس" name an
  institution, "bound for Benghazi" a destination, "Misratan" a people: never the event's place;
* the headline counts more than the summary, a site or a district more than its city, and a
  region least;
* an event abroad ("talks in Geneva") or an item with no event has no primary place.

Pure: no I/O except `load_places`, which reads the files it is given.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, cast

from briefing.core.errors import ConfigError
from briefing.core.models import EventType, PlaceMention
from briefing.core.yamlwalk import Reader, Where, compose_data
from briefing.intelligence.gazetteer import Actor, Gazetteer
from briefing.intelligence.matching import Hit, PhraseMatcher, Prepared, phrase_key

PLACE_KINDS = (
    "city",
    "town",
    "district",
    "region",
    "oil_field",
    "gas_field",
    "oil_terminal",
    "refinery",
    "airport",
    "air_base",
    "border_crossing",
    "port",
)
REGIONS = ("Tripolitania", "Cyrenaica", "Fezzan")
SITE_KINDS = frozenset(PLACE_KINDS[4:])
OIL_KINDS = frozenset(("oil_field", "gas_field", "oil_terminal", "refinery"))
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
_PLACE_KEYS = frozenset(
    "id name kind region district lat lon names weak adjectives unless_near unless signal "
    "description".split()
)


@dataclass(frozen=True)
class Place:
    """One place of the gazetteer."""

    id: str
    name: str
    kind: str
    region: str
    district: str = ""
    lat: float = 0.0
    lon: float = 0.0
    names: tuple[str, ...] = ()
    """Every strong spelling (the name is one, unless it is listed only as weak)."""
    weak: tuple[str, ...] = ()
    """Spellings that count only when the item is otherwise about Libya."""
    adjectives: tuple[str, ...] = ()
    """Demonyms ("Misratan"): matched, but naming the people, not the place."""
    unless_near: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()
    signal: float = 3.0
    description: str = ""


@dataclass(frozen=True)
class PlaceGazetteer:
    """The merged place gazetteer, and the places abroad that host Libya's events."""

    places: Mapping[str, Place] = field(default_factory=dict)
    abroad: tuple[str, ...] = ()
    """Cities outside Libya where talks and trials happen (Geneva, Cairo, The Hague): an
    event placed there has no Libyan primary place."""


# ---------------------------------------------------------------------------------------------
# Loading (the only I/O): YAML validated into one-line ConfigErrors
# ---------------------------------------------------------------------------------------------


def _strings(value: Any, where: str, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str | int | float) for v in value):
        raise ConfigError(f"{where}: {key} must be a list of text")
    return tuple(str(v).strip() for v in value if str(v).strip())


def _number(raw: dict[str, Any], key: str, where: str, default: float) -> float:
    value = raw[key] if key in raw else default
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{where}: {key} must be a number")
    return float(value)


def _place(node: Where, read: Reader, where: str, base: Place | None) -> Place:
    entries = read.entries(node)
    if entries is None:
        raise ConfigError(f"{where}: every entry of `places` must be a mapping with id and name")
    # The values as safe_load built them: `places.yaml` is read as it always was.
    raw = {key: read.value(value) for key, value in entries.items()}
    unknown = sorted(set(map(str, raw)) - _PLACE_KEYS)
    if unknown:
        raise ConfigError(f"{where}: unknown key {unknown[0]!r} in place — see the format")
    place_id = raw.get("id")
    if not isinstance(place_id, str) or not _SLUG.match(place_id):
        raise ConfigError(f"{where}: place id {place_id!r} must be a slug like 'ras-lanuf'")
    name = raw.get("name", base.name if base else None)
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{where}: place {place_id!r} needs a name")
    kind = raw.get("kind", base.kind if base else "town")
    if kind not in PLACE_KINDS:
        raise ConfigError(
            f"{where}: place {place_id!r} kind {kind!r} is not one of {', '.join(PLACE_KINDS)}"
        )
    region = raw.get("region", base.region if base else "")
    if region not in (*REGIONS, ""):
        raise ConfigError(
            f"{where}: place {place_id!r} region {region!r} is not one of {', '.join(REGIONS)}"
        )

    def pick(key: str, old: tuple[str, ...]) -> tuple[str, ...]:
        return _strings(raw[key], where, key) if key in raw else old

    names = pick("names", base.names if base else ())
    weak = pick("weak", base.weak if base else ())
    if phrase_key(name) not in {phrase_key(n) for n in weak}:
        # The name is a strong spelling, unless listed only as weak (generated towns: "Ghat").
        names = (name.strip(), *names)
    return Place(
        id=place_id,
        name=name.strip(),
        kind=str(kind),
        region=str(region),
        district=str(raw.get("district", base.district if base else "") or ""),
        lat=_number(raw, "lat", where, base.lat if base else 0.0),
        lon=_number(raw, "lon", where, base.lon if base else 0.0),
        names=tuple(dict.fromkeys(names)),
        weak=weak,
        adjectives=pick("adjectives", base.adjectives if base else ()),
        unless_near=pick("unless_near", base.unless_near if base else ()),
        unless=pick("unless", base.unless if base else ()),
        signal=_number(raw, "signal", where, base.signal if base else 3.0),
        description=str(raw.get("description", base.description if base else "") or ""),
    )


def parse_places(text: str, source: str, base: PlaceGazetteer | None = None) -> PlaceGazetteer:
    """Parse a place gazetteer; places override `base`'s by id (only the keys given change)."""
    root = compose_data(text, source)
    read = Reader()
    data = {} if root is None or read.is_null(root) else read.entries(root)
    if data is None:
        raise ConfigError(f"{source}:1: a place gazetteer is a mapping with `places:`")
    unknown = sorted(set(map(str, data)) - {"places", "abroad", "version"})
    if unknown:
        raise ConfigError(f"{source}:1: unknown top-level key {unknown[0]!r} — use places, abroad")
    places: dict[str, Place] = dict(base.places) if base else {}
    places_node = data.get("places")
    raw_places = [] if places_node is None or read.is_null(places_node) else read.items(places_node)
    if raw_places is None:
        if read.value(cast(Where, places_node)):
            raise ConfigError(f"{source}:1: `places` must be a list")
        raw_places = []  # `places: {}`, `places: ''`: no places
    seen: set[str] = set()
    for number, node in enumerate(raw_places, 1):
        where = f"{source}:{node.line}: place {number}"
        fields = read.entries(node)
        place_id = read.value(fields["id"]) if fields and "id" in fields else None
        if isinstance(place_id, str) and place_id in seen:
            raise ConfigError(f"{where}: duplicate place id {place_id!r}")
        place = _place(
            node, read, where, places.get(place_id) if isinstance(place_id, str) else None
        )
        seen.add(place.id)
        places[place.id] = place
    abroad_node = data.get("abroad")
    abroad_at = source if abroad_node is None else f"{source}:{abroad_node.line}"
    abroad_value = None if abroad_node is None else read.value(abroad_node)
    abroad = (base.abroad if base else ()) + _strings(abroad_value, abroad_at, "abroad")
    return PlaceGazetteer(places, abroad)


def builtin_places_text() -> str:
    return resources.files("briefing.data").joinpath("places.yaml").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def builtin_places() -> PlaceGazetteer:
    """The shipped place gazetteer, parsed once per process (never mutated)."""
    return parse_places(builtin_places_text(), "briefing/data/places.yaml")


def load_places(user_file: Path | None = None) -> PlaceGazetteer:
    """The shipped places merged with the user's file when given (ConfigError names it)."""
    places = builtin_places()
    if user_file is not None:
        try:
            text = Path(user_file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise ConfigError(f"{user_file}:0: cannot read the place gazetteer ({error})") from None
        places = parse_places(text, str(user_file), places)
    return places


def with_places(gazetteer: Gazetteer, places: PlaceGazetteer) -> Gazetteer:
    """The actor gazetteer with every place added as an actor of kind `place`, for matching.

    A place that the actor gazetteer lists as acting (`acts: true`: Misrata, Zintan) keeps its
    actor entry and gains the place's spellings; any other actor-gazetteer entry with a place's
    id is replaced by the place (the place gazetteer is where places are described), keeping
    only its collision keys (`collides`, `confirm`).
    """
    actors = dict(gazetteer.actors)
    for place in places.places.values():
        spellings = tuple(dict.fromkeys((*place.names, *place.adjectives)))
        existing = actors.get(place.id)
        if existing is not None and existing.acts:
            extra = tuple(n for n in spellings if n not in existing.aliases)
            actors[place.id] = replace(existing, aliases=existing.aliases + extra)
            continue
        actors[place.id] = Actor(
            id=place.id,
            name=place.name,
            kind="place",
            aliases=spellings,
            weak=place.weak,
            unless_near=place.unless_near,
            unless=place.unless,
            signal=place.signal,
            description=place.description,
            # Whether its name collides, and what confirms it, stay with the actor entry
            # (issue 16: `collides:` and `confirm:` in actors.yaml or the user's file).
            collides=existing.collides if existing is not None else (),
            collides_all=existing.collides_all if existing is not None else False,
            confirm=existing.confirm if existing is not None else (),
        )
    return replace(gazetteer, actors=actors)


# ---------------------------------------------------------------------------------------------
# The event's place
# ---------------------------------------------------------------------------------------------

# Folded words (single, or the last two) before a place that say "here it happened".
_LOCATIVE = frozenset(
    "in near at outside around inside into off across within on nearby "
    "hit hits rock rocks rocked shake shakes shook target targets targeted strike strikes struck "
    "storm storms stormed shell shells shelled bomb bombs bombed grip grips "
    "تضرب ضربت تهز هزت استهدف استهدفت تستهدف يستهدف "
    "frappe frappent touche secoue vise visent "
    "visits visit visited visiting arrives arrived reaches reached enters entered "
    "في قرب داخل عند بمدينه بمنطقه ضواحي محيط يزور زار يصل وصل "
    "dans a au aux sur visite".split()
)
# Words that place an event relative to a reference ("south of Tripoli", "جنوب طرابلس"): the
# reference is a weaker event place than a place named with a locative of its own.
_RELATIVE = frozenset(
    "south north east west southeast southwest northeast northwest southern northern eastern "
    "western sud nord est ouest جنوب شمال شرق غرب جنوبي شمالي شرقي غربي".split()
)
# Words skipped when looking for the locative before a place: "in the town of X",
# "dans le quartier d'Ain Zara", "في مدينة الزاوية", and the Arabic article written apart
# ("hits al-Kufrah", "à El Joufra": most names are listed without it).
_FILLER = frozenset(
    "the la le l les of d de du des al el quartier district neighbourhood neighborhood suburb suburbs "
    "town city village area region outskirts km kilometres kilometers miles ville zone "
    "حي منطقه مدينه بلديه ضاحيه".split()
)
# Words that introduce a list of examples: "in 15 towns including Ghat and Nalut".
_LISTING = frozenset("including such notamment dont بينها منها مثل".split())
_NEEDS_LOCATIVE = frozenset(("legal_sanctions",))
"""Event types whose place must be stated ("a court in Tripoli", "Tripoli court"): an ICC
warrant over killings in Tarhuna is issued in The Hague."""
_LOCATIVE_PAIRS = frozenset(
    (
        "close to",
        "pres de",
        "abords de",
        "بالقرب من",
        "visit to",
        "trip to",
        "arrival in",
    )
)
# Words after a place that make it an institution's seat ("Tripoli-based", "Tobruk parliament").
_INSTITUTION_AFTER = frozenset(
    "based government govt authorities administration parliament cabinet executive camp "
    "faction rivals rival lawmakers".split()
)
# Words before it with the same sense ("the government in Tripoli", "حكومة طرابلس").
_INSTITUTION_BEFORE = frozenset(
    "حكومه الحكومه برلمان البرلمان سلطات مقرها ومقرها gouvernement parlement autorites "
    "executif".split()
)
_INSTITUTION_PAIRS = frozenset(
    (
        "based in",
        "headquartered in",
        "seated in",
        "government in",
        "parliament in",
        "authorities in",
        "administration in",
        "rivals in",
        "base a",
        "basee a",
        "bases a",
        "gouvernement de",
        "parlement de",
        "autorites de",
        "الحكومه في",
        "البرلمان في",
        "ومقرها في",
        "مقرها في",
    )
)
# Destinations and origins: "bound for Benghazi", "فارين من ترهونة".
_DIRECTION = frozenset("towards toward vers باتجاه".split())
_DIRECTION_PAIRS = frozenset(
    (
        "bound for",
        "heading for",
        "headed for",
        "heading to",
        "headed to",
        "en route",
        "destination de",
        "متجهه الي",
        "متجها الي",
    )
)
# The last words of the pairs above: a word pair can only be one of them when its last word is
# one of these (most words before a place are not), so the pair is joined only then.
_PAIR_ENDS = frozenset(
    pair.split()[-1] for pair in (*_LOCATIVE_PAIRS, *_INSTITUTION_PAIRS, *_DIRECTION_PAIRS)
)
_FIELD_SCORE = {"title": 3.0, "summary": 1.5}
_KIND_SCORE = {"region": -2.0, "city": 0.0, "town": 0.2}
_SPECIFIC = 0.5
"""A site or a district names the event's place more closely than its city."""
_ABROAD_WORDS = ("in", "at", "a", "في", "au")


class PlaceLocator:
    """Turns an item's matched places into `PlaceMention`s with the event's place marked."""

    def __init__(self, places: PlaceGazetteer) -> None:
        self.places = places
        self._info = {p.id: p for p in places.places.values()}
        self._adjectives = {
            p.id: frozenset(phrase_key(a) for a in p.adjectives) for p in places.places.values()
        }
        self._names = {
            p.id: frozenset(phrase_key(n) for n in p.names) for p in places.places.values()
        }
        self._closeness = {
            p.id: _SPECIFIC
            if p.kind in SITE_KINDS or p.kind == "district"
            else _KIND_SCORE.get(p.kind, 0.0)
            for p in places.places.values()
        }
        """How closely each place names where something happened (a site most, a region least)."""
        # " in geneva ", " في جنيف ", " بجنيف ": a locative phrase abroad.
        self._abroad: PhraseMatcher[str] = PhraseMatcher()
        for city in places.abroad:
            for word in _ABROAD_WORDS:
                self._abroad.add(
                    f" {word}{phrase_key(city)}", city, folded=True, arabic_prefixes=False
                )
            if _is_arabic(city):
                self._abroad.add(f" ب{phrase_key(city).strip()} ", city, folded=True)
        self._abroad.build()
        self._abroad_words = frozenset(
            word
            for city in places.abroad
            for word in (phrase_key(city).split()[-1], "ب" + phrase_key(city).split()[-1])
        )
        self._all_places = frozenset(places.places)
        self._regions = frozenset(p.id for p in places.places.values() if p.kind == "region")
        self._mentions: dict[tuple[Any, ...], PlaceMention] = {}
        self._located: dict[tuple[Any, ...], tuple[PlaceMention, ...]] = {}
        """Results by item text and evidence: feeds repeat items."""

    def kind(self, place_id: str) -> str:
        place = self._info.get(place_id)
        return place.kind if place is not None else ""

    def oil_sites(self, place_ids: Iterable[str]) -> list[str]:
        """The oil and gas sites among `place_ids` (a hint for the event type)."""
        return [p for p in place_ids if self.kind(p) in OIL_KINDS]

    def occurrences(
        self, hits: Sequence[Hit[tuple[Any, ...]]], place_ids: frozenset[str] | set[str]
    ) -> tuple[list[tuple[int, int, str, str]], list[tuple[int, int]]]:
        """(start, end, folded key, place id) of every matched place among the automaton's
        hits (longest first: a place inside a longer place is left out), and the (start, end)
        of the other names found (a place inside one of those names a group, not a place)."""
        found: list[tuple[int, int, str, str]] = []
        containers: list[tuple[int, int]] = []
        every_place = self._all_places
        regions = self._regions
        for start, end, key, payload in hits:
            for entry in payload:
                if entry[0] == "A":
                    if entry[1] in place_ids:
                        # A region (Fezzan, the oil crescent) is evidence for relevance, but
                        # not a place of the facet: a place's region is on its mention.
                        if entry[1] not in regions:
                            found.append((start, end, key, entry[1]))
                        break
                    if entry[1] not in every_place:
                        containers.append((start, end))
                        break
        if len(found) > 1:
            found.sort(key=lambda o: (o[0], o[0] - o[1]))
            outer: list[tuple[int, int, str, str]] = []
            for occurrence in found:
                if outer and occurrence[1] <= outer[-1][1]:
                    continue  # inside the previous one ("Tripoli" in "Tripoli port")
                outer.append(occurrence)
            found = outer
        return found, containers

    def locate(
        self,
        item: Prepared,
        occurrences: Sequence[tuple[int, int, str, str]],
        containers: Sequence[tuple[int, int]],
        event: EventType,
    ) -> tuple[PlaceMention, ...]:
        """The item's places, the event's place first and marked `primary`.

        Args:
            item: the prepared item the occurrences were found in.
            occurrences: `occurrences(...)` of the places the actor matcher kept.
            containers: (start, end) of the longer non-place names found ("Tripoli
                Revolutionaries Brigade"): a place inside one names a group, not a place.
            event: the item's event type (`none`: no event, so no event place).
        """
        if not occurrences:
            return ()
        key = (item.lowered, event, *occurrences, *containers)
        found = self._located.get(key)
        if found is None:
            found = self._locate(item, occurrences, containers, event)
            if len(self._located) >= 20_000:
                self._located.clear()
            self._located[key] = found
        return found

    def _locate(
        self,
        item: Prepared,
        occurrences: Sequence[tuple[int, int, str, str]],
        containers: Sequence[tuple[int, int]],
        event: EventType,
    ) -> tuple[PlaceMention, ...]:
        text = item.lowered
        title_end = item.bounds[0][0] if item.bounds and item.bounds[0][1] == "title" else 0
        order: dict[str, int] = {}
        surfaces: dict[str, list[str]] = {}
        best: dict[str, float] = {}
        # The event's place is told in the headline and the summary; an article body counts
        # only when they name none.
        lead_end = item.bounds[1][0] if len(item.bounds) > 1 else len(text) + 1
        # (Occurrences come in start order: the first is the earliest.)
        in_lead = occurrences[0][0] < lead_end
        # Scores only choose the event's place: an item with no event has none to choose.
        scoring = event != "none"
        needs_locative = event in _NEEDS_LOCATIVE
        adjectives = self._adjectives
        for start, end, key, place_id in occurrences:
            if key in adjectives.get(place_id, ()):
                continue  # "Misratan": the people, not the place
            if place_id not in order:
                order[place_id] = start
                surfaces[place_id] = [key.strip()]
            else:
                shown = surfaces[place_id]
                surface = key.strip()
                if surface not in shown:
                    shown.append(surface)
            if not scoring or (in_lead and start >= lead_end):
                continue
            if containers and _inside_longer(start, end, containers):
                continue
            score = self._score(text, start, end, key, place_id, title_end, item, needs_locative)
            if score is not None and score > best.get(place_id, -99.0):
                best[place_id] = score
        if not order:
            return ()
        primary = ""
        if scoring and best and not self._abroad_first(text, title_end, best, item):
            primary = max(best, key=lambda p: (best[p], -order[p]))
        ranked = sorted(order, key=lambda p: (p != primary, order[p])) if len(order) > 1 else order
        return tuple([self._mention(p, tuple(surfaces[p]), p == primary) for p in ranked])

    def _score(
        self,
        text: str,
        start: int,
        end: int,
        key: str,
        place_id: str,
        title_end: int,
        item: Prepared,
        needs_locative: bool,
    ) -> float | None:
        """How strongly one occurrence is the event's place (None: it cannot be)."""
        before = text[max(0, start - 60) : start].split()
        after = text[end : end + 30].split()
        last = before[-1] if before else ""
        # (A pair is joined only when its last word ends some pair: the sets hold only pairs.)
        pair = " ".join(before[-2:]) if last in _PAIR_ENDS else ""
        if not _LISTING.isdisjoint(before[-4:]):
            return None  # one example among several places
        # The locative before any articles and nouns of place ("in the town of X").
        index = len(before) - 1
        while index > 0 and before[index] in _FILLER and len(before) - index <= 4:
            index -= 1
        word = before[index] if before else ""
        word_pair = " ".join(before[max(0, index - 1) : index + 1]) if word in _PAIR_ENDS else ""
        following = after[0] if after else ""
        if following == "s" and len(after) > 1:
            following = after[1]  # "Tripoli's government"
        if (
            following in _INSTITUTION_AFTER
            or last in _INSTITUTION_BEFORE
            or pair in _INSTITUTION_PAIRS
            or last in _DIRECTION
            or pair in _DIRECTION_PAIRS
        ):
            return None
        if start < title_end:
            where = "title"
        else:
            where = item.field_of(start)
        score = _FIELD_SCORE.get(where, 0.5)
        # Arabic's attached ب ("بطرابلس", in Tripoli) on a name that does not begin with it.
        attached = key[1:2] == "ب" and key not in self._names.get(place_id, ())
        if word in _LOCATIVE or word_pair in _LOCATIVE_PAIRS or pair in _LOCATIVE_PAIRS or attached:
            score += 3.0
        elif word in _RELATIVE:
            score += 1.5
        elif where == "title" and start <= 2:
            score += 1.5  # the headline opens with it: "Zawiya clashes kill three"
        elif needs_locative:
            return None
        return score + self._closeness.get(place_id, 0.0)

    def _abroad_first(
        self, text: str, title_end: int, best: Mapping[str, float], item: Prepared
    ) -> bool:
        """True when the headline (else the summary) sets the event abroad and no Libyan place
        there has a locative word of its own."""
        scope = text[:title_end] if title_end else text
        # Most headlines name no city abroad: a set test on their words first.
        if self._abroad_words.isdisjoint(scope.split()) or not self._abroad.find(scope):
            return False
        return max(best.values()) < _FIELD_SCORE["title"] + 3.0

    def _mention(self, place_id: str, surfaces: tuple[str, ...], primary: bool) -> PlaceMention:
        signature = (place_id, surfaces, primary)
        mention = self._mentions.get(signature)
        if mention is None:
            place = self._info.get(place_id)
            mention = PlaceMention(
                place_id,
                place.name if place else place_id,
                place.region if place else "",
                surfaces,
                primary,
            )
            if len(self._mentions) >= 20_000:
                self._mentions.clear()
            self._mentions[signature] = mention
        return mention


def _inside_longer(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    """True when [start, end) lies inside a longer one of `spans`."""
    for a, b in spans:
        if a <= start and end <= b and (b - a) > (end - start):
            return True
    return False


def _is_arabic(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in text)


__all__ = [
    "OIL_KINDS",
    "PLACE_KINDS",
    "REGIONS",
    "Place",
    "PlaceGazetteer",
    "PlaceLocator",
    "builtin_places",
    "load_places",
    "parse_places",
    "with_places",
]
