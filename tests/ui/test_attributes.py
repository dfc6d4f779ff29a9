"""What tuimux writes to its terminal is what tmux's own client writes: every attribute.

Two outer terminals (panes of an outer tmux, ``TERM`` xterm-256color; the outer tmux
names itself in ``TERM_PROGRAM``, so both clients know it takes underline styles and
overline) show one inner session: one runs ``tmux attach``, the other tuimux. A program
in the pane prints after both attached, so tuimux's emulator draws it (not a capture).
The outer tmux keeps what each client drew; its ``capture-pane -e -N`` of the pane rows
must be the same for both: dim, hidden, overline, underline styles and colours,
colour indexes as indexes, DEC line drawing, lines scrolled in with the background.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from rich.color import ColorSystem
from textual.strip import Strip

from tests.conftest import TmuxServer
from tests.ui.outer import compare_clients
from tuimux.terminal.screen import PaneScreen
from tuimux.terminal.stream import PaneStream
from tuimux.ui.host_features import HostFeatures, capabilities_by_options, features_from
from tuimux.ui.style import cell_style

WIDTH, HEIGHT = 40, 16  # the outer terminals; the inner window is one line shorter

ATTRIBUTES = (
    "\x1b[2mdim\x1b[0m \x1b[8mhidden\x1b[0m \x1b[53mover\x1b[0m \x1b[1;2mbd\x1b[22mx\x1b[0m\r\n"
    "\x1b[4:2md\x1b[4:3mc\x1b[4:4mo\x1b[4:5mh\x1b[4:1ms\x1b[21m2\x1b[4:0mn\x1b[0m\r\n"
    "\x1b[4;58;5;9mi\x1b[58:5:100mj\x1b[58;5;244mk\x1b[58:2::255:128:0mr\x1b[59mn\x1b[0m\r\n"
    "\x1b[38;5;1ma\x1b[38;5;9mb\x1b[48;5;4mc\x1b[38;5;200md\x1b[48;5;255me\x1b[0m"
    "\x1b[31mf\x1b[91mg\x1b[0m\r\n"
    "\x1b(0lqk0_hx\x1b(B0_h\r\n"
    f"\x1b[7;{WIDTH}H\u2764\ufe0f\r\n"  # VS16 after an emoji in the last column
    "end\r\n"
)
# vttest 11.6.5 and 8.4: a region filled, then lines scrolled in (LF, RI, IL, DL, SU,
# SD) with a blue background; characters inserted past the margin and deleted again.
SCROLLING = (
    "".join(f"line {i}\r\n" for i in range(1, 10))
    + "\x1b[3;8r\x1b[44m\x1b[8;1H\n\x1b[4;1H\x1b[L\x1b[5;1H\x1b[M\x1b[S\x1b[T\x1b[3;1H\x1bM"
    + "\x1b[r\x1b[0m\x1b[11;1H"
    + "0123456789" * 4
    + "\x1b[11;5H\x1b[43m\x1b[3@\x1b[0m\x1b[11;20H\x1b[2P"
    + "\x1b[12;1Hend\r\n"
)

# Cells erased in a colour (BCE), which tmux 3.3a's capture-pane leaves out: the whole
# screen (ED 2), the end, start and whole of a line (EL 0, 1, 2), five cells (ECH), in
# indexed and RGB colours and under reverse (the erase takes the background only); the
# screen's end (ED 0); whole-screen scrolling by LF.
ERASING = (
    "\x1b[42m\x1b[2J\x1b[H\x1b[0m"
    "one\x1b[44m\x1b[K\x1b[0m\r\n"
    "two two two\x1b[4G\x1b[45m\x1b[1K\x1b[0m\r\n"
    "three\x1b[46m\x1b[2K\x1b[0m\r\n"
    "0123456789\x1b[3G\x1b[41m\x1b[5X\x1b[0m\r\n"
    "\x1b[38;5;200;48;5;17mfour\x1b[K\x1b[0m\r\n"
    "\x1b[48;2;10;200;30mfive\x1b[K\x1b[0m\r\n"
    "\x1b[7;31mrev\x1b[K\x1b[0m\r\n"
    "\x1b[10;5H\x1b[43m\x1b[J\x1b[0m"
    "\x1b[12;1H\x1b[44mx\n\n\n\n\x1b[0mend"
)


@pytest.mark.parametrize("text", [ATTRIBUTES, SCROLLING], ids=["attributes", "scrolling"])
async def test_tuimux_draws_what_tmux_own_client_draws(
    tmux_server: TmuxServer, tmp_path: Path, text: str
) -> None:
    await compare_text(tmux_server, tmp_path, text)


async def test_cells_erased_in_a_colour_are_drawn_as_tmux_own_client_draws_them(
    tmux_server: TmuxServer, tmp_path: Path
) -> None:
    """ED, EL, ECH and scrolling under a colour. Both outer terminals say they take RGB
    colour (``COLORTERM``): tmux's client learns it from the outer tmux's answer to its
    query whatever the variable says, tuimux only from the variable (``--colors``)."""
    await compare_text(tmux_server, tmp_path, ERASING, "export COLORTERM=truecolor; ")


async def test_underline_styles_reach_a_terminal_the_users_tmux_options_give_them(
    tmux_server: TmuxServer, tmp_path: Path
) -> None:
    """No ``TERM_PROGRAM`` and a terminfo entry without ``Smulx``: tuimux takes
    underline styles and overline from the user's ``terminal-features`` for its
    ``TERM``, as tmux's client does (which also learns them from the terminal)."""
    options = [("-as", "terminal-features", ",xterm-256*:usstyle:overline")]
    await compare_text(tmux_server, tmp_path, ATTRIBUTES, "unset TERM_PROGRAM; ", options)


