"""The article behind a summary: extraction, storage, re-tagging, and `briefing fulltext`.

Pages are served by a real HTTP server on 127.0.0.1 (pytest-httpserver); nothing leaves the
machine.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from pytest_httpserver import HTTPServer

from briefing.acquisition.fulltext import (
    MAX_PAGE_BYTES,
    MIN_TEXT_CHARS,
    FullText,
    extract_full_text,
)
from briefing.cli import main
from briefing.core.errors import BriefingError
from briefing.core.models import FeedSpec, FetchOutcome
from briefing.intelligence.tagging import Tagger
from briefing.store import Store
from briefing.update.fulltext import fetch_full_text
from tests.conftest import tagged

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

ARTICLE = """<!DOCTYPE html><html lang="en"><head><title>Port talks | Example Wire</title>
<script>document.write('tracking pixel')</script><style>.x { color: red }</style></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<article><h1>Talks on the port resume</h1>
<p>Delegations met on Monday in the eastern city to discuss who runs the port, officials said,
after weeks in which ships waited offshore and prices rose in the markets of the region.</p>
<p>Khalifa Haftar's office said the Libyan National Army would keep guarding the harbour while
the talks went on, and that customs revenue would be paid into the central account.</p>
<p>A second round is planned for next week, according to two people who attended the meeting
and spoke on condition of anonymity because they were not allowed to brief the press.
<span onclick="alert(1)">[bold red]markup[/]</span> \x1b[31mred\x1b[0m \u202ereversed\u202c</p>
</article>
<aside><h2>Related</h2><ul><li><a href="/a">Another story</a></li></ul></aside>
<footer>Copyright Example Wire</footer></body></html>
"""


# --- extraction -------------------------------------------------------------------------------


def test_extracts_the_article_and_leaves_the_furniture() -> None:
    result = extract_full_text(ARTICLE.encode(), url="https://wire.example/port")
    assert result.status == "ok", result.reason
    assert "Khalifa Haftar's office said" in result.text
    assert "A second round is planned" in result.text
    for furniture in ("Home", "Copyright", "Another story", "tracking pixel", "color: red"):
        assert furniture not in result.text
    assert "<" not in result.text and ">" not in result.text
    assert CONTROL.search(result.text) is None
    assert "[bold red]markup[/]" in result.text  # literal text; markup only where it is shown


@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [
        (b"%PDF-1.7 ...", "application/pdf", "not an HTML page (application/pdf)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", None, "binary content"),
        (b"   ", "text/html", "empty page"),
        (b"<html><body><p>Subscribe to read.</p></body></html>", "text/html", "no article text"),
        (b"<" * (MAX_PAGE_BYTES + 1), "text/html", "page too large"),
    ],
)
def test_pages_without_an_article_say_why(
    body: bytes, content_type: str | None, reason: str
) -> None:
    result = extract_full_text(body, url="https://wire.example/x", content_type=content_type)
    assert result.status == "failed" and result.text == ""
    assert reason in result.reason


def test_broken_markup_is_survived() -> None:
    page = "<html><body><div><p>" + ("<b><i>unclosed " * 3_000) + "</body>"
    result = extract_full_text(page.encode(), url="https://wire.example/x")
    assert result.status in ("ok", "failed")
    assert "<" not in result.text


# --- fetch, store, re-tag ----------------------------------------------------------------------


@pytest.fixture
def tagger() -> Tagger:
    return Tagger.build()


def _item(store: Store, url: str) -> int:
    """A summary-only item that names nobody: what the article reveals is new."""
    store.sync_feeds([FeedSpec("Wire", "https://wire.example/rss")])
    store.store_feed(
        FetchOutcome("Wire", "ok", 200, seen=1, kept=1),
        [tagged("Talks on the port resume", feed="Wire", url=url, summary="Talks resumed.")],
    )
    item_id = store.items()[0].id
    assert store.item(item_id) is not None
    return item_id


def test_fetched_article_is_stored_and_the_item_tagged_again(
    store: Store, tagger: Tagger, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/port").respond_with_data(ARTICLE, content_type="text/html")
    item_id = _item(store, httpserver.url_for("/port"))
    store.sync_actors(tagger.actor_infos())
    outcome = fetch_full_text(store, tagger, item_id)
    assert outcome.result.status == "ok"
    detail = store.item(item_id)
    assert detail is not None
    assert detail.full_text_status == "ok"
    assert "Khalifa Haftar's office said" in detail.full_text
    assert detail.summary == "Talks resumed."  # the feed's text is kept as it was
    ids = {m.actor_id for m in detail.mentions}
    assert {"khalifa-haftar", "lna"} <= ids, ids
    # `briefing retag` tags on the article too: the actors survive a full retag.
    store.retag([(i, tagger.tag(e)) for i, e in store.iter_entries()])
    detail = store.item(item_id)
    assert detail is not None and "khalifa-haftar" in {m.actor_id for m in detail.mentions}


def test_a_failed_page_keeps_the_item_and_says_why(
    store: Store, tagger: Tagger, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/gone").respond_with_data("no", status=404)
    item_id = _item(store, httpserver.url_for("/gone"))
    before = store.item(item_id)
    outcome = fetch_full_text(store, tagger, item_id)
    assert outcome.result.status == "failed"
    assert "404" in outcome.result.reason
    after = store.item(item_id)
    assert after is not None and before is not None
    assert after.full_text_status == "failed" and "404" in after.full_text_reason
    assert after.mentions == before.mentions and after.summary == before.summary


def test_a_later_failure_never_discards_stored_text(store: Store, tagger: Tagger) -> None:
    item_id = _item(store, "https://wire.example/port")
    text = "Paragraph. " * (MIN_TEXT_CHARS // 5)
    store.save_full_text(item_id, "https://wire.example/port", FullText("ok", text))

    def down(url: str) -> object:
        raise BriefingError("connection refused")

    outcome = fetch_full_text(store, tagger, item_id, download=down)  # type: ignore[arg-type]
    assert outcome.result.status == "failed"
    detail = store.item(item_id)
    assert detail is not None and detail.full_text_status == "ok" and detail.full_text == text


def test_an_item_without_a_web_link(store: Store, tagger: Tagger) -> None:
    item_id = _item(store, "javascript:alert(1)")
    outcome = fetch_full_text(store, tagger, item_id)
    assert outcome.result.status == "failed" and "no http(s) link" in outcome.result.reason


def test_unknown_item(store: Store, tagger: Tagger) -> None:
    with pytest.raises(BriefingError, match="no item 999"):
        fetch_full_text(store, tagger, 999)


# --- the command ------------------------------------------------------------------------------


def test_fulltext_command(tmp_path: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/port").respond_with_data(ARTICLE, content_type="text/html")
    httpserver.expect_request("/pdf").respond_with_data(b"%PDF", content_type="application/pdf")
    config = tmp_path / "feeds.yaml"
    config.write_text("feeds: []\n", encoding="utf-8")
    db = tmp_path / "b.db"
    store = Store.open(db)
    good = _item(store, httpserver.url_for("/port"))
    store.store_feed(
        FetchOutcome("Wire", "ok", 200, seen=1, kept=1),
        [tagged("A report", feed="Wire", url=httpserver.url_for("/pdf"))],
    )
    bad = max(row.id for row in store.items())
    store.close()
    args = ["--config", str(config), "--db", str(db), "fulltext"]
    result = CliRunner().invoke(main, [*args, str(good), str(bad), "--json"])
    assert result.exit_code == 3, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(x["id"], x["status"]) for x in lines] == [(good, "ok"), (bad, "failed")]
    assert lines[0]["characters"] > MIN_TEXT_CHARS and lines[0]["actors_changed"] is True
    assert "not an HTML page" in lines[1]["reason"]
    result = CliRunner().invoke(main, [*args, str(good)])
    assert result.exit_code == 0 and "characters of article text" in result.stdout
    result = CliRunner().invoke(main, [*args, "12345"])
    assert result.exit_code == 1 and "no item 12345" in result.stderr
