"""Items with event types, places and stories for the Pilot tests of issue 12's app surfaces.

Deterministic: a frozen clock, places with coordinates, and two names built to be hostile.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from briefing.core.models import EventType, EventVerdict, PlaceInfo, PlaceMention, Tagged
from briefing.store import Store
from tests.conftest import FROZEN_NOW, tagged

HOSTILE_PLACE = "[@click=app.quit]x[/]"
HOSTILE_FEED = "[bold]y[/]"

PLACES = (
    PlaceInfo("tripoli", "Tripoli", "Tripolitania", "Tripoli", "town", 32.89, 13.19, ("طرابلس",)),
    PlaceInfo("benghazi", "Benghazi", "Cyrenaica", "Benghazi", "town", 32.12, 20.07),
    PlaceInfo("sirte", "Sirte", "Tripolitania", "Sirte", "town", 31.2, 16.59, ("سرت",)),
    PlaceInfo("sabha", "Sabha", "Fezzan", "Sabha", "town", 27.04, 14.43),
    PlaceInfo("derna", "Derna", "Cyrenaica", "Derna", "town", 32.77, 22.64),
    PlaceInfo("hostile", HOSTILE_PLACE, "Fezzan", "", "town", 25.0, 20.0),
)
_BY_ID = {p.id: p for p in PLACES}


def evented(
    title: str,
    event: EventType,
    place: str | None,
    *,
    hours_ago: float,
    feed: str = "Libya Observer",
    language: str = "en",
    also: tuple[str, ...] = (),
    actors: tuple[str, ...] = (),
) -> Tagged:
    """An item whose event type and places are set by hand (`place` primary, `also` named)."""
    t = tagged(
        title,
        feed=feed,
        identity=f"{feed}:{title}",
        url=f"https://news.example/{abs(hash((feed, title))) % 10**8}",
        summary=f"{title}.",
        published=FROZEN_NOW - timedelta(hours=hours_ago),
        language=language,
        actors=actors,
    )
    named = [(place, True)] if place else []
    named += [(p, False) for p in also]
    locations = tuple(
        PlaceMention(pid, _BY_ID[pid].name, _BY_ID[pid].region, (_BY_ID[pid].name,), primary)
        for pid, primary in named
    )
    return replace(
        t, event=EventVerdict(event, ("“drone” in title", "rule: strike")), locations=locations
    )


def event_items() -> list[Tagged]:
    """One story in three languages, two drone strikes in Sirte a week apart, a protest in a
    place with a hostile name, a clash in Benghazi named with Tripoli in passing."""
    return [
        evented("Drone strike hits farm near Sirte", "remote_violence", "sirte", hours_ago=3),
        evented(
            "طائرة مسيرة تقصف مزرعة قرب سرت",
            "remote_violence",
            "sirte",
            hours_ago=4,
            feed="Libya Herald",
            language="ar",
        ),
        evented(
            "Un drone frappe une ferme près de Syrte",
            "remote_violence",
            "sirte",
            hours_ago=5,
            feed=HOSTILE_FEED,
            language="fr",
        ),
        evented("Drone strike on Sirte outskirts", "remote_violence", "sirte", hours_ago=200),
        evented("Sit-in blocks the road", "protest", "hostile", hours_ago=8),
        evented(
            "Clashes in Benghazi as Tripoli government protests",
            "armed_clash",
            "benghazi",
            also=("tripoli",),
            hours_ago=12,
            actors=("lna",),
        ),
        evented("Migrants rescued off Derna", "migration", "derna", hours_ago=30),
        evented("Fuel queues in Sabha", "economy_finance", "sabha", hours_ago=50),
    ]


def with_places(store: Store) -> Store:
    """The store with the places' coordinates (what `briefing demo` and a fetch sync)."""
    store.sync_places(PLACES)
    return store
