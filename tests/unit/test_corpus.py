"""Every file of the feedparser corpus goes through the pipeline without an exception escaping.

Each document is stored or recorded as that feed's failure, and no stored string holds a
control character or a bidi override (checked through the store's own API). The corpus lives in
`../shared/feedparser-corpus/` and the test is skipped when it is absent; its `Expect:` lines
are never evaluated, its `Header:` lines are read as plain text.
"""

from __future__ import annotations

import gzip
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from briefing.acquisition.parse import parse_feed
from briefing.core.errors import ParseError
from briefing.core.models import Config, FeedSpec, ItemFilter, RelevanceRules
from briefing.store import Store

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / ".." / "shared" / "feedparser-corpus" / "tests"
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
HEADER = re.compile(r"^\s*Header:\s*([A-Za-z-]+):\s*(.*?)\s*$", re.MULTILINE)
UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]"
)

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/feedparser-corpus absent")


@dataclass(frozen=True)
class Document:
    spec: FeedSpec
    body: bytes
    headers: dict[str, str]


def documents() -> list[Document]:
    docs = []
    for path in sorted(CORPUS.rglob("*")):
        if not path.is_file():
            continue
        body = path.read_bytes()
        # The fetcher decompresses; a broken stream stays as it is (and fails to parse).
        for decompress in (gzip.decompress, zlib.decompress):
            try:
                body = decompress(body)
                break
            except Exception:  # any failure: keep the raw bytes
                continue
        comment = body[:4000].decode("latin-1").split("-->", 1)[0]
        headers = {
            name: value
            for name, value in HEADER.findall(comment)
            if name.lower() not in {"status", "location"}
        }
        rel = path.relative_to(CORPUS).as_posix()
        spec = FeedSpec(name=f"corpus/{rel}", url=f"https://corpus.example/{rel}", relevance="all")
        docs.append(Document(spec, body, headers))
    return docs


def assert_safe(value: object, where: str) -> None:
    if isinstance(value, str):
        assert not UNSAFE.search(value), f"{where}: {value!r}"
    elif isinstance(value, tuple | list):
        for part in value:
            assert_safe(part, where)


@dataclass
class Ingested:
    store: Store
    docs: list[Document]
    failures: dict[str, str]
    through_pipeline: bool


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ingested]:
    docs = documents()
    store = Store.open(tmp_path_factory.mktemp("corpus") / "corpus.db")
    failures: dict[str, str] = {}
    try:
        from briefing.intelligence.tagging import Tagger
        from briefing.update.pipeline import ingest_document
    except ImportError:  # the pipeline has not landed: parse only, store nothing
        for doc in docs:
            try:
                parse_feed(doc.body, doc.headers, doc.spec, now=NOW)
            except ParseError as error:
                failures[doc.spec.name] = str(error)
        yield Ingested(store, docs, failures, through_pipeline=False)
        store.close()
        return
    specs = tuple(doc.spec for doc in docs)
    config = Config(path=ROOT / "feeds.yaml", feeds=specs, rules=RelevanceRules(), seed=None)
    tagger = Tagger.from_config(config)
    store.sync_feeds(specs)
    store.sync_actors(tagger.actor_infos())
    for doc in docs:
        report = ingest_document(doc.spec, doc.body, doc.headers, store, tagger, now=NOW)
        if report.failed:
            failures[doc.spec.name] = report.error or ""
    yield Ingested(store, docs, failures, through_pipeline=True)
    store.close()


def test_every_corpus_file_is_handled(ingested: Ingested) -> None:
    assert len(ingested.docs) >= 2000
    # Most of the corpus is readable; the rest failed with one clear reason each.
    assert len(ingested.failures) < len(ingested.docs) / 2
    for name, error in ingested.failures.items():
        assert error and "\n" not in error, name
        assert_safe(error, name)


def test_failures_are_recorded_per_feed(ingested: Ingested) -> None:
    if not ingested.through_pipeline:
        pytest.skip("briefing.update.pipeline / briefing.intelligence.tagging not available yet")
    assert ingested.failures, "the corpus holds documents that must fail (entity DTDs, crashers)"
    for name in list(ingested.failures)[:200]:
        state = ingested.store.feed_state(name)
        assert state is not None and state.last_error, name


def test_entity_dtds_are_refused(ingested: Ingested) -> None:
    refused = [e for e in ingested.failures.values() if "declares XML entities" in e]
    assert refused


def test_no_stored_string_holds_a_control_character(ingested: Ingested) -> None:
    if not ingested.through_pipeline:
        pytest.skip("briefing.update.pipeline / briefing.intelligence.tagging not available yet")
    store = ingested.store
    everything = ItemFilter(state="all")
    total = store.count(everything)
    # Many corpus entries share a title ("Example …") and merge as one story.
    assert total > 100
    rows = store.items(everything, limit=total + 10)
    assert len(rows) == total
    for row in rows:
        assert_safe((row.title, row.feed, row.url, *row.tags, *row.also_in), f"row {row.id}")
        detail = store.item(row.id)
        assert detail is not None
        assert_safe(
            (
                detail.summary,
                detail.content,
                detail.author,
                detail.canonical_url,
                detail.language,
                detail.note,
            ),
            f"item {row.id}",
        )
        assert row.url is None or row.url.startswith(("http://", "https://")), row.url
    for state in store.feed_states():
        assert_safe((state.title, state.last_error), state.name)
