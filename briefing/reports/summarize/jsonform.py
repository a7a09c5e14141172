"""The brief as JSON-ready values (shared by `summarize --json` and the JSON digest)."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from briefing.core.models import ItemFilter
from briefing.core.text import clean_line
from briefing.core.urls import canonical_url
from briefing.reports.summarize.model import ActorBrief, Citation, Ranked, Story, utc


def iso(value: datetime | date | None) -> str | None:
    """ISO 8601; datetimes in UTC with a `Z`."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return utc(value).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    return value.isoformat()


_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")


def http_url(url: str | None) -> str | None:
    """`url` when it is a plain absolute http(s) URL (without tracking parameters), else None.

    Nothing else becomes a link.

    The scheme is checked on the literal text, so `java&#115;cript:`, `JaVaScRiPt:` or a
    scheme split by whitespace or control characters never passes.
    """
    if not url:
        return None
    candidate = url.strip()
    if any(ch.isspace() or ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F for ch in candidate):
        return None
    if clean_line(candidate) != candidate or len(candidate) > 2048:
        return None
    match = _SCHEME.match(candidate)
    if match is None or match.group(1).lower() not in ("http", "https"):
        return None
    rest = candidate[match.end() :]
    if not rest.startswith("//") or len(rest) <= 2 or rest[2] in "/\\":
        return None
    # Every link we print goes to a reader or a client: without the outlet's tracking
    # parameters (utm_*, fbclid…) and fragment.
    return canonical_url(candidate)


def citation_dict(c: Citation) -> dict[str, Any]:
    return {
        "item_id": c.item_id,
        "feed": clean_line(c.feed),
        "published": iso(c.published),
        "url": http_url(c.url),
        "title": clean_line(c.title),
    }


def filter_dict(f: ItemFilter) -> dict[str, Any]:
    """An ItemFilter as plain JSON values (stable key order)."""
    return {
        "text": clean_line(f.text),
        "actors": [clean_line(a) for a in f.actors],
        "tags": [clean_line(t) for t in f.tags],
        "feeds": [clean_line(x) for x in f.feeds],
        "since": iso(f.since),
        "until": iso(f.until),
        "state": f.state,
        "kinds": list(f.kinds),
        "ids": list(f.ids),
    }


def brief_dict(brief: ActorBrief) -> dict[str, Any]:
    """The brief as JSON-ready values: text cleaned, links only http(s)."""

    def cite(c: Citation) -> dict[str, Any]:
        return citation_dict(c)

    def story(s: Story) -> dict[str, Any]:
        return {
            **cite(s.citation),
            "coverage": s.coverage,
            "also_in": [clean_line(x) for x in s.also_in],
        }

    def ranked(r: Ranked) -> dict[str, Any]:
        return {"key": clean_line(r.key), "label": clean_line(r.label), "count": r.count}

    actor = brief.actor
    return {
        "actor": None
        if actor is None
        else {"id": actor.id, "name": clean_line(actor.name), "kind": actor.kind},
        "generated_at": iso(brief.generated_at),
        "since": iso(brief.since),
        "until": iso(brief.until),
        "oldest": iso(brief.oldest),
        "total": brief.total,
        "daily": [{"day": iso(d.day), "count": d.count} for d in brief.daily],
        "trend": brief.trend,
        "trend_change": brief.trend_change,
        "co_mentions": [ranked(r) for r in brief.co_mentions],
        "sources": [ranked(r) for r in brief.sources],
        "tags": [ranked(r) for r in brief.tags],
        "recent": [story(s) for s in brief.recent],
        "most_covered": [story(s) for s in brief.most_covered],
        "key_points": [
            {
                "text": clean_line(p.text),
                "score": p.score,
                "coverage": p.coverage,
                "citation": cite(p.citation),
                "also": [cite(c) for c in p.also],
            }
            for p in brief.key_points
        ],
    }
