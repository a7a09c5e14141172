"""The Tagger end to end: configuration, the seed article, highlighting spans, and the
measured quality on the labelled fixtures (tests/data/labelled/*.jsonl)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from briefing.core.models import Config, Entry, FeedSpec, RelevanceRules, WeightedTerm
from briefing.intelligence.tagging import Tagger

LABELLED = Path(__file__).resolve().parents[1] / "data" / "labelled"
SEED_DIR = Path(__file__).resolve().parents[2] / ".." / "shared" / "seed"


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return Tagger.build()


def test_from_config_merges_user_rules_and_gazetteer(tmp_path: Path) -> None:
    actors = tmp_path / "actors.yaml"
    actors.write_text(
        "actors:\n  - {id: kikla-council, name: Kikla council, kind: government, signal: 3}\n",
        encoding="utf-8",
    )
    cfg = Config(
        path=tmp_path / "feeds.yaml",
        feeds=(),
        seed=None,
        actors_file=actors,
        rules=RelevanceRules(threshold=2, terms=(WeightedTerm("Kikla", 1.5),)),
    )
    tagger = Tagger.from_config(cfg)
    tagged = tagger.tag(Entry(identity="1", feed="f", title="Kikla council meets"))
    assert [m.actor_id for m in tagged.actors] == ["kikla-council"]
    assert tagged.verdict.relevant
    assert {r.term for r in tagged.verdict.reasons} == {"Kikla council", "Kikla"}
    assert any(info.id == "kikla-council" for info in tagger.actor_infos())


def test_tag_uses_the_feed_mode_and_reports_actors(tagger: Tagger) -> None:
    entry = Entry(
        identity="1", feed="f", title="Erdogan speaks to Putin", summary="They touched on Libya."
    )
    kept = tagger.tag(entry)
    assert kept.verdict.relevant  # no feed: default mode
    assert {m.actor_id for m in kept.actors} == {"turkey", "russia"}
    assert all(m.count >= 1 and m.surfaces for m in kept.actors)
    strict = FeedSpec(name="world", url="https://example.org", relevance="strict")
    tagged = tagger.tag(entry, strict)
    assert not tagged.verdict.relevant
    assert tagged.actors == ()  # not about Libya: no parties to report


def test_actor_mentions_feed_relevance_reasons(tagger: Tagger) -> None:
    tagged = tagger.tag(Entry(identity="1", feed="f", title="Dbeibah meets Menfi"))
    notes = {r.term: r.note for r in tagged.verdict.reasons}
    assert notes == {"Abdul Hamid Dbeibah": "actor", "Mohamed al-Menfi": "actor"}


def test_actor_infos_cover_the_gazetteer(tagger: Tagger) -> None:
    infos = {i.id: i for i in tagger.actor_infos()}
    assert len(infos) >= 100
    assert infos["khalifa-haftar"].affiliations == ("lna",)
    assert "Hifter" in infos["khalifa-haftar"].aliases and "حفتر" in infos["khalifa-haftar"].aliases


def test_find_mentions(tagger: Tagger) -> None:
    text = "Saddam Haftar met Erdoğan’s envoy in Benghazi."
    spans = tagger.find_mentions(text)
    assert [(text[s:e], a) for s, e, a in spans] == [
        ("Saddam Haftar", "saddam-haftar"),
        ("Erdoğan", "turkey"),
        ("Benghazi", "benghazi"),
    ]
    assert tagger.find_mentions("") == []


SEED_ACTORS = {
    "khalifa-haftar",
    "lna",
    "gna",
    "united-nations",
    "ghassan-salame",
    "uae",
    "france",
    "russia",
    "egypt",
    "italy",
    "united-kingdom",
    "united-states",
}


def test_seed_article_actors(tagger: Tagger) -> None:
    files = sorted(SEED_DIR.glob("*.txt")) if SEED_DIR.exists() else []
    if not files:
        pytest.skip("../shared/seed/ is not present")
    lines = files[0].read_text(encoding="utf-8").splitlines()
    entry = Entry(
        identity="seed",
        feed="Foreign Policy",
        title=lines[0],
        summary=lines[1],
        content="\n\n".join(lines[2:]),
        kind="article",
        published=datetime(2019, 4, 10, tzinfo=UTC),
    )
    tagged = tagger.tag(entry)
    found = {m.actor_id for m in tagged.actors}
    assert tagged.verdict.relevant
    assert SEED_ACTORS <= found, SEED_ACTORS - found


@dataclass
class Scores:
    precision: float
    recall: float
    f1: float
    actor_precision: float
    actor_recall: float
    actor_f1: float
    place_f1: float
    items: int


def score_file(tagger: Tagger, path: Path) -> Scores:
    tp = fp = fn = atp = afp = afn = ptp = pfp = pfn = items = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        items += 1
        published = datetime.fromisoformat(item["published"]).replace(tzinfo=UTC)
        entry = Entry(
            identity=item["id"],
            feed="labelled",
            title=item["title"],
            summary=item["summary"],
            published=published,
            language=item["lang"],
        )
        tagged = tagger.tag(entry, FeedSpec(name="labelled", url="x", relevance=item["mode"]))
        got, want = tagged.verdict.relevant, item["relevant"]
        tp += got and want
        fp += got and not want
        fn += want and not got
        found, expected = {m.actor_id for m in tagged.actors}, set(item["actors"])
        atp += len(found & expected)
        afp += len(found - expected)
        afn += len(expected - found)
        found, expected = {m.actor_id for m in tagged.places}, set(item["places"])
        ptp += len(found & expected)
        pfp += len(found - expected)
        pfn += len(expected - found)

    def f1(p: float, r: float) -> float:
        return 2 * p * r / (p + r) if p + r else 0.0

    p, r = tp / ((tp + fp) or 1), tp / ((tp + fn) or 1)
    ap, ar = atp / ((atp + afp) or 1), atp / ((atp + afn) or 1)
    pp, pr = ptp / ((ptp + pfp) or 1), ptp / ((ptp + pfn) or 1)
    return Scores(p, r, f1(p, r), ap, ar, f1(ap, ar), f1(pp, pr), items)


@pytest.mark.parametrize(
    "name,relevance_f1,actor_f1",
    [("relevance.jsonl", 0.99, 0.99), ("holdout.jsonl", 0.97, 0.97)],
)
def test_quality_on_labelled_items(
    tagger: Tagger, name: str, relevance_f1: float, actor_f1: float
) -> None:
    s = score_file(tagger, LABELLED / name)
    print(
        f"\n{name}: {s.items} items · relevance P={s.precision:.3f} R={s.recall:.3f} F1={s.f1:.3f}"
        f" · actors P={s.actor_precision:.3f} R={s.actor_recall:.3f} micro-F1={s.actor_f1:.3f}"
        f" · places F1={s.place_f1:.3f}"
    )
    assert s.f1 >= relevance_f1
    assert s.actor_f1 >= actor_f1
    assert s.place_f1 >= actor_f1


def test_fixture_shape() -> None:
    items = [
        json.loads(line)
        for line in (LABELLED / "relevance.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert len(items) >= 150
    assert sum(1 for i in items if i["lang"] == "ar") >= 12
    assert sum(1 for i in items if i["lang"] == "fr") >= 5
    hard = [i for i in items if i["hard"] and i["hard"] != "world"]
    assert len(hard) >= len(items) / 3
    for item in items:
        keys = {
            "id",
            "title",
            "summary",
            "published",
            "lang",
            "mode",
            "relevant",
            "actors",
            "places",
        }
        assert keys <= set(item)


def test_tagged_built_by_tag_is_a_normal_tagged(tagger: Tagger) -> None:
    """Tagger.tag fills Tagged's fields directly (cheaper than the frozen dataclass __init__):
    the result must equal one built the normal way, and a new field must not go unnoticed."""
    import dataclasses

    from briefing.core.models import Tagged

    assert [f.name for f in dataclasses.fields(Tagged)] == [
        "entry",
        "verdict",
        "actors",
        "places",
        "event",
        "locations",
    ]
    entry = Entry("t", "f", "Haftar's LNA shells Tripoli", summary="Misrata brigades respond.")
    tagged = tagger.tag(entry, FeedSpec("f", "https://f.example/rss"))
    rebuilt = Tagged(
        tagged.entry, tagged.verdict, tagged.actors, tagged.places, tagged.event, tagged.locations
    )
    assert tagged == rebuilt and hash(tagged) == hash(rebuilt) and repr(tagged) == repr(rebuilt)
    assert tagged.actors and tagged.verdict.relevant
    with pytest.raises(dataclasses.FrozenInstanceError):
        tagged.verdict = rebuilt.verdict  # type: ignore[misc]
