"""`briefing summarize` and `briefing export`, plus the `--since/--until` parsing other commands reuse."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Literal, Protocol, TypeVar

import click

from briefing.cli._common import Context, pass_ctx, unknown_value
from briefing.core.errors import BriefingError, SearchSyntaxError
from briefing.core.models import (
    EVENT_TYPES,
    ActorInfo,
    EventType,
    Facet,
    Facets,
    FeedSpec,
    ItemFilter,
    PlaceInfo,
    SavedView,
    TriageState,
)
from briefing.core.search import check_search
from briefing.core.text import clean_line, tag_key, tag_too_long
from briefing.reports.export import (
    EXTENSIONS,
    FORMATS,
    GROUPINGS,
    Format,
    GroupBy,
    file_encoding,
    render_digest,
    write_digest,
    write_text_atomic,
)
from briefing.reports.summarize import ActorSource, resolve_actor

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


class SearchParam(click.ParamType[str]):
    """A click parameter for `--search`: checked before anything is opened (see core.search)."""

    name = "QUERY"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        text = str(value)
        try:
            check_search(text)
        except SearchSyntaxError as error:
            self.fail(str(error), param, ctx)
        return text


SEARCH_HELP = (
    'Only items matching this search: words (all of them), "a phrase", a OR b, -word or '
    "NOT word, prefix*, event:TYPE, place:NAME."
)


def filter_options(*, many_actors: bool) -> Callable[[F], F]:
    """The filter options shared by `summarize` and `export` (and reusable by other commands)."""

    def decorate(func: F) -> F:
        options = [
            click.option("--search", type=SearchParam(), default=None, help=SEARCH_HELP),
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
                "--tagged",
                "tagged",
                flag_value="any",
                default=None,
                help="Only items with at least one tag (everything you tagged).",
            ),
            click.option("--untagged", "tagged", flag_value="none", help="Only untagged items."),
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
        options += [
            click.option(
                "--event",
                "events",
                multiple=True,
                metavar="TYPE",
                help="Only items of this event type, e.g. armed_clash (repeatable; any).",
            ),
            click.option(
                "--place",
                "places",
                multiple=True,
                metavar="NAME",
                help="Only items naming this place: id, name or alias (repeatable; any).",
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
    """What building a filter reads from the store: saved views, actors, tags and feeds."""

    def view(self, name: str) -> SavedView | None: ...

    def views(self) -> list[SavedView]: ...

    def actors(self) -> list[ActorInfo]: ...

    def tags(self) -> list[Facet]: ...

    def feed_specs(self) -> dict[str, FeedSpec]: ...

    def facets(self, f: ItemFilter = ..., limit: int = ...) -> Facets: ...

    def place(self, id_or_name: str) -> PlaceInfo | None: ...

    def places(self) -> list[PlaceInfo]: ...


def check_tags(store: FilterSource, tags: Sequence[str]) -> None:
    """Refuse a tag no item or feed has (with the nearest known one), or one too long to exist.

    Raises:
        BriefingError: one line naming the value.
    """
    for tag in tags:
        problem = tag_too_long(tag)
        if problem is not None:
            raise BriefingError(f"--tag {problem}")
    if not tags:
        return
    known = {t.value for t in store.tags()}
    known.update(tag for spec in store.feed_specs().values() for tag in spec.tags)
    keys = {tag_key(tag) for tag in known}  # a tag is one whatever its case
    for tag in tags:
        if tag_key(tag) not in keys:
            raise unknown_value(
                "tag", tag, known, "the filter panel and `briefing status` count them"
            )


def check_feeds(store: FilterSource, feeds: Sequence[str]) -> None:
    """Refuse a feed name the store does not know (with the nearest known one).

    Raises:
        BriefingError: one line naming the value.
    """
    if not feeds:
        return
    known = set(store.feed_specs())
    if any(feed not in known for feed in feeds):
        # Items can outlive their feed's entry in feeds.yaml: their names count too.
        every = store.facets(ItemFilter(state="all"), limit=1_000_000).feeds
        known.update(f.value for f in every)
    for feed in feeds:
        if feed not in known:
            raise unknown_value("feed", feed, known, "`briefing feeds` lists them")


def check_actor(store: FilterSource, actor: str) -> None:
    """Refuse an actor the store does not know by id, name or alias (with the nearest one).

    Raises:
        BriefingError: one line naming the value.
    """
    if store.actor(actor) is not None:
        return
    known = [name for a in store.actors() for name in (a.id, a.name, *a.aliases)]
    raise unknown_value("actor", actor, known, "`briefing actors --all` lists them")

    def place(self, id_or_name: str) -> PlaceInfo | None: ...

    def places(self) -> list[PlaceInfo]: ...


def nearest(value: str, choices: Sequence[str]) -> str:
    """ " — did you mean X?" for the closest of `choices`, or "" when none is close."""
    close = difflib.get_close_matches(value.casefold(), [c.casefold() for c in choices], 1, 0.5)
    if not close:
        return ""
    original = next(c for c in choices if c.casefold() == close[0])
    return f" — did you mean {original!r}?"


def event_type_named(value: str) -> EventType:
    """The event type `value` names ("armed clash", "Armed-Clash" → armed_clash), or a one-line
    error with the nearest type."""
    key = "_".join(value.strip().casefold().replace("-", " ").split())
    for kind in EVENT_TYPES:
        if kind == key:
            return kind
    raise BriefingError(
        f"unknown event type {clean_line(value, 80)!r}{nearest(key, EVENT_TYPES)} "
        f"(types: {', '.join(EVENT_TYPES)})"
    )


def place_named(store: FilterSource, value: str) -> PlaceInfo:
    """The place `value` names (id, name or alias), or a one-line error with the nearest."""
    info = store.place(value)
    if info is not None:
        return info
    names = [n for p in store.places() for n in (p.name, *p.aliases)]
    raise BriefingError(
        f"unknown place {clean_line(value, 80)!r}{nearest(value, names)} "
        "(`briefing places --all` lists them)"
    )


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
    search: str | None = None,
    tagged: Literal["any", "none"] | None = None,
    events: Sequence[str] = (),
    places: Sequence[str] = (),
) -> ItemFilter:
    """The ItemFilter the options describe: a saved view first, then each option given overrides."""
    base = ItemFilter()
    if view:
        saved = store.view(view)
        if saved is None:
            known = ", ".join(v.name for v in store.views()) or "none saved yet"
            raise BriefingError(f"no saved view {clean_line(view, 80)!r} (views: {known})")
        base = saved.filter
    for option, values in (
        ("--tag", tags),
        ("--feed", feeds),
        ("--actor", actors),
        ("--event", events),
        ("--place", places),
    ):
        if any(not v.strip() for v in values):
            raise BriefingError(f"{option} needs a value: an empty one matches nothing")
    check_tags(store, tags)
    check_feeds(store, feeds)
    for actor in actors:
        check_actor(store, actor)
    changes: dict[str, Any] = {}
    if search is not None:
        changes["text"] = search
    if since is not None:
        changes["since"] = since
    if until is not None:
        changes["until"] = until
    if tags:
        changes["tags"] = tuple(tags)
    if tagged is not None:
        changes["tagged"] = tagged
    if feeds:
        changes["feeds"] = tuple(feeds)
    if state is not None:
        changes["state"] = state
    if actors:
        changes["actors"] = tuple(resolve_actor(store, a).id for a in actors)
    if events:
        changes["events"] = tuple(dict.fromkeys(event_type_named(e) for e in events))
    if places:
        changes["places"] = tuple(dict.fromkeys(place_named(store, p).id for p in places))
    f = replace(base, **changes)
    if f.since is not None and f.until is not None and f.since >= f.until:
        raise BriefingError("--since must be earlier than --until")
    return f


# ---------------------------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------------------------


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
    "--with-notes",
    "include_notes",
    is_flag=True,
    help="Include your notes (private, left out by default: a digest goes to a client).",
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
    search: str | None,
    since: datetime | None,
    until: datetime | None,
    tags: tuple[str, ...],
    tagged: Literal["any", "none"] | None,
    feeds: tuple[str, ...],
    state: TriageState | None,
    events: tuple[str, ...],
    places: tuple[str, ...],
    actors: tuple[str, ...],
    view: str | None,
    group_by: GroupBy | None,
    fmt: Format | None,
    title: str | None,
    include_dismissed: bool,
    include_notes: bool,
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
        search=search,
        tagged=tagged,
        events=events,
        places=places,
    )
    if view:
        # Named as it was saved: view names ignore case, so what was typed may differ.
        saved = store.view(view)
        view = saved.name if saved is not None else view
    fmt = fmt or _format_from(output)
    now = _now()
    options: dict[str, Any] = {
        "fmt": fmt,
        "group_by": group_by,
        "title": title,
        "now": now,
        "include_dismissed": include_dismissed,
        "include_notes": include_notes,
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
        write_text_atomic(path, render_digest(store, f, **options), file_encoding(fmt))
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


COMMANDS: list[click.Command] = [export]
