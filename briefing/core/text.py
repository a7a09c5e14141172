"""Making hostile text safe: control characters, bidi overrides, whitespace.

Feed text can carry ESC, C1 controls and bidi overrides (feedparser turns `&#x1B;` into a real
ESC). They are stripped at ingest and again at render, so a terminal never receives them.
"""

from __future__ import annotations

import re
import unicodedata

from briefing.core.models import MAX_TAG_CHARS

# C0 except tab and newline, DEL, C1; bidi embeddings/overrides/isolates; BOM and other
# invisibles that only serve to disguise text. Lone surrogates cannot be encoded: drop them too.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufff9-\ufffb"
    "\ud800-\udfff]"
)
_BLANK_LINES = re.compile(r"\n\s*\n+")


# Whole terminal sequences, not just their ESC: CSI (colours, cursor moves), OSC (titles,
# hyperlinks — whose target would otherwise show as text), and two-character escapes.
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[ -/]*[0-~]|\x9b[0-?]*[ -/]*[@-~]"
)


def strip_unsafe(text: str) -> str:
    """Remove terminal escape sequences, control characters (keeping tab and newline) and bidi
    controls."""
    if text.isprintable():  # no control, format (bidi, BOM) or surrogate character at all
        return text
    if "\x1b" in text or "\x9b" in text:
        text = _ESCAPE_SEQUENCE.sub("", text)
    return _UNSAFE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def clean_line(text: str, limit: int | None = None) -> str:
    """One line of safe text: unsafe characters removed, whitespace folded, optionally capped.

    Whitespace is whatever `str.split` splits on (also the line and paragraph separators
    U+2028/U+2029, which have no place in one line) plus the zero-width space.
    """
    line = " ".join(_zwsp_to_space(strip_unsafe(text)).split())
    if limit is not None and len(line) > limit:
        line = line[: max(limit - 1, 0)].rstrip() + "…"
    return line


def clean_block(text: str, limit: int | None = None) -> str:
    """Safe multi-paragraph text: paragraphs separated by one blank line, lines trimmed."""
    text = _zwsp_to_space(strip_unsafe(text))
    # Within a paragraph, line breaks and runs of spaces become one space (str.split in C is
    # several times faster than a regex substitution over every space).
    words = (p.split() for p in _BLANK_LINES.split(text))
    out = "\n\n".join(" ".join(w) for w in words if w)
    if limit is not None and len(out) > limit:
        out = out[: max(limit - 1, 0)].rstrip() + "…"
    return out


def _zwsp_to_space(text: str) -> str:
    return text.replace("\u200b", " ") if "\u200b" in text else text


def fold(text: str) -> str:
    """Case- and accent-insensitive form for matching: `Salamé` and `SALAME` fold alike."""
    if text.isascii():  # nothing to decompose (most headlines): skip the per-character pass
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def tag_too_long(tag: str) -> str | None:
    """Why `tag` cannot be a tag for its length, or None: one limit (`MAX_TAG_CHARS`) for the
    store, the command line and the app, where a longer tag is refused, never cut."""
    if len(tag) <= MAX_TAG_CHARS:
        return None
    return (
        f"{clean_line(tag, 40)!r} is {len(tag)} characters; a tag has at most {MAX_TAG_CHARS} "
        "— shorten it"
    )


def tag_key(tag: str) -> str:
    """A tag's identity: "Élan", "élan" and "ÉLAN" are one tag, as are "Straße" and "STRASSE"
    (case-folded over all of Unicode, then composed); accents still count ("Elan" is another)."""
    return unicodedata.normalize("NFC", tag.casefold())


_NOT_WORD = re.compile(r"[\W_]+")
# ASCII letters lower-cased, digits kept, every other byte a space (only the ASCII half of the
# table is read): in ASCII text, the word characters of `_NOT_WORD` are the letters and digits.
_ASCII_WORD_BYTES = bytes(
    (code | 0x20 if chr(code).isalpha() else code) if code < 0x80 and chr(code).isalnum() else 0x20
    for code in range(256)
)


def title_key(title: str) -> str:
    """The same headline from two outlets, whatever their quotes, case, accents or punctuation:
    the store's duplicate check and the seed import compare titles by it."""
    if title.isascii():
        # (Every kept item of a fetch is keyed: a byte translation and a split, both in C,
        # cost a fifth of the regular expression's substitution. The words come out as the
        # substitution and `strip` leave them: lower-cased, one space between them.)
        return b" ".join(title.encode("ascii").translate(_ASCII_WORD_BYTES).split()).decode("ascii")
    return _NOT_WORD.sub(" ", fold(title)).strip()
