"""Splitting text into sentences (English, French, Arabic) and sentences into content words."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

from briefing.core.text import fold

# A sentence ends at . ! ? … and the Arabic question mark and full stop, with any closing quotes
# or brackets, before whitespace; a line break always ends one.
_END = re.compile(r"[.!?…\u061f\u06d4]+(?:[ \u00a0\u202f]?[\"'»”’)\]])*(?=\s)|\n\s*")
_NEXT_CHAR = re.compile(r"\s*(\S)")
# Abbreviations after which a period does not end a sentence (English and French).
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr gen col lt maj capt sgt cpl adm brig st mt no vs etc inc ltd co corp jr sr "
    "prof gov sen rep pres dept approx fig cf al m mme mlle mgr av bd u.s u.n u.k e.g i.e p.m "
    "a.m".split()
)


def split_sentences(text: str) -> list[str]:
    """Split text into sentences (English, French and Arabic punctuation), whitespace folded."""
    return list(iter_sentences(text))


@lru_cache(maxsize=20_000)
def sentences_of(text: str) -> tuple[str, ...]:
    """`split_sentences`, remembered: a digest briefs each group, and an item with three actors
    is in three groups, so the same texts are split again and again."""
    return tuple(iter_sentences(text))


def iter_sentences(text: str) -> Iterator[str]:
    """Sentences one at a time, so a caller that needs the first few stops early."""
    start = 0
    for match in _END.finditer(text):
        end = match.end()
        if match.group()[0] != "\n" and _keeps_going(text, start, end):
            continue
        sentence = " ".join(text[start:end].split())
        if sentence:
            yield sentence
        start = end
    sentence = " ".join(text[start:].split())
    if sentence:
        yield sentence


def _keeps_going(text: str, start: int, end: int) -> bool:
    """True when the period closing text[start:end] belongs to an abbreviation or an initial."""
    stripped = text[start:end].rstrip("\"'»”’)] \u00a0\u202f")
    if not stripped.endswith("."):
        return False
    words = stripped[:-1].rsplit(None, 1)
    token = words[-1].lstrip("\"'«“‘([").casefold() if words else ""
    if token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
        return True
    nxt = _NEXT_CHAR.match(text, end)
    # "approx. five": a lower-case continuation means the period was not an ending.
    return nxt is not None and nxt.group(1).islower()


# Content words: two or more word characters starting with a letter (numbers say little).
_WORD = re.compile(r"[^\W\d_]\w+")
# Function words of the three languages the feeds use; they say nothing about a point.
_STOPWORDS = frozenset(
    """a about after against all also an and any are as at be been before being between both but
    by can could did do does during each from had has have he her his how if in into is it its
    more most new not of on one or other our out over said says she should since so some than
    that the their them then there these they this those through to two under until up was we
    were what when where which while who will with would yet year years week day days after told
    according also amid au aux avec ce ces cette dans de des du elle en est et il ils la le les
    leur lui mais ou par pas pour qui que sa se ses son sur un une été être selon ainsi entre
    في من على إلى الى عن مع أن ان إن التي الذي هذا هذه ذلك تلك كان كانت قد لا ما لم لن بعد قبل
    حول خلال بين أو او ثم كما وقال قال وفي ومن""".split()
)


def fold_fast(text: str) -> str:
    # Most feed text is ASCII; casefold equals fold there and skips the per-character pass.
    return text.casefold() if text.isascii() else fold(text)


def content_words(folded: str) -> tuple[str, ...]:
    return tuple([t for t in _WORD.findall(folded) if t not in _STOPWORDS])


def alias_pattern(aliases: Iterable[str]) -> re.Pattern[str] | None:
    parts: list[str] = []
    for alias in sorted(
        {fold_fast(a).strip() for a in aliases if a.strip()}, key=lambda a: (-len(a), a)
    ):
        if not alias.isascii() and re.search(r"[\u0600-\u06ff]", alias):
            # Arabic attaches clitics (و، ب، ال) to names: match inside words.
            parts.append(re.escape(alias))
        else:
            parts.append(rf"(?<!\w){re.escape(alias)}(?!\w)")
    return re.compile("|".join(parts)) if parts else None
