"""`briefing summarize` and `briefing export` through click's CliRunner, on tmp files."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing.cli import brief_cmd, export_cmd, main
from briefing.cli.export_cmd import parse_when
from briefing.core.models import ItemFilter
from briefing.store import Store
from tests.conftest import FROZEN_NOW
from tests.export_fixture import populate, populate_hostile


@pytest.fixture
def paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A minimal feeds.yaml and a database filled through the store API; the CLI clock frozen."""
    config = tmp_path / "feeds.yaml"
    config.write_text("feeds: []\n", encoding="utf-8")
    db = tmp_path / "briefing.db"
    Store.open(db).close()  # as a fetch leaves it: `export` only reads, it creates nothing
    # Open once through the CLI so that its own start-up (seed, gazetteer) has run first.
    assert (
        CliRunner().invoke(main, ["--config", str(config), "--db", str(db), "export"]).exit_code
        == 0
    )
    store = Store.open(db)
    store.clock = lambda: FROZEN_NOW
    populate(store)
    store.save_view("Escalation", ItemFilter(tags=("escalation",)))
    store.close()
    monkeypatch.setattr(export_cmd, "_now", lambda: FROZEN_NOW)
    monkeypatch.setattr(brief_cmd, "_now", lambda: FROZEN_NOW)
    return config, db


def run(paths: tuple[Path, Path], *args: str) -> tuple[int, str, str]:
    config, db = paths
    result = CliRunner().invoke(main, ["--config", str(config), "--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr


# --- --since / --until ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "end", "expected"),
    [
        ("7d", False, FROZEN_NOW - timedelta(days=7)),
        ("24h", False, FROZEN_NOW - timedelta(hours=24)),
        ("2w", False, FROZEN_NOW - timedelta(weeks=2)),
        ("30m", False, FROZEN_NOW - timedelta(minutes=30)),
        ("2026-11-01", False, datetime(2026, 11, 1, tzinfo=UTC)),
        ("2026-11-01", True, datetime(2026, 11, 2, tzinfo=UTC)),
        ("2026-11-01T08:30", False, datetime(2026, 11, 1, 8, 30, tzinfo=UTC)),
        ("2026-11-01T08:30:00+02:00", False, datetime(2026, 11, 1, 6, 30, tzinfo=UTC)),
        ("2026-11-01T08:30Z", False, datetime(2026, 11, 1, 8, 30, tzinfo=UTC)),
        ("today", False, datetime(2026, 11, 20, tzinfo=UTC)),
        ("yesterday", True, datetime(2026, 11, 20, tzinfo=UTC)),
    ],
)
def test_parse_when(text: str, end: bool, expected: datetime) -> None:
    assert parse_when(text, now=FROZEN_NOW, end=end) == expected


@pytest.mark.parametrize("text", ["7", "d7", "2026-13-01", "soon", "-3d", ""])
def test_parse_when_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="is not a duration"):
        parse_when(text, now=FROZEN_NOW)


# --- summarize --------------------------------------------------------------------------------


def test_summarize_prints_a_story_brief(paths: tuple[Path, Path]) -> None:
    """`summarize` is the story brief (issue 13): stories of the period, by actor."""
    code, out, _ = run(paths, "summarize", "--actor", "Haftar", "--since", "7d")
    assert code == 0, out
    assert out.startswith("Libya brief 2026-11-20")
    assert "actor: Khalifa Haftar" in out.splitlines()[1]
    assert "Bottom line" in out and "LNA jets strike Mitiga airport" in out
    assert "Libya Observer; Libya Herald" in out  # every source of the story cited
    assert "Khalifa Haftar (2)" in out


def test_summarize_json(paths: tuple[Path, Path]) -> None:
    code, out, _ = run(paths, "summarize", "--actor", "lna", "--json", "--tag", "escalation")
    assert code == 0, out
    data = json.loads(out)
    assert data["filter"].startswith("actor: Libyan National Army · tag: escalation")
    (story,) = data["stories"]
    assert story["headline"] == "LNA jets strike Mitiga airport"
    assert story["sources"][0]["url"] == "https://lo.example/1"


