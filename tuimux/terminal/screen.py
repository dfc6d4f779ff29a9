"""The pane emulator: pyte's Screen with the defects that matter to a tmux client fixed.

pyte 0.8.2 answers DA/DSR queries (tmux already answered the application, so a second
answer would be typed into the pane) and has no alternate screen (``?1049h`` only sets a
bit). This subclass never answers, keeps a real alternate buffer, and can be restored
from tmux's own ``capture-pane -e`` without scrolling.
"""

from __future__ import annotations

import copy
import re
from typing import Any

import pyte
from pyte import modes as mo

ALTERNATE_MODES = {47, 1047, 1049}
# Zero-width characters that are not combining marks: pyte 0.8.2's draw() stops at the
# first one and drops the rest of the text (``A❤️ BCD`` → ``A❤``). tmux keeps them in
# the previous cell, as it does combining marks — which it keeps as sent, where pyte
# would NFC-normalise them (``e`` + U+0301 → ``é``): the common blocks of combining marks
# take the same path so a cell holds what tmux's cell holds.
ZERO_WIDTH = re.compile(
    "[\u200b-\u200f\u2060-\u2064\ufe00-\ufe0f\ufeff\U000e0100-\U000e01ef"
    "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
)
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
MOUSE_MODES = (1000, 1002, 1003, 1005, 1006, 1015)


class PaneScreen(pyte.Screen):
    def __init__(self, columns: int, lines: int) -> None:
        super().__init__(columns, lines)
        self.alternate = False
        self.cursor_shape = 0
        self._primary: tuple[Any, Any] | None = None

    def draw(self, data: str) -> None:
        if ZERO_WIDTH.search(data) is None:
            super().draw(data)
            return
        start = 0
        for match in ZERO_WIDTH.finditer(data):
            if match.start() > start:
                super().draw(data[start : match.start()])
            self._attach_to_previous(match.group())
            start = match.end()
        if start < len(data):
            super().draw(data[start:])

    def _attach_to_previous(self, mark: str) -> None:
        row = self.buffer[self.cursor.y]
        x = min(self.cursor.x, self.columns) - 1
        if x > 0 and row[x].data == "":
            x -= 1  # the right half of a wide character
        if x >= 0:
            row[x] = row[x]._replace(data=row[x].data + mark)
            self.dirty.add(self.cursor.y)

    def set_title(self, param: str) -> None:
        super().set_title(_CONTROL.sub("", param))

    def set_icon_name(self, param: str) -> None:
        super().set_icon_name(_CONTROL.sub("", param))

    def set_cursor_shape(self, shape: int) -> None:
        """DECSCUSR (``CSI n SP q``): 0/1 blinking block … 6 steady bar."""
        self.cursor_shape = min(max(shape, 0), 6)

    def write_process_input(self, data: str) -> None:
        """Never answer a query: tmux already did, for the application."""

    @property
    def cursor_visible(self) -> bool:
        return not self.cursor.hidden

    @property
    def mouse_modes(self) -> set[int]:
        return {mode for mode in MOUSE_MODES if (mode << 5) in self.mode}

    @property
    def bracketed_paste(self) -> bool:
        return (2004 << 5) in self.mode

    def set_mode(self, *modes: int, **kwargs: Any) -> None:
        if kwargs.get("private") and ALTERNATE_MODES.intersection(modes):
            self._enter_alternate(save_cursor=1049 in modes)
            modes = tuple(mode for mode in modes if mode not in ALTERNATE_MODES)
        super().set_mode(*modes, **kwargs)

    def reset_mode(self, *modes: int, **kwargs: Any) -> None:
        if kwargs.get("private") and ALTERNATE_MODES.intersection(modes):
            self._leave_alternate(restore_cursor=1049 in modes)
            modes = tuple(mode for mode in modes if mode not in ALTERNATE_MODES)
        super().reset_mode(*modes, **kwargs)

    def _enter_alternate(self, save_cursor: bool) -> None:
        if self.alternate:
            return
        self._primary = (
            copy.deepcopy(self.buffer),
            copy.copy(self.cursor) if save_cursor else None,
        )
        self.alternate = True
        self.buffer.clear()
        self.dirty.update(range(self.lines))

    def _leave_alternate(self, restore_cursor: bool) -> None:
        if not self.alternate:
            return
        self.alternate = False
        self.buffer.clear()
        if self._primary is not None:
            buffer, cursor = self._primary
            self.buffer.update(buffer)
            if restore_cursor and cursor is not None:
                self.cursor = cursor
            self._primary = None
        self.dirty.update(range(self.lines))

    def restore(
        self,
        capture: bytes,
        cursor_x: int,
        cursor_y: int,
        *,
        alternate: bool = False,
        cursor_visible: bool = True,
        private_modes: set[int] | None = None,
        insert: bool = False,
        scroll_region: tuple[int, int] | None = None,
    ) -> None:
        """Replace the screen with tmux's ``capture-pane -p -e`` and set the cursor.

        SGR state carries across lines in a capture, so one stream reads it all; each line
        is placed at its own row with autowrap off, so nothing can scroll.
        """
        from tuimux.terminal.stream import PaneStream

        self.reset()
        self.alternate = alternate
        self._primary = None
        stream = PaneStream(self)
        self.reset_mode(mo.DECAWM)
        lines = capture.split(b"\n")
        if lines and lines[-1] == b"":
            lines.pop()
        for row, line in enumerate(lines[: self.lines]):
            self.cursor.x, self.cursor.y = 0, row
            stream.feed(line)
        self.select_graphic_rendition(0)
        modes = {7} if private_modes is None else private_modes
        self.mode.difference_update({mo.DECAWM, mo.DECOM, mo.DECTCEM, mo.IRM})
        self.mode.update(mode << 5 for mode in modes)
        if insert:
            self.mode.add(mo.IRM)
        if scroll_region is not None and scroll_region != (0, self.lines - 1):
            top, bottom = scroll_region
            if 0 <= top < bottom < self.lines:
                self.margins = pyte.screens.Margins(top, bottom)
        self.cursor.x = min(max(cursor_x, 0), self.columns - 1)
        self.cursor.y = min(max(cursor_y, 0), self.lines - 1)
        self.cursor.hidden = not cursor_visible
        self.dirty.update(range(self.lines))
