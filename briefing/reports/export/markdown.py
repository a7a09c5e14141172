"""The digest as GitHub-flavoured Markdown: markup escaped where a renderer would read it, no raw
HTML, no links but ours."""

from __future__ import annotations

import re
import urllib.parse
from datetime import UTC, datetime

from briefing.core.text import clean_line
from briefing.reports.export.digest import Digest, DigestItem, counts_text, period_text, plural
from briefing.reports.summarize import ActorBrief, KeyPoint, http_url

# Escaped only where a renderer would read them as markup, so a client reads "Haftar & LNA",
# not "Haftar \& LNA": code spans, emphasis, links and images (an escaped "[" is enough for
# both), raw HTML and autolinks, strikethrough and math; a backslash before punctuation or at
# the end (a hard break); "_" at a word's edge (inside a word it never emphasises); "&" only
# where it would start an entity; "@" only where it would join an email autolink.
_MD_INLINE = re.compile(
    r"[`*\[\]<~$]"
    r"|\\(?=[!-/:-@\[-`{-~]|$)"
    r"|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])"
    r"|&(?=#?[A-Za-z0-9]+;)"
    r"|(?<=[A-Za-z0-9._%+-])@"
)
# At the start of a line these open blocks: an ordered or bullet list item, a heading, a quote,
# a thematic break or setext underline (a line of only "-" or "="). "#1 priority" or "-3 °C" are
# not blocks and stay as they are.
_MD_BLOCK_START = re.compile(
    r"^(?:\d{1,9}(?=[.)](?:\s|$))|(?=[-+](?:\s|$))|(?=#{1,6}(?:\s|$))|(?=>)|(?=[-=][-=\s]*$))"
)
# Link destinations keep only characters that need no escaping in `[text](url)`.
_URL_SAFE = "/:?#@!$&*+,;=%~-._"


def md_escape(text: str) -> str:
    """Escape one line of text for GitHub-flavoured Markdown (no raw HTML can survive)."""
    escaped = _MD_INLINE.sub(lambda m: "\\" + m.group(), clean_line(text))
    start = _MD_BLOCK_START.match(escaped)
    if start is None:
        return escaped
    cut = start.end()
    return f"{escaped[:cut]}\\{escaped[cut:]}"


def md_link(text: str, url: str | None) -> str:
    """`[text](url)` for an http(s) URL, else the escaped text alone."""
    safe = http_url(url)
    if safe is None:
        return md_escape(text)
    return f"[{md_escape(text)}]({urllib.parse.quote(safe, safe=_URL_SAFE)})"


def _md_date(value: datetime) -> str:
    return f"{value.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def _md_point(p: KeyPoint) -> str:
    c = p.citation
    cite = (
        f"{md_escape(c.feed)}, {c.published:%Y-%m-%d}, {md_link('link', c.url)}, item {c.item_id}"
    )
    more = f"; also in {p.coverage - 1} more" if p.coverage > 1 else ""
    return f"{md_escape(p.text)} ({cite}{more})"


def _md_brief(b: ActorBrief, trend: bool = True) -> list[str]:
    lines: list[str] = []
    glance = [plural(b.total, "item")] + (
        [f"trend: {b.trend}"] if trend and b.trend != "none" else []
    )
    if b.sources:
        glance.append(
            "top sources: " + ", ".join(f"{md_escape(r.label)} ({r.count})" for r in b.sources[:3])
        )
    if b.co_mentions:
        glance.append(
            "with: " + ", ".join(f"{md_escape(r.label)} ({r.count})" for r in b.co_mentions[:3])
        )
    if b.tags:
        glance.append("tags: " + ", ".join(f"{md_escape(r.label)} ({r.count})" for r in b.tags[:3]))
    lines.append("*" + " · ".join(glance) + "*")
    lines.append("")
    if b.key_points:
        lines.append("**Key points**")
        lines.append("")
        lines.extend(f"{n}. {_md_point(p)}" for n, p in enumerate(b.key_points, 1))
        lines.append("")
    return lines


def _md_item(i: DigestItem) -> list[str]:
    flag = "★ " if i.flagged else ""
    lines = [f"- {flag}**{md_link(i.title, i.url)}**  "]
    source = md_escape(i.feed)
    if i.also_in:
        source += " (also in " + ", ".join(md_escape(x) for x in i.also_in) + ")"
    lines.append(f"  {source} · {_md_date(i.published)} · item {i.id}  ")
    if i.actors:
        lines.append("  Actors: " + ", ".join(md_escape(a) for a in i.actors) + "  ")
    if i.tags:
        lines.append("  Tags: " + ", ".join(md_escape(t) for t in i.tags) + "  ")
    if i.see_also:
        lines.append("  See also: " + ", ".join(md_escape(g) for g in i.see_also) + "  ")
    if i.excerpt:
        lines.append(f"  {md_escape(i.excerpt)}  ")
    if i.note:
        lines.append("")
        # Each note line is its own escaped line; a trailing backslash keeps the line break.
        notes = _note_lines(i.note)
        for n, line in enumerate(notes):
            end = "\\" if n < len(notes) - 1 and line and notes[n + 1] else ""
            lines.append(f"  > {md_escape(line)}{end}" if line else "  >")
    lines[-1] = lines[-1].rstrip()
    return lines


def _note_lines(note: str) -> list[str]:
    lines = note.split("\n")
    return [f"Note: {lines[0]}", *lines[1:]]


def _md_seed(s: DigestItem) -> list[str]:
    by = f" by {md_escape(s.author)}" if s.author else ""
    return [
        "## Context",
        "",
        f"Seed article: {md_link(s.title, s.url)}, {md_escape(s.feed)}{by}, {s.published:%Y-%m-%d}.",
        "",
    ]


def to_markdown(d: Digest) -> str:
    """The digest as GitHub-flavoured Markdown."""
    lines = [f"# {md_escape(d.title)}", ""]
    lines.append(f"**Period:** {md_escape(period_text(d))}  ")
    lines.append(f"**Filter:** {md_escape(d.filter_text)}  ")
    counts = counts_text(d)
    lines.append(f"**Counts:** {counts}  ")
    lines.append(f"**Generated:** {_md_date(d.generated_at)}")
    lines.append("")
    if d.seed is not None:
        lines.extend(_md_seed(d.seed))
    if not d.items:
        lines.extend(["*No items match this filter.*", ""])
    for g in d.groups:
        lines.append(f"## {md_escape(g.label)} ({len(g.items)})")
        lines.append("")
        lines.extend(_md_brief(g.brief, trend=d.group_by != "day"))
        lines.append("**Items**")
        lines.append("")
        for item in g.items:
            lines.extend(_md_item(item))
        if g.also:
            lines.append("")
            listed = ", ".join(f"{md_escape(i.title)} (item {i.id})" for i in g.also)
            lines.append(f"*Also in this group, listed under another:* {listed}")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
