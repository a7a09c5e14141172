"""The holder of a role that heads a body names the body too (as the UN envoy names UNSMIL),
and other spellings of names the analysts meet (Tariq Ben Ziyad, the AU Commission's chair)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from briefing.intelligence.tagging import Tagger
from tests.unit.test_tagging_places import actor_ids, tag


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return Tagger.build()


@pytest.mark.parametrize(
    "title, when, body, holder",
    [
        ("Speaker Aguila Saleh rejects the budget law in Benghazi", 2024, "hor", "aguila-saleh"),
        ("عقيلة صالح يرفض قانون الميزانية", 2024, "hor", "aguila-saleh"),
        ("Farhat Bengdara says output rose in May", 2023, "noc", "farhat-bengdara"),
        (
            "Naji Issa fixe un nouveau taux de change",
            2025,
            "central-bank-of-libya",
            "naji-issa",
        ),
    ],
)
def test_a_named_head_names_the_body(
    tagger: Tagger, title: str, when: int, body: str, holder: str
) -> None:
    found = actor_ids(tag(tagger, title, "Libya", when=datetime(when, 6, 1, tzinfo=UTC)))
    assert {body, holder} <= found


def test_a_head_out_of_office_names_no_body(tagger: Tagger) -> None:
    # Sanalla left the NOC in 2022: in 2024 his name does not name the corporation.
    found = actor_ids(
        tag(
            tagger,
            "Mustafa Sanalla writes on Libya's energy future",
            "An opinion piece.",
            when=datetime(2024, 6, 1, tzinfo=UTC),
        )
    )
    assert "mustafa-sanalla" in found and "noc" not in found


def test_the_presidential_council_is_not_implied_by_its_head(tagger: Tagger) -> None:
    found = actor_ids(
        tag(
            tagger,
            "Sarraj orders a counter-offensive south of Tripoli",
            when=datetime(2019, 5, 1, tzinfo=UTC),
        )
    )
    assert "fayez-al-sarraj" in found and "presidential-council" not in found


@pytest.mark.parametrize(
    "title, actor",
    [
        ("Tariq Ben Ziyad Brigade deploys to Derna after the floods", "tariq-bin-ziyad-brigade"),
        (
            "Moussa Faki Mahamat calls for Libyan reconciliation",
            "african-union",
        ),
        ("Claudio Descalzi meets Dbeibah in Tripoli", "eni"),
    ],
)
def test_other_names_analysts_meet(tagger: Tagger, title: str, actor: str) -> None:
    assert actor in actor_ids(tag(tagger, title, "Libya"))
