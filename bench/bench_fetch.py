"""Fetch benchmark: cold and warm `briefing fetch` (and optionally newsboat) on a loopback server.

Scenarios (medians of --runs):
  * 200 feeds × 50 items, 50 ms added to every request;
  * 1,000 feeds × 50 items, no added latency.
Cold = a fresh database (every feed 200 + parse + store); warm = `fetch --force` right after
(every feed answers 304). Reports wall time, CPU, and peak memory: RSS of the largest process
(getrusage), and of the whole process tree (main process, writer, parser workers) sampled every
100 ms from /proc both as summed RSS (which counts pages the forked processes share once per
process) and as summed PSS (which splits each shared page among its sharers: the true total).

    uv run python bench/bench_fetch.py                  # briefing only
    uv run python bench/bench_fetch.py --newsboat       # side by side with newsboat -x reload
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_feeds import write_corpus

REPO = Path(__file__).resolve().parents[1]
HOSTS = 50


@dataclass(frozen=True)
class Measure:
    seconds: float
    rss_largest_mb: float
    rss_tree_mb: float
    pss_tree_mb: float
    code: int
    cpu: float = 0.0
    """User + system seconds of the process and the children it waited for (its workers)."""


def _children(pid: int) -> list[int]:
    """Child pids, from each process's stat line (the kernel here has no /proc/PID/children)."""
    kids: list[int] = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            kids.append(int(entry))
    return kids


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _pss_kb(pid: int) -> int:
    """Proportional set size: each shared page counted once over the processes that share it."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree_kb(root: int) -> tuple[int, int]:
    """Sums of VmRSS and of Pss over `root` and its descendants."""
    rss, pss, todo = 0, 0, [root]
    while todo:
        pid = todo.pop()
        rss += _rss_kb(pid)
        pss += _pss_kb(pid)
        todo += _children(pid)
    return rss, pss


def measure(cmd: list[str], env: dict[str, str], cwd: Path) -> Measure:
    peak = peak_pss = 0
    started = time.perf_counter()
    process = subprocess.Popen(
        cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak, peak_pss
        while not stop.is_set():
            try:
                rss, pss = _tree_kb(process.pid)
                peak, peak_pss = max(peak, rss), max(peak_pss, pss)
            except Exception:  # a process vanished mid-scan
                pass
            stop.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    stop.set()
    sampler.join()
    code = os.waitstatus_to_exitcode(status)
    process.returncode = code
    if process.stderr is not None:
        err = process.stderr.read().decode(errors="replace")
        if code not in (0, 3) and err:
            print(err[-2000:], file=sys.stderr)
    cpu = usage.ru_utime + usage.ru_stime
    return Measure(elapsed, usage.ru_maxrss / 1024, peak / 1024, peak_pss / 1024, code, cpu)


def start_server(corpus: Path, latency: float) -> tuple[subprocess.Popen[str], int]:
    server = subprocess.Popen(
        [
            sys.executable,
            str(REPO / "bench" / "serve.py"),
            "--corpus",
            str(corpus),
            "--latency",
            str(latency),
            "--hosts",
            str(HOSTS),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdout is not None
    line = server.stdout.readline()
    if not line.startswith("READY"):
        server.kill()
        raise SystemExit(f"server did not start: {line!r}")
    return server, int(line.split()[1])


def urls(n: int, port: int) -> list[str]:
    return [f"http://127.0.0.{1 + i % HOSTS}:{port}/feed/{i:04d}.xml" for i in range(n)]


def briefing_config(folder: Path, feed_urls: list[str]) -> Path:
    lines = ["fetch:", "  max_connections: 64", "  max_per_host: 4", "feeds:"]
    for i, url in enumerate(feed_urls):
        lines += [f"  - name: Feed {i:04d}", f"    url: {url}"]
    path = folder / "feeds.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def compile_package() -> None:
    """Byte-compile briefing's own modules, as Python does on the first run on most machines.

    Where PYTHONDONTWRITEBYTECODE is set (as on the machine these figures come from), Python
    never caches them and every run compiles them again (about 0.09 s per run); the
    dependencies are compiled at install (`compile-bytecode` in pyproject.toml).
    """
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(REPO / "briefing")],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def run_briefing(folder: Path, feed_urls: list[str], runs: int) -> tuple[list[Measure], ...]:
    config = briefing_config(folder, feed_urls)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    base = [sys.executable, "-m", "briefing", "--config", str(config)]
    cold: list[Measure] = []
    warm: list[Measure] = []
    for run in range(runs):
        db = folder / f"run{run}.db"
        for suffix in ("", "-wal", "-shm", ".fetch.lock"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        cold.append(measure([*base, "--db", str(db), "fetch", "--quiet"], env, folder))
        warm.append(measure([*base, "--db", str(db), "fetch", "--force", "--quiet"], env, folder))
    return cold, warm


def run_newsboat(folder: Path, feed_urls: list[str], runs: int) -> tuple[list[Measure], ...]:
    home = folder / "home"
    home.mkdir(exist_ok=True)
    (folder / "urls").write_text("\n".join(feed_urls) + "\n")
    (folder / "config").write_text("reload-threads 8\n")
    env = {**os.environ, "HOME": str(home)}
    cold: list[Measure] = []
    warm: list[Measure] = []
    for run in range(runs):
        cache = folder / f"cache{run}.db"
        cache.unlink(missing_ok=True)
        cmd = [
            "newsboat",
            "-x",
            "reload",
            "-u",
            str(folder / "urls"),
            "-c",
            str(cache),
            "-C",
            str(folder / "config"),
        ]
        cold.append(measure(cmd, env, folder))
        warm.append(measure(cmd, env, folder))
    return cold, warm


def median(values: list[Measure]) -> str:
    seconds = statistics.median(m.seconds for m in values)
    largest = max(m.rss_largest_mb for m in values)
    tree = max(m.rss_tree_mb for m in values)
    pss = max(m.pss_tree_mb for m in values)
    codes = sorted({m.code for m in values})
    spread = ", ".join(f"{m.seconds:.2f}" for m in values)
    cpu = statistics.median(m.cpu for m in values)
    return (
        f"{seconds:6.2f} s wall (runs: {spread}) · {cpu:.1f} s CPU · peak RSS {largest:.0f} MB "
        f"largest process, {tree:.0f} MB process tree RSS ({pss:.0f} MB PSS) · exit {codes}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("/tmp/briefing-bench"))
    parser.add_argument("--newsboat", action="store_true", help="also run newsboat -x reload")
    parser.add_argument("--only", choices=["200", "1000"], help="run one scenario")
    parser.add_argument(
        "--no-compile",
        action="store_true",
        help="leave briefing's modules uncompiled (see compile_package)",
    )
    args = parser.parse_args()
    if not args.no_compile:
        compile_package()
    corpus = args.work / "corpus-50-v2"
    write_corpus(corpus, 1000, 50)
    scenarios = [("200", 200, 0.05), ("1000", 1000, 0.0)]
    for name, n, latency in scenarios:
        if args.only and args.only != name:
            continue
        server, port = start_server(corpus, latency)
        try:
            feed_urls = urls(n, port)
            print(f"\n## {n} feeds × 50 items, {latency * 1000:.0f} ms latency, {HOSTS} hosts")
            folder = args.work / f"briefing-{name}"
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            cold, warm = run_briefing(folder, feed_urls, args.runs)
            print(f"briefing cold: {median(cold)}")
            print(f"briefing warm: {median(warm)}")
            if args.newsboat:
                folder = args.work / f"newsboat-{name}"
                shutil.rmtree(folder, ignore_errors=True)
                folder.mkdir(parents=True)
                cold, warm = run_newsboat(folder, feed_urls, args.runs)
                print(f"newsboat cold: {median(cold)}")
                print(f"newsboat warm: {median(warm)}")
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
