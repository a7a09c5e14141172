"""OPML import/export: safe parsing, duplicates refused, feeds.yaml text preserved and valid."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing.cli import main
from briefing.cli._opml import append_feeds, plan_import, read_opml, write_opml
from briefing.core.config import load_config
from briefing.core.errors import ConfigError
from briefing.core.models import FeedSpec

OPML = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>export</title></head>
  <body>
    <outline text="Libya">
      <outline type="rss" text="Libya Herald" xmlUrl="https://libyaherald.example/feed/"/>
      <outline type="rss" title="Al Wasat" text="ignored" xmlUrl="https://alwasat.example/rss"
               category="/arabic,news"/>
    </outline>
    <outline type="rss" text="UN News" xmlUrl="https://news.un.example/rss.xml"/>
    <outline type="rss" text="Old FTP" xmlUrl="ftp://old.example/feed"/>
    <outline type="rss" text="Dup" xmlUrl="https://www.existing.example/feed/"/>
  </body>
</opml>
"""

FEEDS_YAML = """\
# Analyst feeds — keep this comment
feeds:
  # the wire
  - name: Existing
    url: https://existing.example/feed   # trailing comment

relevance:
  threshold: 3
"""


def test_read_opml_walks_folders_into_tags(tmp_path: Path) -> None:
    path = tmp_path / "f.opml"
    path.write_bytes(OPML)
    feeds = read_opml(path)
    assert [(f.name, f.url, f.tags) for f in feeds] == [
        ("Libya Herald", "https://libyaherald.example/feed/", ("Libya",)),
        ("Al Wasat", "https://alwasat.example/rss", ("Libya", "arabic", "news")),
        ("UN News", "https://news.un.example/rss.xml", ()),
        ("Old FTP", "ftp://old.example/feed", ()),
        ("Dup", "https://www.existing.example/feed/", ()),
    ]


@pytest.mark.parametrize(
    "doc",
    [
        b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "xxxxxxxx"><!ENTITY b "&a;&a;&a;">]>'
        b'<opml><body><outline text="&b;" xmlUrl="http://x.example/"/></body></opml>',
        b'<?xml version="1.0"?><!DOCTYPE opml SYSTEM "http://evil.example/x.dtd">'
        b"<opml><body/></opml>",
    ],
)
def test_read_opml_refuses_dtds(tmp_path: Path, doc: bytes) -> None:
    path = tmp_path / "evil.opml"
    path.write_bytes(doc)
    with pytest.raises(ConfigError, match="refused"):
        read_opml(path)


def test_read_opml_rejects_non_opml(tmp_path: Path) -> None:
    path = tmp_path / "x.opml"
    path.write_bytes(b"<rss/>")
    with pytest.raises(ConfigError, match="not an OPML file"):
        read_opml(path)
    path.write_bytes(b"<opml><body>")
    with pytest.raises(ConfigError, match="not valid XML"):
        read_opml(path)


def test_import_appends_keeps_comments_and_refuses_duplicates(tmp_path: Path) -> None:
    config_path = tmp_path / "feeds.yaml"
    config_path.write_text(FEEDS_YAML, encoding="utf-8")
    opml = tmp_path / "f.opml"
    opml.write_bytes(OPML)
    result = CliRunner().invoke(
        main,
        [
            "--config",
            str(config_path),
            "--db",
            str(tmp_path / "b.db"),
            "feeds",
            "import",
            str(opml),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "skipped Dup" in result.output and "same URL" in result.output
    assert "skipped Old FTP" in result.output
    text = config_path.read_text(encoding="utf-8")
    assert text.startswith("# Analyst feeds — keep this comment\nfeeds:\n  # the wire\n")
    assert "# trailing comment" in text
    assert text.rstrip().endswith("threshold: 3")
    config = load_config(config_path)
    assert [f.name for f in config.feeds] == ["Existing", "Libya Herald", "Al Wasat", "UN News"]
    assert config.feeds[2].tags == ("Libya", "arabic", "news")
    assert config.rules.threshold == 3
    # Importing again adds nothing.
    again = CliRunner().invoke(
        main,
        [
            "--config",
            str(config_path),
            "--db",
            str(tmp_path / "b.db"),
            "feeds",
            "import",
            str(opml),
        ],
    )
    assert again.exit_code == 0
    assert "nothing to add" in again.output
    assert config_path.read_text(encoding="utf-8") == text


def test_same_name_other_url_gets_its_host(tmp_path: Path) -> None:
    config_path = tmp_path / "feeds.yaml"
    config_path.write_text(FEEDS_YAML, encoding="utf-8")
    config = load_config(config_path)
    from briefing.cli._opml import OpmlFeed

    plan = plan_import(config, [OpmlFeed("existing", "https://other.example/rss")])
    assert [f.name for f in plan.added] == ["existing (other.example)"]


def test_append_handles_an_empty_list_and_a_missing_section() -> None:
    from briefing.cli._opml import OpmlFeed

    feed = OpmlFeed('Odd "name": yes', "https://x.example/rss", ("a: b",))
    text = append_feeds("feeds: []\n", [feed])
    assert text == (
        'feeds:\n  - name: "Odd \\"name\\": yes"\n    url: "https://x.example/rss"\n'
        '    tags: ["a: b"]\n'
    )
    assert append_feeds("# nothing\n", [feed]).startswith("# nothing\n\nfeeds:\n")
    with pytest.raises(ConfigError, match="flow style"):
        append_feeds("feeds: [{name: a, url: 'http://a.example'}]\n", [feed])


def test_zero_indent_list_is_followed(tmp_path: Path) -> None:
    from briefing.cli._opml import OpmlFeed

    text = "feeds:\n- name: A\n  url: https://a.example/rss\nseed:\n"
    out = append_feeds(text, [OpmlFeed("B", "https://b.example/rss")])
    assert out == (
        "feeds:\n- name: A\n  url: https://a.example/rss\n"
        '- name: "B"\n  url: "https://b.example/rss"\nseed:\n'
    )


def test_export_then_import_round_trips(tmp_path: Path) -> None:
    feeds = [
        FeedSpec(
            "Libya Herald",
            "https://libyaherald.example/feed/",
            language="en",
            tags=("libya", "english"),
        ),
        FeedSpec("Local", str(tmp_path / "local.xml")),
    ]
    data = write_opml(feeds)
    path = tmp_path / "out.opml"
    path.write_bytes(data)
    back = read_opml(path)
    assert [(f.name, f.url, f.tags, f.language) for f in back] == [
        ("Libya Herald", "https://libyaherald.example/feed/", ("libya", "english"), "en")
    ]


def test_export_command_writes_a_file(tmp_path: Path) -> None:
    config_path = tmp_path / "feeds.yaml"
    config_path.write_text(FEEDS_YAML, encoding="utf-8")
    out = tmp_path / "feeds.opml"
    result = CliRunner().invoke(
        main,
        ["--config", str(config_path), "--db", str(tmp_path / "b.db"), "feeds", "export", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert [f.url for f in read_opml(out)] == ["https://existing.example/feed"]
