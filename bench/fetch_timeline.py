"""Where a cold `briefing fetch`'s CPU goes, process by process, over time.

Runs one cold fetch of the generated corpus (as `bench_fetch.py` serves it) with the tree given
on `PYTHONPATH`, reads every process of it from /proc every 20 ms, and prints each process's
CPU per half second of wall time, then its total. A column that works alone at the end while
the others are done is a stage that fell behind (issue 12: the writer did, until the parsers
were given a lower priority). Linux only: it reads /proc.

    uv run python bench/fetch_timeline.py --feeds 1000
    uv run python bench/fetch_timeline.py --feeds 1000 --tree /tmp/fs/before

The columns: `main` (downloads, hands documents to the workers), then the workers in the
order they were forked: the writer first, then the parsers.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_fetch import briefing_config, start_server, urls
from gen_feeds import write_corpus

TICKS = os.sysconf("SC_CLK_TCK")
SAMPLE_SECONDS = 0.02
BUCKET_SECONDS = 0.5


def cpu_by_pid(root: int) -> dict[int, float]:
    """CPU seconds (user + system) of `root` and each of its descendants, from /proc."""
    parents: dict[int, list[int]] = {}
    spent: dict[int, float] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{name}/stat").read_text()
        except OSError:  # ended between the listing and the read
            continue
        fields = stat[stat.rindex(")") + 2 :].split()  # the name may hold spaces
        pid = int(name)
        parents.setdefault(int(fields[1]), []).append(pid)
        spent[pid] = (int(fields[11]) + int(fields[12])) / TICKS
    found: dict[int, float] = {}
    stack = [root]
    while stack:
        pid = stack.pop()
        if pid in spent:
            found[pid] = spent[pid]
        stack.extend(parents.get(pid, ()))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--tree", type=Path, help="a checkout to run (default: this one)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/briefing-bench"))
    args = parser.parse_args()
    corpus = args.work / "corpus-50-v2"
    write_corpus(corpus, 1000, 50)
    server, port = start_server(corpus, args.latency)
    try:
        with tempfile.TemporaryDirectory() as scratch:
            folder = Path(scratch)
            config = briefing_config(folder, urls(args.feeds, port))
            env = {**os.environ, "BRIEFING_CACHE_DIR": str(args.work / "timeline-cache")}
            if args.tree is not None:
                env["PYTHONPATH"] = str(args.tree)
            command = [sys.executable, "-m", "briefing", "--config", str(config)]
            db = ["--db", str(folder / "t.db")]
            # One uncounted fetch builds the tree's tagger cache, as a user's earlier run would.
            warm = [*command, "--db", str(folder / "warm.db"), "fetch", "--quiet"]
            subprocess.run(warm, env=env, cwd=folder, check=True)
            report(command, db, env, folder)
    finally:
        server.terminate()


def report(command: list[str], db: list[str], env: dict[str, str], folder: Path) -> None:
    started = time.perf_counter()
    process = subprocess.Popen([*command, *db, "fetch", "--quiet"], env=env, cwd=folder)
    samples: list[tuple[float, dict[int, float]]] = []
    while process.poll() is None:
        samples.append((time.perf_counter() - started, cpu_by_pid(process.pid)))
        time.sleep(SAMPLE_SECONDS)
    wall = time.perf_counter() - started
    pids = sorted({pid for _, sample in samples for pid in sample})
    if not pids:
        raise SystemExit("the fetch ended before it could be sampled")
    names = ["main" if pid == process.pid else f"pid {pid}" for pid in pids]
    print("  time " + " ".join(f"{name:>9}" for name in names))
    last = dict.fromkeys(pids, 0.0)
    edge = BUCKET_SECONDS
    for at, sample in samples:
        if at < edge:
            continue
        now = {pid: sample.get(pid, last[pid]) for pid in pids}
        print(f"{at:5.1f}s " + " ".join(f"{now[p] - last[p]:9.2f}" for p in pids))
        last, edge = now, edge + BUCKET_SECONDS
    totals = {pid: max(s.get(pid, 0.0) for _, s in samples) for pid in pids}
    print(
        f"wall {wall:.2f} s; CPU seen "
        + ", ".join(f"{name} {totals[pid]:.2f} s" for name, pid in zip(names, pids, strict=True))
    )


if __name__ == "__main__":
    main()
