"""YAML validated with its place in the file: every mistake is `file:line: key.path: problem`.

The YAML is composed into a node tree (not loaded straight into dicts) so that each value keeps
the line it came from. `compose` reads a document; `mapping`, `sequence`, `string`, `number` …
check one node each and raise `ConfigError` naming the file, the line and the key path. Used by
feeds.yaml (`core.config`), the relevance rules (`intelligence.relevance`) and, through
`compose_data` and `Reader` (which read what `yaml.safe_load` read), the actor and place
gazetteers and the event cues.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import Any, TypeVar

import yaml

from briefing.core.errors import ConfigError
from briefing.core.text import clean_line

T = TypeVar("T")

# libyaml's loader (when PyYAML was built with it) keeps line marks and is about ten times faster.
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Where:
    """Where a value sits: the file (as shown to the user), its node, its line and key path."""

    def __init__(self, shown: str, node: yaml.Node, path: str) -> None:
        self.shown = shown
        self.node = node
        self.path = path

    @property
    def line(self) -> int:
        return int(self.node.start_mark.line) + 1

    def error(self, message: str) -> ConfigError:
        key = f" {self.path}:" if self.path else ""
        return ConfigError(f"{self.shown}:{self.line}:{key} {message}")

    def child(self, node: yaml.Node, key: str | int) -> Where:
        if isinstance(key, int):
            path = f"{self.path}[{key}]"
        else:
            path = f"{self.path}.{key}" if self.path else key
        return Where(self.shown, node, path)


def kind_of(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping (key: value)"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return f"{scalar_repr(node)}"


def scalar_repr(node: yaml.Node) -> str:
    value = str(node.value) if isinstance(node, yaml.ScalarNode) else "?"
    return repr(clean_line(value, 60))


def scalar(where: Where) -> Any:
    """The Python value of a scalar node, resolved as YAML 1.1 does (int, bool, date, str…)."""
    if not isinstance(where.node, yaml.ScalarNode):
        return where.node
    try:
        return yaml.constructor.SafeConstructor().construct_object(where.node, deep=True)
    except (yaml.YAMLError, ValueError) as error:
        raise where.error(f"{scalar_repr(where.node)} cannot be read ({error})") from None


def mapping(
    where: Where,
    allowed: tuple[str, ...],
    required: tuple[str, ...] = (),
    what: str = "",
) -> dict[str, Where]:
    """A mapping's values by key, refusing unknown, duplicated and missing keys."""
    node = where.node
    if not isinstance(node, yaml.MappingNode):
        raise where.error(
            f"expected {what or 'a mapping (key: value)'}, found {kind_of(node)} — "
            "check the indentation"
        )
    out: dict[str, Where] = {}
    for key_node, value_node in node.value:
        key_where = Where(where.shown, key_node, where.path)
        key = scalar(key_where) if isinstance(key_node, yaml.ScalarNode) else None
        if not isinstance(key, str):
            raise key_where.error(f"keys must be names, found {kind_of(key_node)}")
        child = where.child(value_node, key)
        if key not in allowed:
            hint = difflib.get_close_matches(key, allowed, n=1)
            suggestion = f"did you mean '{hint[0]}'? " if hint else ""
            raise Where(where.shown, key_node, child.path).error(
                f"unknown key — {suggestion}expected one of: {', '.join(allowed)}"
            )
        if key in out:
            raise Where(where.shown, key_node, child.path).error(
                f"duplicate key (first at line {out[key].line}) — keep one"
            )
        out[key] = child
    for key in required:
        if key not in out:
            raise where.error(f"missing required key '{key}'")
    return out


def sequence(where: Where, what: str) -> list[Where]:
    node = where.node
    if isinstance(node, yaml.ScalarNode) and scalar(where) is None:
        return []
    if not isinstance(node, yaml.SequenceNode):
        raise where.error(f"expected a list of {what}, found {kind_of(node)}")
    return [where.child(item, index) for index, item in enumerate(node.value)]


def string(where: Where, *, allow_empty: bool = False, limit: int = 500) -> str:
    value = scalar(where)
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        found = kind_of(where.node) if not isinstance(value, bool) else f"the boolean {value}"
        raise where.error(f"expected text, found {found} — put the value in quotes")
    if not isinstance(value, str):
        # `name: 2019` is meant as text; only booleans (yes/no/on/off) are surely a mistake.
        value = str(where.node.value)
    text = clean_line(value)
    if not text and not allow_empty:
        raise where.error("must not be empty")
    if len(text) > limit:
        raise where.error(f"is longer than {limit} characters")
    return text


def optional_string(where: Where | None) -> str | None:
    if where is None or scalar(where) is None:
        return None
    return string(where)


def bool_value(where: Where) -> bool:
    value = scalar(where)
    if not isinstance(value, bool):
        raise where.error(f"expected true or false, found {kind_of(where.node)}")
    return value


