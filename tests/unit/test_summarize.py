"""Actor briefs: sentence splitting, key points (citations, near-duplicates, determinism), counts."""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from briefing.core.models import ActorInfo, ActorMention, ItemDetail, ItemFilter, ItemRow, SortOrder
from briefing.reports.summarize import (
    UnknownActorError,
    brief_dict,
    brief_from_details,
    build_brief,
    extract_key_points,
    http_url,
    near_duplicate,
    split_sentences,
)

NOW = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
HAFTAR = ActorInfo("khalifa-haftar", "Khalifa Haftar", "person", aliases=("Haftar", "حفتر"))
GNU = ActorInfo("gnu", "Government of National Unity", "government", aliases=("GNU",))
UNSMIL = ActorInfo("unsmil", "UNSMIL", "organisation", aliases=("UN mission",))
ACTORS = {a.id: a for a in (HAFTAR, GNU, UNSMIL)}


def detail(
    item_id: int,
    title: str,
    *,
    summary: str = "",
    content: str = "",
    feed: str = "Wire",
    days_ago: float = 1.0,
    actors: Sequence[ActorInfo] = (HAFTAR,),
    surfaces: Sequence[str] = (),
    tags: Sequence[str] = (),
    also_in: Sequence[str] = (),
    url: str | None = None,
) -> ItemDetail:
    """A fixture item; mentions list the actors given, with the surfaces given for the first."""
    mentions = tuple(
        ActorMention(a.id, a.name, 1, tuple(surfaces) if i == 0 else (a.name,))
        for i, a in enumerate(actors)
    )
    row = ItemRow(
        id=item_id,
        title=title,
        feed=feed,
        published=NOW - timedelta(days=days_ago),
        url=url if url is not None else f"https://news.example/{item_id}",
        kind="feed",
        read=False,
        flagged=False,
        dismissed=False,
        relevance=5.0,
        actors=tuple(a.name for a in actors),
        tags=tuple(tags),
        also_in=tuple(also_in),
    )
    return ItemDetail(
        row=row,
        summary=summary,
        content=content,
        author=None,
        canonical_url=None,
        language="en",
        fetched_at=NOW,
        note="",
        reasons=(),
        mentions=mentions,
    )


def corpus() -> list[ItemDetail]:
    return [
        detail(
            1,
            "Port talks resume in Benghazi",
            summary=(
                "Haftar met tribal elders in Benghazi to discuss the reopening of oil terminals. "
                "The weather was mild."
            ),
            feed="Libya Observer",
            days_ago=3,
            tags=("oil",),
            also_in=("Libya Herald",),
        ),
        detail(
            2,
            "Oil terminals",
            summary=(
                "Haftar met tribal elders in Benghazi on Monday to discuss reopening the oil "
                "terminals. Officials gave no date."
            ),
            feed="Libya Herald",
            days_ago=2,
            tags=("oil", "escalation"),
            actors=(HAFTAR, GNU),
        ),
        detail(
            3,
            "Ceasefire monitors",
            summary=(
                "The LNA commander Haftar rejected the ceasefire monitoring plan proposed by "
                "UNSMIL. Diplomats expect new talks in Geneva."
            ),
            feed="UN News",
            days_ago=1,
            tags=("ceasefire",),
            actors=(HAFTAR, UNSMIL, GNU),
        ),
        detail(
            4,
            "قوات حفتر تتقدم جنوب طرابلس",
            summary="أعلنت قوات حفتر السيطرة على مواقع جديدة جنوب طرابلس يوم الاثنين.",
            feed="Al Wasat",
            days_ago=0.5,
            surfaces=("حفتر",),
        ),
        detail(
            5,
            "Unrelated headline without the name",
            summary="Fuel queues grew longer across the western coastal towns this week.",
            feed="Wire",
            days_ago=0.2,
        ),
    ]


class FakeStore:
    """The two store methods a brief uses, over a list of details."""

    def __init__(self, details: Sequence[ItemDetail]) -> None:
        self.details = list(details)
        self.queries: list[ItemFilter] = []

    def items_detail(
        self, f: ItemFilter, *, sort: SortOrder = "newest", limit: int | None = None
    ) -> list[ItemDetail]:
        self.queries.append(f)
        out = [
            d
            for d in self.details
            if not f.actors or set(f.actors) & {m.actor_id for m in d.mentions}
        ]
        return out[:limit] if limit is not None else out

    def actor(self, id_or_name: str) -> ActorInfo | None:
        for a in ACTORS.values():
            if id_or_name.casefold() in {a.id, a.name.casefold()}:
                return a
        return None


