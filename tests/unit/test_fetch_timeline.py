"""bench/fetch_timeline.py's reading of /proc: a process and its descendants, with their CPU."""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")

BUSY_THEN_WAIT = (
    "import subprocess, sys, time\n"
    "child = subprocess.Popen([sys.executable, '-c', "
    "'import time\\nend = time.process_time() + 0.3\\nwhile time.process_time() < end: pass\\n"
    "time.sleep(30)'])\n"
    "end = time.process_time() + 0.2\n"
    "while time.process_time() < end: pass\n"
    "print(child.pid, flush=True)\n"
    "time.sleep(30)\n"
)


def load_timeline() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "fetch_timeline", ROOT / "bench" / "fetch_timeline.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cpu_by_pid_finds_the_process_and_its_children_with_their_cpu() -> None:
    timeline = load_timeline()
    parent = subprocess.Popen(
        [sys.executable, "-c", BUSY_THEN_WAIT], stdout=subprocess.PIPE, text=True
    )
    child = 0
    try:
        assert parent.stdout is not None
        child = int(parent.stdout.readline())
        deadline = time.monotonic() + 20
        while True:
            seen = timeline.cpu_by_pid(parent.pid)
            if seen.get(child, 0.0) >= 0.25 or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert set(seen) == {parent.pid, child}
        assert seen[parent.pid] >= 0.15
        assert seen[child] >= 0.25
        assert os.getpid() not in seen  # only the given process and its descendants
    finally:
        if child:
            os.kill(child, signal.SIGKILL)
        parent.kill()
        parent.wait()
