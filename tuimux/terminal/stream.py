"""Bytes of one pane into its :class:`~tuimux.terminal.screen.PaneScreen`, parsed as tmux does.

One stream per pane, kept for the pane's life: its incremental UTF-8 decoder
(``errors="replace"``) joins characters tmux split across two ``%output`` lines.

The parser replaces pyte 0.8.2's ``Stream._parser_fsm`` with tmux 3.3a's ``input.c``
states, because pyte prints colon SGR (``4:3``, ``38:2::r:g:b``, which tmux's own
``capture-pane -e`` emits) as text and reads ``58;5;n`` as blink and italics; raises on
``CSI ? 6 n`` and every private form but ``h``/``l``, on a Unicode digit in a parameter
and on more parameters than a method takes (``CSI 1;2;3 H``); lets parameters and OSC
payloads grow without bound (tmux ignores a sequence past 63 parameter bytes, 23
parameters or INT_MAX); draws DCS, APC, PM, SOS and ``ESC k`` strings; ignores
``ESC ( 0`` and SO/SI in UTF-8 (tmux draws line drawing, and its captures use SO/SI);
lets ``ESC % @`` switch to Latin-1; reads U+0080-U+009F as C1 controls (tmux reads
bytes; 3.2a prints them, a blank column here); and takes NEL for a plain linefeed. What
tmux ignores is ignored here: the bytes are the pane's, never instructions to tuimux, and
``feed`` never raises.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Generator, Sequence
from typing import TYPE_CHECKING, Any

import pyte
from pyte import control as ctrl

from tuimux.terminal.attributes import UNDERSCORE_STYLE

if TYPE_CHECKING:
    from tuimux.terminal.screen import PaneScreen

log = logging.getLogger(__name__)

MAX_PARAM_BYTES = 63  # tmux: param_buf[64]
MAX_PARAMS = 23  # tmux: param_list[24], and a full list is refused
MAX_INTERMEDIATES = 3  # tmux: interm_buf[4]
MAX_PARAM = 9999  # a bigger count means the same to a screen this size: the margin
INT_MAX = 2**31 - 1  # tmux ignores a sequence with a larger value
MAX_STRING = 4096  # an OSC payload keeps this many characters; the rest is dropped
# OSC 52 (a program setting the clipboard) may carry this much base64: 1 MiB of text,
# the largest copy tuimux passes to the terminal (terminal.clipboard.MAX_COPY_BYTES).
MAX_SELECTION = 4 * (1024 * 1024 // 3 + 1) + 16

# A parameter: a number (0 when missing) or a colon group (-1 for an empty field).
Param = int | tuple[int, ...]
Step = bool | re.Pattern[str] | None
Parser = Generator[Step, str, None]
Sub = Generator[Step, str, str | None]

ESC, BEL, CAN, SUB = ctrl.ESC, ctrl.BEL, ctrl.CAN, ctrl.SUB
# When the parser yields a pattern, ``feed`` sends a whole matching run at once.
TEXT = re.compile("[^\x00-\x1f\x7f-\x9f]+")  # ground state: drawn, never parsed
STRING = re.compile("[^\x00-\x1f]+")  # OSC, APC, PM, SOS, ESC k: payload characters
DCS_BODY = re.compile("[^\x1b]+")  # a DCS ends only at ESC \
# An ordinary CSI in one piece skips the generator (odd ones go through the parser).
WHOLE_CSI = re.compile("\x1b\\[([<-?]?)([0-;]*)([ -/]*)([@-~])")

# fmt: off
C0 = {
    ctrl.BEL: "bell", ctrl.BS: "backspace", ctrl.HT: "tab", ctrl.LF: "linefeed",
    ctrl.VT: "linefeed", ctrl.FF: "linefeed", ctrl.CR: "carriage_return",
    ctrl.SO: "shift_out", ctrl.SI: "shift_in",
}
ESCAPES = {  # "next_line" is CR then index, as tmux's NEL (pyte: a plain linefeed)
    "c": "reset", "D": "index", "E": "next_line", "M": "reverse_index", "H": "set_tab_stop",
    "7": "save_cursor", "8": "restore_cursor",
}
# tmux's input_csi_table less what only answers queries (c, n, t, DECRQM) and what has a
# prefix or intermediates: the screen method and how many parameters it takes.
CSI = {
    "@": ("insert_characters", 1), "A": ("cursor_up", 1), "B": ("cursor_down", 1),
    "C": ("cursor_forward", 1), "D": ("cursor_back", 1), "E": ("cursor_down1", 1),
    "F": ("cursor_up1", 1), "G": ("cursor_to_column", 1), "`": ("cursor_to_column", 1),
    "H": ("cursor_position", 2), "f": ("cursor_position", 2), "J": ("erase_in_display", 1),
    "K": ("erase_in_line", 1), "L": ("insert_lines", 1), "M": ("delete_lines", 1),
    "P": ("delete_characters", 1), "S": ("scroll_up", 1), "T": ("scroll_down", 1),
    "X": ("erase_characters", 1), "Z": ("back_tab", 1), "b": ("repeat_last", 1),
    "d": ("cursor_to_line", 1), "g": ("clear_tab_stop", 1), "r": ("set_margins", 2),
    "s": ("save_cursor", 0), "u": ("restore_cursor", 0),
}
# fmt: on


def parse_params(raw: str) -> list[Param] | None:
    """tmux's ``input_split``: the parameters, or None when tmux ignores the sequence."""
    if not raw:
        return []
    fields = raw.split(";")
    if len(fields) > MAX_PARAMS:
        return None
    params: list[Param] = []
    for field in fields:
        if ":" in field:
            group = tuple(int(sub) if sub else -1 for sub in field.split(":"))
            params.append(group if max(group) <= INT_MAX else ())
        elif field:
            value = int(field)
            if value > INT_MAX:
                return None
            params.append(min(value, MAX_PARAM))
        else:
            params.append(0)
    return params


