"""tmux is the oracle: real programs in panes, tuimux's screens compared with tmux's.

For each program and size, the pane's emulator (text, attributes, cursor) must equal a
screen built from ``capture-pane -p -e -N`` of the same pane, and the widget's rendered
lines must equal ``capture-pane -p``. Comparison is retried until tmux and tuimux agree
(programs redraw over time); a program that never agrees fails with both screens shown.
"""

from __future__ import annotations

import asyncio
import os
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import TmuxServer
from tests.helpers import as_drawn, eventually
from tests.ui.outer import compare_clients
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


FILLER = "\n".join(f"<p>filler paragraph {i} with enough words to wrap.</p>" for i in range(40))
PAGE = f"""<html><head><title>Oracle page</title></head><body>
<h1>Heading one</h1>
<p>A paragraph with <b>bold</b>, <i>italic</i>, <u>underlined</u> text and
<a href="second.html">a first link</a> and <a href="#end">a second link</a>.</p>
<ul><li>first item</li><li>second item <a href="second.html">third link</a></li></ul>
<table border="1"><tr><th>name</th><th>value</th></tr>
<tr><td>alpha</td><td>1</td></tr><tr><td>beta</td><td>22</td></tr></table>
<pre>preformatted   text
  indented line</pre>
{FILLER}
<h2 id="end">The end</h2><p>last words</p>
</body></html>
"""

RICH = """\
from rich.console import Console
from rich.panel import Panel
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.__main__ import make_test_card

console = Console()
console.print(make_test_card())
console.print("[dim]rendered in [not dim]1.0ms[/] (cold cache)")
input()
table = Table(title="Packages", caption="[dim]a dim caption")
table.add_column("name", style="bold cyan")
table.add_column("size", justify="right", style="dim")
table.add_column("state", style="italic")
for name, size, state in [("tmux", "1.2 MB", "[green]ok"), ("rich", "600 kB", "[red]old")]:
    table.add_row(name, size, state)
console.print(table)
text = "[dim]secondary[/] [bold]primary[/] [u]under[/] [strike]gone[/]"
console.print(Panel(text, title="Panel"))
console.print(ProgressBar(total=100, completed=40, width=30), "[dim]40%")
console.rule("[dim]rule")
input()
"""

# A counter that stops at 3, so watch's screen settles (-d=permanent keeps its marks).
WATCH = (
    "n=$(cat count); [ $n -lt 3 ] && echo $((n + 1)) > count; "
    "printf '\\033[1;32mcount %s\\033[0m\\n' $n; ls"
)


@dataclass(frozen=True)
class Program:
    """A program for a pane: its shell command, the keys Textual presses once ``ready``
    is on tmux's screen, and text tmux must show after them (the keys drew something)."""

    command: str
    keys: tuple[str, ...] = ()
    ready: str | None = None
    shown: str | None = None
    needs: str | None = None  # the executable it runs (skipped if missing)


def typed(text: str) -> tuple[str, ...]:
    return (*text, "enter")


