"""Flags read as tmux reads them: a command spelled the user's way and the same command
as tmux prints it back (``list-keys``, one flag a word, values apart) must mean the same
thing to tuimux. tmux parses the binding, so a letter tuimux thinks takes no value (or
one) when tmux thinks otherwise shows up as a difference."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.conftest import TmuxServer
from tuimux.control.bindings import Arg, Command, prompt_of
from tuimux.control.display_panes import display_panes_of
from tuimux.control.getopt import getopt
from tuimux.control.key_table import parse_tables
from tuimux.control.menus import menu_of
from tuimux.control.mouse_keys import flags, positional
from tuimux.control.popups import popup_of


def as_tmux_prints(tmux_server: TmuxServer, *command: str) -> Command:
    """The command as tmux parsed and printed it, bound to a key of a private table."""
    try:
        tmux_server.run("bind-key", "-T", "getopt-test", "a", *command)
    except RuntimeError as refused:
        if "usage:" in str(refused) or "unknown flag" in str(refused):
            pytest.skip(f"this tmux has not all of these flags: {refused}")
        raise
    lines = tmux_server.run("list-keys").splitlines()  # 3.7c prints nothing for -T
    bound = parse_tables(lines)["getopt-test"]["a"]
    assert len(bound.commands) == 1, bound.commands
    return bound.commands[0]


CASES: list[tuple[Callable[[Command], object], tuple[str, ...]]] = [
    (lambda c: menu_of(c[1:]), ("display-menu", "-OxP", "-yS", "-Ttitle", "n", "k", "ls")),
    (lambda c: menu_of(c[1:]), ("display-menu", "-xR", "n", "-k", "ls", "", "m", "M", "")),
    (lambda c: popup_of(c[1:]), ("display-popup", "-EE", "-eA=1", "-e", "B=2", "-w50%", "top")),
    (lambda c: popup_of(c[1:]), ("display-popup", "-BCdx", "-h", "10", "sh", "-c", "x")),
    (lambda c: display_panes_of(c[1:]), ("display-panes", "-Nd500", "select-pane -t %%")),
    (lambda c: prompt_of([c]), ("command-prompt", "-1kpx", "-Iy", "send %%")),
    (lambda c: prompt_of([c]), ("command-prompt", "-Np", "a,b", "-I", "1,2", "x %1 %2")),
    (lambda c: prompt_of([c]), ("confirm-before", "-psure?", "kill-pane")),
    (lambda c: (sorted(flags(c)), positional(c)), ("send-keys", "-XN", "3", "cursor-up")),
    (lambda c: (sorted(flags(c)), positional(c)), ("select-pane", "-Zt=", "-P", "bg=red")),
]


@pytest.mark.parametrize(("meaning", "command"), CASES)
def test_the_users_spelling_means_what_tmux_read(
    tmux_server: TmuxServer, meaning: Callable[[Command], object], command: tuple[str, ...]
) -> None:
    tmux_server.new_session("s")
    printed = as_tmux_prints(tmux_server, *command)
    assert printed[0] == command[0]
    if printed[1:] != command[1:]:  # else the case tests nothing: tmux respelled nothing
        assert meaning(command) == meaning(printed), printed
    else:
        pytest.fail(f"tmux printed {command!r} as it was given: not a clustering case")


def test_a_lone_dash_ends_the_flags_and_a_valued_letter_takes_the_next_word() -> None:
    words: list[Arg] = ["-a", "-", "-b"]
    assert getopt(words, "") == ([("a", "")], ["-", "-b"])
    assert getopt(["-ab", "--", "-c", "d"], "b") == ([("a", ""), ("b", "--"), ("c", "")], ["d"])
    assert getopt(["-a", "--", "-c"], "b") == ([("a", "")], ["-c"])
    assert getopt(["-ab"], "b") == ([("a", ""), ("b", "")], [])