# RGB colours, which tmux's own client writes as RGB to a terminal it knows takes them.
RGB = (
    "\x1b[38;2;255;128;1mrgb\x1b[48;2;10;200;30m bg \x1b[0m"
    "\x1b[38;2;1;2;3;48;2;250;251;252mrgb\x1b[0m\r\nend"
)


async def test_rgb_reaches_a_terminal_tmux_names_in_term_program(
    tmux_server: TmuxServer, tmp_path: Path
) -> None:
    """The outer tmux before 3.8 sets no ``COLORTERM`` in its panes: tmux's client
    learns the terminal takes RGB from its answer to a query, tuimux from the name it
    puts in ``TERM_PROGRAM`` (tmux's own table of terminals)."""
    await compare_text(tmux_server, tmp_path, RGB, "unset COLORTERM; ")


@pytest.mark.parametrize(
    ("option", "entry"), [("terminal-features", "RGB"), ("terminal-overrides", "Tc")]
)
async def test_rgb_reaches_a_terminal_the_users_tmux_options_give_it(
    tmux_server: TmuxServer, tmp_path: Path, option: str, entry: str
) -> None:
    """No ``COLORTERM``, no ``TERM_PROGRAM``, a terminfo entry without ``Tc``: tuimux
    takes RGB from the user's ``terminal-features`` (or ``terminal-overrides``) entry
    for its ``TERM``, as tmux's client does."""
    options = [("-as", option, f",xterm-256*:{entry}")]
    prefix = "unset COLORTERM TERM_PROGRAM; "
    await compare_text(tmux_server, tmp_path, RGB, prefix, options)


async def compare_text(
    tmux_server: TmuxServer,
    tmp_path: Path,
    text: str,
    prefix: str = "",
    options: Sequence[Sequence[str]] = (),
) -> None:
    """Both clients draw ``text`` printed in the pane (:func:`compare_clients`)."""
    (tmp_path / "out").write_bytes(text.encode())
    command = f"cat {tmp_path / 'out'}; exec sleep 600"
    await compare_clients(tmux_server, command, WIDTH, HEIGHT, prefix=prefix, options=options)


