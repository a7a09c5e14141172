"""A braille dot canvas: each terminal cell holds 2×4 dots, so a small outline reads as a map.

Pure (no Textual): plot points and lines in dot coordinates, read back one string per row.
"""

from __future__ import annotations

_BASE = 0x2800
_BITS = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))
"""The braille bit of the dot at (row within the cell, column within the cell)."""


class BrailleCanvas:
    """`cols` × `rows` terminal cells; dots are addressed (x, y), 0 ≤ x < 2·cols, 0 ≤ y < 4·rows."""

    def __init__(self, cols: int, rows: int) -> None:
        self.cols = max(cols, 0)
        self.rows = max(rows, 0)
        self._cells = [[0] * self.cols for _ in range(self.rows)]

    @property
    def width(self) -> int:
        """Dots across."""
        return self.cols * 2

    @property
    def height(self) -> int:
        """Dots down."""
        return self.rows * 4

    def dot(self, x: int, y: int) -> None:
        """Set one dot; dots off the canvas are ignored."""
        if 0 <= x < self.width and 0 <= y < self.height:
            self._cells[y // 4][x // 2] |= _BITS[y % 4][x % 2]

    def line(self, x0: int, y0: int, x1: int, y1: int) -> None:
        """Bresenham's line between two dots, both ends included."""
        dx, dy = abs(x1 - x0), -abs(y1 - y0)
        sx, sy = (1 if x0 < x1 else -1), (1 if y0 < y1 else -1)
        err = dx + dy
        while True:
            self.dot(x0, y0)
            if x0 == x1 and y0 == y1:
                return
            twice = 2 * err
            if twice >= dy:
                err += dy
                x0 += sx
            if twice <= dx:
                err += dx
                y0 += sy

    def lines(self) -> list[str]:
        """One string per cell row; an empty cell is a space (not the blank braille pattern)."""
        return ["".join(chr(_BASE + c) if c else " " for c in row) for row in self._cells]
