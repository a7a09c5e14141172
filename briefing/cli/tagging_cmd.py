"""`briefing retag` and `briefing classify FILE`: run the relevance rules and the gazetteer.

Re-run tagging over the stored items after the rules or the gazetteer changed, and dry-run
them on a feed file or a JSONL file while tuning them. Feed text is printed through
`rich.text.Text` objects, never as markup.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from briefing.cli._common import Context, pass_ctx, plain_console, tagger_for
from briefing.core.errors import ConfigError, ParseError
from briefing.core.files import read_capped
from briefing.core.models import ActorInfo, Entry, FeedSpec, PlaceInfo, RelevanceMode, Tagged
from briefing.core.text import clean_line

_MODES = ("all", "default", "strict")


# ---------------------------------------------------------------------------------------------
# briefing retag
# ---------------------------------------------------------------------------------------------


@click.command("retag")
@pass_ctx
def retag(ctx: Context) -> None:
    """Re-run relevance and actor tagging over every stored item.

    Use after editing the relevance rules or the gazetteer. Tags, notes and triage are kept;
    all changes are written in one transaction at the end, so an error changes nothing.
    """
    tagger = tagger_for(ctx)  # a bad rules or gazetteer file stops here, before any write
    store = ctx.open_store()
    store.sync_actors(tagger.actor_infos())
    store.sync_places(tagger.place_infos())
    # feeds.yaml first; a feed no longer (or never) listed there keeps the mode it was fetched with.
    modes: dict[str, FeedSpec] = {**store.feed_specs(), **{f.name: f for f in ctx.config.feeds}}
    total = store.status().items
    results: list[tuple[int, Tagged]] = []
    console = Console(stderr=True, highlight=False)
    with Progress(
        TextColumn("tagging"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("tagging", total=total or None)
        for item_id, entry in store.iter_entries():
            results.append((item_id, tagger.tag(entry, modes.get(entry.feed))))
            progress.advance(task)
    # Feed tags from feeds.yaml as it is now; feeds it does not list keep their stored tags.
    summary = store.retag(results, {f.name: f.tags for f in ctx.config.feeds})
    click.echo(
        f"retagged {summary.items:,} items: relevance changed for {summary.relevance_changed:,} "
        f"({summary.became_relevant:,} became relevant, {summary.became_irrelevant:,} irrelevant); "
        f"actors changed for {summary.actors_changed:,} "
        f"(+{summary.mentions_added:,} / -{summary.mentions_removed:,} mentions); "
        f"feed tags +{summary.feed_tags_added:,} / -{summary.feed_tags_removed:,}; "
        f"event type changed for {summary.events_changed:,}; {summary.stories:,} stories"
    )


# ---------------------------------------------------------------------------------------------
# briefing classify FILE
# ---------------------------------------------------------------------------------------------


def _parse_date(value: Any, where: str) -> datetime | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise ConfigError(f"{where}: published must be an ISO date text")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ConfigError(
            f"{where}: published {value!r} is not an ISO date (YYYY-MM-DD…)"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def read_jsonl(path: Path, text: str) -> Iterator[tuple[Entry, RelevanceMode | None]]:
    """Entries from a JSONL file of {"id","title","summary","published","lang"} (and "mode")."""
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            raise ConfigError(f"{where}: not a JSON object ({error.msg})") from None
        if not isinstance(data, dict):
            raise ConfigError(f"{where}: each line must be a JSON object")
        mode = data.get("mode")
        if mode is not None and mode not in _MODES:
            raise ConfigError(f"{where}: mode {mode!r} is not one of all, default, strict")
        yield (
            Entry(
                identity=str(data.get("id", number)),
                feed=str(data.get("feed", path.name)),
                title=str(data.get("title") or ""),
                summary=str(data.get("summary") or ""),
                content=str(data.get("content") or ""),
                published=_parse_date(data.get("published"), where),
                language=str(language)
                if (language := data.get("lang") or data.get("language"))
                else None,
                url=str(link) if (link := data.get("url") or data.get("link")) else None,
                canonical_url=str(link) if link else None,
            ),
            mode,
        )


MAX_ITEMS_FILE_BYTES = 256 * 1024 * 1024
"""A file of items for `classify` is read whole: larger than this, it is refused unread."""


def read_items(path: Path) -> list[tuple[Entry, RelevanceMode | None]]:
    """A JSONL file of items or a feed file (RSS/Atom, parsed like a fetched feed)."""
    body = read_capped(path, MAX_ITEMS_FILE_BYTES, "a file of items")  # not /dev/zero
    head = body.lstrip()[:1]
    if path.suffix.lower() in {".jsonl", ".ndjson", ".json"} or head == b"{":
        try:
            text = body.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ConfigError(f"{path}: a JSONL file must be UTF-8") from None
        return list(read_jsonl(path, text))
    from briefing.acquisition.parse import parse_feed

    spec = FeedSpec(name=path.stem, url=str(path))
    try:
        parsed = parse_feed(body, {}, spec)
    except ParseError:
        raise
    return [(entry, None) for entry in parsed.entries]


def verdict_json(tagged: Tagged, mode: RelevanceMode) -> dict[str, Any]:
    v = tagged.verdict
    return {
        "id": tagged.entry.identity,
        "title": tagged.entry.title,
        "mode": mode,
        "relevant": v.relevant,
        "score": v.score,
        "reasons": [
            {"term": r.term, "field": r.field, "weight": r.weight, "note": r.note}
            for r in v.reasons
        ],
        "actors": [{"id": m.actor_id, "name": m.name, "count": m.count} for m in tagged.actors],
        "event": {"type": tagged.event.type, "reasons": list(tagged.event.reasons)},
        "places": [
            {"id": m.place_id, "name": m.name, "region": m.region, "primary": m.primary}
            for m in tagged.locations
        ],
    }


def story_json(
    tagged: Sequence[Tagged], places: Sequence[PlaceInfo] = (), actors: Sequence[ActorInfo] = ()
) -> list[dict[str, Any]]:
    """Per item, `story` (the id of the item that starts its story in this list) and
    `story_reasons` (why it joined; empty for the item that starts it). `places` tell which
    places lie inside a town (its quarters, airport, port); `actors`, which actors are states."""
    from briefing.intelligence.stories import StoryGazetteer, group, signature

    undated = datetime.now(UTC)
    gazetteer = StoryGazetteer.of(places, actors)
    grouped = group([gazetteer.apply(signature(t, t.entry.published or undated)) for t in tagged])
    return [
        {"story": tagged[first].entry.identity, "story_reasons": list(reasons)}
        for first, reasons in grouped
    ]


def _reasons_text(tagged: Tagged, limit: int = 4) -> Text:
    parts = [
        f"{r.term} ({r.field[0]}) {r.weight:+g}"
        + (f" {r.note}" if r.note not in ("term", "actor") else "")
        for r in tagged.verdict.reasons[:limit]
    ]
    more = len(tagged.verdict.reasons) - limit
    if more > 0:
        parts.append(f"+{more} more")
    return Text("; ".join(parts) or "—")


@click.command("classify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per item.")
@click.option(
    "--mode",
    type=click.Choice(_MODES),
    default=None,
    help="Judge every item in this mode [default: the item's `mode`, else default].",
)
@click.option(
    "--only",
    type=click.Choice(["relevant", "irrelevant"]),
    default=None,
    help="Print only the items judged relevant (or irrelevant).",
)
@pass_ctx
def classify(ctx: Context, file: Path, as_json: bool, mode: str | None, only: str | None) -> None:
    """Dry-run relevance and actor tagging on FILE; nothing is stored.

    FILE is a feed (RSS/Atom) or JSONL with one {"id","title","summary","published","lang"}
    object per line (an optional "mode" per item: all, default or strict).
    """
    tagger = tagger_for(ctx)
    items = read_items(file)
    every: list[tuple[Tagged, RelevanceMode]] = []
    for entry, item_mode in items:
        chosen: RelevanceMode = mode or item_mode or "default"  # type: ignore[assignment]
        spec = FeedSpec(name=entry.feed, url=str(file), relevance=chosen)
        every.append((tagger.tag(entry, spec), chosen))
    # Stories are judged over the whole file, before --only, so ids do not depend on the filter.
    stories = story_json([t for t, _ in every], tagger.place_infos(), tagger.actor_infos())
    results: list[tuple[Tagged, RelevanceMode]] = []
    story_of: list[dict[str, Any]] = []
    for (tagged, chosen), story in zip(every, stories, strict=True):
        if only == "relevant" and not tagged.verdict.relevant:
            continue
        if only == "irrelevant" and tagged.verdict.relevant:
            continue
        results.append((tagged, chosen))
        story_of.append(story)
    if as_json:
        for (tagged, chosen), story in zip(results, story_of, strict=True):
            click.echo(json.dumps(verdict_json(tagged, chosen) | story, ensure_ascii=False))
        return
    _print_table(results, len(items))


def _print_table(
    results: Sequence[tuple[Tagged, Literal["all", "default", "strict"]]], total: int
) -> None:
    relevant = sum(1 for t, _ in results if t.verdict.relevant)
    table = Table(
        title=f"{len(results)} of {total} items · {relevant} relevant",
        title_justify="left",
        show_lines=True,
    )
    table.add_column("verdict")
    table.add_column("score", justify="right")
    table.add_column("item", ratio=3)
    table.add_column("actors", ratio=2)
    table.add_column("places", ratio=1)
    table.add_column("reasons", ratio=3)
    for tagged, chosen in results:
        v = tagged.verdict
        verdict = Text(
            "relevant" if v.relevant else "dropped", style="green" if v.relevant else "red"
        )
        verdict.append(f"\n{chosen}", style="dim")
        item = Text(clean_line(tagged.entry.title, 200) or "(untitled)")
        item.append(f"\n{clean_line(tagged.entry.identity, 60)}", style="dim")
        actors = Text(", ".join(m.name for m in tagged.actors) or "—")
        places = Text(", ".join(m.name for m in tagged.places) or "—")
        table.add_row(verdict, f"{v.score:g}", item, actors, places, _reasons_text(tagged))
    plain_console().print(table)


COMMANDS: list[click.Command] = [retag, classify]
