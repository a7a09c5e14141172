"""The gazetteer loader walks located YAML nodes (`core.yamlwalk.Reader`) and still reads every
value as `yaml.safe_load` does: the shipped gazetteer is checked field by field against a plain
`safe_load` of the same file, and the reader's text fast path against the constructor."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from briefing.core.errors import ConfigError
from briefing.core.yamlwalk import Reader, Where, compose_data
from briefing.intelligence.gazetteer import (
    builtin_gazetteer_text,
    load_gazetteer,
    parse_gazetteer,
)


def _texts(value: Any) -> tuple[str, ...]:
    """The old loader's reading of a list of text, applied to a `safe_load` value."""
    if value is None:
        return ()
    values = [value] if isinstance(value, str) else value
    return tuple(str(v).strip() for v in values if str(v).strip())


def _as_date(value: Any) -> date | None:
    return value if value is None or isinstance(value, date) else date.fromisoformat(str(value))


def test_the_shipped_gazetteer_loads_as_safe_load_reads_it() -> None:
    text = builtin_gazetteer_text()
    plain = yaml.safe_load(text)
    gazetteer = parse_gazetteer(text, "actors.yaml")
    assert list(gazetteer.actors) == [raw["id"] for raw in plain["actors"]]
    for raw in plain["actors"]:
        actor = gazetteer.actors[raw["id"]]
        name = raw["name"].strip()
        assert actor.name == name and actor.kind == raw["kind"]
        aliases = _texts(raw.get("aliases")) or (name,)
        assert actor.aliases == tuple(dict.fromkeys((name, *aliases)))
        for key in ("weak", "surnames", "unless_near", "unless", "affiliations", "implies"):
            assert getattr(actor, key) == _texts(raw.get(key)), (raw["id"], key)
        assert actor.confirm == _texts(raw.get("confirm"))
        assert actor.place_names == _texts(raw.get("place_names"))
        collides = raw.get("collides")
        assert actor.collides_all == (collides is True)
        assert actor.collides == (() if isinstance(collides, bool) else _texts(collides))
        assert actor.signal == float(raw.get("signal", 0.0))
        assert actor.acts == raw.get("acts", False)
        assert actor.family == str(raw.get("family") or "")
        assert actor.description == str(raw.get("description") or "")
        assert [(r.role, r.start, r.end) for r in actor.roles] == [
            (r["role"], _as_date(r.get("from")), _as_date(r.get("to")))
            for r in raw.get("roles") or []
        ]
    assert list(gazetteer.roles) == [str(k) for k in plain["roles"]]
    for role_id, spec in plain["roles"].items():
        role = gazetteer.roles[str(role_id)]
        assert role.label == str(spec.get("label", role_id))
        assert role.phrases == _texts(spec.get("phrases"))
        assert role.weak == bool(spec.get("weak", True))
        assert role.unless_near == _texts(spec.get("unless_near"))
        assert role.implies == _texts(spec.get("implies"))
    for key in ("context_terms", "ignore", "history_terms", "officer_titles"):
        assert getattr(gazetteer, key) == _texts(plain.get(key)), key
    for key in ("before", "nouns", "articles", "prefixes", "conjunctions"):
        assert getattr(gazetteer.locatives, key) == _texts(plain["locatives"].get(key)), key
    assert gazetteer.spellings == tuple((a, b) for a, b in plain["spellings"])


def _nodes(where: Where) -> list[Where]:
    node = where.node
    children: list[yaml.Node] = []
    if isinstance(node, yaml.SequenceNode):
        children = list(node.value)
    elif isinstance(node, yaml.MappingNode):
        children = [n for pair in node.value for n in pair]
    return [where, *(w for c in children for w in _nodes(Where(where.shown, c, "")))]


def test_the_reader_reads_every_node_as_the_constructor_does() -> None:
    text = builtin_gazetteer_text() + "\nversion: 2\n"  # a number, a date, yes/no too
    text += "x: [2011-02-17, yes, 1.5, ~, '2', \"a\\tb\", !!str 3, {a: 1}]\n"
    root = compose_data(text, "t.yaml")
    assert root is not None
    reader = Reader()
    assert reader.value(root) == yaml.safe_load(text)
    for where in _nodes(root):
        expected = yaml.constructor.SafeConstructor().construct_document(where.node)
        assert reader.value(where) == expected


def test_yaml_features_safe_load_accepted_stay_accepted() -> None:
    text = (
        "base: &base {kind: person, signal: 2}\n"
        "actors:\n"
        "  - {<<: *base, id: a, name: Alpha}\n"
        "  - id: b\n    name: Old\n    name: Beta\n    kind: state\n"  # a repeated key: last wins
        "roles: []\n"
    )
    with pytest.raises(ConfigError, match=r"^t.yaml:1: unknown top-level key 'base'$"):
        parse_gazetteer(text, "t.yaml")
    gazetteer = parse_gazetteer(text.replace("base: &base", "version: &base"), "t.yaml")
    assert gazetteer.actors["a"].kind == "person" and gazetteer.actors["a"].signal == 2.0
    assert gazetteer.actors["b"].name == "Beta" and gazetteer.roles == {}
    assert parse_gazetteer("actors: {}\n", "t.yaml").actors == {}
    assert parse_gazetteer("# nothing yet\n", "t.yaml").actors == {}


@pytest.mark.parametrize(
    "text,message",
    [
        (
            "actors:\n  - id: x\n    name: X\n    kind: person\n    roles: [{role: r, from: 2019-13-45}]\n",
            "t.yaml:5: actors[0].roles[0].from: '2019-13-45' cannot be read (month must be in 1..12)",
        ),
        (
            "actors:\n  - id: x\n    name: X\n    kind: person\n    [a]: 1\n",
            "t.yaml:5: found unhashable key — fix the YAML syntax",
        ),
        (
            "actors:\n  - just text\n",
            "t.yaml:2: actors[0]: every entry of `actors` must be a mapping with id, name, kind",
        ),
        (
            "actors:\n  - id: x\n    name: X\n    kind: person\n    affiliations: [nobody]\n",
            "t.yaml:2: actor 'x' is affiliated to unknown actor 'nobody'",
        ),
        (
            "actors:\n  - id: x\n    name: X\n    kind: person\n    implies: [nobody]\n",
            "t.yaml:2: actor 'x' implies unknown actor 'nobody'",
        ),
    ],
)
def test_mistakes_are_one_line_with_their_line(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_gazetteer(text, "t.yaml")
    assert str(info.value) == message


def test_a_user_file_overriding_a_shipped_actor_keeps_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text("actors:\n  - id: khalifa-haftar\n    signal: 9\n", encoding="utf-8")
    shipped = load_gazetteer().actors["khalifa-haftar"]
    mine = load_gazetteer(path).actors["khalifa-haftar"]
    assert mine.signal == 9.0 and mine.aliases == shipped.aliases and mine.roles == shipped.roles
