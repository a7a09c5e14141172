"""Text folding and one-pass phrase matching shared by the relevance rules and the gazetteer.

Both `relevance` and `actors` match many phrases in feed text. They must agree on what a word
is, so the folding lives here, below both (they are siblings and may not import each other).

Folding maps every character 1:1 or to nothing: letters lose case and accents (Salamé → salame),
Arabic loses its vowel marks and alef/ya/ta-marbuta variants, and every character that is not a
letter or a digit becomes a space. Runs of spaces collapse to one, and the text is padded with a
space at both ends. A phrase is then found with a word boundary on both sides simply by looking
for " phrase " — so a single Aho-Corasick automaton does the boundary checks in C, and "Haftar's",
"Haftar’s", "pro-Haftar" and "HAFTAR" all contain " haftar ".
"""

from __future__ import annotations

import codecs
import html
import re
import unicodedata
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any, Generic, NamedTuple, TypeAlias, TypeVar

import ahocorasick

T = TypeVar("T")

_ARABIC_FOLD = {
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ى": "ي",
    "ئ": "ي",
    "ؤ": "و",
    "ة": "ه",
    "ی": "ي",
    "ک": "ك",
    "ـ": "",  # tatweel (kashida): a stretch, not a letter
}
# Characters removed outright: soft hyphen and zero-width joiners split words invisibly.
_DELETE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"


_SPECIAL_LETTERS = {
    "ß": "s",
    "ø": "o",
    "Ø": "O",
    "đ": "d",
    "Đ": "D",
    "ł": "l",
    "Ł": "L",
    "ı": "i",
    "æ": "a",
    "Æ": "A",
    "œ": "o",
    "Œ": "O",
}


def _fold_char(ch: str) -> str:
    if ch in _ARABIC_FOLD:
        return _ARABIC_FOLD[ch]
    if ch in _DELETE:
        return ""
    cat = unicodedata.category(ch)
    if cat == "Mn" or cat == "Me":
        return ""  # combining marks: accents, Arabic harakat
    if cat[0] in "LN":
        if ch in _SPECIAL_LETTERS:
            return _SPECIAL_LETTERS[ch]
        if not unicodedata.decomposition(ch) and not 0xAC00 <= ord(ch) <= 0xD7A3:
            # NFKD leaves it alone (Hangul syllables decompose without a listed decomposition):
            # the steps below would give the character back.
            return ch
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        if len(base) == 1 and (base.isalnum()):
            return base
        # Ligatures and the like keep their first letter so that folding stays 1:1 or 1:0.
        return base[:1] if base[:1].isalnum() else ch
    return " "


def _build_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(1, 0x80):
        ch = chr(code)
        if not ch.isalnum():
            table[code] = " "
    ranges = [(0x80, 0x3001), (0xFB00, 0x10000)]
    for lo, hi in ranges:
        for code in range(lo, hi):
            ch = chr(code)
            if 0xD800 <= code <= 0xDFFF:
                continue
            folded = _fold_char(ch)
            if folded != ch:
                table[code] = folded
    return table


_TABLE = _build_table()
# The same mapping with every other character of those ranges mapped to itself: str.translate
# is twice as fast when it never misses (a miss raises and catches a KeyError inside).
_FULL_TABLE = {
    **{code: chr(code) for code in (*range(0x3001), *range(0xFB00, 0x10000))},
    **_TABLE,
}
# After folding, ASCII punctuation becomes a space; bytes of 0x80 and above (UTF-8 sequences of
# letters that survive folding: Arabic, Greek…) are left alone. NUL is kept: `prepare` uses it
# to separate an item's fields.
_ASCII_BYTES = bytes(
    (c if chr(c).isalnum() or c == 0 else 0x20) if c < 0x80 else c for c in range(256)
)
_TAG = re.compile(r"<[^<>]{0,800}>")


def unmarkup(text: str) -> str:
    """Drop HTML tags and decode entities, also double-escaped ones (`&amp;eacute;` → é)."""
    for _ in range(2):
        if "&" in text:
            text = html.unescape(text)
        if "<" in text:
            text = _TAG.sub(" ", text)
    return text