def test_summarize_whole_filter_and_feed(paths: tuple[Path, Path]) -> None:
    code, out, _ = run(paths, "summarize", "--feed", "UN News", "--json")
    assert code == 0, out
    assert len(json.loads(out)["stories"]) == 1


def test_summarize_unknown_actor_is_one_line(paths: tuple[Path, Path]) -> None:
    code, _, err = run(paths, "summarize", "--actor", "Nobody")
    assert code == 1
    assert err.strip() == "Error: unknown actor 'Nobody' (`briefing actors --all` lists them)"


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ("export", "--tag", "escalatoin"),
            "unknown tag 'escalatoin' — did you mean 'escalation'? "
            "(the filter panel and `briefing status` count them)",
        ),
        (
            ("summarize", "--tag", "Ceasfire"),
            "unknown tag 'Ceasfire' — did you mean 'ceasefire'? "
            "(the filter panel and `briefing status` count them)",
        ),
        (
            ("export", "--feed", "Libya Herlad"),
            "unknown feed 'Libya Herlad' — did you mean 'Libya Herald'? "
            "(`briefing feeds` lists them)",
        ),
        (
            ("summarize", "--feed", "UN News", "--feed", "Nowhere Times"),
            "unknown feed 'Nowhere Times' (`briefing feeds` lists them)",
        ),
        (
            ("export", "--actor", "Haftr"),
            "unknown actor 'Haftr' — did you mean 'Haftar'? (`briefing actors --all` lists them)",
        ),
        (
            ("summarize", "--actor", "Khalifa Hafter"),
            "unknown actor 'Khalifa Hafter' — did you mean 'Khalifa Haftar'? "
            "(`briefing actors --all` lists them)",
        ),
        (
            ("export", "--tag", "x" * 61),
            f"--tag {'x' * 39 + '…'!r} is 61 characters; a tag has at most 60 — shorten it",
        ),
    ],
)
def test_unknown_filter_values_are_named_with_the_nearest(
    paths: tuple[Path, Path], args: tuple[str, ...], line: str
) -> None:
    code, out, err = run(paths, *args)
    assert code == 1
    assert out == ""
    assert err.strip() == f"Error: {line}"


def test_known_filter_values_still_work(paths: tuple[Path, Path]) -> None:
    code, out, _ = run(
        paths, "export", "--tag", "escalation", "--feed", "UN News", "--format", "json"
    )
    assert code == 0, out
    assert '"items"' in out
    # A tag is one whatever its case: "CEASEFIRE" is the stored "ceasefire".
    code, out, _ = run(paths, "export", "--tag", "CEASEFIRE", "--format", "json")
    assert code == 0, out
    assert "GNA calls for a ceasefire" in out


def test_summarize_never_reads_markup(paths: tuple[Path, Path]) -> None:
    store = Store.open(paths[1])
    store.clock = lambda: FROZEN_NOW
    populate_hostile(store)
    store.set_note(1, "[bold red]x[/] [@click=app.quit]y[/]")
    store.close()
    code, out, _ = run(paths, "summarize", "--feed", "Evil <b>Feed</b>", "--since", "30d")
    assert code == 0, out
    assert "Evil <b>Feed</b>" in out  # a feed name shown as it is, never as markup
    assert "\x1b" not in out and "\u202e" not in out
    code, md, _ = run(
        paths, "summarize", "--feed", "Evil <b>Feed</b>", "--since", "30d", "--format", "md"
    )
    assert code == 0 and re.search(r"(?<!\\)<", md) is None


# --- export -----------------------------------------------------------------------------------


