"""A small fixture database for digests and briefs, built only through the store API.

Shared by the export, CLI and TUI tests. Time is frozen: the store's clock reads FROZEN_NOW
and every item has an explicit publication date.
"""

from __future__ import annotations

from datetime import timedelta

from briefing.core.models import Entry, FeedSpec, FetchOutcome, Tagged, Verdict
from briefing.store import Store
from tests.conftest import ACTORS, FROZEN_NOW, tagged

DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
FEEDS = ("Libya Observer", "Libya Herald", "UN News", "Wire")


def populate(store: Store) -> dict[str, int]:
    """Fill `store` with a seed article and a handful of triaged items; returns ids by name."""
    store.sync_feeds([FeedSpec(name, f"https://{i}.example/rss") for i, name in enumerate(FEEDS)])
    store.sync_actors(ACTORS)
    seed = Tagged(
        Entry(
            identity="seed",
            feed="Foreign Policy",
            title="A miscalculated attack on Tripoli",
            url="https://fp.example/2019/04/10/attack",
            canonical_url="https://fp.example/2019/04/10/attack",
            summary="An analysis of the offensive on the capital.",
            published=FROZEN_NOW.replace(year=2019, month=4, day=10, hour=0),
            kind="article",
        ),
        Verdict(True, 10.0),
        (),
    )
    store.upsert_article(seed, authors=("A. Writer", "B. Analyst"), seed=True)
    store.store_feed(
        FetchOutcome("Libya Observer", "ok", 200, seen=3, kept=3),
        [
            tagged(
                "LNA jets strike Mitiga airport",
                url="https://lo.example/1",
                published=FROZEN_NOW - 1 * DAY,
                summary=(
                    "Haftar's forces said their jets struck Mitiga airport on Tuesday. "
                    "Flights were suspended for the rest of the day."
                ),
                actors=["khalifa-haftar", "lna"],
            ),
            tagged(
                "GNA calls for a ceasefire after the clashes",
                url="https://lo.example/2",
                published=FROZEN_NOW - 2 * DAY,
                summary="The GNA asked for an immediate ceasefire south of Tripoli.",
                actors=["gna"],
            ),
            tagged(
                "Weather notes from the coast",
                url="https://lo.example/3",
                published=FROZEN_NOW - 3 * DAY,
                summary="Calm seas were reported along the coast this week.",
            ),
        ],
    )
    store.store_feed(
        FetchOutcome("Libya Herald", "ok", 200, seen=1, kept=1),
        # The same link as the first Libya Observer item: one story with two sources.
        [tagged("Airport strike in Tripoli", feed="Libya Herald", url="https://lo.example/1")],
    )
    store.store_feed(
        FetchOutcome("UN News", "ok", 200, seen=1, kept=1),
        [
            tagged(
                "UAE envoy meets Haftar in Benghazi",
                feed="UN News",
                url="https://un.example/9",
                published=FROZEN_NOW - 2 * DAY - 3 * HOUR,
                summary=(
                    "The UAE envoy met Haftar in Benghazi to discuss the offensive. "
                    "Haftar's forces said their jets struck Mitiga airport again."
                ),
                actors=["uae", "khalifa-haftar"],
            )
        ],
    )
    ids = {r.title: r.id for r in store.items()}
    strike = ids["LNA jets strike Mitiga airport"]
    gna = ids["GNA calls for a ceasefire after the clashes"]
    weather = ids["Weather notes from the coast"]
    uae = ids["UAE envoy meets Haftar in Benghazi"]
    store.add_tags([strike, uae], ["escalation"])
    store.add_tags([gna], ["ceasefire"])
    store.set_note(strike, "Check the casualty figures.\nSecond source pending.")
    store.set_flagged([strike], True)
    store.set_read([gna], True)
    store.set_dismissed([weather], True)
    return {"strike": strike, "gna": gna, "weather": weather, "uae": uae}


HOSTILE_TITLE = "<script>alert(1)</script> [click](javascript:alert(1)) **bold** # head | x |"
HOSTILE_NOTE = (
    '=HYPERLINK("http://evil.example","x")\n'
    '<img src=x onerror=alert(1)> <a href="java&#115;cript:alert(2)">y</a>\n'
    "\x1b]8;;http://evil.example\x07link\x1b]8;;\x07 \x1b[31mred\x1b[0m mail@evil.example\n"
    "- list\n1. ordered\n> quote\n=== ---"
)


def populate_hostile(store: Store) -> dict[str, int]:
    """Items whose text and links attack each format."""
    store.sync_feeds([FeedSpec("Evil <b>Feed</b>", "https://evil.example/rss")])
    store.sync_actors(ACTORS)
    store.store_feed(
        FetchOutcome("Evil <b>Feed</b>", "ok", 200, seen=3, kept=3),
        [
            tagged(
                HOSTILE_TITLE,
                feed="Evil <b>Feed</b>",
                url="java&#115;cript:alert(1)",
                summary="Haftar said <script>alert(3)</script> that jets struck. [x](javascript:y)",
                actors=["khalifa-haftar"],
            ),
            tagged(
                "+SUM(A1:A9) \x1b[2J@attack",
                feed="Evil <b>Feed</b>",
                identity="two",
                url=" JaVaScRiPt:alert(2)",
                published=FROZEN_NOW - DAY,
            ),
            tagged(
                "-2 killed; javascript:alert(4) in text",
                feed="Evil <b>Feed</b>",
                identity="three",
                url="data:text/html,<script>alert(5)</script>",
                published=FROZEN_NOW - 2 * DAY,
            ),
        ],
    )
    ids = {r.title: r.id for r in store.items()}
    first = min(ids.values())
    store.add_tags([first], ["<b>tag</b>", "=cmd"])
    store.set_note(first, HOSTILE_NOTE)
    return ids
