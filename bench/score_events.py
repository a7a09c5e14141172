"""Score event types and places on a labelled JSONL set (the blind holdout by default).

    uv run python bench/score_events.py [FILE] [--misses]

Prints type accuracy, macro-F1 over the types present, places F1 (micro, over every place an
item names) and the primary place's accuracy. `--misses` lists the items that went wrong:
read them to understand, never to tune on the holdout (tune on tests/data/labelled/).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from briefing.intelligence.tagging import Tagger  # noqa: E402
from tests.events_scoring import read_labelled, score  # noqa: E402


def main(argv: list[str]) -> int:
    paths = [a for a in argv if not a.startswith("--")]
    path = Path(paths[0]) if paths else ROOT / "tests/data/holdout/events_holdout.jsonl"
    result = score(Tagger.build(), read_labelled(path))
    print(f"{path.name}: {result.summary()}")
    for event_type, (precision, recall, f1) in sorted(result.per_type.items()):
        print(f"  {event_type:22} P {precision:.2f} R {recall:.2f} F1 {f1:.2f}")
    if "--misses" in argv:
        print("\n".join(result.misses))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