def test_export_markdown_to_stdout(paths: tuple[Path, Path]) -> None:
    code, out, _ = run(paths, "export", "--group-by", "actor", "--title", "Daily")
    assert code == 0, out
    assert out.startswith("# Daily\n")
    assert "## Khalifa Haftar (2)" in out


def test_export_filters(paths: tuple[Path, Path]) -> None:
    code, out, _ = run(
        paths,
        "export",
        "--format",
        "csv",
        "--actor",
        "UAE",
        "--since",
        "2026-11-18",
        "--until",
        "2026-11-18",
    )
    assert code == 0, out
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["title"] for r in rows] == ["UAE envoy meets Haftar in Benghazi"]
    code, out, _ = run(paths, "export", "--format", "csv", "--state", "flagged")
    assert [r["id"] for r in csv.DictReader(io.StringIO(out))] == ["2"]
    code, out, _ = run(paths, "export", "--format", "csv", "--include-dismissed")
    assert "Weather notes" in out


def test_export_view_and_override(paths: tuple[Path, Path]) -> None:
    code, out, _ = run(paths, "export", "--view", "Escalation", "--format", "json")
    assert code == 0, out
    data = json.loads(out)
    assert data["filter"]["tags"] == ["escalation"] and data["filter"]["view"] == "Escalation"
    assert data["counts"]["items"] == 2
    code, out, _ = run(
        paths, "export", "--view", "Escalation", "--tag", "ceasefire", "--format", "json"
    )
    assert json.loads(out)["counts"]["items"] == 1
    code, _, err = run(paths, "export", "--view", "Nope")
    assert code == 1 and "no saved view 'Nope' (views: Escalation)" in err
    # View names ignore case: the digest names the view as it was saved, not as typed.
    code, out, _ = run(paths, "export", "--view", "eSCALATION", "--format", "json")
    assert code == 0, out
    assert json.loads(out)["filter"]["view"] == "Escalation"
    code, out, _ = run(paths, "export", "--view", "eSCALATION")
    assert code == 0, out
    assert "view: Escalation" in out and "eSCALATION" not in out


def test_export_to_file_infers_format(paths: tuple[Path, Path], tmp_path: Path) -> None:
    target = tmp_path / "out.html"
    code, out, err = run(paths, "export", "-o", str(target))
    assert code == 0, out + err
    assert out == "" and f"wrote {target}" in err
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_export_into_folder_names_file_from_title(paths: tuple[Path, Path], tmp_path: Path) -> None:
    folder = tmp_path / "digests"
    folder.mkdir()
    code, _, err = run(
        paths, "export", "-o", str(folder), "--format", "json", "--title", "../../x y"
    )
    assert code == 0, err
    assert [p.name for p in folder.iterdir()] == ["x-y.json"]


def test_export_bad_options(paths: tuple[Path, Path], tmp_path: Path) -> None:
    code, _, err = run(paths, "export", "--since", "later")
    assert code == 2 and "'later' is not a duration" in err
    code, _, err = run(paths, "export", "--since", "2026-11-20", "--until", "2026-11-01")
    assert code == 1 and "--since must be earlier than --until" in err
    code, _, err = run(paths, "export", "-o", str(tmp_path / "missing" / "x.md"))
    assert code == 1 and "no such folder" in err
    code, _, err = run(paths, "export", "--actor", "Nobody")
    assert code == 1 and "unknown actor" in err


def test_help_lists_every_option() -> None:
    result = CliRunner().invoke(main, ["export", "--help"])
    for option in (
        "--tag",
        "--actor",
        "--feed",
        "--since",
        "--until",
        "--state",
        "--view",
        "--group-by",
        "--format",
        "--include-dismissed",
        "--title",
        "--output",
    ):
        assert option in result.output
    result = CliRunner().invoke(main, ["summarize", "--help"])
    for option in (
        "--actor",
        "--since",
        "--until",
        "--tag",
        "--feed",
        "--state",
        "--json",
        "--since-last-brief",
        "--save",
        "--output",
    ):
        assert option in result.output