def test_features_come_from_the_terminal_name_and_terminfo() -> None:
    """tmux's table of terminals gives each of its terminals RGB colour too."""
    tmux = HostFeatures(True, True, True)
    assert features_from({"TERM_PROGRAM": "tmux"}, frozenset()) == tmux
    wezterm = HostFeatures(True, False, True)
    assert features_from({"TERM_PROGRAM": "WezTerm"}, frozenset()) == wezterm
    assert features_from({"TERM": "foot-extra"}, frozenset()) == wezterm
    assert features_from({"TERM": "xterm-256color"}, frozenset()) == HostFeatures()
    under_screen = {"TERM": "screen.xterm-256color", "TERM_PROGRAM": "iTerm.app"}
    assert features_from(under_screen, frozenset()) == HostFeatures()
    under_tmux = {"TERM": "screen-256color", "TERM_PROGRAM": "tmux"}
    assert features_from(under_tmux, frozenset()) == tmux
    both = frozenset({"Smulx", "Setulc", "Smol"})
    assert features_from({"TERM": "xterm-kitty"}, both) == HostFeatures(True, True)
    assert features_from({}, frozenset({"Smulx"})) == HostFeatures()
    for flag in ("Tc", "RGB"):
        assert features_from({}, frozenset({flag})) == HostFeatures(rgb=True)
    for value, rgb in [("truecolor", True), ("24BIT", True), ("256", False), ("yes", False)]:
        assert features_from({"COLORTERM": value}, frozenset()).rgb is rgb


def test_features_come_from_the_users_tmux_options_for_the_terminal() -> None:
    """``show-options -sv`` lines, matched as tmux matches them: the pattern against the
    whole name, case and all; features by name, overrides by capability ("::" is a
    colon, "@" takes one away)."""
    defaults = ["xterm*:clipboard:ccolour:cstyle:focus:title", "screen*:title"]

    def given(term: str, features: list[str], overrides: list[str]) -> set[str]:
        return set(capabilities_by_options(term, features, overrides))

    assert given("xterm-256color", defaults, ["linux*:AX@"]) == set()
    assert given("xterm-256color", [*defaults, "xterm-256*:RGB:usstyle"], []) == {
        "RGB",
        "Smulx",
        "Setulc",
    }
    assert given("xterm-256color", ["*:overline"], ["*:bce@", "xterm*:Tc"]) == {"Smol", "Tc"}
    undercurl = ["*:Smulx=\\E[4::%p1%dm", "*:Setulc=\\E[58::2::%p1%{65536}%/%dm"]
    assert given("foot", [], undercurl) == {"Smulx", "Setulc"}
    assert given("alacritty", [], ["alacritty:RGB=8/8/8:smcup@"]) == {"RGB"}
    assert given("xterm-256color", ["xterm:RGB", "XTERM*:RGB"], ["xterm*:Tc@"]) == set()
    assert given("xterm-256color", ["xterm*:Tc"], ["xterm*:RGBX", "x::*:Tc"]) == set()
    assert given("", ["*:RGB"], []) == set()
    with_rgb = frozenset(capabilities_by_options("x", ["x:RGB"], []))
    assert features_from({}, with_rgb) == HostFeatures(rgb=True)


def rendered(data: bytes, features: HostFeatures) -> list[str]:
    """The SGR Textual writes for each cell of a fed screen's first row."""
    screen = PaneScreen(8, 1)
    PaneStream(screen).feed(data)
    system = ColorSystem.EIGHT_BIT
    styles = [cell_style(screen.buffer[0][x][1:], features, system) for x in range(3)]
    return [style._ansi or Strip.render_ansi(style, system) for style in styles]


def test_underline_styles_are_plain_underlines_where_the_terminal_lacks_them() -> None:
    """As tmux without ``Smulx``: a curly underline is an underline, its colour is left
    out; overline is left out without ``Smol``. Dim and hidden are always sent."""
    data = b"\x1b[2;4:3;58:5:9ma\x1b[0;53;8mb\x1b[0;38;5;1;48;5;200mc"
    assert rendered(data, HostFeatures()) == ["2;4", "8", "31;48;5;200"]
    assert rendered(data, HostFeatures(True, True)) == ["2;4:3;58:5:9", "8;53", "31;48;5;200"]
