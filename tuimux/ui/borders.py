"""The lines between panes, drawn like tmux draws them.

tmux leaves one cell between sibling layout cells. Every cell of the window that no pane
covers is a border; its box-drawing character follows from which neighbours are borders
too, so junctions come out as ``┼ ├ ┬`` exactly where tmux puts them. Borders touching
the active pane take the active colour, as tmux's ``pane-active-border-style`` does.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widget import Widget

from tuimux.control.layout import Layout

# (up, down, left, right) → character
_BOX = {
    (True, True, False, False): "│",
    (False, False, True, True): "─",
    (True, True, True, True): "┼",
    (True, True, False, True): "├",
    (True, True, True, False): "┤",
    (False, True, True, True): "┬",
    (True, False, True, True): "┴",
    (False, True, False, True): "┌",
    (False, True, True, False): "┐",
    (True, False, False, True): "└",
    (True, False, True, False): "┘",
    (True, False, False, False): "│",
    (False, True, False, False): "│",
    (False, False, True, False): "─",
    (False, False, False, True): "─",
}


class BorderView(Widget):
    """Fills the window area; panes are placed on top of it."""

    DEFAULT_CSS = """
    BorderView {
        position: absolute;
        width: 100%;
        height: 100%;
        color: $foreground-muted;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[Strip] = []
        self._drawn: tuple[Layout | None, Layout | None, int] | None = None

    def draw(self, layout: Layout | None, active: Layout | None) -> None:
        """Recompute the border strips for a window layout and its active pane cell."""
        drawn = (layout, active, hash(self.rich_style))
        if drawn == self._drawn:
            return  # most notifications change neither
        self._drawn = drawn
        if layout is None:
            self._rows = []
            self.refresh()
            return
        width, height = layout.width, layout.height
        covered = [[False] * width for _ in range(height)]
        for cell in layout.panes():
            for y in range(max(cell.y, 0), min(cell.y + cell.height, height)):
                row = covered[y]
                for x in range(max(cell.x, 0), min(cell.x + cell.width, width)):
                    row[x] = True
        normal = self.rich_style
        highlight = Style(color="green") if active is not None else normal

        def border(x: int, y: int) -> bool:
            return 0 <= x < width and 0 <= y < height and not covered[y][x]

        def touches_active(x: int, y: int) -> bool:
            if active is None:
                return False
            return (
                active.x - 1 <= x <= active.x + active.width
                and active.y - 1 <= y <= active.y + active.height
            )

        rows: list[Strip] = []
        for y in range(height):
            segments = []
            for x in range(width):
                if covered[y][x]:
                    segments.append(Segment(" ", normal))
                    continue
                key = (border(x, y - 1), border(x, y + 1), border(x - 1, y), border(x + 1, y))
                char = _BOX.get(key, " ")
                segments.append(Segment(char, highlight if touches_active(x, y) else normal))
            rows.append(Strip(Segment.simplify(segments)))
        self._rows = rows
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if y < len(self._rows):
            return self._rows[y].crop_extend(0, width, self.rich_style)
        return Strip.blank(width, self.rich_style)
