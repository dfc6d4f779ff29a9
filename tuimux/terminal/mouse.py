"""Encode mouse events the way the application in a pane asked for them.

An application turns mouse reporting on with private modes: 1000 (press and release),
1002 (also motion while a button is down), 1003 (all motion), and chooses the encoding
with 1006 (SGR: ``CSI < b ; x ; y M|m``) or, without it, the X10 form
(``CSI M b x y`` with each value + 32, so coordinates stop at 223). tmux cannot be asked
to encode for us from a control client, so tuimux encodes and sends the bytes with
``send-keys -H``. With no mode on, the app decides what the mouse does (see the UI).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Action = Literal["press", "release", "motion", "wheel-up", "wheel-down"]
TRACKING_MODES = frozenset({1000, 1002, 1003})
X10_LIMIT = 223


@dataclass(frozen=True, slots=True)
class MouseInput:
    action: Action
    button: int  # 1 left, 2 middle, 3 right (Textual's numbering); 0 for none
    x: int  # cell in the pane, from 0
    y: int
    shift: bool = False
    meta: bool = False
    ctrl: bool = False


def wants_mouse(modes: set[int]) -> bool:
    return bool(modes & TRACKING_MODES)


def encode_mouse(event: MouseInput, modes: set[int]) -> bytes | None:
    """The bytes the application expects for this event, or None if it did not ask."""
    if not wants_mouse(modes):
        return None
    if event.action == "motion" and 1003 not in modes and not (1002 in modes and event.button):
        return None
    sgr = 1006 in modes
    if event.action == "wheel-up":
        code = 64
    elif event.action == "wheel-down":
        code = 65
    elif event.action == "release" and not sgr:
        code = 3  # X10 cannot say which button was released
    else:
        code = {1: 0, 2: 1, 3: 2}.get(event.button, 3)
    if event.action == "motion":
        code += 32
    code += 4 * event.shift + 8 * event.meta + 16 * event.ctrl
    if sgr:
        final = "m" if event.action == "release" else "M"
        return f"\x1b[<{code};{event.x + 1};{event.y + 1}{final}".encode()
    if event.x + 1 > X10_LIMIT or event.y + 1 > X10_LIMIT:
        return None  # the X10 form cannot express the position
    return bytes((0x1B, 0x5B, 0x4D, 32 + code, 32 + event.x + 1, 32 + event.y + 1))


def send_bytes_args(pane_id: str, data: bytes) -> list[str]:
    """``send-keys -H``: raw bytes as hex, never inside a command line as themselves."""
    return ["send-keys", "-t", pane_id, "-H", *(f"{byte:02x}" for byte in data)]
