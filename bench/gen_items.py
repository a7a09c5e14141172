"""A seeded generator of feed-like items (title + ~300-character summary) for the tagging benchmark.

A realistic mix for a set of Libya-watching feeds: about 40 % Libya stories (several actors
each), 15 % near-misses (Lebanon's Tripoli, Ghana's GNA, Libya in a list of countries) and
45 % unrelated world news; English mostly, with French and Arabic items and typographic
punctuation (’ “ ” —) as real feeds have.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from briefing.models import Entry

_LIBYA_TITLES = [
    "{p} meets {f} officials as Tripoli talks stall",
    "Clashes erupt in {city} between rival armed groups",
    "{p}’s forces say they repelled an attack near {city}",
    "Oil output at {field} resumes after a two-week blockade",
    "UN envoy briefs the Security Council on Libya’s election roadmap",
    "Migrants intercepted off {city} by the Libyan coast guard",
    "{f} sends delegation to Benghazi for talks with the LNA",
    "Libye : {p} reçu à Paris, la crise politique s’enlise",
    "{ar} يبحث مع وفد {arf} الأوضاع في {arc}",
    "Central Bank of Libya announces new exchange measures",
]
_WORLD_TITLES = [
    "Stocks edge higher as investors weigh inflation data",
    "Storm batters coastal towns, leaving thousands without power",
    "{f} prime minister faces confidence vote over budget",
    "Football: late goal seals title race showdown",
    "Tech firm unveils new chip amid export restrictions",
    "Protesters in Tripoli, Lebanon, block roads over power cuts",
    "GNA: Ghana’s cocoa board raises farmgate price",
    "Travel ban widened to Iran, Libya, Somalia, Syria and Yemen",
    "Wildfires force evacuations in southern Europe",
    "Le gouvernement présente son budget pour l’année prochaine",
]
_PEOPLE = [
    "Khalifa Haftar",
    "Abdul Hamid Dbeibah",
    "Mohamed al-Menfi",
    "Aguila Saleh",
    "Saddam Haftar",
    "Osama Hammad",
    "Fathi Bashagha",
    "Khaled al-Mishri",
]
_FOREIGN = ["Turkish", "Egyptian", "Italian", "Russian", "French", "Emirati", "US", "German"]
_CITIES = [
    "Zawiya",
    "Misrata",
    "Sirte",
    "Zuwara",
    "Sabratha",
    "Gharyan",
    "Tarhuna",
    "Derna",
    "Kufra",
]
_FIELDS = ["the Sharara field", "El Feel", "Es Sider", "Ras Lanuf", "Brega"]
_AR = [("حفتر", "مصري", "بنغازي"), ("الدبيبة", "تركي", "طرابلس"), ("المنفي", "إيطالي", "سرت")]
_SUMMARY = (
    "Officials said on Tuesday that the meeting focused on security, the economy and the “unity” "
    "of state institutions, while analysts cautioned that previous agreements had collapsed within "
    "weeks — a pattern familiar to diplomats. Markets reacted calmly as output held near recent "
    "levels and the currency stabilised; the statement gave no timetable for the next round of talks "
    "and no details of who would attend."
)


def generate(count: int, seed: int = 1) -> Iterator[Entry]:
    """Yield `count` deterministic entries."""
    rng = random.Random(seed)
    start = datetime(2014, 1, 1, tzinfo=UTC)
    for index in range(count):
        pool = _LIBYA_TITLES if rng.random() < 0.45 else _WORLD_TITLES
        ar, arf, arc = rng.choice(_AR)
        title = rng.choice(pool).format(
            p=rng.choice(_PEOPLE),
            f=rng.choice(_FOREIGN),
            city=rng.choice(_CITIES),
            field=rng.choice(_FIELDS),
            ar=ar,
            arf=arf,
            arc=arc,
        )
        cut = rng.randrange(0, 80)
        summary = f"{title}. " + _SUMMARY[cut : cut + 260]
        yield Entry(
            identity=f"bench-{index}",
            feed="bench",
            title=title,
            summary=summary,
            published=start + timedelta(hours=rng.randrange(0, 24 * 365 * 11)),
            language="en",
        )
