"""The reading pane: one item laid out for reading, every piece of feed text as literal Text."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.console import Group
from rich.rule import Rule
from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from briefing.core.models import ItemDetail, ItemRow, Reason
from briefing.core.text import clean_block, clean_line

MentionFinder = Callable[[str], list[tuple[int, int, str]]]
StoryReport = tuple[ItemRow, str | None]
"""Another report of the item's story: its row and its language."""

STORY_SHOWN = 12
"""Reports of a story listed in the pane; the rest are counted."""
"""`Tagger.find_mentions`: (start, end, actor id) spans in the text it is given."""

BODY_CAP = 200_000
"""Longest body shown; beyond it the pane says the text was cut (the store keeps it all)."""


def describe_reason(reason: Reason) -> str:
    where = {"title": "title", "summary": "summary", "content": "text", "feed": "feed"}
    sign = "+" if reason.weight >= 0 else "−"
    note = f" ({reason.note})" if reason.note else ""
    term = clean_line(reason.term, 60)
    return f"“{term}” in {where.get(reason.field, reason.field)} {sign}{abs(reason.weight):g}{note}"


class ItemDetailView(Static):
    """Title, source, date, link, actors, tags, note, why it counted, also-in, then the text."""

    COMPONENT_CLASSES = {
        "item-detail--title",
        "item-detail--meta",
        "item-detail--label",
        "item-detail--link",
        "item-detail--actor",
        "item-detail--tag",
        "item-detail--note",
        "item-detail--reason",
        "item-detail--mention",
        "item-detail--match",
        "item-detail--hint",
        "item-detail--state",
    }

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self.detail: ItemDetail | None = None

    def show_hint(self, lines: Sequence[str]) -> None:
        """The pane with nothing to show: a short, literal hint."""
        self.detail = None
        hint = self.get_component_rich_style("item-detail--hint", partial=True)
        title = self.get_component_rich_style("item-detail--title", partial=True)
        text = Text()
        for number, line in enumerate(lines):
            text.append(line + "\n\n", style=title if number == 0 else hint)
        self.update(text)

    def show(
        self,
        detail: ItemDetail,
        *,
        words: Sequence[str] = (),
        find_mentions: MentionFinder | None = None,
        story: Sequence[StoryReport] = (),
    ) -> None:
        """Lay out `detail`; `words` are highlighted (search), mentions marked in the text;
        `story` is the other reports of its story (`Store.story_members`), with languages."""
        self.detail = detail
        s = self.get_component_rich_style
        row = detail.row
        parts: list[Text | Rule] = []

        title = Text(clean_line(row.title, 1000) or "(untitled)", style=s("item-detail--title"))
        parts.append(title)

        meta = Text(style=s("item-detail--meta", partial=True))
        meta.append(clean_line(row.feed, 80))
        meta.append("  ·  ")
        meta.append(row.published.astimezone().strftime("%a %d %b %Y, %H:%M %Z"))
        if detail.author:
            meta.append("  ·  ")
            meta.append(clean_line(detail.author, 200))
        if detail.language:
            meta.append(f"  ·  {clean_line(detail.language, 10)}")
        parts.append(meta)
        states = [
            name
            for name, on in (
                ("★ flagged", row.flagged),
                ("unread", not row.read),
                ("dismissed", row.dismissed),
                ("article", row.kind == "article"),
            )
            if on
        ]
        if states:
            parts.append(Text("  ".join(states), style=s("item-detail--state", partial=True)))
        link = row.url or detail.canonical_url
        if link:
            parts.append(Text(clean_line(link, 500), style=s("item-detail--link", partial=True)))
        parts.append(Rule(style=s("item-detail--meta", partial=True)))

        facts = Text()
        label = s("item-detail--label", partial=True)

        def fact(name: str, value: Text) -> None:
            facts.append(f"{name:<10}", style=label)
            facts.append_text(value)
            facts.append("\n")

        if detail.mentions:
            actors = Text()
            for number, mention in enumerate(detail.mentions):
                if number:
                    actors.append(" · ")
                actors.append(
                    clean_line(mention.name, 80), style=s("item-detail--actor", partial=True)
                )
                if mention.count > 1:
                    actors.append(f" ×{mention.count}")
            fact("Actors", actors)
        elif row.actors:
            fact("Actors", Text(clean_line(", ".join(row.actors), 400)))
        if row.tags:
            tags = Text()
            for number, tag in enumerate(row.tags):
                if number:
                    tags.append("  ")
                tags.append(f"#{clean_line(tag, 60)}", style=s("item-detail--tag", partial=True))
            fact("Tags", tags)
        if detail.event.type != "none":
            event = Text(detail.event.type.replace("_", " "), style=label)
            if detail.event.reasons:
                event.append(": ")
                event.append(clean_line("; ".join(detail.event.reasons[:8]), 400))
            fact("Event", event)
        if detail.places:
            fact("Places", _places(detail))
        if story:
            fact("Story", self._story(story, detail.language))
        if detail.story_reasons:
            fact("Joined", Text(clean_line("; ".join(detail.story_reasons[:8]), 400)))
        if row.also_in:
            fact("Also in", Text(clean_line(", ".join(row.also_in), 400)))
        if detail.reasons:
            why = Text(
                f"relevance {row.relevance:g}: ", style=s("item-detail--reason", partial=True)
            )
            why.append("; ".join(describe_reason(r) for r in detail.reasons[:8]))
            fact("Why", why)
        elif row.kind == "article":
            fact("Why", Text("an imported article: kept whatever it mentions"))
        if detail.note:
            # A note keeps its line breaks: the analyst wrote them.
            lines = [clean_line(line) for line in detail.note[:5000].splitlines()]
            note = Text("\n".join(lines).strip(), style=s("item-detail--note", partial=True))
            fact("Note", note)
        if detail.full_text_status == "failed":
            # Shown literally: the reason may quote the page or the server.
            reason = clean_line(detail.full_text_reason, 300) or "no reason given"
            fact("Article", Text(f"could not be fetched: {reason}"))
        elif detail.full_text_status == "ok":
            fact("Article", Text("the full article is shown below (fetched from the link)"))
        if facts:
            facts.rstrip()
            parts.append(facts)
            parts.append(Rule(style=s("item-detail--meta", partial=True)))

        full = detail.full_text if detail.full_text_status == "ok" else ""
        body_text = clean_block(full or detail.content or detail.summary)
        if len(body_text) > BODY_CAP:
            body_text = body_text[:BODY_CAP] + "\n\n[text cut here for display]"
        body = Text(body_text or "(no text in the feed; press o to open the link)")
        self._mark(body, words, detail, find_mentions)
        self._mark_words(title, words)
        parts.append(body)
        if detail.authors_details:
            parts.append(Rule(style=s("item-detail--meta", partial=True)))
            parts.append(
                Text(
                    clean_block(detail.authors_details, 5000),
                    style=s("item-detail--meta", partial=True),
                )
            )
        self.update(Group(*parts))

    def _story(self, reports: Sequence[StoryReport], language: str | None) -> Text:
        """The story's other reports, one line each: feed, language, date, title."""
        meta = self.get_component_rich_style("item-detail--meta", partial=True)
        languages = list(
            dict.fromkeys(lang for lang in (language, *(r[1] for r in reports)) if lang)
        )
        text = Text(f"{len(reports) + 1} reports", style=meta)
        if languages:
            text.append(" · " + " ".join(clean_line(lang, 10) for lang in languages), style=meta)
        for other, language in reports[:STORY_SHOWN]:
            text.append("\n  ")
            text.append(clean_line(other.feed, 40), style=meta)
            if language:
                text.append(f" ({clean_line(language, 10)})", style=meta)
            text.append(f" {other.published.astimezone().strftime('%d %b %H:%M')}  ", style=meta)
            text.append(clean_line(other.title, 160))
        if len(reports) > STORY_SHOWN:
            text.append(f"\n  … and {len(reports) - STORY_SHOWN} more", style=meta)
        return text

    def _mark_words(self, text: Text, words: Sequence[str]) -> None:
        if words:
            text.highlight_words(
                list(words),
                style=self.get_component_rich_style("item-detail--match", partial=True),
                case_sensitive=False,
            )

    def _mark(
        self,
        body: Text,
        words: Sequence[str],
        detail: ItemDetail,
        find_mentions: MentionFinder | None,
    ) -> None:
        mention: Style = self.get_component_rich_style("item-detail--mention", partial=True)
        spans: list[tuple[int, int, str]] = []
        if find_mentions is not None:
            try:
                spans = find_mentions(body.plain)
            except Exception:  # a broken gazetteer must not take the pane down
                spans = []
        if spans:
            for start, end, _actor in spans:
                body.stylize(mention, start, end)
        else:
            surfaces = sorted({s for m in detail.mentions for s in m.surfaces if s.strip()})
            if surfaces:
                body.highlight_words(surfaces, style=mention, case_sensitive=False)
        self._mark_words(body, words)


def _places(detail: ItemDetail) -> Text:
    """The item's places, the event's place first and marked ◉ (the others only named)."""
    text = Text()
    ordered = sorted(detail.places, key=lambda p: not p.primary)
    for number, place in enumerate(ordered):
        if number:
            text.append(" · ")
        text.append(("◉ " if place.primary else "") + clean_line(place.name, 80))
        if place.region:
            text.append(f" ({clean_line(place.region, 40)})", style="dim")
    return text
