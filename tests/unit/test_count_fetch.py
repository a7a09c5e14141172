"""bench/count_fetch.py's reading of callgrind's files: each process's own cost, by role."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load_count() -> ModuleType:
    spec = importlib.util.spec_from_file_location("count_fetch", ROOT / "bench" / "count_fetch.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(ROOT / "bench"))
    return module


def profile(trigger: str, events: str, totals: str) -> str:
    """The lines of a callgrind file that `by_role` reads, around others it must skip."""
    return (
        "# callgrind format\nversion: 1\ncmd: python -m briefing fetch\npart: 1\n"
        f"desc: Trigger: {trigger}\n\npositions: line\nevents: {events}\n"
        "fl=(1) x.c\nfn=(1) f\n3 5\n"
        f"summary: {totals}\n\ntotals: {totals}\n"
    )


def test_each_process_counts_its_own_work_by_its_start_order() -> None:
    count = load_count()
    end, start = "Program termination", "--dump-before=PyOS_AfterFork_Child"
    profiles = {
        "cg.900": profile(end, "Ir", "1000"),  # the main process: the first started
        "cg.901.1": profile(start, "Ir", "700"),  # the writer's inherited counts: left out
        "cg.901": profile(end, "Ir", "50"),
        "cg.1000.1": profile(start, "Ir", "800"),
        "cg.1000": profile(end, "Ir", "300"),  # a parser (pids compare as numbers)
        "cg.905": profile(end, "Ir", "200"),  # a parser
        "cg.906": "not a profile",
    }
    assert count.by_role(profiles) == {"main": 1000, "writer": 50, "workers": 500}


def test_with_the_cache_simulated_the_cost_is_callgrind_s_cycle_estimate() -> None:
    count = load_count()
    text = profile(
        "Program termination", "Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw", "1000 400 300 1 2 3 4 5 6"
    )
    # Ir + 10 × first-level misses + 100 × last-level misses; reads and writes cost nothing more.
    assert count.cost(text) == 1000 + 10 * (1 + 2 + 3) + 100 * (4 + 5 + 6)
    assert count.cost(profile("Program termination", "Ir", "1234")) == 1234
    assert count.cost("no totals here") is None


@pytest.mark.skipif(shutil.which("valgrind") is None, reason="needs valgrind")
def test_a_forked_child_s_last_dump_holds_its_own_work_only(tmp_path: Path) -> None:
    """The flags `count` runs valgrind with, on a parent that works, then forks a child that
    works a little: the child's own file must hold less than the parent's work."""
    count = load_count()
    script = (
        "import os\n"
        "total = sum(i * i for i in range(300_000))\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    sum(i for i in range(1_000))\n"
        "    os._exit(0)\n"
        "os.waitpid(pid, 0)\n"
    )
    subprocess.run(
        [*count.valgrind(tmp_path / "cg.%p", False), sys.executable, "-c", script],
        check=True,
        capture_output=True,
        timeout=300,
    )
    profiles = {p.name: p.read_text(encoding="utf-8") for p in tmp_path.glob("cg.*")}
    roles = count.by_role(profiles)
    assert set(roles) == {"main", "writer"}  # the parent, then the one child
    assert roles["writer"] < roles["main"] / 5
    assert any(name.count(".") == 2 for name in profiles)  # the child's inherited dump
