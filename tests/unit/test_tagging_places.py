"""Places apart from actors, implied actors (the UN envoy → UNSMIL → the UN), and the general
relevance fixes: ship names, homonyms in Arabic, French lists of countries, foreign forces."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from briefing.core.errors import ConfigError
from briefing.core.models import Entry, FeedSpec, RelevanceMode, Tagged
from briefing.intelligence.gazetteer import parse_gazetteer
from briefing.intelligence.tagging import Tagger


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return Tagger.build()


def tag(
    tagger: Tagger,
    title: str,
    summary: str = "",
    *,
    when: datetime | None = datetime(2023, 5, 1, tzinfo=UTC),
    lang: str = "en",
    mode: RelevanceMode = "default",
) -> Tagged:
    entry = Entry(
        identity="t", feed="f", title=title, summary=summary, published=when, language=lang
    )
    return tagger.tag(entry, FeedSpec(name="f", url="https://example.org", relevance=mode))


def actor_ids(tagged: Tagged) -> set[str]:
    return {m.actor_id for m in tagged.actors}


def place_ids(tagged: Tagged) -> set[str]:
    return {m.actor_id for m in tagged.places}


# -- places --------------------------------------------------------------------------------------


def test_places_are_reported_apart_but_still_score(tagger: Tagger) -> None:
    tagged = tag(
        tagger, "Shelling hits Tripoli suburbs", "Residents fled towards Zawiya and Sirte."
    )
    assert actor_ids(tagged) == set()
    assert place_ids(tagged) == {"tripoli", "zawiya", "sirte"}
    assert tagged.verdict.relevant
    assert {r.term for r in tagged.verdict.reasons} >= {"Tripoli", "Sirte"}
    assert all(m.count >= 1 and m.surfaces for m in tagged.places)


def test_acting_places_stay_actors(tagger: Tagger) -> None:
    tagged = tag(
        tagger,
        "Misratan brigades and Zintani forces clash near Tripoli airport",
        "Fighters from Misrata pushed west.",
    )
    assert {"misrata", "zintan"} <= actor_ids(tagged)
    assert "tripoli" in place_ids(tagged) and "tripoli" not in actor_ids(tagged)


def test_acts_flag_in_a_user_gazetteer() -> None:
    base = parse_gazetteer(
        "actors:\n  - {id: kikla, name: Kikla, kind: place}\n  - {id: nalut, name: Nalut, kind: place}\n",
        "base.yaml",
    )
    merged = parse_gazetteer("actors:\n  - {id: kikla, acts: true}\n", "user.yaml", base)
    assert merged.actors["kikla"].is_actor and not merged.actors["nalut"].is_actor
    with pytest.raises(ConfigError, match=r"user\.yaml:2: .*acts must be true or false"):
        parse_gazetteer("actors:\n  - {id: kikla, acts: maybe}\n", "user.yaml", base)


def test_implies_must_name_known_actors() -> None:
    with pytest.raises(ConfigError, match="implies unknown actor 'nobody'"):
        parse_gazetteer("actors:\n  - {id: a, name: A, kind: place, implies: [nobody]}\n", "x.yaml")
    with pytest.raises(ConfigError, match="role 'envoy' implies unknown actor 'nobody'"):
        parse_gazetteer(
            "actors:\n  - {id: a, name: A, kind: person}\n"
            "roles:\n  envoy: {phrases: [the envoy], implies: [nobody]}\n",
            "x.yaml",
        )


# -- implied actors ------------------------------------------------------------------------------


def test_un_envoy_role_phrase_names_holder_and_mission(tagger: Tagger) -> None:
    tagged = tag(
        tagger,
        "UN envoy warns Libya's rivals",
        "The UN envoy for Libya briefed the council.",
        when=datetime(2023, 2, 27, tzinfo=UTC),
    )
    assert {"abdoulaye-bathily", "unsmil", "united-nations"} <= actor_ids(tagged)


def test_named_envoy_on_duty_implies_the_mission(tagger: Tagger) -> None:
    tagged = tag(
        tagger,
        "Tetteh unveils roadmap to Libyan elections",
        when=datetime(2025, 8, 21, tzinfo=UTC),
    )
    assert {"hanna-tetteh", "unsmil", "united-nations"} <= actor_ids(tagged)
    unsmil = next(m for m in tagged.actors if m.actor_id == "unsmil")
    assert unsmil.surfaces == ()  # nothing to highlight: named through the envoy
    # Implied actors are not evidence: they add no relevance reason.
    assert {r.term for r in tagged.verdict.reasons}.isdisjoint(
        {"UN Support Mission in Libya (UNSMIL)", "United Nations"}
    )


def test_arabic_and_french_envoy_phrases(tagger: Tagger) -> None:
    arabic = tag(
        tagger,
        "الممثلة الخاصة للأمين العام تحذر من الانقسام في ليبيا",
        when=datetime(2025, 4, 16, tzinfo=UTC),
        lang="ar",
    )
    assert {"hanna-tetteh", "unsmil"} <= actor_ids(arabic)
    french = tag(
        tagger,
        "Libye : l'émissaire de l'ONU Ghassan Salamé réunit les rivaux",
        when=datetime(2018, 5, 29, tzinfo=UTC),
        lang="fr",
    )
    assert {"ghassan-salame", "unsmil"} <= actor_ids(french)


def test_former_envoy_implies_nothing(tagger: Tagger) -> None:
    later = tag(
        tagger, "Salamé writes about Libya's lost decade", when=datetime(2023, 1, 5, tzinfo=UTC)
    )
    assert "ghassan-salame" in actor_ids(later) and "unsmil" not in actor_ids(later)
    ex = tag(
        tagger,
        "Ex-UN envoy León takes a job in the Gulf",
        "Critics said he mediated Libya's talks at the time.",
        when=datetime(2015, 11, 5, tzinfo=UTC),
    )
    assert "bernardino-leon" in actor_ids(ex) and "unsmil" not in actor_ids(ex)


def test_unsmil_implies_the_un(tagger: Tagger) -> None:
    tagged = tag(tagger, "UNSMIL welcomes central bank deal in Libya")
    assert {"unsmil", "united-nations"} <= actor_ids(tagged)


# -- relevance fixes -----------------------------------------------------------------------------


def test_ship_named_after_a_place_is_not_the_place(tagger: Tagger) -> None:
    tagged = tag(tagger, "HMAS Tobruk wreck opens to divers", "The old ship lies off the coast.")
    assert not tagged.verdict.relevant and place_ids(tagged) == set()
    tagged = tag(tagger, "USS Tripoli docks in Japan")
    assert not tagged.verdict.relevant
    # Only a capitalised prefix: "its Tobruk" is still Tobruk.
    assert "tobruk" in place_ids(tag(tagger, "Port closes its Tobruk terminal"))


def test_arabic_libyan_desert_is_not_libya(tagger: Tagger) -> None:
    tagged = tag(
        tagger,
        "اكتشاف نقوش قديمة في الجلف الكبير بالصحراء الليبية",
        "عثرت بعثة على رسوم في جنوب غرب مصر.",
        lang="ar",
    )
    assert not tagged.verdict.relevant
    assert "sadiq-al-kabir" not in actor_ids(tagged)


def test_arabic_force_majeure_is_not_cairo(tagger: Tagger) -> None:
    tagged = tag(tagger, "المؤسسة الوطنية للنفط تعلن القوة القاهرة في حقل ليبي", lang="ar")
    assert "egypt" not in actor_ids(tagged)


def test_french_list_of_countries_with_articles(tagger: Tagger) -> None:
    tagged = tag(
        tagger,
        "Éliminatoires : un groupe abordable pour le Cameroun",
        "Le tirage l'a placé avec le Cap-Vert, l'Angola, la Libye, Maurice et l'Eswatini.",
        lang="fr",
    )
    assert not tagged.verdict.relevant
    assert any(r.note == "in a list of countries" for r in tagged.verdict.reasons)
    assert tag(tagger, "La Libye et l'Italie signent un accord", lang="fr").verdict.relevant


def test_foreign_force_alone_is_not_libya(tagger: Tagger) -> None:
    mali = tag(
        tagger,
        "Wagner fighters take over a base in northern Mali",
        "Russian mercenaries of the Wagner Group moved in amid clashes with rebels.",
    )
    # Not about Libya, so no actors are reported (the Wagner Group acts in Mali, not Libya).
    assert not mali.verdict.relevant and actor_ids(mali) == set()
    libya = tag(tagger, "Wagner fighters dig in at Jufra air base", "Haftar's allies stay.")
    assert libya.verdict.relevant


def test_state_named_as_geography_is_not_an_actor(tagger: Tagger) -> None:
    tagged = tag(
        tagger,
        "Khaled Haftar tours southern Libya near the borders with Niger and Chad",
        "Fighters from Zintan drove the convoy toward Algeria; a boat bound for Italy was seized "
        "near the Egyptian border.",
    )
    assert actor_ids(tagged).isdisjoint({"niger", "chad", "algeria", "italy", "egypt"})
    acting = tag(tagger, "Chad and Niger agree with Libya on border patrols")
    assert {"chad", "niger"} <= actor_ids(acting)
