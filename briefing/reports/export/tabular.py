"""The digest as JSON (a documented, versioned schema) and CSV (one row per item, no formulas)."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

from briefing.core.text import clean_line
from briefing.reports.export.digest import SCHEMA_VERSION, Digest, DigestItem
from briefing.reports.summarize import brief_dict, filter_dict, iso


def item_dict(i: DigestItem) -> dict[str, Any]:
    return {
        "id": i.id,
        "title": i.title,
        "url": i.url,
        "feed": i.feed,
        "also_in": list(i.also_in),
        "published": iso(i.published),
        "kind": i.kind,
        "author": i.author or None,
        "actors": list(i.actors),
        "actor_ids": list(i.actor_ids),
        "tags": list(i.tags),
        "note": i.note,
        "summary": i.summary,
        "excerpt": i.excerpt,
        "see_also": list(i.see_also),
        "flagged": i.flagged,
        "read": i.read,
        "dismissed": i.dismissed,
    }


def digest_dict(d: Digest) -> dict[str, Any]:
    """The digest as JSON-ready values (see the schema in the README)."""
    return {
        "schema_version": SCHEMA_VERSION,
        "title": d.title,
        "generated_at": iso(d.generated_at),
        "period": {"since": iso(d.since), "until": iso(d.until)},
        "filter": {
            **filter_dict(d.filter),
            "include_dismissed": d.include_dismissed,
            "include_notes": d.include_notes,
            "view": d.view,
        },
        "filter_text": d.filter_text,
        "group_by": d.group_by,
        "counts": {
            "items": len(d.items),
            "groups": len(d.groups),
            "flagged": d.flagged,
            "with_notes": d.with_notes,
        },
        "context": {"seed": item_dict(d.seed) if d.seed is not None else None},
        "groups": [
            {
                "key": g.key,
                "label": g.label,
                "count": len(g.items),
                "item_ids": [i.id for i in g.items],
                "also_item_ids": [i.id for i in g.also],
                "brief": brief_dict(g.brief),
            }
            for g in d.groups
        ],
        "items": [item_dict(i) for i in d.items],
    }


# json.dumps escapes C0 itself; with ensure_ascii=False it would let DEL, C1 and the JSON-only
# line separators through raw.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029]")


def to_json(d: Digest) -> str:
    """The digest as pretty JSON (UTF-8 text; no raw control characters anywhere)."""
    text = json.dumps(digest_dict(d), ensure_ascii=False, indent=2)
    # Text is cleaned on the way in; this catches anything a future field forgets to clean.
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"


CSV_COLUMNS = (
    "id", "published", "feed", "also_in", "title", "url", "actors", "tags", "note",
    "flagged", "read", "dismissed", "kind", "groups",
)  # fmt: skip
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: str) -> str:
    """One spreadsheet-safe cell: one line, no control characters, never read as a formula."""
    text = clean_line(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv(d: Digest) -> str:
    """One row per item with a header; lists are `;`-joined."""
    groups: dict[int, list[str]] = {}
    if d.group_by is not None:
        for g in d.groups:
            for i in g.items:
                groups[i.id] = [g.label, *i.see_also]  # the primary group first
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(CSV_COLUMNS)
    for i in d.items:
        cells = [
            str(i.id),
            iso(i.published) or "",
            i.feed,
            ";".join(i.also_in),
            i.title,
            i.url or "",
            ";".join(i.actors),
            ";".join(i.tags),
            i.note,
            "yes" if i.flagged else "no",
            "yes" if i.read else "no",
            "yes" if i.dismissed else "no",
            i.kind,
            ";".join(groups.get(i.id, ())),
        ]
        writer.writerow([csv_cell(c) for c in cells])
    return out.getvalue()
