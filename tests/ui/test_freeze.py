"""Nothing tmux runs *for the client* may freeze tuimux (DESIGN.md, Traps: "Client-side
UI hangs a control client"), checked through the whole app against a real tmux."""

from __future__ import annotations

import re
import subprocess

from tests.conftest import TMUX, TmuxServer
from tests.helpers import eventually
from tuimux.client import TmuxClient
from tuimux.connect import Target, connect_local, reattach_local
from tuimux.ui.app import TuimuxApp
from tuimux.ui.dialogs import Confirm, Prompt
from tuimux.ui.menu import Menu
from tuimux.ui.popup import Popup


def tmux_version() -> tuple[int, int]:
    out = subprocess.run([TMUX, "-V"], capture_output=True, text=True, check=True).stdout
    match = re.search(r"([0-9]+)\.([0-9]+)", out)
    assert match is not None, out
    return int(match[1]), int(match[2])


async def make_app(server: TmuxServer, stall_after: float = 1.0) -> TuimuxApp:
    target = Target(socket_name=server.socket_name, session="s", env=server.env)
    client = await connect_local(target, 100, 30)
    client.stall_after = stall_after
    return TuimuxApp(client, recover=await reattach_local(target, client))


def current_index(server: TmuxServer) -> str:
    return server.display("s:", "#{window_index}")


async def test_a_hook_that_opens_a_prompt_neither_freezes_nor_crashes(
    tmux_server: TmuxServer,
) -> None:
    """The issue's case: ``after-new-window`` opens a prompt for the client that made
    the window. tmux 3.3+ then holds tuimux's queue; ``C-b n`` right after ``C-b c``
    crashed (the mirror knew the new window's id before its list-windows answer)."""
    tmux_server.new_session("s", width=100, height=30)
    tmux_server.run("set-hook", "-g", "after-new-window", "command-prompt -p x 'rename-window %%'")
    app = await make_app(tmux_server)
    async with app.run_test(size=(100, 31)) as pilot:
        await eventually(lambda: app.mirror is not None and bool(app.window_view.panes))
        await pilot.press("ctrl+b", "c")
        await eventually(lambda: current_index(tmux_server) == "1")
        # At once: tuimux has the new window's id but tmux will not answer its read.
        await pilot.press("ctrl+b", "n")
        if tmux_version() >= (3, 3):
            await eventually(lambda: "re-attached" in app.status_bar.message, timeout=15)
            assert not app.offline
            # The hook's prompt is asked again in tuimux, with tmux's text: answer it.
            await eventually(lambda: isinstance(app.screen, Prompt))
            assert isinstance(app.screen, Prompt) and app.screen.label == "x "
            await pilot.press(*"named", "enter")
            await eventually(lambda: tmux_server.display("s:1", "#{window_name}") == "named")
        # Usable again: the next C-b n runs (the one queued behind the prompt was
        # dropped with the old client, or ran at once where tmux does not wait).
        await eventually(lambda: app.mirror is not None and app.mirror.model.current is not None)
        before = current_index(tmux_server)
        await pilot.press("ctrl+b", "n")
        await eventually(lambda: current_index(tmux_server) != before)
        await eventually(
            lambda: (
                app.mirror is not None
                and app.mirror.model.current is not None
                and str(app.mirror.model.current.index) == current_index(tmux_server)
            )
        )
        assert app.is_running
    assert app.error is None


async def test_prompts_typed_at_the_command_prompt_are_asked_here(
    tmux_server: TmuxServer,
) -> None:
    """``C-b :`` then a command that would make tmux wait for tuimux: a prompt or a
    confirmation is asked in tuimux; a menu or popup is drawn by tuimux."""
    tmux_server.new_session("s", width=100, height=30)
    app = await make_app(tmux_server, stall_after=30)
    async with app.run_test(size=(100, 31)) as pilot:
        await eventually(lambda: app.mirror is not None and bool(app.window_view.panes))

        async def typed(line: str) -> None:
            await pilot.press("ctrl+b", "colon")
            await eventually(lambda: isinstance(app.screen, Prompt))
            await pilot.press(*line, "enter")

        await typed("command-prompt -p name,other -I a,b 'rename-window \"%1-%2\"'")
        await eventually(lambda: isinstance(app.screen, Prompt) and app.screen.label == "name ")
        await pilot.press("backspace", *"x;y", "enter")
        await eventually(lambda: isinstance(app.screen, Prompt) and app.screen.label == "other ")
        await pilot.press("enter")
        await eventually(lambda: tmux_server.display("s:", "#{window_name}") == "x;y-b")

        await typed("confirm-before -p 'sure? (y/n)' 'rename-window confirmed'")
        await eventually(lambda: isinstance(app.screen, Confirm))
        await pilot.press("y")
        await eventually(lambda: tmux_server.display("s:", "#{window_name}") == "confirmed")

        await typed("display-menu -T t a a 'rename-window menu'")
        await eventually(lambda: isinstance(app.screen, Menu))
        await pilot.press("a")
        await eventually(lambda: tmux_server.display("s:", "#{window_name}") == "menu")
        await typed("popup -E true")  # opens and closes at once: true exits
        await eventually(
            lambda: tmux_server.run("list-sessions", "-F", "#{session_name}").split() == ["s"]
        )
        await eventually(lambda: not isinstance(app.screen, (Menu, Popup, Prompt)))
        # tmux was never left waiting for tuimux.
        reply = await app.client.command("display-message", "-p", "ok", timeout=5)
        assert reply.text == ["ok"]


async def test_a_hook_on_what_every_attach_sends_does_not_loop(tmux_server: TmuxServer) -> None:
    """tuimux's own attach sends select-window (to claim the window size): a prompt on
    after-select-window stalls every new client. One re-attach, then tuimux says so and
    waits instead of re-attaching in a loop."""
    tmux_server.new_session("s", width=100, height=30)
    tmux_server.run(
        "set-hook", "-g", "after-select-window", "command-prompt -p x 'rename-window %%'"
    )
    app = await make_app(tmux_server, stall_after=0.5)
    assert app.recover is not None
    recover, attaches = app.recover, []

    async def counted(session_id: str, width: int, height: int) -> TmuxClient:
        attaches.append(session_id)
        return await recover(session_id, width, height)

    app.recover = counted  # type: ignore[assignment]
    sent: list[str] = []
    app.client.on_send = sent.append
    async with app.run_test(size=(100, 31)) as pilot:
        if tmux_version() < (3, 3):
            return  # 3.2a does not wait for a prompt
        await eventually(lambda: bool(app.window_view.panes))
        await eventually(lambda: any("select-window" in line for line in sent))
        await pilot.press("x")  # tmux holds the queue: the key's send-keys is not answered
        await eventually(
            lambda: "waits again" in app.status_bar.message,
            timeout=15,
            detail=lambda: (app.status_bar.message, attaches, app.client.stalled, sent),
        )
        assert len(attaches) == 1
        assert app.is_running
