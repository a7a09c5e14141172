"""Seeded corpus for the fetch benchmark: N news feeds × 50 items, about 30% about Libya.

Each feed looks like a news site's RSS 2.0: a channel with a title, link and language; items
with a guid, a link carrying tracking parameters, an RFC 822 date, an author, categories and an
HTML description of a few paragraphs. Same seed, same bytes.

    uv run python bench/gen_feeds.py --feeds 1000 --items 50 --out /tmp/briefing-bench/corpus-50-v2
"""

from __future__ import annotations

import argparse
import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

LIBYA_SUBJECTS = (
    "Tripoli's presidential council",
    "the Libyan National Army",
    "the Government of National Unity",
    "Khalifa Haftar",
    "the UN support mission in Libya",
    "the House of Representatives in Tobruk",
    "armed groups in Misrata",
    "the National Oil Corporation",
    "the Central Bank of Libya",
    "militias in western Libya",
)
LIBYA_EVENTS = (
    "reopens talks on a unified budget",
    "reports clashes near Tripoli airport",
    "announces a ceasefire in the south",
    "blocks oil exports from eastern ports",
    "names a new governor in Benghazi",
    "trades accusations over the Sirte front",
    "calls for elections before the end of the year",
    "meets envoys in Geneva on the Libya roadmap",
)
OTHER_SUBJECTS = (
    "The city council",
    "A regional airline",
    "The national football team",
    "Researchers at the university",
    "The central bank of Norway",
    "A coalition of farmers",
    "The opera house",
    "Shipping companies in Rotterdam",
    "The health ministry",
    "A technology start-up",
)
OTHER_EVENTS = (
    "unveils a plan for cheaper public transport",
    "wins the cup final after extra time",
    "publishes a study on coastal erosion",
    "raises interest rates by a quarter point",
    "opens a new season with a modern staging",
    "warns of a poor harvest after the drought",
    "reports record passenger numbers",
    "launches a battery recycling service",
)
FILLER = (
    "Officials said the decision followed weeks of consultation.",
    "Critics argued that the timetable was unrealistic.",
    "The statement gave no figures for the cost.",
    "Observers expect a vote before the summer recess.",
    "Local media reported long queues in the morning.",
    "A spokesperson declined to comment on the details.",
    "Analysts noted that similar plans had stalled before.",
    "The announcement was welcomed by several partners.",
)
DETAILS = (
    "after {n} days of talks",
    "as {n} delegates meet on {day}",
    "in a vote of {n} to 12",
    "on {day}, officials say",
    "with {n} million in new funds",
    "for the {n}th time this year",
    "ahead of {day}'s deadline",
    "despite {n} objections",
)
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
AUTHORS = ("Staff reporter", "Amal Ben Ali", "Jean Martin", "Sara Lind", "Omar Said")
CATEGORIES = ("World", "Africa", "Politics", "Economy", "Sport", "Culture", "Energy")
START = datetime(2026, 4, 1, 6, 0, tzinfo=UTC)


def _paragraphs(rng: random.Random, lead: str) -> str:
    paras = [lead] + [
        " ".join(rng.choice(FILLER) for _ in range(rng.randint(2, 4)))
        for _ in range(rng.randint(1, 3))
    ]
    return "".join(f"<p>{escape(p)}</p>" for p in paras)


def make_feed(index: int, items: int = 50, *, seed: int = 1, libya_share: float = 0.3) -> bytes:
    """One feed's RSS bytes, reproducible from (seed, index)."""
    rng = random.Random(seed * 1_000_003 + index)
    host = f"news{index:04d}.example"
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">',
        "<channel>",
        f"<title>Example News {index}</title>",
        f"<link>https://{host}/</link>",
        f"<description>Headlines from example outlet {index}</description>",
        "<language>en</language>",
    ]
    for i in range(items):
        libya = rng.random() < libya_share
        if libya:
            subject, event = rng.choice(LIBYA_SUBJECTS), rng.choice(LIBYA_EVENTS)
        else:
            subject, event = rng.choice(OTHER_SUBJECTS), rng.choice(OTHER_EVENTS)
        # A detail per story keeps titles distinct: real feeds rarely repeat a headline, and
        # identical titles would make the store merge them as one story.
        detail = rng.choice(DETAILS).format(n=rng.randint(2, 90), day=rng.choice(DAYS))
        title = f"{subject[0].upper()}{subject[1:]} {event} {detail}"
        lead = f"{title}, according to people familiar with the matter."
        when = START + timedelta(minutes=rng.randint(0, 20_000))
        slug = f"{index}-{i}-{rng.randrange(10**8):08d}"
        link = f"https://{host}/story/{slug}?utm_source=rss&amp;utm_medium=feed"
        out += [
            "<item>",
            f"<title>{escape(title)}</title>",
            f"<link>{link}</link>",
            f'<guid isPermaLink="false">{host}/{slug}</guid>',
            f"<pubDate>{format_datetime(when)}</pubDate>",
            f"<dc:creator>{rng.choice(AUTHORS)}</dc:creator>",
            f"<category>{rng.choice(CATEGORIES)}</category>",
            f"<description>{escape(_paragraphs(rng, lead))}</description>",
            "</item>",
        ]
    out += ["</channel>", "</rss>", ""]
    return "\n".join(out).encode("utf-8")


def write_corpus(out: Path, feeds: int, items: int = 50, *, seed: int = 1) -> list[Path]:
    """Write feeds 0..feeds-1 as out/NNNN.xml (skipping files already there)."""
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(feeds):
        path = out / f"{index:04d}.xml"
        if not path.exists():
            path.write_bytes(make_feed(index, items, seed=seed))
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path("/tmp/briefing-bench/corpus-50-v2"))
    args = parser.parse_args()
    paths = write_corpus(args.out, args.feeds, args.items, seed=args.seed)
    size = sum(p.stat().st_size for p in paths)
    print(f"{len(paths)} feeds in {args.out} ({size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
