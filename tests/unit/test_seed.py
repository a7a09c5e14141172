"""The seed record (ensure_seed) and `import_article`, on our own captures and the real seed."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from briefing.core.config import load_config
from briefing.core.errors import ImportError_
from briefing.core.models import Config, ItemFilter
from briefing.core.text import clean_line
from briefing.store import Store
from briefing.update.seed import ensure_seed, import_article, seed_has_text

REPO = Path(__file__).resolve().parents[2]
CAPTURES = REPO / "tests" / "data" / "captures"
ALL = ItemFilter(state="all")


@pytest.fixture
def config() -> Config:
    """The shipped configuration: its seed facts are the real seed's."""
    return load_config(REPO / "feeds.yaml")


def seed_capture(tmp_path: Path, config: Config) -> Path:
    """A capture of our own, under the seed's title (typographic apostrophe), with noise."""
    assert config.seed is not None
    title = config.seed.title.replace("'", "’")
    path = tmp_path / "seed-copy.txt"
    path.write_text(
        f"{title}\n"
        "A standfirst we wrote for the test.\n"
        "Our first paragraph about the offensive on the capital and its costs.\n"
        "Our first paragraph about the offensive on the capital and its costs.\n"
        "Our second paragraph about the national conference and the envoy.\n"
        "Jason Pack is the host of a podcast we invented. Twitter: @example\n"
        "Matthew Sinkez is an affiliated researcher somewhere we made up.\n"
        "More from Foreign Policy\n\nA Teaser Headline\nIts teaser standfirst.\n",
        encoding="utf-8",
    )
    return path


# ---------------------------------------------------------------------------------------------
# ensure_seed
# ---------------------------------------------------------------------------------------------


def test_ensure_seed_stores_the_facts_as_the_first_document(store: Store, config: Config) -> None:
    item_id = ensure_seed(config, store)
    assert item_id == 1
    seed = store.seed()
    assert seed is not None and seed.row.id == item_id
    assert seed.row.kind == "article"
    assert seed.row.title == "Khalifa Haftar's Miscalculated Attack on Tripoli Will Cost Him Dearly"
    assert seed.row.feed == "Foreign Policy"
    assert seed.author == "Jason Pack; Matthew Sinkez"
    assert seed.row.published.date().isoformat() == "2019-04-10"
    assert seed.row.url is not None and seed.row.url.startswith("https://foreignpolicy.com/")
    # No text yet: the record says how to import it.
    assert not seed_has_text(seed)
    assert "briefing import" in seed.summary


def test_ensure_seed_is_idempotent_and_cheap(
    store: Store, config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = ensure_seed(config, store)
    # An unchanged seed is neither re-tagged nor written again.
    import briefing.update.seed

    def refuse(*args: object) -> None:
        raise AssertionError("ensure_seed re-tagged an unchanged seed")

    monkeypatch.setattr(briefing.update.seed, "_tag", refuse)
    assert ensure_seed(config, store) == first
    assert ensure_seed(config, store) == first
    assert store.count(ALL) == 1


def test_seed_stays_first_when_other_articles_come(
    store: Store, config: Config, tmp_path: Path
) -> None:
    seed_id = ensure_seed(config, store)
    other = import_article(str(CAPTURES / "misrata_talks.txt"), config, store)
    assert other.item_id > seed_id
    assert not other.is_seed
    assert store.seed() is not None and store.seed().row.id == seed_id  # type: ignore[union-attr]


def test_ensure_seed_imports_the_configured_text(
    store: Store, config: Config, tmp_path: Path
) -> None:
    assert config.seed is not None
    facts = replace(config.seed, text_path=seed_capture(tmp_path, config))
    configured = replace(config, seed=facts)
    item_id = ensure_seed(configured, store)
    seed = store.seed()
    assert seed is not None and seed.row.id == item_id
    assert seed_has_text(seed)
    assert seed.summary == "A standfirst we wrote for the test."
    assert seed.content.count("Our first paragraph") == 1
    assert "Jason Pack is the host" in seed.authors_details
    assert "Teaser" not in seed.content
    assert ensure_seed(configured, store) == item_id
    assert store.count(ALL) == 1


def test_changed_facts_update_the_record_and_keep_the_text(
    store: Store, config: Config, tmp_path: Path
) -> None:
    import_article(str(seed_capture(tmp_path, config)), config, store)
    assert config.seed is not None
    moved = replace(config, seed=replace(config.seed, published=datetime(2019, 4, 11, tzinfo=UTC)))
    item_id = ensure_seed(moved, store)
    seed = store.seed()
    assert seed is not None and seed.row.id == item_id
    assert seed.row.published.date().isoformat() == "2019-04-11"
    assert "Our second paragraph" in seed.content
    assert store.count(ALL) == 1


def test_no_seed_section(store: Store, config: Config) -> None:
    assert ensure_seed(replace(config, seed=None), store) == 0
    assert store.count(ALL) == 0


# ---------------------------------------------------------------------------------------------
# import_article
# ---------------------------------------------------------------------------------------------


def test_import_of_the_seed_fills_the_seed_record(
    store: Store, config: Config, tmp_path: Path
) -> None:
    seed_id = ensure_seed(config, store)
    result = import_article(str(seed_capture(tmp_path, config)), config, store)
    assert result.is_seed and result.item_id == seed_id
    assert result.authors == ("Jason Pack", "Matthew Sinkez")
    assert result.published == datetime(2019, 4, 10, tzinfo=UTC)
    assert result.paragraphs == 2
    assert len(result.removed) == 3
    seed = store.seed()
    assert seed is not None
    # The facts of feeds.yaml are kept: outlet, authors, date, URL.
    assert seed.row.feed == "Foreign Policy"
    assert seed.author == "Jason Pack; Matthew Sinkez"
    assert seed.row.url == config.seed.url  # type: ignore[union-attr]
    assert seed.row.title.startswith("Khalifa Haftar’s")
    assert store.count(ALL) == 1


def test_import_of_another_article(store: Store, config: Config) -> None:
    ensure_seed(config, store)
    result = import_article(str(CAPTURES / "oil_blockade.html"), config, store)
    assert not result.is_seed
    assert result.title == "Tribes Lift Blockade of Eastern Oil Ports"
    assert result.feed == "Desert Dispatch"
    assert result.authors == ("Leila Benali",)
    detail = store.item(result.item_id)
    assert detail is not None
    assert detail.row.kind == "article"
    assert detail.authors_details.startswith("Leila Benali is")
    assert "Engineers warned" in detail.content
    # Importing it again updates the same record.
    again = import_article(str(CAPTURES / "oil_blockade.html"), config, store)
    assert again.item_id == result.item_id
    assert store.count(ALL) == 2


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"", "empty"), (b"\x00\x01\x02binary", "binary"), (b"Caf\xe9\nx\ny\n", "not UTF-8")],
)
def test_refused_capture_writes_nothing(
    store: Store, config: Config, tmp_path: Path, data: bytes, reason: str
) -> None:
    ensure_seed(config, store)
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    before = store.status()
    with pytest.raises(ImportError_, match=reason):
        import_article(str(path), config, store)
    assert store.count(ALL) == before.items == 1
    assert not seed_has_text(store.seed())


