"""Parse tmux layout strings (``%layout-change``, ``#{window_layout}``) into trees.

Grammar (tmux ``layout-custom.c``): ``CSUM,CELL`` where CSUM is four lowercase hex digits
(``%04hx``) and CELL is ``WxH,X,Y`` followed by ``,ID`` (a pane, its ``%`` dropped),
``{CELL,…}`` (side by side) or ``[CELL,…]`` (stacked). Offsets are absolute window
coordinates, not relative to the parent. After ``X,Y`` a ``,digits`` is a pane id unless
the digits run into an ``x``: then it is the next sibling cell, exactly as tmux decides
(it also accepts cells without ids, which is what ``select-layout`` strings often are).
tmux 3.7+ may print negative offsets and a trailing ``<CELL,…>`` of floating panes
(next-3.8 also leaves each float in the tree, so a pane id can appear twice).

Numbers are accepted only in the form tmux prints them (no sign on sizes, no leading
zeros, no ``-0``), so every string this parser accepts is exactly what ``format_layout``
would write back: a malformed line can never be mistaken for a different valid one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Literal

from tuimux.control.numbers import WINDOW_MAXIMUM
from tuimux.errors import LayoutError

MAX_DEPTH = 100
"""Deeper nesting than any real window can have; refusing it bounds Python's recursion."""
MAX_NUMBER = 100_000
"""Far beyond any real terminal: offsets past it are corruption, not geometry (3.7+
floating panes can be dragged far off the window, so offsets get more room than sizes)."""
MAX_SIZE = WINDOW_MAXIMUM
"""tmux never makes a window, so a cell, wider or taller than this (``WINDOW_MAXIMUM``)."""
MAX_CELLS = 10_000
"""Cells in one layout string: tmux 3.3a's own layout_set_size limits are looser, but no
window holds this many panes, and each cell costs an object here (the line may be 256 MB)."""
MAX_PANE_ID = 2**32 - 1
"""Pane ids are a never-reused tmux ``u_int``: a long-lived server legitimately passes 100000."""

Split = Literal["leaf", "horizontal", "vertical"]
_PANE_ID = re.compile(r"%(?:0|[1-9][0-9]{0,9})")
_CLOSE = {"{": "}", "[": "]"}


@dataclass(frozen=True, slots=True)
class Layout:
    """One layout cell, or a whole window's tree when it is the root.

    Any value that constructs formats back to a string tmux could print (``floating`` only
    on the root): ``__post_init__`` refuses the rest, so the UI never holds nonsense.
    """

    width: int
    height: int
    x: int
    y: int
    pane_id: str | None
    split: Split  # horizontal = ``{}`` (side by side), vertical = ``[]`` (stacked)
    children: tuple[Layout, ...] = ()
    floating: tuple[Layout, ...] = ()  # only on the root (tmux >= 3.7)

    def __post_init__(self) -> None:
        """Refuse trees that ``format_layout`` could not write back faithfully."""
        if not (0 <= self.width <= MAX_SIZE and 0 <= self.height <= MAX_SIZE):
            raise LayoutError(f"layout cell size {self.width}x{self.height} is out of range")
        if max(abs(self.x), abs(self.y)) > MAX_NUMBER:
            raise LayoutError(f"layout cell offset {self.x},{self.y} is out of range")
        if self.split == "leaf":
            if self.children:
                raise LayoutError("a layout leaf cannot have children")
            if self.pane_id is not None and (
                _PANE_ID.fullmatch(self.pane_id) is None or int(self.pane_id[1:]) > MAX_PANE_ID
            ):
                raise LayoutError(f"{self.pane_id!r} is not a tmux pane id")
        elif self.split not in ("horizontal", "vertical"):
            raise LayoutError(f"unknown layout split {self.split!r}")
        elif self.pane_id is not None or not self.children:
            raise LayoutError("a layout split has children and no pane id")

    def panes(self) -> Iterator[Layout]:
        """Leaf cells in tmux's order (its pane order), then those of floating panes."""
        if self.split == "leaf":
            yield self
        for cell in (*self.children, *self.floating):
            yield from cell.panes()

    def pane_ids(self) -> list[str]:
        """Pane ids in layout order, each once: next-3.8 lists a float in the tree *and* ``<…>``."""
        return list(dict.fromkeys(cell.pane_id for cell in self.panes() if cell.pane_id))


def layout_checksum(body: str) -> int:
    """tmux's 16-bit rotate-and-add checksum of the bytes after ``CSUM,`` (any str works)."""
    csum = 0
    for byte in body.encode("utf-8", "surrogatepass"):
        csum = (((csum >> 1) | ((csum & 1) << 15)) + byte) & 0xFFFF
    return csum