# --- sentences --------------------------------------------------------------------------------


def test_split_sentences_handles_abbreviations_and_three_languages() -> None:
    text = (
        "Gen. Haftar spoke to U.S. envoys on Monday. They left! Le M. Salamé a dit « non. » "
        "Puis il est parti.\nقال حفتر إن قواته ستتقدم. هل سيحدث ذلك؟ نعم"
    )
    assert split_sentences(text) == [
        "Gen. Haftar spoke to U.S. envoys on Monday.",
        "They left!",
        "Le M. Salamé a dit « non. »",
        "Puis il est parti.",
        "قال حفتر إن قواته ستتقدم.",
        "هل سيحدث ذلك؟",
        "نعم",
    ]


def test_split_sentences_keeps_lowercase_continuations_together() -> None:
    assert split_sentences("About approx. five hundred fighters. Then more.") == [
        "About approx. five hundred fighters.",
        "Then more.",
    ]


# --- key points -------------------------------------------------------------------------------


def test_key_points_mention_the_actor_and_cite_the_first_carrier() -> None:
    points = extract_key_points(corpus(), actor=HAFTAR, max_points=8)
    texts = [p.text for p in points]
    assert all("Haftar" in t or "حفتر" in t for t in texts)
    # Sentences without the actor never become points.
    assert not any("weather" in t or "Fuel queues" in t or "Officials gave" in t for t in texts)
    merged = next(p for p in points if "tribal elders" in p.text)
    # Items 1 and 2 say the same thing: one point, cited to the item whose wording it shows,
    # the other listed as also carrying it.
    by_id = {d.row.id: d for d in corpus()}
    cited = by_id[merged.citation.item_id]
    assert merged.text in cited.summary
    assert merged.citation.feed == cited.row.feed
    assert merged.citation.url == cited.row.url
    assert merged.citation.published == cited.row.published
    assert merged.coverage == 2
    assert {merged.citation.item_id, *(c.item_id for c in merged.also)} == {1, 2}
    assert sum("tribal elders" in t for t in texts) == 1


def test_key_points_use_the_items_mention_surfaces() -> None:
    # The Arabic item mentions the actor by a surface that only its mention carries.
    actor = replace(HAFTAR, aliases=("Haftar",))
    points = extract_key_points(corpus(), actor=actor)
    assert any(p.citation.item_id == 4 for p in points)


def test_key_points_are_deterministic_whatever_the_input_order() -> None:
    items = corpus() * 1
    first = extract_key_points(items, actor=HAFTAR)
    for seed in range(5):
        shuffled = items[:]
        random.Random(seed).shuffle(shuffled)
        brief = brief_from_details(shuffled, actor=HAFTAR, f=ItemFilter(), now=NOW)
        assert brief.key_points == first


def test_key_points_rank_the_repeated_point_first() -> None:
    items = corpus() + [
        detail(
            10 + i,
            f"Report {i}",
            summary=f"Haftar met tribal elders in Benghazi about the oil terminals, source {i} said.",
            days_ago=0.1 * i,
        )
        for i in range(3)
    ]
    points = extract_key_points(items, actor=HAFTAR, max_points=3)
    assert "tribal elders" in points[0].text
    assert points[0].coverage == 5
    assert points[0].score == 1.0
    assert len(points) <= 3


def test_a_sentence_carried_by_different_stories_is_boilerplate_and_ranks_last() -> None:
    """Three outlets' different stories end with the same standing line; one story's own
    sentence must lead, and the standing line comes after it however often it repeats."""
    standing = "Haftar has led the eastern forces in Benghazi since the long war began."
    items = [
        replace(
            d,
            row=replace(d.row, story_id=story),
        )
        for d, story in (
            (detail(1, "Strike", summary=f"Haftar ordered a strike near Derna. {standing}"), 1),
            (detail(2, "Visit", summary=f"Haftar visited Cairo for border talks. {standing}"), 2),
            (detail(3, "Budget", summary=f"Haftar rejected the budget in Tobruk. {standing}"), 3),
        )
    ]
    points = extract_key_points(items, actor=HAFTAR, max_points=4)
    texts = [p.text for p in points]
    assert texts[-1] == standing and len(texts) == 4
    # The same three reports of one story: the repeated sentence is wire copy and leads.
    one_story = [replace(d, row=replace(d.row, story_id=1)) for d in items]
    assert extract_key_points(one_story, actor=HAFTAR, max_points=4)[0].text == standing


