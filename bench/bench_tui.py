"""Time the triage app headless over a generated database (see bench/README_tui.md).

    uv run python bench/gen_db.py /tmp/bench-100k.db 100000
    uv run python bench/bench_tui.py /tmp/bench-100k.db

Run it as its own process: "first screen" counts from the interpreter's start (imports,
opening the store, composing, the first list page and the first paint).
"""

from __future__ import annotations

import time

PROCESS_START = time.perf_counter()

import argparse  # noqa: E402 - the clock above must start first
import asyncio  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
from collections.abc import Callable  # noqa: E402
from dataclasses import replace  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from pathlib import Path  # noqa: E402

from textual.worker import WorkerCancelled  # noqa: E402

from briefing.core.models import Config, ItemFilter, RelevanceRules  # noqa: E402
from briefing.store import Store  # noqa: E402
from briefing.tui.app import BriefingApp  # noqa: E402
from briefing.tui.screens.triage import TriageScreen  # noqa: E402
from briefing.tui.widgets.item_list import ItemList  # noqa: E402

IMPORTED = time.perf_counter()
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
SIZE = (160, 45)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def timed(fn: Callable[[], object], repeat: int = 5) -> tuple[float, float]:
    """Median and worst wall time of `fn` over `repeat` runs."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), max(times)


async def quiet(app: BriefingApp) -> None:
    """Wait for every worker; a cancelled one (superseded by a newer filter) is fine."""
    while True:
        try:
            await app.workers.wait_for_complete()
            return
        except WorkerCancelled:
            continue


async def count_done(app: BriefingApp) -> None:
    """Wait for the list's count worker only (not the facets)."""
    while True:
        try:
            await app.workers.wait_for_complete([w for w in app.workers if w.group == "item-count"])
            return
        except WorkerCancelled:
            continue


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


PAINTED: list[float] = []
_render_line = ItemList.render_line


REPAINTS: list[float] = []


def _timed_render_line(self: ItemList, y: int) -> object:
    if not PAINTED and self.total:
        PAINTED.append(time.perf_counter())
    REPAINTS.append(time.perf_counter())
    return _render_line(self, y)


ItemList.render_line = _timed_render_line  # type: ignore[method-assign,assignment]


