"""OPML import/export: safe parsing, duplicates refused, feeds.yaml text preserved and valid."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing.cli import main
from briefing.cli._opml import (
    OpmlDocument,
    OpmlFeed,
    append_feeds,
    parse_opml,
    plan_import,
    read_opml,
    write_opml,
)
from briefing.core.config import load_config
from briefing.core.errors import ConfigError
from briefing.core.models import Config, FeedSpec

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
    feeds = read_opml(path).feeds
    assert [(f.name, f.url, f.tags) for f in feeds] == [
        ("Libya Herald", "https://libyaherald.example/feed/", ("Libya",)),
        ("Al Wasat", "https://alwasat.example/rss", ("arabic", "news", "Libya")),
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
    with pytest.raises(ConfigError, match="no feed outlines"):
        read_opml(path)
    path.write_bytes(b'<?xml version="1.0" encoding="utf-8"?><opml>\xff</opml>')
    with pytest.raises(ConfigError, match="not valid utf-8"):
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
    assert config.feeds[2].tags == ("arabic", "news", "Libya")
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
    plan = plan_import(config, OpmlDocument((OpmlFeed("existing", "https://other.example/rss"),)))
    assert [f.name for f in plan.added] == ["existing (other.example)"]
    assert [(f.name, original) for f, original in plan.renamed] == [
        ("existing (other.example)", "existing")
    ]


def test_append_handles_an_empty_list_and_a_missing_section() -> None:
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
    back = read_opml(path).feeds
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
    assert [f.url for f in read_opml(out).feeds] == ["https://existing.example/feed"]


# ---------------------------------------------------------------------------------------------
# What real exports look like: newsboat, FreshRSS, nested folders
# ---------------------------------------------------------------------------------------------

NEWSBOAT = b"""<?xml version="1.0"?>
<opml version="1.0"><head><title>newsboat - Exported Feeds</title></head><body>
<outline type="rss" xmlUrl="https://wire.example.com/rss/politics" htmlUrl="" title=""/>
<outline type="rss" xmlUrl="https://wire.example.com/rss/economy" htmlUrl="" title=""/>
<outline type="rss" xmlUrl="https://wire.example.com/rss/economy/oil" htmlUrl="" title=""/>
<outline type="rss" xmlUrl="https://www.wire.example.com/atom" htmlUrl="" title=""/>
</body></opml>
"""

FOLDERS = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0" xmlns:frss="https://freshrss.org/opml"><head><title>x</title></head><body>
<outline text="Energy">
  <outline text="Oil">
    <outline type="rss" text="NOC" xmlUrl="https://noc.example/rss"/>
  </outline>
  <outline type="rss" text="Gas" xmlUrl="https://gas.example/rss"/>
</outline>
<outline text="Libya">
  <outline type="rss" text="Gas" xmlUrl="https://gas.example/rss"/>
</outline>
<outline text="Scrapers">
  <outline type="HTML+XPath" text="LNA page" xmlUrl="https://lna.example/news"
           frss:xPathItem="//article"/>
</outline>
<outline text="%s"><outline type="rss" text="Long" xmlUrl="https://long.example/rss"/></outline>
</body></opml>
""" % (b"F" * 61)


def write_config(tmp_path: Path, text: str = "feeds: []\n") -> Path:
    config_path = tmp_path / "feeds.yaml"
    config_path.write_text(text, encoding="utf-8")
    return config_path


def run_import(tmp_path: Path, config_path: Path, source: str, stdin: bytes | None = None):  # type: ignore[no-untyped-def]
    args = ["--config", str(config_path), "--db", str(tmp_path / "b.db"), "feeds", "import"]
    return CliRunner().invoke(main, [*args, source], input=stdin)


def test_newsboat_export_with_empty_titles_adds_every_feed_under_unique_names(
    tmp_path: Path,
) -> None:
    config_path = write_config(tmp_path)
    opml = tmp_path / "newsboat.opml"
    opml.write_bytes(NEWSBOAT)
    result = run_import(tmp_path, config_path, str(opml))
    assert result.exit_code == 0, result.output
    assert "skipped" not in result.output
    names = [f.name for f in load_config(config_path).feeds]
    assert names == [
        "wire.example.com",
        "wire.example.com/rss/economy",
        "wire.example.com/rss/economy/oil",
        "wire.example.com/atom",
    ]
    assert len({n.casefold() for n in names}) == 4


