"""The offline demo: the sample feeds shipped in briefing/data/demo/, ingested and triaged.

`build_demo` runs the shipped feeds through the same parse → tag → store path as a real fetch
(`pipeline.ingest_document`), with every date shifted so that the newest item is "now" (the
"last 24 hours" and "last 7 days" views are alive whenever the demo is built), then performs a
handful of analyst triage actions (tags, flags, notes, read/dismissed, saved views) so that the
TUI and the exports have something to show. The feeds are invented (see
`bench/make_demo_feeds.py`, which writes them).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

from briefing.core.errors import StoreError
from briefing.core.models import Config, FeedSpec, ItemFilter, ItemRow, RelevanceRules
from briefing.core.text import fold
from briefing.store import Store
from briefing.update.pipeline import FeedReport, ingest_document, new_run_id

DEMO_DIR = Path(__file__).resolve().parent.parent / "data" / "demo"
MANIFEST = DEMO_DIR / "manifest.json"

_RSS_DATE = re.compile(rb"<pubDate>([^<]+)</pubDate>")
_ATOM_DATE = re.compile(rb"<(published|updated)>([^<]+)</\1>")


@dataclass(frozen=True)
class DemoReport:
    """What `build_demo` did: per-feed reports, the item count and the triage performed."""

    feeds: tuple[FeedReport, ...]
    items: int
    """Items stored (all states)."""
    shift: timedelta
    """How far the shipped dates were moved so that the newest item is `now`."""
    tagged: int = 0
    flagged: int = 0
    notes: int = 0
    views: tuple[str, ...] = ()

    @property
    def seen(self) -> int:
        return sum(r.seen for r in self.feeds)

    @property
    def kept(self) -> int:
        return sum(r.kept for r in self.feeds)

    @property
    def dropped(self) -> int:
        return sum(r.dropped for r in self.feeds)

    @property
    def failed(self) -> tuple[FeedReport, ...]:
        return tuple(r for r in self.feeds if r.failed)


def demo_feeds() -> tuple[FeedSpec, ...]:
    """The shipped demo feeds, as FeedSpecs whose URLs are the shipped files."""
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    return tuple(
        FeedSpec(
            name=feed["name"],
            url=str(DEMO_DIR / feed["file"]),
            language=feed["language"],
            tags=tuple(feed["tags"]),
            relevance=feed["relevance"],
            refresh_minutes=60,
        )
        for feed in manifest["feeds"]
    )


def is_demo_store(store: Store) -> bool:
    """True when every feed of the store is a shipped demo feed (a database `demo` may replace)."""
    states = store.feed_states()
    names = {Path(spec.url).name for spec in demo_feeds()}
    return bool(states) and all(
        "/data/demo/" in state.url.replace("\\", "/") and Path(state.url).name in names
        for state in states
    )


def refuse_fetch_into_demo(store: Store) -> None:
    """Refuse `briefing fetch` into a demo database, as the app's `R` does.

    Its feeds are the shipped sample files: feeds.yaml's would mix real news into invented
    news, and `briefing demo` would then refuse to rebuild the database.

    Raises:
        StoreError: one line naming the database and how to go on.
    """
    refuse_into_demo(store, "feeds.yaml's feeds are not fetched into it", "fetch into")


def refuse_fulltext_into_demo(store: Store) -> None:
    """Refuse `briefing fulltext` on a demo database: its items' links are invented (nothing
    to fetch but errors), and a real article would mix into invented news.

    Raises:
        StoreError: one line naming the database and how to go on.
    """
    refuse_into_demo(store, "articles are not fetched into it", "fetch articles into")


def refuse_import_into_demo(store: Store) -> None:
    """Refuse `briefing import` into a demo database: a real article would mix into invented
    news, and be lost when `briefing demo` rebuilds the database.

    Raises:
        StoreError: one line naming the database and how to go on.
    """
    refuse_into_demo(store, "articles are not imported into it", "import into")


def refuse_into_demo(store: Store, refused: str, own: str) -> None:
    """One line for every command that will not write real news into a demo database:
    `{path}: is a demo database, so {refused} — … leave out --db … to {own} your own database`.

    Raises:
        StoreError: when `store` is a demo database.
    """
    if is_demo_store(store):
        raise StoreError(
            f"{store.path}: is a demo database, so {refused} "
            f"— `briefing demo --db {store.path}` rebuilds it; leave out --db (or BRIEFING_DB) "
            f"to {own} your own database"
        )


# ---------------------------------------------------------------------------------------------
# Dates: the newest shipped item becomes `now`
# ---------------------------------------------------------------------------------------------


def _rss_date(raw: bytes) -> datetime:
    return parsedate_to_datetime(raw.decode("ascii").strip()).astimezone(UTC)


def _atom_date(raw: bytes) -> datetime:
    return datetime.fromisoformat(raw.decode("ascii").strip().replace("Z", "+00:00"))


def _newest(bodies: Sequence[bytes]) -> datetime:
    stamps = [_rss_date(m.group(1)) for body in bodies for m in _RSS_DATE.finditer(body)]
    stamps += [_atom_date(m.group(2)) for body in bodies for m in _ATOM_DATE.finditer(body)]
    return max(stamps)


def _shift(body: bytes, delta: timedelta) -> bytes:
    def rss(match: re.Match[bytes]) -> bytes:
        moved = _rss_date(match.group(1)) + delta
        return b"<pubDate>" + format_datetime(moved, usegmt=True).encode() + b"</pubDate>"

    def atom(match: re.Match[bytes]) -> bytes:
        tag = match.group(1)
        moved = (_atom_date(match.group(2)) + delta).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
        return b"<" + tag + b">" + moved + b"</" + tag + b">"

    return _ATOM_DATE.sub(atom, _RSS_DATE.sub(rss, body))


# ---------------------------------------------------------------------------------------------
# Triage: what an analyst would have done with the first batch
# ---------------------------------------------------------------------------------------------

_TAG_WORDS: dict[str, tuple[str, ...]] = {
    "escalation": ("clashes", "drone", "rocket", "affrontements", "اشتباكات", "fighting"),
    "oil": ("oil", "noc", "terminal", "pétrole", "النفط", "barrels"),
    "migration": ("migrant", "naufrage", "مهاجرين", "coast guard"),
    "elections": ("election", "élections", "registration", "الانتخابات", "electoral"),
}
_NOTES = {
    "escalation": "Check the casualty figures against UNSMIL's next briefing.",
    "oil": "Compare with NOC's weekly production figures before citing.",
    "elections": "Follow up: which councils did not vote, and why?",
}
_TAGS_PER_TOPIC = 12


def _matches(row: ItemRow, words: tuple[str, ...]) -> bool:
    title = fold(row.title)
    return any(fold(word) in title for word in words)


def _triage(store: Store, now: datetime) -> tuple[int, int, int, tuple[str, ...]]:
    rows = store.items(ItemFilter(), sort="newest", limit=2000)
    tagged = flagged = notes = 0
    for tag, words in _TAG_WORDS.items():
        hits = [row for row in rows if _matches(row, words)][:_TAGS_PER_TOPIC]
        if not hits:
            continue
        store.add_tags([row.id for row in hits], [tag])
        tagged += len(hits)
        newest = hits[: 3 if tag == "escalation" else 1]
        store.set_flagged([row.id for row in newest], True)
        flagged += len(newest)
        if tag in _NOTES:
            store.set_note(hits[0].id, _NOTES[tag])
            notes += 1
    # Older news has been read; two wire duplicates the analyst found useless are dismissed.
    old = [row.id for row in rows if row.published < now - timedelta(days=21)]
    store.set_read(old, True)
    store.set_dismissed([row.id for row in rows[-2:]], True)
    views = {
        "Escalation": ItemFilter(tags=("escalation",)),
        "Oil and money": ItemFilter(tags=("oil",)),
        "Flagged": ItemFilter(state="flagged"),
        # Relative: the view shows the last 7 days whenever it is opened, not those of the build.
        "Last 7 days": ItemFilter(within=timedelta(days=7)),
    }
    for name, view in views.items():
        store.save_view(name, view)
    return tagged, flagged, notes, tuple(views)


# ---------------------------------------------------------------------------------------------
# The entry point
# ---------------------------------------------------------------------------------------------


def build_demo(store: Store, config: Config | None, *, now: datetime | None = None) -> DemoReport:
    """Ingest the shipped demo feeds into `store`, then triage a few items.

    Args:
        store: a writable store (normally a fresh file, `db/demo.db`).
        config: the user's configuration, for its relevance rules and gazetteer; None uses the
            built-in ones. Its feeds are not used: the demo's feeds replace them.
        now: the time the newest demo item gets (default: the current time).

    Returns:
        DemoReport with each feed's report and what the triage did.
    """
    now = (now or datetime.now(UTC)).replace(second=0, microsecond=0)
    specs = demo_feeds()
    if config is None:
        config = Config(
            path=DEMO_DIR / "feeds.yaml", feeds=specs, rules=RelevanceRules(), seed=None
        )
    else:
        config = replace(config, feeds=specs)
    # Imported here: `briefing fetch`, `import` and `fulltext` import this module for their
    # refusals, and the tagging stack imported then would load in the fetch's main process
    # before it forks, where its workers import it in parallel anyway.
    from briefing.intelligence.tagging import Tagger

    tagger = Tagger.from_config(config)
    store.sync_feeds(specs)
    store.sync_actors(tagger.actor_infos())
    store.sync_places(tagger.place_infos())
    bodies = [Path(spec.url).read_bytes() for spec in specs]
    delta = now - _newest(bodies)
    run_id = new_run_id(now)
    reports = []
    for spec, body in zip(specs, bodies, strict=True):
        media = "application/atom+xml" if spec.url.endswith(".atom") else "application/rss+xml"
        headers = {"Content-Type": f"{media}; charset=utf-8"}
        reports.append(
            ingest_document(
                spec, _shift(body, delta), headers, store, tagger, now=now, run_id=run_id
            )
        )
    tagged, flagged, notes, views = _triage(store, now)
    return DemoReport(
        feeds=tuple(reports),
        items=store.count(ItemFilter(state="all")),
        shift=delta,
        tagged=tagged,
        flagged=flagged,
        notes=notes,
        views=views,
    )


__all__ = [
    "DEMO_DIR",
    "DemoReport",
    "build_demo",
    "demo_feeds",
    "is_demo_store",
    "refuse_fetch_into_demo",
]
