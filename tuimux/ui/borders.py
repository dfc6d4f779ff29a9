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

from tuimux.control.escape import printable
from tuimux.model import Pane

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
        self._drawn: tuple[object, ...] | None = None

    def draw(
        self,
        size: tuple[int, int] | None,
        panes: list[Pane],
        active_id: str | None,
        border_status: str = "off",
    ) -> None:
        """Recompute the border strips from the window size and its panes' rectangles.

        Pane rectangles, not layout cells, decide what is a border: with
        ``pane-border-status`` tmux shortens panes and draws their titles in the freed
        row (``index "title"`` two cells in, as its default pane-border-format does).
        """
        rects = tuple(
            (p.pane_id, p.left, p.top, p.width, p.height, p.index, p.title) for p in panes
        )
        drawn = (size, rects, active_id, border_status, hash(self.rich_style))
        if drawn == self._drawn:
            return  # most notifications change nothing here
        self._drawn = drawn
        if size is None or (len(panes) < 2 and border_status == "off"):
            self._rows = []
            self.refresh()
            return
        width, height = size
        covered = [[False] * width for _ in range(height)]
        active = None
        for pane in panes:
            if pane.pane_id == active_id:
                active = pane
            for y in range(max(pane.top, 0), min(pane.top + pane.height, height)):
                row = covered[y]
                for x in range(max(pane.left, 0), min(pane.left + pane.width, width)):
                    row[x] = True
        normal = self.rich_style
        highlight = Style(color="green")

        def border(x: int, y: int) -> bool:
            return 0 <= x < width and 0 <= y < height and not covered[y][x]

        def touches_active(x: int, y: int) -> bool:
            if active is None:
                return False
            return (
                active.left - 1 <= x <= active.left + active.width
                and active.top - 1 <= y <= active.top + active.height
            )

        grid: list[list[Segment]] = []
        for y in range(height):
            row_segments = []
            for x in range(width):
                if covered[y][x]:
                    row_segments.append(Segment(" ", normal))
                    continue
                key = (border(x, y - 1), border(x, y + 1), border(x - 1, y), border(x + 1, y))
                char = _BOX.get(key, " ")
                style = highlight if touches_active(x, y) else normal
                row_segments.append(Segment(char, style))
            grid.append(row_segments)
        if border_status in ("top", "bottom"):
            for pane in panes:
                y = pane.top - 1 if border_status == "top" else pane.top + pane.height
                if not 0 <= y < height:
                    continue
                style = highlight if pane.pane_id == active_id else normal
                number = Segment(str(pane.index), style + Style(reverse=True))
                label = [number, *(Segment(ch, style) for ch in f' "{printable(pane.title)}"')]
                room = max(pane.width - 4, 0)
                for offset, segment in enumerate(label[:room]):
                    x = pane.left + 2 + offset
                    if x < width:
                        grid[y][x] = segment
        self._rows = [Strip(Segment.simplify(row)) for row in grid]
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if y < len(self._rows):
            return self._rows[y].crop_extend(0, width, self.rich_style)
        return Strip.blank(width, self.rich_style)