def test_one_story_told_in_three_languages_is_one_key_point() -> None:
    """The English, Arabic and French reports of one event share no word: still one point, whose
    coverage counts all three; another story keeps its own point, and a second sentence of the
    quoted report itself is still a point of its own."""
    reports = [
        (
            1,
            "Haftar's forces reopened the Es Sider terminal after a six-day blockade. "
            "Haftar also named a new commander for the port guards.",
        ),
        (2, "أعادت قوات حفتر فتح ميناء السدرة النفطي بعد إغلاق استمر ستة أيام."),
        (3, "Les forces de Haftar ont rouvert le terminal pétrolier d'Es Sider après le blocage."),
    ]
    items = [
        replace(d, row=replace(d.row, story_id=7))
        for d in (
            detail(i, f"Report {i}", summary=text, days_ago=1 - 0.1 * i) for i, text in reports
        )
    ]
    items.append(
        replace(
            detail(4, "Budget", summary="Haftar rejected the budget proposal in Tobruk on Monday."),
            row=replace(detail(4, "Budget").row, story_id=8),
        )
    )
    points = extract_key_points(items, actor=HAFTAR, max_points=8)
    reopened = [p for p in points if p.citation.item_id in (1, 2, 3) and "guards" not in p.text]
    assert len(reopened) == 1, [p.text for p in points]
    assert reopened[0].coverage == 3
    assert {reopened[0].citation.item_id, *(c.item_id for c in reopened[0].also)} == {1, 2, 3}
    assert any("budget" in p.text for p in points)
    # A second sentence of the one report telling both things is a point of its own.
    alone = [d for d in items if d.row.id in (1, 4)]
    texts = [p.text for p in extract_key_points(alone, actor=HAFTAR, max_points=8)]
    assert any("port guards" in t for t in texts) and any("Es Sider" in t for t in texts)


def test_key_points_across_a_filter_take_any_sentence() -> None:
    points = extract_key_points(corpus(), actor=None, max_points=20)
    assert any("Fuel queues" in p.text for p in points)


def test_near_duplicate() -> None:
    a = frozenset("haftar met tribal elders benghazi oil terminals".split())
    b = frozenset("haftar met tribal elders benghazi monday reopening oil terminals".split())
    c = frozenset("haftar rejected ceasefire monitoring plan".split())
    assert near_duplicate(a, b)
    assert not near_duplicate(a, c)
    assert not near_duplicate(frozenset(), a)


def test_points_strip_control_characters() -> None:
    items = [
        detail(
            1,
            "x",
            summary="Haftar \x1b[31mordered\x1b[0m a new \u202eoffensive today in the south.",
        )
    ]
    (point,) = extract_key_points(items, actor=HAFTAR)
    assert "\x1b" not in point.text and "\u202e" not in point.text


# --- counts, trend, co-mentions, sources, tags ------------------------------------------------


def test_build_brief_counts_trend_co_mentions_sources_tags() -> None:
    store = FakeStore(corpus())
    f = ItemFilter(since=NOW - timedelta(days=4), actors=("someone-else",), tags=("x",))
    brief = build_brief(store, actor="Khalifa Haftar", f=f, now=NOW)
    # The actor replaces the filter's actors; other fields are kept.
    assert store.queries[-1] == replace(f, actors=("khalifa-haftar",))
    assert brief.total == 5
    assert brief.actor == HAFTAR
    assert [d.day for d in brief.daily] == [date(2026, 11, 20) + timedelta(n) for n in range(5)]
    assert [d.count for d in brief.daily] == [0, 1, 1, 2, 1]
    assert brief.trend == "none"  # five items: too few to call a trend
    assert [(r.key, r.count) for r in brief.co_mentions] == [("gnu", 2), ("unsmil", 1)]
    # Republications count: Libya Herald carried its own item and item 1.
    assert brief.sources[0].key == "Libya Herald" and brief.sources[0].count == 2
    assert [(r.key, r.count) for r in brief.tags] == [
        ("oil", 2),
        ("ceasefire", 1),
        ("escalation", 1),
    ]
    assert [s.citation.item_id for s in brief.recent] == [5, 4, 3, 2, 1]
    assert brief.most_covered[0].citation.item_id == 1
    assert brief.most_covered[0].coverage == 2


def test_trend_falling_and_none() -> None:
    items = [detail(i, f"t{i}", days_ago=5 + i * 0.1) for i in range(6)]
    brief = brief_from_details(
        items, actor=HAFTAR, f=ItemFilter(since=NOW - timedelta(days=9)), now=NOW
    )
    assert brief.trend == "falling"
    empty = brief_from_details([], actor=HAFTAR, f=ItemFilter(), now=NOW)
    assert empty.trend == "none" and empty.daily == () and empty.key_points == ()


