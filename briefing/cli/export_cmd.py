"""`briefing summarize` and `briefing export`, plus the `--since/--until` parsing other commands reuse."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Protocol, TypeVar

import click
from rich.console import Console

from briefing.cli._common import Context, pass_ctx
from briefing.core.errors import BriefingError
from briefing.core.models import ItemFilter, SavedView, TriageState
from briefing.core.text import clean_line
from briefing.reports.export import (
    EXTENSIONS,
    FORMATS,
    GROUPINGS,
    Format,
    GroupBy,
    brief_text,
    render_digest,
    write_digest,
    write_text_atomic,
)
from briefing.reports.summarize import ActorSource, brief_dict, build_brief, resolve_actor

F = TypeVar("F", bound=Callable[..., Any])
STATES: tuple[TriageState, ...] = ("active", "unread", "read", "flagged", "dismissed", "all")

# ---------------------------------------------------------------------------------------------
# --since / --until
# ---------------------------------------------------------------------------------------------

_RELATIVE = re.compile(r"^\s*(\d{1,6})\s*(m|min|h|d|w)\s*$", re.IGNORECASE)
_UNITS = {"m": "minutes", "min": "minutes", "h": "hours", "d": "days", "w": "weeks"}
WHEN_HELP = (
    "a duration back from now (30m, 24h, 7d, 2w) or a date/time (2026-11-20, 2026-11-20T08:00)"
)


def _now() -> datetime:
    # One place to read the clock, so tests can freeze it.
    return datetime.now(UTC)


def parse_when(value: str, *, now: datetime | None = None, end: bool = False) -> datetime:
    """Parse `7d`, `24h`, `2w`, `30m`, `today`, an ISO date or an ISO date-time, in UTC.

    Args:
        value: what the user typed.
        now: the reference time for durations (default: the clock).
        end: a bare date means the end of that day (for `--until`, whose bound is exclusive).

    Raises:
        ValueError: with one line saying what is accepted.
    """
    now = now or _now()
    text = value.strip()
    match = _RELATIVE.match(text)
    if match:
        amount, unit = int(match[1]), match[2].lower()
        return now - timedelta(**{_UNITS[unit]: amount})
    if text.lower() in ("today", "yesterday"):
        day = now.astimezone(UTC).date() - timedelta(days=text.lower() == "yesterday")
        return _day_bound(day, end)
    try:
        if len(text) == 10:
            return _day_bound(date.fromisoformat(text), end)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ValueError(f"{clean_line(value, 60)!r} is not {WHEN_HELP}") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _day_bound(day: date, end: bool) -> datetime:
    start = datetime.combine(day, time(0), tzinfo=UTC)
    return start + timedelta(days=1) if end else start


class WhenParam(click.ParamType[datetime]):
    """A click parameter for `--since` / `--until` (see `parse_when`)."""

    name = "WHEN"

    def __init__(self, *, end: bool = False) -> None:
        self.end = end

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> datetime:
        if isinstance(value, datetime):
            return value
        try:
            return parse_when(str(value), end=self.end)
        except ValueError as error:
            self.fail(str(error), param, ctx)


def filter_options(*, many_actors: bool) -> Callable[[F], F]:
    """The filter options shared by `summarize` and `export` (and reusable by other commands)."""

    def decorate(func: F) -> F:
        options = [
            click.option("--since", type=WhenParam(), help=f"Items from this time: {WHEN_HELP}."),
            click.option(
                "--until",
                type=WhenParam(end=True),
                help="Items before this time (a bare date includes that whole day).",
            ),
            click.option(
                "--tag", "tags", multiple=True, help="Only items with this tag (repeatable; any)."
            ),
            click.option(
                "--feed",
                "feeds",
                multiple=True,
                help="Only items from this feed (repeatable; any).",
            ),
            click.option(
                "--state",
                type=click.Choice(STATES),
                default=None,
                help="Triage state [default: active, i.e. everything not dismissed].",
            ),
        ]
        if many_actors:
            options.append(
                click.option(
                    "--actor",
                    "actors",
                    multiple=True,
                    help="Only items mentioning this actor: id, name or alias (repeatable; any).",
                )
            )
        for option in reversed(options):
            func = option(func)
        return func

    return decorate


class FilterSource(ActorSource, Protocol):
    """What building a filter reads from the store: saved views and actors."""

    def view(self, name: str) -> SavedView | None: ...

    def views(self) -> list[SavedView]: ...


def build_filter(
    store: FilterSource,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    tags: Sequence[str] = (),
    feeds: Sequence[str] = (),
    state: TriageState | None = None,
    actors: Sequence[str] = (),
    view: str | None = None,
) -> ItemFilter:
    """The ItemFilter the options describe: a saved view first, then each option given overrides."""
    base = ItemFilter()
    if view:
        saved = store.view(view)
        if saved is None:
            known = ", ".join(v.name for v in store.views()) or "none saved yet"
            raise BriefingError(f"no saved view {clean_line(view, 80)!r} (views: {known})")
        base = saved.filter
    for option, values in (("--tag", tags), ("--feed", feeds), ("--actor", actors)):
        if any(not v.strip() for v in values):
            raise BriefingError(f"{option} needs a value: an empty one matches nothing")
    changes: dict[str, Any] = {}
    if since is not None:
        changes["since"] = since
    if until is not None:
        changes["until"] = until
    if tags:
        changes["tags"] = tuple(tags)
    if feeds:
        changes["feeds"] = tuple(feeds)
    if state is not None:
        changes["state"] = state
    if actors:
        changes["actors"] = tuple(resolve_actor(store, a).id for a in actors)
    f = replace(base, **changes)
    if f.since is not None and f.until is not None and f.since >= f.until:
        raise BriefingError("--since must be earlier than --until")
    return f


# ---------------------------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------------------------


@click.command("summarize")
@click.option(
    "--actor", default=None, help="Actor id, name or alias; omit for a brief of the whole filter."
)
@filter_options(many_actors=False)
@click.option(
    "--points", type=click.IntRange(1, 50), default=8, show_default=True, help="Key points at most."
)
@click.option("--json", "as_json", is_flag=True, help="Print the brief as JSON instead of text.")
@pass_ctx
def summarize(
    ctx: Context,
    actor: str | None,
    since: datetime | None,
    until: datetime | None,
    tags: tuple[str, ...],
    feeds: tuple[str, ...],
    state: TriageState | None,
    points: int,
    as_json: bool,
) -> None:
    """Brief one actor (or the whole filter): counts, trend, co-mentions, sources, key points."""
    store = ctx.open_store(create=False)
    f = build_filter(store, since=since, until=until, tags=tags, feeds=feeds, state=state)
    brief = build_brief(store, actor=actor, f=f, now=_now(), max_points=points)
    if as_json:
        click.echo(json.dumps(brief_dict(brief), ensure_ascii=False, indent=2))
        return
    # Feed text reaches the terminal only inside Text objects: never parsed as markup.
    Console(highlight=False, soft_wrap=False).print(brief_text(brief))


@click.command("export")
@filter_options(many_actors=True)
@click.option("--view", default=None, help="Start from this saved view; other options override it.")
@click.option(
    "--group-by",
    type=click.Choice(GROUPINGS),
    default=None,
    help="Group items by actor, tag or day.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="Output format [default: from the -o file's extension, else md].",
)
@click.option("--title", default=None, help="Digest title [default: 'Libya briefing digest DATE'].")
@click.option(
    "--include-dismissed", is_flag=True, help="Keep dismissed items (left out by default)."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    help="Write to this file (or into this existing folder, named from the title); stdout if omitted.",
)
@pass_ctx
def export(
    ctx: Context,
    since: datetime | None,
    until: datetime | None,
    tags: tuple[str, ...],
    feeds: tuple[str, ...],
    state: TriageState | None,
    actors: tuple[str, ...],
    view: str | None,
    group_by: GroupBy | None,
    fmt: Format | None,
    title: str | None,
    include_dismissed: bool,
    output: Path | None,
) -> None:
    """Export a digest of the filter as Markdown, HTML, JSON or CSV."""
    store = ctx.open_store(create=False)
    f = build_filter(
        store,
        since=since,
        until=until,
        tags=tags,
        feeds=feeds,
        state=state,
        actors=actors,
        view=view,
    )
    fmt = fmt or _format_from(output)
    now = _now()
    options: dict[str, Any] = {
        "fmt": fmt,
        "group_by": group_by,
        "title": title,
        "now": now,
        "include_dismissed": include_dismissed,
        "view": view,
    }
    if output is None:
        click.echo(render_digest(store, f, **options), nl=False)
        return
    if output.is_dir():
        path = write_digest(store, f, output, **options)
    else:
        if not output.parent.is_dir():
            raise BriefingError(f"{output.parent}: no such folder for the digest")
        path = output
        ctx.refuse_database_target(path)
        write_text_atomic(path, render_digest(store, f, **options))
    click.echo(f"wrote {path}", err=True)


def _format_from(output: Path | None) -> Format:
    """The format named by `-o`'s extension; Markdown for stdout; an unknown extension is an error."""
    if output is None or output.is_dir():
        return "md"
    suffix = output.suffix.lower()
    if not suffix:
        return "md"
    if suffix in (".markdown", ".md"):
        return "md"
    if suffix == ".htm":
        return "html"
    for fmt, ext in EXTENSIONS.items():
        if suffix == ext:
            return fmt
    raise click.UsageError(
        f"cannot tell the format from {output.name!r} — add --format md|html|json|csv"
    )


COMMANDS: list[click.Command] = [summarize, export]
