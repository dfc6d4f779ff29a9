"""Stopped and continued from outside (``kill -STOP``/``-CONT``, a debugger): tuimux goes
on as before, types each key once, and detaches at once.

Textual restarted its input on every SIGCONT, suspended or not: a second thread then
read the terminal beside the first, and at the end one of them stayed blocked in
``read`` while tuimux waited for it, so it printed its last sentence and never ended
(tuimux.ui.job_control)."""

from __future__ import annotations

import os
import signal
import time

from tests.conftest import TmuxServer
from tests.helpers import eventually
from tests.ui.outer import outer_terminals, tuimux_attach
from tests.ui.test_server_survives import tuimux_pids


def threads(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/task"))


async def test_stopped_and_continued_it_types_once_and_detaches(tmux_server: TmuxServer) -> None:
    tmux_server.new_session("s", width=60, height=15)
    pane = tmux_server.display("s:", "#{pane_id}")
    with outer_terminals({"ours": tuimux_attach(tmux_server)}, 60, 16) as outer:
        await eventually(lambda: "[s]" in outer.capture("ours:"), timeout=30)
        (pid,) = tuimux_pids(tmux_server.socket_name)
        before = threads(pid)
        for _ in range(5):  # each SIGCONT started one more input and output thread
            os.kill(pid, signal.SIGSTOP)
            os.kill(pid, signal.SIGCONT)
            time.sleep(0.2)  # each its own handler call: signals pending together merge
        outer.run("send-keys", "-t", "ours:", "-l", "echo typed-$((6*7))")
        outer.run("send-keys", "-t", "ours:", "Enter")
        await eventually(
            lambda: "typed-42" in tmux_server.capture(pane).split("\n"),
            detail=lambda: tmux_server.capture(pane),
        )
        assert tmux_server.capture(pane).count("echo typed-$((6*7))") == 1
        # Room for a worker thread of its own; not for two more per SIGCONT.
        assert threads(pid) < before + 2, (before, threads(pid))
        outer.run("send-keys", "-t", "ours:", "C-b", "d")
        await eventually(
            lambda: outer.display("ours:", "#{pane_dead}") == "1",
            timeout=15,
            detail=lambda: outer.capture("ours:"),
        )
