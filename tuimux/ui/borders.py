"""The lines between panes, drawn like tmux draws them.

tmux leaves one cell between sibling layout cells. Every cell of the window that no pane
covers is a border; its box-drawing character follows from which neighbours are borders
too, so junctions come out as ``┼ ├ ┬`` exactly where tmux puts them. Borders touching
the active pane take the active colour, as tmux's ``pane-active-border-style`` does; in a
window of two panes only the half of the line beside the active one does, as tmux shows
which side is active (``pane-border-indicators`` colour or both).
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
# pane-border-lines: tmux's other sets (tty-acs.c, SIMPLE_BORDERS), by the single line.
_SINGLE = "│─┌┐└┘┬┴├┤┼"
_LINES = {
    "double": dict(zip(_SINGLE, "║═╔╗╚╝╦╩╠╣╬", strict=True)),
    "heavy": dict(zip(_SINGLE, "┃━┏┓┗┛┳┻┣┫╋", strict=True)),
    "simple": dict(zip(_SINGLE, "|-+++++++++", strict=True)),
    "spaces": dict.fromkeys(_SINGLE, " "),
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
        self._wanted: tuple[tuple[int, int] | None, list[Pane], str | None, str] | None = None
        # The user's pane-border-lines, pane-border-style and pane-active-border-style
        # (None: tuimux's theme until tmux has said).
        self._look: tuple[str, Style, Style] | None = None
        self._indicators = "colour"

    def set_look(
        self, lines: str, normal: Style, active: Style, indicators: str = "colour"
    ) -> None:
        """The look tmux's options give the borders; redrawn only when it changed."""
        look = (lines, normal, active)
        if indicators != self._indicators:
            self._indicators = indicators
            self._drawn = None
        if look != self._look:
            self._look = look
            self.styles.color = "ansi_default"  # a default colour is the terminal's
            self._drawn = None
            if self._wanted is not None:
                self.draw(*self._wanted)

    def on_resize(self) -> None:
        """Only the part of the window the terminal shows is drawn: a bigger terminal
        needs the rest."""
        if self._wanted is not None:
            self.draw(*self._wanted)

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

        Only the window's top-left corner that fits this widget is computed (plus one
        cell each way, so junctions at the edge come out right): a program in a pane can
        make its window 10000x10000 (``resize-window``), and a grid of every cell of
        that took minutes and gigabytes. Work here is bounded by the terminal's area.
        """
        self._wanted = (size, panes, active_id, border_status)
        view = (self.size.width, self.size.height)
        rects = tuple(
            (p.pane_id, p.left, p.top, p.width, p.height, p.index, p.title) for p in panes
        )
        drawn = (size, view, rects, active_id, border_status, hash(self.rich_style))
        split = border_status == "off" and self._indicators in ("colour", "both")
        if drawn == self._drawn:
            return  # most notifications change nothing here
        self._drawn = drawn
        if size is None or (len(panes) < 2 and border_status == "off"):
            self._rows = []
            self.refresh()
            return
        # Shown: width x height. Known: one more cell each way, where the window has one.
        width, height = min(size[0], view[0]), min(size[1], view[1])
        known_w, known_h = min(size[0], width + 1), min(size[1], height + 1)
        covered = [[False] * known_w for _ in range(known_h)]
        active = None
        for pane in panes:
            if pane.pane_id == active_id:
                active = pane
            for y in range(max(pane.top, 0), min(pane.top + pane.height, known_h)):
                row = covered[y]
                for x in range(max(pane.left, 0), min(pane.left + pane.width, known_w)):
                    row[x] = True
        normal, highlight, chars = self.rich_style, Style(color="green"), None
        if self._look is not None:
            lines, user_normal, user_active = self._look
            normal, highlight = normal + user_normal, normal + user_active
            chars = _LINES.get(lines)

        def border(x: int, y: int) -> bool:
            return 0 <= x < known_w and 0 <= y < known_h and not covered[y][x]

        halves = _two_panes(panes) if split else None

        def touches_active(x: int, y: int) -> bool:
            if active is None:
                return False
            if halves is not None:
                return _half_of(active, halves, x, y)
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
                if chars is not None:
                    char = chars.get(char, char)
                style = highlight if touches_active(x, y) else normal
                row_segments.append(Segment(char, style))
            grid.append(row_segments)
        if border_status in ("top", "bottom"):
            for pane in panes:
                y = pane.top - 1 if border_status == "top" else pane.top + pane.height
                if not 0 <= y < height or pane.left + 2 >= width:
                    continue
                style = highlight if pane.pane_id == active_id else normal
                room = min(max(pane.width - 4, 0), width - pane.left - 2)
                number = Segment(str(pane.index), style + Style(reverse=True))
                title = f' "{printable(pane.title[:room])}"'
                label = [number, *(Segment(ch, style) for ch in title)]
                for offset, segment in enumerate(label[:room]):
                    x = pane.left + 2 + offset
                    if 0 <= x < width:
                        grid[y][x] = segment
        self._rows = [Strip(Segment.simplify(row)) for row in grid]
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if y < len(self._rows):
            return self._rows[y].crop_extend(0, width, self.rich_style)
        return Strip.blank(width, self.rich_style)


def _two_panes(panes: list[Pane]) -> str | None:
    """How two panes share the window ("across": side by side, "down": one above the
    other), when there are just two; as tmux's ``screen_redraw_two_panes`` tells it by
    the second pane of the window's list."""
    if len(panes) != 2:
        return None
    second = sorted(panes, key=lambda pane: pane.index)[1]
    if second.left != 0:
        return "across"
    if second.top != 0:
        return "down"
    return None


