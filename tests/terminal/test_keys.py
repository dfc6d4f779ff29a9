"""The key table, checked by the bytes a program in a real tmux pane receives."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import TmuxServer
from tuimux.control.command import build
from tuimux.terminal.keys import (
    LITERAL_CHUNK,
    KeyName,
    Literal,
    coalesce,
    encode_key,
    send_keys_args,
)

# (Textual key, character) → bytes an xterm-like terminal gives the application.
TABLE: list[tuple[str, str | None, bytes]] = [
    ("a", "a", b"a"),
    ("A", "A", b"A"),
    ("percent_sign", "%", b"%"),
    ("quotation_mark", '"', b'"'),
    ("semicolon", ";", b";"),
    ("space", " ", b" "),
    ("é", "é", "é".encode()),
    ("enter", "\r", b"\r"),
    ("tab", "\t", b"\t"),
    ("shift+tab", None, b"\x1b[Z"),
    ("escape", "\x1b", b"\x1b"),
    ("backspace", "\x7f", b"\x7f"),
    ("ctrl+a", "\x01", b"\x01"),
    ("ctrl+c", "\x03", b"\x03"),
    ("ctrl+z", "\x1a", b"\x1a"),
    ("ctrl+@", "\x00", b"\x00"),
    ("ctrl+backslash", "\x1c", b"\x1c"),
    ("alt+x", "x", b"\x1bx"),
    ("alt+shift+x", "X", b"\x1bX"),
    ("up", None, b"\x1b[A"),
    ("down", None, b"\x1b[B"),
    ("right", None, b"\x1b[C"),
    ("left", None, b"\x1b[D"),
    ("home", None, b"\x1b[1~"),
    ("end", None, b"\x1b[4~"),
    ("pageup", None, b"\x1b[5~"),
    ("pagedown", None, b"\x1b[6~"),
    ("insert", None, b"\x1b[2~"),
    ("delete", None, b"\x1b[3~"),
    ("f1", None, b"\x1bOP"),
    ("f5", None, b"\x1b[15~"),
    ("f12", None, b"\x1b[24~"),
    ("shift+up", None, b"\x1b[1;2A"),
    ("ctrl+left", None, b"\x1b[1;5D"),
    ("ctrl+shift+right", None, b"\x1b[1;6C"),
    ("alt+up", None, b"\x1b[1;3A"),
]

RECORDER = """
import os, sys, tty
tty.setraw(0)
out = open(sys.argv[1], "ab", buffering=0)
open(sys.argv[1] + ".ready", "w").close()
while True:
    data = os.read(0, 4096)
    if not data:
        break
    out.write(data)
"""


def send(server: TmuxServer, pane: str, argvs: list[list[str]], tmp_path: Path) -> None:
    script = tmp_path / "keys.conf"
    script.write_text("".join(build(*argv) + "\n" for argv in argvs), encoding="utf-8")
    server.run("source-file", str(script))


@pytest.fixture
def recorder(tmux_server: TmuxServer, tmp_path: Path) -> tuple[TmuxServer, str, Path]:
    program = tmp_path / "recorder.py"
    program.write_text(RECORDER)
    output = tmp_path / "received"
    output.write_bytes(b"")
    command = f"exec {sys.executable} {program} {output}"
    tmux_server.new_session("k", command=command)
    pane = tmux_server.display("k:", "#{pane_id}")
    ready = output.with_name(output.name + ".ready")
    tmux_server.wait_for(ready.exists)  # raw mode is on: no line buffering, no echo
    return tmux_server, pane, output


def test_every_key_reaches_the_program_as_xterm_sends_it(
    recorder: tuple[TmuxServer, str, Path], tmp_path: Path
) -> None:
    server, pane, output = recorder
    # One marker between keys keeps each key's bytes apart in the recording.
    argvs: list[list[str]] = []
    expected = b""
    for key, character, wanted in TABLE:
        item = encode_key(key, character)
        assert item is not None, key
        argvs += send_keys_args(pane, item)
        argvs += send_keys_args(pane, Literal("|"))
        expected += wanted + b"|"
    send(server, pane, argvs, tmp_path)
    server.wait_for(lambda: len(output.read_bytes()) >= len(expected))
    received = output.read_bytes().split(b"|")
    for (key, _, wanted), got in zip(TABLE, received, strict=False):
        assert got == wanted, f"{key}: tmux delivered {got!r}, expected {wanted!r}"


def test_text_with_control_characters_never_goes_literal(
    recorder: tuple[TmuxServer, str, Path], tmp_path: Path
) -> None:
    server, pane, output = recorder
    text = "ab\tc\x1bd\x7fé" + "x" * (LITERAL_CHUNK + 10)
    argvs = send_keys_args(pane, Literal(text))
    for argv in argvs:
        if "-l" in argv:
            assert all(ch.isprintable() for ch in argv[-1])
            assert len(argv[-1]) <= LITERAL_CHUNK
    send(server, pane, argvs, tmp_path)
    server.wait_for(lambda: len(output.read_bytes()) >= len(text.encode()))
    assert output.read_bytes() == text.encode()


def test_coalesce_merges_adjacent_text_only() -> None:
    items = [Literal("a"), Literal("b"), KeyName("Enter"), Literal("c"), Literal("d")]
    assert coalesce(items) == [Literal("ab"), KeyName("Enter"), Literal("cd")]


def test_bare_modifier_or_unknown_key_sends_nothing() -> None:
    assert encode_key("shift", None) is None
    assert encode_key("ctrl+shift", None) is None


def test_recorder_is_real(recorder: tuple[TmuxServer, str, Path]) -> None:
    server, pane, output = recorder
    subprocess.run([*server.argv, "send-keys", "-t", pane, "-l", "zz"], check=True, env=server.env)
    server.wait_for(lambda: output.read_bytes() == b"zz")