# Latin text with accents is the common non-ASCII case. It is encoded to ASCII with an error
# handler that folds each run of non-ASCII characters through the table (the encoder copies
# the ASCII stretches in C); a run that stays non-ASCII (Arabic, Greek, ð…) makes the encoder
# fail, and the whole text then goes through the per-character table.
_FOLD_ERRORS = "briefing.intelligence.matching.fold"
_RUNS: dict[str, str] = {}
_RUNS_CAP = 20_000
"""Folded runs remembered (the same accented words and Arabic names come back all the time)."""


def _fold_run(run: str) -> str:
    folded = _RUNS.get(run)
    if folded is None:
        folded = run.translate(_TABLE)
        if len(_RUNS) >= _RUNS_CAP:
            _RUNS.clear()
        _RUNS[run] = folded
    return folded


def _fold_errors(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    return _fold_run(error.object[error.start : error.end]), error.end


codecs.register_error(_FOLD_ERRORS, _fold_errors)

# Latin letters, Latin punctuation and general punctuation: text made only of these always
# folded "ŉ" to a space (an earlier NFKD-based path did), while mixed text keeps its "ʼ".
_NOT_LATIN = re.compile(
    "[^\x00-\u017f\u2000-\u206f]|[\u00b5\u00d0\u00de\u00f0\u00fe\u0126\u0127\u0138"
    "\u014a\u014b\u0166\u0167]"
)


# Typographic punctuation that makes English feed text non-ASCII, most frequent first;
# replacing it first (a few C-level scans) is cheaper than folding it through the error handler.
_TYPOGRAPHIC = "\u2019\u201c\u201d\u2014\u2013\u2018\u2026\u00a0\u00ab\u00bb"


def _fold_bytes(text: str) -> bytes:
    """`text` folded character by character (case kept), as UTF-8, spaces not collapsed yet."""
    if text.isascii():
        return text.encode("ascii")
    for mark in _TYPOGRAPHIC:
        if mark in text:
            text = text.replace(mark, " ")
            if text.isascii():  # known without a scan: str keeps its widest character
                return text.encode("ascii")
    if "\u0149" in text and _NOT_LATIN.search(text) is None:
        text = text.replace("\u0149", " ")
    try:
        return text.encode("ascii", _FOLD_ERRORS)
    except UnicodeEncodeError:
        pass  # (not translated in here: str.translate is twice as slow inside an except block)
    # Letters that stay non-ASCII (Arabic, Greek, ð…): the per-character table.
    # surrogatepass: a lone surrogate is kept as it is, like any unmapped character.
    return text.translate(_FULL_TABLE).encode("utf-8", "surrogatepass")


def fold_cased(text: str) -> str:
    """Accents off, punctuation to spaces, spaces collapsed, padded — case kept."""
    # ASCII bytes translate in one C loop; only spaces are left as whitespace (NUL, the field
    # separator, and the bytes of non-ASCII letters are not). Each replace halves every run of
    # spaces: a few C-level passes, cheaper than splitting the text into words and joining them.
    folded = _fold_bytes(text).translate(_ASCII_BYTES)
    folded = folded.replace(b"  ", b" ")
    while b"  " in folded:
        folded = folded.replace(b"  ", b" ")
    return " " + folded.strip(b" ").decode("utf-8", "surrogatepass") + " "


def phrase_key(text: str) -> str:
    """The matching form of a phrase or a text: `fold_cased` then lower-case, padded with a
    space at each end (" haftar s son "). (`briefing.core.text.fold` is the plain fold of a
    display string: case and accents only.)"""
    return fold_cased(text).lower()


def fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """Fold like `phrase_key` and map each folded character back to its index in `text`.

    Slower than `phrase_key` (a Python loop); used only to highlight spans in one displayed text.
    """
    out: list[str] = [" "]
    offsets: list[int] = [0]
    for index, ch in enumerate(text):
        code = ord(ch)
        folded = _TABLE.get(code, ch) if code >= 0x80 else (ch if ch.isalnum() else " ")
        for piece in folded.lower():
            if piece.isspace():
                if out[-1] == " ":
                    continue
                piece = " "
            out.append(piece)
            offsets.append(index)
    if out[-1] != " ":
        out.append(" ")
        offsets.append(len(text))
    return "".join(out), offsets


# Arabic writes conjunctions, prepositions and the article onto the next word: و (and),
# ف (so), ب (with/in), ل (for), ك (like), ال (the), and their combinations. A name is still
# the name when one of these is glued to its front.
_AR_PREFIXES = ("و", "ف", "ب", "ل", "ك", "ال", "وال", "بال", "فال", "كال", "لل", "ولل", "وب", "ول")
_AR_PREFIXES_BEFORE_AL = ("و", "ف", "ب", "ك", "وب", "فب")
_ARABIC = re.compile("[\u0600-\u06ff]")


def is_arabic(text: str) -> bool:
    return _ARABIC.search(text) is not None


def variants(folded_key: str) -> Iterator[str]:
    """The folded key and, for Arabic, the forms with attached prefixes (ليبيا → وليبيا…)."""
    yield folded_key
    core = folded_key.strip()
    if not core or not is_arabic(core[0]):
        return
    if core.startswith("ال"):
        for prefix in _AR_PREFIXES_BEFORE_AL:
            yield f" {prefix}{core} "
        for prefix in ("ل", "ول", "فل"):
            yield f" {prefix}{core[1:]} "  # ل + ال → لل
    else:
        for prefix in _AR_PREFIXES:
            yield f" {prefix}{core} "


Hit: TypeAlias = tuple[int, int, str, T]
"""One phrase found in folded text: (start, end, key, payload); [start, end) excludes the
padding spaces. A plain tuple rather than a named one: several are built and read per item,
and CPython reads a plain tuple's items faster than a named tuple's attributes."""


MAX_HITS = 2000
"""Phrase occurrences examined per item; a real item has a few dozen at most."""


class PhraseMatcher(Generic[T]):
    """One Aho-Corasick automaton over folded phrases; a phrase's payload is a tuple of T.

    Several users can share one automaton through `channels`: each adds its phrases on its own
    channel and `find_all` returns one hit list per channel from a single scan of the text.
    """

    def __init__(self, channels: int = 1) -> None:
        self._automaton = ahocorasick.Automaton()
        self._channels = channels
        self._pending: dict[str, list[list[T]]] = {}
        self._derived: dict[str, list[list[T]]] = {}
        self._routes: list[tuple[int, int, Callable[[T], bool]]] = []
        self._shapes: dict[int, Callable[[tuple[T, ...]], Any]] = {}
        self._built = False

    def _slot(self, table: dict[str, list[list[T]]], key: str, channel: int) -> list[T]:
        slots = table.get(key)
        if slots is None:
            slots = table[key] = [[] for _ in range(self._channels)]
        return slots[channel]

    def add(
        self,
        phrase: str,
        payload: T,
        *,
        folded: bool = False,
        arabic_prefixes: bool = True,
        channel: int = 0,
    ) -> str:
        """Register a phrase (folded here unless `folded`); returns its folded form."""
        self._unbuilt()
        key = phrase if folded else phrase_key(phrase)
        if not key.strip():
            return key
        self._slot(self._pending, key, channel).append(payload)
        if arabic_prefixes:
            for variant in variants(key):
                if variant != key:
                    self._slot(self._derived, variant, channel).append(payload)
        return key

    def route(self, source: int, target: int, test: Callable[[T], bool]) -> None:
        """Report the payloads of `source` that pass `test` on `target` instead (call before
        `build`). Which payloads a key has is decided first, as if they had stayed on `source`:
        a user then reads the two lists of one scan instead of splitting every hit's payload.
        """
        self._routes.append((source, target, test))

    def shape(self, channel: int, compile_payloads: Callable[[tuple[T, ...]], Any]) -> None:
        """Report `compile_payloads(payloads)` for a key's payloads on `channel` instead of the
        tuple itself (call before `build`; the result must be true): a user whose payloads
        are read the same way on every hit has that work done once per key."""
        self._shapes[channel] = compile_payloads

    def build(self) -> None:
        # A phrase written out in full (الليبي) wins over the same string derived by adding a
        # prefix to a shorter one (ال + ليبي), so it is not counted twice.
        words: dict[str, list[list[T]]] = {}
        for key in {*self._derived, *self._pending}:
            pending = self._pending.get(key)
            derived = self._derived.get(key)
            slots = [
                (pending[c] if pending and pending[c] else (derived[c] if derived else []))
                for c in range(self._channels)
            ]
            words[key] = slots
        for key, slots in words.items():
            # (key, its length inside the padding, the non-empty (channel, payload) pairs, then
            # every channel's payload): flat, so that a hit unpacks in one step.
            payloads = [tuple(slot) for slot in slots]
            for source, target, test in self._routes:
                moved = tuple(p for p in payloads[source] if test(p))
                if moved:
                    payloads[source] = tuple(p for p in payloads[source] if not test(p))
                    payloads[target] += moved
            shaped: list[Any] = list(payloads)
            for channel, compile_payloads in self._shapes.items():
                if payloads[channel]:
                    shaped[channel] = compile_payloads(payloads[channel])
            pairs = tuple((c, p) for c, p in enumerate(shaped) if p)
            self._automaton.add_word(key, (key, len(key) - 2, pairs, *shaped))
        if words:
            self._automaton.make_automaton()
        # The automaton holds every key's payloads now. The tables would only be carried
        # along: a built Tagger is pickled into the tagger cache and loaded by every process
        # that tags, and unpickling them cost about as much as the automaton itself.
        self._pending, self._derived = {}, {}
        self._built = True

    def __len__(self) -> int:
        if self._built:
            return len(self._automaton)
        return len({*self._pending, *self._derived})

    def _unbuilt(self) -> None:
        if self._built:
            raise RuntimeError("a built PhraseMatcher no longer holds its phrase tables")

    def payloads(self, key: str, channel: int) -> list[T]:
        """The payloads added for `key` on `channel` (before `build`), as written or derived."""
        self._unbuilt()
        slots = self._pending.get(key) or self._derived.get(key)
        return slots[channel] if slots else []

    def keys_where(self, channel: int, test: Callable[[T], bool]) -> frozenset[str]:
        """Keys with a payload on `channel` that passes `test` (before `build`) — for cheap
        per-hit gating."""
        self._unbuilt()
        return frozenset(
            key
            for table in (self._pending, self._derived)
            for key, slots in table.items()
            if any(test(payload) for payload in slots[channel])
        )

    def find_all(self, folded_text: str) -> list[list[Hit[tuple[T, ...]]]]:
        """Every phrase occurrence (overlapping ones too), one list per channel."""
        if len(folded_text) < 3 or len(self._automaton) == 0:
            return [[] for _ in range(self._channels)]
        # islice: a pathological item is decided by its first hits as well as by all of them.
        found = islice(self._automaton.iter(folded_text), MAX_HITS)
        if self._channels == 3:
            # The Tagger's case (gazetteer phrases, their blocker words, relevance terms),
            # without the per-channel loop.
            first: list[Hit[tuple[T, ...]]] = []
            second: list[Hit[tuple[T, ...]]] = []
            third: list[Hit[tuple[T, ...]]] = []
            for end, (key, offset, _, one, two, three) in found:
                start = end - offset
                if one:
                    first.append((start, end, key, one))
                if two:
                    second.append((start, end, key, two))
                if three:
                    third.append((start, end, key, three))
            return [first, second, third]
        if self._channels == 4:
            # The same with the event cues on a fourth channel.
            first4: list[Hit[tuple[T, ...]]] = []
            second4: list[Hit[tuple[T, ...]]] = []
            third4: list[Hit[tuple[T, ...]]] = []
            fourth4: list[Hit[tuple[T, ...]]] = []
            for end, (key, offset, _, one, two, three, four) in found:
                start = end - offset
                if one:
                    first4.append((start, end, key, one))
                if two:
                    second4.append((start, end, key, two))
                if three:
                    third4.append((start, end, key, three))
                if four:
                    fourth4.append((start, end, key, four))
            return [first4, second4, third4, fourth4]
        out: list[list[Hit[tuple[T, ...]]]] = [[] for _ in range(self._channels)]
        for end, (key, offset, pairs, *_) in found:
            # The key includes a padding space on each side; report the word span inside.
            for channel, payload in pairs:
                out[channel].append((end - offset, end, key, payload))
        return out

    def find(self, folded_text: str, channel: int = 0) -> list[Hit[tuple[T, ...]]]:
        """Every phrase occurrence of one channel in a folded, padded text."""
        return self.find_in(folded_text, (channel,))[0]

    def find_in(
        self, folded_text: str, channels: tuple[int, ...]
    ) -> list[list[Hit[tuple[T, ...]]]]:
        """Every phrase occurrence of some channels, one list per channel; the first MAX_HITS
        occurrences with a payload on any of them."""
        out: list[list[Hit[tuple[T, ...]]]] = [[] for _ in channels]
        if len(self._automaton) == 0 or len(folded_text) < 3:
            return out
        slots = [(3 + channel, hits) for channel, hits in zip(channels, out, strict=True)]
        count = 0
        for end, value in self._automaton.iter(folded_text):
            wanted = False
            for slot, hits in slots:
                if value[slot]:
                    hits.append((end - value[1], end, value[0], value[slot]))
                    wanted = True
            if wanted:
                count += 1
                if count >= MAX_HITS:
                    break
        return out


def longest(hits: Iterable[Hit[T]]) -> tuple[list[Hit[T]], list[Hit[T]]]:
    """The longest non-overlapping hits (longest first, then leftmost), and the others.

    Longest-first rather than left-to-right: in "Libya central bank governor" the role phrase
    "central bank governor" wins over "Libya central bank", and "Libya" still stands alone.
    The others come in the order they lost: longest first, then leftmost. When no hits
    overlap, the kept ones are `hits` itself if it is a list (callers only read them).
    """
    if not isinstance(hits, list):
        hits = list(hits)
    if len(hits) <= 1:
        return hits, []
    # Fastest path: the automaton reports hits by end position; when each starts at or after
    # the previous one's end, none overlap and they are already in start order.
    for index in range(1, len(hits)):
        if hits[index][0] < hits[index - 1][1]:
            break
    else:
        return hits, []
    nested = _nested(hits, index)
    if nested is not None:
        return nested
    ordered = sorted(hits, key=_longest_first)
    starts: list[int] = []
    ends: list[int] = []
    kept: list[Hit[T]] = []
    covered: list[Hit[T]] = []
    for hit in ordered:
        start, end = hit[0], hit[1]
        index = bisect_left(starts, start)
        # Kept spans never overlap, so only the neighbours on each side can collide.
        if (index > 0 and ends[index - 1] > start) or (index < len(starts) and starts[index] < end):
            covered.append(hit)
            continue
        starts.insert(index, start)
        ends.insert(index, end)
        kept.append(hit)
    kept.sort(key=lambda h: h[0])
    return kept, covered


def _longest_first(hit: Hit[Any]) -> tuple[int, int]:
    return hit[0] - hit[1], hit[0]


def _nested(hits: list[Hit[T]], clear: int = 0) -> tuple[list[Hit[T]], list[Hit[T]]] | None:
    """`longest` without sorting in the common case, or None when it does not apply.

    It applies when the hits come in end order (as the automaton reports them) and the hits
    that no other contains never overlap: then each of those is kept, and every other hit lies
    inside a longer kept one ("aguila" in "aguila saleh"). A stack of the outermost hits so far
    finds them in one pass. The first `clear` hits are known not to overlap (nor each other).
    """
    outer: list[Hit[T]] = hits[:clear]
    inner: list[Hit[T]] = []
    previous_end = hits[clear - 1][1] if clear else -1
    for hit in islice(hits, clear, None):
        start, end = hit[0], hit[1]
        if end < previous_end:
            return None
        previous_end = end
        # Outer hits so far end no later than this one: those starting inside it are inside it.
        while outer and outer[-1][0] >= start:
            inner.append(outer.pop())
        if outer and outer[-1][1] > start:
            if end > outer[-1][1]:
                return None  # two outermost hits overlap: the general case
            inner.append(hit)  # a shorter phrase with the same end ("haftar" in "saddam haftar")
            continue
        outer.append(hit)
    if len(inner) > 1:
        inner.sort(key=_longest_first)
    return outer, inner


# Words that put what follows in someone's past ("former UN envoy to Libya", "who once headed
# the UN mission in Libya", "l'ancien émissaire", "المبعوث السابق"): a Libya word there describes
# a person's earlier role, not what the item is about. A verb of speech ends such a clause
# ("former envoy Salamé said Libya's …").
PAST_MARKERS = frozenset(
    "former formerly once ex previously erstwhile onetime ancien ancienne anciennement "
    "السابق السابقه سابقا".split()
)
_SPEECH = frozenset(
    "said says say told tells warned warns urged urges called calls added adds insisted "
    "dit declare affirme estime قال قالت يقول اكد".split()
)
PAST_REACH = 44
"""How far back (in folded characters, five or six words) a past marker reaches."""


def after_past_marker(text: str, pos: int) -> bool:
    """True when the folded `text` has a past marker shortly before `pos`, with no verb of
    speech in between: what starts at `pos` describes someone's earlier role."""
    start = max(0, pos - PAST_REACH)
    words = text[start:pos].split()
    if start and text[start - 1] != " ":
        words = words[1:]  # (the first word is cut)
    for word in reversed(words):
        if word in _SPEECH:
            return False
        if word in PAST_MARKERS:
            return True
    return False


_FIELD_CAP = 200_000
"""Characters of one field that are matched: a 1 MB body costs no more than a long article."""


class Prepared(NamedTuple):
    """An item's fields folded once and joined by NUL (so no phrase spans two fields).

    A named tuple rather than a frozen dataclass: one is built per item, and this is cheaper.
    """

    cased: str
    lowered: str
    bounds: tuple[tuple[int, str], ...]
    """(end offset, field name) per field, in order."""

    def field_of(self, pos: int) -> str:
        for end, name in self.bounds:
            if pos < end:
                return name
        return self.bounds[-1][1] if self.bounds else ""

    def field_text(self, name: str, lowered: bool = True) -> str:
        start = 0
        for end, field_name in self.bounds:
            if field_name == name:
                return (self.lowered if lowered else self.cased)[start:end]
            start = end
        return ""


_NOTHING = Prepared("", "", ())


def _clean(text: str) -> str:
    """A field's text made ready to fold: capped, markup dropped, no NUL, no "US$"."""
    if len(text) > _FIELD_CAP:
        text = text[:_FIELD_CAP]
    if "<" in text or "&" in text:
        text = unmarkup(text)
    if "\x00" in text:
        text = text.replace("\x00", " ")
    if "$" in text:
        text = text.replace("US$", "USD ")  # a currency, not the United States
    return text


def prepare(fields: Iterable[tuple[str, str]]) -> Prepared:
    """Fold an item's (field name, text) pairs once for every matcher; markup is dropped first."""
    names: list[str] = []
    texts: list[str] = []
    for name, text in fields:
        if text:
            # Most texts need no cleaning: single-character tests are C-level scans.
            if (
                len(text) > _FIELD_CAP
                or "<" in text
                or "&" in text
                or "\x00" in text
                or "$" in text
            ):
                text = _clean(text)
            names.append(name)
            texts.append(text)
    if not texts:
        return _NOTHING
    # NUL survives folding and separates the fields: no phrase can span two of them.
    cased = fold_cased(" \x00 ".join(texts) if len(texts) > 1 else texts[0])
    if not cased.strip(" \x00"):
        return _NOTHING
    if len(names) == 2:  # the common case (title and summary), without the loop
        bounds: tuple[tuple[int, str], ...] = (
            (cased.index("\x00") + 1, names[0]),
            (len(cased) + 1, names[1]),
        )
    else:
        spans: list[tuple[int, str]] = []
        position = 0
        for name in names[:-1]:
            position = cased.index("\x00", position) + 1
            spans.append((position, name))
        spans.append((len(cased) + 1, names[-1]))
        bounds = tuple(spans)
    # tuple.__new__ directly: a named tuple's own __new__ is a Python-level function.
    return tuple.__new__(Prepared, (cased, cased.lower(), bounds))
