"""Red team against sealed framing (issue 12): text a pane or a file controls that tmux
writes *after* a sealed command's real ``%end`` and before its sentinel, where the
parser believes only tmux's own notifications can stand.

Run against each tmux with its directory first on PATH (3.2a, 3.3a, next-3.8). Every
test here passes only if nothing forged is dispatched; the ones that fail show a break.
"""

from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

import pytest

from tests.conftest import TMUX, TmuxServer
from tests.helpers import eventually
from tests.ui.test_app import make_app
from tuimux.control import events as ev
from tuimux.ui.app import TuimuxApp


def tmux_version() -> str:
    return subprocess.run([TMUX, "-V"], capture_output=True, text=True).stdout.strip()


def forged_lines(window: str, attacker: str, victim: str) -> list[str]:
    return [
        f"%window-pane-changed {window} {attacker}",
        f"%output {victim} FORGED-OUTPUT",
        "%exit FORGED-EXIT",
    ]


def forged_in(seen: list[ev.Notification], attacker: str, victim: str) -> list[ev.Notification]:
    return [
        event
        for event in seen
        if (isinstance(event, ev.WindowPaneChanged) and event.pane_id == attacker)
        or (isinstance(event, ev.Output) and event.pane_id == victim and b"FORGED" in event.escaped)
        or (isinstance(event, ev.Exit) and "FORGED" in event.reason)
    ]


def two_panes(server: TmuxServer, history: int = 2000) -> tuple[str, str, str]:
    """A session with the victim pane (active) and an attacker pane; their ids and the
    window's."""
    server.new_session("s", width=100, height=40)
    server.run("set-option", "-g", "history-limit", str(history))
    victim = server.display("s:", "#{pane_id}")
    window = server.display("s:", "#{window_id}")
    attacker = server.run("split-window", "-h", "-d", "-P", "-F", "#{pane_id}", "-t", "s:")
    return window, attacker.strip(), victim


async def typed(app: TuimuxApp, line: str) -> None:
    """What ``C-b :`` does with a typed line (tuimux/ui/actions.py ``_run_typed``)."""
    await app._run_typed(line)


# -- 1. run-shell prints its output after its own %end (tmux 3.2a, next-3.8) ----------


async def test_run_shell_output_of_an_outside_file_forges_nothing(
    tmux_server: TmuxServer, tmp_path: Path
) -> None:
    """``C-b :`` ``run-shell 'cat notes.txt'`` (or ``git log``, ``curl …``): tmux 3.2a and
    next-3.8 close run-shell's block at once (the command waits) and write the job's
    output raw, line by line, after that ``%end`` and before the sentinel — exactly the
    region the parser dispatches as notifications. No guard has to be guessed.
    tmux 3.3a shows run-shell output in the pane's view mode instead, so there this
    checks only that nothing else forged: run the suite on 3.2a and 3.8 too."""
    window, attacker, victim = two_panes(tmux_server)
    notes = tmp_path / "notes.txt"
    notes.write_text("\n".join(["meeting at 10", *forged_lines(window, attacker, victim)]) + "\n")
    app = await make_app(tmux_server)
    seen: list[ev.Notification] = []
    app.client.subscribe(seen.append)
    async with app.run_test(size=(100, 41)):
        await eventually(lambda: app.mirror is not None and attacker in app.mirror.terminals)
        await typed(app, f"run-shell 'cat {notes}'")
        # The sentinel has answered: everything tmux wrote before it was dispatched.
        assert forged_in(seen, attacker, victim) == []
        assert app.mirror is not None
        assert app.mirror.model.windows[window].active_pane == victim


# -- 2. commands that insert commands: a whole FLAGS-1 block after the real %end -------

