"""The search language an analyst types, parsed into a tree; the Arabic normalisation search uses.

What the search box and `--search` accept (AND is the default between terms):

    haftar saddam          both words
    "national army"        the words next to each other, in this order (a phrase)
    haftar OR saddam       either word (OR binds tighter than the implicit AND:
                           `haftar saddam OR khalifa` is haftar AND (saddam OR khalifa))
    haftar -saddam         haftar but not saddam; `NOT saddam` means the same
    milit*                 words that begin with "milit"; `"national arm"*` for a phrase
    (a OR b) -c            parentheses group
    event:protest          only items of this event type (several: any of them)
    place:Zawiya           only items naming this place; `place:"Bani Walid"` (several: any)

OR, AND and NOT are operators only in capitals (`"NOT"` in quotes is the word). A query made
only of negations (`-sport`) means every item except those. Anything broken — an unbalanced
quote or parenthesis, an operator with nothing on one side, a negation offered as an OR
alternative — raises `SearchSyntaxError` with one line; no operator ever becomes a search word.

Arabic text is searched in a normalised form, the same function over the index and the query:
`normalise_for_search` folds the alef forms, alef maqsura and ta marbuta, removes diacritics and
tatweel, and takes the definite article (and its prefixed forms) off each word, so "نفط" finds
"النفط", "والنفط" and "بالنفط".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from briefing.core.errors import SearchSyntaxError
from briefing.core.models import EVENT_TYPES

# -- Arabic normalisation ---------------------------------------------------------------------

_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]")
_MARKS = re.compile(
    "[\u0610-\u061a\u0640\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u08d3-\u08ff]"
)
"""Harakat, Quranic annotation marks and tatweel: none of them changes the word."""
_LETTERS = (("أ", "ا"), ("إ", "ا"), ("آ", "ا"), ("ٱ", "ا"), ("ى", "ي"), ("ة", "ه"))
"""Alef forms, alef maqsura and ta marbuta, folded (str.replace: str.translate with a mapping
took a millisecond per 5,000 Arabic characters, six replaces take a few microseconds)."""
_LETTER = "\u0620-\u064a\u066e-\u06d3\u06d5\u06fa-\u06ff"
ARTICLES = ("وال", "بال", "كال", "فال", "ال", "لل")
"""The definite article and its prefixed forms (and, with, like, so; for the: لل), longest first.
Taken off a word only when at least two letters remain ("الي" stays), as light stemmers do."""
_ARTICLE = re.compile(f"\\b(?:{'|'.join(ARTICLES)})(?=[{_LETTER}]{{2}})")
_LAST_ARTICLE = re.compile(f"\\b(?:{'|'.join(ARTICLES)})(?=[{_LETTER}]\\s*$)")
"""An article before the one letter that ends a prefix query (`الن*`)."""


def normalise_for_search(text: str, *, prefix: bool = False) -> str:
    """The form of `text` that the search index holds and queries are matched in.

    Text without Arabic letters comes back unchanged (apart from NFC composition, so a
    decomposed "é" is one letter, as the tokenizer needs). With `prefix` (a query's `word*`),
    the last word keeps as little as one letter after its article: "الن*" looks for "ن*".
    """
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if not _ARABIC.search(text):
        return text
    # Regular expressions and str.replace, all in C: a Python loop over the words cost
    # about 3.6 ms per 5,000 characters of Arabic, this about a tenth of that.
    text = _MARKS.sub("", text)
    for variant, letter in _LETTERS:
        text = text.replace(variant, letter)
    if prefix:  # before the general pass, so that no word loses two articles
        text = _LAST_ARTICLE.sub("", text)
    return _ARTICLE.sub("", text)


def search_copy(text: str | None) -> str | None:
    """What the store keeps beside a text for the index: its normalised form, or None when
    that is the text itself (most non-Arabic text), so nothing is stored twice."""
    if not text or text.isascii():
        return None  # (ASCII is composed and has no Arabic: normalising leaves it alone)
    normal = normalise_for_search(text)
    return None if normal == text else normal


def has_token(text: str) -> bool:
    """Whether the search tokenizer finds a word in `text` (a letter, a digit)."""
    return any(ch.isalnum() or unicodedata.category(ch) == "Co" for ch in text)


# -- the query tree ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """A word or a phrase: its words next to each other, the last one a prefix when `prefix`."""

    text: str
    """As typed (inside the quotes for a phrase)."""
    prefix: bool = False
    phrase: bool = False

    @property
    def normalised(self) -> str:
        return normalise_for_search(self.text, prefix=self.prefix)


@dataclass(frozen=True)
class AllOf:
    """Every part matches (the default between terms)."""

    parts: tuple[Node, ...]


@dataclass(frozen=True)
class AnyOf:
    """At least one part matches (OR)."""

    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    """The part does not match (`-word`, `NOT word`)."""

    part: Node


Node = Term | AllOf | AnyOf | Not


@dataclass(frozen=True)
class Qualifiers:
    """The `event:` and `place:` words of a search, and the rest of its text."""

    text: str
    """The search without them: the words searched in the text."""
    events: tuple[str, ...] = ()
    places: tuple[str, ...] = ()


_QUALIFIER = re.compile(r'(event|place):("[^"]*"|[^\s()"]+)')


def split_qualifiers(text: str) -> Qualifiers:
    """`event:TYPE` and `place:NAME` words (at the top level of the search: they narrow the
    whole of it, as the panel's facets do) taken out of `text`.

    Raises:
        SearchSyntaxError: an unknown event type, an empty value, or a qualifier inside
            parentheses.
    """
    if "event:" not in text and "place:" not in text:
        return Qualifiers(text)
    events: list[str] = []
    places: list[str] = []
    rest: list[str] = []
    depth, i, start, n = 0, 0, 0, len(text)
    while i < n:
        ch = text[i]
        if ch == '"':
            close = text.find('"', i + 1)
            i = n if close < 0 else close + 1  # an unclosed quote is the parser's to report
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        match = _QUALIFIER.match(text, i) if _word_start(text, i) else None
        if match is None:
            i += 1
            continue
        kind, value = match.group(1), match.group(2).strip('"').strip()
        if depth > 0:
            raise SearchSyntaxError(
                f"search: {match.group(0)} inside parentheses — put {kind}: words outside them"
            )
        if not value:
            raise SearchSyntaxError(f"search: {kind}: needs a value — e.g. {_EXAMPLE[kind]}")
        if kind == "event":
            if value.lower() not in EVENT_TYPES:
                raise SearchSyntaxError(
                    f"search: {value!r} is not an event type — one of {', '.join(EVENT_TYPES)}"
                )
            events.append(value.lower())
        else:
            places.append(value)
        rest.append(text[start:i])
        i = start = match.end()
    rest.append(text[start:])
    return Qualifiers(" ".join(" ".join(rest).split()), tuple(events), tuple(places))


def _word_start(text: str, i: int) -> bool:
    return i == 0 or text[i - 1].isspace() or text[i - 1] == "("


def parse_search(text: str) -> Node | None:
    """Parse what the analyst typed; None when it holds no word to search for (its `event:`
    and `place:` words, see `split_qualifiers`, are not searched in the text).

    Raises:
        SearchSyntaxError: one line saying what is broken and how to fix it.
    """
    parser = _Parser(_lex(split_qualifiers(text).text))
    node = parser.conjunction(top=True)
    return _simplify(node)


def check_search(text: str) -> None:
    """Raise SearchSyntaxError when `text` is not a valid search (see `parse_search`)."""
    parse_search(text)


def search_is_valid(text: str) -> bool:
    try:
        parse_search(text)
    except SearchSyntaxError:
        return False
    return True


def positive_terms(node: Node | None) -> list[Term]:
    """The terms that a matching item contains (not the negated ones), for highlighting."""
    if node is None:
        return []
    if isinstance(node, Term):
        return [node]
    if isinstance(node, Not):
        return []
    return [t for part in node.parts for t in positive_terms(part)]


# -- lexing and parsing -----------------------------------------------------------------------

_OPERATORS = frozenset({"OR", "AND", "NOT"})
_EXAMPLE = {
    "OR": "haftar OR saddam",
    "AND": "haftar AND saddam",
    "NOT": "haftar NOT saddam",
    "-": "haftar -saddam",
    "event": "event:protest",
    "place": 'place:"Bani Walid"',
}


@dataclass(frozen=True)
class _Token:
    kind: str
    """`term`, `OR`, `AND`, `NOT`, `-`, `(`, `)`."""
    term: Term | None = None


def _lex(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch in "()":
            tokens.append(_Token(ch))
            i += 1
        elif ch == "-" and i + 1 < n and not text[i + 1].isspace() and _starts_token(text, i):
            tokens.append(_Token("-"))
            i += 1
        elif ch == '"':
            close = text.find('"', i + 1)
            if close < 0:
                raise SearchSyntaxError(
                    'search: a quote (") is not closed — close the phrase or remove the quote'
                )
            prefix = close + 1 < n and text[close + 1] == "*"
            tokens.append(_Token("term", Term(text[i + 1 : close], prefix=prefix, phrase=True)))
            i = close + 1 + prefix
        else:
            j = i
            while j < n and not text[j].isspace() and text[j] not in '"()':
                j += 1
            word = text[i:j]
            i = j
            if word in _OPERATORS:
                tokens.append(_Token(word))
            else:
                prefix = word.endswith("*")
                tokens.append(_Token("term", Term(word.rstrip("*") if prefix else word, prefix)))
    return tokens


def _starts_token(text: str, i: int) -> bool:
    """A minus negates only at the start of a term: `al-Sarraj` is one hyphenated word."""
    return i == 0 or text[i - 1].isspace() or text[i - 1] in "()"


class _Parser:
    """conjunction := alternative (AND? alternative)*; alternative := negation (OR negation)*;
    negation := (- | NOT) negation | primary; primary := term | ( conjunction )."""

    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.at = 0

    def peek(self) -> str | None:
        return self.tokens[self.at].kind if self.at < len(self.tokens) else None

    def conjunction(self, *, top: bool = False) -> Node:
        parts: list[Node] = []
        while True:
            kind = self.peek()
            if kind is None or kind == ")":
                break
            if kind == "AND":
                if not parts:
                    raise _needs("AND", "before")
                self.at += 1
                if self.peek() in (None, ")", "OR", "AND"):
                    raise _needs("AND", "after")
                continue
            parts.append(self.alternative())
        if self.peek() == ")":
            if top:
                raise SearchSyntaxError(
                    "search: a closing parenthesis has no opening one — remove it or add a ("
                )
        return AllOf(tuple(parts))

    def alternative(self) -> Node:
        if self.peek() == "OR":
            raise _needs("OR", "before")
        parts = [self.negation()]
        while self.peek() == "OR":
            self.at += 1
            if self.peek() in (None, ")", "OR", "AND"):
                raise _needs("OR", "after")
            parts.append(self.negation())
        return parts[0] if len(parts) == 1 else AnyOf(tuple(parts))

    def negation(self) -> Node:
        kind = self.peek()
        if kind in ("-", "NOT"):
            self.at += 1
            if self.peek() in (None, ")", "OR", "AND"):
                raise _needs(kind, "after")
            return Not(self.negation())
        return self.primary()

    def primary(self) -> Node:
        token = self.tokens[self.at]
        self.at += 1
        if token.kind == "term":
            assert token.term is not None
            return token.term
        if token.kind == "(":
            inner = self.conjunction()
            if self.peek() != ")":
                raise SearchSyntaxError(
                    "search: a parenthesis is not closed — add the ) or remove the ("
                )
            self.at += 1
            return inner
        raise _needs(token.kind, "before")  # pragma: no cover - callers check the next token


def _needs(operator: str, side: str) -> SearchSyntaxError:
    name = "a minus" if operator == "-" else operator
    return SearchSyntaxError(
        f"search: {name} needs a word {side} it — e.g. {_EXAMPLE[operator]} "
        f'(put it in quotes, "{operator}", to search for the word itself)'
    )


def _simplify(node: Node) -> Node | None:
    """Drop terms with no word in them (a lone "&"), collapse one-part groups and double
    negations, flatten nested AND/OR; refuse a negation offered as an OR alternative."""
    if isinstance(node, Term):
        return node if has_token(node.normalised) else None
    if isinstance(node, Not):
        inner = _simplify(node.part)
        if inner is None:
            return None
        if isinstance(inner, Not):
            return inner.part
        if _only_negative(inner):
            raise SearchSyntaxError(
                "search: a group of exclusions cannot be excluded — say what to find, "
                "e.g. haftar -(saddam -tripoli)"
            )
        return Not(inner)
    parts: list[Node] = []
    for part in node.parts:
        simple = _simplify(part)
        if simple is None:
            continue
        if type(simple) is type(node):
            assert isinstance(simple, AllOf | AnyOf)
            parts.extend(simple.parts)
        else:
            parts.append(simple)
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    if isinstance(node, AnyOf):
        if any(_only_negative(p) for p in parts):
            raise SearchSyntaxError(
                "search: OR cannot offer a negation as an alternative — write the exclusion "
                "outside it, e.g. (haftar OR saddam) -tripoli"
            )
        return AnyOf(tuple(parts))
    return AllOf(tuple(parts))


def _only_negative(node: Node) -> bool:
    """True when `node` matches by what an item lacks only (it needs something to subtract from)."""
    if isinstance(node, Not):
        return True
    if isinstance(node, AllOf):
        return all(_only_negative(p) for p in node.parts)
    if isinstance(node, AnyOf):
        return any(_only_negative(p) for p in node.parts)
    return False
