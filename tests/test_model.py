"""The session mirror follows tmux through notifications, checked against tmux itself."""

from __future__ import annotations

import asyncio

import pytest

from tests.conftest import TmuxServer
from tests.helpers import eventually, open_client, pane_geometry, without_sentinels
from tuimux.terminal.mirror import SessionMirror


class Listener:
    """Records what the mirror tells the UI (a plain recorder, not a tmux double)."""

    def __init__(self) -> None:
        self.structure = 0
        self.replaced: list[str] = []
        self.closed_reason: str | None = None

    def structure_changed(self) -> None:
        self.structure += 1

    def output_ready(self) -> None:
        pass

    def pane_replaced(self, pane_id: str) -> None:
        self.replaced.append(pane_id)

    def closed(self, reason: str) -> None:
        self.closed_reason = reason

    def stalled(self, command: str, seconds: float, after: str) -> None:
        pass

    def copied(self, text: str | None) -> None:
        pass


def tmux_windows(server: TmuxServer, session: str = "s") -> dict[str, str]:
    out = server.run("list-windows", "-t", session, "-F", "#{window_id} #{window_name}")
    return dict(line.split(" ", 1) for line in out.splitlines())


def tmux_panes(server: TmuxServer, session: str = "s") -> dict[str, tuple[int, int, int, int]]:
    return pane_geometry(server, session, session=True)


def mirror_panes(mirror: SessionMirror) -> dict[str, tuple[int, int, int, int]]:
    return {p.pane_id: (p.left, p.top, p.width, p.height) for p in mirror.model.panes.values()}


@pytest.fixture
async def mirror(tmux_server: TmuxServer):  # type: ignore[no-untyped-def]
    tmux_server.new_session("s")
    tmux_server.new_session("other")
    client = await open_client(tmux_server)
    mirror = SessionMirror(client, Listener())
    await mirror.start()
    yield mirror
    await mirror.close()
    await client.detach()


async def test_windows_follow_delivery_time_events(
    tmux_server: TmuxServer, mirror: SessionMirror
) -> None:
    # kill-window in our own session arrives as %unlinked-window-close on tmux 3.3a, and
    # linking our window elsewhere as %window-add: only re-reading tmux gets this right.
    tmux_server.run("new-window", "-t", "s:", "-n", "second")
    await eventually(lambda: len(mirror.model.windows) == 2)
    tmux_server.run("link-window", "-s", "s:1", "-t", "other:5")
    tmux_server.run("new-window", "-t", "other:", "-n", "elsewhere")
    tmux_server.run("kill-window", "-t", "s:0")
    await eventually(
        lambda: {w: x.name for w, x in mirror.model.windows.items()} == tmux_windows(tmux_server)
    )
    tmux_server.run("unlink-window", "-t", "other:5")
    tmux_server.run("move-window", "-s", "other:0", "-t", "s:7")
    await eventually(
        lambda: {w: x.name for w, x in mirror.model.windows.items()} == tmux_windows(tmux_server)
    )
    assert len(mirror.model.windows) == 2


async def test_split_and_resize_follow_the_layout(
    tmux_server: TmuxServer, mirror: SessionMirror
) -> None:
    tmux_server.run("split-window", "-h", "-t", "s")
    tmux_server.run("split-window", "-v", "-t", "s")
    await eventually(lambda: mirror_panes(mirror) == tmux_panes(tmux_server))
    assert len(mirror.terminals) == 3
    for pane_id, (_, _, width, height) in tmux_panes(tmux_server).items():
        await eventually(lambda p=pane_id, s=(width, height): mirror.terminals[p].size == s)


async def test_a_float_past_the_window_edge_is_read_where_tmux_has_it(
    tmux_server: TmuxServer,
) -> None:
    """tmux 3.7+ floating panes can sit at negative offsets; ``list-panes`` (the first
    read, before any %layout-change) prints them with a minus sign."""
    tmux_server.new_session("s")
    if not tmux_server.run("list-commands", "new-pane", check=False):
        pytest.skip("this tmux has no floating panes (new-pane came in 3.7)")
    tmux_server.run("new-pane", "-t", "s", "-X", "-3", "-Y", "-2", "-x", "20", "-y", "6")
    assert any(left < 0 and top < 0 for left, top, _, _ in tmux_panes(tmux_server).values())
    client = await open_client(tmux_server)
    mirror = SessionMirror(client, Listener())
    try:
        await mirror.start()
        assert mirror_panes(mirror) == tmux_panes(tmux_server)
    finally:
        await mirror.close()
        await client.detach()