def sgr_arguments(params: Sequence[Param]) -> list[int]:
    """tmux's ``input_csi_dispatch_sgr`` as arguments :func:`~tuimux.terminal.cells.rendition`
    reads: ``4:n`` and ``21`` (double) as ``UNDERSCORE_STYLE + n``, ``38``/``48``/``58``
    colours in ``;`` or ``:`` form as ``38;5;n`` or ``38;2;r;g;b`` (out of range as tmux
    does it)."""
    out: list[int] = []
    i = 0
    while i < len(params):
        param = params[i]
        i += 1
        if isinstance(param, tuple):
            out += _sgr_colon(param)
        elif param in (38, 48, 58):
            kind = params[i] if i < len(params) else -1
            i += 1
            if kind == 2:
                rgb = [p if isinstance(p, int) else -1 for p in params[i : i + 3]]
                if len(rgb) == 3 and all(0 <= c <= 255 for c in rgb):
                    out += _colour(param, 2, *rgb)
                    i += 3
            elif kind == 5:
                index = params[i] if i < len(params) else -1
                out += _colour(param, 5, index if isinstance(index, int) else -1)
                i += 1
        elif param == 21:
            out.append(UNDERSCORE_STYLE + 2)
        elif param == 6:
            out.append(5)
        else:
            out.append(param)
    return out


def _sgr_colon(group: tuple[int, ...]) -> list[int]:
    """tmux's ``input_csi_dispatch_sgr_colon``; fields past the seventh void the group."""
    if not group or len(group) > 7:
        return []
    head, n = group[0], len(group)
    if head == 4:
        if n != 2 or not 0 <= group[1] <= 5:
            return []
        return [UNDERSCORE_STYLE + group[1]]
    if n < 3 or head not in (38, 48, 58):
        return []
    if group[1] == 2:
        start = 2 if n == 5 else 3
        rgb = group[start : start + 3]
        if len(rgb) == 3 and all(0 <= c <= 255 for c in rgb):
            return _colour(head, 2, *rgb)
    elif group[1] == 5:
        return _colour(head, 5, group[2])
    return []


def _colour(which: int, kind: int, *values: int) -> list[int]:
    if kind == 5 and not 0 <= values[0] <= 255:
        # tmux falls back to the default colour; an underline colour stays as it was.
        return [] if which == 58 else [which + 1]
    return [which, kind, *values]