def _digits_end(text: str, pos: int) -> int:
    """End of the run of ASCII digits at ``pos`` (``str.isdigit`` and ``\\d`` take "٣" too)."""
    while pos < len(text) and "0" <= text[pos] <= "9":
        pos += 1
    return pos


class _Parser:
    """Recursive descent over ``text`` with one index, so errors can say where."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.cells_left = MAX_CELLS

    def fail(self, why: str) -> LayoutError:
        return LayoutError(f"malformed tmux layout {self.text[:60]!r} at offset {self.pos}: {why}")

    def peek(self) -> str:
        return self.text[self.pos : self.pos + 1]

    def expect(self, char: str) -> None:
        if self.peek() != char:
            raise self.fail(f"expected {char!r}")
        self.pos += 1

    def number(self, what: str, limit: int = MAX_NUMBER, signed: bool = False) -> int:
        """A decimal number spelt as tmux's ``%u``/``%d`` spells it, within ``limit``."""
        start = self.pos
        if signed and self.peek() == "-":
            self.pos += 1
        digits_start, self.pos = self.pos, _digits_end(self.text, self.pos)
        digits, token = self.text[digits_start : self.pos], self.text[start : self.pos]
        if not digits or (digits[0] == "0" and token != "0"):
            raise self.fail(f"expected {what} as tmux prints it, found {token!r}")
        if len(digits) > len(str(limit)) or abs(int(token)) > limit:
            raise self.fail(f"{what} {token} is out of range")
        return int(token)

    def cells(self, close: str, depth: int) -> tuple[Layout, ...]:
        """``CELL,CELL,…`` then ``close``: at least one cell, as tmux requires."""
        found = [self.cell(depth)]
        while self.peek() == ",":
            self.pos += 1
            found.append(self.cell(depth))
        self.expect(close)
        return tuple(found)

    def cell(self, depth: int) -> Layout:
        if depth > MAX_DEPTH:
            raise self.fail(f"splits nested more than {MAX_DEPTH} deep")
        self.cells_left -= 1
        if self.cells_left < 0:
            raise self.fail(f"more than {MAX_CELLS} cells")
        width = self.number("width", MAX_SIZE)
        self.expect("x")
        height = self.number("height", MAX_SIZE)
        self.expect(",")
        x = self.number("x offset", signed=True)
        self.expect(",")
        y = self.number("y offset", signed=True)
        opener = self.peek()
        if opener in _CLOSE:
            self.pos += 1
            kind: Split = "horizontal" if opener == "{" else "vertical"
            return Layout(width, height, x, y, None, kind, self.cells(_CLOSE[opener], depth + 1))
        pane_id = None
        if opener == ",":
            # tmux's own rule: ",digits" is an id unless the digits run into "x".
            end = _digits_end(self.text, self.pos + 1)
            if self.text[end : end + 1] != "x":
                self.pos += 1
                pane_id = f"%{self.number('pane id', MAX_PANE_ID)}"
        return Layout(width, height, x, y, pane_id, "leaf")


def parse_layout(text: str) -> Layout:
    """Parse ``CSUM,BODY``; any malformation or checksum mismatch raises ``LayoutError``."""
    checksum, comma, body = text.partition(",")
    if not comma or len(checksum) != 4 or checksum.strip("0123456789abcdef"):
        raise LayoutError(f"malformed tmux layout {text[:60]!r}: no 4-digit hex checksum")
    if layout_checksum(body) != int(checksum, 16):
        raise LayoutError(f"tmux layout {text[:60]!r} fails its checksum (corrupt line?)")
    parser = _Parser(body)
    root = parser.cell(0)
    floating: tuple[Layout, ...] = ()
    if parser.peek() == "<":  # tmux 3.7+: the floating panes, after the whole tree
        parser.pos += 1
        floating = parser.cells(">", 1)
    if parser.pos != len(body):
        raise parser.fail("unexpected characters after the layout")
    return replace(root, floating=floating) if floating else root


def _format_cell(cell: Layout) -> str:
    if cell.floating:
        raise LayoutError("only the root of a layout can hold floating panes")
    text = f"{cell.width}x{cell.height},{cell.x},{cell.y}"
    if cell.split == "leaf":
        return text + (f",{cell.pane_id[1:]}" if cell.pane_id is not None else "")
    inner = ",".join(_format_cell(child) for child in cell.children)
    return text + ("{" + inner + "}" if cell.split == "horizontal" else "[" + inner + "]")


def format_layout(layout: Layout) -> str:
    """The inverse of ``parse_layout``: ``CSUM,BODY`` byte for byte as tmux prints it."""
    body = _format_cell(replace(layout, floating=()))
    if layout.floating:
        body += "<" + ",".join(_format_cell(cell) for cell in layout.floating) + ">"
    return f"{layout_checksum(body):04x},{body}"
