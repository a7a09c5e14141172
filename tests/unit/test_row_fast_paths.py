"""A fetch's row building (`_ItemRow.build`, run by the parser workers) against its plain form.

`build` lists its columns once, reuses the published time's text as the sort time's, fills
the row and the story signature without their dataclasses' `__init__`, remembers the JSON of
repeated reasons and word lists, and hands the stored title's key to the signature. The plain
form below is the code as it was before: every attribute must come out equal (the fields in
the same order), for labelled items and variants that take every branch.
"""

from __future__ import annotations

import json
import random
from dataclasses import fields, replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from briefing.core.models import (
    ActorMention,
    Entry,
    EventVerdict,
    PlaceMention,
    Reason,
    Tagged,
    Verdict,
)
from briefing.core.search import normalise_for_search, search_copy
from briefing.core.text import clean_line, strip_unsafe, title_key
from briefing.intelligence.stories import (
    RESTART_TYPES,
    StorySignature,
    numbers_in,
    phase_of,
    signature,
)
from briefing.intelligence.tagging import Tagger
from briefing.store import ingest
from briefing.store.codec import iso, mention_surfaces, reasons_to_json
from briefing.store.ingest import (
    DUPLICATE_WINDOW,
    MAX_TEXT,
    MAX_TITLE,
    _insert_with_story,
    _ItemRow,
    prepare_feed,
)
from briefing.store.places import place_rows

DATA = Path(__file__).resolve().parent.parent / "data"
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
_JSON = json.JSONEncoder(ensure_ascii=False)


def _plain_fields(t: Tagged) -> dict[str, Any]:
    e = t.entry
    title = clean_line(e.title, MAX_TITLE) or "(untitled)"
    summary = strip_unsafe(e.summary)[:MAX_TEXT].strip()
    content = strip_unsafe(e.content)[:MAX_TEXT].strip()
    return {
        "title": title,
        "url": e.url,
        "canonical_url": e.canonical_url,
        "summary": summary,
        "content": content,
        "search_title": _plain_search_copy(title),
        "search_summary": _plain_search_copy(summary),
        "search_content": _plain_search_copy(content),
        "author": clean_line(e.author, 200) if e.author else None,
        "published_at": iso(e.published),
        "language": e.language,
        "relevance": t.verdict.score,
        "reasons": reasons_to_json(t.verdict.reasons),
        "relevant": int(t.verdict.relevant or e.kind == "article"),
        "title_key": title_key(title),
        "event_type": t.event.type,
        "event_reasons": _JSON.encode(list(t.event.reasons)),
    }


def _plain_search_copy(text: str | None) -> str | None:
    if not text:
        return None
    normal = normalise_for_search(text)
    return None if normal == text else normal


def _plain_signature(tagged: Tagged, when: datetime) -> StorySignature:
    e = tagged.entry
    primary = next((p for p in tagged.locations if p.primary), None)
    text = f"{e.title}\n{e.summary}"
    phase = phase_of(text)
    return StorySignature(
        event_type=tagged.event.type,
        place_id=primary.place_id if primary else None,
        place=primary.name if primary else None,
        when=when,
        phase="" if phase == "restart" and tagged.event.type not in RESTART_TYPES else phase,
        actors=frozenset(m.actor_id for m in tagged.actors),
        numbers=numbers_in(text),
        title=e.title,
        title_key=title_key(e.title),
        canonical_url=e.canonical_url,
        language=e.language,
        feed=e.feed,
        relevance=tagged.verdict.score,
    )


def _plain_mentions(t: Tagged) -> tuple[tuple[str, str, int, str], ...]:
    rows: dict[str, tuple[str, str, int, str]] = {}
    for m in (*t.actors, *t.places):
        if m.actor_id not in rows:
            rows[m.actor_id] = (m.actor_id, m.name, m.count, mention_surfaces(m))
    return tuple(rows.values())


def _plain_build(t: Tagged, now: datetime, stamp: str | None = None) -> dict[str, Any]:
    """`_ItemRow.build` as first written, as a dict of its attributes."""
    e = t.entry
    fields_ = _plain_fields(t)
    sort_at = e.published or now
    stamp = stamp or iso(now)
    row = {
        **fields_,
        "kind": e.kind,
        "feed": e.feed,
        "identity": e.identity,
        "first_seen_at": stamp,
        "sort_at": iso(sort_at),
        "updated_at": stamp,
    }
    return {
        "entry": e,
        "fields": fields_,
        "mentions": _plain_mentions(t),
        "insert_sql": _insert_with_story(tuple(row)),
        "insert_values": tuple(row.values()),
        "window": (iso(sort_at - DUPLICATE_WINDOW), iso(sort_at + DUPLICATE_WINDOW)),
        "places": place_rows(t),
        "story": _plain_signature(t, sort_at),
    }


def _attributes(row: _ItemRow) -> dict[str, Any]:
    got = {f.name: getattr(row, f.name) for f in fields(_ItemRow)}
    assert set(vars(row)) == set(got)  # every field set, nothing else
    return got


