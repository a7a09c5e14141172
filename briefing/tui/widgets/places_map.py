"""The places map: Libya's outline on a braille canvas, a mark per place with items, one named.

Marks grow with the place's item count (• fewer, ● more); the highlighted place is drawn
reversed and labelled. Names are feed- or user-extendable data: labels are literal Text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from briefing.core.models import PlaceCount
from briefing.core.text import clean_line
from briefing.tui.widgets.braille import BrailleCanvas
from briefing.tui.widgets.libya_outline import EAST, NORTH, OUTLINE, SOUTH, WEST

_ASPECT = math.cos(math.radians((NORTH + SOUTH) / 2))
"""A degree of longitude is this much shorter than one of latitude at Libya's middle."""


@dataclass(frozen=True)
class Projection:
    """Latitude/longitude → braille dots, fitted into a canvas with the country's proportions."""

    scale: float
    """Dots per degree of latitude."""
    left: float
    top: float

    @classmethod
    def fit(cls, width: int, height: int) -> Projection:
        across = (EAST - WEST) * _ASPECT
        down = NORTH - SOUTH
        scale = max(min((width - 1) / across, (height - 1) / down), 0.01)
        left = (width - 1 - across * scale) / 2
        top = (height - 1 - down * scale) / 2
        return cls(scale, left, top)

    def dot(self, lat: float, lon: float) -> tuple[int, int]:
        x = self.left + (lon - WEST) * _ASPECT * self.scale
        y = self.top + (NORTH - lat) * self.scale
        return round(x), round(y)


def inside(p: PlaceCount) -> bool:
    """Whether a place has coordinates within the map's box (a place abroad has no mark)."""
    return (
        p.lat is not None
        and p.lon is not None
        and SOUTH <= p.lat <= NORTH
        and WEST <= p.lon <= EAST
    )


def draw_map(
    places: Sequence[PlaceCount], cols: int, rows: int, highlighted: str | None = None
) -> list[Text]:
    """The map as `rows` lines of `cols` cells (pure: the widget and the tests call it)."""
    canvas = BrailleCanvas(cols, rows)
    if cols < 4 or rows < 3:
        return [Text(line) for line in canvas.lines()]
    proj = Projection.fit(canvas.width, canvas.height)
    points = [proj.dot(lat, lon) for lat, lon in OUTLINE]
    for (x0, y0), (x1, y1) in zip(points, [*points[1:], points[0]], strict=True):
        canvas.line(x0, y0, x1, y1)
    lines = [Text(line, style="dim") for line in canvas.lines()]
    top = max((p.total for p in places), default=0)
    marks: dict[tuple[int, int], PlaceCount] = {}
    for place in places:
        if not inside(place) or place.total <= 0:
            continue
        assert place.lat is not None and place.lon is not None
        x, y = proj.dot(place.lat, place.lon)
        cell = (min(max(y // 4, 0), rows - 1), min(max(x // 2, 0), cols - 1))
        held = marks.get(cell)
        # Two places in one cell: the highlighted one wins, then the busier one.
        if (
            held is None
            or place.id == highlighted
            or (held.id != highlighted and place.total > held.total)
        ):
            marks[cell] = place
    chosen: tuple[int, int, PlaceCount] | None = None
    for (row, col), place in marks.items():
        glyph = "●" if place.total * 3 > top else "•"
        style = "bold reverse" if place.id == highlighted else "bold"
        lines[row] = _put(lines[row], col, glyph, style)
        if place.id == highlighted:
            chosen = (row, col, place)
    if chosen is not None:
        row, col, place = chosen
        label = f" {clean_line(place.name, 30)} {place.total:,} "
        start = col + 2 if col + 2 + len(label) <= cols else max(col - 1 - len(label), 0)
        lines[row] = _put(lines[row], start, label[: max(cols - start, 0)], "reverse")
    return lines


def _put(line: Text, col: int, text: str, style: str) -> Text:
    """`line` with `text` written over it from cell `col` (literal text, never markup)."""
    plain = line.plain
    end = min(col + len(text), len(plain))
    out = line[:col]
    out.append(text[: end - col], style=style)
    out.append_text(line[end:])
    return out


class PlacesMap(Widget):
    """Draws `places` on Libya's outline at whatever size it is given."""

    DEFAULT_CSS = """
    PlacesMap { width: 1fr; height: 1fr; }
    """

    places: reactive[tuple[PlaceCount, ...]] = reactive((), layout=False)
    highlighted: reactive[str | None] = reactive(None)

    def render(self) -> Text:
        size = self.content_size
        lines = draw_map(self.places, size.width, size.height, self.highlighted)
        return Text("\n").join(lines)
