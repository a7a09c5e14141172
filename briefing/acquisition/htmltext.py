"""Feed HTML to clean text.

Runs on every parsed item, so it is regex-based rather than a full HTML parser: markup is never
rendered, only removed. The result is plain text that has been through `briefing.core.text`, with
paragraphs kept as blocks separated by one blank line.
"""

from __future__ import annotations

import html
import re

from briefing.core.text import strip_unsafe

# Elements whose content is never text for a reader. An unclosed one runs to the end.
_DROPPED = re.compile(
    r"<(script|style|iframe|noscript|template|object|embed|svg|math|head|title|select|textarea)"
    r"\b[^>]*>.*?(?:</\1\s*>|\Z)",
    re.IGNORECASE | re.DOTALL,
)
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)|<![^>]*>|<\?.*?(?:\?>|\Z)", re.DOTALL)
_CDATA = re.compile(r"<!\[CDATA\[(.*?)(?:\]\]>|\Z)", re.DOTALL)
# A tag, with quoted attribute values that may themselves hold ">".
_TAG = re.compile(r"""</?([a-zA-Z][a-zA-Z0-9:-]*)(?:"[^"]*"|'[^']*'|[^'">])*>?""")
_PARAGRAPH_TAGS = frozenset(
    "p div h1 h2 h3 h4 h5 h6 blockquote pre ul ol dl li table tr section article figure "
    "hr header footer aside address main nav details summary caption thead tbody tfoot".split()
)
_LINE_TAGS = frozenset("br dt dd figcaption".split())
_CELL_TAGS = frozenset("td th".split())
_BLANK_LINES = re.compile(r"\n\s*\n")
# An entity left over after one round of decoding: the feed escaped its HTML twice.
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});")
# Tags of real HTML in text that was already decoded once (double-escaped markup).
_ESCAPED_MARKUP = re.compile(
    r"</?(?:p|br|div|span|a|b|i|em|strong|ul|ol|li|img|script|style|iframe|h[1-6]|blockquote)"
    r"\b[^<>]*>",
    re.IGNORECASE,
)


_BREAKS = {
    **{name: "\n\n" for name in _PARAGRAPH_TAGS},
    **{name: "\n" for name in _LINE_TAGS},
    **{name: " " for name in _CELL_TAGS},
}


def _tag_break(match: re.Match[str]) -> str:
    # Inline tags vanish without a space: `<b>Trip</b>oli` is one word.
    return _BREAKS.get(match.group(1).lower(), "")


def _strip_markup(text: str) -> str:
    text = _DROPPED.sub(" ", text)
    if "<!" in text or "<?" in text:
        text = _CDATA.sub(r"\1", text)
        text = _COMMENT.sub(" ", text)
    return _TAG.sub(_tag_break, text)


def _decode(markup: str) -> str:
    # Two rounds at most: the second only for feeds that escaped their HTML or entities twice.
    text = markup
    for _ in range(2):
        if "<" in text:
            text = _strip_markup(text)
        if "&" in text:
            text = html.unescape(text)
        if not (
            ("<" in text and _ESCAPED_MARKUP.search(text)) or ("&" in text and _ENTITY.search(text))
        ):
            break
    return text


def _safe(text: str) -> str:
    # isprintable() is False for every control, format (bidi, BOM) and surrogate character, so
    # a printable text has nothing for strip_unsafe to remove: skip the regex (the common case).
    if text.replace("\n", " ").replace("\t", " ").isprintable():
        return text
    return strip_unsafe(text).replace("\u200b", " ")


def _paragraphs(text: str) -> str:
    # Same result as briefing.core.text.clean_block, in C-speed str methods.
    out = []
    for chunk in _BLANK_LINES.split(text):
        words = chunk.split()
        if words:
            out.append(" ".join(words))
    return "\n\n".join(out)


def html_to_text(markup: str) -> str:
    """Turn feed HTML (or plain text) into safe plain text with paragraphs kept.

    Block tags become paragraph breaks, `<br>` a line break (two make a paragraph),
    script/style/iframe are dropped with their content, entities are decoded (also when the
    feed escaped them twice, `&amp;eacute;` → é), and control characters and bidi overrides
    are removed (`html.unescape` turns `&#x1B;` into ESC and `&#xD800;` into U+FFFD).
    """
    if not markup:
        return ""
    text = markup if "<" not in markup and "&" not in markup else _decode(markup)
    return _paragraphs(_safe(text))


def html_to_line(markup: str, limit: int | None = None) -> str:
    """`html_to_text` folded to one line (titles, authors), capped at `limit` characters."""
    if not markup:
        return ""
    text = markup if "<" not in markup and "&" not in markup else _decode(markup)
    line = " ".join(_safe(text).split())
    if limit is not None and len(line) > limit:
        line = line[: max(limit - 1, 0)].rstrip() + "…"
    return line


# ---------------------------------------------------------------------------------------------
# URLs
# ---------------------------------------------------------------------------------------------


__all__ = ["html_to_line", "html_to_text"]