def _entries() -> list[Entry]:
    """The labelled items, then variants that take the other branches: text to clean, a long
    title, no title, Arabic and accented text, no date, another time zone, a body, an author."""
    pairs: list[tuple[str, str]] = []
    for path in sorted((DATA / "labelled").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            pairs.append((str(item.get("title") or ""), str(item.get("summary") or "")))
    rng = random.Random(31)
    zones = [UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-5, minutes=-30))]
    entries: list[Entry] = []
    for number, (title, summary) in enumerate(pairs):
        shape = number % 8
        published: datetime | None = NOW - timedelta(minutes=rng.randrange(0, 90_000))
        if shape == 1:
            title = f"  {title}\u200b\x1b[31m  again\t"  # cleaned: not the entry's own string
        elif shape == 2:
            title = (title + " ") * 80  # capped at MAX_TITLE
        elif shape == 3:
            title, published = "", None
        elif shape == 4:
            title, summary = f"{title} ليبيا: اشتباكات في الزاوية", f"{summary} النفط، والنفط"
        elif shape == 5:
            title = f"Réouverture à Syrte — {title}"
            published = (published or NOW).replace(microsecond=rng.randrange(1, 10**6))
        elif shape == 6:
            published = (published or NOW).astimezone(rng.choice(zones))
        entries.append(
            Entry(
                identity=str(number),
                feed=f"feed {number % 5}",
                title=title,
                summary=summary,
                content=summary if shape == 7 else "",
                author="  An\x07 Author " if shape == 7 else None,
                url=f"https://example.org/{number}",
                canonical_url=f"https://example.org/{number}" if shape % 2 else None,
                published=published,
                language=("en", "fr", "ar", None)[number % 4],
            )
        )
    return entries


@pytest.fixture(scope="module")
def tagged() -> list[Tagged]:
    tagger = Tagger.build()
    out = [tagger.tag(entry) for entry in _entries()]
    assert sum(bool(t.locations) for t in out) > 50  # places, primary ones, events to compare
    assert sum(t.event.type != "none" for t in out) > 50
    return out


def test_build_gives_the_plain_rows(tagged: list[Tagged]) -> None:
    for stamp in (iso(NOW), None):
        for t in tagged:
            got = _attributes(_ItemRow.build(t, NOW, stamp))
            want = _plain_build(t, NOW, stamp)
            assert got == want, t.entry
            # The columns' order too: the INSERT is built once from `_FIELD_COLUMNS`.
            assert tuple(got["fields"]) == tuple(want["fields"]) == ingest._FIELD_COLUMNS
            assert vars(got["story"]) == vars(want["story"])


def test_prepare_feed_gives_the_plain_rows_twice(tagged: list[Tagged]) -> None:
    """The second time through, the JSON texts come from the memos."""
    for _ in range(2):
        rows = prepare_feed("feed", tagged, (), "run", NOW)
        for row, t in zip(rows.items, tagged, strict=True):
            assert _attributes(row) == _plain_build(t, NOW), t.entry


def test_equal_reasons_that_print_differently_keep_their_own_text() -> None:
    """The reasons' memo is by identity: 0.0 and -0.0 are equal weights, not equal texts."""
    entry = Entry(identity="z", feed="f", title="Libya", summary="")
    plus = Tagged(entry, Verdict(True, 0.0, (Reason("libya", "title", 0.0, "cancels"),)))
    minus = Tagged(entry, Verdict(True, 0.0, (Reason("libya", "title", -0.0, "cancels"),)))
    assert plus.verdict == minus.verdict
    for t in (plus, minus, plus, minus):
        assert _ItemRow.build(t, NOW).fields["reasons"] == reasons_to_json(t.verdict.reasons)
    assert "-0.0" in _ItemRow.build(minus, NOW).fields["reasons"]


def test_memos_are_bounded_and_still_right_when_emptied(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest, "_MEMO_CAP", 3)
    entry = Entry(identity="m", feed="f", title="Sirte", summary="")
    for n in range(20):
        reasons = (Reason(f"term {n}", "title", float(n), "term"),)
        surfaces = tuple(f"Sirte {k}" for k in range(n % 4))
        t = Tagged(
            entry,
            Verdict(True, float(n), reasons),
            actors=(ActorMention(f"a{n}", "A", 1, surfaces),),
            event=EventVerdict("armed_clash", (f"word {n % 5}", "rule")),
            locations=(PlaceMention("sirte", "Sirte", "Tripolitania", surfaces, primary=True),),
        )
        assert _attributes(_ItemRow.build(t, NOW)) == _plain_build(t, NOW)
        assert len(ingest._REASONS_TEXT) <= 3 and len(ingest._LIST_TEXTS) <= 3


def test_signature_with_the_stores_headline_key_is_the_plain_one(tagged: list[Tagged]) -> None:
    for t in tagged[:200]:
        when = t.entry.published or NOW
        plain = _plain_signature(t, when)
        assert signature(t, when) == plain
        assert signature(t, when, headline_key=title_key(t.entry.title)) == plain
        assert replace(signature(t, when), spot="x") == replace(plain, spot="x")


def test_search_copy_of_ascii_is_the_plain_one() -> None:
    rng = random.Random(5)
    parts = ["Libya", "النفط", "ال", "e\u0301", "é", " ", "\u0640", "أ", "1", "\x00", "ﷲ", ""]
    for _ in range(3000):
        text = "".join(rng.choice(parts) for _ in range(rng.randrange(0, 6)))
        assert search_copy(text) == _plain_search_copy(text), text
    assert search_copy(None) is None
