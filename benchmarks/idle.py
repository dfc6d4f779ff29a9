"""Benchmark 5: what tuimux costs while nothing happens but a clock, with 80 panes open.

One session of 20 windows x 4 tiled panes, a shell in each, and a clock in the first
pane of the current window. tuimux and then tmux's own client (never both at once:
a second client would change what the server does) attach in a 120x40 pty; once
settled, their CPU over a quiet stretch and their RSS at its end are read from /proc.
A client counts with its children: tuimux's ``tmux -C`` is part of what tuimux costs.
tmux attach's client hands its tty to the server, which draws on it directly, so that
client's own CPU is about nil; the server's CPU in each stretch is added for a fair total.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.common import Result, server
from benchmarks.terminal import PtyProgram, cpu_seconds, rss_megabytes
from tests.conftest import TmuxServer

SESSION = "idle"
WINDOWS, PANES = 20, 4
COLUMNS, LINES = 120, 40
CLOCK = "while sleep 1; do date +'tick %H:%M:%S'; done"
TICK = b"tick "
ATTACH_TIMEOUT = 30.0
ESCAPES = re.compile(rb"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07]*\x07|.)")


@dataclass(frozen=True)
class Idle:
    """One client's quiet stretch: its CPU % of one core, its RSS, and the server's CPU."""

    cpu_percent: float
    rss_megabytes: float
    server_cpu_percent: float


def build_session(tmux: TmuxServer) -> None:
    """80 panes; the clock is pane 0 of window 0, which is left current."""
    tmux.new_session(SESSION, COLUMNS, LINES - 1, CLOCK)
    for window in range(WINDOWS):
        if window:
            tmux.run("new-window", "-t", f"{SESSION}:{window}")
        for _ in range(PANES - 1):
            tmux.run("split-window", "-t", f"{SESSION}:{window}")
        tmux.run("select-layout", "-t", f"{SESSION}:{window}", "tiled")
    tmux.run("select-window", "-t", f"{SESSION}:0")
    tmux.run("select-pane", "-t", f"{SESSION}:0.0")
    panes = tmux.run("list-panes", "-s", "-t", SESSION, "-F", "#{pane_id}").split()
    if len(panes) != WINDOWS * PANES:
        raise RuntimeError(f"the session has {len(panes)} panes, not {WINDOWS * PANES}")


def process_tree(pid: int) -> list[int]:
    """``pid`` and its live descendants, found through each process's parent in /proc."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended while we looked
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    tree = [pid]
    for each in tree:
        tree += parents.get(each, [])
    return tree


def run_seconds(pid: int) -> float:
    """CPU time of a live process to the nanosecond: the scheduler's run time of each of
    its threads (``/proc/PID/task/*/schedstat``). An idle client uses a few ms a second,
    which ``/proc/PID/stat``'s 10 ms ticks round to nothing; without schedstat, use them.
    """
    tasks = list(Path(f"/proc/{pid}/task").glob("*/schedstat"))
    if not tasks:
        return cpu_seconds(pid)
    return sum(int(task.read_text().split()[0]) for task in tasks) / 1e9


def tree_cpu_seconds(pid: int) -> float:
    return sum(run_seconds(each) for each in process_tree(pid))


def tree_rss_megabytes(pid: int) -> float:
    return sum(rss_megabytes(each) for each in process_tree(pid))


def visible_text(output: bytes) -> str:
    """A client's output less its escape sequences, to say what it showed on failure."""
    return ESCAPES.sub(b"", output).decode(errors="replace")


def require_attached(client: PtyProgram, tmux: TmuxServer, name: str, after: int) -> None:
    """Fail loudly unless the client drew the clock and tmux lists it as attached."""
    if client.wait_for(TICK, after, ATTACH_TIMEOUT) is None:
        shown = visible_text(bytes(client.output))[-600:]
        raise RuntimeError(f"{name} never showed the clock; its output ended:\n{shown}")
    if not tmux.run("list-clients", "-t", SESSION).strip():
        raise RuntimeError(f"{name} drew the clock but tmux lists no client")


def measure(tmux: TmuxServer, argv: list[str], name: str, settle: float, span: float) -> Idle:
    """Attach ``argv`` in a pty, let it settle, then read its CPU over ``span`` seconds."""
    env = {**tmux.env, "TERM": "xterm-256color"}
    server_pid = int(tmux.display(SESSION, "#{pid}"))
    client = PtyProgram(argv, columns=COLUMNS, lines=LINES, env=env)
    try:
        require_attached(client, tmux, name, 0)
        time.sleep(settle)
        mark = client.mark()
        client_cpu, server_cpu = tree_cpu_seconds(client.pid), run_seconds(server_pid)
        started = time.monotonic()
        time.sleep(span)
        client_cpu = tree_cpu_seconds(client.pid) - client_cpu
        server_cpu = run_seconds(server_pid) - server_cpu
        elapsed = time.monotonic() - started
        rss = tree_rss_megabytes(client.pid)
        require_attached(client, tmux, name, mark)  # the clock went on being drawn
    finally:
        client.close()
    return Idle(100 * client_cpu / elapsed, rss, 100 * server_cpu / elapsed)


def require_detached(tmux: TmuxServer, name: str) -> None:
    """The next client must be measured alone: a lingering one would skew the server."""
    try:
        tmux.wait_for(lambda: not tmux.run("list-clients").strip(), timeout=10)
    except AssertionError:
        raise RuntimeError(f"{name} was closed but is still attached") from None


def run(quick: bool) -> list[Result]:
    settle, span = (3.0, 10.0) if quick else (5.0, 30.0)
    tmux = server("idle")
    try:
        build_session(tmux)
        tuimux_argv = ["tuimux", "-L", tmux.socket_name, "-t", SESSION]
        ours = measure(tmux, tuimux_argv, "tuimux", settle, span)
        require_detached(tmux, "tuimux")
        theirs = measure(tmux, [*tmux.argv, "attach", "-t", SESSION], "tmux", settle, span)
    finally:
        tmux.kill()
    # tmux attach's client only passes its tty to the server, which draws on it: compare
    # the totals too, client and server, for what each way of attaching really costs.
    return [
        Result(
            benchmark="idle",
            measure="tuimux CPU (with its tmux -C)",
            value=ours.cpu_percent,
            unit="%",
            baseline=theirs.cpu_percent,
            baseline_label="tmux attach client",
            goal="< 1%",
            met=ours.cpu_percent < 1.0,
        ),
        Result(
            benchmark="idle",
            measure="tuimux RSS (with its tmux -C)",
            value=ours.rss_megabytes,
            unit="MB",
            baseline=theirs.rss_megabytes,
            baseline_label="tmux attach client",
            goal="< 150 MB",
            met=ours.rss_megabytes < 150,
        ),
        Result(
            benchmark="idle",
            measure="CPU of client + tmux server",
            value=ours.cpu_percent + ours.server_cpu_percent,
            unit="%",
            baseline=theirs.cpu_percent + theirs.server_cpu_percent,
            baseline_label="tmux attach + server",
        ),
    ]
