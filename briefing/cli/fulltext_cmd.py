"""`briefing fulltext ID…`: fetch items' articles from their pages, store them, tag them again."""

from __future__ import annotations

import json

import click

from briefing.cli._common import Context, pass_ctx
from briefing.core.text import clean_line


@click.command("fulltext")
@click.argument("item_ids", metavar="ID...", nargs=-1, required=True, type=click.IntRange(1))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per item.")
@pass_ctx
def fulltext(ctx: Context, item_ids: tuple[int, ...], as_json: bool) -> None:
    """Fetch the article behind each item's link and store its main text.

    The page is downloaded with the feed limits (20 s deadline, 3 MB), its main text extracted
    (navigation, adverts and related links left out) and stored beside the feed's text; the item
    is then tagged again on the longer text. A page that cannot be fetched or holds no article
    keeps the item as it was and records why. Exit status 3 when any item failed; a demo
    database is refused (exit 1, nothing written).
    """
    from briefing.intelligence.tagging import Tagger
    from briefing.update.demo import refuse_fulltext_into_demo
    from briefing.update.fulltext import fetch_full_text

    store = ctx.open_store(create=False, refuse=refuse_fulltext_into_demo)
    tagger = Tagger.from_config(ctx.config)
    specs = {f.name: f for f in ctx.config.feeds}
    store.sync_actors(tagger.actor_infos())
    failed = 0
    for item_id in item_ids:
        detail = store.item(item_id)
        feed = specs.get(detail.row.feed) if detail is not None else None
        outcome = fetch_full_text(store, tagger, item_id, feed=feed)
        ok = outcome.result.status == "ok"
        failed += not ok
        if as_json:
            click.echo(
                json.dumps(
                    {
                        "id": item_id,
                        "url": outcome.url or None,
                        "status": outcome.result.status,
                        "characters": len(outcome.result.text),
                        "reason": outcome.result.reason or None,
                        "relevance_changed": bool(
                            outcome.retag and outcome.retag.relevance_changed
                        ),
                        "actors_changed": bool(outcome.retag and outcome.retag.actors_changed),
                    },
                    ensure_ascii=False,
                )
            )
        elif ok:
            click.echo(f"item {item_id}: {len(outcome.result.text):,} characters of article text")
        else:
            click.echo(f"item {item_id}: {clean_line(outcome.result.reason, 300)}", err=True)
    if failed:
        raise SystemExit(3)


COMMANDS: list[click.Command] = [fulltext]
