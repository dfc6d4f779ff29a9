"""Quoting round-trips through tmux's real command parser, and unsafe input is refused."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import TmuxServer
from tuimux.control.command import build, escape_format, join, quote, quote_data
from tuimux.errors import CommandError

NASTY = [
    "it's",
    "''",
    "'",
    'a"b',
    "$HOME",
    "${HOME}",
    "~",
    "~root",
    "#{session_name}",
    "#(touch /nonexistent)",
    "a;b",
    " ; ",
    "\\;",
    "x;",
    ";",
    "\\",
    "x\\",
    "é😀中文",
    "\t\x1b[31m",
    "",
    " ",
    "-x",
    "--",
    "{",
    "}",
    "%if 1",
    "%0:pause",
    "%3",
    "$1",
    "@2",
    "a b  c",
    "\x7f\x01",
]

line_text = st.text(
    alphabet=st.characters(blacklist_characters="\n\r\x00", blacklist_categories=("Cs",)),
    max_size=40,
)


def round_trip(server: TmuxServer, tmp_path: Path, values: list[str]) -> list[bytes]:
    """Send ``set-buffer -b bN -- VALUE`` lines through source-file; read the bytes back."""
    script = tmp_path / "commands.conf"
    script.write_text(
        "".join(build("set-buffer", "-b", f"b{i}", "--", v) + "\n" for i, v in enumerate(values)),
        encoding="utf-8",
    )
    server.run("source-file", str(script))
    out = []
    for i in range(len(values)):
        result = subprocess.run(
            [*server.argv, "save-buffer", "-b", f"b{i}", "-"],
            capture_output=True,
            env=server.env,
            timeout=10,
        )
        out.append(result.stdout)
    return out


@pytest.fixture
def server(tmux_server: TmuxServer) -> TmuxServer:
    tmux_server.new_session("q")
    return tmux_server


def test_nasty_arguments_arrive_unchanged(server: TmuxServer, tmp_path: Path) -> None:
    values = [v for v in NASTY if v]  # tmux refuses an empty buffer; checked below
    assert round_trip(server, tmp_path, values) == [v.encode() for v in values]


def test_empty_argument_stays_an_argument(server: TmuxServer) -> None:
    assert quote("") == "''"
    assert build("display-message", "-p", "") == "display-message -p ''"


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(line_text.filter(bool), min_size=1, max_size=8))
def test_any_line_text_round_trips(server: TmuxServer, tmp_path: Path, values: list[str]) -> None:
    assert round_trip(server, tmp_path, values) == [v.encode() for v in values]


def test_data_with_line_breaks_round_trips(server: TmuxServer, tmp_path: Path) -> None:
    text = 'one\ntwo\r\nthree $HOME \\ "q" \x1b[0m\t~ #{x} ;'
    script = tmp_path / "data.conf"
    script.write_text(f"{build('set-buffer', '-b', 'd', '--')} {quote_data(text)}\n")
    assert "\n" not in quote_data(text)
    server.run("source-file", str(script))
    saved = subprocess.run(
        [*server.argv, "save-buffer", "-b", "d", "-"], capture_output=True, env=server.env
    )
    assert saved.stdout == text.encode()


def test_format_expanding_names_run_nothing(server: TmuxServer, tmp_path: Path) -> None:
    """Names go through escape_format + quote; the oracle is the same name given to tmux
    as argv (no parser), because tmux 3.3a itself stores '$' as '\\$' in some names."""
    canary = tmp_path / "canary"
    name = f"evil #(touch {canary}) #{{session_name}} $HOME ;x"
    script = tmp_path / "names.conf"
    script.write_text(
        build("new-window", "-d", "-t", "q:", "-n", escape_format(name + "w"))
        + "\n"
        + build("new-session", "-d", "-s", escape_format(name + "s"))
        + "\n"
        + build("rename-window", "-t", "q:0", "--", escape_format(name + "r"))
        + "\n"
    )
    server.run("source-file", str(script))
    assert not canary.exists()
    parsed = set(server.run("list-windows", "-a", "-F", "#{window_name}").splitlines())
    parsed |= set(server.run("list-sessions", "-F", "#{session_name}").splitlines())

    other = TmuxServer(server.socket_name + "-argv")
    try:
        other.new_session("q")
        other.run("new-window", "-d", "-t", "q:", "-n", escape_format(name + "w"))
        other.run("new-session", "-d", "-s", escape_format(name + "s"))
        other.run("rename-window", "-t", "q:0", escape_format(name + "r"))
        direct = set(other.run("list-windows", "-a", "-F", "#{window_name}").splitlines())
        direct |= set(other.run("list-sessions", "-F", "#{session_name}").splitlines())
    finally:
        other.kill()
    assert parsed == direct
    assert any(n.startswith("evil #(touch") for n in parsed)
    assert not canary.exists()


@pytest.mark.parametrize("bad", ["a\nb", "a\rb", "a\0b", "\n"])
def test_line_breaks_and_nul_are_refused(bad: str) -> None:
    with pytest.raises(CommandError):
        quote(bad)
    with pytest.raises(CommandError):
        build("send-keys", "-l", "--", bad)


@pytest.mark.parametrize("name", ["", "Send-keys", "send keys", "x;y", "-t"])
def test_command_names_are_checked(name: str) -> None:
    with pytest.raises(CommandError):
        build(name)


def test_join_makes_one_line_group() -> None:
    line = join(build("display-message", "-p", "a;b"), build("list-windows"))
    assert line == "display-message -p 'a;b' ; list-windows"
    with pytest.raises(CommandError):
        join("display-message -p x\nkill-server")
