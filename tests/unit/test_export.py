"""Digests: golden files per format, hostile input in every format, file names, the HTML tree.

Regenerate the goldens with `BRIEFING_UPDATE_GOLDEN=1 uv run pytest tests/unit/test_export.py`.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import html5lib
import pytest

from briefing.core.models import ItemFilter
from briefing.reports.export import (
    Format,
    GroupBy,
    build_digest,
    csv_cell,
    md_escape,
    render_digest,
    safe_filename,
    write_digest,
)
from briefing.store import Store
from tests.conftest import FROZEN_NOW
from tests.export_fixture import DAY, HOSTILE_NOTE, populate, populate_hostile

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "golden"
UPDATE = os.environ.get("BRIEFING_UPDATE_GOLDEN") == "1"
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@pytest.fixture
def filled(store: Store) -> Store:
    populate(store)
    return store


@pytest.fixture
def hostile(store: Store) -> Store:
    populate_hostile(store)
    return store


def render(store: Store, fmt: Format, group_by: GroupBy | None = None, **kw: Any) -> str:
    return render_digest(
        store, kw.pop("f", ItemFilter()), fmt=fmt, group_by=group_by, now=FROZEN_NOW, **kw
    )


# --- golden files -----------------------------------------------------------------------------

GOLDENS: list[tuple[str, Format, GroupBy | None]] = [
    ("digest_by_actor.md", "md", "actor"),
    ("digest_by_day.md", "md", "day"),
    ("digest_by_actor.html", "html", "actor"),
    ("digest_by_tag.json", "json", "tag"),
    ("digest_by_day.csv", "csv", "day"),
]


@pytest.mark.parametrize(("name", "fmt", "group_by"), GOLDENS)
def test_golden(filled: Store, name: str, fmt: Format, group_by: GroupBy | None) -> None:
    text = render(filled, fmt, group_by, title="Morning digest")
    path = GOLDEN / name
    if UPDATE or not path.exists():
        if not UPDATE:
            pytest.fail(f"{path} is missing: run with BRIEFING_UPDATE_GOLDEN=1 to create it")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
    assert text == path.read_text(encoding="utf-8")


# --- what every digest holds ------------------------------------------------------------------


def test_digest_contents(filled: Store) -> None:
    digest = build_digest(filled, ItemFilter(), group_by="actor", now=FROZEN_NOW)
    titles = [i.title for i in digest.items]
    # Dismissed items are left out; the seed is context, not an item.
    assert "Weather notes from the coast" not in titles
    assert "A miscalculated attack on Tripoli" not in titles
    assert digest.seed is not None and digest.seed.author == "A. Writer; B. Analyst"
    # Each item once, under its most-mentioned actor; the LNA and the UAE, named only beside
    # Haftar, are cross-references rather than sections of their own.
    assert [g.label for g in digest.groups] == ["Khalifa Haftar", "Government of National Accord"]
    assert sorted(i.id for g in digest.groups for i in g.items) == sorted(
        i.id for i in digest.items
    )
    haftar = digest.groups[0]
    assert haftar.brief.actor is not None and haftar.brief.actor.id == "khalifa-haftar"
    assert haftar.brief.key_points
    strike = next(i for i in digest.items if i.title == "LNA jets strike Mitiga airport")
    assert strike.also_in == ("Libya Herald",)
    assert strike.tags == ("escalation",)
    assert strike.see_also == ("Libyan National Army",)
    assert strike.note == ""  # private unless asked for
    assert strike.flagged
    shared = build_digest(
        filled, ItemFilter(), group_by="actor", now=FROZEN_NOW, include_notes=True
    )
    strike = next(i for i in shared.items if i.title == "LNA jets strike Mitiga airport")
    assert strike.note == "Check the casualty figures.\nSecond source pending."


def test_markdown_has_every_part(filled: Store) -> None:
    md = render(filled, "md", "tag", title="Tagged", include_notes=True)
    for part in (
        "# Tagged",
        "**Period:**",
        "**Filter:** state: active",
        "**Counts:** 3 items",
        "Seed article: [A miscalculated attack on Tripoli](https://fp.example/2019/04/10/attack)",
        "## escalation (2)",
        "## ceasefire (1)",
        "**Key points**",
        "[LNA jets strike Mitiga airport](https://lo.example/1)",
        "Libya Observer (also in Libya Herald)",
        "Actors: Khalifa Haftar, Libyan National Army",
        "> Note: Check the casualty figures.",
    ):
        assert part in md


def test_include_dismissed(filled: Store) -> None:
    assert "Weather notes" not in render(filled, "csv")
    assert "Weather notes" in render(filled, "csv", include_dismissed=True)
    assert "Weather notes" in render(filled, "csv", f=ItemFilter(state="dismissed"))


def test_filter_is_described_with_actor_names(filled: Store) -> None:
    f = ItemFilter(actors=("lna",), tags=("escalation",), since=FROZEN_NOW - 7 * DAY)
    md = render(filled, "md", f=f, view="Morning")
    assert (
        "view: Morning · actor: Libyan National Army · tag: escalation · since 2026-11-13 12:00 UTC"
        in md
    )
    assert "**Counts:** 1 item" in md
    # One actor and no grouping: the single group is that actor's, with its brief.
    assert "## Libyan National Army (1)" in md


def test_empty_digest(store: Store) -> None:
    for fmt in ("md", "html", "json", "csv"):
        assert render(store, fmt)
    assert "No items match" in render(store, "md")


def test_unknown_format(filled: Store) -> None:
    with pytest.raises(Exception, match="unknown export format 'pdf'"):
        render(filled, "pdf")  # type: ignore[arg-type]


# --- hostile input ----------------------------------------------------------------------------


def test_markdown_hostile(hostile: Store) -> None:
    from markdown_it import MarkdownIt

    md = render(hostile, "md", "tag", include_notes=True)
    # No raw HTML: every < is escaped; no link except http(s) ones.
    assert re.search(r"(?<!\\)<", md) is None
    for target in re.findall(r"(?<!\\)\]\(([^)]*)\)", md):
        assert target.startswith(("http://", "https://"))
    assert "\\[click\\](javascript:alert(1))" in md  # text: the bracket is escaped
    assert "=cmd" in md and "+SUM" in md  # mid-line they open nothing: left alone
    assert CONTROL.search(md) is None
    # Note lines that would open blocks are escaped.
    for escaped in ("\\- list", "1\\. ordered", "\\> quote", "\\=== ---", "mail\\@evil"):
        assert escaped in md
    # What a renderer makes of it: our structure only, every link ours.
    page = MarkdownIt("commonmark").enable(["strikethrough", "table"]).render(md)
    assert "<script" not in page and "<b>" not in page and "<blockquote>\n<p>quote" not in page
    for href in re.findall(r'href="([^"]*)"', page):
        assert href.startswith(("http://", "https://")), href


def test_md_escape_line_starts() -> None:
    assert md_escape("# title") == "\\# title"
    assert md_escape("12) x") == "12\\) x"
    assert md_escape("- x") == "\\- x"
    assert md_escape("a\x1b[31mb") == "ab"


def test_md_escape_renders_as_the_same_text_and_only_escapes_what_needs_it() -> None:
    """A CommonMark renderer (with GFM's strikethrough and tables) shows exactly the text:
    no tag, no link, no entity, no emphasis; and plain punctuation is left alone."""
    import html as html_module
    import random

    from markdown_it import MarkdownIt

    renderer = MarkdownIt("commonmark").enable(["strikethrough", "table"])
    rng = random.Random(11)
    alphabet = "ab _*`[]()<>!&#;@$~|\\-=+:.1 xé\u0644"
    for n in range(3_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 14)))
        if n % 7 == 0:
            text = rng.choice(["&amp;", "&#65;", "<b>", "[a](http://e.x)", "**b**", "_c_"]) + text
        expected = " ".join(text.split())
        if not expected:
            continue
        out = renderer.render(md_escape(text)).strip()
        assert out.startswith("<p>") and out.endswith("</p>"), (text, out)
        inner = out[3:-4]
        assert "<" not in inner.replace("&lt;", ""), (text, out)
        assert html_module.unescape(inner) == expected, (text, md_escape(text), out)
    for plain in ("Haftar & LNA", "snake_case", "(UN)", "#1 priority", "Q&A", "a!b", "x|y"):
        assert md_escape(plain) == plain


def _walk(node: Any) -> Iterator[Any]:
    yield node
    for child in node:
        yield from _walk(child)


def test_html_hostile_is_valid_and_inert(hostile: Store) -> None:
    page = render(hostile, "html", "actor")
    tree = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(page)
    tags = set()
    for element in _walk(tree):
        tag = element.tag if isinstance(element.tag, str) else ""
        tags.add(tag)
        assert tag not in {"script", "iframe", "object", "embed", "img", "form", "base"}
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (tag, name)
            if name in {"href", "src", "action", "formaction", "xlink:href"}:
                assert value.startswith(("http://", "https://")), value
    assert "meta" in tags and "style" in tags
    csp = tree.find(".//meta[@http-equiv='Content-Security-Policy']")
    assert csp is not None and "default-src 'none'" in csp.get("content")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert CONTROL.search(page) is None


def test_html_keeps_http_links(filled: Store) -> None:
    page = render(filled, "html")
    tree = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(page)
    hrefs = [a.get("href") for a in tree.iter("a")]
    assert "https://lo.example/1" in hrefs
    assert all(a.get("rel") == "noopener noreferrer nofollow" for a in tree.iter("a"))


def test_html_print_forces_no_page_breaks(filled: Store) -> None:
    """Printing: no rule starts a page per group (page 1 held only the header, and each
    one-item group took a page); headings are kept with what follows them instead."""
    page = render(filled, "html", "actor")
    style = page[page.index("<style>") : page.index("</style>")]
    assert re.search(r"break-before:\s*(page|always)", style) is None
    assert re.search(r"page-break-before:\s*always", style) is None
    assert re.search(r"h2[^{]*\{[^}]*break-after:\s*avoid", style) is not None


def test_json_hostile(hostile: Store) -> None:
    text = render(hostile, "json", "actor", include_notes=True)
    assert CONTROL.search(text.replace("\n", "")) is None
    data = json.loads(text)
    assert data["schema_version"] == 1
    urls = [i["url"] for i in data["items"]]
    assert urls == [None, None, None]
    first = data["items"][0]
    assert first["note"].startswith('=HYPERLINK("http://evil.example","x")\n')
    assert "\x1b" not in first["note"]


def test_csv_hostile(hostile: Store) -> None:
    text = render(hostile, "csv", "tag", include_notes=True)
    assert CONTROL.search(text.replace("\n", "")) is None
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 3
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
    first = rows[0]
    assert first["note"].startswith("'=HYPERLINK(")
    assert first["tags"] == "<b>tag</b>;=cmd"  # only a cell's start is read as a formula
    assert rows[1]["title"].startswith("'+SUM")
    assert rows[2]["title"].startswith("'-2 killed")
    assert all(r["url"] == "" for r in rows)


def test_csv_cell() -> None:
    assert csv_cell("=1+2") == "'=1+2"
    assert csv_cell("\t=1") == "'=1"
    assert csv_cell("@SUM(A1)") == "'@SUM(A1)"
    assert csv_cell("plain") == "plain"
    assert csv_cell("a\nb\x1b") == "a b"


def test_hostile_raw_details_never_reach_output() -> None:
    """Bypass the store's own cleaning: render raw hostile details through a fake store."""
    from tests.unit.test_summarize import HAFTAR, FakeStore, detail

    raw = detail(
        1,
        "Bad\x1b[31m <script>x</script>\u202e title",
        summary="Haftar \x1b]8;;javascript:alert(1)\x07 said\x9b something about the port.",
        url="java&#115;cript:alert(1)",
        feed="Feed\x07",
        tags=("=x\x00",),
    )
    store = FakeStore([raw])
    store.seed = lambda: None  # type: ignore[attr-defined]
    for fmt in ("md", "html", "json", "csv"):
        out = render_digest(store, ItemFilter(), fmt=fmt, group_by="actor", now=FROZEN_NOW)  # type: ignore[arg-type]
        assert CONTROL.search(out.replace("\n", "")) is None, fmt
        assert "\u202e" not in out
        if fmt == "md":
            assert re.search(r"(?<!\\)<", out) is None
        if fmt == "html":
            assert "<script>" not in out
            assert "](java" not in out and 'href="java' not in out
        if fmt == "json":
            assert all(i["url"] is None for i in json.loads(out)["items"])
    assert HAFTAR.id == "khalifa-haftar"


# --- files ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("../../etc/passwd", "etc-passwd.md"),
        ("..", "digest.md"),
        ("Morning digest: Haftar/LNA", "morning-digest-haftar-lna.md"),
        ("C:\\Windows\\evil", "c-windows-evil.md"),
        (".hidden", "hidden.md"),
        ("CON", "digest-con.md"),
        ("Salamé \x1b[31m briefing", "salame-briefing.md"),
        ("", "digest.md"),
        ("report.md", "report.md"),
        ("report.html", "report.md"),
    ],
)
def test_safe_filename(title: str, expected: str) -> None:
    assert safe_filename(title, "md") == expected


