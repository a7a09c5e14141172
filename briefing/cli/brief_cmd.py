"""`briefing summarize` (the story brief of a period) and `briefing briefs` (recorded briefs)."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from briefing.cli._common import Context, pass_ctx
from briefing.cli.export_cmd import build_filter, filter_options
from briefing.core.atomic import write_atomic
from briefing.core.errors import BriefingError
from briefing.core.text import clean_line
from briefing.reports.brief import (
    Brief,
    brief_from_dict,
    brief_markdown,
    brief_text,
    brief_to_dict,
    build_story_brief,
)
from briefing.reports.export import describe_filter
from briefing.reports.summarize import filter_dict

FORMATS = ("text", "md", "json")


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _render(brief: Brief, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(brief_to_dict(brief), ensure_ascii=False, indent=2) + "\n"
    if fmt == "md":
        return brief_markdown(brief)
    return brief_text(brief).plain + "\n"


def _show(brief: Brief, fmt: str) -> None:
    if fmt == "text" and sys.stdout.isatty():
        # Feed text reaches the terminal only inside Text objects: never parsed as markup.
        Console(highlight=False, soft_wrap=False).print(brief_text(brief))
        return
    click.echo(_render(brief, fmt), nl=False)


@click.command("summarize")
@filter_options(many_actors=True)
@click.option(
    "--since-last-brief",
    is_flag=True,
    help="Start where the last recorded brief of the same filter was made (what arrived since).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="text (the terminal), md (to send) or json [default: from -o's extension, else text].",
)
@click.option("--json", "as_json", is_flag=True, help="The same as --format json.")
@click.option("--title", default=None, help="The brief's title [default: 'Libya brief DATE'].")
@click.option(
    "--save", is_flag=True, help="Record the brief, so the next one says what changed since."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Write the brief to this file (and record it, like --save).",
)
@pass_ctx
def summarize(
    ctx: Context,
    since_last_brief: bool,
    fmt: str | None,
    as_json: bool,
    title: str | None,
    save: bool,
    output: Path | None,
    **filters: Any,
) -> None:
    """Brief a period story by story: the bottom line, each actor's stories, counts against
    the period before, places, and shared judgments.

    The period is --since/--until (default: the last 7 days). Each story is one real-world
    event however many outlets and languages reported it, every source cited. A saved or
    exported brief is recorded: the next brief of the same filter marks stories NEW or
    UPDATED and lists those that dropped out.
    """
    since = filters.pop("since", None)
    until = filters.pop("until", None)
    if as_json:
        fmt = "json"
    if fmt is None:
        suffix = output.suffix.lower() if output is not None else ""
        fmt = {".md": "md", ".markdown": "md", ".json": "json"}.get(suffix, "text")
    # A brief only reads (saving one records it): a mistyped --db creates nothing.
    store = ctx.open_store(create=False)
    f = build_filter(store, **filters)
    now = _now()
    if since is not None and until is not None and since >= until:
        raise BriefingError("--since must be earlier than --until")
    key = json.dumps(filter_dict(f), sort_keys=True)
    brief = build_story_brief(
        store,
        f,
        now=now,
        since=since,
        until=until,
        since_last_brief=since_last_brief,
        filter_key=key,
        filter_text=describe_filter(f, store),
        title=title,
    )
    if save or output is not None:
        brief_id = store.record_brief(
            created_at=now,
            since=brief.since,
            until=brief.until,
            title=brief.title,
            filter_key=key,
            document=brief_to_dict(brief),
            fingerprints=[(s.story_id, s.fingerprint) for s in brief.stories],
        )
        brief = replace(brief, recorded_as=brief_id)
    if output is not None:
        if not output.parent.is_dir():
            raise BriefingError(f"{output.parent}: no such folder for the brief")
        try:
            write_atomic(output, _render(brief, fmt).encode("utf-8"))
        except OSError as error:
            raise BriefingError(
                f"{output}: cannot write the brief ({error.strerror or error})"
            ) from error
        click.echo(f"wrote {output} (recorded as brief {brief.recorded_as})", err=True)
        return
    _show(brief, fmt)
    if brief.recorded_as is not None:
        click.echo(f"recorded as brief {brief.recorded_as}", err=True)


@click.group("briefs", invoke_without_command=True)
@click.option("--limit", type=click.IntRange(1, 10_000), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
@click.pass_context
def briefs(click_ctx: click.Context, limit: int, as_json: bool) -> None:
    """List recorded briefs (newest first); `briefs show ID` renders one again exactly."""
    if click_ctx.invoked_subcommand is not None:
        return
    ctx: Context = click_ctx.obj
    try:
        recorded = ctx.open_store(create=False).briefs(limit)
    except BriefingError as error:
        raise click.ClickException(str(error)) from error
    if as_json:
        from briefing.core.times import json_time

        rows = [
            {
                "id": b.id,
                "created_at": json_time(b.created_at),
                "since": json_time(b.since),
                "until": json_time(b.until),
                "title": b.title,
                "stories": b.stories,
            }
            for b in recorded
        ]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not recorded:
        click.echo("no briefs recorded yet: `briefing summarize --save` or `-o FILE` records one")
        return
    for b in recorded:
        click.echo(
            f"{b.id:>5}  {b.created_at:%Y-%m-%d %H:%M}  {b.since:%Y-%m-%d}–{b.until:%Y-%m-%d}  "
            f"{b.stories:>4} stories  {clean_line(b.title, 80)}"
        )


@briefs.command("show")
@click.argument("brief_id", type=click.IntRange(1))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@pass_ctx
def show(ctx: Context, brief_id: int, fmt: str) -> None:
    """Render a recorded brief again, exactly as it was."""
    document = ctx.open_store(create=False).brief_document(brief_id)
    if document is None:
        raise BriefingError(f"no brief {brief_id}: `briefing briefs` lists the recorded ones")
    _show(replace(brief_from_dict(document), recorded_as=brief_id), fmt)


@click.command("share-note")
@click.argument("item_ids", metavar="ID...", nargs=-1, required=True, type=click.IntRange(1))
@click.option("--private", is_flag=True, help="Make the notes private again.")
@pass_ctx
def share_note(ctx: Context, item_ids: tuple[int, ...], private: bool) -> None:
    """Mark items' notes as shared with the client: only shared notes reach a brief.

    A note is the analyst's private working note until it is shared; `--private` takes it back.
    """
    store = ctx.open_store(create=False)
    missing = [i for i in item_ids if not store.set_note_shared(i, not private)]
    done = len(item_ids) - len(missing)
    click.echo(f"{done} note{'s' if done != 1 else ''} {'private' if private else 'shared'}")
    if missing:
        raise BriefingError(
            f"no note on item {', '.join(map(str, missing))}: write one first (`n` in the app)"
        )


COMMANDS: list[click.Command] = [summarize, briefs, share_note]
