"""parse.py's fast paths against their plain definitions.

A parser's date becomes a datetime without calendar.timegm when its fields are a valid date
(`_utc` against `_utc_general`), and `_is_html` answers "no `<`, no `&`" before it reads the
detail's type. Both must give what the definitions give, also on absurd dates and hostile text.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import briefing.acquisition.parse as parse
from briefing.acquisition.htmltext import looks_like_html
from briefing.core.text import clean_line
from tests.unit.test_parse_differential import load_feedgen

CAUGHT = (OverflowError, OSError, TypeError, ValueError)
"""What `_date` catches from a conversion: an error there means "try the next field"."""


def outcome(convert: Any, parsed: Any) -> object:
    try:
        return convert(parsed)
    except CAUGHT:
        return "error"  # which one does not matter: _date catches them all


def random_fields(rng: random.Random) -> Any:
    pick = rng.random()
    if pick < 0.4:  # a plausible date, sometimes out of range by one
        fields: list[Any] = [
            rng.choice([rng.randint(1990, 2030), 1969, 1970, 1971, 1, 9998, 9999, 10000, 0, -5]),
            rng.randint(0, 13),
            rng.randint(0, 32),
            rng.randint(-1, 24),
            rng.randint(-1, 60),
            rng.choice([0, 30, 59, 60, 61, -1]),
            rng.randint(0, 6),
            rng.randint(1, 366),
            rng.choice([0, -1, 1]),
        ]
    else:  # every field valid, the common case
        stamp = rng.randint(0, 4_000_000_000)
        fields = list(time.gmtime(stamp))
    odd = rng.random()
    if odd < 0.05:
        fields[rng.randrange(6)] = rng.choice([1.5, 2.0, "7", None, True, False, 10**30])
    elif odd < 0.08:
        fields = fields[: rng.randint(0, 8)]
    if rng.random() < 0.5:
        return (
            time.struct_time(fields + [0] * (9 - len(fields)))
            if len(fields) < 9
            else (time.struct_time(fields))
        )
    return tuple(fields)


def test_date_fast_path_agrees_with_timegm() -> None:
    rng = random.Random(3)
    fast_taken = 0
    for _ in range(50_000):
        parsed = random_fields(rng)
        fast, general = outcome(parse._utc, parsed), outcome(parse._utc_general, parsed)
        assert fast == general, parsed
        if isinstance(fast, datetime):
            assert isinstance(general, datetime) and fast.tzinfo is general.tzinfo
            fast_taken += 1
    assert fast_taken > 30_000


UPDATED = datetime(2026, 2, 2, 2, 40, tzinfo=UTC)


@pytest.mark.parametrize(
    ("parsed", "expected"),
    [
        (None, UPDATED),  # no published date: the updated one
        ((2026,), UPDATED),  # unreadable: the next field
        ((2026, 4, 31, 0, 0, 0), datetime(2026, 5, 1, tzinfo=UTC)),  # timegm rolls it over
        (time.gmtime(0), None),  # 1970 is a missing date, not a reason to look further
    ],
)
def test_a_known_published_date_reads_like_an_unknown_one(parsed: Any, expected: Any) -> None:
    """`_usable`'s reading of published_parsed, passed on, gives what reading it again gives."""
    entry = {"published_parsed": parsed, "updated_parsed": time.gmtime(1_770_000_000)}
    now = datetime(2026, 11, 20, tzinfo=UTC)
    assert parse._date(entry, now) == expected
    assert parse._date(entry, now, parsed) == expected
    assert parse._date({"updated_parsed": entry["updated_parsed"]}, now, parsed) == expected


def is_html_definition(value: str, detail: Any) -> bool:
    if detail is not None and parse._text_of(parse._get(detail, "type")).lower() in {
        "text/plain",
        "text",
    }:
        return False
    return looks_like_html(value)


def test_is_html_agrees_with_its_definition() -> None:
    rng = random.Random(9)
    pieces = ["a", "<p>", "</b>", "&amp;", "&", "<", ">", "<warns>", "طرابلس", "\u202e", " "]
    details: list[Any] = [
        None,
        {"type": "text/plain"},
        {"type": "TEXT"},
        {"type": "text/html"},
        {"type": None},
        {},
        "not a detail",
    ]
    for _ in range(20_000):
        value = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 6)))
        detail = rng.choice(details)
        assert parse._is_html(value, detail) == is_html_definition(value, detail), (value, detail)


CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "feedparser-corpus" / "tests"
FIELDS = [
    "title", "title_detail", "link", "summary", "summary_detail", "content", "id", "author",
    "published_parsed", "updated_parsed", "created_parsed", "type", "value", "language",
    "no_such_field",
]  # fmt: skip


def get_definition(obj: Any, name: str) -> Any:
    """`_get` as first written: the parser's own get(), None for any error."""
    try:
        return obj.get(name)
    except Exception:  # foreign objects
        return None


def read_everything(body: bytes) -> Iterator[tuple[str, str, str]]:
    try:
        result = parse._run_fast(body)
    except Exception:  # a document feedparser-rs refuses has nothing to read
        return
    for entry in result.get("entries") or []:
        objects = [entry, entry.get("title_detail"), entry.get("summary_detail")]
        objects += list(entry.get("content") or [])
        for obj in objects:
            for name in FIELDS:
                yield name, repr(parse._get(obj, name)), repr(get_definition(obj, name))


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/feedparser-corpus is absent")
def test_attribute_reads_give_what_get_gives() -> None:
    """On every entry feedparser-rs reads in the hostile corpus and in generated feeds."""
    bodies = [path.read_bytes() for path in sorted(CORPUS.rglob("*")) if path.is_file()]
    bodies += [load_feedgen().make_feed(seed, 20) for seed in range(30)]
    compared = 0
    for body in bodies:
        for name, fast, definition in read_everything(body):
            assert fast == definition, (name, body[:200])
            compared += 1
    assert compared > 50_000


def line_definition(text: str) -> str:
    """`_line` as first written."""
    if text.isprintable():
        return " ".join(text.split())
    return clean_line(text)


def test_line_agrees_with_its_definition() -> None:
    rng = random.Random(6)
    pieces = ["https://e.com/a?b=1", "&amp;", " ", "  ", "\t", "\n", "\xa0", "\u3000", "\u202e"]
    pieces += ["\x00", "طرابلس", "guid-7", "#f", "%20", ""]
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 6)))
        assert parse._line(text) == line_definition(text), repr(text)
