"""tmux's mouse keys: names, click counting, and bindings aimed at the pointer's pane."""

from __future__ import annotations

import re
import subprocess

from tests.conftest import TmuxServer
from tuimux.control.bindings import parse_commands
from tuimux.control.border_drag import borders_at, on_border, resize_command
from tuimux.control.key_table import parse_tables
from tuimux.control.layout import parse_layout
from tuimux.control.mouse_keys import (
    CLICK_SECONDS,
    Clicks,
    aim,
    flags,
    key_name,
    positional,
    without_flag,
)
from tuimux.ui.copy_cursor import steps_to


def test_key_names_are_tmuxs() -> None:
    assert key_name("MouseDown", 1, "Pane") == "MouseDown1Pane"
    assert key_name("MouseDragEnd", 1, "Border") == "MouseDragEnd1Border"
    assert key_name("WheelUp", 0, "Pane") == "WheelUpPane"
    assert key_name("MouseDown", 3, "Pane", meta=True) == "M-MouseDown3Pane"
    assert key_name("MouseDown", 1, "Pane", shift=True, ctrl=True, meta=True) == (
        "C-M-S-MouseDown1Pane"
    )


def test_every_mouse_key_tmux_binds_by_default_is_one_tuimux_can_name(
    tmux_server: TmuxServer,
) -> None:
    """The names are checked against tmux's own default tables, not a list of ours."""
    tmux_server.new_session("s")
    tables = parse_tables(tmux_server.run("list-keys").splitlines())
    names = {
        key_name(kind, button, where, meta=meta, ctrl=ctrl, shift=shift)
        for kind in ("MouseDown", "MouseUp", "MouseDrag", "MouseDragEnd", "DoubleClick")
        for kind in (kind, "TripleClick", "WheelUp", "WheelDown", "SecondClick")
        for button in (1, 2, 3)
        for where in ("Pane", "Border", "Status", "StatusLeft", "StatusRight")
        for meta in (False, True)
        for ctrl in (False, True)
        for shift in (False, True)
    }
    # Areas tuimux names (next-3.8 adds Empty and floating panes' Control areas).
    areas = re.compile(r".*(Pane|Border|Status|StatusLeft|StatusRight)")
    mouse = {
        key
        for table in tables.values()
        for key in table
        if any(part in key for part in ("Mouse", "Wheel", "Click")) and areas.fullmatch(key)
    }
    assert mouse and mouse <= names, mouse - names


def test_clicks_are_counted_as_tmux_counts_them() -> None:
    clicks = Clicks()
    assert clicks.press(1, 0.0) == "MouseDown"
    assert clicks.press(1, 0.1) == "SecondClick"
    assert not clicks.expire(0.2)  # not yet: a third press may still come
    assert clicks.press(1, 0.2) == "TripleClick"
    assert not clicks.expire(1.0)  # a triple click makes no double click
    assert clicks.press(1, 2.0) == "MouseDown"
    assert clicks.press(1, 2.1) == "SecondClick"
    assert clicks.expire(2.1 + CLICK_SECONDS)  # two presses, then the timer: DoubleClick
    assert clicks.press(1, 3.0) == "MouseDown"
    assert clicks.press(1, 3.0 + CLICK_SECONDS + 0.01) == "MouseDown"  # too late
    assert clicks.press(3, 3.4) is None  # another button while counting: swallowed
    assert clicks.press(3, 3.5) == "MouseDown"  # and counting starts again


def test_a_binding_is_aimed_at_the_pane_under_the_pointer() -> None:
    def aimed(text: str) -> list[object]:
        return [list(aim(command, "%7")) for command in parse_commands(text)]

    assert aimed("select-pane -t=") == [["select-pane", "-t%7"]]
    assert aimed("select-pane -t = ; send -M") == [
        ["select-pane", "-t", "%7"],
        ["send", "-t", "%7", "-M"],
    ]
    assert aimed("select-pane") == [["select-pane", "-t", "%7"]]
    assert aimed("send -N5 -X scroll-up") == [["send", "-t", "%7", "-N5", "-X", "scroll-up"]]
    assert aimed("copy-mode -e -t {mouse}") == [["copy-mode", "-e", "-t", "%7"]]
    assert aimed("select-window -t %2") == [["select-window", "-t", "%2"]]  # named: kept
    assert aimed("run -d0.3") == [["run", "-t", "%7", "-d0.3"]]
    # set-buffer's -t is a client, and next-window takes a session: not aimed.
    assert aimed("set-buffer -- x") == [["set-buffer", "--", "x"]]
    assert aimed("next-window") == [["next-window"]]
    (command,) = parse_commands("if -Ft= '#{pane_in_mode}' { send -M } { copy-mode -e }")
    assert aim(command, "%7")[:3] == ("if", "-Ft%7", "#{pane_in_mode}")


