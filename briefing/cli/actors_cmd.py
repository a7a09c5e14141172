"""`briefing actors [show NAME]`: the actor gazetteer with item counts, and one actor in full.

Feed text is printed through `rich.text.Text` objects, never as markup.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, get_args

import click
from rich.text import Text

from briefing.cli._common import Context, pass_ctx, plain_console, tagger_for, unknown_value
from briefing.cli._output import Column, print_rows
from briefing.core.errors import BriefingError
from briefing.core.models import ActorKind, ItemFilter
from briefing.core.text import clean_line
from briefing.intelligence.matching import phrase_key

if TYPE_CHECKING:
    from briefing.intelligence.gazetteer import Actor
    from briefing.intelligence.tagging import Tagger


# ---------------------------------------------------------------------------------------------
# briefing actors [show NAME]
# ---------------------------------------------------------------------------------------------


@click.group("actors", invoke_without_command=True)
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice(get_args(ActorKind)),
    help="Only actors of this kind (repeatable).",
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
        tagger = tagger_for(ctx)
        store = ctx.open_store(create=False)
        store.sync_actors(tagger.actor_infos())
        store.sync_places(tagger.place_infos())
        counts = store.actor_counts()
    except BriefingError as error:  # a bad configuration or database: one line
        raise click.ClickException(str(error)) from error
    rows = [
        {
            "id": c.id,
            "name": c.name,
            "kind": c.kind,
            "last_24h": c.last_24h,
            "last_7d": c.last_7d,
            "total": c.total,
        }
        for c in counts
    ]
    if show_all:
        seen = {c.id for c in counts}
        rows.extend(
            {"id": a.id, "name": a.name, "kind": a.kind, "last_24h": 0, "last_7d": 0, "total": 0}
            for a in sorted(tagger.gazetteer.actors.values(), key=lambda a: a.name.casefold())
            # A place is listed by `briefing places`, unless it acts as a faction (Misrata).
            if a.id not in seen and a.is_actor
        )
    if kinds:
        rows = [r for r in rows if r["kind"] in kinds]
    if limit is not None:
        rows = rows[:limit]
    print_rows(
        rows,
        _ACTOR_COLUMNS,
        title="actors",
        as_json=as_json,
        empty="No actor is mentioned by a stored item yet (use --all to list the gazetteer).",
    )


_ACTOR_COLUMNS = (
    Column("actor", "name"),
    Column("id", "id", style="dim"),
    Column("kind", "kind"),
    Column("24 h", "last_24h", right=True),
    Column("7 days", "last_7d", right=True),
    Column("total", "total", right=True),
)


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
    tagger = tagger_for(ctx)
    actor = find_actor(tagger, name)
    store = ctx.open_store(create=False)
    store.sync_actors(tagger.actor_infos())
    store.sync_places(tagger.place_infos())
    if actor is None:
        info = store.actor(name)
        if info is None or info.id not in tagger.gazetteer.actors:
            known = [
                n for a in tagger.gazetteer.actors.values() for n in (a.id, a.name, *a.aliases)
            ]
            raise unknown_value("actor", name, known, "`briefing actors --all` lists them")
        actor = tagger.gazetteer.actors[info.id]
    if not actor.is_actor:
        raise click.ClickException(
            f"{clean_line(actor.name, 80)} is a place, not an actor — "
            f"`briefing places show {clean_line(actor.name, 80)}`"
        )
    out = plain_console()
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


COMMANDS: list[click.Command] = [actors]
