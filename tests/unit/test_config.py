"""feeds.yaml loading: typed values, every kind of mistake as one line, the shipped file."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing.core.config import load_config, parse_refresh
from briefing.core.errors import ConfigError
from briefing.core.models import WeightedTerm

REPO = Path(__file__).resolve().parents[2]
SHIPPED = REPO / "feeds.yaml"

GOOD = """\
feeds:
  - name: Libya Observer
    url: https://libyaobserver.ly/rss.xml
    language: en
    tags: [libya-media]
    refresh: 30m
    relevance: all
  - name: Al Wasat
    url: https://alwasat.ly/rss
    language: ar
    enabled: false
    refresh: 2h
  - name: Local archive
    url: archive.xml
    refresh: 90
relevance:
  threshold: 2.5
  strict_threshold: 7
  terms:
    - {term: Sharara, weight: 4}
    - Fezzan
  negative:
    - {term: "Tripoli, Lebanon", weight: 8, lang: en}
  builtin: false
seed:
  title: "A Title"
  outlet: Some Outlet
  authors: "Ann One; Bob Two"
  published: 2019-04-10
  url: https://example.org/a-title/
  also_published:
    - {url: "https://example.net/copy/", date: 2019-04-12}
    - https://example.com/another/
  text: capture.txt
actors_file: actors.yaml
tui:
  quick_tags: [oil, escalation]
  keys: {flag: s, dismiss: x}
  theme: nord
fetch:
  max_connections: 8
  max_per_host: 2
