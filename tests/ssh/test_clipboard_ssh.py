"""A copy in tmux on a remote host reaches the local terminal's clipboard over SSH.

tuimux attaches to tmux through a real sshd on loopback and runs in an outer terminal
(a pane of an outer tmux with ``set-clipboard on``, which keeps what arrives by OSC 52
as a buffer of its own): a copy-mode copy made there lands in that buffer.
"""

from __future__ import annotations

import shlex
import sys

from tests.conftest import TmuxServer
from tests.ssh.conftest import SSHServer
from tests.ui.outer import ROOT
from tests.ui.test_clipboard import copy_through


async def test_a_copy_on_the_remote_host_lands_in_the_local_clipboard(
    sshd: SSHServer, tmux_server: TmuxServer
) -> None:
    sshd.trust()
    tmux_server.new_session("s", width=60, height=15)
    tmux_server.run("set-option", "-g", "mode-keys", "vi")
    pane = tmux_server.display("s:", "#{pane_id}")
    tuimux = [sys.executable, "-m", "tuimux", "-p", str(sshd.port), "-i", str(sshd.client_key)]
    tuimux += [f"{sshd.user}@127.0.0.1", "-L", tmux_server.socket_name, "-t", "s"]
    command = f"cd {ROOT} && HOME={shlex.quote(str(sshd.home))} {shlex.join(tuimux)}"
    await copy_through(tmux_server, pane, "ours", command)
