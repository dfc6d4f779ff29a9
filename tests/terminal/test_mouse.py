"""Mouse encoding for applications that asked for mouse reporting."""

from __future__ import annotations

from tuimux.terminal.mouse import MouseInput, encode_mouse, send_bytes_args

SGR = {1000, 1006}


def test_nothing_without_a_tracking_mode() -> None:
    assert encode_mouse(MouseInput("press", 1, 0, 0), set()) is None
    assert encode_mouse(MouseInput("press", 1, 0, 0), {1006}) is None


def test_sgr_press_release_and_modifiers() -> None:
    assert encode_mouse(MouseInput("press", 1, 4, 2), SGR) == b"\x1b[<0;5;3M"
    assert encode_mouse(MouseInput("release", 1, 4, 2), SGR) == b"\x1b[<0;5;3m"
    assert encode_mouse(MouseInput("press", 3, 0, 0, ctrl=True), SGR) == b"\x1b[<18;1;1M"
    assert encode_mouse(MouseInput("wheel-up", 0, 9, 9), SGR) == b"\x1b[<64;10;10M"
    assert encode_mouse(MouseInput("wheel-down", 0, 9, 9, shift=True), SGR) == b"\x1b[<69;10;10M"
    assert encode_mouse(MouseInput("press", 1, 300, 100), SGR) == b"\x1b[<0;301;101M"


def test_x10_encoding_and_its_limit() -> None:
    assert encode_mouse(MouseInput("press", 2, 0, 0), {1000}) == b"\x1b[M!!!"
    assert encode_mouse(MouseInput("release", 2, 0, 0), {1000}) == b"\x1b[M#!!"
    assert encode_mouse(MouseInput("press", 1, 300, 0), {1000}) is None


def test_motion_only_when_asked() -> None:
    drag = MouseInput("motion", 1, 1, 1)
    hover = MouseInput("motion", 0, 1, 1)
    assert encode_mouse(drag, {1000, 1006}) is None
    assert encode_mouse(drag, {1002, 1006}) == b"\x1b[<32;2;2M"
    assert encode_mouse(hover, {1002, 1006}) is None
    assert encode_mouse(hover, {1003, 1006}) == b"\x1b[<35;2;2M"


def test_bytes_go_as_hex() -> None:
    assert send_bytes_args("%1", b"\x1b[M") == ["send-keys", "-t", "%1", "-H", "1b", "5b", "4d"]
