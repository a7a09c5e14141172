"""The Tagger: relevance, actors, the event type and the places together, built once.

`relevance`, `actors`, `events` and `places` are siblings that never import one another
(except `places` building on the actor gazetteer); this module combines them. Each item is
folded once (`briefing.intelligence.matching.prepare`), the gazetteer (actors, and the places
of places.yaml added as kind `place`) finds its actors, and the actors feed the relevance score
as reasons next to the weighted terms. Places that are only locations (kind `place` without
`acts: true`) score like actors but are returned in `Tagged.places`, apart from
`Tagged.actors`. The event cues then give the event type (`Tagged.event`), and the places'
positions give `Tagged.locations`, the event's place marked `primary`.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from briefing.core.models import (
    NO_EVENT,
    ActorInfo,
    ActorMention,
    Config,
    Entry,
    EventVerdict,
    FeedSpec,
    PlaceInfo,
    PlaceMention,
    RelevanceMode,
    RelevanceRules,
    Tagged,
    TextField,
    Verdict,
)
from briefing.intelligence.actors import ActorMatcher, ActorResult
from briefing.intelligence.events import EventClassifier, EventRules, Hint, load_events
from briefing.intelligence.gazetteer import Gazetteer, load_gazetteer
from briefing.intelligence.matching import MAX_HITS, Hit, PhraseMatcher, Prepared, prepare
from briefing.intelligence.places import (
    OIL_KINDS,
    PlaceGazetteer,
    PlaceLocator,
    builtin_places,
    load_places,
    with_places,
)
from briefing.intelligence.relevance import (
    ActorScore,
    CompiledRules,
    actor_score,
    compile_rules,
    entry_fields,
    judge,
    judge_scored,
    lone_score,
)
from briefing.intelligence.tagger_cache import load_or_build


class Tagger:
    """Judges relevance and finds actors for items; cheap to call, built once per run."""

    def __init__(
        self,
        gazetteer: Gazetteer,
        rules: RelevanceRules | None = None,
        places: PlaceGazetteer | None = None,
        events: EventRules | None = None,
    ) -> None:
        # One automaton holds the gazetteer's phrases, its blocker words, the relevance terms
        # and the event cues: each item is scanned once, and each side reads the hits that
        # carry its own payloads (one list per channel).
        self.automaton: PhraseMatcher[Any] = PhraseMatcher(channels=4)
        places = places if places is not None else builtin_places()
        gazetteer = with_places(gazetteer, places)
        self.gazetteer = gazetteer
        self.locator = PlaceLocator(places)
        self.places = places
        self.place_ids = frozenset(places.places)
        self._oil_sites = frozenset(p.id for p in places.places.values() if p.kind in OIL_KINDS)
        self.classifier = EventClassifier(events if events is not None else load_events())
        self.matcher = ActorMatcher(gazetteer, self.automaton, channel=0, blocker_channel=1)
        self.rules: CompiledRules = compile_rules(
            rules or RelevanceRules(), matcher=self.automaton, channel=2
        )
        self.classifier.add_cues(self.automaton, channel=3)
        self.automaton.build()
        self._scores = _ScoreTable(gazetteer, self.rules)

    @classmethod
    def from_config(cls, config: Config) -> Tagger:
        """Built-in rules and gazetteer merged with the user's (ConfigError on a bad file).

        Loaded from the on-disk cache when it holds one built from the same inputs (see
        `briefing.intelligence.tagger_cache`), else built and cached.
        """
        return load_or_build(
            config,
            lambda: cls.build(
                config.rules, config.actors_file, config.events_file, config.places_file
            ),
            cls,
        )

    @classmethod
    def build(
        cls,
        rules: RelevanceRules | None = None,
        actors_file: Path | None = None,
        events_file: Path | None = None,
        places_file: Path | None = None,
    ) -> Tagger:
        return cls(
            load_gazetteer(actors_file), rules, load_places(places_file), load_events(events_file)
        )

    def tag(self, entry: Entry, feed: FeedSpec | None = None, *, kept_only: bool = False) -> Tagged:
        """Relevance verdict and actors for one entry (feed None: the `default` mode).

        `kept_only`: an item judged not relevant gets no event and no places (NO_EVENT, no
        locations): a fetch keeps only its verdict (`dropped_feeds`), and typing the event and
        locating it is most of the work after the verdict, for about three items in four."""
        mode: RelevanceMode = feed.relevance if feed is not None else "default"
        item = prepare(entry_fields(entry))
        if not item.bounds:
            return Tagged(entry, judge(entry, (), self.rules, mode, prepared=item, hits=()))
        # (NO_EVENT and no places: an item with no text has no event.)
        actor_hits, blockers, term_hits, cue_hits = self._scan(item.lowered)
        if not actor_hits and not term_hits and kept_only:
            # No name and no term (most world news): the verdict of nothing found, and for a
            # dropped item nothing else (as below, with no actors: `resolve` finds none).
            verdict = judge_scored(entry, self.rules, mode, item, term_hits, ())
            if not verdict.relevant:
                return _dropped(entry, verdict, ())
        found = self.matcher.resolve(item, entry.published, actor_hits, blockers)
        scored = list(map(self._scores.__getitem__, found.hits))
        alone = self._lone_scores(found) if found.alone else None
        verdict = judge_scored(entry, self.rules, mode, item, term_hits, scored, alone)
        if not verdict.relevant:
            # Actors are the parties to what an item about Libya reports: an item judged not
            # about Libya (Italy's budget, a namesake) has none, whatever names it holds (the
            # relevance reasons still show what scored). A lone collision-prone name there most
            # likely means the other thing (another Tripoli): not reported as a place either.
            places = found.without(found.alone)[1] if alone is not None else found.places
            if kept_only:
                return _dropped(entry, verdict, places)
            found = found._replace(mentions=(), places=places)
        # Places score for relevance like any actor, but are reported apart: a city where
        # something happened is not a party to it (unless its forces act: `acts: true`).
        # Tagged is a frozen dataclass: its __init__ sets each field through
        # object.__setattr__; filling the new instance's __dict__ directly is cheaper.
        tagged = _new(Tagged)
        fields = tagged.__dict__
        fields["entry"] = entry
        fields["verdict"] = verdict
        fields["actors"] = found.mentions
        fields["places"] = found.places
        fields["event"], fields["locations"] = self._event_and_places(
            item, actor_hits, found, cue_hits
        )
        return tagged

    def _scan(self, lowered: str) -> _Scan:
        """The hits of each channel, as if each side had scanned the item alone.

        Each side reads at most `MAX_HITS` occurrences of its own phrases; one scan of them
        all stops at `MAX_HITS` of any. Only an item with that many hits in all (a
        pathological text) can tell the difference: it is scanned again per side (the cue
        channel then None: the classifier scans the item's title and summary itself).
        """
        phrases, blockers, terms, cues = self.automaton.find_all(lowered)
        if len(phrases) + len(blockers) + len(terms) + len(cues) < MAX_HITS:
            return phrases, blockers, terms, cues
        phrases, blockers, terms = self.automaton.find_in(lowered, (0, 1, 2))
        return phrases, blockers, terms, None

    def _lone_scores(self, found: ActorResult) -> list[ActorScore]:
        actors, rules, alone = self.gazetteer.actors, self.rules, found.alone
        return [
            lone_score((a, actors[a].name, where, actors[a].signal), rules)
            if a in alone
            else self._scores[(a, where)]
            for a, where in found.hits
        ]

    def _event_and_places(
        self,
        item: Prepared,
        hits: list[Hit[tuple[Any, ...]]],
        found: Any,
        cue_hits: list[Hit[tuple[Any, ...]]] | None,
    ) -> tuple[EventVerdict, tuple[PlaceMention, ...]]:
        """The event type (from `cue_hits`, the scan's event channel), then the places with
        the event's place marked."""
        place_ids = {m.actor_id for m in found.places}
        if found.mentions:
            place_ids.update(m.actor_id for m in found.mentions if m.actor_id in self.place_ids)
        if not place_ids:
            return self.classifier.classify(item, (), cue_hits), ()
        occurrences, containers = self.locator.occurrences(hits, place_ids)
        title_end = item.bounds[0][0] if item.bounds[0][1] == "title" else 0
        # An oil site in the headline is an oil word ("Protesters shut Sharara").
        oil_sites = self._oil_sites  # (`locator.kind(place_id) in OIL_KINDS`, worked out once)
        hints: list[Hint] = [
            ("oil_energy", 2.0, key.strip(), start)
            for start, _, key, place_id in occurrences
            if start < title_end and place_id in oil_sites
        ]
        event = self.classifier.classify(item, hints, cue_hits)
        return event, self.locator.locate(item, occurrences, containers, event.type)

    def actor_infos(self) -> list[ActorInfo]:
        """Every actor, for `store.sync_actors`."""
        return [actor.info() for actor in self.gazetteer.actors.values()]

    def place_infos(self) -> list[PlaceInfo]:
        """Every place of the place gazetteer, for `store.sync_places`."""
        return [
            PlaceInfo(p.id, p.name, p.region, p.district, p.kind, p.lat, p.lon, (*p.names, *p.weak))
            for p in self.places.places.values()
        ]

    def find_mentions(self, text: str, when: datetime | None = None) -> list[tuple[int, int, str]]:
        """(start, end, actor id) spans in the original text, for highlighting."""
        return self.matcher.spans(text, when)


_new = object.__new__


def _dropped(entry: Entry, verdict: Verdict, places: tuple[ActorMention, ...]) -> Tagged:
    """An item judged not relevant, tagged with `kept_only`: no actors, no event, no locations
    (see `Tagger.tag`)."""
    tagged = _new(Tagged)
    fields = tagged.__dict__
    fields["entry"] = entry
    fields["verdict"] = verdict
    fields["actors"] = ()
    fields["places"] = places
    fields["event"] = NO_EVENT
    fields["locations"] = ()
    return tagged


_Hits = list[Hit[tuple[Any, ...]]]
_Scan = tuple[_Hits, _Hits, _Hits, _Hits | None]


class _ScoreTable(dict[tuple[str, TextField], ActorScore]):
    """What an (actor id, field) pair adds to the relevance score, worked out on first sight."""

    def __init__(self, gazetteer: Gazetteer, rules: CompiledRules) -> None:
        super().__init__()
        self._actors = gazetteer.actors
        self._rules = rules

    def __missing__(self, pair: tuple[str, TextField]) -> ActorScore:
        actor_id, where = pair
        actor = self._actors[actor_id]
        score = self[pair] = actor_score((actor_id, actor.name, where, actor.signal), self._rules)
        return score