def test_write_digest_stays_in_folder(filled: Store, tmp_path: Path) -> None:
    first = write_digest(
        filled, ItemFilter(), tmp_path, fmt="html", title="../Evil <title>", now=FROZEN_NOW
    )
    assert first.parent == tmp_path
    assert first.name == "evil-title.html"
    second = write_digest(
        filled, ItemFilter(), tmp_path, fmt="html", title="../Evil <title>", now=FROZEN_NOW
    )
    assert second.name == "evil-title-2.html"
    assert first.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    named = write_digest(
        filled, ItemFilter(), tmp_path, fmt="csv", filename="/tmp/x/../out", now=FROZEN_NOW
    )
    assert named == tmp_path / "tmp-x-out.csv"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "evil-title-2.html",
        "evil-title.html",
        "tmp-x-out.csv",
    ]


def test_write_digest_needs_a_folder(filled: Store, tmp_path: Path) -> None:
    with pytest.raises(Exception, match="not a folder"):
        write_digest(filled, ItemFilter(), tmp_path / "missing", fmt="md", now=FROZEN_NOW)


def test_digest_respects_since(filled: Store) -> None:
    f = ItemFilter(since=FROZEN_NOW - timedelta(hours=30))
    data = json.loads(render(filled, "json", f=f))
    assert [i["title"] for i in data["items"]] == ["LNA jets strike Mitiga airport"]
    assert data["period"] == {"since": "2026-11-19T06:00:00Z", "until": "2026-11-20T12:00:00Z"}
    assert HOSTILE_NOTE