GUESSER = textwrap.dedent(
    r"""
    import subprocess, sys
    window, me, victim, ready = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
    forged = [
        f"%window-pane-changed {window} {me}",
        f"%output {victim} FORGED-OUTPUT",
        "%exit FORGED-EXIT",
    ]
    # tmux -C shows the clock and the server-wide counter in its own guards.
    out = subprocess.run(["sh", "-c", "sleep 0.05 | tmux -C display -p x"],
                         capture_output=True).stdout
    begin = [line for line in out.splitlines() if line.startswith(b"%begin")][0]
    _, when, number, _ = begin.split()
    when, number = int(when), int(number)
    lines = []
    for t in range(when, when + 4):
        for n in range(number, number + 250):
            for flags in (1, 0):
                lines.append(f"%end {t} {n} {flags}")
                lines.extend(forged)
    sys.stdout.write("\n".join(lines) + "\n" + ready + "\n")
    sys.stdout.flush()
    sys.stdin.read()
    """
)


async def guessing_attacker(
    server: TmuxServer, tmp_path: Path
) -> tuple[str, str, str, TuimuxApp, list[ev.Notification]]:
    """An attacker pane whose history holds every guard tuimux's next replies could
    have (clock and counter learned with ``tmux -C``, as in test_forged_guards.py),
    each followed by forged notifications; and a running app on the session."""
    window, attacker, victim = two_panes(server, history=50000)
    script = tmp_path / "guesser.py"
    script.write_text(GUESSER)
    app = await make_app(server)
    seen: list[ev.Notification] = []
    app.client.subscribe(seen.append)
    return window, attacker, victim, app, seen


async def start_guesser(
    server: TmuxServer, tmp_path: Path, window: str, attacker: str, victim: str
) -> None:
    ready = "GUESSES-" + "READY"
    server.run(
        "respawn-pane",
        "-k",
        "-t",
        attacker,
        f"python3 {tmp_path / 'guesser.py'} {window} {attacker} {victim} {ready}",
    )
    # Polled between awaits: the app must keep reading, or tmux stops reading the pane.
    await eventually(lambda: "GUESSES-READY" in server.capture(attacker), timeout=30)


@pytest.mark.parametrize(
    "template",
    [
        # if-shell/run-shell -C insert their command right after themselves, with the
        # control flag: its block (FLAGS 1, a new number) lands between if-shell's %end
        # and the sentinel, and the parser finds a guard for if-shell inside it.
        "if-shell -F 1 'capture-pane -p -S - -t {pane}'",
        "run-shell -C 'capture-pane -p -S - -t {pane}'",
        # -b: the inserted command would run later as a FLAGS 0 block, outside any
        # seal: refused at the prompt.
        "if-shell -b true 'capture-pane -p -S - -t {pane}'",
        "run -b 'tmux capture-pane -p -S - -t {pane}'",
    ],
)
async def test_a_command_inserted_by_a_typed_command_forges_nothing(
    tmux_server: TmuxServer, tmp_path: Path, template: str
) -> None:
    window, attacker, victim, app, seen = await guessing_attacker(tmux_server, tmp_path)
    async with app.run_test(size=(100, 41)):
        await eventually(lambda: app.mirror is not None and attacker in app.mirror.terminals)
        await start_guesser(tmux_server, tmp_path, window, attacker, victim)
        await typed(app, template.format(pane=attacker))
        # Something tmux answers after the typed line, in order: then all of it is read.
        await app.client.command("display-message", "-p", "after")
        assert forged_in(seen, attacker, victim) == []


async def test_if_shell_output_is_shown_and_the_client_stays_paired(
    tmux_server: TmuxServer,
) -> None:
    """Not an attack: ``if-shell -F 1 'display -p hi'`` typed at ``C-b :``. tmux sends
    the inner command its own FLAGS 1 block after if-shell's: it is shown as if-shell's
    output, never paired with a later command, and (as anything after a sealed reply)
    followed by one re-read."""
    tmux_server.new_session("s", width=100, height=30)
    app = await make_app(tmux_server)
    seen: list[ev.Notification] = []
    async with app.run_test(size=(100, 31)):
        await eventually(lambda: app.mirror is not None and bool(app.mirror.terminals))
        app.client.subscribe(seen.append)
        replies = await app.client.commands([["if-shell", "-F", "1", "display -p hi"]])
        await app.client.command("display-message", "-p", "after")
        assert len([event for event in seen if isinstance(event, ev.Desync)]) == 1
        assert [line for reply in replies for line in reply.text] == ["hi"]
        after = await app.client.command("display-message", "-p", "paired")
        assert after.text == ["paired"]
