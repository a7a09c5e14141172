"""`briefing import PATH|URL`: import an article capture, with its capture noise removed."""

from __future__ import annotations

import json

import click

from briefing.cli._common import Context, pass_ctx
from briefing.core.text import clean_line


@click.command("import")
@click.argument("source", metavar="PATH|URL")
@click.option("--json", "as_json", is_flag=True, help="Print what was imported as JSON.")
@pass_ctx
def import_(ctx: Context, source: str, as_json: bool) -> None:
    """Import an article from a saved capture or an http(s) URL.

    A plain-text capture has the headline on line 1, the standfirst on line 2, then one
    paragraph per line; an HTML page works too. Capture noise is removed: a paragraph that
    appears twice, author bios at the end (kept as author details), and a trailing
    "More from …" block of other headlines. The seed article (same title or URL as in
    feeds.yaml) fills the seed record. An empty, binary or non-UTF-8 capture is refused and
    nothing is written; so is a demo database.
    """
    from briefing.update.demo import refuse_import_into_demo
    from briefing.update.seed import import_article

    store = ctx.open_store(refuse=refuse_import_into_demo)
    result = import_article(source, ctx.config, store)
    if as_json:
        payload = {
            "id": result.item_id,
            "title": result.title,
            "outlet": result.feed,
            "authors": list(result.authors),
            "published": result.published.date().isoformat() if result.published else None,
            "url": result.url,
            "seed": result.is_seed,
            "paragraphs": result.paragraphs,
            "removed": list(result.removed),
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    what = "the seed article" if result.is_seed else "an article"
    click.echo(f"Imported {what} as item {result.item_id}: {clean_line(result.title, 200)}")
    byline = [clean_line(result.feed, 100)]
    if result.authors:
        byline.append("by " + clean_line("; ".join(result.authors), 200))
    if result.published:
        byline.append(f"{result.published:%Y-%m-%d}")
    click.echo("  " + " · ".join(byline))
    click.echo(f"  {result.paragraphs} paragraphs kept")
    if result.removed:
        click.echo("  removed:")
        for line in result.removed:
            click.echo(f"    - {clean_line(line, 200)}")
    else:
        click.echo("  no capture noise found")


COMMANDS: list[click.Command] = [import_]
