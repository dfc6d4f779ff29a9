"""A pane border dragged with the mouse, as tmux's ``resize-pane -M`` does it.

tmux's own client finds the layout cells whose right or bottom border is under the
pointer where the drag began (``layout_search_by_border`` at that cell and its four
neighbours, cmd-resize-pane.c) and moves each border with the pointer. A control client
has no pointer (``resize-pane -M`` does nothing for it), so tuimux finds the same cells
in the layout it mirrors and sends ``resize-pane -t PANE -x|-y SIZE`` for a pane whose
``resize-pane`` moves exactly that border (tmux walks from the pane up to the first cell
whose parent is split the same way, ``layout_resize_pane``). The size is absolute, so a
burst of drags in flight ends where the pointer is. tmux's mouse drag only takes room
from the cells after the border when growing; ``resize-pane`` would also push the
cells before it, so the size is capped at what the cells after can give.
"""

from __future__ import annotations

from dataclasses import dataclass

from tuimux.control.layout import Layout

_OFFSETS = ((0, 0), (0, 1), (1, 0), (0, -1), (-1, 0))
PANE_MINIMUM = 1  # tmux's PANE_MINIMUM


@dataclass(frozen=True, slots=True)
class Border:
    """One border being dragged: the cell before it, in a parent split ``split``."""

    cell: Layout
    parent: Layout

    @property
    def across(self) -> bool:
        """True for a vertical border between side-by-side cells (moves with x)."""
        return self.parent.split == "horizontal"


def on_border(layout: Layout, x: int, y: int) -> bool:
    """tmux's test for ``where == BORDER`` (server-client.c): the column right of a pane,
    from the row above it to the row below, or the row under a pane likewise."""
    for cell in _tiled(layout):
        right, bottom = cell.x + cell.width, cell.y + cell.height
        if right == x and cell.y <= 1 + y and bottom >= y:
            return True
        if bottom == y and cell.x <= 1 + x and right >= x:
            return True
    return False


def _tiled(cell: Layout) -> list[Layout]:
    """The tiled panes' cells (floating panes, tmux 3.7+, have frames, not borders)."""
    if cell.split == "leaf":
        return [cell]
    return [leaf for child in cell.children for leaf in _tiled(child)]


def _search(cell: Layout, x: int, y: int) -> tuple[Layout, Layout] | None:
    """``layout_search_by_border``: the child whose border holds (x, y), and its parent."""
    last: Layout | None = None
    for child in cell.children:
        if child.x <= x < child.x + child.width and child.y <= y < child.y + child.height:
            return _search(child, x, y)
        if last is not None:
            if cell.split == "horizontal" and last.x + last.width <= x < child.x:
                return last, cell
            if cell.split == "vertical" and last.y + last.height <= y < child.y:
                return last, cell
        last = child
    return None


def borders_at(layout: Layout, x: int, y: int) -> list[Border]:
    """The borders a drag starting at (x, y) moves (at a junction, one of each way)."""
    found: list[Border] = []
    for dx, dy in _OFFSETS:
        hit = _search(layout, x + dx, y + dy)
        if hit is not None and all(border.cell is not hit[0] for border in found):
            found.append(Border(*hit))
    return found


def _available(cell: Layout, split: str, status: bool) -> int:
    """``layout_resize_check``: how much a cell can shrink along ``split``."""
    if cell.split == "leaf":
        size = cell.width if split == "horizontal" else cell.height
        minimum = PANE_MINIMUM + (1 if status and split == "vertical" else 0)
        return max(size - minimum, 0)
    sizes = [_available(child, split, status) for child in cell.children]
    return sum(sizes) if cell.split == split else min(sizes)


def _mover(cell: Layout, split: str) -> str | None:
    """A pane in ``cell`` whose ``resize-pane`` walks up to ``cell`` itself: one not
    inside another split of the same way."""
    if cell.split == "leaf":
        return cell.pane_id
    if cell.split == split:
        return None
    for child in cell.children:
        found = _mover(child, split)
        if found is not None:
            return found
    return None


def resize_command(border: Border, x: int, y: int, status: bool = False) -> list[str] | None:
    """``resize-pane`` putting the border at the pointer (x, y), within what tmux's own
    drag could reach; None if no pane's resize moves this border."""
    split = border.parent.split
    siblings = border.parent.children
    at = next(index for index, child in enumerate(siblings) if child is border.cell)
    after = siblings[at + 1 :]
    start = border.cell.x if border.across else border.cell.y
    size = border.cell.width if border.across else border.cell.height
    grow = sum(_available(child, split, status) for child in after)
    wanted = min(max((x if border.across else y) - start, PANE_MINIMUM), size + grow)
    flag = "-x" if border.across else "-y"
    pane = _mover(border.cell, split)
    if pane is not None:
        return ["resize-pane", "-t", pane, flag, str(wanted)]
    # tmux resizes the cell before the last one when a pane of the last is named: the
    # last cell's own size is then given (layout_resize_pane_to).
    if at + 2 == len(siblings):
        pane = _mover(siblings[-1], split)
        if pane is not None:
            end = border.parent.x + border.parent.width if border.across else 0
            if not border.across:
                end = border.parent.y + border.parent.height
            # The last cell keeps what is right of (below) the border column (row).
            last_size = end - (start + wanted) - 1
            return ["resize-pane", "-t", pane, flag, str(max(last_size, PANE_MINIMUM))]
    return None
