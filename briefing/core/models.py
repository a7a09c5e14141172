"""The frozen dataclasses every stage speaks: config → fetch → parse → relevance → actors → store.

Each stage takes the previous stage's dataclass, never the previous module. Nothing here does I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal, get_args

# ---------------------------------------------------------------------------------------------
# Configuration (feeds.yaml)
# ---------------------------------------------------------------------------------------------

RelevanceMode = Literal["all", "default", "strict"]
"""How a feed's items are judged: `all` keeps everything (a Libya-only outlet), `default` applies
the threshold, `strict` (a general world feed) needs a strong match."""

MAX_TAG_CHARS = 60
"""The longest tag: a longer one is refused with a message (command line, OPML), never cut."""


@dataclass(frozen=True)
class FeedSpec:
    """One feed as feeds.yaml declares it."""

    name: str
    url: str
    """An http(s) URL, or a local file path that feeds.yaml names explicitly."""
    language: str | None = None
    tags: tuple[str, ...] = ()
    enabled: bool = True
    refresh_minutes: int = 60
    relevance: RelevanceMode = "default"
    full_text: bool = False
    """Fetch the article behind each new kept item's link during `briefing fetch`."""


@dataclass(frozen=True)
class WeightedTerm:
    """A term (or phrase) the relevance rules score, with its weight; negative weights penalise."""

    text: str
    weight: float
    language: str | None = None


@dataclass(frozen=True)
class RelevanceRules:
    """The relevance rules from feeds.yaml, merged over the built-in rules by `relevance`."""

    threshold: float = 3.0
    """Score at or above which an item of a `default` feed is about Libya."""
    strict_threshold: float = 6.0
    """Score needed in a `strict` (general world) feed."""
    terms: tuple[WeightedTerm, ...] = ()
    """Extra weighted terms; a term that the built-in rules know is re-weighted."""
    negative_contexts: tuple[WeightedTerm, ...] = ()
    """Phrases that cancel a match (weights are negative), e.g. "Tripoli, Lebanon"."""
    use_builtin: bool = True
    """False replaces the built-in rules instead of adding to them."""


@dataclass(frozen=True)
class SeedFacts:
    """What the project knows about the seed article without its text."""

    title: str
    outlet: str
    authors: tuple[str, ...]
    published: datetime
    url: str
    also_published: tuple[tuple[str, datetime | None], ...] = ()
    text_path: Path | None = None
    """Optional local capture of the text; imported when present."""


@dataclass(frozen=True)
class TuiSettings:
    """The TUI's user settings: quick tags for keys 1–9 and key rebindings (action → keys)."""

    quick_tags: tuple[str, ...] = ()
    keys: tuple[tuple[str, str], ...] = ()
    theme: str | None = None


@dataclass(frozen=True)
class Config:
    """Everything feeds.yaml holds, validated."""

    path: Path
    feeds: tuple[FeedSpec, ...]
    rules: RelevanceRules
    seed: SeedFacts | None
    actors_file: Path | None = None
    """A user gazetteer merged over the shipped one."""
    events_file: Path | None = None
    """User event cues merged over the shipped ones (briefing/data/events.yaml)."""
    places_file: Path | None = None
    """A user place gazetteer merged over the shipped one (briefing/data/places.yaml)."""
    tui: TuiSettings = field(default_factory=TuiSettings)
    max_connections: int = 32
    max_per_host: int = 4
    fetch_timeout: float = 20.0
    """Wall-clock seconds allowed for one feed's whole fetch (feeds.yaml `fetch.timeout`)."""
    fetch_max_bytes: int = 10_000_000
    """Cap on one feed's body, on the wire and after decompression (`fetch.max_bytes`)."""


