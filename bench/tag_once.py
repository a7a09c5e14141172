"""Tag 100,000 generated items once, for timing a whole process from outside (A/B of two trees).

Run:  uv run python bench/tag_once.py full|today varied|default

`full` is the Tagger as it is; `today` is tagging without the event and place step (and without
the event cues in the shared automaton, where the tree has them). The loop's CPU time is
printed; the whole process (generating the items and building the Tagger included) is what an
outside timer such as `/usr/bin/time -v` sees. It runs unchanged on older trees (with
`PYTHONPATH=<copy>` pointing at a `git archive` of one), so two trees compare in turn.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_items import generate

from briefing.core.models import NO_EVENT, FeedSpec
from briefing.intelligence import events
from briefing.intelligence.tagging import Tagger


class _Today(Tagger):
    def _event_and_places(self, *args: Any) -> Any:
        return NO_EVENT, ()


def main() -> None:
    mode, corpus = sys.argv[1], sys.argv[2]
    items = list(generate(100_000, varied=corpus == "varied"))
    feed = FeedSpec(name="bench", url="file:///dev/null", relevance="default")
    if mode == "today":
        if hasattr(events.EventClassifier, "add_cues"):
            events.EventClassifier.add_cues = lambda *args, **kwargs: None  # type: ignore[method-assign]
        tagger: Tagger = _Today.build()
    else:
        tagger = Tagger.build()
    started = time.process_time()
    for entry in items:
        tagger.tag(entry, feed)
    print(f"{mode} {corpus}: tagging loop {time.process_time() - started:.2f} s CPU")


if __name__ == "__main__":
    main()
