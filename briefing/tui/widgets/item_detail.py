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
"""`Tagger.find_mentions`: (start, end, actor id) spans in the text it is given."""
StoryReport = tuple[ItemRow, str | None]
"""Another report of the item's story: its row and its language."""

_Shown = tuple[ItemDetail, Sequence[str], MentionFinder | None, Sequence[StoryReport]]

KEEP_WHOLE = frozenset({"Note"})
"""Details never folded: the analyst's own words."""

STORY_SHOWN = 12
"""Reports of a story listed in the pane; the rest are counted."""

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
        self._narrow = False
        self._fold: bool | None = None
        """The analyst's choice (w, or a click on the fold line); None follows the width."""
        self.fold_key = "w"
        """The key that folds and unfolds, as the analyst bound it (named on the fold line)."""
        self._shown: _Shown | None = None
        """What `show` was last given, to lay it out again when the folding changes."""

    @property
    def narrow(self) -> bool:
        """Set by the screen: a narrow terminal folds the long blocks by default."""
        return self._narrow

    @narrow.setter
    def narrow(self, narrow: bool) -> None:
        if narrow != self._narrow:
            self._narrow = narrow
            self._fold = None  # crossing the width resets the analyst's choice
            self._redraw()

    @property
    def folded(self) -> bool:
        """Whether the details (why, story, places…) show one line each."""
        return self._narrow if self._fold is None else self._fold

    def toggle_fold(self) -> None:
        """Unfold the details, or fold them, for this and the next items (till a resize)."""
        self._fold = not self.folded
        self._redraw()

    def action_toggle_fold(self) -> None:
        self.toggle_fold()  # a click on the fold line

    def _redraw(self) -> None:
        if self.detail is not None and self._shown is not None:
            detail, words, find_mentions, story = self._shown
            self.show(detail, words=words, find_mentions=find_mentions, story=story)

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
        self._shown = (detail, words, find_mentions, story)
        folded = self.folded
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
        state_style = s("item-detail--state", partial=True)
        if folded:
            # One line for both, the states first (the line ends in "…" when it is longer):
            # the text below is what a narrow pane is for.
            line = Text(no_wrap=True, overflow="ellipsis")
            if states:
                line.append("  ".join(states), style=state_style)
                line.append("  ·  ", style=meta.style)
            line.append_text(meta)
            parts.append(line)
        else:
            parts.append(meta)
            if states:
                parts.append(Text("  ".join(states), style=state_style))
        link = row.url or detail.canonical_url
        if link:
            shown_link = Text(clean_line(link, 500), style=s("item-detail--link", partial=True))
            if folded:
                shown_link.no_wrap = True
                shown_link.overflow = "ellipsis"
            parts.append(shown_link)
        parts.append(Rule(style=s("item-detail--meta", partial=True)))

        facts: list[tuple[str, Text]] = []
        label = s("item-detail--label", partial=True)

        def fact(name: str, value: Text) -> None:
            facts.append((name, value))

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
            # Later lines start under the first, past the 10-column label.
            indented = ("\n" + " " * 10).join("\n".join(lines).strip().splitlines())
            note = Text(indented, style=s("item-detail--note", partial=True))
            fact("Note", note)
        if detail.full_text_status == "failed":
            # Shown literally: the reason may quote the page or the server.
            reason = clean_line(detail.full_text_reason, 300) or "no reason given"
            fact("Article", Text(f"could not be fetched: {reason}"))
        elif detail.full_text_status == "ok":
            fact("Article", Text("the full article is shown below (fetched from the link)"))
        if facts:
            parts += self._facts(facts, folded)

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

    def _facts(self, facts: Sequence[tuple[str, Text]], folded: bool) -> list[Text | Rule]:
        """The labelled details, then a rule; folded, each but the note is one line ending
        in "…" when it is longer, and the rule says how to unfold them (a click does too)."""
        label = self.get_component_rich_style("item-detail--label", partial=True)
        meta = self.get_component_rich_style("item-detail--meta", partial=True)
        out: list[Text | Rule] = []
        whole = Text()
        for name, value in facts:
            if not folded or name in KEEP_WHOLE:
                whole.append(f"{name:<10}", style=label)
                whole.append_text(value)
                whole.append("\n")
                continue
            if whole:
                whole.rstrip()
                out.append(whole)
                whole = Text()
            lines = value.split("\n")
            line = Text(f"{name:<10}", style=label, no_wrap=True, overflow="ellipsis")
            line.append_text(lines[0])
            if len(lines) > 1:
                line.append(" …")
            out.append(line)
        if whole:
            whole.rstrip()
            out.append(whole)
        # The rule names the key wherever folding is in play; the wide default stays plain.
        key = clean_line(self.fold_key, 20)
        hint = f"{key}: fold details" if self._narrow or self._fold is not None else ""
        if folded:
            hint = f"{key}: all details"
        if hint:
            click = Style(meta={"@click": "toggle_fold"})
            out.append(Rule(Text(hint, style=meta + click), align="right", style=meta))
        else:
            out.append(Rule(style=meta))
        return out

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
