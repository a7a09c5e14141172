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
# Every element name of HTML, with the obsolete ones feeds still send. A tag with another name
# (`NOC <warns> of`) is text that was escaped once, never markup to remove.
_HTML_ELEMENTS = frozenset(
    "a abbr acronym address area article aside audio b base bdi bdo big blink blockquote body "
    "br button canvas caption center cite code col colgroup data datalist dd del details dfn "
    "dialog dir div dl dt em embed fieldset figcaption figure font footer form frame frameset "
    "h1 h2 h3 h4 h5 h6 head header hgroup hr html i iframe img input ins kbd label legend li "
    "link main map mark marquee menu meta meter nav nobr noframes noscript object ol optgroup "
    "option output p param picture pre progress q rp rt ruby s samp script search section "
    "select slot small source span strike strong style sub summary sup svg math table tbody "
    "td template textarea tfoot th thead time title tr track tt u ul var video wbr".split()
)
# What only markup has: a closing tag, a line break, image, rule or paragraph, a link with an
# href, or a character reference. A lone `<script>` in a headline about scripts is not markup.
_MARKUP_SIGN = re.compile(
    r"</([a-zA-Z][a-zA-Z0-9]*)\s*>|<(br|hr|img|p|wbr)\b[^<>]*>|<(a)\s+href\b[^<>]*>"
    r"|&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});",
    re.IGNORECASE,
)


_BREAKS = {
    **{name: "\n\n" for name in _PARAGRAPH_TAGS},
    **{name: "\n" for name in _LINE_TAGS},
    **{name: " " for name in _CELL_TAGS},
}
# What each HTML element's tag becomes: inline tags vanish without a space (`<b>Trip</b>oli` is
# one word).
_ELEMENT_BREAK = {name: _BREAKS.get(name, "") for name in _HTML_ELEMENTS}
_DROPPED_NAMES = frozenset(
    "script style iframe noscript template object embed svg math head title select textarea".split()
)
# A tag with no attributes and nothing odd inside: `<p>`, `</b>`, `<br>`.
_BARE_TAG = re.compile(r"(</?([a-zA-Z][a-zA-Z0-9]*)>)")


def _tag_break(match: re.Match[str]) -> str:
    name = match.group(1).lower()
    replacement = _ELEMENT_BREAK.get(name)
    if replacement is not None:
        return replacement
    # Not an HTML element: a namespaced Word tag like `<o:p>` vanishes; any other is decoded
    # text (`NOC <warns> of`) and stays.
    return "" if ":" in name else match.group(0)


def looks_like_html(text: str) -> bool:
    """Whether text of no declared type (RSS fields, authors) is markup rather than plain text.

    Markup has a closing tag or a line break, paragraph, image or link of an HTML element, or a
    character reference. `Why <script> tags were blocked` and `NOC <warns> of` have none: they
    are text that the feed escaped once and the parser already decoded.
    """
    if "<" not in text and "&" not in text:
        return False
    for sign in _MARKUP_SIGN.finditer(text):
        name = sign.group(1) or sign.group(2) or sign.group(3)
        if name is None or name.lower() in _HTML_ELEMENTS:
            return True
    return False


def _strip_bare_tags(text: str) -> str | None:
    """`_strip_markup` for text whose every `<` opens a bare tag, or None for any other text.

    Most feed HTML is paragraphs and emphasis without attributes (`<p>…</p><p><b>…</b></p>`).
    When every `<` opens such a tag, no comment, CDATA or quoted `>` can hide a tag and none is
    dropped with its content, so each distinct tag is replaced everywhere with str.replace
    (a tag holds one `<`, and no replacement holds one: no new tag can appear) instead of one
    Python call per tag. `tests/unit/test_htmltext_fast_paths.py` checks it against the regexes.
    """
    tags = _BARE_TAG.findall(text)
    if len(tags) != text.count("<"):
        return None
    replacements = []
    for tag, name in set(tags):
        key = name.lower()
        if key in _DROPPED_NAMES:
            return None
        replacement = _ELEMENT_BREAK.get(key)
        if replacement is not None:  # any other tag is text and stays
            replacements.append((tag, replacement))
    for tag, replacement in replacements:
        text = text.replace(tag, replacement)
    return text


def _strip_markup(text: str) -> str:
    fast = _strip_bare_tags(text)
    return fast if fast is not None else _strip_markup_general(text)


def _strip_markup_general(text: str) -> str:
    """The definition of `_strip_markup`: drop elements, comments and CDATA marks, then tags."""
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
        # A second round only when what the first left is itself markup (the feed escaped its
        # HTML twice): text like `a <script> tag` that was escaped on purpose stays as it is.
        if not looks_like_html(text):
            break
    return text


def _safe(text: str) -> str:
    return _checked(text)[0]


def _checked(text: str) -> tuple[str, bool]:
    """The text made safe, and whether it was printable but for line breaks and tabs."""
    # isprintable() is False for every control, format (bidi, BOM) and surrogate character, so
    # a printable text has nothing for strip_unsafe to remove: skip the regex (the common case).
    if text.isprintable() or text.replace("\n", " ").replace("\t", " ").isprintable():
        return text, True
    return strip_unsafe(text).replace("\u200b", " "), False


def _fold(text: str) -> str:
    """`" ".join(text.split())`, without splitting a text that is already one folded line."""
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        # A printable text has no whitespace but " " (every other space character is not
        # printable): with no double, leading or trailing space it is folded already.
        return text
    return " ".join(text.split())


def _fold_printable(text: str) -> str:
    """`_fold` for a text known to be printable but for line breaks and tabs (one less scan)."""
    if "\n" not in text and "\t" not in text and "  " not in text:
        if text[:1] != " " and text[-1:] != " ":
            return text
    return " ".join(text.split())


def _paragraphs(text: str, printable: bool = False) -> str:
    """Same result as briefing.core.text.clean_block, in C-speed str methods.

    `printable`: the text is printable but for line breaks and tabs (as `_checked` found).
    """
    if "\n" not in text:  # one paragraph (every title, most plain summaries)
        return _fold(text)
    fold = _fold_printable if printable else _fold
    lines = [fold(chunk) for chunk in _BLANK_LINES.split(text)]
    return "\n\n".join([line for line in lines if line])


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
    return _paragraphs(*_checked(text))


def html_to_line(markup: str, limit: int | None = None) -> str:
    """`html_to_text` folded to one line (titles, authors), capped at `limit` characters."""
    if not markup:
        return ""
    text = markup if "<" not in markup and "&" not in markup else _decode(markup)
    line = _fold(_safe(text))
    if limit is not None and len(line) > limit:
        line = line[: max(limit - 1, 0)].rstrip() + "…"
    return line


def text_to_text(text: str) -> str:
    """Plain text (a field typed text/plain) made safe, paragraphs kept; `<` stays `<`."""
    return _paragraphs(*_checked(text)) if text else ""


def text_to_line(text: str, limit: int | None = None) -> str:
    """Plain text folded to one safe line, capped at `limit` characters; nothing is removed."""
    if not text:
        return ""
    line = _fold(_safe(text))
    if limit is not None and len(line) > limit:
        line = line[: max(limit - 1, 0)].rstrip() + "…"
    return line


__all__ = ["html_to_line", "html_to_text", "looks_like_html", "text_to_line", "text_to_text"]