def _half_of(pane: Pane, halves: str, x: int, y: int) -> bool:
    """Whether (x, y) is on the half of the border tmux gives ``pane`` in a window of
    two (``screen_redraw_pane_border``): the first pane's side up to the middle of its
    height (or width), the second's the rest."""
    if halves == "across":
        if pane.left == 0:
            return x == pane.width and y <= pane.height // 2
        return x == pane.left - 1 and y > pane.height // 2
    if pane.top == 0:
        return y == pane.height and x <= pane.width // 2
    return y == pane.top - 1 and x > pane.width // 2


class FloatFrame(Widget):
    """The box tmux draws around a floating pane (tmux 3.7+), one cell outside it.

    It sits above the tiled panes and just below its own pane, so the pane covers its
    inside and only the outline shows; the window clips it, so an edge pushed past the
    window is not drawn, as tmux's ``redraw_mark_pane_borders`` does for floats.
    """

    DEFAULT_CSS = """
    FloatFrame {
        position: absolute;
        width: 1;
        height: 1;
        color: $foreground-muted;
    }
    """

    def __init__(self, pane_id: str) -> None:
        super().__init__(id=f"float-frame-{pane_id.lstrip('%')}")
        self.pane_id = pane_id
        self.active = False
        self._box = (2, 2)

    def place(self, left: int, top: int, box: tuple[int, int], shown: tuple[int, int]) -> None:
        """The whole box is ``box`` (the pane plus one cell each way); ``shown`` of it fits."""
        self.styles.offset = (left, top)
        self.styles.width, self.styles.height = shown
        if box != self._box:
            self._box = box
            self.refresh()

    def set_active(self, active: bool) -> None:
        if active != self.active:
            self.active = active
            self.refresh()

    def render_line(self, y: int) -> Strip:
        """Only the cells this widget shows are built: a float is as big as its window."""
        width, (box_w, box_h) = self.size.width, self._box
        if y == 0 or y == box_h - 1:
            left, fill, right = ("┌", "─", "┐") if y == 0 else ("└", "─", "┘")
        else:
            left, fill, right = "│", " ", "│"
        inside = min(max(box_w - 2, 0), max(width - 1, 0))
        text = (left + fill * inside + (right if width >= box_w else ""))[:width]
        style = self.rich_style + Style(color="green") if self.active else self.rich_style
        return Strip([Segment(text, style)]).crop_extend(0, width, self.rich_style)
