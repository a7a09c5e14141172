"""Search over a benchmark database: the m011 upgrade of an older one, then query latencies.

    uv run python bench/gen_db.py /tmp/bench-100k.db 100000     # any schema older than m011
    uv run python bench/bench_search.py /tmp/bench-100k.db

Opening the file migrates it (after its backup copy): the time of that first open is the
upgrade's, dominated by rebuilding the search index over the normalised view. Then each query
of QUERIES is counted (the whole match, as the list's count worker does) and its first page
fetched, best of five. The figures go in README_search.md.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from briefing.core.models import ItemFilter
from briefing.store import Store

QUERIES = (
    "envoys",
    "envoys ghadames",
    "envoys -ghadames",
    "envoys OR detention",
    "NOT envoys",
    '"tunisian border"',
    "ghad*",
    "(envoys OR oil) -budget",
    '"election plans" OR "new budget" -tunisian',
)
"""Words of bench/gen_db.py's vocabulary, one query per operator and a mix."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    args = parser.parse_args()
    started = time.perf_counter()
    store = Store.open(args.db)
    print(f"open (migrating if needed): {time.perf_counter() - started:.2f} s")
    try:
        for text in QUERIES:
            f = ItemFilter(text=text, state="all")
            best_count = best_page = float("inf")
            for _ in range(5):
                t = time.perf_counter()
                total = store.count(f)
                best_count = min(best_count, time.perf_counter() - t)
                t = time.perf_counter()
                store.items(f, limit=100)
                best_page = min(best_page, time.perf_counter() - t)
            print(
                f"{text!r:28} {total:>7,} items  count {best_count * 1000:7.1f} ms  "
                f"first page {best_page * 1000:6.1f} ms"
            )
    finally:
        store.close()


if __name__ == "__main__":
    main()