class PaneStream(pyte.ByteStream):
    """Parses a pane's output into its screen."""

    _text_pattern = TEXT

    def __init__(self, screen: PaneScreen) -> None:
        self._step: Step = True  # what the parser last yielded (pyte keeps only a bool)
        self._renditions: dict[str, tuple[int, ...] | None] = {}  # SGR parameters, parsed
        super().__init__(screen)

    def feed(self, data: bytes) -> None:  # type: ignore[override]
        """Decode and parse ``data``; never raises (a failing screen method restarts the
        parser at the next character). Besides pyte's runs of text, whole ordinary CSIs and
        runs of string payload (when the parser yields a pattern) skip the generator, so a
        10 MB OSC costs a regex scan, not ten million generator steps."""
        text = self.utf8_decoder.decode(data)
        assert self.listener is not None and self._parser is not None
        screen: Any = self.listener
        draw, parser = screen.draw, self._parser
        step = self._step
        offset, length = 0, len(text)
        while offset < length:
            try:
                if step is True:
                    match = TEXT.match(text, offset)
                    if match is not None:
                        offset = match.end()
                        draw(match.group())
                        continue
                    match = WHOLE_CSI.match(text, offset)
                    if match is not None:
                        offset = match.end()
                        prefix, raw, intermediates, final = match.groups()
                        if len(raw) <= MAX_PARAM_BYTES and len(intermediates) <= MAX_INTERMEDIATES:
                            self._dispatch_csi(prefix, intermediates, final, raw)
                        screen.repeat_char = ""
                        continue
                elif step:
                    match = step.match(text, offset)
                    if match is not None:
                        offset = match.end()
                        step = parser.send(match.group())
                        continue
                offset += 1
                step = parser.send(text[offset - 1])
            except Exception:
                log.exception("pane output could not be parsed; parser restarted")
                self._initialize_parser()
                parser, step = self._parser, True
        self._step = step

    # -- the parser ----------------------------------------------------------------------

    def _parser_fsm(self) -> Parser:  # type: ignore[override]
        """C0 and ESC. Yields True while text may be drawn, None for one character at a
        time, or (unlike pyte's, hence the override) a pattern for a run of payload."""
        screen: Any = self.listener
        self._c0 = {char: getattr(screen, name) for char, name in C0.items()}
        self._csi = {final: (getattr(screen, name), n) for final, (name, n) in CSI.items()}

        def next_line() -> None:
            screen.carriage_return()
            screen.index()

        self._escapes: dict[str, Callable[[], None]] = {
            final: next_line if name == "next_line" else getattr(screen, name)
            for final, name in ESCAPES.items()
        }
        c0 = self._c0
        pending: str | None = None
        while True:
            char = pending if pending is not None else (yield True)
            pending = None
            if char in c0:
                c0[char]()
            elif char == ESC:
                pending = yield from self._escape()
            elif char >= " " and not "\x7f" <= char <= "\x9f":
                screen.draw(char)  # only after a parser restart: text is drawn by feed
            elif char >= "\x80" and screen.rules.c1_column:
                screen.draw(" ")  # a C1 control takes a column in tmux 3.2a, shown blank
            screen.repeat_char = ""  # tmux clears INPUT_LAST after any control

    def _escape(self) -> Sub:
        """After ESC (tmux's esc_enter and esc_intermediate states)."""
        intermediates = ""
        while True:
            char = yield None
            if not intermediates:
                if char == "[":
                    return (yield from self._control_sequence())
                if char == "]":
                    return (yield from self._osc())
                if char == "P":
                    return (yield from self._dcs())
                if char in "_^Xk":  # APC, PM, SOS, screen's window name: ignored
                    return (yield from self._string())
            if char == ESC:
                intermediates = ""
            elif char in (CAN, SUB):
                return None
            elif char < " ":
                if char in self._c0:
                    self._c0[char]()
            elif char <= "/":
                if len(intermediates) <= MAX_INTERMEDIATES:
                    intermediates += char
            elif char <= "~":
                if len(intermediates) <= MAX_INTERMEDIATES:
                    self._dispatch_escape(intermediates, char)
                return None

    def _dispatch_escape(self, intermediates: str, final: str) -> None:
        screen: Any = self.listener
        if not intermediates:
            handler = self._escapes.get(final)
            if handler is not None:
                handler()
        elif intermediates in ("(", ")") and final in "0B":
            screen.define_charset(final, intermediates)
        elif intermediates == "#" and final == "8":
            screen.alignment_display()

    def _control_sequence(self) -> Sub:
        """CSI (tmux's csi_enter, csi_parameter, csi_intermediate and csi_ignore)."""
        raw = intermediates = prefix = ""
        ignore = False
        char = yield None
        if "<" <= char <= "?":
            prefix, char = char, (yield None)
        while True:
            if "0" <= char <= ";":
                if intermediates or len(raw) >= MAX_PARAM_BYTES:
                    ignore = True
                else:
                    raw += char
            elif "@" <= char <= "~":
                if not ignore:
                    self._dispatch_csi(prefix, intermediates, char, raw)
                return None
            elif " " <= char <= "/":
                if len(intermediates) < MAX_INTERMEDIATES:
                    intermediates += char
                else:
                    ignore = True
            elif "<" <= char <= "?":
                ignore = True
            elif char == ESC:
                return ESC
            elif char in (CAN, SUB):
                return None
            elif char < " " and char in self._c0:
                self._c0[char]()
            char = yield None  # DEL and non-ASCII are skipped, as tmux skips bytes >= 0x7f

    def _dispatch_csi(self, prefix: str, intermediates: str, final: str, raw: str) -> None:
        screen: Any = self.listener
        if final == "m" and not prefix and not intermediates:
            if screen.reading_capture and "5:3" in raw:
                # capture-pane -e writes overline (53) as "5:3", as it writes the
                # underline styles ("4:3"); tmux itself would ignore it.
                raw = raw.replace("5:3", "53")
            # SGR is most of what panes send, and few distinct ones: parse each once.
            if raw not in self._renditions:
                if len(self._renditions) >= 256:
                    self._renditions.clear()
                params = parse_params(raw)
                arguments = None if params is None else tuple(sgr_arguments(params))
                self._renditions[raw] = None if params and not arguments else arguments
            arguments = self._renditions[raw]
            if arguments is not None:
                screen.select_graphic_rendition(*arguments)
            return
        params = parse_params(raw)
        if params is None:
            return
        if prefix or intermediates:
            numbers = [p for p in params if isinstance(p, int)]
            if prefix == "?" and not intermediates and final in "hl":
                switch = screen.set_mode if final == "h" else screen.reset_mode
                switch(*numbers, private=True)
            elif not prefix and intermediates == " " and final == "q":
                screen.set_cursor_shape(numbers[0] if numbers else 0)
            return  # everything else with a prefix is a query or meant for the terminal
        if any(isinstance(p, tuple) for p in params):
            return  # tmux reads a colon parameter as invalid outside SGR
        if final in "hl":
            modes = [p for p in params if p == 4]  # tmux's SM/RM know only IRM
            if modes:
                (screen.set_mode if final == "h" else screen.reset_mode)(*modes)
            return
        entry = self._csi.get(final)
        if entry is not None:
            handler, count = entry
            if final == "r":  # a missing bound means the default, and still homes
                params = [*params, 0, 0]
            handler(*params[:count])

    def _osc(self) -> Sub:
        """OSC up to BEL or ESC (C0 dropped); keeps the first MAX_STRING characters (an
        OSC 52 MAX_SELECTION, and only whole: a cut one is dropped)."""
        kept: list[str] = []
        size = 0
        limit = MAX_STRING
        cut = False
        end: str | None = None
        while True:
            chunk = yield STRING
            if chunk == BEL or chunk in (CAN, SUB):
                break
            if chunk == ESC:
                end = ESC  # ESC \ is ST; any other ESC ends the OSC and starts anew
                break
            if chunk >= " ":
                if size < 3 and ("".join(kept) + chunk).startswith("52;"):
                    limit = MAX_SELECTION
                cut = cut or size + len(chunk) > limit
                if size < limit:
                    kept.append(chunk[: limit - size])
                    size += len(kept[-1])
        code, _, text = "".join(kept).partition(";")
        screen: Any = self.listener
        if code in ("0", "2"):
            screen.set_title(text)
        if code in ("0", "1"):
            screen.set_icon_name(text)
        if code == "52" and not cut:
            screen.set_selection(text)
        return end

    def _dcs(self) -> Sub:
        """DCS: ignored; tmux ends it only at ESC \\ (other ESCs belong to the body)."""
        while True:
            char = yield None
            if char == ESC:
                return ESC
            if char in (CAN, SUB):
                return None
            if "@" <= char <= "~":
                break
        while True:
            chunk = yield DCS_BODY
            if chunk == ESC and (yield None) == "\\":
                return None

    def _string(self) -> Sub:
        """APC, PM, SOS and ``ESC k``: ignored up to ESC (BEL does not end them in tmux)."""
        while True:
            chunk = yield STRING
            if chunk == ESC:
                return ESC
            if chunk in (CAN, SUB):
                return None
