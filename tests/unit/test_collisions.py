"""Collision-prone names (issue 16): a name that also means something outside Libya is not
enough alone in a general feed; what corroborates it; past roles; related-link lines; the
Security Council; officer headlines; the 2012 Benghazi attack; and the gazetteer keys."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from briefing.core.errors import ConfigError
from briefing.core.models import Entry, FeedSpec, RelevanceMode, Tagged
from briefing.intelligence.gazetteer import load_gazetteer, parse_gazetteer
from briefing.intelligence.matching import after_past_marker, phrase_key
from briefing.intelligence.relevance import ALONE, PAST_ROLE, without_related_links
from briefing.intelligence.tagging import Tagger

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return Tagger.build()


def tag(
    tagger: Tagger,
    title: str,
    summary: str = "",
    mode: RelevanceMode = "default",
    when: datetime | None = datetime(2025, 6, 1, tzinfo=UTC),
) -> Tagged:
    entry = Entry("t", "f", title, summary=summary, published=when)
    return tagger.tag(entry, FeedSpec("f", "https://f.example/rss", relevance=mode))


def found(tagged: Tagged) -> set[str]:
    return {m.actor_id for m in (*tagged.actors, *tagged.places)}


@pytest.mark.parametrize("mode", ["default", "strict"])
def test_a_lone_colliding_name_is_not_enough_in_a_general_feed(
    tagger: Tagger, mode: RelevanceMode
) -> None:
    tagged = tag(tagger, "Tripoli opens a new fish market", "Hundreds came on the first day.", mode)
    assert not tagged.verdict.relevant
    (reason,) = tagged.verdict.reasons
    assert (reason.term, reason.note) == ("Tripoli", ALONE)
    assert f"{reason.term} {reason.note}" == "Tripoli alone: not enough in a general feed"
    assert reason.weight == pytest.approx(0.6)  # title 2 × signal 3 × alone_factor 0.1
    assert found(tagged) == set()  # most likely the other Tripoli: not reported either


def test_a_libya_feed_keeps_the_lone_name(tagger: Tagger) -> None:
    tagged = tag(tagger, "Tripoli opens a new fish market", mode="all")
    assert tagged.verdict.relevant and found(tagged) == {"tripoli"}
    assert [r.note for r in tagged.verdict.reasons] == ["actor"]


@pytest.mark.parametrize(
    "title,summary",
    [
        ("Tripoli opens a new fish market", "The Libyan capital's council paid for it."),  # context
        ("Tripoli opens a new fish market", "Stalls line the road to Mitiga."),  # a sure actor
        ("Tripoli-based firms open a new fish market", ""),  # its own confirm word
        ("Fish market opens in Tripoli and Benghazi", ""),  # a second colliding name
        ("GNA opens a new fish market in Tripoli", ""),  # a weak alias
        ("Tripoli opens a new fish market", "The Jamahiriya-era hall was rebuilt."),  # a term
    ],
)
def test_what_corroborates_a_colliding_name(tagger: Tagger, title: str, summary: str) -> None:
    tagged = tag(tagger, title, summary)
    assert tagged.verdict.relevant, tagged.verdict.reasons
    assert "tripoli" in found(tagged)
    assert all(r.note != ALONE for r in tagged.verdict.reasons)


def test_refuting_words_still_drop_the_name(tagger: Tagger) -> None:
    tagged = tag(tagger, "Tripoli, Lebanon: fish market reopens", "Mikati attended.")
    assert not tagged.verdict.relevant and "tripoli" not in found(tagged)


@pytest.mark.parametrize(
    "title,summary",
    [
        ("Veterans remember the siege of Tobruk", "Wreaths were laid for the 1941 garrison."),
        ("Diary of the 1942 retreat from Benghazi to Tobruk sold", "A sapper kept it."),
        ("Exposition : Leclerc et Koufra", "Des archives de la France libre."),
    ],
)
def test_a_historical_commemoration_is_not_present_day_libya(
    tagger: Tagger, title: str, summary: str
) -> None:
    tagged = tag(tagger, title, summary)
    assert not tagged.verdict.relevant, tagged.verdict.reasons
    assert not found(tagged) & {"tobruk", "benghazi", "kufra"}


def test_history_with_a_present_day_angle_is_relevant(tagger: Tagger) -> None:
    tagged = tag(tagger, "Libyan officials mark the siege of Tobruk", "Veterans from 1941 came.")
    assert tagged.verdict.relevant and "tobruk" in found(tagged)


def test_a_namesake_town_of_a_leader(tagger: Tagger) -> None:
    tagged = tag(tagger, "Menfi celebrates its wine harvest", "Visitors came from Palermo.")
    assert not tagged.verdict.relevant and "mohamed-al-menfi" not in found(tagged)
    named = tag(tagger, "Menfi receives the credentials of a new ambassador")
    assert named.verdict.relevant and "mohamed-al-menfi" in found(named)


def test_a_former_envoy_in_a_later_role_is_judged_by_the_item(tagger: Tagger) -> None:
    tagged = tag(
        tagger,
        "Ján Kubiš appointed special coordinator for Lebanon",
        "Kubiš, who once led the UN mission in Libya, will work from Beirut.",
    )
    assert not tagged.verdict.relevant, tagged.verdict.reasons
    assert PAST_ROLE in {r.note for r in tagged.verdict.reasons}
    assert not found(tagged) & {"jan-kubis", "unsmil"}
    # The same person, in an item about Libya today.
    today = tag(tagger, "Kubiš: Libya's rivals must agree on elections", "He spoke in Geneva.")
    assert today.verdict.relevant and "jan-kubis" in found(today)


def test_the_envoy_of_the_day_named_alone_is_the_envoy(tagger: Tagger) -> None:
    tagged = tag(tagger, "Hanna Tetteh warns of escalation", when=datetime(2025, 6, 1, tzinfo=UTC))
    assert tagged.verdict.relevant and "hanna-tetteh" in found(tagged)
    later = tag(tagger, "Stephanie Williams named principal of a Leeds academy")
    assert not later.verdict.relevant and "stephanie-williams" not in found(later)


def test_a_former_libyan_official_is_still_libyan_news(tagger: Tagger) -> None:
    tagged = tag(tagger, "Former Libyan prime minister Ali Zeidan briefly detained")
    assert tagged.verdict.relevant and "ali-zeidan" in found(tagged)


def test_after_past_marker() -> None:
    text = phrase_key("Kobler, formerly head of the UN mission in Libya, said Libya's talks")
    first = text.index(" libya ") + 1
    second = text.index(" libya ", first) + 1
    assert after_past_marker(text, first)
    assert not after_past_marker(text, second)  # a verb of speech ends the clause
    assert not after_past_marker(phrase_key("Libya talks resume"), 1)
    assert after_past_marker(phrase_key("المبعوث الأممي السابق إلى ليبيا"), 31)


@pytest.mark.parametrize(
    "summary,kept",
    [
        ("Prices rose. Related: Libya's oil output climbs", "Prices rose."),
        ("Prices rose.\nRead more: Clashes in Tripoli", "Prices rose."),
        ("La junte a parlé. À lire aussi : la Libye", "La junte a parlé."),
        ("ارتفعت الأسعار. اقرأ أيضا: ليبيا", "ارتفعت الأسعار."),
        ("The unrelated: a word, not a marker", "The unrelated: a word, not a marker"),
        ("Officials said: Libya will vote", "Officials said: Libya will vote"),
    ],
)
def test_related_link_lines_are_cut(summary: str, kept: str) -> None:
    assert without_related_links(summary) == kept


def test_a_related_link_line_does_not_make_an_item_relevant(tagger: Tagger) -> None:
    tagged = tag(
        tagger,
        "Apple unveils a thinner laptop",
        "It ships next month. Related: Libya's NOC says oil output climbs in Tripoli",
    )
    assert not tagged.verdict.relevant and not tagged.verdict.reasons and not found(tagged)


def test_libya_inside_another_proper_name_is_no_context(tagger: Tagger) -> None:
    # The weak "GNA" needs a Libya context; "Libyan Sea" is not one.
    tagged = tag(tagger, "GNA reports waves in the Libyan Sea", "Ghana's agency cited Greek data.")
    assert not tagged.verdict.relevant and "gna" not in found(tagged)


def test_the_security_council_is_an_actor_that_implies_the_un(tagger: Tagger) -> None:
    tagged = tag(tagger, "Security Council renews Libya sanctions panel", "The vote was unanimous.")
    assert tagged.verdict.relevant
    assert {"un-security-council", "united-nations"} <= found(tagged)
    panel = tag(tagger, "UN experts name cargo airlines", "The Libya panel of experts reported.")
    assert "un-security-council" in found(panel)
    assert "un-security-council" in found(tag(tagger, "مجلس الأمن يمدد ولاية البعثة في ليبيا"))


@pytest.mark.parametrize(
    "title,actor",
    [
        ("NOC chairman resigns", "noc"),
        ("Chairman of the NOC visits Sharara", "noc"),
        ("Le PDG de la NOC reçoit des investisseurs", "noc"),
        ("CBL governor meets IMF mission", "central-bank-of-libya"),
        ("HNEC chief sets date for municipal vote", "hnec"),
    ],
)
def test_a_headline_about_an_institutions_officer(tagger: Tagger, title: str, actor: str) -> None:
    tagged = tag(tagger, title)
    assert tagged.verdict.relevant and actor in found(tagged)


def test_an_officer_of_another_countrys_namesake_body(tagger: Tagger) -> None:
    tagged = tag(
        tagger, "NOC chairman resigns", "The national Olympic committee will vote in June."
    )
    assert not tagged.verdict.relevant and "noc" not in found(tagged)
    assert "noc" not in found(tag(tagger, "GNU spokesperson attacks budget", "Ramaphosa agreed."))


@pytest.mark.parametrize(
    "title,summary,relevant",
    [
        (
            "Review finds guards at Benghazi compound were too few in 2012",
            "Requests for more security at the US mission were turned down.",
            True,
        ),
        (
            "Inquiry details how attackers breached the Benghazi consulate",
            "Investigators said the fire spread within minutes.",
            True,
        ),
        ("Senate candidate invokes Benghazi in new campaign ad", "He accused his rival.", False),
        ("Benghazi becomes a rallying cry at the convention", "Delegates chanted it.", False),
    ],
)
def test_the_2012_benghazi_attack(tagger: Tagger, title: str, summary: str, relevant: bool) -> None:
    tagged = tag(tagger, title, summary)
    assert tagged.verdict.relevant is relevant, tagged.verdict.reasons
    assert ("benghazi" in found(tagged)) is relevant


def test_gazetteer_keys_collides_and_confirm(tmp_path: Path) -> None:
    user = tmp_path / "actors.yaml"
    user.write_text(
        "actors:\n"
        "  - id: misrata\n"
        "    collides: true\n"
        "    confirm: [derby]\n"
        "  - id: khalifa-haftar\n"
        "    collides: [Haftar]\n"
        "history_terms: [Punic Wars]\n"
        "officer_titles: [overseer]\n",
        encoding="utf-8",
    )
    gazetteer = load_gazetteer(user)
    assert gazetteer.actors["misrata"].collides_all
    assert gazetteer.actors["misrata"].confirm == ("derby",)
    assert gazetteer.actors["khalifa-haftar"].collides == ("Haftar",)
    assert not gazetteer.actors["khalifa-haftar"].collides_all
    assert gazetteer.actors["tripoli"].collides_all  # the shipped entries are kept
    assert "Punic Wars" in gazetteer.history_terms and "1941" in gazetteer.history_terms
    assert "overseer" in gazetteer.officer_titles and "chairman" in gazetteer.officer_titles
    tagger = Tagger(gazetteer)
    assert not tag(tagger, "Misrata wins the cup").verdict.relevant
    assert tag(tagger, "Misrata wins the derby").verdict.relevant
    assert not tag(tagger, "Haftar's farm wins prize").verdict.relevant
    assert tag(tagger, "Khalifa Haftar visits Cairo").verdict.relevant
    assert not tag(tagger, "Sabratha and the Punic Wars", "A Carthage exhibition.").verdict.relevant
    assert tag(tagger, "NOC overseer resigns").verdict.relevant


@pytest.mark.parametrize("value", ["{a: 1}", "[[x]]", "3"])
def test_a_bad_collides_value_is_one_clear_error(value: str) -> None:
    text = f"actors:\n  - id: x-y\n    name: X\n    kind: place\n    collides: {value}\n"
    with pytest.raises(ConfigError, match=r"^u.yaml:2: actor 'x-y' collides must be true"):
        parse_gazetteer(text, "u.yaml")


def test_the_holdout_scorer_maps_every_name_to_a_gazetteer_actor() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("score", REPO / "bench" / "score_relevance.py")
    assert spec is not None and spec.loader is not None
    score = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(score)
    actors = load_gazetteer().actors
    assert set(score.NAME_TO_ID.values()) - set(actors) <= {"february-17-brigade"}
    holdout = REPO / "tests" / "data" / "holdout" / "relevance_holdout.jsonl"
    lines = holdout.read_text(encoding="utf-8").splitlines()
    names = {name for line in lines for name in json.loads(line)["actors"]}
    assert names <= set(score.NAME_TO_ID)


@pytest.mark.parametrize(
    "title, summary",
    [
        (
            "USS Tripoli arrives in Japan",
            "The amphibious assault ship USS Tripoli docked at Sasebo.",
        ),
        (
            "Former HMAS Tobruk opens as a dive site",
            "The old navy ship Tobruk lies off Queensland.",
        ),
    ],
)
def test_a_ship_named_after_a_libyan_town_is_not_the_town(
    tagger: Tagger, title: str, summary: str
) -> None:
    tagged = tag(tagger, title, summary)
    assert not tagged.verdict.relevant and not tagged.places


def test_the_town_itself_is_still_found_beside_its_port(tagger: Tagger) -> None:
    tagged = tag(tagger, "Clashes in Tobruk leave 3 dead", "Fighting near the port of Tobruk.")
    assert tagged.verdict.relevant and "tobruk" in {p.actor_id for p in tagged.places}


@pytest.mark.parametrize(
    "title, summary",
    [
        ("Africa Corps takes over from Wagner in Mali", "Africa Corps holds former Wagner bases."),
        ("Eni and Repsol sign a gas deal in Mozambique", "Eni and Repsol will share the block."),
    ],
)
def test_two_foreign_names_active_elsewhere_do_not_make_libya_news(
    tagger: Tagger, title: str, summary: str
) -> None:
    assert not tag(tagger, title, summary).verdict.relevant
    # A Libya signal beside them does.
    assert tag(tagger, title, summary + " Both also work in Libya.").verdict.relevant
