"""1. Flood: every shape of fast output in a pane, with tuimux, tmux's client and none.

Measured for each shape (``yes``, ``seq``, short and long coloured lines, a compile log,
a ``find /``-like list of paths, and a steady stream that never has a frame's worth
waiting at once): the time from starting the output until the client
shows tmux's final screen, divided by the time the same output takes with no client
attached (goal ≤ 1.10); and the same ratio for tmux's own client attached in a pty, for
reference; and for the floor of any control client, a bare ``tmux -C`` that pauses the
pane and reads nothing (what tmux itself spends on having a control client at all). The
four are interleaved round by round (the machine's neighbours then disturb all alike)
and the medians are reported, with the spread of the rounds' ratios. Beside them:
tuimux's own CPU seconds (this process), the bytes its emulator was fed and how often it
paused the pane, and the load average when the shape started.

tuimux runs in this process with Textual's headless driver (everything but the final
write to a terminal), so its rendered lines can be compared with ``capture-pane``.
"""

from __future__ import annotations

import asyncio
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from benchmarks.common import Result, server
from benchmarks.terminal import PtyProgram
from tests.conftest import TmuxServer

MARKER = "FLOOD-END"
GOAL = 1.10
WORDS = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota"]


def _write_lines(path: Path, size: int, line: Callable[[random.Random, int], str]) -> Path:
    rng = random.Random(1)
    lines, total, number = [], 0, 0
    while total < size:
        text = line(rng, number)
        lines.append(text)
        total += len(text)
        number += 1
    path.write_text("".join(lines), encoding="ascii")
    return path


def _long_coloured(rng: random.Random, number: int) -> str:
    """Words in the eight ANSI colours, ~140 bytes a line (wraps at 80 columns)."""
    parts = [f"\x1b[{rng.randint(31, 37)}m{rng.choice(WORDS)}\x1b[0m" for _ in range(8)]
    return f"{number:08d} " + " ".join(parts) + "\n"


def _short_coloured(rng: random.Random, number: int) -> str:
    """A test runner's lines: a coloured status word and a short name."""
    status = rng.choice(["\x1b[32mok\x1b[0m", "\x1b[32mok\x1b[0m", "\x1b[33mskip\x1b[0m"])
    return f"{status} {number} {rng.choice(WORDS)}\n"


def _compile_log(rng: random.Random, number: int) -> str:
    """Mostly short ``CC`` lines, now and then a coloured warning with its source line."""
    directory = rng.choice(["drivers/net", "fs/ext4", "kernel/sched", "lib", "mm"])
    name = f"{directory}/{rng.choice(WORDS)}_{number % 97}"
    if rng.random() < 0.9:
        return f"  CC      {name}.o\n"
    return (
        f"\x1b[1m{name}.c:{number % 900}:{number % 40}: \x1b[35mwarning: \x1b[0m"
        f"\x1b[1munused variable '{rng.choice(WORDS)}'\x1b[0m [-Wunused-variable]\n"
        f"  {number % 900} |     int {rng.choice(WORDS)} = {number};\n"
        f"      |         \x1b[32m^\x1b[0m\n"
    )


def _paths(rng: random.Random, number: int) -> str:
    """What ``find /`` prints: paths of 20 to 90 bytes, no colour."""
    depth = rng.randint(2, 7)
    parts = [rng.choice(WORDS) + (str(rng.randint(0, 99)) if rng.random() < 0.5 else "")]
    parts += [rng.choice(WORDS) for _ in range(depth - 1)]
    return "/usr/" + "/".join(parts) + f"/{number}.py\n"


@dataclass(frozen=True)
class Shape:
    name: str
    # (scratch directory, bytes wanted) → the shell command that floods
    command: Callable[[Path, int], str]
    # Enough for a flood of 2 to 5 s with no client: the last frame's lag (up to one look
    # at tmux's screen, 0.1 s) is then a small part of it.
    megabytes: float = 30


def _cat(line: Callable[[random.Random, int], str], name: str) -> Callable[[Path, int], str]:
    def command(scratch: Path, size: int) -> str:
        return f"cat {_write_lines(scratch / f'{name}.txt', size, line)}"

    return command