def test_folders_become_tags_and_scrapers_are_named(tmp_path: Path) -> None:
    document = parse_opml(FOLDERS, "f.opml")
    assert [(f.name, f.tags) for f in document.feeds] == [
        ("NOC", ("Energy/Oil",)),
        ("Gas", ("Energy", "Libya")),
        ("Long", ()),
    ]
    assert [(n.name, n.why) for n in document.not_feeds] == [
        ("LNA page", "type=HTML+XPath is a FreshRSS page scraper, not a feed")
    ]
    assert document.notes == (
        f"Long: folder {'F' * 39 + '…'!r} left off: 61 characters, and a tag has at most 60",
    )
    config_path = write_config(tmp_path)
    opml = tmp_path / "f.opml"
    opml.write_bytes(FOLDERS)
    result = run_import(tmp_path, config_path, str(opml))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == (
        "not a feed: LNA page <https://lna.example/news>: "
        "type=HTML+XPath is a FreshRSS page scraper, not a feed"
    )
    assert [(f.name, f.tags) for f in load_config(config_path).feeds] == [
        ("NOC", ("Energy/Oil",)),
        ("Gas", ("Energy", "Libya")),
        ("Long", ()),
    ]


def test_one_feed_spelt_two_ways_in_one_file_is_one_feed_with_both_folders() -> None:
    document = OpmlDocument(
        (
            OpmlFeed("Wire", "https://wire.example.com/rss/", ("A",)),
            OpmlFeed("Wire", "https://WWW.wire.example.com/rss", ("B",)),
        )
    )
    plan = plan_import(load_config_from("feeds: []\n"), document)
    assert [(f.name, f.tags) for f in plan.added] == [("Wire", ("A", "B"))]
    assert plan.skipped == ()


def load_config_from(text: str) -> Config:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "feeds.yaml"
        path.write_text(text, encoding="utf-8")
        return load_config(path)


def test_import_reads_standard_input(tmp_path: Path) -> None:
    config_path = write_config(tmp_path)
    result = run_import(tmp_path, config_path, "-", stdin=OPML)
    assert result.exit_code == 0, result.output
    assert "UN News" in [f.name for f in load_config(config_path).feeds]


@pytest.mark.parametrize(
    "doc",
    [
        b'<?xml version="1.0"?><!-- x --><!doctype opml [<!ENTITY a "aaaa">]><opml/>',
        b'<?xml version="1.0"?><opml><body><!ENTITY a "x"><outline xmlUrl="https://a.example/"/>'
        b"</body></opml>",
    ],
)
def test_entity_declarations_are_refused_wherever_they_stand(doc: bytes) -> None:
    with pytest.raises(ConfigError, match="refused"):
        parse_opml(doc, "evil.opml")


def test_stdin_import_is_size_capped(tmp_path: Path) -> None:
    from briefing.cli import _opml

    config_path = write_config(tmp_path)
    big = OPML + b" " * (_opml.MAX_OPML_BYTES)
    result = run_import(tmp_path, config_path, "-", stdin=big)
    assert result.exit_code == 1
    assert "too large for an OPML file" in result.output


def test_export_writes_folders_that_newsboat_and_miniflux_read(tmp_path: Path) -> None:
    feeds = [
        FeedSpec("NOC", "https://noc.example/rss", tags=("Energy/Oil", "libya")),
        FeedSpec("Gas", "https://gas.example/rss", tags=("Energy",)),
        FeedSpec("UN", "https://un.example/rss"),
    ]
    data = write_opml(feeds)
    # newsboat and Miniflux take a feed's folder from the outlines around it.
    root = ET.fromstring(data)
    folders: dict[str, str] = {}

    def walk(element: ET.Element, path: str) -> None:
        for outline in element.findall("outline"):
            if outline.get("xmlUrl"):
                folders[outline.get("text", "")] = path
            else:
                text = outline.get("text", "")
                walk(outline, f"{path}/{text}" if path else text)

    body = root.find("body")
    assert body is not None
    walk(body, "")
    assert folders == {"NOC": "Energy/Oil", "Gas": "Energy", "UN": ""}
    # Reading it here again gives every tag back.
    back = parse_opml(data, "out.opml").feeds
    assert [(f.name, f.tags) for f in back] == [
        ("NOC", ("Energy/Oil", "libya")),
        ("Gas", ("Energy",)),
        ("UN", ()),
    ]


def test_names_taken_several_times_are_numbered_never_skipped() -> None:
    feeds = tuple(
        OpmlFeed("News", f"https://wire.example.com/rss?section={n}") for n in range(1, 6)
    )
    plan = plan_import(load_config_from("feeds: []\n"), OpmlDocument(feeds))
    assert [f.name for f in plan.added] == [
        "News",
        "News (wire.example.com)",
        "News (wire.example.com/rss)",
        "News (wire.example.com/rss) (2)",
        "News (wire.example.com/rss) (3)",
    ]
    assert len(plan.renamed) == 4 and plan.skipped == ()
