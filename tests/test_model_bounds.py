"""Whatever one ``list-windows``/``list-panes`` reply claims, the mirror stays small.

A reply block may be 64 MB: a hostile or corrupt tmux can claim a million windows, or a
pane of 100000x100000 cells. Counts are capped where they enter the model, sizes at
tmux's own WINDOW_MAXIMUM, and the emulated screen at what a terminal can show.
"""

from __future__ import annotations

import tracemalloc

from tuimux.control.layout import layout_checksum
from tuimux.control.numbers import WINDOW_MAXIMUM
from tuimux.model import MAX_PANES, MAX_WINDOWS, SessionModel
from tuimux.sessions import parse_tree
from tuimux.terminal.pane import PaneTerminal
from tuimux.terminal.screen import MAX_COLUMNS, MAX_LINES

BODY = "80x24,0,0,1"
LAYOUT = f"{layout_checksum(BODY):04x},{BODY}"


def test_a_million_windows_claimed_are_capped() -> None:
    windows = [f"@{n}\t{n}\t0\t\t{LAYOUT}\t{LAYOUT}\toff\tw{n}" for n in range(1_000_000)]
    panes = [f"%{n}\t@{n}\t1\t0\t0\t0\t0\t0\t80\t24\t\tt" for n in range(1_000_000)]
    model = SessionModel()
    tracemalloc.start()
    try:
        model.load("$1\ts", windows, panes)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(model.windows) == MAX_WINDOWS and len(model.panes) == MAX_PANES
    print(f"1e6 windows claimed: model peak {peak / 2**20:.0f} MB")
    assert peak < 200 * 2**20
    tree = parse_tree(["$1\t1\ts"], [f"$1\t@{n}\t{n}\t0\t1\tw" for n in range(1_000_000)])
    assert len(tree[0].windows) == MAX_WINDOWS


def test_a_pane_claiming_100000_cells_square_is_emulated_at_the_cap() -> None:
    model = SessionModel()
    model.load("$1\ts", [], ["%1\t@1\t1\t0\t0\t0\t0\t0\t100000\t100000\t\tt"])
    pane = model.panes["%1"]
    assert (pane.width, pane.height) == (WINDOW_MAXIMUM, WINDOW_MAXIMUM)
    tracemalloc.start()
    try:
        terminal = PaneTerminal("%1", pane.width, pane.height)
        terminal.stream.feed(b"\x1b#8")  # DECALN writes every cell of the screen
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert terminal.size == (MAX_COLUMNS, MAX_LINES)
    print(f"DECALN on a claimed 100000x100000 pane: peak {peak / 2**20:.0f} MB")
    assert peak < 150 * 2**20