def _seq(scratch: Path, size: int) -> str:
    last, total = 0, 0
    while total < size:  # count exactly: seq prints every number and a newline
        digits = len(str(last + 1))
        step = min(10**digits - 1 - last, (size - total) // (digits + 1) + 1)
        last, total = last + step, total + step * (digits + 1)
    return f"seq 1 {last}"


STEADY_LINES = 20  # a batch: under FRAME_LINES, so no single frame is a flood
STEADY_PAUSE = 0.01
STEADY = """
import sys, time
lines = open(sys.argv[1]).read().splitlines(keepends=True)
for start in range(0, len(lines), {batch}):
    sys.stdout.write("".join(lines[start : start + {batch}]))
    sys.stdout.flush()
    time.sleep({pause})
"""


def _steady(scratch: Path, size: int) -> str:
    """A test runner printing short lines in batches of 20 every 10 ms: each frame's
    worth is under the flood threshold, but it never stops."""
    lines = _write_lines(scratch / "steady.txt", size, _short_coloured)
    program = scratch / "steady.py"
    program.write_text(STEADY.format(batch=STEADY_LINES, pause=STEADY_PAUSE), encoding="ascii")
    return f"{sys.executable} {program} {lines}"


SHAPES = [
    Shape("yes", lambda scratch, size: f"yes | head -c {size}", 20),
    Shape("seq", _seq),
    Shape("short coloured lines", _cat(_short_coloured, "short"), 90),
    Shape("long coloured lines", _cat(_long_coloured, "long"), 60),
    Shape("compile log", _cat(_compile_log, "compile"), 100),
    Shape("find / (paths)", _cat(_paths, "paths"), 40),
    # ~28 bytes a line: 0.6 MB is ~1000 batches, ~10 s with no client.
    Shape("steady short lines, 20 every 10 ms", _steady, 0.6),
]


def flood_command(tmux: TmuxServer, flood: str) -> list[str]:
    """Respawn the pane into the flood: it, a marker, then a signal and a still screen."""
    shell = (
        f"{flood}; printf '\\n{MARKER}'; "
        f"tmux -L {tmux.socket_name} wait-for -S flood-done; exec sleep 100000"
    )
    return [*tmux.argv, "respawn-pane", "-k", "-t", "flood:", shell]


@dataclass(frozen=True)
class Timed:
    """One flood: seconds until shown, and CPU seconds of the tmux server and client;
    for tuimux also its own CPU seconds (this process), the bytes its emulator was fed,
    how many times it paused the pane, and how long the final screen came after the end."""

    elapsed: float
    cpu: float
    tuimux_cpu: float = 0.0
    fed: int = 0
    pauses: int = 0
    lag: float = 0.0  # from the flood's end (its signal) until the final screen was shown


def own_cpu(pid: int) -> float:
    """User + system CPU of one process itself (not its children), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def client_pids(tmux: TmuxServer) -> list[int]:
    """The attached clients' processes (for tuimux, its ``tmux -C``)."""
    listed = tmux.run("list-clients", "-F", "#{client_pid}").split()
    return [int(pid) for pid in listed]


def tmux_cpu(tmux: TmuxServer) -> float:
    """CPU so far of the server and the clients attached to it."""
    server_pid = int(tmux.run("display-message", "-p", "#{pid}").strip())
    return sum(own_cpu(pid) for pid in [server_pid, *client_pids(tmux)])


def timed_without_client(tmux: TmuxServer, flood: str) -> Timed:
    cpu = tmux_cpu(tmux)
    started = time.monotonic()
    subprocess.run(flood_command(tmux, flood), env=tmux.env, check=True)
    subprocess.run([*tmux.argv, "wait-for", "flood-done"], env=tmux.env, check=True)
    elapsed = time.monotonic() - started
    cpu = tmux_cpu(tmux) - cpu
    if MARKER not in tmux.capture("flood:"):  # a stale signal would end the wait early
        raise RuntimeError("the flood had not ended when its signal came")
    return Timed(elapsed, cpu)


def timed_with_tmux_client(tmux: TmuxServer, flood: str) -> Timed:
    env = {**tmux.env, "TERM": "xterm-256color"}
    client = PtyProgram([*tmux.argv, "attach", "-t", "flood"], columns=80, lines=25, env=env)
    try:
        if client.wait_for(b"[flood]", 0, 10) is None:
            raise RuntimeError("tmux's client did not attach")
        time.sleep(0.5)
        mark = client.mark()
        cpu = tmux_cpu(tmux)
        started = time.monotonic()
        subprocess.run(flood_command(tmux, flood), env=tmux.env, check=True)
        shown = client.wait_for(MARKER.encode(), mark, 300)
        if shown is None:
            raise RuntimeError("tmux's client never showed the end of the flood")
        cpu = tmux_cpu(tmux) - cpu
        # Take the signal, or the next wait-for would return at once (tmux keeps it).
        subprocess.run([*tmux.argv, "wait-for", "flood-done"], env=tmux.env, check=True)
        return Timed(shown - started, cpu)
    finally:
        client.close()


def timed_with_paused_control_client(tmux: TmuxServer, flood: str) -> Timed:
    """The least any control client that shows the pane can cost: a bare ``tmux -C``
    that has the pane paused before the flood and reads nothing while it lasts (timed
    until the flood's signal; it never shows the final screen)."""
    client = subprocess.Popen(
        [*tmux.argv, "-C", "attach", "-t", "flood"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        env=tmux.env,
    )
    assert client.stdin is not None
    try:
        deadline = time.monotonic() + 10
        while "1" not in tmux.run("list-clients", "-F", "#{client_control_mode}").split():
            if time.monotonic() > deadline:
                raise RuntimeError("the bare control client did not attach")
            time.sleep(0.01)
        pane = tmux.display("flood:", "#{pane_id}")
        client.stdin.write(f"refresh-client -A '{pane}:pause'\n".encode())
        client.stdin.flush()
        time.sleep(0.5)
        cpu = tmux_cpu(tmux)
        started = time.monotonic()
        subprocess.run(flood_command(tmux, flood), env=tmux.env, check=True)
        subprocess.run([*tmux.argv, "wait-for", "flood-done"], env=tmux.env, check=True)
        return Timed(time.monotonic() - started, tmux_cpu(tmux) - cpu)
    finally:
        client.stdin.close()
        client.wait(10)


def _self_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def timed_with_tuimux(tmux: TmuxServer, flood: str) -> Timed:
    from tuimux.connect import Target, connect_local
    from tuimux.ui.app import TuimuxApp

    target = Target(socket_name=tmux.socket_name, session="flood", env=tmux.env)
    app = TuimuxApp(await connect_local(target, 80, 24))
    async with app.run_test(size=(80, 25)):
        while app.mirror is None or not app.window_view.panes:
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.5)
        pauses = [0]

        def count(line: str) -> None:
            pauses[0] += line.count(":pause")

        app.client.on_send = count
        fed = sum(terminal.fed for terminal in app.mirror.terminals.values())
        own = _self_cpu()
        cpu = tmux_cpu(tmux) + own
        started = time.monotonic()
        await _run(flood_command(tmux, flood), tmux.env)
        await _run([*tmux.argv, "wait-for", "flood-done"], tmux.env)
        ended = time.monotonic()
        final = await _run([*tmux.argv, "capture-pane", "-p", "-t", "flood:"], tmux.env)
        expected = [line.rstrip() for line in final.decode().split("\n")][:24]
        deadline = time.monotonic() + 60
        while _shown(app) != expected:
            if time.monotonic() > deadline:
                raise RuntimeError(f"tuimux never showed tmux's final screen: {_shown(app)}")
            await asyncio.sleep(0.005)
        elapsed = time.monotonic() - started
        # This process's CPU is tuimux's (the benchmark's own part is small: waiting,
        # then comparing the screen every 5 ms once the flood has ended).
        own = _self_cpu() - own
        fed = sum(terminal.fed for terminal in app.mirror.terminals.values()) - fed
        lag = started + elapsed - ended
        return Timed(elapsed, tmux_cpu(tmux) + _self_cpu() - cpu, own, fed, pauses[0], lag)


def _shown(app: object) -> list[str]:
    from tuimux.ui.app import TuimuxApp

    assert isinstance(app, TuimuxApp)
    view = next(iter(app.window_view.panes.values()))
    return [view.render_line(y).text.rstrip() for y in range(view.terminal.screen.lines)]


async def _run(argv: list[str], env: dict[str, str]) -> bytes:
    process = await asyncio.create_subprocess_exec(*argv, env=env, stdout=asyncio.subprocess.PIPE)
    out, _ = await process.communicate()
    if process.returncode:
        raise RuntimeError(f"{argv[3:5]} failed")
    return out


@dataclass
class Rounds:
    """One shape's floods, round by round."""

    alone: list[Timed]
    tuimux: list[Timed]
    own: list[Timed]
    floor: list[Timed]

    def ratio(self, client: list[Timed], cpu: bool = False) -> float:
        """Median of the client's over median of no client's."""
        ours = statistics.median(t.cpu if cpu else t.elapsed for t in client)
        return ours / statistics.median(t.cpu if cpu else t.elapsed for t in self.alone)

    def spread(self, client: list[Timed]) -> str:
        """The lowest and highest of the rounds' own ratios: how noisy the run was."""
        ratios = sorted(t.elapsed / a.elapsed for t, a in zip(client, self.alone, strict=True))
        return f"{ratios[0]:.2f} to {ratios[-1]:.2f}"

    def tuimux_cpu(self) -> float:
        """Median CPU seconds of tuimux's own process (not its ``tmux -C``)."""
        return statistics.median(t.tuimux_cpu for t in self.tuimux)

    def summary(self) -> str:
        def median(times: list[Timed]) -> str:
            return f"{statistics.median(t.elapsed for t in times):.2f} s"

        fed = statistics.median(t.fed for t in self.tuimux)
        pauses = statistics.median(t.pauses for t in self.tuimux)
        lag = statistics.median(t.lag for t in self.tuimux)
        return (
            f"no client {median(self.alone)}; "
            f"tuimux {median(self.tuimux)} = {self.ratio(self.tuimux):.2f} "
            f"(rounds {self.spread(self.tuimux)}, CPU {self.ratio(self.tuimux, True):.2f}; "
            f"its own {self.tuimux_cpu():.2f} s, fed {fed / 1e6:.2f} MB, {pauses:.0f} pauses, "
            f"last frame {lag:.2f} s after the end); "
            f"tmux client {median(self.own)} = {self.ratio(self.own):.2f} "
            f"(rounds {self.spread(self.own)}, CPU {self.ratio(self.own, True):.2f}); "
            f"bare paused tmux -C {self.ratio(self.floor):.2f} (rounds {self.spread(self.floor)})"
        )


def measure(tmux: TmuxServer, flood: str, rounds: int) -> Rounds:
    timed_without_client(tmux, flood)  # warm the page cache
    measured = Rounds([], [], [], [])
    for _ in range(rounds):  # interleaved: noise hits all four alike
        measured.alone.append(timed_without_client(tmux, flood))
        measured.tuimux.append(asyncio.run(timed_with_tuimux(tmux, flood)))
        measured.own.append(timed_with_tmux_client(tmux, flood))
        measured.floor.append(timed_with_paused_control_client(tmux, flood))
    return measured


def run(quick: bool, shapes: list[str] | None = None, rounds: int | None = None) -> list[Result]:
    """``shapes``: the names of the shapes to run (all when empty)."""
    count = rounds or (1 if quick else 5)
    tmux = server("flood")
    results = []
    with tempfile.TemporaryDirectory(prefix="tuimux-flood-") as scratch:
        try:
            tmux.new_session("flood", width=80, height=24, command="exec sleep 100000")
            for shape in SHAPES:
                if shapes and shape.name.split()[0] not in shapes:
                    continue
                size = int(shape.megabytes * 1_000_000) // (6 if quick else 1)
                mb = f"{size / 1e6:.3g} MB"
                flood = shape.command(Path(scratch), size)
                load = " ".join(f"{x:.1f}" for x in os.getloadavg())
                measured = measure(tmux, flood, count)
                alone = statistics.median(t.elapsed for t in measured.alone)
                ours = statistics.median(t.elapsed for t in measured.tuimux)
                own = statistics.median(t.elapsed for t in measured.own)
                print(f"   {shape.name} (load {load}): {measured.summary()}", flush=True)
                what = f"{shape.name}, {mb} (median of {count}; load {load}"
                results += [
                    Result(
                        "flood",
                        f"tuimux, {what}; rounds {measured.spread(measured.tuimux)})",
                        ours,
                        "s",
                        alone,
                        "no client",
                        f"≤ {GOAL:.2f}",
                        ours / alone <= GOAL,
                    ),
                    Result(
                        "flood",
                        f"tuimux CPU: server + tuimux + its tmux -C, {what}; tuimux's own "
                        f"{measured.tuimux_cpu():.2f} s)",
                        statistics.median(t.cpu for t in measured.tuimux),
                        "s",
                        statistics.median(t.cpu for t in measured.alone),
                        "server, no client",
                    ),
                    Result(
                        "flood",
                        f"tmux client, {what}; rounds {measured.spread(measured.own)})",
                        own,
                        "s",
                        alone,
                        "no client",
                    ),
                    Result(
                        "flood",
                        f"bare tmux -C with the pane paused (the floor of any control client), "
                        f"{what}; rounds {measured.spread(measured.floor)})",
                        statistics.median(t.elapsed for t in measured.floor),
                        "s",
                        alone,
                        "no client",
                    ),
                ]
        finally:
            tmux.kill()
    return results
