"""`full_text: true` feeds: `briefing fetch` fetches the article behind each new kept item.

A real HTTP server on 127.0.0.1 serves the feeds and the article pages.
"""

from __future__ import annotations

from collections.abc import Iterator
from html import escape
from pathlib import Path

import pytest
from click.testing import CliRunner
from pytest_httpserver import HTTPServer

from briefing.acquisition.fetch import FetchLimits
from briefing.cli import main
from briefing.core.config import load_config
from briefing.core.models import FeedSpec, ItemFilter
from briefing.intelligence.tagging import Tagger
from briefing.store import Store
from briefing.update.pipeline import update
from tests.unit.fetchkit import make_config
from tests.unit.test_fulltext import ARTICLE

LIMITS = FetchLimits(deadline=5.0, connect_timeout=2.0)


def feed(items: list[tuple[str, str]]) -> bytes:
    """An RSS document whose items (title, link) carry only a one-line summary."""
    body = "".join(
        f"<item><guid>{escape(link)}</guid><title>{escape(title)}</title>"
        f"<link>{escape(link)}</link><description>Talks resumed in Libya.</description></item>"
        for title, link in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
        f"{body}</channel></rss>"
    ).encode()


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(tmp_path / "briefing.db")
    yield store
    store.close()


def served(httpserver: HTTPServer) -> list[FeedSpec]:
    url = httpserver.url_for
    httpserver.expect_request("/wire.xml").respond_with_data(
        feed(
            [
                ("Libya port talks resume", url("/a/1")),
                ("Libya talks: gone page", url("/a/2")),
                ("Libya talks: a report", url("/a/3")),
            ]
        )
    )
    httpserver.expect_request("/other.xml").respond_with_data(
        feed([("Libya talks elsewhere", url("/b/1"))])
    )
    httpserver.expect_request("/a/1").respond_with_data(ARTICLE, content_type="text/html")
    httpserver.expect_request("/a/2").respond_with_data("gone", status=404)
    httpserver.expect_request("/a/3").respond_with_data(b"%PDF-1.7", content_type="application/pdf")
    httpserver.expect_request("/b/1").respond_with_data(ARTICLE, content_type="text/html")
    return [
        FeedSpec("Wire", url("/wire.xml"), relevance="all", full_text=True),
        FeedSpec("Other", url("/other.xml"), relevance="all"),
    ]


def paths(httpserver: HTTPServer) -> list[str]:
    return [request.path for request, _ in httpserver.log]


def test_full_text_feeds_get_their_articles(
    tmp_path: Path, db: Store, httpserver: HTTPServer
) -> None:
    feeds = served(httpserver)
    config = make_config(tmp_path, feeds)
    report = update(config, db, limits=LIMITS, tagger=Tagger.build(), workers=0)
    assert report.ok
    assert report.articles is not None
    assert (report.articles.tried, report.articles.stored, report.articles.failed) == (3, 1, 2)
    assert "/b/1" not in paths(httpserver)  # only feeds marked full_text
    by_title = {row.title: row.id for row in db.items(ItemFilter(feeds=("Wire",)))}
    good = db.item(by_title["Libya port talks resume"])
    assert good is not None and good.full_text_status == "ok"
    assert "Khalifa Haftar's office said" in good.full_text
    assert "khalifa-haftar" in {m.actor_id for m in good.mentions}  # tagged on the article
    gone = db.item(by_title["Libya talks: gone page"])
    assert gone is not None and gone.full_text_status == "failed"
    assert "404" in gone.full_text_reason and gone.summary == "Talks resumed in Libya."
    pdf = db.item(by_title["Libya talks: a report"])
    assert pdf is not None and "not an HTML page" in pdf.full_text_reason
    # A second run fetches no page again: each was tried once.
    again = update(config, db, limits=LIMITS, tagger=Tagger.build(), workers=0, force=True)
    assert again.articles is not None and again.articles.tried == 0
    assert paths(httpserver).count("/a/1") == 1


def test_full_text_in_feeds_yaml_and_the_fetch_summary(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    feeds = served(httpserver)
    config = tmp_path / "feeds.yaml"
    config.write_text(
        "feeds:\n"
        f"  - name: Wire\n    url: {feeds[0].url}\n    relevance: all\n    full_text: true\n"
        f"  - name: Other\n    url: {feeds[1].url}\n    relevance: all\n",
        encoding="utf-8",
    )
    assert [f.full_text for f in load_config(config).feeds] == [True, False]
    args = ["--config", str(config), "--db", str(tmp_path / "b.db"), "fetch"]
    result = CliRunner().invoke(main, args)
    assert "articles: 1 stored, 2 failed" in result.output, result.output
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"feeds:\n  - name: W\n    url: {feeds[0].url}\n    full_text: yes please\n")
    result = CliRunner().invoke(
        main, ["--config", str(bad), "--db", str(tmp_path / "c.db"), "fetch"]
    )
    assert result.exit_code == 1
    assert "full_text" in result.stderr and "true or false" in result.stderr
