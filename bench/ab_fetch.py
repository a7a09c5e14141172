"""A/B: cold `briefing fetch` runs of two or more code trees, alternated, against one server.

On a shared machine whose speed moves by tens of percent from one minute to the next, two
versions are only comparable when their runs are interleaved: A B B A A B … (with three trees,
each run rotates the order). Each tree is a checkout of this repository (for example
`git worktree add /tmp/a <commit>`, or `bench/stageless.py`); all run with this Python
environment. The medians of the later trees are also given as a ratio to the first's.

    uv run python bench/ab_fetch.py --feeds 200 --latency 0.05 --runs 8 /tmp/a /tmp/b
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_fetch import HOSTS, briefing_config, measure, start_server, urls
from gen_feeds import write_corpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("trees", nargs="+", type=Path, help="two or more checkouts")
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--runs", type=int, default=8)
    parser.add_argument("--work", type=Path, default=Path("/tmp/briefing-bench"))
    args = parser.parse_args()
    if len(args.trees) < 2:
        parser.error("give at least two trees")
    corpus = args.work / "corpus-50-v2"
    write_corpus(corpus, 1000, 50)
    for tree in args.trees:
        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", str(tree / "briefing")],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    folder = args.work / "ab"
    folder.mkdir(parents=True, exist_ok=True)
    server, port = start_server(corpus, args.latency)
    results: dict[Path, list[tuple[float, float]]] = {tree: [] for tree in args.trees}
    try:
        config = briefing_config(folder, urls(args.feeds, port))

        def fetch(tree: Path, index: int) -> tuple[float, float]:
            db = folder / "ab.db"
            for suffix in ("", "-wal", "-shm", ".fetch.lock"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
            # Each tree its own Tagger cache (it keeps one entry: trees run in turn would each
            # rebuild theirs in every worker, every run), warmed by a first run not counted.
            cache = args.work / "cache" / str(index)
            env = {**os.environ, "PYTHONPATH": str(tree), "BRIEFING_CACHE_DIR": str(cache)}
            cmd = [sys.executable, "-m", "briefing", "--config", str(config)]
            m = measure([*cmd, "--db", str(db), "fetch", "--quiet"], env, folder)
            return m.seconds, m.cpu

        for index, tree in enumerate(args.trees):
            fetch(tree, index)
        for run in range(args.runs):
            if len(args.trees) == 2:
                order = args.trees if run % 2 == 0 else args.trees[::-1]
            else:
                shift = run % len(args.trees)
                order = args.trees[shift:] + args.trees[:shift]
            for tree in order:
                results[tree].append(fetch(tree, args.trees.index(tree)))
    finally:
        server.terminate()
        server.wait()
    print(f"{args.feeds} feeds × 50 items, {args.latency * 1000:.0f} ms latency, {HOSTS} hosts")
    first: tuple[float, float] | None = None
    for tree, values in results.items():
        wall = statistics.median(s for s, _ in values)
        cpu = statistics.median(c for _, c in values)
        runs = " ".join(f"{s:.2f}" for s, _ in values)
        ratio = (
            "" if first is None else f"; {wall / first[0]:.3f} × wall, {cpu / first[1]:.3f} × CPU"
        )
        print(f"{tree}: median {wall:.2f} s wall, {cpu:.2f} s CPU (runs: {runs}){ratio}")
        first = first or (wall, cpu)


if __name__ == "__main__":
    main()
