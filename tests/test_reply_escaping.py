"""Names and titles read from ``-F`` replies are what tmux stores, on every tmux.

tmux 3.4 escapes "$" followed by a letter, "_" or "{" once more in every printed reply
(``list-*``, ``display -p``) than in notifications and in what it stores, so a window named
``$HOME`` (stored ``\\$HOME`` by 3.2a-3.4) was listed as ``\\\\$HOME``. The oracle is tmux
itself, read past its reply layer (``TmuxServer.stored``), or a literal whose stored
form is the literal.
"""

from __future__ import annotations

import pytest

from tests.conftest import TmuxServer
from tests.helpers import open_client
from tuimux.control.escape import REPLY_PROBE, escapes_dollars, unescape_reply
from tuimux.model import SessionModel, refresh
from tuimux.sessions import read_tree

# Every shape the "$" rule treats differently, next to backslashes that are not escapes.
NAMES = [
    "$HOME",
    "\\$HOME",
    "\\\\$x",
    "$$T",
    "${T} $_ $1 $ $é",
    "a\\b\\",
    "\\$",
    'it\'s "q" ~ ünï',
]


async def test_display_p_of_a_literal_comes_back_as_the_literal(tmux_server: TmuxServer) -> None:
    """The probe itself, and every name shape: whatever the server's reply layer, what
    ``read_formats`` returns is the text tmux was given (display -p keeps a literal with
    no ``#`` or ``%`` as it is)."""
    tmux_server.new_session("s")
    client = await open_client(tmux_server)
    try:
        literals = [REPLY_PROBE, *NAMES]
        replies = await client.read_formats([("display-message", "-p", x) for x in literals])
        assert replies == [[x] for x in literals]
        assert client.replies_escape_dollars is not None  # asked once, then kept
        again = await client.read_formats([("display-message", "-p", NAMES[0])])
        assert again == [[NAMES[0]]]
    finally:
        await client.detach()


async def test_names_and_titles_read_at_attach_are_what_tmux_stores(
    tmux_server: TmuxServer,
) -> None:
    tmux_server.new_session("s")
    for index, name in enumerate(NAMES[1:], start=1):
        tmux_server.run("new-window", "-d", "-t", f"s:{index}", "-n", name)
        tmux_server.run("select-pane", "-t", f"s:{index}.0", "-T", name)
    tmux_server.run("rename-window", "-t", "s:0", "--", NAMES[0])
    tmux_server.run("select-pane", "-t", "s:0.0", "-T", NAMES[0])
    tmux_server.run("rename-session", "-t", "s", "--", "s $HOME\\")
    session_id = tmux_server.display("$0", "#{session_id}")
    client = await open_client(tmux_server, ["attach-session", "-t", session_id])
    try:
        model = SessionModel()
        await refresh(client, model, session_id)
        assert len(model.windows) == len(NAMES)
        assert model.name == tmux_server.stored(session_id, "session_name")
        for window_id, window in model.windows.items():
            assert window.name == tmux_server.stored(window_id, "window_name")
        for pane_id, pane in model.panes.items():
            assert pane.title == tmux_server.stored(pane_id, "pane_title")
        # The session tree reads the whole server through the same helper.
        (entry,) = await read_tree(client)
        assert entry.name == model.name
        assert [w.name for w in entry.windows] == [
            tmux_server.stored(w.window_id, "window_name") for w in entry.windows
        ]
    finally:
        await client.detach()


@pytest.mark.parametrize(
    ("answer", "escapes"),
    [
        ([REPLY_PROBE], False),
        (["\\$T\\ \\${T} \\$_ $\\$T $1 $"], True),  # tmux 3.4's answer
        (["\\$T\\\\ \\${T} \\$_ $\\$T $1 $"], False),  # a layer that also doubles "\"
        ([], False),
        ([REPLY_PROBE, REPLY_PROBE], False),
        (["something else"], False),
    ],
)
def test_only_the_known_layer_is_undone(answer: list[str], escapes: bool) -> None:
    assert escapes_dollars(answer) is escapes


@pytest.mark.parametrize(
    ("line", "stored"),
    [
        ("\\$HOME", "$HOME"),
        ("\\\\$HOME", "\\$HOME"),  # a stored backslash stays, the added one goes
        ("$\\$T \\${x} \\$_", "$$T ${x} $_"),
        ("\\$1 \\$ \\$é \\\\", "\\$1 \\$ \\$é \\\\"),  # tmux adds none before these
        ("\\033 \\t", "\\033 \\t"),  # never decoded into control characters
    ],
)
def test_unescaping_removes_only_the_backslash_tmux_added(line: str, stored: str) -> None:
    assert unescape_reply(line) == stored
