"""The story brief (`briefing summarize`): stories, not items; what changed since the last one.

A fixed database with known stories is built through the store API; the stories are typed and
placed by hand (tests/unit/test_stories.evented), so only the brief is under test.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing.cli import brief_cmd, main
from briefing.core.models import EventType, FetchOutcome, ItemFilter, PlaceInfo
from briefing.reports.brief import (
    brief_from_dict,
    brief_markdown,
    brief_to_dict,
    build_story_brief,
    trend_word,
)
from briefing.reports.brief.model import FoldedLine
from briefing.store import Store
from tests.conftest import ACTORS, FROZEN_NOW
from tests.unit.test_stories import evented

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
PLACES = tuple(
    PlaceInfo(pid, name, region, "", "town", None, None, ())
    for pid, name, region in (
        ("derna", "Derna", "Cyrenaica"),
        ("sirte", "Sirte", "Tripolitania"),
        ("zintan", "Zintan", "Tripolitania"),
        ("sabha", "Sabha", "Fezzan"),
        ("benghazi", "Benghazi", "Cyrenaica"),
    )
)


def fill(store: Store) -> None:
    """Three drone strikes by the LNA (one reported in three languages), a sit-in, a
    [bold]hostile[/] headline, and one older story for the previous period."""
    store.sync_actors(ACTORS)
    store.sync_places(PLACES)
    strikes = [
        ("Drone strike reported near Derna", "Derna", FROZEN_NOW - 2 * DAY),
        ("Drone strike reported near Sirte", "Sirte", FROZEN_NOW - 3 * DAY),
        ("Drone strike reported near Zintan", "Zintan", FROZEN_NOW - 4 * DAY),
    ]
    for title, place, when in strikes:
        store.store_feed(
            FetchOutcome("Wire", "ok", 200),
            [evented(title, "remote_violence", place, when=when, feed="Wire", actors=("lna",))],
        )
    store.store_feed(
        FetchOutcome("Al Wasat", "ok", 200),
        [
            evented(
                "طائرة مسيرة تقصف قرب درنة",
                "remote_violence",
                "Derna",
                when=FROZEN_NOW - 2 * DAY + HOUR,
                feed="Al Wasat",
                language="ar",
                actors=("lna",),
            )
        ],
    )
    store.store_feed(
        FetchOutcome("Hebdo", "ok", 200),
        [
            evented(
                "Frappe de drone près de Derna",
                "remote_violence",
                "Derna",
                when=FROZEN_NOW - 2 * DAY + 2 * HOUR,
                feed="Hebdo",
                language="fr",
                actors=("lna",),
            ),
            evented(
                "[bold red]Sit-in[/] at the oil ministry in Sabha",
                "protest",
                "Sabha",
                when=FROZEN_NOW - DAY,
                feed="Hebdo",
                actors=("gna",),
            ),
            evented(
                "Talks in Benghazi last month",
                "talks_agreement",
                "Benghazi",
                when=FROZEN_NOW - 10 * DAY,
                feed="Hebdo",
            ),
        ],
    )


def brief_of(store: Store, **kw: object) -> object:
    kw.setdefault("now", FROZEN_NOW)
    return build_story_brief(store, ItemFilter(), **kw)  # type: ignore[arg-type]


def test_one_event_in_three_languages_is_one_story_with_every_source(store: Store) -> None:
    fill(store)
    brief = build_story_brief(store, ItemFilter(), now=FROZEN_NOW)
    assert len(brief.stories) == 4  # three strikes and the sit-in; last month's talks are out
    derna = next(s for s in brief.stories if s.place == "Derna")
    assert {x.feed for x in derna.sources} == {"Wire", "Al Wasat", "Hebdo"}
    assert derna.languages == ("ar", "en", "fr")
    assert brief.bottom_line[0].story_id == derna.story_id  # most sources, violence
    assert derna.why[:3] == ("3 sources", "3 languages", "violence")
    assert brief.sources_used == ("Al Wasat", "Hebdo", "Wire")


def test_similar_stories_fold_into_one_line_per_actor(store: Store) -> None:
    fill(store)
    brief = build_story_brief(store, ItemFilter(), now=FROZEN_NOW)
    lna = next(a for a in brief.by_actor if a.actor == "Libyan National Army")
    assert lna.stories == 3
    (folded,) = lna.lines
    assert isinstance(folded, FoldedLine)
    assert folded.places == ("Derna", "Sirte", "Zintan")
    md = brief_markdown(brief)
    assert "3 strikes and shelling: Derna, Sirte, Zintan" in md


def test_actors_with_exactly_the_same_stories_share_one_section(store: Store) -> None:
    store.sync_actors(ACTORS)
    store.sync_places(PLACES)

    def report(title: str, place: str | None, actors: tuple[str, ...], hours: int) -> None:
        event: EventType = "remote_violence" if place else "talks_agreement"
        item = evented(title, event, place, when=FROZEN_NOW - hours * HOUR, actors=actors)
        store.store_feed(FetchOutcome("Wire", "ok", 200), [item])

    report("Haftar's forces strike near Derna", "Derna", ("lna", "khalifa-haftar"), 50)
    report("Haftar's forces strike near Sirte", "Sirte", ("lna", "khalifa-haftar"), 30)
    report("The UAE and the GNA sign a port deal", None, ("uae", "gna"), 10)
    brief = build_story_brief(store, ItemFilter(), now=FROZEN_NOW)
    assert [(a.heading, a.stories) for a in brief.by_actor] == [
        ("Khalifa Haftar and Libyan National Army", 2),
        ("Government of National Accord and United Arab Emirates", 1),
    ]
    md = brief_markdown(brief)
    assert md.count("### ") == 2 and "### Khalifa Haftar and Libyan National Army (2)" in md
    # A document recorded before sections were merged (no "same_stories") still reads.
    data = brief_to_dict(brief)
    for section in data["by_actor"]:
        section.pop("same_stories")
    assert [a.heading for a in brief_from_dict(data).by_actor] == [
        "Khalifa Haftar",
        "Government of National Accord",
    ]
    # One more LNA story without Haftar: their sets differ, so two sections again.
    report("LNA shells positions near Zintan", "Zintan", ("lna",), 5)
    brief = build_story_brief(store, ItemFilter(), now=FROZEN_NOW)
    assert [(a.heading, a.stories) for a in brief.by_actor][:2] == [
        ("Libyan National Army", 3),
        ("Khalifa Haftar", 2),
    ]


def test_counts_against_the_previous_period_and_regions(store: Store) -> None:
    fill(store)
    brief = build_story_brief(store, ItemFilter(), now=FROZEN_NOW)
    counts = {c.label: (c.now, c.before, c.trend) for c in brief.by_type}
    assert counts["strikes and shelling"] == (3, 0, "")  # too few for a trend word
    assert counts["talks and agreements"] == (0, 1, "")
    regions = {c.label: (c.now, c.before) for c in brief.by_region}
    assert regions == {"Tripolitania": (2, 0), "Cyrenaica": (1, 1), "Fezzan": (1, 0)}
    assert dict((p, n) for p, _, n in brief.places) == {
        "Derna": 1,
        "Sirte": 1,
        "Zintan": 1,
        "Sabha": 1,
    }


@pytest.mark.parametrize(
    ("now", "before", "word"),
    [(12, 2, "up"), (2, 12, "down"), (8, 5, "steady"), (3, 1, ""), (0, 0, "")],
)
def test_trend_words_only_where_counts_mean_something(now: int, before: int, word: str) -> None:
    assert trend_word(now, before) == word


def test_a_second_brief_marks_exactly_the_new_stories(store: Store) -> None:
    fill(store)
    key = "everything"
    first = build_story_brief(store, ItemFilter(), now=FROZEN_NOW, filter_key=key)
    assert {s.change for s in first.stories} == {""}  # nothing to compare with yet
    store.record_brief(
        created_at=FROZEN_NOW,
        since=first.since,
        until=first.until,
        title=first.title,
        filter_key=key,
        document=brief_to_dict(first),
        fingerprints=[(s.story_id, s.fingerprint) for s in first.stories],
    )
    later = FROZEN_NOW + 6 * HOUR
    store.clock = lambda: later
    store.store_feed(  # a new event, and a new source for the Sirte strike
        FetchOutcome("Wire", "ok", 200),
        [
            evented(
                "Clashes erupt in Zintan", "armed_clash", "Zintan", when=later - HOUR, feed="Wire"
            ),
        ],
    )
    store.store_feed(
        FetchOutcome("Al Wasat", "ok", 200),
        [
            evented(
                "قصف بطائرة مسيرة قرب سرت",
                "remote_violence",
                "Sirte",
                when=FROZEN_NOW - 3 * DAY + HOUR,
                feed="Al Wasat",
                language="ar",
            )
        ],
    )
    second = build_story_brief(store, ItemFilter(), now=later, filter_key=key)
    changes = {s.headline: s.change for s in second.stories}
    assert changes["Clashes erupt in Zintan"] == "new"
    assert changes["Drone strike reported near Sirte"] == "updated"
    assert [h for h, c in changes.items() if c == "new"] == ["Clashes erupt in Zintan"]
    assert changes["Drone strike reported near Derna"] == "unchanged"
    since_last = build_story_brief(
        store, ItemFilter(), now=later, filter_key=key, since_last_brief=True
    )
    assert {s.headline for s in since_last.stories} == {
        "Clashes erupt in Zintan",
        "Drone strike reported near Sirte",
    }
    assert since_last.since == FROZEN_NOW


def test_a_story_with_no_event_place_is_placed_where_its_reports_say(store: Store) -> None:
    """No discrete event (a statement, a water cut) means no event's place, but the brief
    must not print "no place named" above a headline that names Sabha."""
    from briefing.core.models import PlaceMention

    store.sync_actors(ACTORS)
    store.sync_places(PLACES)
    statement = evented("Water cuts in Sabha for a third day", "none", None, feed="Wire")
    named = PlaceMention("sabha", "Sabha", "Fezzan", ("Sabha",), False)
    store.store_feed(
        FetchOutcome("Wire", "ok", 200),
        [
            replace(statement, locations=(named,)),
            evented("Analysis: what the budget means", "none", None, feed="Wire"),
        ],
    )
    brief = build_story_brief(store, ItemFilter(), now=FROZEN_NOW + HOUR)
    places = {s.headline: (s.place, s.region) for s in brief.stories}
    assert places["Water cuts in Sabha for a third day"] == ("Sabha", "Fezzan")
    assert places["Analysis: what the budget means"] == (None, None)


def test_shared_notes_only(store: Store) -> None:
    fill(store)
    ids = {r.title: r.id for r in store.items()}
    store.set_note(ids["Drone strike reported near Derna"], "check Libya Herald before the call")
    store.set_note(ids["Drone strike reported near Sirte"], "Likely a Turkish-made drone.")
    assert store.set_note_shared(ids["Drone strike reported near Sirte"], True)
    brief = build_story_brief(store, ItemFilter(), now=FROZEN_NOW)
    notes = [j.note for j in brief.judgments]
    assert notes == ["Likely a Turkish-made drone."]
    assert "Libya Herald" not in brief_markdown(brief)


def test_json_round_trip_renders_the_same(store: Store) -> None:
    fill(store)
    brief = build_story_brief(store, ItemFilter(), now=FROZEN_NOW)
    data = json.loads(json.dumps(brief_to_dict(brief)))
    again = brief_from_dict(data)
    assert brief_markdown(again) == brief_markdown(brief)
    assert brief_to_dict(again) == brief_to_dict(brief)


def test_hostile_headlines_stay_text(store: Store) -> None:
    fill(store)
    brief = build_story_brief(store, ItemFilter(), now=FROZEN_NOW)
    md = brief_markdown(brief)
    assert "\\[bold red\\]Sit-in\\[/\\]" in md
    assert re.search(r"(?<!\\)<", md) is None


# --- the commands -----------------------------------------------------------------------------


@pytest.fixture
def paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    config = tmp_path / "feeds.yaml"
    config.write_text("feeds: []\n", encoding="utf-8")
    db = tmp_path / "b.db"
    store = Store.open(db)
    store.clock = lambda: FROZEN_NOW
    fill(store)
    store.close()
    monkeypatch.setattr(brief_cmd, "_now", lambda: FROZEN_NOW)
    return config, db


def cli(paths: tuple[Path, Path], *args: str) -> tuple[int, str, str]:
    config, db = paths
    result = CliRunner().invoke(main, ["--config", str(config), "--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr


def test_summarize_text_json_and_md(paths: tuple[Path, Path], tmp_path: Path) -> None:
    code, out, err = cli(paths, "summarize")
    assert code == 0, err
    assert "Bottom line" in out and "Drone strike reported near Derna" in out
    code, out, _ = cli(paths, "summarize", "--json")
    data = json.loads(out)
    assert data["schema"] == "briefing.story-brief/1" and len(data["stories"]) == 4
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", data["period"]["since"])
    target = tmp_path / "week.md"
    code, _, err = cli(paths, "summarize", "-o", str(target))
    assert code == 0 and "recorded as brief 1" in err
    assert target.read_text().startswith("# Libya brief 2026-11-20")


def test_briefs_list_and_show_again_exactly(paths: tuple[Path, Path], tmp_path: Path) -> None:
    code, out, _ = cli(paths, "briefs")
    assert code == 0 and "no briefs recorded yet" in out
    code, saved, err = cli(paths, "summarize", "--save", "--format", "md")
    assert code == 0 and "recorded as brief 1" in err
    code, out, _ = cli(paths, "briefs")
    assert re.search(r"^\s+1\s+2026-11-20 12:00\s+2026-11-13–2026-11-20\s+4 stories", out, re.M)
    code, again, _ = cli(paths, "briefs", "show", "1", "--format", "md")
    assert code == 0 and again == saved
    code, _, err = cli(paths, "briefs", "show", "9")
    assert code == 1 and "no brief 9" in err
    code, out, _ = cli(paths, "summarize", "--since-last-brief", "--json")
    assert json.loads(out)["previous_brief"] == 1


def test_share_note_command(paths: tuple[Path, Path]) -> None:
    store = Store.open(paths[1])
    ids = {r.title: r.id for r in store.items()}
    derna = ids["Drone strike reported near Derna"]
    store.set_note(derna, "Local sources say the target was a depot.")
    store.close()
    code, out, _ = cli(paths, "summarize", "--format", "md")
    assert "target was a depot" not in out
    code, out, _ = cli(paths, "share-note", str(derna))
    assert code == 0 and out.strip() == "1 note shared"
    code, out, _ = cli(paths, "summarize", "--format", "md")
    assert "target was a depot" in out.split("## Analyst's judgments", 1)[1]
    code, _, err = cli(paths, "share-note", str(ids["Drone strike reported near Sirte"]))
    assert code == 1 and "no note on item" in err
    code, out, _ = cli(paths, "share-note", "--private", str(derna))
    assert code == 0 and out.strip() == "1 note private"


# --- golden files -----------------------------------------------------------------------------

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "golden"


@pytest.mark.parametrize("fmt", ["md", "json", "txt"])
def test_golden_story_brief(store: Store, fmt: str) -> None:
    """The brief of the fixed stories, whole, in each format (BRIEFING_UPDATE_GOLDEN=1 rewrites)."""
    import os

    from briefing.reports.brief import brief_text

    fill(store)
    brief = build_story_brief(store, ItemFilter(), now=FROZEN_NOW, title="Weekly brief")
    text = {
        "md": lambda: brief_markdown(brief),
        "json": lambda: json.dumps(brief_to_dict(brief), ensure_ascii=False, indent=2) + "\n",
        "txt": lambda: brief_text(brief).plain + "\n",
    }[fmt]()
    path = GOLDEN / f"story_brief.{fmt}"
    if os.environ.get("BRIEFING_UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8", newline="")
    assert text == path.read_text(encoding="utf-8")