# --- what a client reads ------------------------------------------------------------------------


def test_each_item_is_listed_once(filled: Store) -> None:
    for group_by in ("actor", "tag"):
        md = render(filled, "md", group_by)
        listed = re.findall(r"^- (?:★ )?\*\*\[([^\]]+)\]", md, flags=re.M)
        assert len(listed) == len(set(listed)), (group_by, listed)
        data = json.loads(render(filled, "json", group_by))
        ids = [i for g in data["groups"] for i in g["item_ids"]]
        assert sorted(ids) == sorted(i["id"] for i in data["items"])


def test_the_seed_is_cited_only_when_the_filter_selects_it(filled: Store) -> None:
    assert "Seed article:" in render(filled, "md")  # no date bound: the 2019 seed matches
    week = ItemFilter(since=FROZEN_NOW - 7 * DAY)
    assert "Seed article:" not in render(filled, "md", f=week)
    assert "Context" not in render(filled, "html", f=week)
    assert json.loads(render(filled, "json", f=week))["context"]["seed"] is None


def test_links_lose_tracking_parameters(store: Store) -> None:
    from briefing.core.models import FeedSpec, FetchOutcome
    from tests.conftest import tagged

    store.sync_feeds([FeedSpec("Wire", "https://wire.example/rss")])
    url = "https://wire.example/story?id=7&utm_source=rss&utm_medium=feed&fbclid=abc"
    store.store_feed(
        FetchOutcome("Wire", "ok", 200, seen=1, kept=1), [tagged("A story", feed="Wire", url=url)]
    )
    for fmt in ("md", "html", "json", "csv"):
        out = render(store, fmt)
        assert "https://wire.example/story?id=7" in out, fmt
        assert "utm_" not in out and "fbclid" not in out, fmt