def test_flags_and_arguments_are_read_as_tmux_reads_them() -> None:
    (send,) = parse_commands("send -N5 -X scroll-up")
    assert "X" in flags(send) and "M" not in flags(send)
    assert positional(send) == ["scroll-up"]
    (menu,) = parse_commands("display-menu -t= -xM -yM -T title a b c")
    assert "M" not in flags(menu)  # -xM's M is a value
    (drag,) = parse_commands("copy-mode -M")
    assert "M" in flags(drag)
    assert without_flag(drag, "M") == ("copy-mode",)
    (both,) = parse_commands("copy-mode -eM -t=")
    assert without_flag(both, "M") == ("copy-mode", "-e", "-t=")


def test_copy_cursor_steps_never_run_past_the_row() -> None:
    assert steps_to("hello world", 0, 4) == 4
    assert steps_to("hello world", 9, 4) == -5
    assert steps_to("hi", 0, 30) == 2  # to the end of the row, not the next row
    assert steps_to("", 0, 5) == 0
    assert steps_to("a\u4e00b", 0, 3) == 2  # the wide character is one step
    assert steps_to("a\u4e00b", 0, 2) == 1  # its second cell is its first


def _layout(server: TmuxServer) -> str:
    return server.display("s:", "#{window_layout}")


def test_border_search_and_resize_follow_tmux(tmux_server: TmuxServer) -> None:
    """A border drag's resize-pane, run by real tmux, puts the border at the pointer."""
    tmux_server.new_session("s", width=80, height=24)
    tmux_server.run("split-window", "-h", "-t", "s:")
    tmux_server.run("split-window", "-v", "-t", "s:.0")
    layout = parse_layout(_layout(tmux_server))
    left = next(cell for cell in layout.children)
    column = left.x + left.width  # the vertical border
    assert on_border(layout, column, 5)
    assert not on_border(layout, column - 3, 5)
    (border,) = borders_at(layout, column, 20)
    assert border.across and border.cell is left
    argv = resize_command(border, column + 7, 20)
    assert argv is not None
    tmux_server.run(*argv)
    widths = tmux_server.run("list-panes", "-t", "s:", "-F", "#{pane_left}").split()
    assert str(column + 7 + 1) in widths  # the right pane starts after the new border
    # Far past the right edge: the right pane keeps tmux's minimum, nothing else moves.
    layout = parse_layout(_layout(tmux_server))
    (border,) = borders_at(layout, column + 7, 20)
    argv = resize_command(border, 500, 20)
    assert argv is not None
    tmux_server.run(*argv)
    widths = tmux_server.run("list-panes", "-t", "s:", "-F", "#{pane_width}").split()
    assert widths[-1] == "1"
    # The horizontal border inside the left column.
    layout = parse_layout(_layout(tmux_server))
    top = layout.children[0].children[0]
    row = top.y + top.height
    borders = borders_at(layout, 3, row)
    assert [border.across for border in borders] == [False]
    argv = resize_command(borders[0], 3, row - 4)
    assert argv is not None
    tmux_server.run(*argv)
    tops = tmux_server.run("list-panes", "-t", "s:", "-F", "#{pane_top}").split()
    assert str(row - 4 + 1) in tops


def test_tmux_knows_every_name_used(tmux_server: TmuxServer) -> None:
    """bind accepts the names tuimux makes (an unknown key name is refused)."""
    tmux_server.new_session("s")
    for name in ("MouseDragEnd1Border", "C-M-S-MouseDown1Pane", "WheelDownStatus"):
        result = subprocess.run(
            [*tmux_server.argv, "bind", "-n", name, "display", "x"],
            capture_output=True,
            text=True,
            env=tmux_server.env,
            check=False,
        )
        assert result.returncode == 0, result.stderr


def test_a_border_drag_never_pushes_the_panes_before_it(tmux_server: TmuxServer) -> None:
    """tmux's mouse takes room only from the panes after the border; ``resize-pane``
    would take it from the ones before too, once those after are at their minimum."""
    tmux_server.new_session("s", width=90, height=20)
    tmux_server.run("split-window", "-h", "-t", "s:")
    tmux_server.run("split-window", "-h", "-t", "s:")
    tmux_server.run("select-layout", "-t", "s:", "even-horizontal")
    first = tmux_server.display("s:.0", "#{pane_width}")
    layout = parse_layout(_layout(tmux_server))
    middle = layout.children[1]
    (border,) = borders_at(layout, middle.x + middle.width, 5)
    argv = resize_command(border, 500, 5)
    assert argv is not None
    tmux_server.run(*argv)
    widths = tmux_server.run("list-panes", "-t", "s:", "-F", "#{pane_width}").split()
    assert widths[0] == first and widths[2] == "1", widths