def isolated(tmp: Path, command: str, cwd: Path | None = None) -> str:
    """``command`` run in ``cwd`` (or ``tmp``) with a fixed environment: HOME and XDG
    directories in ``tmp``, TERM as tmux set it, a UTF-8 locale and nothing of the user's."""
    home = tmp / "home"
    for sub in ("config", "data", "cache", "state"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    env = {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "XDG_STATE_HOME": str(home / "state"),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "TZ": "UTC",
    }
    assignments = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    return f'cd {shlex.quote(str(cwd or tmp))} && exec env -i TERM="$TERM" {assignments} {command}'


def git_repository(path: Path) -> None:
    """A throw-away repository with a few commits, fixed dates and names, for tig."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(path),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Ann Author",
        "GIT_AUTHOR_EMAIL": "ann@example.org",
        "GIT_COMMITTER_NAME": "Ann Author",
        "GIT_COMMITTER_EMAIL": "ann@example.org",
    }
    path.mkdir()

    def git(*args: str, date: str = "2024-01-01T00:00:00Z") -> None:
        dated = {**env, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
        subprocess.run(["git", "-C", str(path), *args], env=dated, check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    for day in range(1, 6):
        (path / "file.txt").write_text("".join(f"line {i} of day {day}\n" for i in range(day * 3)))
        (path / f"day{day}.py").write_text(SAMPLE_PY)
        git("add", ".")
        git("commit", "-q", "-m", f"Day {day}: change things", date=f"2024-01-0{day}T10:00:00Z")


def programs(tmp: Path) -> dict[str, Program]:
    """name → the program and how to drive it."""
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
    (tmp / "page.html").write_text(PAGE)
    (tmp / "second.html").write_text("<h1>Second page</h1><p>reached by a link</p>")
    (tmp / "rich_demo.py").write_text(RICH)
    (tmp / "count").write_text("0\n")
    menu = "--menu 'Pick one' 15 40 5 a Apples b Bananas c Cherries d Dates e Elderberries"
    checklist = "--checklist 'Pick some' 15 40 4 a Apples on b Bananas off c Cherries off"
    return {
        "ls": Program(f"cd {listing} && ls --color=always -la --time-style=+ ; exec sleep 600"),
        "vim": Program(f"exec vim -u NONE -N -i NONE -c 'syntax on' {sample}", ("j", "j", "w")),
        "less": Program(f"exec less -R {coloured}", ("space", "j", "j")),
        "top": Program("exec top -d 100"),
        "python": Program(
            f"exec {sys.executable} -q", typed("print('\\x1b[31mred\\x1b[0m', 6 * 7)")
        ),
        "unicode": Program(UNICODE + "; exec sleep 600"),
        "scroll-region": Program(SCROLL_REGION + "; exec sleep 600"),
        "alternate": Program(ALTERNATE + "; exec sleep 600"),
        "colours": Program(COLOURS + "; exec sleep 600"),
        # remain-on-exit is set for this one: tmux writes "Pane is dead" into the grid
        # itself, with no %output at all. The pause lets tuimux read the last words
        # first: tmux 3.2a crashes when a pane dies while a control client still has
        # output of it queued (its control_write_pending has no dead-pane check).
        "dead": Program("printf 'last words\\n'; sleep 0.5; exit 3"),
        # The setup screen (F2), then the colour scheme list with a second one picked.
        "htop": Program(
            isolated(tmp, "htop -d 600"),
            ("f2", "down", "down", "down", "down", "right", "down"),
            ready="PID",
            shown="Colors",
            needs="htop",
        ),
        # The Left menu (F9) open over both panels.
        "mc": Program(
            isolated(tmp, f"mc -u -X {listing} {listing}"),
            ("down", "down", "f9", "down"),
            ready="script.sh",
            shown="Listing format",
            needs="mc",
        ),
        "mcedit": Program(
            isolated(tmp, f"mcedit {sample}"),
            ("down", "down", "end", "f9", "down"),
            ready="greet",
            shown="Save as",
            needs="mcedit",
        ),
        "ncdu": Program(
            isolated(tmp, f"ncdu -x {listing}"),
            ("down", "down", "i"),
            ready="dir_a",
            shown="Disk usage",
            needs="ncdu",
        ),
        # The log, then a commit's diff in a split view.
        "tig": Program(
            isolated(tmp, "tig", tmp / "repo"),
            ("down", "enter"),
            ready="Day 5",
            shown="day4.py",
            needs="tig",
        ),
        "nano": Program(
            isolated(tmp, f"nano -I -l {sample}"),
            ("down", "down", "ctrl+w"),
            ready="greet",
            shown="Search",
            needs="nano",
        ),
        "dialog": Program(
            isolated(tmp, f"dialog --title Fruit {menu}"),
            ("down", "down"),
            ready="Elderberries",
            needs="dialog",
        ),
        "whiptail": Program(
            isolated(tmp, f"whiptail --title Fruit {checklist}"),
            ("down", "space", "down"),
            ready="Cherries",
            shown="[*] b",
            needs="whiptail",
        ),
        "w3m": Program(
            isolated(tmp, "w3m -no-mouse page.html"),
            ("tab", "tab", "space"),
            ready="Heading one",
            shown="filler paragraph",
            needs="w3m",
        ),
        "lynx": Program(
            isolated(tmp, "lynx -nopause page.html"),
            ("down", "down", "space"),
            ready="Heading one",
            shown="filler paragraph",
            needs="lynx",
        ),
        # No init files; the menu bar's File menu (F10) open over the buffer.
        "emacs": Program(
            isolated(tmp, f"emacs -nw -Q {sample}"),
            ("ctrl+n", "ctrl+n", "ctrl+e", "f10"),
            ready="greet",
            shown="Visit New File",
            needs="emacs",
        ),
        "watch": Program(
            isolated(tmp, f"watch -n 0.5 -c -d=permanent {shlex.quote(WATCH)}"),
            ready="count 3",
            needs="watch",
        ),
        "rich": Program(
            isolated(tmp, f"{sys.executable} rich_demo.py"),
            ("enter",),
            ready="cold cache",
            shown="primary",
        ),
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


PROGRAMS = ["ls", "vim", "less", "top", "python", "unicode", "scroll-region", "alternate"]
PROGRAMS += ["colours", "dead", "htop", "mc", "mcedit", "ncdu", "tig", "nano", "dialog"]
PROGRAMS += ["whiptail", "w3m", "lynx", "emacs", "watch", "rich"]


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
@pytest.mark.parametrize("name", PROGRAMS)
async def test_screen_equals_tmux(
    tmux_server: TmuxServer, tmp_path: Path, name: str, size: tuple[int, int]
) -> None:
    width, height = size
    program = programs(tmp_path)[name]
    if program.needs is not None and shutil.which(program.needs) is None:
        pytest.skip(f"{program.needs} is not installed (.ci/run installs it)")
    if name == "tig":
        git_repository(tmp_path / "repo")
    tmux_server.new_session("o", width=width, height=height)
    if name == "dead":
        tmux_server.run("set-option", "-g", "remain-on-exit", "on")
    target = Target(socket_name=tmux_server.socket_name, session="o", env=tmux_server.env)
    app = TuimuxApp(await connect_local(target, width, height))
    async with app.run_test(size=(width, height + 1)) as pilot:
        while app.mirror is None or not app.window_view.panes:
            await asyncio.sleep(0.02)
        pane = tmux_server.display("o:", "#{pane_id}")
        # Start the program after attaching, so its output arrives as %output.
        tmux_server.run("respawn-pane", "-k", "-t", pane, program.command)
        if program.ready is None:
            await asyncio.sleep(0.5)
        else:
            await eventually(
                lambda: program.ready in tmux_server.capture(pane),
                timeout=15,
                detail=lambda: tmux_server.capture(pane),
            )
        for key in program.keys:
            await pilot.press(key)
        if program.shown is not None:
            await eventually(
                lambda: program.shown in tmux_server.capture(pane),
                timeout=15,
                detail=lambda: tmux_server.capture(pane),
            )
        problems: list[str] = ["not compared yet"]
        deadline = asyncio.get_running_loop().time() + 15
        while problems and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.2)
            problems = differences(tmux_server, app, pane)
        assert not problems, "\n".join(problems[:15])


# vim told that clearing takes the background colour (t_ut, which a TERM without bce, as
# tmux's are, leaves off), under a colour scheme with one, split in two: it erases the
# screen and the end of every line in that colour, as bat and delta paint lines with
# ESC [K. capture-pane leaves those cells out (tmux 3.3a), so this one is compared with
# tmux's own client through outer terminals.
ERASING_VIM = "vim -u NONE -N -i NONE -c 'set t_ut=y' -c 'colorscheme darkblue' -c vsplit"


async def test_program_erasing_in_a_colour_draws_as_tmux_own_client(
    tmux_server: TmuxServer, tmp_path: Path
) -> None:
    (tmp_path / "sample.py").write_text(SAMPLE_PY)
    command = isolated(tmp_path, f"{ERASING_VIM} -c 'normal 3j' sample.py")
    await compare_clients(tmux_server, command, 80, 25, done="method")


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
