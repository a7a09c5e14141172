"""`briefing places [show NAME]`: places with their item counts, like `briefing actors`.

Places are their own facet (issue 12): where the reported events happened, counted apart from
the actors. Names come from the place gazetteer and feeds; they are printed as `Text`, never
as markup.
"""

from __future__ import annotations

import click
from rich.text import Text

from briefing.cli._common import Context, pass_ctx, plain_console, tagger_for
from briefing.cli._output import Column, print_rows
from briefing.cli.export_cmd import place_named
from briefing.core.errors import BriefingError
from briefing.core.models import ItemFilter, PlaceCount
from briefing.core.text import clean_line


@click.group("places", invoke_without_command=True)
@click.option("--region", "regions", multiple=True, help="Only places in this region (repeatable).")
@click.option("--all", "show_all", is_flag=True, help="Also list places with no stored items.")
@click.option("--limit", type=click.IntRange(1), default=None, help="Show at most N places.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON lines instead of a table.")
@click.pass_context
def places(
    click_ctx: click.Context,
    regions: tuple[str, ...],
    show_all: bool,
    limit: int | None,
    as_json: bool,
) -> None:
    """List places with their item counts (last 24 h, 7 days, all time, as the event's place)."""
    if click_ctx.invoked_subcommand is not None:
        return
    ctx: Context = click_ctx.obj
    try:
        store = ctx.open_store(create=False)
        store.sync_places(tagger_for(ctx).place_infos())
    except BriefingError as error:  # a bad configuration or database: one line
        raise click.ClickException(str(error)) from error
    counts = store.place_counts()
    if show_all:
        seen = {r.id for r in counts}
        counts.extend(
            PlaceCount(p.id, p.name, p.region, 0, 0, 0, 0, p.lat, p.lon)
            for p in store.places()
            if p.id not in seen
        )
    if regions:
        wanted = {r.casefold() for r in regions}
        counts = [r for r in counts if r.region.casefold() in wanted]
    if limit is not None:
        counts = counts[:limit]
    rows = [
        {
            "id": r.id,
            "name": r.name,
            "region": r.region,
            "last_24h": r.last_24h,
            "last_7d": r.last_7d,
            "total": r.total,
            "primary": r.primary,
            "lat": r.lat,
            "lon": r.lon,
        }
        for r in counts
    ]
    print_rows(
        rows,
        _PLACE_COLUMNS,
        title="places",
        as_json=as_json,
        empty="No place is named by a stored item yet (use --all to list the known ones).",
    )


_PLACE_COLUMNS = (
    Column("place", "name"),
    Column("id", "id", style="dim"),
    Column("region", "region", blank="—"),
    Column("24 h", "last_24h", right=True),
    Column("7 days", "last_7d", right=True),
    Column("total", "total", right=True),
    Column("event's place", "primary", right=True),
)


@places.command("show")
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
    """Show one place: region, district, coordinates, aliases and recent items.

    NAME is an id (sirte), a name or any alias (Syrte, سرت).
    """
    store = ctx.open_store(create=False)
    store.sync_places(tagger_for(ctx).place_infos())
    place = place_named(store, name)
    out = plain_console()
    head = Text()
    head.append(place.name, style="bold")
    head.append(f"  ({place.id}, {place.kind})", style="dim")
    out.print(head)
    where = ", ".join(x for x in (place.district, place.region) if x) or "—"
    out.print(Text("region: ", style="bold") + Text(where))
    if place.lat is not None and place.lon is not None:
        out.print(Text("coordinates: ", style="bold") + Text(f"{place.lat:.3f}, {place.lon:.3f}"))
    out.print(Text("aliases: ", style="bold") + Text(", ".join(place.aliases) or "—"))
    f = ItemFilter(places=(place.id,))
    total = store.count(f)
    out.print(Text(f"items: {total}", style="bold"))
    for row in store.items(f, limit=limit) if limit else []:
        line = Text(f"  {row.published:%Y-%m-%d}  ", style="dim")
        line.append(f"{row.event_type:<20} ", style="dim")
        line.append(clean_line(row.title, 110))
        line.append(f"  [{clean_line(row.feed, 40)}]", style="dim")
        out.print(line)


COMMANDS: list[click.Command] = [places]