def test_places_never_form_actor_groups(store: Store) -> None:
    from briefing.core.models import ActorInfo, FeedSpec, FetchOutcome
    from tests.conftest import ACTORS, tagged

    store.sync_feeds([FeedSpec("Wire", "https://wire.example/rss")])
    store.sync_actors([*ACTORS, ActorInfo("tripoli", "Tripoli", "place")])
    store.store_feed(
        FetchOutcome("Wire", "ok", 200, seen=2, kept=2),
        [
            tagged("Clashes in Tripoli", feed="Wire", actors=["tripoli"]),
            tagged("Haftar in Tripoli", feed="Wire", actors=["tripoli", "khalifa-haftar"]),
        ],
    )
    digest = build_digest(store, ItemFilter(), group_by="actor", now=FROZEN_NOW)
    assert [g.label for g in digest.groups] == ["Khalifa Haftar", "No actor"]
    assert all("Tripoli" not in i.see_also for i in digest.items)


def test_notes_reach_a_digest_only_when_asked(filled: Store) -> None:
    note = "Check the casualty figures."
    for fmt in ("md", "html", "json", "csv"):
        assert note not in render(filled, fmt), fmt
        assert note in render(filled, fmt, include_notes=True), fmt
    assert "with notes" not in render(filled, "md")
    assert "1 with notes" in render(filled, "md", include_notes=True)


def test_items_carry_a_short_summary(filled: Store) -> None:
    md = render(filled, "md", "actor")
    assert "  The GNA asked for an immediate ceasefire south of Tripoli." in md
    page = render(filled, "html", "actor")
    assert '<p class="excerpt" dir="auto">The GNA asked for an immediate ceasefire' in page
