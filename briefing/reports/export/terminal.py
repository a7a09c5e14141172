"""A brief as terminal text for the CLI and the TUI: rich Text built piece by piece, never markup."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.style import Style
from rich.text import Text

from briefing.core.text import clean_line
from briefing.reports.export.digest import plural, until_text, when_text
from briefing.reports.summarize import ActorBrief, http_url

_BARS = "▁▂▃▄▅▆▇█"


def sparkline(counts: Sequence[int]) -> str:
    """Counts as block characters, scaled to the largest."""
    top = max(counts, default=0)
    if top == 0:
        return _BARS[0] * len(counts)
    return "".join(_BARS[min(len(_BARS) - 1, round(c / top * (len(_BARS) - 1)))] for c in counts)


def _ranked_line(text: Text, label: str, ranked: Sequence[Any]) -> None:
    if not ranked:
        return
    text.append(f"{label:<9}", style="bold")
    for n, r in enumerate(ranked[:6]):
        if n:
            text.append(", ")
        text.append(clean_line(r.label, 80))
        text.append(f" ({r.count})", style="dim")
    text.append("\n")


def _link(text: Text, url: str | None, shown: str | None = None) -> None:
    safe = http_url(url)
    if safe is not None:
        text.append(shown or safe, style=Style(link=safe, underline=True))


def brief_text(brief: ActorBrief, *, days: int = 30) -> Text:
    """The brief for a terminal: a rich Text built piece by piece (feed text is never markup)."""
    out = Text()
    out.append(clean_line(brief.subject, 200), style="bold")
    if brief.actor is not None:
        out.append(f"  {brief.actor.kind.replace('_', ' ')}", style="dim")
    out.append("\n")
    if brief.since is not None:
        start = when_text(brief.since)
    else:
        start = when_text(brief.oldest) if brief.oldest else "the first item"
    end = until_text(brief.until) if brief.filter.until else f"until {when_text(brief.until)}"
    change = f" ({brief.trend_change:+.0%})" if brief.trend in ("rising", "falling") else ""
    trend = f" · trend: {brief.trend}{change}" if brief.trend != "none" else ""
    out.append(f"{plural(brief.total, 'item')} · from {start} {end}{trend}\n")
    if brief.daily:
        shown = brief.daily[-days:]
        out.append(f"{'Daily':<9}", style="bold")
        out.append(sparkline([d.count for d in shown]), style="cyan")
        out.append(
            f"  last {len(shown)} days, {shown[-1].day:%m-%d} = {shown[-1].count}\n", style="dim"
        )
    _ranked_line(out, "With", brief.co_mentions)
    _ranked_line(out, "Sources", brief.sources)
    _ranked_line(out, "Tags", brief.tags)
    if brief.key_points:
        out.append("\nKey points\n", style="bold underline")
        for n, p in enumerate(brief.key_points, 1):
            out.append(f"{n:>2}. ", style="bold")
            out.append(clean_line(p.text))
            out.append("\n    ")
            c = p.citation
            out.append(
                f"{clean_line(c.feed, 80)}, {c.published:%Y-%m-%d} · item {c.item_id}", style="dim"
            )
            if p.coverage > 1:
                out.append(f" · also in {p.coverage - 1} more", style="dim")
            if http_url(c.url):
                out.append(" · ", style="dim")
                _link(out, c.url)
            out.append("\n")
    for heading, stories in (("Most recent", brief.recent), ("Most covered", brief.most_covered)):
        if not stories:
            continue
        out.append(f"\n{heading}\n", style="bold underline")
        for story in stories:
            c = story.citation
            out.append(f" {c.published:%Y-%m-%d} ", style="dim")
            out.append(clean_line(c.title, 160))
            out.append(f" — {clean_line(c.feed, 80)}", style="dim")
            if story.coverage > 1:
                out.append(f" +{story.coverage - 1}", style="bold")
            out.append("\n")
    if brief.total == 0:
        out.append("\nNo items match this filter.\n", style="italic")
    out.rstrip()
    return out
