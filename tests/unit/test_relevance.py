"""Relevance rules: every rule the issue names, one targeted test each (through the Tagger,
so actor matches feed the score as they do in production), plus the rules' own loading."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from briefing.core.errors import ConfigError
from briefing.core.models import (
    Entry,
    FeedSpec,
    RelevanceMode,
    RelevanceRules,
    Verdict,
    WeightedTerm,
)
from briefing.intelligence.relevance import builtin_rules, compile_rules, judge, load_rules
from briefing.intelligence.tagging import Tagger


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return Tagger.build()


def entry(
    title: str,
    summary: str = "",
    content: str = "",
    *,
    lang: str = "en",
    kind: str = "feed",
    published: datetime | None = None,
) -> Entry:
    return Entry(
        identity=title[:40] or "x",
        feed="test",
        title=title,
        summary=summary,
        content=content,
        language=lang,
        kind=kind,  # type: ignore[arg-type]
        published=published or datetime(2023, 5, 1, tzinfo=UTC),
    )


def verdict(
    tagger: Tagger,
    title: str,
    summary: str = "",
    *,
    mode: RelevanceMode = "default",
    lang: str = "en",
    content: str = "",
) -> Verdict:
    feed = FeedSpec(name="test", url="https://example.org/feed", relevance=mode)
    return tagger.tag(entry(title, summary, content, lang=lang), feed).verdict


def test_plain_libya_title_is_relevant_with_reason(tagger: Tagger) -> None:
    v = verdict(tagger, "Libya holds municipal elections")
    assert v.relevant
    assert any(r.term == "Libya" and r.field == "title" and r.weight > 0 for r in v.reasons)


def test_title_weighs_more_than_summary_and_body(tagger: Tagger) -> None:
    in_title = verdict(tagger, "Talks on Libya resume", "Diplomats met on Monday.").score
    in_summary = verdict(tagger, "Talks resume", "Diplomats met on Libya on Monday.").score
    in_body = verdict(tagger, "Talks resume", "", content="Diplomats met on Libya on Monday.").score
    assert in_title > in_summary > in_body > 0


@pytest.mark.parametrize(
    ("title", "lang"),
    [
        ("Haftar's forces advance", "en"),
        ("Haftar’s forces advance", "en"),
        ("HAFTAR FORCES ADVANCE", "en"),
        ("pro-Haftar forces advance", "en"),
        ("Salamé briefs council on Libya talks", "en"),
        ("SALAME briefs council on the ceasefire in Tripoli", "en"),
        ("Le maréchal Haftar reçu à Paris", "fr"),
        ("Kadhafi : dix ans après", "fr"),
        ("حفتر يلتقي وفدا أمريكيا", "ar"),
        ("وحفتر يرفض المبادرة", "ar"),
        ("اشتباكات في طرابلس ومصراتة", "ar"),
    ],
)
def test_case_accents_possessives_hyphens_scripts(tagger: Tagger, title: str, lang: str) -> None:
    assert verdict(tagger, title, lang=lang).relevant, title


def test_html_tags_and_double_escaped_entities(tagger: Tagger) -> None:
    v = verdict(
        tagger,
        "Salam&amp;eacute; &lt;b&gt;warns&lt;/b&gt;",
        "<p>The <em>UN envoy</em> spoke in Tripoli</p>",
    )
    assert v.relevant
    terms = {r.term for r in v.reasons}
    assert "Ghassan Salamé" in terms and "Tripoli" in terms


@pytest.mark.parametrize(
    "title,summary",
    [
        ("Tripoli, Lebanon: army deploys after clashes", ""),
        ("Protesters in Tripoli torch banks", "The Lebanese pound hit a new low."),
        ("Liban : affrontements à Tripoli", ""),
        ("طرابلس اللبنانية: احتجاجات", ""),
        ("Tripoli in Arcadia hosts basketball final", "The Greek city sold out its arena."),
    ],
)
def test_other_tripolis_are_not_libya(tagger: Tagger, title: str, summary: str) -> None:
    assert not verdict(tagger, title, summary).relevant


@pytest.mark.parametrize(
    "title,summary",
    [
        ("Benghazi committee releases final report", "Republicans blamed Clinton."),
        ("Trump revives Benghazi attack on Clinton", ""),
        ("Fox host calls Kabul exit ‘Biden’s Benghazi’", ""),
    ],
)
def test_benghazi_as_us_political_shorthand(tagger: Tagger, title: str, summary: str) -> None:
    assert not verdict(tagger, title, summary).relevant


def test_benghazi_the_city_still_counts(tagger: Tagger) -> None:
    assert verdict(tagger, "Benghazi airport reopens to flights").relevant


def test_libya_only_in_a_list_of_countries(tagger: Tagger) -> None:
    listed = verdict(
        tagger, "Travel ban widened", "It covers Iran, Libya, Somalia, Syria and Yemen."
    )
    assert not listed.relevant
    assert any(r.note == "in a list of countries" for r in listed.reasons)
    assert not verdict(
        tagger, "تأشيرات جديدة لمواطني سوريا والعراق وليبيا واليمن", lang="ar"
    ).relevant
    assert not verdict(tagger, "Sanctions hit countries such as Libya and Syria").relevant
    # Two neighbours are a border story, not a list.
    assert verdict(tagger, "Egypt and Libya agree on border patrols").relevant
    assert verdict(tagger, "Migrants from Libya and Tunisia reach Lampedusa").relevant


@pytest.mark.parametrize(
    "title",
    [
        "Hikers lost in the Libyan Desert near Siwa",
        "Earthquake in the Libyan Sea south of Crete",
        "Libyan Desert glass traced to meteorite",
        "Sudan risks becoming another Libya, analysts warn",
        "Pakistan beat England at Gaddafi Stadium",
        "Lok Sabha passes data bill",
    ],
)
def test_homonyms_and_figures_of_speech(tagger: Tagger, title: str) -> None:
    assert not verdict(tagger, title).relevant


@pytest.mark.parametrize(
    "title,summary,relevant",
    [
        (
            "GNA: Ghana’s cocoa board raises prices",
            "The Ghana News Agency reported the move.",
            False,
        ),
        ("Kenya’s National Oil Corporation posts loss", "NOC blamed subsidies.", False),
        (
            "South Africa’s GNU marks a year",
            "Ramaphosa’s Government of National Unity survived.",
            False,
        ),
        ("GNU Emacs 30 released", "The free software editor.", False),
        ("GNA says it downed an LNA drone near Misrata", "", True),
        ("NOC lifts force majeure at Zueitina", "", True),
        ("GNU and HoR fail to agree on a budget", "Libya’s rivals traded accusations.", True),
    ],
)
def test_colliding_acronyms(tagger: Tagger, title: str, summary: str, relevant: bool) -> None:
    assert verdict(tagger, title, summary).relevant is relevant


@pytest.mark.parametrize(
    "title",
    [
        "Clashes near Mitiga airport force flight diversions",
        "Misrata port handles record volumes",
        "Sirte municipal elections postponed",
        "Kufra convoy ambushed",
        "Sharara output restored",
        "Zawiya refinery halts after fighting",
        "Ghadames hosts military talks",
    ],
)
def test_libya_without_its_name(tagger: Tagger, title: str) -> None:
    assert verdict(tagger, title).relevant


def test_migration_with_libya_as_departure_point(tagger: Tagger) -> None:
    assert verdict(
        tagger, "Migrant boat capsizes off Lampedusa", "It had left Zuwara on Tuesday."
    ).relevant
    assert verdict(
        tagger, "Ocean Viking rescues 120", "They had set off from Libya two days before."
    ).relevant
    # The same story from Tunisia is not about Libya.
    assert not verdict(
        tagger, "Migrant boat capsizes off Lampedusa", "It had left Sfax in Tunisia."
    ).relevant


def test_modes(tagger: Tagger) -> None:
    weak = ("Markets wrap", "Supply from Libya was stable.")
    assert verdict(tagger, *weak, mode="default").relevant
    assert not verdict(tagger, *weak, mode="strict").relevant
    everything = verdict(tagger, "Weather: heatwave this weekend", mode="all")
    assert everything.relevant and everything.score == 0
    kept = verdict(tagger, "Haftar meets Putin", mode="all")
    assert kept.relevant and kept.reasons  # `all` still scores, with reasons
    assert verdict(tagger, "Oil prices rise on Libyan outage at Sharara", mode="strict").relevant


def test_strict_boosters_need_a_libya_signal(tagger: Tagger) -> None:
    boosted = verdict(
        tagger, "Smugglers jailed over shipwreck", "The boat had sailed from Tobruk.", mode="strict"
    )
    assert boosted.relevant
    assert any(r.note == "booster" for r in boosted.reasons)
    assert not verdict(tagger, "Smugglers jailed over shipwreck off Lesbos", mode="strict").relevant


def test_articles_are_always_relevant(tagger: Tagger) -> None:
    article = entry("A long read about something else", kind="article")
    tagged = tagger.tag(article)
    assert tagged.verdict.relevant


@pytest.mark.parametrize(
    "title,summary",
    [
        ("", ""),
        ("\x00\x1b[31m\x07\u202e", "\x9b\ud800"),
        ("Libya " * 200_000, "x" * 1_000_000),
        ("&amp;&amp;&amp;;&#99999999;&#x110000;<<<>>>", "<" * 5000),
    ],
)
def test_hostile_items_never_raise(tagger: Tagger, title: str, summary: str) -> None:
    tagged = tagger.tag(entry(title, summary))
    assert isinstance(tagged.verdict.score, float)


def test_user_rules_reweight_add_and_cancel() -> None:
    rules = RelevanceRules(
        threshold=3,
        terms=(WeightedTerm("Libya", 1.0), WeightedTerm("Fezzan oasis", 5.0)),
        negative_contexts=(WeightedTerm("Libya Hill", -10.0),),
    )
    tagger = Tagger.build(rules)
    assert not verdict(tagger, "Talks", "Libya was mentioned.").relevant  # re-weighted down to 1
    assert verdict(tagger, "A Fezzan oasis revives").relevant
    v = verdict(tagger, "Libya Hill residents protest in Kenya")
    assert not v.relevant and any(r.note == "negative context" for r in v.reasons)


def test_user_rules_can_replace_builtin() -> None:
    own = compile_rules(RelevanceRules(use_builtin=False, terms=(WeightedTerm("Cyrenaica", 3),)))
    e = entry("Libya talks", "Cyrenaica leaders met.")
    v = judge(e, [], own, "default")
    assert v.score == 3 and v.relevant
    assert [r.term for r in v.reasons] == ["Cyrenaica"]


def test_language_bound_term() -> None:
    rules = compile_rules(RelevanceRules(terms=(WeightedTerm("Wadi Zamzam", 4, "ar"),)))
    assert (
        judge(entry("Wadi Zamzam", lang="ar"), [], rules).score
        > judge(entry("Wadi Zamzam", lang="en"), [], rules).score
    )


def test_threshold_from_rules() -> None:
    strict_default = compile_rules(RelevanceRules(threshold=7))
    assert not judge(entry("Libya talks"), [], strict_default).relevant  # 6 < 7
    assert judge(entry("Libya talks"), [], compile_rules(RelevanceRules())).relevant


def test_builtin_rules_load() -> None:
    rules = builtin_rules()
    assert len(rules.terms) > 30 and rules.negative_contexts and rules.countries


@pytest.mark.parametrize(
    "text,needle",
    [
        ("terms: [\n  {term: Libya, weight: oops}\n]", "weight must be a number"),
        ("terms:\n  - {term: Libya\n", ":3:"),
        ("- just a list", "must be a mapping"),
        ("terms: nope", "must be a list"),
    ],
)
def test_malformed_rules_raise_one_line(text: str, needle: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_rules(text, "rules.yaml")
    message = str(info.value)
    assert "rules.yaml" in message and needle in message and "\n" not in message


def test_rule_errors_name_the_line_and_the_key() -> None:
    # The same located walker as feeds.yaml: file:line: key.path: problem.
    text = "list_factor: 0.25\nterms:\n  - Libya\n  - {term: Tripoli, wieght: 2}\n"
    with pytest.raises(ConfigError) as info:
        load_rules(text, "rules.yaml")
    assert str(info.value) == (
        "rules.yaml:4: terms[1].wieght: unknown key — did you mean 'weight'? "
        "expected one of: term, weight, language"
    )
    with pytest.raises(ConfigError, match=r"^rules.yaml:1: boostres: unknown key — did you mean"):
        load_rules("boostres: [x]\n", "rules.yaml")
    with pytest.raises(ConfigError, match=r"^rules.yaml:2: field_weights.title: expected a number"):
        load_rules("field_weights:\n  title: high\n", "rules.yaml")
