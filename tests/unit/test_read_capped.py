"""Files read whole are capped and must be regular files (issue 17.5): refused fast, in one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing.cli import main
from briefing.core.errors import ConfigError, ImportError_
from briefing.core.files import read_capped
from tests.conftest import REPO


def test_a_regular_file_within_the_cap_is_read(tmp_path: Path) -> None:
    path = tmp_path / "a.opml"
    path.write_bytes(b"x" * 1000)
    assert read_capped(path, 1000, "an OPML file") == b"x" * 1000


def test_a_file_over_the_cap_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "big.opml"
    path.write_bytes(b"x" * 1001)
    with pytest.raises(ConfigError, match=r"big.opml: is larger than the 1,000 bytes allowed"):
        read_capped(path, 1000, "an OPML file")


def test_devices_pipes_folders_and_missing_files_are_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.opml"
    os.mkfifo(fifo)  # no writer: opening it for reading would wait forever
    with pytest.raises(ConfigError, match="pipe.opml: is a pipe or a device, not a regular file"):
        read_capped(fifo, 1000, "an OPML file")
    with pytest.raises(ConfigError, match="/dev/zero: is a pipe or a device"):
        read_capped(Path("/dev/zero"), 1000, "an OPML file")
    with pytest.raises(ConfigError, match="is a folder"):
        read_capped(tmp_path, 1000, "an OPML file")
    with pytest.raises(ImportError_, match="no such file"):
        read_capped(tmp_path / "absent.txt", 1000, "a capture", ImportError_)


def _briefing(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    config = tmp_path / "feeds.yaml"
    if not config.exists():
        config.write_text("feeds: []\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "briefing", "--config", str(config), *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,  # before the fix: a FIFO hung, /dev/zero ran out of memory
    )


@pytest.mark.parametrize("source", ["/dev/zero", "fifo"])
def test_feeds_import_of_a_device_or_a_fifo_is_one_line(tmp_path: Path, source: str) -> None:
    if source == "fifo":
        os.mkfifo(tmp_path / "feeds.opml")
        source = str(tmp_path / "feeds.opml")
    done = _briefing(tmp_path, "feeds", "import", source)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "not a regular file" in lines[0], done.stderr


def test_classify_of_dev_zero_is_one_line(tmp_path: Path) -> None:
    done = _briefing(tmp_path, "classify", "/dev/zero")
    assert done.returncode != 0
    assert "Traceback" not in done.stderr and "not a regular file" in done.stderr


def _big_opml(path: Path, feeds: int) -> None:
    outlines = "".join(
        f'<outline type="rss" text="Local outlet number {n}" '
        f'xmlUrl="https://outlet-{n}.example.org/news/feed.xml"/>'
        for n in range(feeds)
    )
    path.write_text(
        f'<?xml version="1.0"?><opml version="2.0"><body>{outlines}</body></opml>',
        encoding="utf-8",
    )


@pytest.mark.parametrize("dry_run", [False, True])
def test_an_import_too_large_for_feeds_yaml_says_so_before_any_added_line(
    tmp_path: Path, dry_run: bool
) -> None:
    config = tmp_path / "feeds.yaml"
    config.write_text("feeds: []\n", encoding="utf-8")
    opml = tmp_path / "many.opml"
    _big_opml(opml, 30_000)
    args = ["--config", str(config), "feeds", "import", str(opml)]
    result = CliRunner().invoke(main, args + (["--dry-run"] if dry_run else []))
    assert result.exit_code == 1
    assert "added" not in result.output and "would add" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "feeds.yaml" in lines[0], result.output[:500]
    assert config.read_text(encoding="utf-8") == "feeds: []\n"