def test_unknown_output_extension_needs_a_format(tmp_path: Path) -> None:
    from briefing.cli.export_cmd import _format_from

    assert _format_from(tmp_path / "d.htm") == "html"
    assert _format_from(tmp_path / "d.markdown") == "md"
    assert _format_from(None) == "md"
    import click
    import pytest as _pytest

    with _pytest.raises(click.UsageError, match="add --format"):
        _format_from(tmp_path / "digest.xyz")


def test_a_folder_or_bare_name_defaults_to_markdown(tmp_path: Path) -> None:
    from briefing.cli.export_cmd import _format_from

    assert _format_from(tmp_path) == "md"
    assert _format_from(tmp_path / "digest") == "md"


def test_empty_filter_values_are_refused() -> None:
    from briefing.cli.export_cmd import build_filter
    from briefing.core.errors import BriefingError
    from briefing.store import Store

    store = Store.open(":memory:")
    with pytest.raises(BriefingError, match="--tag needs a value"):
        build_filter(store, tags=["  "])
    store.close()


def test_summarize_into_a_file_keeps_lines_whole(
    paths: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not a terminal: no wrapping (rich would wrap at COLUMNS, or 80), so a cited line and its
    URL stay on one line."""
    monkeypatch.setenv("COLUMNS", "40")
    code, out, _ = run(paths, "summarize", "--actor", "Haftar", "--since", "7d")
    assert code == 0, out
    whole = (
        "  19 Nov, no place named — LNA jets strike Mitiga airport (other report) — "
        "Libya Observer; Libya Herald"
    )
    assert whole in out.splitlines(), out
    assert "\x1b" not in out


def test_csv_file_has_a_byte_order_mark_for_spreadsheets(
    paths: tuple[Path, Path], tmp_path: Path
) -> None:
    target = tmp_path / "digest.csv"
    code, out, err = run(paths, "export", "-o", str(target))
    assert code == 0, err
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows and "id" in rows[0]
    code, out, _ = run(paths, "export", "--format", "csv")
    assert code == 0 and not out.startswith("\ufeff")  # a pipe gets plain UTF-8


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_exported_file_honours_the_umask(
    paths: tuple[Path, Path], tmp_path: Path, umask: int, mode: int
) -> None:
    target = tmp_path / f"digest-{umask:o}.md"
    old = os.umask(umask)
    try:
        code, _, err = run(paths, "export", "-o", str(target))
    finally:
        os.umask(old)
    assert code == 0, err
    assert stat.S_IMODE(target.stat().st_mode) == mode


@pytest.mark.parametrize("target", ["file", "folder"])
def test_export_on_a_full_disk_leaves_no_temporary_file(
    paths: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: str
) -> None:
    import errno

    folder = tmp_path / "out"
    folder.mkdir()
    real_fdopen = os.fdopen

    class FullDisk(io.TextIOWrapper):
        def write(self, text: str) -> int:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def fdopen(fd: int, *args: object, **kwargs: object) -> io.TextIOWrapper:
        handle = real_fdopen(fd, "wb")
        return FullDisk(handle, encoding="utf-8")

    monkeypatch.setattr(os, "fdopen", fdopen)  # what write_text_atomic writes through
    output = folder / "digest.md" if target == "file" else folder
    code, out, err = run(paths, "export", "-o", str(output))
    assert code != 0
    assert "No space left on device" in err and "cannot write the digest" in err
    assert list(folder.iterdir()) == []  # no `.digest-…` left behind, and no digest


def test_usage_errors_exit_2_as_the_readme_says(paths: tuple[Path, Path]) -> None:
    code, _, err = run(paths, "export", "--no-such-option")
    assert code == 2 and "No such option" in err
    code, _, err = run(paths, "export", "--state", "sleeping")
    assert code == 2
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert "2 for a usage error found before the command\nruns" in readme
