"""The user's status line, read from tmux and drawn as tmux's own client draws it.

tmux's client draws ``status-format`` (by default: status-left, the window list with
``window-status-format``/``-current-format``/``-separator`` and their styles,
status-right), expanded for the client and laid out by ``format_draw``. A control client
gets none of it, so tuimux asks tmux for the same expansion (``#{T:status-format[N]}``:
tmux expands it, ``#()`` commands of the user's own configuration included, exactly as
for its own status line; the format sent is a constant and holds nothing a pane chose)
and lays it out with :func:`~tuimux.control.format_draw.format_draw`. The expansion holds
window names and pane titles: every character drawn is made printable and the length
read is bounded. It is read again when what tmux shows changed (the model's
notifications, options set through tuimux, ``refresh-client -S``) and every
``status-interval``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from rich.cells import cell_len
from rich.color import Color
from rich.style import Style
from rich.text import Text
from wcwidth import wcwidth

from tuimux.client import TmuxClient
from tuimux.control import events as ev
from tuimux.control import tmux_style as ts
from tuimux.control.escape import printable
from tuimux.control.format_draw import MAX_EXPANDED, Drawn, format_draw
from tuimux.control.numbers import parse_uint
from tuimux.errors import TuimuxError
from tuimux.ui.host_cursor import PromptCursor, prompt_cursor_of

log = logging.getLogger(__name__)

MAX_LINES = 5  # tmux's status is off, on or 2 to 5 lines
HEADER = "#{status}|#{status-position}|#{status-interval}|#{message-line}"
SETTLE_SECONDS = 0.05  # changes come in bursts (a window switch renames and re-lays out)
RETRY_SECONDS = 15.0


def line_format(line: int) -> str:
    """Line ``line`` of the status when tmux would draw it, else nothing (so a line the
    user's ``status`` hides never runs its ``#()`` commands)."""
    if line == 0:
        return "#{?#{==:#{status},off},,#{T:status-format[0]}}"
    return f"#{{?#{{m:[{line + 1}-5],#{{status}}}},#{{T:status-format[{line}]}},}}"


STATUS_READ: tuple[tuple[str, ...], ...] = (
    ("display-message", "-p", HEADER),
    ("display-message", "-p", "#{status-fg}|#{status-bg}|#{E:status-style}"),
    ("display-message", "-p", "#{E:message-style}"),
    *(("display-message", "-p", line_format(line)) for line in range(MAX_LINES)),
    # The borders' look, read on the same line (window options of the current window).
    (
        "display-message",
        "-p",
        "#{pane-border-lines}|#{pane-border-indicators}|#{E:pane-border-style}",
    ),
    ("display-message", "-p", "#{E:pane-active-border-style}"),
    # The prompt's cursor (tmux 3.6+; older servers expand both to nothing).
    ("display-message", "-p", "#{prompt-cursor-style}|#{prompt-cursor-colour}"),
)
BORDERS_AT = 3 + MAX_LINES
ACTIVE_BORDER = ts.Cell(fg=2)  # tmux's default pane-active-border-style: fg=green


@dataclass(frozen=True)
class StatusRead:
    """What tmux says the status line is: how many lines, where, and each line's
    expansion, with the cell its empty parts are drawn in."""

    lines: int = 1
    top: bool = False
    interval: float = 15.0
    message_line: int = 0
    base: ts.Cell = ts.PLAIN
    message: ts.Cell = ts.PLAIN
    expanded: tuple[str, ...] = field(default_factory=tuple)
    border_lines: str = "single"
    # pane-border-indicators (tmux 3.3+; 3.2a has none and always splits the colour of
    # a two-pane window's border: "colour" too).
    border_indicators: str = "colour"
    # False when a line was longer than tuimux lays out (hundreds of windows): the
    # window list is then made from the model, which costs what fits on the screen.
    whole: bool = True
    border: ts.Cell = ts.PLAIN
    active_border: ts.Cell = ACTIVE_BORDER
    prompt_cursor: PromptCursor | None = None  # None: a reversed cell (before 3.6)

    def draw(self, width: int) -> list[Drawn]:
        return [_drawn(text, self.base, width) for text in self.expanded[: self.lines]]


@lru_cache(maxsize=32)
def _drawn(text: str, base: ts.Cell, width: int) -> Drawn:
    return format_draw(text, base, width)


def parse_status_read(replies: list[list[str]]) -> StatusRead:
    """``STATUS_READ``'s answers → :class:`StatusRead`; anything unexpected gives tmux's
    defaults rather than an error (a hostile server answers anything)."""
    joined = ["".join(reply) for reply in replies]
    whole = all(len(text) <= MAX_EXPANDED for text in joined)
    texts = [text[:MAX_EXPANDED] for text in joined]
    texts += [""] * (len(STATUS_READ) - len(texts))
    status, position, interval, message_line = [*texts[0].split("|"), "", "", ""][:4]
    lines = {"off": 0, "on": 1}.get(status)
    if lines is None:
        lines = parse_uint(status, MAX_LINES) or 1
    seconds = parse_uint(interval, 2**31)
    fg, bg, style = [*texts[1].split("|", 2), "", ""][:3]
    base = ts.style_cell(style)
    lines_name, _, rest = texts[BORDERS_AT].partition("|")
    indicators, _, border = rest.partition("|")
    # status-fg and status-bg (tmux before 3.0 and still read): over the style.
    for name, colour in (("fg", ts.colour_from_string(fg)), ("bg", ts.colour_from_string(bg))):
        if colour is not None and colour not in (ts.DEFAULT, ts.TERMINAL):
            base = ts.Cell(
                colour if name == "fg" else base.fg,
                colour if name == "bg" else base.bg,
                base.us,
                base.attr,
            )
    return StatusRead(
        lines=lines,
        top=position == "top",
        interval=float(seconds) if seconds is not None else 15.0,
        message_line=parse_uint(message_line, MAX_LINES) or 0,
        base=base,
        message=ts.style_cell(texts[2]),
        expanded=tuple(texts[3:BORDERS_AT]),
        whole=whole,
        border_lines=lines_name,
        border_indicators=indicators or "colour",
        border=ts.style_cell(border),
        active_border=ts.style_cell(texts[BORDERS_AT + 1]),
        prompt_cursor=_prompt_cursor(texts[BORDERS_AT + 2]),
    )


def _prompt_cursor(text: str) -> PromptCursor | None:
    style, _, colour_name = text.partition("|")
    colour = ts.colour_from_string(colour_name) if colour_name else None
    return prompt_cursor_of(style, ts.colour_rgb(colour) if colour is not None else None)


async def keep_status(
    client: TmuxClient, show: Callable[[StatusRead], None], changed: asyncio.Event
) -> None:
    """Follow tmux's status line for as long as the attach lasts (cancelled at its end):
    one command line per read, after each change and every ``status-interval``.

    Besides what the app reports (``changed``), two changes tmux tells no control client
    about: a pane's title (the mirror reads them once a second and reports a change
    as a structure change) and a configuration sourced with errors (here)."""

    def on_event(event: ev.Notification) -> None:
        if isinstance(event, ev.ConfigError):
            changed.set()

    unsubscribe = client.subscribe(on_event)
    try:
        await _follow(client, show, changed)
    finally:
        unsubscribe()


async def _follow(
    client: TmuxClient, show: Callable[[StatusRead], None], changed: asyncio.Event
) -> None:
    first = True
    while True:
        changed.clear()
        try:
            replies = await client.read_formats(list(STATUS_READ))
        except TuimuxError as error:  # a slow moment or a dying link: look again later
            log.debug("status line not read: %s", error)
            await asyncio.sleep(RETRY_SECONDS)
            continue
        read = parse_status_read(replies)
        show(read)
        # The first read starts the user's #() commands; their output is there for the
        # next one, as tmux's own line redraws when they finish.
        timeout = min(read.interval, 1.0) if first else read.interval
        first = False
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout or None):
                await changed.wait()
        await asyncio.sleep(SETTLE_SECONDS)


