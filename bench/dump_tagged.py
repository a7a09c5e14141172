"""Dump every `Tagged` of a fixed set of items, to check that a refactoring changes no output.

Run:  uv run python bench/dump_tagged.py OUT.txt        (then `cmp` two dumps)

The items: the labelled fixtures (every relevance mode), 20,000 default and 30,000 varied
bench items, the demo feeds, and variants of those (all-capitals titles, the summary as a
body, no date, markup, other languages), each with its highlight spans; once with the
built-in gazetteer and once with a user gazetteer and user rules.
"""

from __future__ import annotations

import json
import sys
import tempfile
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_items import generate

from briefing.acquisition.parse import parse_feed
from briefing.core.models import Entry, FeedSpec, RelevanceRules, WeightedTerm
from briefing.intelligence.tagging import Tagger

REPO = Path(__file__).resolve().parents[1]
_USER_GAZETTEER = """
actors:
  - id: acme-oil
    name: Acme Oil
    kind: company
    aliases: [Acme Oil, ACME]
    weak: [Acme]
    signal: 1
    unless_near: [cartoon]
  - id: khalifa-haftar
    aliases: [Field Marshal Haftar, Haftar]
context_terms: [Fezzan basin]
"""


def _labelled() -> list[Entry]:
    items: list[Entry] = []
    folders = [REPO / "tests" / "data" / "labelled", REPO / "tests" / "data" / "holdout"]
    for folder in folders:
        for path in sorted(folder.glob("*.jsonl")) if folder.is_dir() else ():
            for line in path.read_text(encoding="utf-8").splitlines():
                item = json.loads(line)
                published = item.get("published")
                items.append(
                    Entry(
                        identity=str(item["id"]),
                        feed="labelled",
                        title=item["title"],
                        summary=item.get("summary", ""),
                        published=(
                            datetime.fromisoformat(published).replace(tzinfo=UTC)
                            if published
                            else None
                        ),
                        language=item.get("lang") or item.get("language"),
                    )
                )
    return items


def _demo() -> list[Entry]:
    items: list[Entry] = []
    feed = FeedSpec(name="demo", url="file:///demo")
    for path in sorted((REPO / "briefing" / "data" / "demo").glob("*.*ml")):
        parsed = parse_feed(path.read_bytes(), {}, feed, now=datetime(2026, 1, 1, tzinfo=UTC))
        items.extend(parsed.entries)
    return items


def _variants(entry: Entry) -> list[Entry]:
    return [
        entry,
        replace(entry, title=entry.title.upper()),
        replace(entry, content=entry.summary, summary=""),
        replace(entry, published=None),
        replace(entry, summary=f"<p>{entry.summary}</p> &amp; more", language="fr"),
        replace(entry, title="", summary=entry.title),
    ]


def _dump(tagger: Tagger, entries: list[Entry], out: list[str], spans: bool) -> None:
    feeds = [FeedSpec(name="x", url="x", relevance=mode) for mode in ("default", "strict", "all")]
    for entry in entries:
        for feed in feeds:
            out.append(repr(tagger.tag(entry, feed)))
        if spans:
            for text in (entry.title, entry.summary):
                out.append(repr(tagger.find_mentions(text, entry.published)))


def main() -> None:
    out: list[str] = []
    small = _labelled() + _demo()
    varied = [v for entry in small for v in _variants(entry)]
    bench = list(generate(20_000)) + list(generate(30_000, seed=7, varied=True))
    tagger = Tagger.build()
    _dump(tagger, varied, out, spans=True)
    _dump(tagger, bench, out, spans=False)
    with tempfile.TemporaryDirectory() as folder:
        user = Path(folder) / "actors.yaml"
        user.write_text(_USER_GAZETTEER, encoding="utf-8")
        rules = RelevanceRules(
            terms=(WeightedTerm("Fezzan", 2.0), WeightedTerm("Libya", 1.0)),
            negative_contexts=(WeightedTerm("Tripoli Lebanon", -2.0),),
        )
        custom = Tagger.build(rules, user)
        _dump(custom, small, out, spans=True)
    Path(sys.argv[1]).write_text("\n".join(out) + "\n", encoding="utf-8")
    print(f"{len(out):,} lines", file=sys.stderr)


if __name__ == "__main__":
    main()
