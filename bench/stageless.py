"""Make a tree that runs this checkout's briefing without the events, places and stories stages.

    uv run python bench/stageless.py /tmp/stageless                      # neither
    uv run python bench/stageless.py /tmp/notag --without tagging        # no events, no places
    uv run python bench/stageless.py /tmp/nostory --without stories      # no story step
    uv run python bench/ab_fetch.py --feeds 1000 --latency 0 --runs 6 /tmp/stageless .

For `ab_fetch.py` (issue 12: "a cold 1,000-feed fetch stays within 5% of today's time"): the
tree holds a link to this checkout's `briefing/` and a `sitecustomize.py` that Python imports at
start-up (from PYTHONPATH, in every process of the fetch), which changes three things once
their modules are loaded:

* `Tagger._event_and_places` returns no event and no places (the events classifier and the
  place locator are not run);
* the writer's `signature` is a stub and `join_story`, `choose_story`, `record_story`,
  `add_story_source` do nothing (no story signature, no candidate query, no story rows; a new
  item's story_id is its own id, as the INSERT writes it, with no stories row);
* the writer reads no story gazetteer (`IngestMixin._story_gazetteer`).

(`--without tagging` keeps only the first change, `--without stories` only the other two.)

What it cannot remove: the place gazetteer's names in the tagger's automaton (one scan over
the text finds actors and places together), and the places the matcher reports beside the
actors (stored with them so lists filter by both).
Comparing with the commit before the events layer covers those too.

Nothing in briefing reads this file; it exists only for the benchmark.
"""

from __future__ import annotations

import argparse
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

SITECUSTOMIZE = '''"""Written by bench/stageless.py: briefing without the events, places and stories stages."""

import importlib.abc
import importlib.machinery
import sys


def _tagging(module):
    from briefing.core.models import NO_EVENT

    module.Tagger._event_and_places = lambda self, *args: (NO_EVENT, ())


def _ingest(module):
    from briefing.intelligence.stories import StoryGazetteer, StorySignature

    module.signature = lambda tagged, when, *args, **kwargs: StorySignature("none", None, None, when)
    module.join_story = lambda conn, item_id, *args: item_id
    if hasattr(module, "choose_story"):  # the writer decides before the INSERT
        from briefing.store.stories import StoryChoice

        module.choose_story = lambda conn, sig, *args: StoryChoice(None, None)
        module.record_story = lambda conn, item_id, *args: item_id
    module.add_story_source = lambda *args: None
    module.IngestMixin._story_gazetteer = lambda self, *args: StoryGazetteer()


_PATCHES = {"briefing.intelligence.tagging": _tagging, "briefing.store.ingest": _ingest}
_PATCHES = {name: _PATCHES[name] for name in WITHOUT}


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        patch = _PATCHES.get(name)
        if patch is None:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return spec
        run = spec.loader.exec_module

        def exec_module(module):
            run(module)
            patch(module)

        spec.loader.exec_module = exec_module
        return spec


sys.meta_path.insert(0, _Finder())
'''


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", type=Path, help="a new folder")
    parser.add_argument(
        "--without",
        choices=("all", "tagging", "stories"),
        default="all",
        help="leave out only the tagging stages (events, places) or only the story stage",
    )
    args = parser.parse_args()
    modules = {
        "all": ("briefing.intelligence.tagging", "briefing.store.ingest"),
        "tagging": ("briefing.intelligence.tagging",),
        "stories": ("briefing.store.ingest",),
    }[args.without]
    args.tree.mkdir(parents=True, exist_ok=True)
    link = args.tree / "briefing"
    if not link.exists():
        link.symlink_to(REPO / "briefing", target_is_directory=True)
    site = SITECUSTOMIZE.replace("WITHOUT", repr(modules))
    (args.tree / "sitecustomize.py").write_text(site, encoding="utf-8")
    print(f"{args.tree}: briefing from {REPO}, without {args.without} of the new stages")


if __name__ == "__main__":
    main()
