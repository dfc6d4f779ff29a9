"""The terminal's own cursor, kept where the active pane's cursor is.

tmux's client leaves the real cursor at the active pane's cursor, with its shape and
visibility. A drawn (reversed-cell) cursor is not the same thing: mosh's predictive echo
shows typed text at the real cursor and never engaged through tuimux, and screen
readers and input methods follow the real cursor too. Textual hides the terminal's
cursor and moves it to ``App.cursor_position`` after every frame it writes; this shows it
(DECTCEM) and sets its shape (DECSCUSR) when a pane's cursor may be seen, and hides it
while a prompt, tree or question is in front (they draw their own).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

SHOW = "\x1b[?25h"
HIDE = "\x1b[?25l"
DEFAULT_SHAPE = 0  # DECSCUSR 0: the terminal's own default


def shape_sequence(shape: int) -> str:
    """DECSCUSR for ``shape`` (0 default, 1/2 block, 3/4 underline, 5/6 bar)."""
    return f"\x1b[{shape} q"


@dataclass(frozen=True)
class Placed:
    """Where a pane wants the cursor: screen cell and DECSCUSR shape."""

    x: int
    y: int
    shape: int


class HostCursor:
    """One per window view; a pane view places or clears it, the view says when it is
    covered. Sequences are written only when what the terminal shows must change."""

    def __init__(self, write: Callable[[str], None], move: Callable[[int, int], None]) -> None:
        self._write = write
        self._move = move
        self._owner: object | None = None
        self._wanted: Placed | None = None
        self._covered = False
        self._visible = False
        self._shape = DEFAULT_SHAPE

    @property
    def shown(self) -> Placed | None:
        """Where the terminal's cursor is visible now, if it is."""
        return self._wanted if self._visible else None

    def place(self, owner: object, x: int, y: int, shape: int) -> None:
        """The active pane ``owner`` has its cursor at screen cell (x, y)."""
        self._owner, self._wanted = owner, Placed(x, y, shape)
        self._move(x, y)
        self._apply()

    def clear(self, owner: object) -> None:
        """``owner`` no longer shows a cursor (hidden, inactive, gone); another pane that
        took the cursor meanwhile keeps it."""
        if owner is self._owner:
            self._owner, self._wanted = None, None
            self._apply()

    def cover(self, covered: bool) -> None:
        """A prompt, tree or question is in front of the panes (or not any more)."""
        self._covered = covered
        if not covered and self._wanted is not None:
            self._move(self._wanted.x, self._wanted.y)  # a prompt's input moved it
        self._apply()

    def restore(self) -> None:
        """The terminal was reset (resumed after a suspend): send the state again."""
        self._visible, self._shape = False, DEFAULT_SHAPE
        self._write(HIDE)
        self._apply()

    def release(self) -> None:
        """Leaving: give the terminal back its default shape (Textual shows the cursor)."""
        if self._shape != DEFAULT_SHAPE:
            self._write(shape_sequence(DEFAULT_SHAPE))
            self._shape = DEFAULT_SHAPE

    def _apply(self) -> None:
        wanted = None if self._covered else self._wanted
        out = ""
        if wanted is not None and wanted.shape != self._shape:
            out += shape_sequence(wanted.shape)
            self._shape = wanted.shape
        if (wanted is not None) != self._visible:
            self._visible = wanted is not None
            out += SHOW if self._visible else HIDE
        if out:
            self._write(out)