def number(where: Where, *, minimum: float | None = None) -> float:
    value = scalar(where)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise where.error(f"expected a number, found {kind_of(where.node)}")
    if minimum is not None and value < minimum:
        raise where.error(f"must be at least {minimum:g}, found {value:g}")
    return float(value)


def integer(where: Where, *, minimum: int, maximum: int) -> int:
    value = scalar(where)
    if isinstance(value, bool) or not isinstance(value, int):
        raise where.error(f"expected a whole number, found {kind_of(where.node)}")
    if not minimum <= value <= maximum:
        raise where.error(f"must be between {minimum} and {maximum}, found {value}")
    return value


def strings(where: Where, what: str) -> tuple[str, ...]:
    return tuple(string(item, limit=100) for item in sequence(where, what))


NO_STRINGS: tuple[str, ...] = ()


def items(values: dict[str, Where], key: str, what: str) -> list[Where]:
    where = values.get(key)
    return [] if where is None else sequence(where, what)


def get(values: dict[str, Where], key: str, convert: Callable[[Where], T], default: T) -> T:
    where = values.get(key)
    if where is None or (isinstance(where.node, yaml.ScalarNode) and scalar(where) is None):
        return default
    return convert(where)


def compose(text: str, shown: str) -> Where | None:
    """The document's root node (None for an empty document), located in `shown`.

    Raises:
        ConfigError: a YAML syntax error, with its line.
    """
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = error.problem or error.context or "invalid YAML"
        raise ConfigError(
            f"{shown}{line}: YAML syntax error: {problem} — check the indentation, the colons "
            "and the quotes"
        ) from None
    except yaml.YAMLError as error:
        raise ConfigError(f"{shown}: YAML syntax error: {clean_line(str(error), 200)}") from None
    return None if root is None else Where(shown, root, "")


def compose_data(text: str, shown: str) -> Where | None:
    """As `compose`, with the data loaders' wording of a syntax error (`… — fix the YAML syntax`),
    which the gazetteer and event files have always given and their users' tests pin."""
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else 0
        problem = (error.problem or "invalid YAML").strip()
        raise ConfigError(f"{shown}:{line}: {problem} — fix the YAML syntax") from None
    except yaml.YAMLError as error:
        raise ConfigError(f"{shown}:1: invalid YAML ({error}) — fix the YAML syntax") from None
    return None if root is None else Where(shown, root, "")


_STR_TAG = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"


class Reader:
    """Reads located nodes exactly as `yaml.safe_load` builds them, for the loaders whose files
    were once read with it (the actor and place gazetteers, the event cues): every file it
    accepted still loads to the same values (a repeated key: the last wins; `<<: *anchor`
    merges), and an error can name the line of the node it is about. One Reader per document."""

    def __init__(self) -> None:
        self._constructor = yaml.constructor.SafeConstructor()

    def value(self, where: Where) -> Any:
        """The node's Python value (a whole list or mapping for a collection)."""
        node = where.node
        if isinstance(node, yaml.ScalarNode) and node.tag == _STR_TAG:
            return node.value  # most values are text: the constructor would return it unchanged
        try:
            return self._constructor.construct_document(node)
        except (yaml.YAMLError, ValueError) as error:
            raise where.error(f"{scalar_repr(node)} cannot be read ({error})") from None

    def entries(self, where: Where) -> dict[Any, Where] | None:
        """A mapping's value nodes by key, or None when the node is not a mapping."""
        node = where.node
        if not isinstance(node, yaml.MappingNode):
            return None
        if any(key.tag == _MERGE_TAG for key, _ in node.value):
            self._constructor.flatten_mapping(node)
        out: dict[Any, Where] = {}
        for key_node, value_node in node.value:
            key_where = Where(where.shown, key_node, "")
            key = self.value(key_where)
            try:
                out[key] = where.child(value_node, str(key))
            except TypeError:  # a list or a mapping as a key
                raise key_where.error("found unhashable key — fix the YAML syntax") from None
        return out

    def items(self, where: Where) -> list[Where] | None:
        """A list's item nodes, or None when the node is not a list."""
        node = where.node
        if not isinstance(node, yaml.SequenceNode):
            return None
        return [where.child(item, index) for index, item in enumerate(node.value)]

    def is_null(self, where: Where | None) -> bool:
        """True for a missing value and for `~`, `null` or nothing after the colon."""
        return where is None or (
            isinstance(where.node, yaml.ScalarNode) and self.value(where) is None
        )


__all__ = [
    "NO_STRINGS",
    "Reader",
    "Where",
    "bool_value",
    "compose",
    "compose_data",
    "get",
    "integer",
    "items",
    "kind_of",
    "mapping",
    "number",
    "optional_string",
    "scalar",
    "scalar_repr",
    "sequence",
    "string",
    "strings",
]
