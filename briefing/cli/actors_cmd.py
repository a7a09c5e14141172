"""`briefing actors [show NAME]`, `briefing retag` and `briefing classify FILE`.

The commands that expose the relevance rules and the actor gazetteer: list actors with their
item counts, show one actor, re-run tagging over the stored items after the rules or the
gazetteer changed, and dry-run the rules on a feed file or a JSONL file while tuning them.
Feed text is printed through `rich.text.Text` objects, never as markup.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from briefing.cli._common import Context, pass_ctx
from briefing.core.errors import ConfigError, ParseError
from briefing.core.models import Entry, FeedSpec, ItemFilter, RelevanceMode, Tagged
from briefing.core.text import clean_line
from briefing.intelligence.matching import phrase_key

if TYPE_CHECKING:
    from briefing.intelligence.gazetteer import Actor
    from briefing.intelligence.tagging import Tagger

_MODES = ("all", "default", "strict")


def _console() -> Console:
    # highlight=False: no automatic colouring of numbers/URLs inside feed text.
    return Console(highlight=False, soft_wrap=False)


def _tagger(ctx: Context) -> Tagger:
    from briefing.intelligence.tagging import Tagger

    return Tagger.from_config(ctx.config)


# ---------------------------------------------------------------------------------------------
# briefing actors [show NAME]
# ---------------------------------------------------------------------------------------------


@click.group("actors", invoke_without_command=True)
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    help="Only actors of this kind (repeatable): "
    "person, armed_group, government, state, organisation, company, place.",
)
@click.option("--all", "show_all", is_flag=True, help="Also list actors with no stored items.")
@click.option("--limit", type=click.IntRange(1), default=None, help="Show at most N actors.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON lines instead of a table.")
@click.pass_context
def actors(
    click_ctx: click.Context,
    kinds: tuple[str, ...],
    show_all: bool,
    limit: int | None,
    as_json: bool,
) -> None:
    """List actors with their item counts (last 24 h, 7 days, all time)."""
    if click_ctx.invoked_subcommand is not None:
        return
    _list_actors(click_ctx.obj, kinds, show_all, limit, as_json)


def _list_actors(
    ctx: Context, kinds: tuple[str, ...], show_all: bool, limit: int | None, as_json: bool
) -> None:
    try:
        tagger = _tagger(ctx)
        store = ctx.open_store()
        store.sync_actors(tagger.actor_infos())
        counts = store.actor_counts()
    except Exception as error:  # BriefingError → one line; anything else propagates
        from briefing.core.errors import BriefingError

        if isinstance(error, BriefingError):
            raise click.ClickException(str(error)) from error
        raise
    rows: list[tuple[str, str, str, int, int, int]] = [
        (c.id, c.name, c.kind, c.last_24h, c.last_7d, c.total) for c in counts
    ]
    if show_all:
        seen = {r[0] for r in rows}
        rows.extend(
            (a.id, a.name, a.kind, 0, 0, 0)
            for a in sorted(tagger.gazetteer.actors.values(), key=lambda a: a.name.casefold())
            if a.id not in seen
        )
    if kinds:
        rows = [r for r in rows if r[2] in kinds]
    if limit is not None:
        rows = rows[:limit]
    if as_json:
        for r in rows:
            click.echo(
                json.dumps(
                    {
                        "id": r[0],
                        "name": r[1],
                        "kind": r[2],
                        "last_24h": r[3],
                        "last_7d": r[4],
                        "total": r[5],
                    },
                    ensure_ascii=False,
                )
            )
        return
    if not rows:
        click.echo("No actor is mentioned by a stored item yet (use --all to list the gazetteer).")
        return
    table = Table(title=f"{len(rows)} actors", title_justify="left")
    for name, justify in (
        ("actor", "left"),
        ("id", "left"),
        ("kind", "left"),
        ("24 h", "right"),
        ("7 days", "right"),
        ("total", "right"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for r in rows:
        table.add_row(
            Text(r[1]), Text(r[0], style="dim"), Text(r[2]), str(r[3]), str(r[4]), str(r[5])
        )
    _console().print(table)


def find_actor(tagger: Tagger, name: str) -> Actor | None:
    """An actor by id, canonical name or any alias (case- and accent-insensitive)."""
    actors_by_id = tagger.gazetteer.actors
    if name in actors_by_id:
        return actors_by_id[name]
    wanted = phrase_key(name)
    for actor in actors_by_id.values():
        if wanted == phrase_key(actor.name) or wanted == phrase_key(actor.id):
            return actor
    for actor in actors_by_id.values():
        if any(
            wanted == phrase_key(alias) for alias in (*actor.aliases, *actor.weak, *actor.surnames)
        ):
            return actor
    return None


def _date(value: date | None) -> str:
    return value.isoformat() if value else "…"


@actors.command("show")
@click.argument("name")
@click.option(
    "--limit",
    type=click.IntRange(0),
    default=10,
    show_default=True,
    help="How many recent items to list.",
)
@pass_ctx
def show(ctx: Context, name: str, limit: int) -> None:
    """Show one actor: aliases, affiliations, roles and recent items.

    NAME is an id (khalifa-haftar), a name or any alias (Hifter, حفتر).
    """
    tagger = _tagger(ctx)
    actor = find_actor(tagger, name)
    store = ctx.open_store()
    store.sync_actors(tagger.actor_infos())
    if actor is None:
        info = store.actor(name)
        if info is None or info.id not in tagger.gazetteer.actors:
            raise click.ClickException(
                f"no actor named {clean_line(name, 80)!r} — `briefing actors --all` lists them"
            )
        actor = tagger.gazetteer.actors[info.id]
    out = _console()
    head = Text()
    head.append(actor.name, style="bold")
    head.append(f"  ({actor.id}, {actor.kind})", style="dim")
    out.print(head)
    if actor.description:
        out.print(Text(actor.description))
    out.print(Text("aliases: ", style="bold") + Text(", ".join(actor.aliases) or "—"))
    if actor.surnames:
        out.print(Text("surname alone: ", style="bold") + Text(", ".join(actor.surnames)))
    if actor.weak:
        out.print(Text("only with Libya context: ", style="bold") + Text(", ".join(actor.weak)))
    gazetteer = tagger.gazetteer
    if actor.affiliations:
        names = [
            gazetteer.actors[a].name if a in gazetteer.actors else a for a in actor.affiliations
        ]
        out.print(Text("affiliations: ", style="bold") + Text(", ".join(names)))
    members = [a.name for a in gazetteer.actors.values() if actor.id in a.affiliations]
    if members:
        out.print(Text("members: ", style="bold") + Text(", ".join(members)))
    for label, role in gazetteer.role_history(actor.id):
        out.print(
            Text("role: ", style="bold")
            + Text(f"{label} ({_date(role.start)} – {_date(role.end)})")
        )
    rows = store.items(ItemFilter(actors=(actor.id,)), limit=limit) if limit else []
    total = store.count(ItemFilter(actors=(actor.id,)))
    out.print(Text(f"items: {total}", style="bold"))
    for row in rows:
        line = Text(f"  {row.published:%Y-%m-%d}  ", style="dim")
        line.append(clean_line(row.title, 110))
        line.append(f"  [{clean_line(row.feed, 40)}]", style="dim")
        out.print(line)


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
    tagger = _tagger(ctx)  # a bad rules or gazetteer file stops here, before any write
    store = ctx.open_store()
    store.sync_actors(tagger.actor_infos())
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
    summary = store.retag(results)
    click.echo(
        f"retagged {summary.items:,} items: relevance changed for {summary.relevance_changed:,} "
        f"({summary.became_relevant:,} became relevant, {summary.became_irrelevant:,} irrelevant); "
        f"actors changed for {summary.actors_changed:,} "
        f"(+{summary.mentions_added:,} / -{summary.mentions_removed:,} mentions)"
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
                language=str(data["lang"]) if data.get("lang") else None,
            ),
            mode,
        )


def read_items(path: Path) -> list[tuple[Entry, RelevanceMode | None]]:
    """A JSONL file of items or a feed file (RSS/Atom, parsed like a fetched feed)."""
    try:
        body = path.read_bytes()
    except OSError as error:
        raise ConfigError(f"{path}: cannot read ({error.strerror or error})") from None
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
        "places": [{"id": m.actor_id, "name": m.name, "count": m.count} for m in tagged.places],
    }


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
    tagger = _tagger(ctx)
    items = read_items(file)
    results: list[tuple[Tagged, RelevanceMode]] = []
    for entry, item_mode in items:
        chosen: RelevanceMode = mode or item_mode or "default"  # type: ignore[assignment]
        spec = FeedSpec(name=entry.feed, url=str(file), relevance=chosen)
        tagged = tagger.tag(entry, spec)
        if only == "relevant" and not tagged.verdict.relevant:
            continue
        if only == "irrelevant" and tagged.verdict.relevant:
            continue
        results.append((tagged, chosen))
    if as_json:
        for tagged, chosen in results:
            click.echo(json.dumps(verdict_json(tagged, chosen), ensure_ascii=False))
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
    _console().print(table)


COMMANDS: list[click.Command] = [actors, retag, classify]
