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

from briefing.core.models import Entry

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


# For --varied: sentences mixed at random, with numbers, days and places, so that almost every
# item's text (and the set of terms it matches) is its own. Caches keyed by what an item
# matched then help only as much as they would on real feeds.
_SENTENCES = (
    "Officials said on {day} that the talks focused on security and the budget.",
    "Analysts cautioned that {n} earlier agreements had collapsed within weeks.",
    "The statement gave no timetable for the next round and no list of who would attend.",
    "Witnesses in {city} reported gunfire overnight and {n} people were wounded.",
    "Output held near {n}0,000 barrels a day, the oil ministry said.",
    "A spokesperson for {p} declined to comment on the report.",
    "{f} diplomats said they would press for elections within {n} months.",
    "The coast guard said {n}0 migrants were returned to {city} on {day}.",
    "Markets reacted calmly and the currency stabilised at {n}.{n} to the dollar.",
    "Residents described long queues for fuel and power cuts of up to {n} hours.",
    "The council is expected to meet again in {city} before the end of the month.",
    "Rights groups urged an inquiry into the deaths of {n} detainees.",
    "The {f} embassy said its ambassador had met local officials on {day}.",
    "Shares in the region fell {n} per cent in early trading.",
    "Heavy rain flooded roads in the capital, and schools closed for {n} days.",
    "The minister told parliament that {n} projects would be reviewed.",
)
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


_NEUTRAL = tuple(s for s in _SENTENCES if "{city}" not in s and "{p}" not in s)


def _varied_summary(rng: random.Random, title: str, libya: bool) -> str:
    # World items keep to sentences that name no Libyan place or person.
    sentences = rng.sample(_SENTENCES if libya else _NEUTRAL, 3)
    text = " ".join(
        s.format(
            day=rng.choice(_DAYS),
            n=rng.randrange(2, 99),
            city=rng.choice(_CITIES),
            p=rng.choice(_PEOPLE),
            f=rng.choice(_FOREIGN),
        )
        for s in sentences
    )
    return f"{title}. {text}"


def generate(count: int, seed: int = 1, *, varied: bool = False) -> Iterator[Entry]:
    """Yield `count` deterministic entries; `varied` makes nearly every item's text distinct."""
    rng = random.Random(seed)
    start = datetime(2014, 1, 1, tzinfo=UTC)
    for index in range(count):
        libya = rng.random() < 0.45
        pool = _LIBYA_TITLES if libya else _WORLD_TITLES
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
        if varied:
            summary = _varied_summary(rng, title, libya)
        else:
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
