"""Clients in outer terminals: tmux's own client and tuimux, each in a pane of an outer
tmux, which keeps what each did to its terminal (cursor, title, bells, clipboard) for
the tests to compare."""

from __future__ import annotations

import shlex
import sys
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import TmuxServer, clean_env
from tests.helpers import eventually
from tuimux.terminal.attributes import Cell, as_cell, index_colour
from tuimux.terminal.cells import RULES_PROBE, TMUX_32, TMUX_33, CellRules, cell_rules
from tuimux.terminal.screen import PaneScreen

ROOT = Path(__file__).resolve().parents[2]
FEATURES = "#{?client_control_mode,,#{client_termfeatures}}"
XTERM_16 = (0x000000, 0x800000, 0x008000, 0x808000, 0x000080, 0x800080, 0x008080, 0xC0C0C0)
XTERM_16 += (0x808080, 0xFF0000, 0x00FF00, 0xFFFF00, 0x0000FF, 0xFF00FF, 0x00FFFF, 0xFFFFFF)
CUBE = (0x00, 0x5F, 0x87, 0xAF, 0xD7, 0xFF)
INDEXES = {index_colour(index): index for index in range(256)}


def tmux_attach(inner: TmuxServer, session: str = "s") -> str:
    """tmux's own client, attached to ``session`` of ``inner``."""
    return shlex.join([*inner.argv, "attach", "-t", session])


def tuimux_attach(inner: TmuxServer, session: str = "s") -> str:
    """The real tuimux program, attached to ``session`` of ``inner``."""
    program = [sys.executable, "-m", "tuimux", "-L", inner.socket_name, "-t", session]
    return f"cd {shlex.quote(str(ROOT))} && {shlex.join(program)}"


@contextmanager
def outer_terminals(
    clients: Mapping[str, str], width: int, height: int, *, clipboard: bool = False
) -> Iterator[TmuxServer]:
    """An outer tmux with one session per client (named by its key), each running its
    command in a ``width`` x ``height`` terminal whose ``TERM`` is xterm-256color (so
    tmux's own client sets titles and the clipboard there). With ``clipboard``, what
    arrives as OSC 52 becomes a buffer of the outer tmux."""
    outer = TmuxServer(f"tuimux-test-outer-{uuid.uuid4().hex[:8]}", clean_env())
    outer.env["PYTHONPATH"] = str(ROOT)
    outer.env["PYTHONWARNINGS"] = "ignore"
    try:
        outer.new_session("boot", width=width, height=height, command="sleep 600")
        outer.run("set-option", "-g", "default-terminal", "xterm-256color")
        if clipboard:
            outer.run("set-option", "-s", "set-clipboard", "on")
        for name, command in clients.items():
            outer.new_session(name, width=width, height=height, command=command)
            outer.run("set-option", "-t", name, "status", "off")
            outer.run("set-option", "-t", name, "remain-on-exit", "on")
        yield outer
    finally:
        outer.kill()


async def each_drew_its_session(outer: TmuxServer, names: Iterable[str]) -> None:
    """Every client has drawn its session: ``[name]`` is on its status line."""
    names = list(names)
    await eventually(
        lambda: all(f"[{name}]" in outer.capture(f"{name}:") for name in names),
        timeout=30,
        detail=lambda: [outer.capture(f"{name}:")[-300:] for name in names],
    )


def keys_to_each(outer: TmuxServer, names: Iterable[str], *keys: str) -> None:
    """The same keys typed into every client's terminal."""
    for name in names:
        outer.run("send-keys", "-t", f"{name}:", *keys)


def as_rgb(colour: str) -> str:
    """An indexed colour as tmux 3.2a and 3.3a's own client sends an underline colour:
    as RGB (``tty_check_us``, tmux's ``colour_256toRGB`` table); tmux 3.4+ sends the
    index (``Setulc1``), as tuimux does on every tmux. Other colours are unchanged."""
    index = INDEXES.get(colour)
    if index is None:
        return colour
    if index < 16:
        value = XTERM_16[index]
    elif index < 232:
        red, green, blue = (index - 16) // 36, (index - 16) // 6 % 6, (index - 16) % 6
        value = CUBE[red] << 16 | CUBE[green] << 8 | CUBE[blue]
    else:
        value = (8 + 10 * (index - 232)) * 0x010101
    return f"{value:06x}"