@pytest.mark.parametrize(
    ("first", "second", "trend"),
    [
        (2, 12, "rising"),  # a change of 10 against a standard error of 3.7
        (12, 2, "falling"),
        (5, 8, "steady"),  # 3 against 3.6: noise
        (0, 5, "none"),  # five items are too few
    ],
)
def test_trend_only_where_counts_mean_something(first: int, second: int, trend: str) -> None:
    items = [detail(i, f"a{i}", days_ago=5.5) for i in range(first)]
    items += [detail(100 + i, f"b{i}", days_ago=0.5) for i in range(second)]
    f = ItemFilter(since=NOW - timedelta(days=6))
    assert brief_from_details(items, actor=HAFTAR, f=f, now=NOW).trend == trend


def test_no_trend_over_a_short_window() -> None:
    items = [detail(i, f"t{i}", days_ago=0.5) for i in range(20)]
    f = ItemFilter(since=NOW - timedelta(days=1))
    assert brief_from_details(items, actor=HAFTAR, f=f, now=NOW).trend == "none"


def test_unknown_actor_is_one_clear_error() -> None:
    with pytest.raises(UnknownActorError, match="unknown actor 'Nobody'"):
        build_brief(FakeStore(corpus()), actor="Nobody", f=ItemFilter(), now=NOW)


def test_brief_across_the_filter() -> None:
    brief = build_brief(FakeStore(corpus()), actor=None, f=ItemFilter(), now=NOW)
    assert brief.actor is None and brief.subject == "All items"
    assert brief.co_mentions[0].key == "khalifa-haftar"


def test_brief_dict_is_json_with_safe_links() -> None:
    items = corpus() + [
        detail(
            9,
            "evil",
            summary="Haftar said something notable about the port.",
            url="javascript:alert(1)",
        )
    ]
    data = brief_dict(brief_from_details(items, actor=HAFTAR, f=ItemFilter(), now=NOW))
    text = json.dumps(data)
    assert "javascript" not in text
    assert data["generated_at"] == "2026-11-24T08:00:00Z"
    assert data["actor"] == {"id": "khalifa-haftar", "name": "Khalifa Haftar", "kind": "person"}


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "java&#115;cript:alert(1)",
        " JaVaScRiPt:alert(1)",
        "java\tscript:x",
        "data:text/html,x",
        "//evil.example",
        "http:/x",
        "https://a b",
        "vbscript:x",
        "file:///etc",
    ],
)
def test_http_url_refuses_other_schemes(url: str) -> None:
    assert http_url(url) is None


def test_http_url_accepts_http_and_https() -> None:
    assert http_url("https://a.example/x?y=1&z=2") == "https://a.example/x?y=1&z=2"
    # The canonical form: scheme and host lower-cased, tracking parameters and fragment dropped.
    assert http_url("HTTP://A.example") == "http://a.example/"
    assert http_url("https://a.example/x?id=7&utm_source=rss#top") == "https://a.example/x?id=7"


def test_key_points_do_not_depend_on_hash_randomisation() -> None:
    """Sets and dicts of strings iterate in a per-process order: the brief must not care."""
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parents[2]
    code = (
        "import json\n"
        "from tests.unit.test_summarize import corpus, HAFTAR, NOW, detail\n"
        "from briefing.reports.summarize import brief_from_details, brief_dict\n"
        "from briefing.core.models import ItemFilter\n"
        "items = corpus() + [detail(20 + i, f't{i}', summary=f'Haftar and the GNU met envoys"
        " in Tripoli about talks number {i % 3} today.') for i in range(12)]\n"
        "b = brief_from_details(items, actor=None, f=ItemFilter(), now=NOW, max_points=6)\n"
        "print(json.dumps(brief_dict(b), sort_keys=True))\n"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            cwd=repo,
            env={"PYTHONHASHSEED": seed, "PATH": ""},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1


def test_sentences_with_urls_are_not_points() -> None:
    # A slug such as khalifa-haftars-attack must not count as a mention of the actor.
    items = [
        detail(
            1,
            "x",
            summary="Read the analysis at https://news.example/khalifa-haftar-attack-tripoli today. "
            "Haftar ordered a new push towards the capital on Monday.",
        )
    ]
    points = extract_key_points(items, actor=HAFTAR)
    assert [p.text for p in points] == ["Haftar ordered a new push towards the capital on Monday."]
