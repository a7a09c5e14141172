"""Score stories: B-cubed and pairwise precision, recall and F1 of `classify --json` output.

    uv run python bench/score_stories.py GOLD.jsonl                 # runs `briefing classify --json`
    uv run python bench/score_stories.py GOLD.jsonl --pred OUT.jsonl  # scores saved output
    uv run python bench/score_stories.py GOLD.jsonl --oracle          # the story rules alone

GOLD has one item per line with `id` and `story` (the holdout's and tests/data/labelled/
stories.jsonl's format); predictions are matched to it by `id`. `--oracle` feeds the gold
`event_type` and `primary_place` to the story rules instead of the tagger's, which measures
the rules apart from event typing and place finding.

B-cubed (Bagga & Baldwin): per item, the share of its predicted story that is in its gold story
(precision) and of its gold story that is in its predicted story (recall), averaged. Pairwise:
over all pairs of items, a pair is positive when both are in one story.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from itertools import combinations
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from briefing.core.models import (  # noqa: E402
    EVENT_TYPES,
    Entry,
    EventVerdict,
    PlaceMention,
    Tagged,
)
from briefing.core.text import fold  # noqa: E402
from briefing.intelligence.stories import group, signature, with_states  # noqa: E402
from tests.stories_scoring import score  # noqa: E402


def _read(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _classify(gold_path: Path, config: Path | None) -> list[dict[str, Any]]:
    command = [sys.executable, "-m", "briefing"]
    if config is not None:
        command += ["--config", str(config)]
    command += ["classify", "--json", "--mode", "all", str(gold_path)]
    done = subprocess.run(command, capture_output=True, text=True, check=True, cwd=REPO)
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


def _oracle(rows: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """Stories from the gold event types and primary places (actors from the tagger): the story
    rules apart from event typing and place finding."""
    from briefing.core.models import FeedSpec
    from briefing.intelligence.tagging import Tagger

    tagger = Tagger.build()
    spec = FeedSpec("gold", "gold.jsonl", relevance="all")
    tagged: list[Tagged] = []
    for r in rows:
        when = datetime.fromisoformat(str(r["published"]).replace("Z", "+00:00"))
        entry = Entry(
            identity=str(r["id"]),
            feed=str(r.get("feed") or ""),
            title=str(r.get("title") or ""),
            summary=str(r.get("summary") or ""),
            url=r.get("link"),
            canonical_url=r.get("link"),
            published=when if when.tzinfo else when.replace(tzinfo=UTC),
            language=r.get("language"),
        )
        kind = r.get("event_type") if r.get("event_type") in EVENT_TYPES else "none"
        place = r.get("primary_place")
        locations = (
            (PlaceMention(fold(str(place)), str(place), "", (str(place),), True),) if place else ()
        )
        t = tagger.tag(entry, spec)
        tagged.append(replace(t, event=EventVerdict(kind), locations=locations))  # type: ignore[arg-type]
    states = frozenset(a.id for a in tagger.actor_infos() if a.kind == "state")
    grouped = group(
        [with_states(signature(t, t.entry.published or datetime.now(UTC)), states) for t in tagged]
    )
    return {
        tagged[i].entry.identity: tagged[first].entry.identity
        for i, (first, _) in enumerate(grouped)
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("gold", type=Path)
    parser.add_argument("--pred", type=Path, help="saved `classify --json` output")
    parser.add_argument("--oracle", action="store_true", help="gold event types and places")
    parser.add_argument("--config", type=Path, help="feeds.yaml for classify")
    parser.add_argument("--errors", action="store_true", help="list the pairs it got wrong")
    args = parser.parse_args(argv)
    rows = _read(args.gold)
    gold = {str(r["id"]): str(r["story"]) for r in rows}
    if args.oracle:
        predicted = _oracle(rows)
    else:
        out = _read(args.pred) if args.pred else _classify(args.gold, args.config)
        predicted = {str(o["id"]): str(o["story"]) for o in out}
    s = score(gold, predicted)
    print(
        f"{s.items} items · B-cubed P {s.b3_precision:.3f} R {s.b3_recall:.3f} F1 {s.b3_f1:.3f} · "
        f"pairwise P {s.pair_precision:.3f} R {s.pair_recall:.3f} F1 {s.pair_f1:.3f} "
        f"({s.predicted_pairs} predicted pairs, {s.gold_pairs} gold)"
    )
    if args.errors:
        title = {str(r["id"]): str(r.get("title", "")) for r in rows}
        for a, b in combinations(sorted(gold), 2):
            same_gold = gold[a] == gold[b]
            same_pred = predicted.get(a) == predicted.get(b) and a in predicted
            if same_gold != same_pred:
                tag = "missed" if same_gold else "wrong "
                print(f"{tag} {a} {title[a][:60]!r} ~ {b} {title[b][:60]!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
