"""Parse tmux layout strings (``%layout-change``, ``#{window_layout}``) into trees.

Grammar (tmux layout-custom.c): ``CSUM,CELL`` with CELL = ``WxH,X,Y`` followed by
``,ID`` (a pane), ``{CELL,…}`` (side by side) or ``[CELL,…]`` (stacked). After ``X,Y`` a
``,digits`` is a pane id unless the digits are followed by ``x`` (then it is the next
cell). The 16-bit checksum over the body is verified: a mismatch means a corrupt line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from tuimux.errors import LayoutError

MAX_DEPTH = 100
MAX_NUMBER = 100_000
_CELL = re.compile(r"(\d{1,6})x(\d{1,6}),(-?\d{1,6}),(-?\d{1,6})")
_ID = re.compile(r",(\d{1,10})(?!\d|x)")


@dataclass(frozen=True, slots=True)
class Layout:
    width: int
    height: int
    x: int
    y: int
    pane_id: str | None
    split: Literal["leaf", "horizontal", "vertical"]
    children: tuple[Layout, ...] = ()
    floating: tuple[Layout, ...] = ()

    def panes(self) -> Iterator[Layout]:
        if self.split == "leaf":
            yield self
        for child in self.children:
            yield from child.panes()
        for cell in self.floating:
            yield from cell.panes()

    def pane_ids(self) -> list[str]:
        return [cell.pane_id for cell in self.panes() if cell.pane_id is not None]


def layout_checksum(body: str) -> int:
    csum = 0
    for byte in body.encode():
        csum = ((csum >> 1) | ((csum & 1) << 15)) + byte
        csum &= 0xFFFF
    return csum


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def fail(self, why: str) -> LayoutError:
        return LayoutError(f"malformed tmux layout at offset {self.pos}: {why}")

    def cells(self, close: str, depth: int) -> tuple[Layout, ...]:
        found = [self.cell(depth)]
        while self.text.startswith(",", self.pos):
            self.pos += 1
            found.append(self.cell(depth))
        if not self.text.startswith(close, self.pos):
            raise self.fail(f"expected {close!r}")
        self.pos += 1
        return tuple(found)

    def cell(self, depth: int) -> Layout:
        if depth > MAX_DEPTH:
            raise self.fail("nested too deeply")
        match = _CELL.match(self.text, self.pos)
        if match is None:
            raise self.fail("expected WxH,X,Y")
        width, height, x, y = (int(group) for group in match.groups())
        if max(width, height, abs(x), abs(y)) > MAX_NUMBER:
            raise self.fail("number out of range")
        self.pos = match.end()
        opener = self.text[self.pos : self.pos + 1]
        if opener in ("{", "["):
            self.pos += 1
            children = self.cells("}" if opener == "{" else "]", depth + 1)
            kind: Literal["horizontal", "vertical"] = "horizontal" if opener == "{" else "vertical"
            return Layout(width, height, x, y, None, kind, children)
        pane = _ID.match(self.text, self.pos)
        if pane is not None:
            self.pos = pane.end()
            return Layout(width, height, x, y, f"%{pane.group(1)}", "leaf")
        return Layout(width, height, x, y, None, "leaf")


def parse_layout(text: str) -> Layout:
    checksum, comma, body = text.partition(",")
    if not comma or re.fullmatch(r"[0-9a-f]{4}", checksum) is None:
        raise LayoutError(f"malformed tmux layout {text[:60]!r}: no checksum")
    if layout_checksum(body) != int(checksum, 16):
        raise LayoutError(f"tmux layout {text[:60]!r} fails its checksum")
    parser = _Parser(body)
    root = parser.cell(0)
    if body.startswith("<", parser.pos):  # tmux 3.7+: floating panes after the root
        parser.pos += 1
        floating = parser.cells(">", 1)
        root = Layout(
            root.width,
            root.height,
            root.x,
            root.y,
            root.pane_id,
            root.split,
            root.children,
            floating,
        )
    if parser.pos != len(body):
        raise parser.fail("trailing characters")
    return root


def _format_cell(cell: Layout) -> str:
    text = f"{cell.width}x{cell.height},{cell.x},{cell.y}"
    if cell.split == "leaf":
        return text + (f",{cell.pane_id.lstrip('%')}" if cell.pane_id else "")
    inner = ",".join(_format_cell(child) for child in cell.children)
    return text + ("{" + inner + "}" if cell.split == "horizontal" else "[" + inner + "]")


def format_layout(layout: Layout) -> str:
    body = _format_cell(layout)
    if layout.floating:
        body += "<" + ",".join(_format_cell(cell) for cell in layout.floating) + ">"
    return f"{layout_checksum(body):04x},{body}"
