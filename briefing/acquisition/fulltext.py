"""An article page's main text: the body an outlet's feed left out, as clean paragraphs.

Many feeds carry only a headline and a line. The page behind the link holds the article, wrapped
in navigation, adverts, comment threads and related-story blocks. trafilatura finds the main
text (it is the field's standard, scores best on the published extraction benchmarks, reads
Arabic and French pages as well as English, and falls back to readability and jusText itself);
readability-lxml is lighter but keeps more boilerplate and has no fallback. It is imported on
first use, so commands that never extract an article do not pay for it.

The page is hostile input like any feed: the result is plain text with no markup, no control
characters and no bidi overrides, bounded in size, and a page that is not HTML, is too large, or
holds no article says why instead of raising.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from briefing.core.text import clean_block, clean_line

MAX_PAGE_BYTES = 3_000_000
"""A larger page is refused before parsing: news articles are far smaller, and parsing cost
grows with the page."""
MAX_TEXT_CHARS = 100_000
"""The stored text is cut here (a long report; anything longer is not one article)."""
MIN_TEXT_CHARS = 200
"""Less than this is a teaser or a paywall stub, not the article."""

FullTextStatus = Literal["ok", "failed"]

_HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass(frozen=True)
class FullText:
    """What extracting one page gave: the text, or the reason there is none."""

    status: FullTextStatus
    text: str = ""
    """Paragraphs separated by one blank line; empty when `status` is failed."""
    reason: str = ""
    """Why extraction failed, as one line for the reading pane and `--json`."""


def _failed(reason: str) -> FullText:
    return FullText("failed", reason=clean_line(reason, 300))


def is_html(content_type: str | None) -> bool:
    """True when the Content-Type names an HTML page (or names nothing: servers omit it)."""
    if not content_type:
        return True
    return content_type.split(";", 1)[0].strip().lower() in _HTML_TYPES


def extract_full_text(body: bytes, *, url: str, content_type: str | None = None) -> FullText:
    """The main text of one downloaded page.

    Args:
        body: the page as downloaded (decompressed).
        url: where it came from (helps the extractor tell site furniture from the article).
        content_type: the response's Content-Type header, if any.

    Returns:
        `FullText("ok", text)` with clean paragraphs, or `FullText("failed", reason=...)`.
    """
    if not is_html(content_type):
        kind = clean_line(content_type or "", 80)
        return _failed(f"not an HTML page ({kind}): only web pages are extracted")
    if len(body) > MAX_PAGE_BYTES:
        return _failed(f"page too large ({len(body):,} bytes, limit {MAX_PAGE_BYTES:,})")
    if not body.strip():
        return _failed("empty page")
    if b"\x00" in body[:4096]:
        return _failed("binary content, not an HTML page")
    import trafilatura  # 0.3 s to import: only when a page is extracted

    try:
        text = trafilatura.extract(
            body,
            url=url or None,
            output_format="txt",
            include_comments=False,
            include_tables=False,
            include_images=False,
            include_links=False,
            favor_precision=True,
            # Not `deduplicate`: it keeps a process-wide cache and discards a page it has seen,
            # so fetching the same article again (or in a test) would come back empty.
            deduplicate=False,
        )
    except Exception as error:  # a broken page must never stop the caller
        return _failed(f"extraction failed: {type(error).__name__}")
    if not text:
        return _failed("no article text found on the page")
    paragraphs = [clean_line(p) for p in text.split("\n")]
    cleaned = clean_block("\n\n".join(p for p in paragraphs if p), MAX_TEXT_CHARS)
    if len(cleaned) < MIN_TEXT_CHARS:
        return _failed(f"no article text found (only {len(cleaned)} characters)")
    return FullText("ok", cleaned)


__all__ = ["MAX_PAGE_BYTES", "FullText", "FullTextStatus", "extract_full_text", "is_html"]
