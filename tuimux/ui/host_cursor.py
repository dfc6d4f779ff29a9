"""The terminal's own cursor, kept where the active pane's cursor is.

tmux's client leaves the real cursor at the active pane's cursor, with its shape and
visibility. A drawn (reversed-cell) cursor is not the same thing: mosh's predictive echo
shows typed text at the real cursor and never engaged through tuimux, and screen
readers and input methods follow the real cursor too. Textual hides the terminal's
cursor and moves it to ``App.cursor_position`` after every frame it writes; this shows it
(DECTCEM) and sets its shape (DECSCUSR) when a pane's cursor may be seen, and hides it
while a prompt, tree or question is in front (they draw their own), except a prompt of
tmux 3.6 and later, whose cursor is the terminal's own (:class:`PromptCursor`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

SHOW = "\x1b[?25h"
HIDE = "\x1b[?25l"
DEFAULT_SHAPE = 0  # DECSCUSR 0: the terminal's own default
RESET_COLOUR = "\x1b]112\x07"  # OSC 112 (tmux's Cr): the terminal's own cursor colour
# tmux's cursor-style names, in DECSCUSR's order (options_table_cursor_style_list).
CURSOR_STYLES = (
    "default",
    "blinking-block",
    "block",
    "blinking-underline",
    "underline",
    "blinking-bar",
    "bar",
)


def shape_sequence(shape: int) -> str:
    """DECSCUSR for ``shape`` (0 default, 1/2 block, 3/4 underline, 5/6 bar)."""
    return f"\x1b[{shape} q"


@dataclass(frozen=True)
class PromptCursor:
    """tmux 3.6+ leaves the terminal's cursor at its prompt's cursor, in the user's
    ``prompt-cursor-style`` and ``prompt-cursor-colour``; 3.2a-3.5 drew a reversed cell
    and hid the cursor (their servers expand both options to nothing)."""

    shape: int
    colour: int | None  # RGB; None: the terminal's own colour


def prompt_cursor_of(style: str, colour: int | None) -> PromptCursor | None:
    """The option values as read → the prompt's cursor; None where the server has no
    ``prompt-cursor-style`` (a drawn cell, as before 3.6)."""
    if style not in CURSOR_STYLES:
        return None
    return PromptCursor(CURSOR_STYLES.index(style), colour)


def colour_sequence(rgb: int) -> str:
    """OSC 12, as tmux's client writes the cursor colour (``Cs``, ``rgb:rr/gg/bb``)."""
    return f"\x1b]12;rgb:{rgb >> 16 & 0xFF:02x}/{rgb >> 8 & 0xFF:02x}/{rgb & 0xFF:02x}\x07"


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
        self._prompt: PromptCursor | None = None  # the covering prompt shows the cursor
        self._visible = False
        self._shape = DEFAULT_SHAPE
        self._colour: int | None = None

    @property
    def shown(self) -> Placed | None:
        """Where the terminal's cursor is visible at a pane's cursor now, if it is."""
        return self._wanted if self._visible and not self._covered else None

    def place(self, owner: object, x: int, y: int, shape: int) -> None:
        """The active pane ``owner`` has its cursor at screen cell (x, y)."""
        self._owner, self._wanted = owner, Placed(x, y, shape)
        if not self._covered:  # a prompt in front keeps the cursor where its input is
            self._move(x, y)
        self._apply()

    def clear(self, owner: object) -> None:
        """``owner`` no longer shows a cursor (hidden, inactive, gone); another pane that
        took the cursor meanwhile keeps it."""
        if owner is self._owner:
            self._owner, self._wanted = None, None
            self._apply()

    def cover(self, covered: bool, prompt: PromptCursor | None = None) -> None:
        """A prompt, tree or question is in front of the panes (or not any more);
        ``prompt``: it is a prompt whose cursor is the terminal's (Textual's Input puts
        it at the prompt's cursor)."""
        self._covered = covered
        self._prompt = prompt if covered else None
        if not covered and self._wanted is not None:
            self._move(self._wanted.x, self._wanted.y)  # a prompt's input moved it
        self._apply()

    def restore(self) -> None:
        """The terminal was reset (resumed after a suspend): send the state again."""
        self._visible, self._shape, self._colour = False, DEFAULT_SHAPE, None
        self._write(HIDE)
        self._apply()

    def release(self) -> None:
        """Leaving: give the terminal back its default shape (Textual shows the cursor)."""
        if self._shape != DEFAULT_SHAPE:
            self._write(shape_sequence(DEFAULT_SHAPE))
            self._shape = DEFAULT_SHAPE
        if self._colour is not None:
            self._write(RESET_COLOUR)
            self._colour = None

    def _apply(self) -> None:
        wanted: Placed | PromptCursor | None = self._wanted
        if self._covered:
            wanted = self._prompt
        colour = wanted.colour if isinstance(wanted, PromptCursor) else None
        out = ""
        if colour != self._colour:
            out += RESET_COLOUR if colour is None else colour_sequence(colour)
            self._colour = colour
        if wanted is not None and wanted.shape != self._shape:
            out += shape_sequence(wanted.shape)
            self._shape = wanted.shape
        if (wanted is not None) != self._visible:
            self._visible = wanted is not None
            out += SHOW if self._visible else HIDE
        if out:
            self._write(out)
