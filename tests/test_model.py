"""The session mirror follows tmux through notifications, checked against tmux itself."""

from __future__ import annotations

import pytest

from tests.conftest import TmuxServer
from tests.helpers import eventually, open_client
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


def tmux_windows(server: TmuxServer, session: str = "s") -> dict[str, str]:
    out = server.run("list-windows", "-t", session, "-F", "#{window_id} #{window_name}")
    return dict(line.split(" ", 1) for line in out.splitlines())


def tmux_panes(server: TmuxServer, session: str = "s") -> dict[str, tuple[int, int, int, int]]:
    out = server.run(
        "list-panes",
        "-s",
        "-t",
        session,
        "-F",
        "#{pane_id} #{pane_left} #{pane_top} #{pane_width} #{pane_height}",
    )
    panes = {}
    for line in out.splitlines():
        pane_id, *numbers = line.split()
        left, top, width, height = (int(n) for n in numbers)
        panes[pane_id] = (left, top, width, height)
    return panes


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
