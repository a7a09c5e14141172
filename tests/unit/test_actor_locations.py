"""Actors that take part in what an item reports, not places it only names: a state named only
as a location (in Egypt, بمصر, en Turquie, the Chad border), the dated French name of the
Tripoli government, French acronyms and spellings of Libyan names (issue 16's actor target)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from briefing.core.errors import ConfigError
from briefing.core.models import Entry
from briefing.intelligence.actors import ActorMatcher
from briefing.intelligence.gazetteer import load_gazetteer, parse_gazetteer
from briefing.intelligence.tagging import Tagger


@pytest.fixture(scope="module")
def matcher() -> ActorMatcher:
    return ActorMatcher(load_gazetteer())


def ids(
    matcher: ActorMatcher, title: str, summary: str = "", when: date | None = date(2024, 5, 1)
) -> set[str]:
    result = matcher.match([("title", title), ("summary", summary)], when)
    return {m.actor_id for m in result.mentions}


# -- a state named only as a location -----------------------------------------------------------


@pytest.mark.parametrize(
    "title,summary,absent",
    [
        ("Libyan rival delegations resume talks in Rabat", "", "morocco"),
        ("Haftar flies to Cairo", "He met army officers at a base.", "egypt"),
        ("Migrants deported to Niger and Chad", "", "niger chad"),
        ("Rescued migrants taken to Lampedusa and Valletta", "", "malta"),
        ("Boat bound for Italy seized", "Fighters near the Algerian border.", "italy algeria"),
        ("Libyan PM arrives in the United Arab Emirates", "", "uae"),
        # Arabic: a preposition as a word, joined to the name, and "and" joined to the next name
        ("وفدا مجلس النواب والمجلس الأعلى للدولة يجتمعان في الرباط", "", "morocco"),
        ("رئيس حكومة الوحدة الوطنية يصل بالقاهرة", "", "egypt"),
        ("مهاجرون يرحلون إلى النيجر وتشاد", "", "niger chad"),
        # French
        ("Le Premier ministre libyen en visite en Turquie et au Qatar", "", "turkey qatar"),
        ("Des migrants débarqués en Italie et à Malte", "", "italy malta"),
    ],
)
def test_a_state_named_only_as_a_location_is_not_an_actor(
    matcher: ActorMatcher, title: str, summary: str, absent: str
) -> None:
    found = ids(matcher, title, summary)
    assert found.isdisjoint(absent.split()), found


@pytest.mark.parametrize(
    "title,summary,present",
    [
        ("Egypt hosts Libyan rivals", "They met in Cairo.", "egypt"),  # subject once: an actor
        ("Talks in Cairo", "Egyptian mediators drafted the text.", "egypt"),  # demonym
        ("Haftar in Cairo", "Cairo said the talks went well.", "egypt"),  # capital as government
        ("Talks held in Egypt's capital", "", "egypt"),  # possessive
        ("Italy and Libya renew their migration memorandum", "", "italy"),
        ("Dbeibah returns to the Berlin process", "", "germany"),  # a modifier, not the place
        ("Guards at the US mission in Benghazi", "", "united-states"),
        ("Clashes near a Turkey-backed camp", "", "turkey"),  # English "a", not French "à"
        ("تركيا ترسل مستشارين عسكريين إلى طرابلس", "", "turkey"),
        ("L'Italie et la Libye prolongent leur accord", "", "italy"),
    ],
)
def test_a_state_that_acts_is_an_actor(
    matcher: ActorMatcher, title: str, summary: str, present: str
) -> None:
    assert present in ids(matcher, title, summary)


@pytest.mark.parametrize(
    "title,located",
    [
        ("Libyan coast guard intercepts boat in Maltese waters", True),
        ("Wildfire on the Greek island of Crete", True),
        ("Fighting near the Egyptian border", True),
        ("Les garde-côtes libyens interceptent un bateau dans les eaux maltaises", True),
        ("Des heurts près de la frontière tunisienne", True),
        ("اشتباكات قرب الحدود المصرية", True),
        # the noun inside a longer name: the state's own coast guard or border guards act
        ("Italian coast guard rescues migrants", False),
        ("Egyptian border guards arrest smugglers", False),
        ("Les garde-côtes italiens secourent des migrants", False),
        ("حرس الحدود المصري يعتقل مهربين", False),
    ],
)
def test_a_demonym_next_to_a_geographic_noun_is_a_location(
    matcher: ActorMatcher, title: str, located: bool
) -> None:
    states = {"malta", "greece", "egypt", "tunisia", "italy"}
    assert states.isdisjoint(ids(matcher, title)) is located


def test_a_located_state_still_counts_for_relevance(matcher: ActorMatcher) -> None:
    result = matcher.match([("title", "Libyan rivals meet in Cairo")], date(2024, 5, 1))
    assert "egypt" not in {m.actor_id for m in result.everything}
    assert ("egypt", "title") in result.hits


def test_an_acting_place_named_as_a_location_is_reported_as_a_place(
    matcher: ActorMatcher,
) -> None:
    located = matcher.match([("title", "Drone strike hits warehouse in Misrata")], None)
    assert [m.actor_id for m in located.places] == ["misrata"]
    assert "misrata" not in {m.actor_id for m in located.mentions}
    assert ("misrata", "title") in located.hits
    arabic = matcher.match([("title", "اشتباكات في مصراتة بين كتيبتين")], None)
    assert [m.actor_id for m in arabic.places] == ["misrata"]
    acting = matcher.match([("title", "Misrata brigades move on Sirte")], None)
    assert "misrata" in {m.actor_id for m in acting.mentions}


def test_the_same_names_read_both_ways_in_turn_are_not_mixed_up(matcher: ActorMatcher) -> None:
    """The per-signature summary cache must tell a located name from an acting one."""
    for _ in range(2):
        assert "egypt" not in ids(matcher, "Talks in Cairo")
        assert "egypt" in ids(matcher, "Cairo talks")
        assert "egypt" not in ids(matcher, "Talks in Cairo")


def test_the_tagger_keeps_the_item_relevant_and_the_place_in_places() -> None:
    tagger = Tagger.build()
    entry = Entry(
        identity="1",
        feed="f",
        title="Drone strike hits warehouse in Misrata",
        summary="Delegations later met in Cairo.",
        published=datetime(2025, 3, 9, tzinfo=UTC),
    )
    tagged = tagger.tag(entry)
    assert tagged.verdict.relevant
    assert {m.actor_id for m in tagged.actors}.isdisjoint({"misrata", "egypt"})
    assert "misrata" in {m.actor_id for m in tagged.places}


# -- names by kind ------------------------------------------------------------------------------


def test_the_french_name_of_the_tripoli_government_follows_the_date(
    matcher: ActorMatcher,
) -> None:
    title = "Libye : le gouvernement d'union nationale remanie le cabinet"
    assert "gna" in ids(matcher, title, when=date(2019, 6, 1))
    assert "gnu" in ids(matcher, title, when=date(2023, 6, 1))
    assert "gnu" in ids(matcher, title, when=None)  # no date: today's
    assert ids(matcher, "La Turquie et le GUN signent un accord", "libyens") >= {"gnu", "turkey"}
    # The acronym needs its case and, as a weak phrase, a Libya context.
    assert "gnu" not in ids(matcher, "Gun control bill fails", "")
    assert "gnu" not in ids(matcher, "Le GUN sud-africain vacille", "")


def test_french_acronyms_and_titles_of_libyan_institutions(matcher: ActorMatcher) -> None:
    found = ids(matcher, "Le gouverneur de la BCL reçoit le FMI", when=date(2025, 2, 1))
    assert found == {"central-bank-of-libya", "naji-issa"}
    assert "hcs" in ids(matcher, "Libye : le HCE rejette la loi électorale")
    assert "noc" in ids(matcher, "Le PDG de la NOC annonce une hausse", when=date(2025, 5, 1))
    assert "central-bank-of-libya" not in ids(matcher, "BCL Properties buys a mall in Ohio")


@pytest.mark.parametrize(
    "title,actor",
    [
        ("Benghazi 2012 : un rapport accable Ansar al-Charia", "ansar-al-sharia"),
        ("Khaled al-Michri réélu à la tête du Haut Conseil d'État", "khaled-al-mishri"),
        ("Fathi Bachaga rencontre des élus libyens", "fathi-bashagha"),
    ],
)
def test_french_spellings_of_libyan_names(matcher: ActorMatcher, title: str, actor: str) -> None:
    assert actor in ids(matcher, title)


def test_spellings_leave_states_and_existing_names_alone(tmp_path: Path) -> None:
    # "British" is not respelt "Britich" (a state's name is not transliterated), and a
    # respelling that is already another actor's name stays that actor's.
    assert "united-kingdom" not in ids(ActorMatcher(load_gazetteer()), "Britich rock band tours")
    user = tmp_path / "actors.yaml"
    user.write_text(
        "actors:\n"
        "  - {id: shams-brigade, name: Shams Brigade, kind: armed_group, signal: 2}\n"
        "  - {id: chams-club, name: Chams Brigade, kind: organisation}\n",
        encoding="utf-8",
    )
    own = ActorMatcher(load_gazetteer(user))
    assert ids(own, "Chams Brigade meets") == {"chams-club"}
    assert ids(own, "Shams Brigade meets") == {"shams-brigade"}


@pytest.mark.parametrize(
    "title,summary,expected",
    [
        ("Eastern commander orders troops south of Sirte", "", True),
        ("المشير يستقبل السفير الإيطالي في بنغازي", "", True),
        ("Le maréchal reçoit l'émissaire russe à Benghazi", "", True),
        # another marshal, another country's commander, any LNA field commander
        ("المشير طنطاوي يلتقي وفدا في القاهرة", "", False),
        ("Le maréchal Pétain", "Un livre sur Vichy.", False),
        ("ICC renews call to hand over Werfalli", "The LNA commander is at large.", False),
    ],
)
def test_the_lna_commanders_titles_name_him(
    matcher: ActorMatcher, title: str, summary: str, expected: bool
) -> None:
    assert ("khalifa-haftar" in ids(matcher, title, summary)) is expected


def test_the_february_17_brigade_is_an_actor(matcher: ActorMatcher) -> None:
    found = ids(matcher, "Review: February 17th Martyrs Brigade guards left the compound")
    assert "february-17-brigade" in found
    assert "february-17-brigade" in ids(matcher, "كتيبة شهداء 17 فبراير تنسحب من بنغازي")


# -- the data ----------------------------------------------------------------------------------


def test_place_names_are_names_of_the_state() -> None:
    gazetteer = load_gazetteer()
    for actor in gazetteer.actors.values():
        names = {*actor.aliases, *actor.weak}
        assert set(actor.place_names) <= names, (actor.id, set(actor.place_names) - names)
    states = [a for a in gazetteer.actors.values() if a.kind == "state"]
    assert all(a.place_names for a in states)
    assert {"في", "in", "en"} <= set(gazetteer.locatives.before)


def test_a_user_file_adds_locative_words_and_place_names(tmp_path: Path) -> None:
    user = tmp_path / "actors.yaml"
    user.write_text(
        "locatives: {before: [nach]}\n"
        "actors:\n"
        "  - {id: jordan, name: Jordan, kind: state, aliases: [Amman, Jordanian],"
        " place_names: [Jordan, Amman]}\n",
        encoding="utf-8",
    )
    gazetteer = load_gazetteer(user)
    assert "nach" in gazetteer.locatives.before and "in" in gazetteer.locatives.before
    own = ActorMatcher(gazetteer)
    assert "jordan" not in ids(own, "Libyan rivals meet in Amman")
    assert "jordan" not in ids(own, "Libysche Delegation reist nach Amman")
    assert "jordan" in ids(own, "Jordanian mediators meet Libyan rivals in Amman")


@pytest.mark.parametrize(
    "text,message",
    [
        ("locatives: [in]\n", "locatives must be a mapping"),
        ("locatives: {beside: [in]}\n", "unknown key 'beside' in locatives"),
        ("spellings: [[sh]]\n", "spellings must be a list of [letters, other letters] pairs"),
        ("spellings: [sh, ch]\n", "spellings must be a list"),
    ],
)
def test_malformed_locatives_and_spellings_are_refused(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        parse_gazetteer(text, "user.yaml", load_gazetteer())
