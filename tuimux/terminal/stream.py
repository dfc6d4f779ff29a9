"""Bytes of one pane into its screen; never raises, whatever the pane printed.

One stream per pane, kept for the pane's life: its incremental UTF-8 decoder joins
characters tmux split across two ``%output`` lines. The escape-sequence parser replaces
pyte 0.8.2's (``Stream._parser_fsm``) to fix what a tmux client meets:

* colon sub-parameters (``CSI 4:3 m``, ``CSI 38:2::r:g:b m``) — tmux's own
  ``capture-pane -e`` emits them — were printed as text;
* ``CSI ? … n`` and other private forms raised ``TypeError``; a Unicode digit in a
  parameter raised ``ValueError``; ``CSI > …`` and ``CSI = …`` queries are ignored;
* DCS, APC, PM and SOS strings (``ESC P … ESC \\``) were drawn as text;
* parameters, parameter counts and OSC payloads grew without bound.

The dispatch (which screen method each final byte calls) is pyte's own tables.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

import pyte
from pyte import control as ctrl

MAX_PARAMS = 32
MAX_PARAM = 9999
MAX_STRING = 4096

ParserGenerator = Generator[bool | None, str, None]

_C0_IN_CSI = "\x07\x08\x09\x0a\x0b\x0c\x0d"
_STRING_INTRODUCERS = "P_^X"  # DCS, APC, PM, SOS: skipped up to their terminator
_DIGITS = "0123456789"


def sgr_arguments(params: list[list[int]]) -> list[int]:
    """Flatten SGR parameters, turning colon forms into the ``;`` forms pyte knows.

    ``4:n`` is underline style n (0 = off); ``38:2:[cs]:r:g:b`` and ``38:5:n`` are colours
    (the colour-space id is optional); ``58`` (underline colour) has no pyte equivalent.
    """
    out: list[int] = []
    for group in params:
        head, subs = group[0], group[1:]
        if not subs:
            out.append(head)
        elif head == 4:
            out.append(4 if subs[0] else 24)
        elif head in (38, 48) and subs[0] == 2 and len(subs) >= 4:
            out += [head, 2, *subs[-3:]]
        elif head in (38, 48) and subs[0] == 5 and len(subs) >= 2:
            out += [head, 5, subs[1]]
        elif head != 58:
            out.append(head)
    return out


class PaneStream(pyte.ByteStream):
    def feed(self, data: bytes) -> None:  # type: ignore[override]
        try:
            super().feed(data)
        except Exception:
            # A screen method choked on something: drop the sequence, keep the stream.
            self._initialize_parser()

    def _send_to_parser(self, data: str) -> bool | None:
        try:
            assert self._parser is not None
            return self._parser.send(data)
        except Exception:
            self._initialize_parser()
            return self._taking_plain_text

    def _parser_fsm(self) -> ParserGenerator:
        listener: Any = self.listener
        draw: Callable[[str], None] = listener.draw
        debug = listener.debug

        def table(mapping: dict[str, str]) -> dict[str, Callable[..., None]]:
            return {event: getattr(listener, attr) for event, attr in mapping.items()}

        basic = table(self.basic)
        sharp = table(self.sharp)
        escape = table(self.escape)
        csi = table(self.csi)
        sgr = listener.select_graphic_rendition

        while True:
            char = yield True
            if char == ctrl.ESC:
                char = yield None
                if char == "[":
                    char = ctrl.CSI_C1
                elif char == "]":
                    char = ctrl.OSC_C1
                elif char in _STRING_INTRODUCERS:
                    yield from self._skip_string()
                    continue
                elif char == "#":
                    sharp.get((yield None), debug)()
                    continue
                elif char == "%":
                    self.select_other_charset((yield None))
                    continue
                elif char in "()":
                    code = yield None
                    if not self.use_utf8:
                        listener.define_charset(code, mode=char)
                    continue
                else:
                    escape.get(char, debug)()
                    continue

            if char in basic:
                if char in (ctrl.SI, ctrl.SO) and self.use_utf8:
                    continue
                basic[char]()
            elif char == ctrl.CSI_C1:
                params: list[list[int]] = []
                group: list[int] = []
                current = ""
                prefix = ""
                intermediates = ""
                broken = False
                while True:
                    char = yield None
                    if char in _DIGITS:
                        if len(current) < 6:
                            current += char
                    elif char in ";:":
                        group.append(min(int(current or 0), MAX_PARAM))
                        current = ""
                        if char == ";":
                            if len(params) < MAX_PARAMS:
                                params.append(group)
                            group = []
                    elif char in "?<=>" and not params and not group and not current:
                        prefix = char
                    elif char in _C0_IN_CSI:
                        basic[char]()
                    elif char in (ctrl.CAN, ctrl.SUB):
                        draw(char)
                        break
                    elif char == ctrl.ESC:
                        break  # a new sequence aborts this one (xterm does the same)
                    elif " " <= char <= "/":
                        intermediates += char[: 2 - len(intermediates)]
                    elif "@" <= char <= "~":
                        group.append(min(int(current or 0), MAX_PARAM))
                        if len(params) < MAX_PARAMS:
                            params.append(group)
                        if not broken:
                            self._dispatch_csi(char, prefix, intermediates, params, csi, sgr)
                        break
                    else:
                        broken = True  # ignore the sequence up to its final byte
            elif char == ctrl.OSC_C1:
                payload = yield from self._read_string()
                code, _, text = payload.partition(";")
                if code in ("0", "1"):
                    listener.set_icon_name(text)
                if code in ("0", "2"):
                    listener.set_title(text)
            elif char not in (ctrl.NUL, ctrl.DEL):
                draw(char)

    def _dispatch_csi(
        self,
        final: str,
        prefix: str,
        intermediates: str,
        params: list[list[int]],
        csi: dict[str, Callable[..., None]],
        sgr: Callable[..., None],
    ) -> None:
        listener: Any = self.listener
        if intermediates:
            if intermediates == " " and final == "q" and hasattr(listener, "set_cursor_shape"):
                listener.set_cursor_shape(params[0][0] if params else 0)
            return  # DECSCUSR aside, intermediates mean sequences pyte cannot act on
        if prefix == "?":
            if final in "hl":
                flat = [group[0] for group in params]
                (listener.set_mode if final == "h" else listener.reset_mode)(*flat, private=True)
            return  # private queries (DECRQM, ?6n, …): tmux already answered them
        if prefix:
            return  # CSI > c, CSI = c, … are queries or settings meant for the terminal
        if final == "m":
            sgr(*sgr_arguments(params))
            return
        handler = csi.get(final)
        if handler is not None:
            handler(*(group[0] for group in params))

    def _read_string(self) -> Generator[None, str, str]:
        """An OSC payload up to BEL or ST, of which only the first MAX_STRING are kept."""
        kept: list[str] = []
        size = 0
        while True:
            char = yield None
            if char == ctrl.ESC:
                char += yield None
                if char == ctrl.ST_C0:
                    break
                continue  # ESC followed by anything else: tolerated like xterm
            if char in (ctrl.BEL, ctrl.ST_C1):
                break
            if size < MAX_STRING:
                kept.append(char)
                size += 1
        return "".join(kept)

    def _skip_string(self) -> Generator[None, str, None]:
        yield from self._read_string()