async def test_rename_and_select_follow(tmux_server: TmuxServer, mirror: SessionMirror) -> None:
    window = tmux_server.display("s:", "#{window_id}")
    tmux_server.run("rename-window", "-t", window, "renamed")
    await eventually(lambda: mirror.model.windows[window].name == "renamed")
    tmux_server.run("new-window", "-t", "s:")
    new = tmux_server.display("s:", "#{window_id}")
    await eventually(lambda: mirror.model.active_window == new)
    tmux_server.run("split-window", "-t", new)
    active = tmux_server.display(new, "#{pane_id}")
    await eventually(lambda: mirror.model.windows[new].active_pane == active)


async def test_a_resize_does_not_undo_a_select_window_not_yet_seen(
    tmux_server: TmuxServer, mirror: SessionMirror
) -> None:
    """Another client selects a window; before its notification is read, the terminal
    resizes. The resize's claim on the window must not put the old one back."""
    tmux_server.run("new-window", "-d", "-t", "s:1")
    first = tmux_server.display("s:0", "#{window_id}")
    await eventually(lambda: len(mirror.model.windows) == 2)
    assert mirror.model.active_window == first
    tmux_server.run("select-window", "-t", "s:1")  # no await: nothing is read in between
    mirror.resize(70, 20)
    await mirror.client.command("display-message", "-p", "sync")
    assert tmux_server.display("s:", "#{window_index}") == "1"
    await eventually(lambda: mirror.model.active_window != first)


async def test_size_wins_over_a_normal_client_only_after_select_window(
    tmux_server: TmuxServer,
) -> None:
    """tmux 3.3a's window-size latest ignores ``refresh-client -C`` from a control client
    while a normal client is the latest; selecting a window makes us the latest."""
    import contextlib
    import fcntl
    import os
    import pty
    import struct
    import subprocess
    import termios

    tmux_server.new_session("s", width=120, height=40)
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    normal = subprocess.Popen(
        [*tmux_server.argv, "attach", "-t", "s"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=tmux_server.env,
        start_new_session=True,
    )
    loop = asyncio.get_running_loop()
    loop.add_reader(master, lambda: os.read(master, 65536))
    client = None
    try:
        size = lambda: tmux_server.display("s:", "#{window_width}x#{window_height}")  # noqa: E731
        await eventually(lambda: size() == "120x39")
        client = await open_client(tmux_server)
        await client.command("refresh-client", "-C", "100x35")
        await eventually(lambda: size() == "100x35")  # attaching made us the latest
        os.write(master, b"x")  # a keystroke on the normal client makes it the latest
        await eventually(lambda: size() == "120x39")
        await client.command("refresh-client", "-C", "90x30")
        await client.command("display-message", "-p", "sync")
        assert size() == "120x39"  # ignored: the normal client is still the latest
        mirror = SessionMirror(client, Listener())
        await mirror.start()
        mirror.resize(90, 30)
        await eventually(lambda: size() == "90x30")
        await mirror.close()
    finally:
        loop.remove_reader(master)
        if client is not None:
            await client.detach()
        normal.terminate()
        normal.wait(5)
        for fd in (master, slave):
            with contextlib.suppress(OSError):
                os.close(fd)


async def test_pane_queries_send_nothing_upstream(tmux_server: TmuxServer) -> None:
    """pyte answers DA/DSR; tmux already did, so nothing may go back to tmux for them."""
    tmux_server.new_session("s")
    client = await open_client(tmux_server)
    sent: list[str] = []
    mirror = SessionMirror(client, Listener())
    await mirror.start()
    client.on_send = sent.append
    pane = tmux_server.display("s:", "#{pane_id}")
    # Typed before the shell's first prompt, the output would share the prompt's line.
    tmux_server.wait_for(lambda: tmux_server.capture(pane).strip() != "")
    try:
        tmux_server.run(
            "send-keys", "-t", pane, "printf '\\033[c\\033[6n\\033[5n\\033[>cdone\\n'", "Enter"
        )
        # "done" alone on a line is the output (the echoed command line holds more).
        await eventually(
            lambda: (
                (mirror.flush() or True)
                and "done" in [line.rstrip() for line in _screen_text(mirror, pane).split("\n")]
            ),
            detail=lambda: (_screen_text(mirror, pane), tmux_server.capture(pane), sent),
        )
        await client.command("display-message", "-p", "sync")
        assert without_sentinels(sent) == ["display-message -p sync"]
    finally:
        await mirror.close()
        await client.detach()


def _screen_text(mirror: SessionMirror, pane: str) -> str:
    screen = mirror.terminals[pane].screen
    return "\n".join(
        "".join(screen.buffer[y][x].data for x in range(screen.columns))
        for y in range(screen.lines)
    )
