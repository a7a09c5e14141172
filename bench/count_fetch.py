"""Instructions of a cold `briefing fetch`, per process role, counted by valgrind's callgrind.

Timings on a shared machine move by tens of percent from one minute to the next; instruction
counts do not (they do not see cache misses or the kernel, so they complement timings rather
than replace them). This runs one cold fetch of each tree given (after a plain run that builds
the tree's Tagger cache, as a user's second fetch finds it) under `valgrind --tool=callgrind
--trace-children=yes` against the loopback server, and prints the instructions of each role:
`main` (start-up, planning, downloads), `writer` and `workers` (the parsers, summed), then the
total with its ratio to the first tree's. A forked process starts with its parent's counts:
they are dumped apart as it starts, and only its own are added. About fifty times slower than
a plain run: 200 feeds take two or three minutes per tree, 1,000 about ten.

    uv run python bench/count_fetch.py --feeds 200 /tmp/before /tmp/after

Needs valgrind (`apt install valgrind`). The fixed part (Python's start, imports, the schema,
the Tagger) is in every count: a run with `--feeds 3` measures it.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_fetch import briefing_config, start_server, urls
from gen_feeds import write_corpus

ROLES = ("main", "writer")
"""The roles of the first processes in start order (`worker_pools` forks the writer first);
the later ones are the parsing workers."""
_TOTAL = re.compile(r"^(?:summary|totals):([\d ]+)$", re.MULTILINE)
_EVENTS = re.compile(r"^events:(.*)$", re.MULTILINE)
MISS_CYCLES = {"I1mr": 10, "D1mr": 10, "D1mw": 10, "ILmr": 100, "DLmr": 100, "DLmw": 100}
"""With `--cache-sim`, callgrind's own cycle estimate: an instruction a cycle, a first-level
miss ten more, a last-level miss a hundred (what `callgrind_annotate` shows as CEst)."""


def cost(text: str) -> int | None:
    """A profile's total: its instructions, or with cache simulation its estimated cycles."""
    found, names = _TOTAL.search(text), _EVENTS.search(text)
    if found is None or names is None:
        return None
    counts = map(int, str(found.group(1)).split())
    events: dict[str, int] = dict(zip(str(names.group(1)).split(), counts, strict=False))
    return events.get("Ir", 0) + sum(n * events.get(e, 0) for e, n in MISS_CYCLES.items())


def valgrind(out: Path, cache_sim: bool) -> list[str]:
    """callgrind over a process and every process it forks or runs, one file each."""
    return [
        "valgrind",
        "--tool=callgrind",
        "--trace-children=yes",
        # A forked child starts with its parent's counts: they are dumped apart (and zeroed)
        # as it starts, so its last dump is its own work.
        "--dump-before=PyOS_AfterFork_Child",
        f"--cache-sim={'yes' if cache_sim else 'no'}",
        f"--callgrind-out-file={out}",
    ]


def count(
    tree: Path, label: str, feeds: int, port: int, work: Path, cache_sim: bool
) -> dict[str, int]:
    """Instructions (or estimated cycles) per role, summed over its processes, for one cold
    fetch of `tree` (its files under `work / label`)."""
    folder = work / label
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    config = briefing_config(folder, urls(feeds, port))
    # Under valgrind the fetch runs fifty times slower (a hundred with the caches simulated): a
    # download must not time out, and a connection must be taken up within the fetcher's
    # connect timeout (capped at 10 s), so the simulated run opens fewer at once (the same for
    # every tree compared).
    text = config.read_text(encoding="utf-8").replace("fetch:\n", "fetch:\n  timeout: 3600\n", 1)
    if cache_sim:
        text = text.replace("max_connections: 64", "max_connections: 8")
    config.write_text(text, encoding="utf-8")
    env = {
        **os.environ,
        "PYTHONPATH": str(tree),
        "BRIEFING_CACHE_DIR": str(work / "cache" / label),
    }
    fetch = [sys.executable, "-m", "briefing", "--config", str(config), "--db"]
    # A first plain run builds the tree's Tagger cache, as a user's second fetch finds it.
    # (Run in `folder`: from the current directory, `-m` would import the checkout found there.)
    subprocess.run(
        [*fetch, str(folder / "warm.db"), "fetch", "--quiet"], env=env, cwd=folder, check=True
    )
    cold = [*fetch, str(folder / "cold.db"), "fetch", "--quiet"]
    subprocess.run(
        [*valgrind(folder / "cg.%p", cache_sim), *cold],
        env=env,
        cwd=folder,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return by_role(
        {p.name: p.read_text(encoding="utf-8", errors="replace") for p in folder.glob("cg.*")}
    )


def by_role(profiles: dict[str, str]) -> dict[str, int]:
    """The cost of each role from callgrind's files (name "cg.PID" or "cg.PID.N" → text)."""
    own: dict[int, int] = {}
    for name, text in profiles.items():
        total = cost(text)
        # A child's dump at its start ("cg.PID.1") is its parent's work: only the dump at
        # each process's end counts.
        if total is not None and "Trigger: Program termination" in text:
            own[int(name.split(".")[1])] = total
    roles: dict[str, int] = {}
    for order, pid in enumerate(sorted(own)):
        role = ROLES[order] if order < len(ROLES) else "workers"
        roles[role] = roles.get(role, 0) + own[pid]
    return roles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("trees", nargs="+", type=Path, help="checkouts to compare")
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds per response")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "count-fetch")
    parser.add_argument(
        "--cache-sim",
        action="store_true",
        help="simulate the caches and report estimated cycles (about twice as slow)",
    )
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        parser.error("valgrind is not installed")
    corpus = args.work / "corpus-50-v2"
    write_corpus(corpus, 1000, 50)
    server, port = start_server(corpus, args.latency)
    try:
        # (Labelled by position too: two checkouts may share a folder name.)
        counts = {
            tree: count(tree, f"{i}-{tree.name}", args.feeds, port, args.work, args.cache_sim)
            for i, tree in enumerate(args.trees)
        }
    finally:
        server.terminate()
        server.wait()
    first = sum(next(iter(counts.values())).values())
    unit = "estimated cycles" if args.cache_sim else "instructions"
    print(f"{args.feeds} feeds × 50 items, {unit} (G) per role")
    for tree, roles in counts.items():
        total = sum(roles.values())
        parts = ", ".join(f"{role} {n / 1e9:.2f}" for role, n in sorted(roles.items()))
        print(f"{tree}: {total / 1e9:.2f} G ({parts}); {total / first:.3f} × the first")


if __name__ == "__main__":
    main()