def drawn(
    outer: TmuxServer, name: str, rules: CellRules, width: int, height: int
) -> list[list[Cell]]:
    """The cells the outer tmux holds for what a client drew in the ``height`` rows of
    its window (read back from ``capture-pane -e -N``, so a run of SGR codes and blanks
    compare by what they mean). tmux 3.2a and 3.3a's own client sends an indexed
    underline colour as RGB where tuimux sends the index, as tmux 3.4+ does: there
    tuimux's index is compared as the RGB that client sends for it (:func:`as_rgb`)."""
    screen = PaneScreen(width, height, rules)
    screen.restore(outer.capture_bytes(f"{name}:", "-e", "-N"), 0, 0)
    rows = [[as_cell(screen.buffer[y][x]) for x in range(width)] for y in range(height)]
    if name == "ours" and rules in (TMUX_32, TMUX_33):
        rows = [
            [cell._replace(underscore_colour=as_rgb(cell.underscore_colour)) for cell in row]
            for row in rows
        ]
    return rows


def differences(outer: TmuxServer, rules: CellRules, width: int, height: int) -> list[str]:
    """Every cell of the window's rows where tuimux drew other than tmux's own client."""
    own = drawn(outer, "own", rules, width, height)
    ours = drawn(outer, "ours", rules, width, height)
    return [
        f"row {y} column {x}: tmux's client {a}, tuimux {b}"
        for y, (own_row, our_row) in enumerate(zip(own, ours, strict=True))
        for x, (a, b) in enumerate(zip(own_row, our_row, strict=True))
        if a != b
    ]


async def compare_clients(
    inner: TmuxServer,
    command: str,
    width: int,
    height: int,
    *,
    prefix: str = "",
    done: str = "end",
    options: Sequence[Sequence[str]] = (),
) -> None:
    """tmux's own client and tuimux, in ``width`` x ``height`` outer terminals, show
    session "s" of ``inner``, whose pane runs ``command`` once both drew (so tuimux's
    emulator draws it, not a capture); when tmux's client shows ``done``, the outer tmux
    must hold the same cells for both. tmux's client is told its terminal has no
    ``bce`` and no ``csr``, so it writes what it erases or scrolls in with a background
    as coloured blanks, which ``capture-pane`` of the outer tmux shows (cells cleared
    with a background tmux 3.3a leaves out; tuimux always writes each cell). ``prefix``
    starts both clients' shell commands; ``options`` are set (``set-option …``) in the
    inner tmux before they attach."""
    program = f"stty -echo -opost; read x; {command}"
    inner.new_session("s", width=width, height=height - 1, command=program)
    inner.run("set-option", "-as", "terminal-overrides", ",*:bce@:csr@")
    for option in options:
        inner.run("set-option", *option)
    rules = cell_rules(inner.run(*RULES_PROBE).strip())
    clients = {"own": prefix + tmux_attach(inner), "ours": prefix + tuimux_attach(inner)}
    with outer_terminals(clients, width, height) as outer:
        await eventually(  # both drew the session's status line
            lambda: all("[s]" in outer.capture(name + ":") for name in ("own", "ours")),
            timeout=30,
            detail=lambda: (outer.capture("own:"), outer.capture("ours:")),
        )
        # tmux's client learns its terminal's features from its answer to a query after
        # attaching, and redraws (tmux 3.7+'s redraw leaves underline colours out).
        await eventually(lambda: "usstyle" in inner.run("list-clients", "-F", FEATURES), timeout=20)
        inner.run("send-keys", "-t", "s:", "Enter")

        await eventually(
            lambda: (
                done in outer.capture("own:") and not differences(outer, rules, width, height - 1)
            ),
            timeout=20,
            detail=lambda: differences(outer, rules, width, height - 1)[:8],
        )
