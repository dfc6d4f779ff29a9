"""The key-table walk, rule by rule (server_client_key_callback in tmux 3.4), on tables
read from a real tmux loaded with a configuration."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import TmuxServer
from tuimux.control.key_table import (
    NOTHING,
    PANE,
    PREFIX,
    KeyMachine,
    Tables,
    command_name,
    parse_tables,
    with_notes,
)

CONFIG = """\
set -g prefix C-a
set -g prefix2 F12
unbind C-b
bind C-a send-prefix
bind | split-window -h -c "#{pane_current_path}"
bind -n M-Left select-pane -L
bind -n M-x display-message rooted
bind -r Up resize-pane -U 2
bind -T mytable x new-window -n fromtable
bind -N "a note" N new-window -n noted
bind t switch-client -T mytable
bind '"' display-message 'quote ; "inner" #{pane_id}'
bind \\; last-pane
bind -T copy-mode-vi v send-keys -X begin-selection
bind z set-option -q @a 1 \\; display-message 'two;' \\; if -F 1 { display x ; display y }
"""


@pytest.fixture
def tables(tmux_server: TmuxServer, tmp_path: Path) -> Tables:
    tmux_server.new_session("s")
    config = tmp_path / "tmux.conf"
    config.write_text(CONFIG)
    tmux_server.run("source-file", str(config))
    parsed = parse_tables(tmux_server.run("list-keys").splitlines())
    notes = tmux_server.run("list-keys", "-N", "-P", "", "-T", "prefix").splitlines()
    with_notes(parsed, "prefix", notes)
    return parsed


def machine(tables: Tables) -> KeyMachine:
    return KeyMachine(tables, prefix="C-a", prefix2="F12", repeat_time_ms=500)


def test_the_tables_read_back_as_configured(tables: Tables) -> None:
    assert tables["prefix"]["|"].commands == (("split-window", "-h", "-c", "#{pane_current_path}"),)
    assert tables["root"]["M-Left"].commands == (("select-pane", "-L"),)
    assert tables["prefix"]["Up"].repeat and not tables["prefix"]["|"].repeat
    assert tables["prefix"]["N"].note == "a note"
    assert tables["prefix"]["c"].note == "Create a new window"  # tmux's own notes
    assert tables["prefix"]['"'].commands == (("display-message", 'quote ; "inner" #{pane_id}'),)
    assert tables["prefix"][";"].commands == (("last-pane",),)
    assert "C-b" not in tables["prefix"]
    # ``a \\; b`` in list-keys is the binding's two commands (bind-key splits them).
    assert [command[0] for command in tables["prefix"]["z"].commands] == [
        "set-option",
        "display-message",
        "if-shell",
    ]
    assert tables["prefix"]["z"].commands[1] == ("display-message", "two")  # as tmux split it
    assert tables["copy-mode-vi"]["v"].commands == (("send-keys", "-X", "begin-selection"),)


def test_prefix_then_a_binding_then_back_to_root(tables: Tables) -> None:
    keys = machine(tables)
    assert keys.press("C-b", 0) == PANE  # no longer a prefix
    assert keys.press("C-a", 0) == NOTHING and keys.table == PREFIX and keys.pending
    outcome = keys.press("|", 0)
    assert outcome.kind == "run" and outcome.bound is tables["prefix"]["|"]
    assert keys.table == "root" and not keys.pending
    assert keys.press("|", 0) == PANE
    assert keys.press("F12", 0) == NOTHING and keys.table == PREFIX  # prefix2
    assert keys.press("C-a", 0).bound is tables["prefix"]["C-a"]  # send-prefix


def test_an_unbound_key_after_the_prefix_does_nothing(tables: Tables) -> None:
    keys = machine(tables)
    keys.press("C-a", 0)
    assert keys.press("y", 0) == NOTHING
    assert keys.table == "root"
    assert keys.press("y", 0) == PANE


def test_root_bindings_need_no_prefix(tables: Tables) -> None:
    keys = machine(tables)
    assert keys.press("M-Left", 0).bound is tables["root"]["M-Left"]
    keys.press("C-a", 0)
    assert keys.press("M-Left", 0).bound is tables["prefix"]["M-Left"]  # tmux's resize
    keys.press("C-a", 0)
    # Not in the prefix table: tmux tries the root table next.
    assert keys.press("M-x", 0).bound is tables["root"]["M-x"]
    assert keys.table == "root"


def test_a_repeatable_binding_repeats_within_repeat_time(tables: Tables) -> None:
    keys = machine(tables)
    keys.press("C-a", 0)
    assert keys.press("Up", 10.0).bound is tables["prefix"]["Up"]
    assert keys.press("Up", 10.4).bound is tables["prefix"]["Up"]  # within 500 ms
    assert keys.press("Up", 10.8).bound is tables["prefix"]["Up"]  # the timer restarted
    assert keys.press("Up", 11.4) == PANE  # expired: the arrow is the pane's


def test_repeating_a_key_that_does_not_repeat_looks_in_root(tables: Tables) -> None:
    keys = machine(tables)
    keys.press("C-a", 0)
    keys.press("Up", 0)
    assert keys.press("|", 0.1) == PANE  # not -r: back to root, where | is unbound
    keys.press("C-a", 1)
    keys.press("Up", 1)
    assert keys.press("y", 1.1) == PANE  # unbound while repeating: the pane's
    keys.press("C-a", 2)
    keys.press("Up", 2)
    assert keys.press("M-x", 2.1).bound is tables["root"]["M-x"]


def test_a_user_table_entered_by_switch_client(tables: Tables) -> None:
    keys = machine(tables)
    keys.press("C-a", 0)
    assert keys.press("t", 0).bound is tables["prefix"]["t"]
    assert keys.enter("mytable") and keys.pending
    assert keys.press("x", 0).bound is tables["mytable"]["x"]
    assert keys.table == "root"
    assert not keys.enter("nosuchtable") and keys.table == "root"
    keys.enter("mytable")
    assert keys.press("q", 0) == NOTHING and keys.table == "root"


def test_copy_mode_keys_go_to_the_mode_and_root_bindings_still_run(tables: Tables) -> None:
    keys = machine(tables)
    assert keys.press("v", 0, "copy-mode-vi") == PANE  # tmux runs the mode binding
    assert keys.press("M-Left", 0, "copy-mode-vi").bound is tables["root"]["M-Left"]
    assert keys.press("C-a", 0, "copy-mode-vi") == NOTHING and keys.table == PREFIX
    assert keys.press("|", 0, "copy-mode-vi").bound is tables["prefix"]["|"]


def test_any_catches_every_key_of_its_table() -> None:
    tables = parse_tables(
        ["bind-key -T prefix Any display-message any", "bind-key -T prefix c new-window"]
    )
    keys = KeyMachine(tables)
    keys.press("C-b", 0)
    assert keys.press("z", 0).bound is tables["prefix"]["Any"]
    keys.press("C-b", 0)
    assert keys.press("c", 0).bound is tables["prefix"]["c"]


@pytest.mark.parametrize(
    ("written", "full"),
    [
        ("splitw", "split-window"),
        ("detach", "detach-client"),
        ("choose-t", "choose-tree"),
        ("confirm", "confirm-before"),
        ("lsk", "list-keys"),
        ("switchc", "switch-client"),
        ("sw", "sw"),  # ambiguous: tmux says so
        ("nosuch", "nosuch"),
    ],
)
def test_command_names_resolve_as_tmux_resolves_them(written: str, full: str) -> None:
    assert command_name(written) == full
