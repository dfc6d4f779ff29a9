"""tmux is the oracle: real programs in panes, tuimux's screens compared with tmux's.

For each program and size, the pane's emulator (text, attributes, cursor) must equal a
screen built from ``capture-pane -p -e -N`` of the same pane, and the widget's rendered
lines must equal ``capture-pane -p``. Comparison is retried until tmux and tuimux agree
(programs redraw over time); a program that never agrees fails with both screens shown.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

from tests.conftest import TmuxServer
from tests.helpers import as_drawn, eventually
from tuimux.connect import Target, connect_local, tmux_version
from tuimux.terminal.cells import TMUX_32, TMUX_33, TMUX_34, TMUX_35, TMUX_36, TMUX_37, TMUX_38
from tuimux.terminal.screen import PaneScreen
from tuimux.ui.app import TuimuxApp

SIZES = [(80, 24), (200, 50)]

SAMPLE_PY = '''\
import sys


def greet(name: str) -> str:
    """Say hello."""
    return f"hello {name}"  # a comment


class Thing:
    value = 42

    def method(self) -> None:
        print(greet("world"), self.value, sys.argv)
'''

UNICODE = (
    "printf 'CJK: 中文字符 日本語 한국어\\n'; "
    "printf 'emoji: 😀 🎉 ❤ 👍\\n'; "
    "printf 'combining: e\\314\\201 a\\314\\210 n\\314\\203\\n'; "
    "printf 'box: ┌─┬─┐ │ │ │ ├─┼─┤ └─┴─┘ ═║╔╗╚╝\\n'; "
    "printf 'greek: αβγδ ελληνικά cyrillic: привет\\n'; "
    "printf 'tabs:\\ta\\tbb\\tccc\\n'"
)

SCROLL_REGION = (
    "printf '\\033[2J\\033[Htop line\\n'; printf '\\033[5;12r'; "
    "for i in $(seq 1 30); do printf '\\033[12;1Hline %s\\n' $i; done; "
    "printf '\\033[r\\033[20;1Hbottom \\033[1;33mbold yellow\\033[0m'; "
    "printf '\\033[3;1H\\033[2L\\033[4;1Hinserted\\033[7;3H\\033[2P\\033[8;1H\\033[3@XYZ'"
)

ALTERNATE = (
    "printf 'primary text\\n'; printf '\\033[?1049h\\033[H\\033[44malt screen\\033[0m\\n'; "
    "printf '\\033[10;10H\\033[7mreverse\\033[27m \\033[3mitalic\\033[23m \\033[9mstrike\\033[29m'"
)

COLOURS = (
    "for c in 30 31 32 33 34 35 36 37 90 91 92 93 94 95 96 97; do "
    "printf '\\033[%sm c%s \\033[0m' $c $c; done; printf '\\n'; "
    "for c in 16 52 88 124 160 196 202 226 46 21 201 231 232 244 255; do "
    "printf '\\033[38;5;%sm#\\033[48;5;%sm \\033[0m' $c $c; done; printf '\\n'; "
    "printf '\\033[38;2;255;128;0mtruecolor\\033[48;2;0;64;128m bg \\033[0m\\n'; "
    "printf '\\033[1mbold\\033[0m \\033[4munder\\033[0m \\033[7mrev\\033[0m\\n'"
)


def programs(tmp: Path) -> dict[str, tuple[str, list[str]]]:
    """name → (shell command for the pane, keys to type once it runs)."""
    sample = tmp / "sample.py"
    sample.write_text(SAMPLE_PY)
    listing = tmp / "listing"
    listing.mkdir()
    for name in ("dir_a", "dir_b"):
        (listing / name).mkdir()
    (listing / "script.sh").write_text("#!/bin/sh\n")
    (listing / "script.sh").chmod(0o755)
    (listing / "notes.txt").write_text("x")
    (listing / "link").symlink_to("notes.txt")
    coloured = tmp / "coloured.txt"
    coloured.write_text("".join(f"\x1b[3{i % 8}mline {i}\x1b[0m plain\n" for i in range(200)))
    return {
        "ls": (f"cd {listing} && ls --color=always -la --time-style=+ ; exec sleep 600", []),
        "vim": (f"exec vim -u NONE -N -i NONE -c 'syntax on' {sample}", ["j", "j", "w"]),
        "less": (f"exec less -R {coloured}", ["space", "j", "j"]),
        "top": ("exec top -d 100", []),
        "python": (f"exec {sys.executable} -q", ["print('\\x1b[31mred\\x1b[0m', 6 * 7)"]),
        "unicode": (UNICODE + "; exec sleep 600", []),
        "scroll-region": (SCROLL_REGION + "; exec sleep 600", []),
        "alternate": (ALTERNATE + "; exec sleep 600", []),
        "colours": (COLOURS + "; exec sleep 600", []),
        # remain-on-exit is set for this one: tmux writes "Pane is dead" into the grid
        # itself, with no %output at all. The pause lets tuimux read the last words
        # first: tmux 3.2a crashes when a pane dies while a control client still has
        # output of it queued (its control_write_pending has no dead-pane check).
        "dead": ("printf 'last words\\n'; sleep 0.5; exit 3", []),
    }


def capture(server: TmuxServer, pane: str, *flags: str) -> bytes:
    return server.capture_bytes(pane, *flags)


def cells(screen: PaneScreen) -> list[list[tuple[object, ...]]]:
    return [
        [tuple(screen.buffer[y][x]) for x in range(screen.columns)] for y in range(screen.lines)
    ]


def differences(server: TmuxServer, app: TuimuxApp, pane: str) -> list[str]:
    """Every way tuimux's view of the pane differs from tmux's; empty when equal."""
    assert app.mirror is not None
    terminal = app.mirror.terminals[pane]
    screen = terminal.screen
    width, height, cx, cy, alternate = (
        int(v)
        for v in server.display(
            pane, "#{pane_width} #{pane_height} #{cursor_x} #{cursor_y} #{alternate_on}"
        ).split()
    )
    problems: list[str] = []
    if terminal.size != (width, height):
        return [f"size {terminal.size} != tmux {width}x{height}"]
    reference = PaneScreen(width, height, screen.rules)
    reference.restore(capture(server, pane, "-e", "-N"), cx, cy)
    for y, (got, want) in enumerate(zip(cells(screen), cells(reference), strict=True)):
        if got != want:
            x = next(i for i, (a, b) in enumerate(zip(got, want, strict=True)) if a != b)
            problems.append(f"cell {x},{y}: tuimux {got[x]} tmux {want[x]}")
    if (screen.cursor.x, screen.cursor.y) != (cx, cy):
        problems.append(f"cursor {(screen.cursor.x, screen.cursor.y)} != tmux {(cx, cy)}")
    if screen.alternate != bool(alternate):
        problems.append(f"alternate {screen.alternate} != tmux {alternate}")
    view = app.window_view.panes.get(pane)
    if view is None:
        return [*problems, "no widget for the pane"]
    text = capture(server, pane).decode().split("\n")[:height]
    shown = [view._render_row(y).text.rstrip() for y in range(height)]
    for y, (got_line, want_line) in enumerate(zip(shown, text, strict=False)):
        if got_line != as_drawn(want_line).rstrip():
            problems.append(f"row {y}: widget {got_line!r} tmux {want_line.rstrip()!r}")
    return problems


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
@pytest.mark.parametrize(
    "program",
    [
        "ls",
        "vim",
        "less",
        "top",
        "python",
        "unicode",
        "scroll-region",
        "alternate",
        "colours",
        "dead",
    ],
)
async def test_screen_equals_tmux(
    tmux_server: TmuxServer, tmp_path: Path, program: str, size: tuple[int, int]
) -> None:
    width, height = size
    command, keys = programs(tmp_path)[program]
    tmux_server.new_session("o", width=width, height=height)
    if program == "dead":
        tmux_server.run("set-option", "-g", "remain-on-exit", "on")
    target = Target(socket_name=tmux_server.socket_name, session="o", env=tmux_server.env)
    app = TuimuxApp(await connect_local(target, width, height))
    async with app.run_test(size=(width, height + 1)) as pilot:
        while app.mirror is None or not app.window_view.panes:
            await asyncio.sleep(0.02)
        pane = tmux_server.display("o:", "#{pane_id}")
        # Start the program after attaching, so its output arrives as %output.
        tmux_server.run("respawn-pane", "-k", "-t", pane, command)
        await asyncio.sleep(0.5)
        for key in keys:
            if len(key) == 1 or key in ("space",):
                await pilot.press(key)
            else:
                await pilot.press(*key, "enter")
        problems: list[str] = ["not compared yet"]
        deadline = asyncio.get_running_loop().time() + 15
        while problems and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.2)
            problems = differences(tmux_server, app, pane)
        assert not problems, "\n".join(problems[:15])


async def test_cell_rules_follow_the_server(tmux_server: TmuxServer) -> None:
    """At attach the mirror asks the server which cell rules it follows, and every pane's
    emulator follows them: 3.2a's, 3.3a's, 3.4's, 3.5a's, 3.6's, 3.7's, next-3.8's
    on next-3.8 (the version string is read only here, to check the probe)."""
    tmux_server.new_session("o", width=40, height=5)
    tmux_server.run("split-window", "-t", "o:")
    version = tmux_version(tmux_server.display("o:", "#{version}"))
    assert version is not None
    releases = [((3, 3), TMUX_33), ((3, 4), TMUX_34), ((3, 5), TMUX_35), ((3, 6), TMUX_36)]
    expected = TMUX_32
    for release, rules in [*releases, ((3, 7), TMUX_37), ((3, 8), TMUX_38)]:
        expected = rules if version >= release else expected
    target = Target(socket_name=tmux_server.socket_name, session="o", env=tmux_server.env)
    app = TuimuxApp(await connect_local(target, 40, 5))
    async with app.run_test(size=(40, 6)):
        await eventually(lambda: app.mirror is not None and len(app.mirror.terminals) == 2)
        assert app.mirror is not None
        assert app.mirror.cell_rules == expected
        assert [t.screen.rules for t in app.mirror.terminals.values()] == [expected] * 2
