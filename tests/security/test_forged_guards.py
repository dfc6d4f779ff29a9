"""A pane that learns tmux's command counter and prints the guards of tuimux's next
replies, followed by forged notifications, while tuimux re-reads it: nothing it forges
is dispatched (the red team's attack of issue 12, §1, against real tmux)."""

from __future__ import annotations

import asyncio
import textwrap
from pathlib import Path

from tests.conftest import TmuxServer
from tests.helpers import eventually
from tests.ui.test_app import make_app
from tuimux.control import events as ev

ATTACKER = textwrap.dedent(
    r"""
    import subprocess, sys, time
    window, me, victim, rows = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    forged = [
        f"%window-pane-changed {window} {me}",
        f"%output {victim} FORGED-OUTPUT",
        f"%layout-change {window} ffff,100000x100000,0,0,9 ffff,100000x100000,0,0,9 *",
        "%exit FORGED-EXIT",
    ]
    while True:
        # tmux -C shows the server-wide counter in its own guards.
        out = subprocess.run(
            ["sh", "-c", "sleep 0.02 | tmux -C display -p x"], capture_output=True
        ).stdout
        begin = [line for line in out.splitlines() if line.startswith(b"%begin")]
        if not begin:
            continue
        _, when, number, _ = begin[0].split()
        when, number = int(when), int(number)
        guesses = [f"%end {when} {number + k} 1" for k in range(1, rows - len(forged))]
        sys.stdout.write("\x1b[H\x1b[2J" + "\r\n".join(guesses + forged))
        sys.stdout.flush()
        time.sleep(0.01)
    """
)


async def test_guards_printed_by_a_pane_that_knows_the_counter_forge_nothing(
    tmux_server: TmuxServer, tmp_path: Path
) -> None:
    script = tmp_path / "attacker.py"
    script.write_text(ATTACKER)
    tmux_server.new_session("s", width=160, height=60)
    victim = tmux_server.display("s:", "#{pane_id}")
    window = tmux_server.display("s:", "#{window_id}")
    attacker = tmux_server.run(
        "split-window", "-h", "-d", "-P", "-F", "#{pane_id}", "-t", "s:"
    ).strip()
    rows = int(tmux_server.display(attacker, "#{pane_height}"))
    tmux_server.run(
        "respawn-pane",
        "-k",
        "-t",
        attacker,
        f"python3 {script} {window} {attacker} {victim} {rows}",
    )
    tmux_server.wait_for(lambda: "%end " in tmux_server.capture(attacker))
    app = await make_app(tmux_server)
    seen: list[ev.Notification] = []
    app.client.subscribe(seen.append)
    async with app.run_test(size=(160, 61)):
        mirror = app.mirror
        await eventually(lambda: mirror is not None and attacker in mirror.terminals)
        assert mirror is not None
        # tuimux re-reads a busy pane from captures; here as fast as a flood poll does.
        captured_guards = 0
        for _ in range(150):
            await mirror.resync(attacker)
            lines = mirror.terminals[attacker].last_capture
            captured_guards += sum(line.startswith(b"%end ") for line in lines)
            await asyncio.sleep(0.03)
        forged = [
            event
            for event in seen
            if (isinstance(event, ev.WindowPaneChanged) and event.pane_id == attacker)
            or (isinstance(event, ev.Output) and event.pane_id == victim)
            or (isinstance(event, ev.LayoutChange) and "100000" in event.layout)
            or (isinstance(event, ev.Exit) and "FORGED" in event.reason)
            or isinstance(event, ev.Unknown | ev.Desync)
        ]
        assert forged == []
        assert captured_guards > 1000  # the guesses really were in the replies
        assert app.mirror is not None and app.mirror.model.windows[window].active_pane == victim
        assert tmux_server.display("s:", "#{pane_id}") == victim


async def test_a_reply_that_does_not_frame_rereads_the_session_and_every_pane(
    tmux_server: TmuxServer,
) -> None:
    tmux_server.new_session("s", width=100, height=30)
    tmux_server.run("split-window", "-t", "s:")
    ids = tmux_server.run("list-panes", "-s", "-t", "s", "-F", "#{pane_id}").split()
    app = await make_app(tmux_server)
    async with app.run_test(size=(100, 31)):
        await eventually(lambda: app.mirror is not None and len(app.mirror.terminals) == 2)
        # Nothing of tuimux's own is in flight: the key tables' notes are read last.
        await eventually(
            lambda: "Create" in getattr(app.keys.tables["prefix"].get("c"), "note", "")
        )
        sent: list[str] = []
        app.client.on_send = sent.append
        # What the parser hands the client when a sealed reply has no end guard.
        app.client._handle(ev.Unframed(1, 2, 1, "no end guard before the sentinel"))
        await eventually(
            lambda: (
                all(
                    any("capture-pane -p -e -N" in s and f"-t {p} " in s for s in sent) for p in ids
                )
                and any("list-windows" in line for line in sent)
            ),
            detail=lambda: sent,
        )


async def test_a_hook_on_tuimuxs_own_reads_cannot_make_it_reread_without_end(
    tmux_server: TmuxServer,
) -> None:
    """A user's hook that fires after display-message writes after every sealed read:
    each is a full re-read, which reads again; they run at most once a second."""
    tmux_server.new_session("s", width=100, height=30)
    tmux_server.run("set-hook", "-g", "after-display-message", "rename-window hooked")
    app = await make_app(tmux_server)
    async with app.run_test(size=(100, 31)):
        await eventually(lambda: app.mirror is not None and bool(app.mirror.terminals))
        sent: list[str] = []
        app.client.on_send = sent.append
        await app.client.command("display-message", "-p", "-t", "s:", "#{pane_id}")
        await asyncio.sleep(3)
        rereads = sum("list-windows" in line for line in sent)
        assert 1 <= rereads <= 5, rereads
