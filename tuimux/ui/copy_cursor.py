"""Put tmux's copy-mode cursor on a cell, as tmux's own client does with the mouse.

Before every copy-mode command of a mouse key, and while a selection is dragged, tmux
sets the copy cursor to the pointer's cell (``window_copy_update_cursor``). A control
client has no pointer, and copy mode has no command that goes to a cell, so tuimux moves
there with commands: ``top-line`` (column 0 of the top row), ``cursor-down`` to the row,
then reads where that left the cursor (``cursor-down`` keeps a remembered column) and the
row's text, and moves ``cursor-left``/``cursor-right`` to the column. ``cursor-right``
never goes past the row's end (there it would go on to the next row); tmux's mouse can
leave the cursor past the end, which copies the same text. The row's text is the mode's
(``copy_cursor_line``): a pane's, read sealed and only measured here.
"""

from __future__ import annotations

import logging
import re

from pyte.screens import wcwidth

from tuimux.client import TmuxClient
from tuimux.errors import TuimuxError

log = logging.getLogger(__name__)

# tmux draws its position indicator over the right end of the top row, and
# copy_cursor_line reads the mode's screen with it: ``[3/120]``, ``(2 results) [3/120]``.
_POSITION = re.compile(r"\s*(\(\d+\+? results?\)\s*)?\[\d+/\d+\](\s*\(.*\))?\s*$")


async def place_copy_cursor(client: TmuxClient, pane_id: str, col: int, row: int) -> bool:
    """Move the copy cursor of ``pane_id`` to (col, row) of the view; False if tmux
    could not be asked (the pane left copy mode, the link went)."""
    argvs: list[tuple[str, ...]] = [("send-keys", "-t", pane_id, "-X", "top-line")]
    if row:
        argvs.append(("send-keys", "-t", pane_id, "-X", "-N", str(row), "cursor-down"))
    argvs += [
        ("display-message", "-p", "-t", pane_id, "#{copy_cursor_x}"),
        ("display-message", "-p", "-t", pane_id, "#{copy_cursor_line}"),
    ]
    try:
        *_, where, line = await client.read_formats(argvs)
    except TuimuxError as error:
        log.debug("copy cursor not placed: %s", error)
        return False
    text = "".join(line)
    if row == 0:
        text = _POSITION.sub("", text)
    now = "".join(where)
    if not now.isascii() or not now.isdigit() or len(now) > 6:
        return False
    steps = steps_to(text.rstrip(" "), int(now), col)
    if not steps:
        return True
    move = "cursor-right" if steps > 0 else "cursor-left"
    try:
        _, after = await client.read_formats(
            [
                ("send-keys", "-t", pane_id, "-X", "-N", str(abs(steps)), move),
                ("display-message", "-p", "-t", pane_id, "#{copy_cursor_y}"),
            ]
        )
        # tmux 3.7+ keeps a vi-keys cursor on the row's last character, so the step to
        # just past it went on to the next row: one step back (to that row's end).
        if after == [str(row + 1)]:
            await client.command("send-keys", "-t", pane_id, "-X", "cursor-left")
    except TuimuxError as error:
        log.debug("copy cursor not moved: %s", error)
        return False
    return True


def steps_to(text: str, now: int, col: int) -> int:
    """How many ``cursor-right`` (positive) or ``cursor-left`` (negative) take the copy
    cursor from column ``now`` to ``col`` on a row holding ``text``: each step goes to
    the next character's first cell, and no further than the row's length."""
    stops: list[int] = []
    cells = 0
    for char in text:
        width = wcwidth(char)
        if width <= 0:
            continue  # combines with the character before it
        stops.append(cells)
        cells += width
    stops.append(cells)  # just past the row's last character
    goal = max((stop for stop in stops if stop <= col), default=0)
    if goal >= now:
        return sum(1 for stop in stops if now < stop <= goal)
    return -sum(1 for stop in stops if goal <= stop < now)