# ---------------------------------------------------------------------------------------------
# Fetch and parse
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One parsed, normalised item: clean text, UTC dates, a stable identity. No markup inside."""

    identity: str
    """Stable per feed: the guid, else the canonical link, else a hash of title and date."""
    feed: str
    """The FeedSpec name it came from (or the outlet, for an imported article)."""
    title: str
    url: str | None = None
    canonical_url: str | None = None
    summary: str = ""
    content: str = ""
    author: str | None = None
    published: datetime | None = None
    """UTC; None when missing or absurd (the store then uses the first-seen time)."""
    language: str | None = None
    kind: Literal["feed", "article"] = "feed"


# ---------------------------------------------------------------------------------------------
# Relevance and actors
# ---------------------------------------------------------------------------------------------

TextField = Literal["title", "summary", "content", "feed"]


@dataclass(frozen=True)
class Reason:
    """Why an item scored: which term or actor matched, in which field, for what weight."""

    term: str
    field: TextField
    weight: float
    note: str = ""


@dataclass(frozen=True)
class Verdict:
    """The relevance decision for one item, explainable."""

    relevant: bool
    score: float
    reasons: tuple[Reason, ...] = ()


ActorKind = Literal[
    "person", "armed_group", "government", "state", "organisation", "company", "place"
]


@dataclass(frozen=True)
class ActorInfo:
    """An actor as the store keeps it (the gazetteer's view of it, without matching rules)."""

    id: str
    """A stable slug, e.g. `khalifa-haftar`."""
    name: str
    kind: ActorKind
    aliases: tuple[str, ...] = ()
    affiliations: tuple[str, ...] = ()
    """Ids of actors this one belongs to (Khalifa Haftar → lna)."""
    description: str = ""
    acts: bool = False
    """For a place: its forces or council act as a faction (Misrata, Zintan), so it is listed among
    the actors; any other place is a location only, never listed as an actor."""


@dataclass(frozen=True)
class ActorMention:
    """One actor found in one item."""

    actor_id: str
    name: str
    count: int
    surfaces: tuple[str, ...] = ()
    """The exact strings matched, for highlighting."""


EventType = Literal[
    "armed_clash",
    "remote_violence",
    "attack_on_civilians",
    "protest",
    "arrest_detention",
    "talks_agreement",
    "governance_elections",
    "oil_energy",
    "economy_finance",
    "migration",
    "humanitarian",
    "foreign_military",
    "legal_sanctions",
    "none",
]
"""What an item reports happened (shared/events/TAXONOMY.md): one primary type per item."""
EVENT_TYPES: tuple[EventType, ...] = get_args(EventType)


@dataclass(frozen=True)
class EventVerdict:
    """An item's event type with the words and rules that decided it, for the reading pane."""

    type: EventType
    reasons: tuple[str, ...] = ()


NO_EVENT = EventVerdict("none")


@dataclass(frozen=True)
class PlaceMention:
    """A place of the place gazetteer named in an item."""

    place_id: str
    """A stable slug, e.g. `sirte` or `es-sider-terminal`."""
    name: str
    region: str
    """Tripolitania, Cyrenaica or Fezzan; empty for a place outside Libya."""
    surfaces: tuple[str, ...] = ()
    """The exact strings matched, for highlighting."""
    primary: bool = False
    """The event's place (where it happened), not merely a place named in passing."""


@dataclass(frozen=True)
class PlaceInfo:
    """A place of the place gazetteer as the store keeps it (for `briefing places` and the map)."""

    id: str
    name: str
    region: str = ""
    """Tripolitania, Cyrenaica or Fezzan; empty for a place outside Libya."""
    district: str = ""
    kind: str = "town"
    """town, oil_field, terminal, airport, air_base, border_crossing, port…"""
    lat: float | None = None
    lon: float | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Tagged:
    """An entry with its relevance verdict and its actors: what the store takes."""

    entry: Entry
    verdict: Verdict
    actors: tuple[ActorMention, ...] = ()
    """People, groups, bodies, states, organisations, companies and places that act as factions
    (Misrata, Zintan)."""
    places: tuple[ActorMention, ...] = ()
    """Other gazetteer places named in the item (Tripoli, Sirte, oil terminals…): matched and
    scored for relevance, stored for filtering, but not reported as actors."""
    event: EventVerdict = NO_EVENT
    """What the item reports happened."""
    locations: tuple[PlaceMention, ...] = ()
    """Places of the place gazetteer, the event's place marked `primary`."""


# ---------------------------------------------------------------------------------------------
# Store: queries and what they return
# ---------------------------------------------------------------------------------------------

TriageState = Literal["active", "unread", "read", "flagged", "dismissed", "all"]
"""`active` is everything not dismissed (the default); `all` includes dismissed items."""

SortOrder = Literal["newest", "oldest", "relevance", "title"]


@dataclass(frozen=True)
class ItemFilter:
    """A query over stored items. Fields combine with AND; values inside a tuple with OR."""

    text: str = ""
    """A search over title, summary and content, in the language of `briefing.core.search`
    (phrases, OR, -word, prefix*; Arabic normalised)."""
    actors: tuple[str, ...] = ()
    """Actor ids or names."""
    tags: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None
    state: TriageState = "active"
    kinds: tuple[Literal["feed", "article"], ...] = ()
    ids: tuple[int, ...] = ()
    tagged: Literal["any", "none"] | None = None
    """"any": items with at least one tag ("everything I tagged"); "none": untagged items."""
    within: timedelta | None = None
    """A relative window ("the last 7 days"): items from `within` before the moment the query
    runs, so a saved view or a date chip never goes stale. Combines with `since` (the later
    bound wins)."""
    events: tuple[str, ...] = ()
    """Event types (`EVENT_TYPES`)."""
    places: tuple[str, ...] = ()
    """Place ids, names or aliases: items that name the place (any of them, not only primary)."""

    def is_empty(self) -> bool:
        return self == ItemFilter()

    def resolved(self, now: datetime) -> ItemFilter:
        """This filter with its relative window turned into an absolute `since` at `now`: what
        the store queries, and the period a digest or brief reports."""
        if self.within is None:
            return self
        start = now - self.within
        since = start if self.since is None else max(self.since, start)
        return replace(self, since=since, within=None)


@dataclass(frozen=True)
class ItemRow:
    """One row of the item list: enough to draw it, nothing heavy."""

    id: int
    title: str
    feed: str
    published: datetime
    """Published time in UTC, or the first-seen time when the feed gave none."""
    url: str | None
    kind: Literal["feed", "article"]
    read: bool
    flagged: bool
    dismissed: bool
    relevance: float
    actors: tuple[str, ...]
    """Actor names, most mentioned first."""
    tags: tuple[str, ...]
    also_in: tuple[str, ...]
    """Other feeds that carried the same story."""
    has_note: bool = False
    event_type: EventType = "none"
    story_id: int | None = None
    """The story the item belongs to (`Store.story`), shared by every report of one event."""


@dataclass(frozen=True)
class ItemDetail:
    """Everything about one item, for the reading pane and exports."""

    row: ItemRow
    summary: str
    content: str
    author: str | None
    canonical_url: str | None
    language: str | None
    fetched_at: datetime
    note: str
    reasons: tuple[Reason, ...]
    mentions: tuple[ActorMention, ...]
    authors_details: str = ""
    """Author bios of an imported article (kept apart from the body)."""
    event: EventVerdict = NO_EVENT
    places: tuple[PlaceMention, ...] = ()
    """The item's places, the event's place marked `primary`; never among `mentions`."""
    story_reasons: tuple[str, ...] = ()
    """Why the item joined its story ("same type remote_violence", "same place Sirte", "5 h
    apart", "shared actors: LNA"); empty for the item that started it."""
    full_text: str = ""
    """The article text fetched from the item's page (`f` in the app, `briefing fulltext`)."""
    full_text_status: Literal["", "ok", "failed"] = ""
    """"" when never fetched; "failed" with `full_text_reason` saying why."""
    full_text_reason: str = ""


@dataclass(frozen=True)
class Facet:
    """A facet value with its item count under the current filter."""

    value: str
    label: str
    count: int


@dataclass(frozen=True)
class Facets:
    """Counts per facet for the filter panel."""

    actors: tuple[Facet, ...]
    tags: tuple[Facet, ...]
    feeds: tuple[Facet, ...]
    states: tuple[Facet, ...]
    events: tuple[Facet, ...] = ()
    places: tuple[Facet, ...] = ()


@dataclass(frozen=True)
class Triage:
    """One item's triage state, as saved for undo."""

    item_id: int
    read: bool
    flagged: bool
    dismissed: bool
    tags: tuple[str, ...]
    note: str


@dataclass(frozen=True)
class FeedState:
    """What the fetcher remembers about a feed between runs."""

    name: str
    url: str
    """The URL to fetch (a permanent redirect replaces the configured one)."""
    etag: str | None = None
    last_modified: str | None = None
    last_status: str | None = None
    last_error: str | None = None
    last_fetched_at: datetime | None = None
    next_fetch_at: datetime | None = None
    error_count: int = 0
    enabled: bool = True
    title: str | None = None


FetchStatus = Literal["ok", "not_modified", "error", "gone", "skipped"]


@dataclass(frozen=True)
class FetchOutcome:
    """What one feed's fetch produced, for the store to record (one per feed per run)."""

    feed: str
    status: FetchStatus
    http_status: int | None = None
    error: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    new_url: str | None = None
    """Set after a permanent redirect (301/308) to a feed that then parsed."""
    next_fetch_at: datetime | None = None
    disable: bool = False
    seen: int = 0
    kept: int = 0
    dropped: int = 0
    elapsed: float = 0.0
    feed_title: str | None = None


@dataclass(frozen=True)
class StoreResult:
    """What storing one feed's items changed."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    merged: int = 0
    """Items that were the same story as one already stored from another feed."""


@dataclass(frozen=True)
class FetchRun:
    """One row of the fetch log."""

    run_id: str
    feed: str
    started_at: datetime
    status: str
    http_status: int | None
    error: str | None
    seen: int
    kept: int
    dropped: int
    new: int
    updated: int
    elapsed: float


@dataclass(frozen=True)
class SavedView:
    """A named, saved filter."""

    name: str
    filter: ItemFilter


@dataclass(frozen=True)
class ActorCount:
    """An actor with its item counts (24 h, 7 days, all time) and a 30-day daily series."""

    id: str
    name: str
    kind: str
    last_24h: int
    last_7d: int
    total: int
    daily: tuple[int, ...] = ()
    """Items per day for the last 30 days, oldest first."""


@dataclass(frozen=True)
class PlaceCount:
    """A place with its item counts (24 h, 7 days, all time) and where it is, for lists and maps."""

    id: str
    name: str
    region: str
    last_24h: int
    last_7d: int
    total: int
    primary: int = 0
    """Items whose event happened there (the rest only name it)."""
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True)
class Story:
    """Every report of one real-world event: same act, same place, within a few days."""

    id: int
    """Stable: the id of the item that started the story."""
    event_type: EventType
    place_id: str | None
    place: str | None
    """The place's name."""
    headline: str
    """An English headline from the best source when there is one."""
    first_seen: datetime
    last_seen: datetime
    sources: tuple[str, ...]
    """Feeds that carried it, first first."""
    languages: tuple[str, ...]
    items: int
    """Stored items in the story (an item republished by several feeds counts once)."""


@dataclass(frozen=True)
class StoreStatus:
    """The figures `briefing status` prints."""

    path: str
    size_bytes: int
    items: int
    feeds: int
    actors: int
    tags: int
    last_fetch: datetime | None
    read_only: bool
    seed: ItemRow | None
    seed_has_text: bool
    schema_version: int
    search_pending: int = 0
    """Items stored but not yet in the text-search index (a fetch is running, or was killed)."""


# ---------------------------------------------------------------------------------------------
# Story briefs: what the store gives a brief, and the briefs it has recorded
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoryReport:
    """One outlet's report of a story, as a brief cites it."""

    item_id: int
    feed: str
    url: str | None
    language: str | None
    published: datetime
    flagged: bool
    tagged: bool
    title: str


@dataclass(frozen=True)
class StoryActivity:
    """A story with its reports in a period (those the filter selects), for a brief."""

    story_id: int
    event_type: EventType
    place: str | None
    region: str | None
    headline: str
    first_seen: datetime
    last_seen: datetime
    reports: tuple[StoryReport, ...]
    actors: tuple[str, ...]
    """Actor names (never places), most reports first."""
    all_sources: tuple[str, ...]
    """Every feed that carried the story so far, in the period or not (its fingerprint)."""
    all_items: int
    shared_notes: tuple[tuple[int, str], ...] = ()
    """(item id, note) of notes the analyst marked to be shared with the client."""


@dataclass(frozen=True)
class RecordedBrief:
    """A brief that was exported or saved: what the next one compares with."""

    id: int
    created_at: datetime
    since: datetime
    until: datetime
    title: str
    filter_key: str
    """The filter (without the period) as text: briefs compare with the last of the same key."""
    stories: int
