"""The brief as JSON-ready values (shared by `summarize --json` and the JSON digest)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from briefing.core.models import ItemFilter
from briefing.core.text import clean_line
from briefing.core.times import json_time
from briefing.core.urls import canonical_url, is_http_url
from briefing.reports.summarize.model import ActorBrief, Citation, Ranked, Story


def iso(value: datetime | date | None) -> str | None:
    """ISO 8601: a time as `json_time` writes it (UTC, seconds, `Z`), a date as YYYY-MM-DD."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return json_time(value)
    return value.isoformat()


def http_url(url: str | None) -> str | None:
    """`url` when it is a plain absolute http(s) URL (without tracking parameters), else None.

    Nothing else becomes a link.

    `is_http_url` decides on the literal text (so `java&#115;cript:`, `JaVaScRiPt:` or a scheme
    split by whitespace or control characters never passes); a link in a digest must also be
    what `clean_line` keeps (no bidi or zero-width characters) and at most 2,048 characters.
    """
    if not url:
        return None
    candidate = url.strip()
    if len(candidate) > 2048 or clean_line(candidate) != candidate:
        return None
    # Every link we print goes to a reader or a client: without the outlet's tracking
    # parameters (utm_*, fbclid…) and fragment.
    return canonical_url(candidate) if is_http_url(candidate) else None


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
        "tagged": f.tagged,
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