"""


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder holding the files GOOD refers to, as the current directory."""
    (tmp_path / "archive.xml").write_text("<rss/>", encoding="utf-8")
    (tmp_path / "capture.txt").write_text("Title\nStandfirst\nBody.\n", encoding="utf-8")
    (tmp_path / "actors.yaml").write_text("actors: []\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(folder: Path, text: str, name: str = "feeds.yaml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def error_of(folder: Path, text: str) -> str:
    with pytest.raises(ConfigError) as caught:
        load_config(write(folder, text))
    message = str(caught.value)
    assert "\n" not in message, "a configuration error is one line"
    return message


def replace_line(old: str, new: str) -> str:
    assert old in GOOD, old
    return GOOD.replace(old, new, 1)


def line_of(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


# ---------------------------------------------------------------------------------------------
# Good files
# ---------------------------------------------------------------------------------------------


def test_good_file_loads_into_typed_objects(folder: Path) -> None:
    config = load_config(write(folder, GOOD))
    assert config.path == (folder / "feeds.yaml").resolve()
    observer, wasat, archive = config.feeds
    assert observer.name == "Libya Observer"
    assert observer.tags == ("libya-media",)
    assert observer.refresh_minutes == 30
    assert observer.relevance == "all"
    assert wasat.language == "ar" and not wasat.enabled and wasat.refresh_minutes == 120
    assert wasat.relevance == "default"
    # A local feed file resolves against the config's folder.
    assert archive.url == str((folder / "archive.xml").resolve())
    assert archive.refresh_minutes == 90
    rules = config.rules
    assert rules.threshold == 2.5 and rules.strict_threshold == 7
    assert rules.terms == (WeightedTerm("Sharara", 4.0), WeightedTerm("Fezzan", 1.0))
    assert rules.negative_contexts == (WeightedTerm("Tripoli, Lebanon", -8.0, "en"),)
    assert rules.use_builtin is False
    seed = config.seed
    assert seed is not None
    assert seed.authors == ("Ann One", "Bob Two")
    assert seed.published == datetime(2019, 4, 10, tzinfo=UTC)
    assert seed.also_published == (
        ("https://example.net/copy/", datetime(2019, 4, 12, tzinfo=UTC)),
        ("https://example.com/another/", None),
    )
    assert seed.text_path == (folder / "capture.txt").resolve()
    assert config.actors_file == (folder / "actors.yaml").resolve()
    assert config.tui.quick_tags == ("oil", "escalation")
    assert config.tui.keys == (("flag", "s"), ("dismiss", "x"))
    assert config.tui.theme == "nord"
    assert (config.max_connections, config.max_per_host) == (8, 2)


def test_minimal_file_gets_defaults(folder: Path) -> None:
    config = load_config(write(folder, "feeds:\n  - {name: A, url: 'https://a.example/rss'}\n"))
    (feed,) = config.feeds
    assert feed.enabled and feed.refresh_minutes == 60 and feed.relevance == "default"
    assert feed.language is None and feed.tags == ()
    assert config.seed is None and config.actors_file is None
    assert config.rules.threshold == 3.0 and config.rules.use_builtin
    assert config.max_connections == 32


@pytest.mark.parametrize(
    ("value", "minutes"),
    [
        (30, 30),
        ("30m", 30),
        ("2h", 120),
        ("1d", 1440),
        ("45 min", 45),
        ("0", None),
        ("2x", None),
        (0, None),
        (True, None),
        ("99d", None),
    ],
)
def test_refresh_intervals(value: object, minutes: int | None) -> None:
    assert parse_refresh(value) == minutes


# ---------------------------------------------------------------------------------------------
# Each kind of mistake: one line with file, line and key
# ---------------------------------------------------------------------------------------------


def test_yaml_syntax_error_names_the_line(folder: Path) -> None:
    text = replace_line("    refresh: 90\n", "    refresh: [90\n")
    message = error_of(folder, text)
    assert message.startswith("feeds.yaml:")
    assert "YAML syntax error" in message


def test_yaml_syntax_error_line_number(folder: Path) -> None:
    text = "feeds:\n  - name: A\n    url: https://a.example/rss\n   bad: indent\n"
    message = error_of(folder, text)
    assert message.startswith("feeds.yaml:4: YAML syntax error")


def test_unknown_top_level_key(folder: Path) -> None:
    text = GOOD + "feedz: []\n"
    message = error_of(folder, text)
    assert message.startswith(f"feeds.yaml:{line_of(text, 'feedz')}: feedz: unknown key")
    assert "did you mean 'feeds'" in message


def test_unknown_feed_key_suggests_the_right_one(folder: Path) -> None:
    text = replace_line("    language: ar\n", "    lang: ar\n")
    message = error_of(folder, text)
    assert message.startswith(f"feeds.yaml:{line_of(text, 'lang: ar')}: feeds[1].lang: unknown key")
    assert "did you mean 'language'" in message


def test_wrong_type_boolean(folder: Path) -> None:
    text = replace_line("    enabled: false\n", "    enabled: maybe\n")
    message = error_of(folder, text)
    assert message.startswith(
        f"feeds.yaml:{line_of(text, 'maybe')}: feeds[1].enabled: expected true"
    )


def test_wrong_type_list(folder: Path) -> None:
    text = replace_line("    tags: [libya-media]\n", "    tags: {a: b}\n")
    message = error_of(folder, text)
    assert message.startswith(
        f"feeds.yaml:{line_of(text, '{a: b}')}: feeds[0].tags: expected a list"
    )


def test_wrong_type_number(folder: Path) -> None:
    text = replace_line("  threshold: 2.5\n", "  threshold: high\n")
    message = error_of(folder, text)
    assert message.startswith(
        f"feeds.yaml:{line_of(text, 'high')}: relevance.threshold: expected a number"
    )


def test_boolean_where_text_is_expected(folder: Path) -> None:
    # YAML 1.1 reads `no` (Norwegian) as false: say so instead of storing "False".
    text = replace_line("    language: ar\n", "    language: no\n")
    message = error_of(folder, text)
    assert (
        "feeds[1].language: expected text, found the boolean False — put the value in quotes"
        in message
    )


def test_missing_required_key(folder: Path) -> None:
    text = replace_line("    url: https://alwasat.ly/rss\n", "")
    message = error_of(folder, text)
    assert (
        message
        == f"feeds.yaml:{line_of(text, 'name: Al Wasat')}: feeds[1]: missing required key 'url'"
    )


def test_missing_seed_key(folder: Path) -> None:
    text = replace_line("  outlet: Some Outlet\n", "")
    line = line_of(text, "A Title")
    message = error_of(folder, text)
    assert message == f"feeds.yaml:{line}: seed: missing required key 'outlet'"


def test_missing_feeds_section(folder: Path) -> None:
    assert "missing required key 'feeds'" in error_of(folder, "relevance: {threshold: 2}\n")


def test_url_that_is_neither_http_nor_a_file(folder: Path) -> None:
    text = replace_line("    url: archive.xml\n", "    url: ftp://x\n")
    message = error_of(folder, text)
    assert message == (
        f"feeds.yaml:{line_of(text, 'ftp://x')}: feeds[2].url: 'ftp://x' is not an http(s) URL "
        "or an existing file — fix the url"
    )


def test_relative_url_to_a_missing_file(folder: Path) -> None:
    text = replace_line("    url: archive.xml\n", "    url: missing.xml\n")
    message = error_of(folder, text)
    assert message.startswith(
        f"feeds.yaml:{line_of(text, 'missing.xml')}: feeds[2].url: 'missing.xml'"
    )


def test_file_url_to_an_existing_feed(folder: Path) -> None:
    url = (folder / "archive.xml").resolve().as_uri()
    config = load_config(write(folder, replace_line("    url: archive.xml\n", f"    url: {url}\n")))
    assert config.feeds[2].url == str((folder / "archive.xml").resolve())


def test_relative_paths_resolve_against_the_config_folder(
    folder: Path, monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = write(folder, GOOD)
    monkeypatch.chdir(tmp_path_factory.mktemp("elsewhere"))
    config = load_config(path)
    assert config.feeds[2].url == str((folder / "archive.xml").resolve())


def test_duplicate_feed_name(folder: Path) -> None:
    text = replace_line("  - name: Al Wasat\n", "  - name: libya observer\n")
    message = error_of(folder, text)
    assert message.startswith(
        f"feeds.yaml:{line_of(text, 'name: libya observer')}: feeds[1].name: duplicate feed"
    )
    assert "also at line 2" in message


def test_duplicate_feed_url(folder: Path) -> None:
    text = replace_line(
        "    url: https://alwasat.ly/rss\n", "    url: https://www.LibyaObserver.ly/rss.xml/\n"
    )
    message = error_of(folder, text)
    assert message.startswith(
        f"feeds.yaml:{line_of(text, 'LibyaObserver')}: feeds[1].url: duplicate feed URL"
    )


def test_bad_refresh_interval(folder: Path) -> None:
    text = replace_line("    refresh: 2h\n", "    refresh: soon\n")
    message = error_of(folder, text)
    assert message.startswith(
        f"feeds.yaml:{line_of(text, 'soon')}: feeds[1].refresh: 'soon' is not a refresh interval"
    )


def test_bad_relevance_mode(folder: Path) -> None:
    text = replace_line("    relevance: all\n", "    relevance: everything\n")
    message = error_of(folder, text)
    assert (
        "feeds[0].relevance: 'everything' is not a relevance mode — use all, default or strict"
        in message
    )


def test_bad_date(folder: Path) -> None:
    text = replace_line("  published: 2019-04-10\n", "  published: 10/04/2019\n")
    message = error_of(folder, text)
    assert message == (
        f"feeds.yaml:{line_of(text, '10/04/2019')}: seed.published: '10/04/2019' is not a date — "
        "write it as YYYY-MM-DD"
    )


def test_seed_url_must_be_http(folder: Path) -> None:
    text = replace_line("  url: https://example.org/a-title/\n", "  url: example.org/a-title\n")
    assert f"feeds.yaml:{line_of(text, 'example.org/a-title')}: seed.url:" in error_of(folder, text)


def test_seed_text_and_actors_file_must_exist(folder: Path) -> None:
    text = replace_line("  text: capture.txt\n", "  text: nowhere.txt\n")
    message = error_of(folder, text)
    assert message.startswith(
        f"feeds.yaml:{line_of(text, 'nowhere.txt')}: seed.text: 'nowhere.txt' is not an existing file"
    )
    text = replace_line("actors_file: actors.yaml\n", "actors_file: gone.yaml\n")
    assert f"feeds.yaml:{line_of(text, 'gone.yaml')}: actors_file:" in error_of(folder, text)


def test_duplicate_key_in_a_mapping(folder: Path) -> None:
    text = replace_line("    refresh: 30m\n", "    refresh: 30m\n    refresh: 1h\n")
    message = error_of(folder, text)
    assert message.startswith(
        f"feeds.yaml:{line_of(text, 'refresh: 1h')}: feeds[0].refresh: duplicate key"
    )


def test_too_many_quick_tags(folder: Path) -> None:
    text = replace_line(
        "  quick_tags: [oil, escalation]\n", f"  quick_tags: [{', '.join('abcdefghij')}]\n"
    )
    assert "tui.quick_tags: has 10 tags" in error_of(folder, text)


def test_strict_threshold_below_threshold(folder: Path) -> None:
    text = replace_line("  strict_threshold: 7\n", "  strict_threshold: 1\n")
    assert "relevance.strict_threshold: strict_threshold (1) is below threshold (2.5)" in error_of(
        folder, text
    )


def test_a_feed_that_is_not_a_mapping(folder: Path) -> None:
    message = error_of(folder, "feeds:\n  - https://a.example/rss\n")
    assert message.startswith("feeds.yaml:2: feeds[0]: expected a feed")


def test_empty_and_non_mapping_files(folder: Path) -> None:
    assert "is empty" in error_of(folder, "# nothing here\n")
    assert error_of(folder, "- a\n- b\n").startswith("feeds.yaml:1: expected the sections")


def test_not_utf8(folder: Path) -> None:
    (folder / "feeds.yaml").write_bytes(b"feeds:\n  - name: Caf\xe9\n")
    with pytest.raises(ConfigError, match=r"^feeds.yaml:2: not UTF-8"):
        load_config(folder / "feeds.yaml")


def test_missing_file_says_where_it_looked(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "feeds.yaml"
    with pytest.raises(ConfigError) as caught:
        load_config(missing)
    message = str(caught.value)
    assert str(missing) in message
    assert "--config PATH" in message and "BRIEFING_CONFIG" in message


# ---------------------------------------------------------------------------------------------
# --config and BRIEFING_CONFIG
# ---------------------------------------------------------------------------------------------


def test_config_option_and_environment_variable(
    folder: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from briefing.cli import main

    other = tmp_path_factory.mktemp("other")
    path = write(
        other, "feeds:\n  - {name: Only One, url: 'https://one.example/rss'}\n", "mine.yaml"
    )
    db = other / "test.db"
    from briefing.store import Store

    Store.open(db).close()  # `status` only reads: it creates no database
    runner = CliRunner()
    by_option = runner.invoke(main, ["--config", str(path), "--db", str(db), "status"])
    assert by_option.exit_code == 0, by_option.output
    assert "1 in mine.yaml" in by_option.output
    by_env = runner.invoke(main, ["--db", str(db), "status"], env={"BRIEFING_CONFIG": str(path)})
    assert by_env.exit_code == 0, by_env.output
    assert "1 in mine.yaml" in by_env.output
    # A broken file stops the command with its one line.
    write(other, "feeds:\n  - {name: X, url: 'ftp://x'}\n", "mine.yaml")
    broken = runner.invoke(main, ["--db", str(db), "status"], env={"BRIEFING_CONFIG": str(path)})
    assert broken.exit_code != 0
    assert "feeds[0].url: 'ftp://x' is not an http(s) URL" in broken.output
    missing = runner.invoke(main, ["--config", str(other / "absent.yaml"), "status"])
    assert missing.exit_code != 0
    assert "absent.yaml" in missing.output and "BRIEFING_CONFIG" in missing.output


# ---------------------------------------------------------------------------------------------
# The shipped feeds.yaml
# ---------------------------------------------------------------------------------------------


def test_shipped_file_loads_without_shared(tmp_path: Path) -> None:
    # A copy in a folder with no ../shared beside it: the seed text is only a comment.
    copy = tmp_path / "feeds.yaml"
    shutil.copy(SHIPPED, copy)
    config = load_config(copy)
    assert config.seed is not None and config.seed.text_path is None


def test_shipped_file_covers_libya() -> None:
    config = load_config(SHIPPED)
    feeds = config.feeds
    assert len(feeds) >= 12
    assert all(f.url.startswith("https://") for f in feeds)
    languages = {f.language for f in feeds}
    assert {"en", "ar", "fr"} <= languages, "English, Arabic and French sources"
    assert sum(f.language == "ar" and f.enabled for f in feeds) >= 1
    tags = [set(f.tags) for f in feeds]
    assert any({"un", "humanitarian"} & t for t in tags), "UN/humanitarian sources"
    assert any("libya-media" in t for t in tags), "Libya-focused outlets"
    assert any("international" in t for t in tags), "international outlets"
    # Libya-only outlets keep everything; general world feeds are strict.
    for feed in feeds:
        if "libya-media" in feed.tags:
            assert feed.relevance == "all", feed.name
    for name in ("Al Jazeera", "BBC Africa", "BBC Middle East", "France 24 Afrique"):
        assert next(f for f in feeds if f.name == name).relevance == "strict"
    assert config.rules.terms and config.rules.negative_contexts


def test_shipped_seed_facts() -> None:
    seed = load_config(SHIPPED).seed
    assert seed is not None
    assert seed.title == "Khalifa Haftar's Miscalculated Attack on Tripoli Will Cost Him Dearly"
    assert seed.outlet == "Foreign Policy"
    assert seed.authors == ("Jason Pack", "Matthew Sinkez")
    assert seed.published == datetime(2019, 4, 10, tzinfo=UTC)
    assert seed.url.startswith("https://foreignpolicy.com/2019/04/10/khalifa-haftars-")
    ((also_url, also_date),) = seed.also_published
    assert also_url.startswith("https://en.minbarlibya.org/2019/04/12/")
    assert also_date == datetime(2019, 4, 12, tzinfo=UTC)
    assert "# text: ../shared/seed/000_666763a93e552452.txt" in SHIPPED.read_text(encoding="utf-8")


def test_fetch_limits_are_configurable(tmp_path: Path) -> None:
    path = tmp_path / "feeds.yaml"
    path.write_text("feeds: []\nfetch:\n  timeout: 5\n  max_bytes: 2000000\n", encoding="utf-8")
    config = load_config(path)
    assert (config.fetch_timeout, config.fetch_max_bytes) == (5.0, 2_000_000)
    path.write_text("feeds: []\nfetch:\n  timeout: 0\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"feeds.yaml:3: fetch.timeout"):
        load_config(path)


def test_a_tag_over_60_characters_is_refused_not_cut(folder: Path) -> None:
    long = "t" * 61
    text = replace_line("  quick_tags: [oil, escalation]\n", f"  quick_tags: [oil, {long}]\n")
    message = error_of(folder, text)
    assert message == (
        f"feeds.yaml:{line_of(text, long)}: tui.quick_tags[1]: is 61 characters; "
        "a tag has at most 60 — shorten it"
    )
    fine = replace_line("  quick_tags: [oil, escalation]\n", f"  quick_tags: [oil, {'t' * 60}]\n")
    write(folder, fine)
    assert load_config(folder / "feeds.yaml").tui.quick_tags == ("oil", "t" * 60)
