"""The export dialog's remembered choices: checked on the way back, defaults for anything odd."""

from __future__ import annotations

from pathlib import Path

from briefing.tui.screens.export_choices import ExportChoices, is_folder


def test_round_trip(tmp_path: Path) -> None:
    choices = ExportChoices(tmp_path, "[b]Weekly[/b]", "html", "actor", notes=True)
    assert ExportChoices.recall(choices.saved(), Path("/default")) == choices


def test_nothing_kept_gives_the_defaults(tmp_path: Path) -> None:
    assert ExportChoices.recall({}, tmp_path) == ExportChoices(tmp_path, "")


def test_odd_values_fall_back_one_by_one(tmp_path: Path) -> None:
    saved = {
        "format": "exe",
        "group_by": "feed",
        "include_notes": "maybe",
        "title": "Weekly\x1b[31m\n" + "x" * 1_000,
        "folder": str(tmp_path),
    }
    got = ExportChoices.recall(saved, Path("/default"))
    assert (got.fmt, got.group, got.notes, got.folder, got.gone) == (
        "md",
        "none",
        False,
        tmp_path,
        "",
    )
    assert got.title.startswith("Weekly x") and len(got.title) == 300
    assert got.title.isprintable()


def test_a_folder_that_is_gone_or_unsafe_is_named_and_replaced(tmp_path: Path) -> None:
    gone = ExportChoices.recall({"folder": str(tmp_path / "gone")}, tmp_path)
    assert (gone.folder, gone.gone) == (tmp_path, str(tmp_path / "gone"))
    (tmp_path / "odd\x1bname").mkdir()
    unsafe = ExportChoices.recall({"folder": str(tmp_path / "odd\x1bname")}, tmp_path)
    assert unsafe.folder == tmp_path and unsafe.gone.isprintable()
    # The default itself being gone is not worth a note: the dialog's own check reports it.
    same = ExportChoices.recall({"folder": "/no/such/default"}, Path("/no/such/default"))
    assert same.gone == ""


def test_is_folder_refuses_names_the_system_refuses(tmp_path: Path) -> None:
    assert is_folder(tmp_path)
    assert not is_folder(tmp_path / "missing")
    assert not is_folder(tmp_path / ("x" * 5_000))  # too long a name: an error, not a crash
    assert not is_folder(Path("bad\x00name"))
    assert not is_folder(Path("~no-such-user-here/x"))
    (tmp_path / "file").write_text("x")
    assert not is_folder(tmp_path / "file")
