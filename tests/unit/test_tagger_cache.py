"""briefing.intelligence.tagger_cache: a built Tagger on disk, keyed by everything it is built from."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from briefing.core.errors import ConfigError
from briefing.core.models import Config, Entry, RelevanceRules, WeightedTerm
from briefing.intelligence.events import EventClassifier
from briefing.intelligence.matching import prepare
from briefing.intelligence.tagger_cache import cache_dir, cache_key
from briefing.intelligence.tagging import Tagger

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("BRIEFING_CACHE_DIR", str(folder))
    return folder


def _config(
    tmp_path: Path, *, actors_file: Path | None = None, rules: RelevanceRules | None = None
) -> Config:
    return Config(
        path=tmp_path / "feeds.yaml",
        feeds=(),
        rules=rules or RelevanceRules(),
        seed=None,
        actors_file=actors_file,
    )


def _labelled() -> list[Entry]:
    path = REPO / "tests" / "data" / "labelled" / "relevance.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [Entry(identity=r["id"], feed="f", title=r["title"], summary=r["summary"]) for r in rows]


def test_a_cached_tagger_tags_exactly_as_a_built_one(cache: Path, tmp_path: Path) -> None:
    config = _config(tmp_path)
    first = Tagger.from_config(config)  # built, then written
    files = list(cache.glob("tagger-*.pickle"))
    assert len(files) == 1 and cache_dir() == cache
    second = Tagger.from_config(config)  # loaded
    assert second is not first
    built = Tagger.build(config.rules, config.actors_file)
    for entry in _labelled():
        assert second.tag(entry) == built.tag(entry)


def test_any_input_change_gives_a_new_key(cache: Path, tmp_path: Path) -> None:
    gazetteer = tmp_path / "mine.yaml"
    gazetteer.write_text("actors: []\n", encoding="utf-8")
    base = _config(tmp_path)
    keys = {
        cache_key(base),
        cache_key(_config(tmp_path, actors_file=gazetteer)),
        cache_key(_config(tmp_path, rules=RelevanceRules(terms=(WeightedTerm("misrata", 2.0),)))),
    }
    gazetteer.write_text("actors: []\n# edited\n", encoding="utf-8")
    keys.add(cache_key(_config(tmp_path, actors_file=gazetteer)))
    assert len(keys) == 4
    assert cache_key(base) == cache_key(_config(tmp_path))


def test_a_broken_cache_file_is_rebuilt_and_a_broken_gazetteer_still_fails(
    cache: Path, tmp_path: Path
) -> None:
    config = _config(tmp_path)
    Tagger.from_config(config)
    (path,) = cache.glob("tagger-*.pickle")
    path.write_bytes(b"not a pickle")
    assert Tagger.from_config(config).tag(Entry("x", "f", "Haftar in Tripoli")).verdict.relevant
    assert path.read_bytes() != b"not a pickle"  # written again
    bad = tmp_path / "bad.yaml"
    bad.write_text("actors: [\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="bad.yaml"):
        Tagger.from_config(_config(tmp_path, actors_file=bad))


def test_an_unwritable_cache_folder_only_costs_the_saving(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("BRIEFING_CACHE_DIR", str(blocker / "cache"))
    tagger = Tagger.from_config(_config(tmp_path))
    assert tagger.tag(Entry("x", "f", "Haftar in Tripoli")).verdict.relevant


def test_the_cache_file_holds_no_building_tables(cache: Path, tmp_path: Path) -> None:
    # What every tagging process unpickles: the automata, not the tables they were built
    # from, nor the event classifier's own automaton (a Tagger passes it its one scan's hits).
    config = _config(tmp_path)
    Tagger.from_config(config)
    loaded = Tagger.from_config(config)
    assert loaded.automaton._pending == {} and loaded.automaton._derived == {}
    assert "_matcher" not in vars(loaded.classifier)
    # A classifier asked alone (no shared scan) builds that automaton on first use.
    fresh = EventClassifier(loaded.classifier.rules)
    item = prepare([("title", "Drone strike hits Misrata air base")])
    assert loaded.classifier.classify(item) == fresh.classify(item)
    assert loaded.classifier.classify(item).type == "remote_violence"
    assert "_matcher" in vars(loaded.classifier)


def test_loading_the_cache_sets_off_no_garbage_collection(cache: Path, tmp_path: Path) -> None:
    # Unpickling makes no garbage: the collector is paused for it, and left as it was found
    # (also when the file is broken).
    import gc

    config = _config(tmp_path)
    Tagger.from_config(config)  # built and written
    (path,) = cache.glob("tagger-*.pickle")
    starts: list[int] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            starts.append(info["generation"])

    gc.callbacks.append(count)
    try:
        assert gc.isenabled()
        loaded = Tagger.from_config(config)
        assert gc.isenabled() and starts == []
        gc.disable()
        try:
            Tagger.from_config(config)
            assert not gc.isenabled()
        finally:
            gc.enable()
        path.write_bytes(b"not a pickle")
        Tagger.from_config(config)  # rebuilt
        assert gc.isenabled()
    finally:
        gc.callbacks.remove(count)
    assert loaded.tag(Entry("x", "f", "Haftar in Tripoli")).verdict.relevant
