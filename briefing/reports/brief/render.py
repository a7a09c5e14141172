"""A story brief as Markdown (to send) and as terminal text (rich Text, never markup)."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text

from briefing.core.text import clean_line
from briefing.reports.brief.model import (
    Brief,
    CountRow,
    FoldedLine,
    StoryLine,
    event_label,
)
from briefing.reports.export.markdown import md_escape, md_link

_CHANGE_MARK = {"new": "NEW", "updated": "UPDATED", "unchanged": "", "": ""}


def _day(value: datetime) -> str:
    return f"{value:%d %b}"


def _period(b: Brief) -> str:
    return f"{b.since:%Y-%m-%d %H:%M} to {b.until:%Y-%m-%d %H:%M} UTC"


def _where(s: StoryLine) -> str:
    return s.place or "no place named"


def _one_line(s: StoryLine) -> str:
    """date, place — what happened (event type), as plain text."""
    return f"{_day(s.date)}, {_where(s)} — {s.headline} ({event_label(s.event_type)})"


def _folded_text(f: FoldedLine) -> str:
    n = len(f.stories)
    places = ", ".join(f.places) or "no place named"
    first, last = f.stories[0].date, f.stories[-1].date
    return f"{n} {event_label(f.event_type, n)}: {places} ({_day(first)}–{_day(last)})"


def _trend(c: CountRow) -> str:
    return f" ({c.trend})" if c.trend else ""


# --- Markdown --------------------------------------------------------------------------------


def _md_sources(s: StoryLine) -> str:
    return "; ".join(md_link(x.feed, x.url) for x in s.sources)


def _md_story(s: StoryLine) -> str:
    mark = _CHANGE_MARK[s.change]
    prefix = f"**{mark}** " if mark else ""
    return f"{prefix}{md_escape(_one_line(s))} — {_md_sources(s)}"


def brief_markdown(b: Brief) -> str:
    """The brief to send: header, bottom line, by actor, counts, geography, judgments."""
    out = [f"# {md_escape(b.title)}", ""]
    out.append(f"**Period:** {md_escape(_period(b))}  ")
    out.append(f"**Filter:** {md_escape(b.filter_text or 'everything')}  ")
    sources = ", ".join(md_escape(x) for x in b.sources_used) or "none"
    out.append(f"**Sources ({len(b.sources_used)}):** {sources}  ")
    n = len(b.stories)
    compared = f"compared with brief {b.previous_brief}" if b.previous_brief else "no earlier brief"
    out.append(f"**Stories:** {n} · {md_escape(compared)}")
    out.append("")
    out.append("## Bottom line")
    out.append("")
    if not b.bottom_line:
        out.append("*No stories in this period.*")
    for s in b.bottom_line:
        out.append(f"- {_md_story(s)}  ")
        out.append(f"  *Why it ranks: {md_escape(', '.join(s.why))}*")
    out.append("")
    if b.by_actor:
        out.append("## By actor")
        out.append("")
        for section in b.by_actor:
            out.append(f"### {md_escape(section.heading)} ({section.stories})")
            out.append("")
            for line in section.lines:
                if isinstance(line, FoldedLine):
                    cited = "; ".join(
                        f"{md_escape(_where(s))}: {_md_sources(s)}" for s in line.stories
                    )
                    out.append(f"- {md_escape(_folded_text(line))} — {cited}")
                else:
                    out.append(f"- {_md_story(line)}")
            out.append("")
    out.append("## Counts")
    out.append("")
    out.append("Stories this period against the previous period of the same length.")
    out.append("")
    for heading, rows in (("By event type", b.by_type), ("By region", b.by_region)):
        out.append(
            f"**{heading}:** "
            + (
                "; ".join(f"{md_escape(c.label)} {c.now} (was {c.before}){_trend(c)}" for c in rows)
                or "none"
            )
            + "  "
        )
    out.append("")
    out.append("## Geography")
    out.append("")
    if b.places:
        out.append(
            ", ".join(
                f"{md_escape(p)} ({md_escape(r or 'outside Libya')}) {n}" for p, r, n in b.places
            )
        )
    else:
        out.append("*No places named.*")
    out.append("")
    if b.dropped:
        out.append("## No longer in this brief")
        out.append("")
        out.extend(f"- {md_escape(_one_line(s))}" for s in b.dropped)
        out.append("")
    out.append("## Analyst's judgments")
    out.append("")
    if b.judgments:
        for j in b.judgments:
            out.append(f"- *{md_escape(j.headline)}:* {md_escape(j.note)}")
    else:
        out.append("*None shared.* (Notes reach a brief only when marked to be shared.)")
    return "\n".join(out).rstrip() + "\n"


# --- terminal --------------------------------------------------------------------------------


def brief_text(b: Brief) -> Text:
    """The brief for a terminal: Text built piece by piece, so feed text is never markup."""
    out = Text()
    out.append(clean_line(b.title, 200) + "\n", style="bold")
    out.append(f"{_period(b)} · {clean_line(b.filter_text or 'everything', 300)}\n", style="dim")
    out.append(
        f"{len(b.stories)} stories from {len(b.sources_used)} sources"
        + (f" · compared with brief {b.previous_brief}" if b.previous_brief else "")
        + "\n"
    )

    def story(s: StoryLine, indent: str = "  ") -> None:
        mark = _CHANGE_MARK[s.change]
        out.append(indent)
        if mark:
            out.append(mark + " ", style="bold yellow")
        out.append(clean_line(_one_line(s), 400))
        out.append(" — " + "; ".join(clean_line(x.feed, 80) for x in s.sources) + "\n", style="dim")

    out.append("\nBottom line\n", style="bold underline")
    if not b.bottom_line:
        out.append("  No stories in this period.\n", style="italic")
    for s in b.bottom_line:
        story(s)
        out.append(f"    why: {', '.join(s.why)}\n", style="dim")
    if b.by_actor:
        out.append("\nBy actor\n", style="bold underline")
        for section in b.by_actor:
            out.append(f" {clean_line(section.heading, 300)} ({section.stories})\n", style="bold")
            for line in section.lines:
                if isinstance(line, FoldedLine):
                    out.append("  " + clean_line(_folded_text(line), 400) + "\n")
                else:
                    story(line)
    out.append("\nCounts (this period, was)\n", style="bold underline")
    for c in (*b.by_type, *b.by_region):
        out.append(f"  {clean_line(c.label, 80)}: {c.now} (was {c.before}){_trend(c)}\n")
    if b.places:
        out.append("\nGeography\n", style="bold underline")
        out.append("  " + ", ".join(f"{clean_line(p, 60)} {n}" for p, _, n in b.places[:20]) + "\n")
    if b.dropped:
        out.append("\nNo longer in this brief\n", style="bold underline")
        for s in b.dropped:
            story(s)
    out.append("\nAnalyst's judgments\n", style="bold underline")
    if b.judgments:
        for j in b.judgments:
            out.append(f"  {clean_line(j.headline, 200)}: {clean_line(j.note, 2000)}\n")
    else:
        out.append("  None shared.\n", style="italic")
    out.rstrip()
    return out


__all__ = ["brief_markdown", "brief_text"]