def test_missing_file_and_unsupported_scheme(store: Store, config: Config, tmp_path: Path) -> None:
    with pytest.raises(ImportError_, match="no such file"):
        import_article(str(tmp_path / "absent.txt"), config, store)
    with pytest.raises(ImportError_, match="only files and http"):
        import_article("ftp://example.org/a.txt", config, store)


def test_import_by_url_matches_a_republished_copy(
    store: Store, config: Config, httpserver: object
) -> None:
    from pytest_httpserver import HTTPServer

    assert isinstance(httpserver, HTTPServer) and config.seed is not None
    also_url = config.seed.also_published[0][0]
    page = (
        "<html><head><link rel='canonical' href='" + also_url + "'></head><body><article>"
        "<h1>A Different Headline on the Republished Copy</h1>"
        "<p>A paragraph of our own about the assault on Tripoli and its costs.</p>"
        "</article></body></html>"
    )
    httpserver.expect_request("/copy").respond_with_data(page, content_type="text/html")
    result = import_article(httpserver.url_for("/copy"), config, store)
    assert result.is_seed
    seed = store.seed()
    assert seed is not None and "assault on Tripoli" in seed.content
    assert seed.row.url == config.seed.url


# ---------------------------------------------------------------------------------------------
# The real seed, from ../shared/seed/ (skipped when absent)
# ---------------------------------------------------------------------------------------------


def test_real_seed_import(store: Store, config: Config, seed_path: Path) -> None:
    assert config.seed is not None
    lines = [clean_line(line) for line in seed_path.read_text(encoding="utf-8").splitlines()]
    lines = [line for line in lines if line]
    more = next(i for i, line in enumerate(lines) if line.startswith("More from Foreign Policy"))
    teasers = lines[more + 1 :]
    bios = [line for line in lines[2:more] if line.startswith(config.seed.authors)]
    real = [line for line in lines[2:more] if line not in bios]
    unique = list(dict.fromkeys(real))
    assert len(bios) == 2 and len(real) - len(unique) == 1 and teasers

    ensure_seed(config, store)
    result = import_article(str(seed_path), config, store)
    assert result.is_seed
    seed = store.seed()
    assert seed is not None
    body = [p for p in seed.content.split("\n\n") if p]
    # Every real paragraph kept, in order, once; nothing else in the body.
    assert body == unique
    duplicated = next(line for line in real if real.count(line) > 1)
    assert seed.content.count(duplicated) == 1
    for bio in bios:
        assert bio not in seed.content
        assert bio in seed.authors_details
    for teaser in teasers:
        assert teaser not in seed.content
    assert "More from Foreign Policy" not in seed.content
    assert seed.summary == lines[1]
    assert seed.row.title == lines[0]
    assert seed.author == "Jason Pack; Matthew Sinkez"
    assert seed.row.published.date().isoformat() == "2019-04-10"
    assert store.count(ALL) == 1


def test_real_seed_via_seed_text(store: Store, config: Config, seed_path: Path) -> None:
    assert config.seed is not None
    configured = replace(config, seed=replace(config.seed, text_path=seed_path))
    ensure_seed(configured, store)
    seed = store.seed()
    assert seed is not None and seed_has_text(seed)
    assert "More from Foreign Policy" not in seed.content