# -- drawing ---------------------------------------------------------------------------


@lru_cache(maxsize=1024)
def rich_colour(colour: int) -> Color | None:
    """A tmux colour → Rich's: the 16 and 256 stay palette colours (the user's terminal
    decides them, as with tmux), RGB stays RGB; default and terminal are no colour."""
    if colour & ts.FLAG_RGB:
        return Color.from_rgb((colour >> 16) & 0xFF, (colour >> 8) & 0xFF, colour & 0xFF)
    if colour & ts.FLAG_256:
        return Color.from_ansi(colour & 0xFF)
    if 0 <= colour <= 7:
        return Color.from_ansi(colour)
    if 90 <= colour <= 97:
        return Color.from_ansi(colour - 90 + 8)
    return None


@lru_cache(maxsize=1024)
def rich_style(cell: ts.Cell) -> Style:
    attr = cell.attr
    return Style(
        color=rich_colour(cell.fg),
        bgcolor=rich_colour(cell.bg),
        bold=bool(attr & ts.BRIGHT) or None,
        dim=bool(attr & ts.DIM) or None,
        italic=bool(attr & ts.ITALICS) or None,
        underline=bool(attr & (ts.ALL_UNDERSCORES & ~ts.UNDERSCORE_2)) or None,
        underline2=bool(attr & ts.UNDERSCORE_2) or None,
        blink=bool(attr & ts.BLINK) or None,
        reverse=bool(attr & ts.REVERSE) or None,
        conceal=bool(attr & ts.HIDDEN) or None,
        strike=bool(attr & ts.STRIKETHROUGH) or None,
        overline=bool(attr & ts.OVERLINE) or None,
    )


def line_text(drawn: Drawn) -> Text:
    """One drawn line as Rich text, one cell per column: a wide character whose right
    half another section covered is a space, as on a terminal, and every character is
    made printable (what it drops leaves a space, so nothing after it moves)."""
    text = Text(no_wrap=True, overflow="crop", end="")
    columns = drawn.columns
    run: list[str] = []
    run_cell: ts.Cell | None = None
    for index, (chars, cell) in enumerate(columns):
        if chars == "":
            continue  # the right half of the wide character before
        if wcwidth(chars[0]) == 2 and (index + 1 == len(columns) or columns[index + 1][0] != ""):
            chars = " "
        if cell != run_cell and run:
            text.append("".join(run), rich_style(run_cell or ts.PLAIN))
            run = []
        run_cell = cell
        shown, width = printable(chars, 64), max(wcwidth(chars[0]), 1)
        run.append(shown if cell_len(shown) == width else " " * width)
    if run:
        text.append("".join(run), rich_style(run_cell or ts.PLAIN))
    return text


def message_line(text: str, cell: ts.Cell, width: int) -> Drawn:
    """A message over the status line, as ``status_message_redraw``: the whole line in
    ``message-style`` and the message's own ``#[…]`` styles laid out on it."""
    return format_draw(text, cell, width)


def window_at(drawn: Drawn, x: int) -> int | None:
    """The window index whose ``range=window|N`` covers column ``x``."""
    for found in drawn.ranges:
        if found.type == "window" and found.start <= x < found.end:
            return parse_uint(found.argument, 2**31)
    return None