async def bench(path: Path) -> None:
    store = Store.open(path)
    config = Config(path=path.with_suffix(".yaml"), feeds=(), rules=RelevanceRules(), seed=None)
    app = BriefingApp(store, config, now=lambda: NOW)  # builds the real Tagger in a worker
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        first = PAINTED[0] - PROCESS_START
        screen = app.screen
        assert isinstance(screen, TriageScreen)
        items = screen.query_one(ItemList)
        total = items.total
        print(f"database        {path}  ({total:,} items in the default view)")
        print(f"first screen    {ms(first)}   (process start → first list row drawn)")
        print(
            f"  of which      {ms(IMPORTED - PROCESS_START)}   (importing Python, Textual, sqlite-utils)"
        )
        print(
            f"  and           {ms(first - (IMPORTED - PROCESS_START))}   (open store, compose, first page, paint)"
        )
        print(
            f"load average    {os.getloadavg()[0]:8.2f}      (other work on the machine skews all figures)"
        )
        await quiet(app)
        print(f"facets ready    {ms(time.perf_counter() - PROCESS_START)}   (worker, off the UI)")

        def apply(f: ItemFilter) -> Callable[[], object]:
            return lambda: screen.apply_filter(f)

        cases = [
            ("filter actor", ItemFilter(actors=("actor-0",))),
            ("filter tag", ItemFilter(tags=("oil",))),
            ("filter feed", ItemFilter(feeds=("Feed 07",))),
            ("filter state", ItemFilter(state="unread")),
            ("actor AND tag", ItemFilter(actors=("actor-1",), tags=("escalation",))),
            ("date 7 days", ItemFilter(since=NOW.replace(day=13))),
            ("search word", ItemFilter(text="ceasefire")),
            ("search phrase", ItemFilter(text='"salary payments"')),
            ("search prefix", ItemFilter(text="detent*")),
            ("search + actor", ItemFilter(text="Tripoli", actors=("actor-1",))),
            ("clear filter", ItemFilter()),
        ]
        print(
            "\nfilter/search change: list shown (first page, chips, header) · exact count (worker)"
        )
        for name, f in cases:
            median, worst = timed(apply(f))
            start = time.perf_counter()
            screen.apply_filter(f)
            await count_done(app)
            counted = time.perf_counter() - start
            await pilot.pause()
            print(
                f"  {name:<16}{ms(median)} median {ms(worst)} worst · count {ms(counted)}"
                f"  {items.total:>9,} rows"
            )

        # Story mode (`s`): one row per story, the same filters through `Store.story_heads`.
        screen.action_story_rows()
        await count_done(app)
        await pilot.pause()
        print("\nstory rows (s): list shown (first page, chips, header) · exact count (worker)")
        for name, f in (
            ("no filter", ItemFilter()),
            ("filter feed", ItemFilter(feeds=("Feed 07",))),
            ("filter state", ItemFilter(state="unread")),
            ("search word", ItemFilter(text="ceasefire")),
            ("all states", ItemFilter(state="all")),
        ):
            # Each run waits for its count: a story count visits every matching item, and five
            # of them left running in threads would slow the pages timed after them.
            shown, counts = [], []
            for _ in range(5):
                start = time.perf_counter()
                screen.apply_filter(f)
                shown.append(time.perf_counter() - start)
                await count_done(app)
                counts.append(time.perf_counter() - start)
                await pilot.pause()
            print(
                f"  {name:<16}{ms(statistics.median(shown))} median {ms(max(shown))} worst"
                f" · count {ms(statistics.median(counts))}  {items.total:>9,} rows"
            )
        for name, action in (("bottom G", items.go_bottom), ("top g", items.go_top)):
            start = time.perf_counter()
            action()
            screen.show_item(items.current)
            print(f"  {name:<16}{ms(time.perf_counter() - start)}")
        screen.action_story_rows()  # one row per item again

        screen.apply_filter(ItemFilter())
        await pilot.pause()

        def move() -> None:
            items.move(1)
            screen.show_item(items.current)

        def open_item() -> None:
            screen.action_open()

        def page_down() -> None:
            items.page(1)
            screen.show_item(items.current)

        def render_screen() -> None:
            for y in range(items.size.height):
                items.render_line(y)

        print("\ncursor and reading (synchronous work per key)")
        for name, fn in (
            ("move j", move),
            ("open enter", open_item),
            ("page down", page_down),
            ("paint list", render_screen),
        ):
            median, worst = timed(fn, repeat=20)
            print(f"  {name:<16}{ms(median)} median {ms(worst)} worst")

        presses = []
        for _ in range(10):
            REPAINTS.clear()
            start = time.perf_counter()
            await pilot.press("j")
            await pilot.pause()
            if REPAINTS:
                presses.append(REPAINTS[0] - start)
        print(
            f"  {'j key→repaint':<16}{ms(statistics.median(presses))} median"
            f" {ms(max(presses))} worst   (key event injected → first list line redrawn)"
        )

        for name, action in (("bottom G", items.go_bottom), ("top g", items.go_top)):
            start = time.perf_counter()
            action()
            screen.show_item(items.current)
            print(f"  {name:<16}{ms(time.perf_counter() - start)}")

        # Scroll a long way to check memory stays bounded (the page cache is an LRU).
        for _ in range(300):
            items.page(1)
        await pilot.pause()
        screen.apply_filter(replace(ItemFilter(), text="oil"))
        await pilot.pause()
        await quiet(app)
        print(f"\nmax RSS         {rss_mb():8.1f} MB   (after first screen, filters, 300 pages)")
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    args = parser.parse_args()
    asyncio.run(bench(args.path))


if __name__ == "__main__":
    main()
