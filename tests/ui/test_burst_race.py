"""Random key bursts raced against other clients' tmux commands (seeded, replayable).

Each step feeds tuimux one or more bursts of keys, each as one terminal read (prefix
actions, ``C-b :`` and ``C-b ,`` prompts, ``y/n`` questions, typing), while tmux
commands run from outside on the same server at the same time (windows and sessions
made, killed, selected and renamed, splits, ``resize-window``/``resize-pane``, zoom,
``respawn-pane -k``, ``switch-client`` of tuimux itself) and the terminal is resized.
After every step tuimux must still run; every few steps, once things are quiet, its
model and every pane it shows must equal what tmux says (``list-windows``,
``list-panes``, ``capture-pane``).

The default run is short enough for the suite. ``TUIMUX_BURST_STEPS=N`` runs N steps,
``TUIMUX_BURST_SECONDS=S`` runs for S seconds (in runs of 40 steps, each on a fresh
server), ``TUIMUX_BURST_SEED=X`` replays a seed. A failure prints the seed and the
steps that led to it.
"""

from __future__ import annotations

import asyncio
import os
import random
import subprocess
import time
from dataclasses import dataclass, field

import pytest

from tests.conftest import TmuxServer
from tests.helpers import eventually
from tests.ui.burst import PREFIX, feed
from tests.ui.test_app import make_app
from tuimux.ui.app import TuimuxApp

STEPS = int(os.environ.get("TUIMUX_BURST_STEPS", "24"))
SECONDS = float(os.environ.get("TUIMUX_BURST_SECONDS", "0"))
SEED = os.environ.get("TUIMUX_BURST_SEED")
SUITE_SEED = 20261207
CHECK_EVERY = 4  # steps between full comparisons with tmux
RUN_STEPS = 40  # steps per server in a timed run
ARROWS = {"up": "\x1b[A", "down": "\x1b[B", "right": "\x1b[C", "left": "\x1b[D"}
PROMPT_COMMANDS = [
    "new-window -d",
    "select-window -t :+",
    "split-window -d",
    "rename-window typed",
    "display-message hello",
    "next-layout",
    "resize-pane -Z",
    "last-window",
]
WORDS = ["alpha", "beta", "gamma", "delta"]


@dataclass
class Race:
    """What is known of the server before a step, to keep the session alive: a burst
    kills at most one pane and only while the server has panes to spare; outside
    commands never kill a session's last window nor the ``keep`` session."""

    server: TmuxServer
    rng: random.Random
    log: list[str] = field(default_factory=list)
    sessions_made: int = 0

    def tmux(self, *args: str) -> list[str]:
        return self.server.run(*args, check=False).splitlines()

    def windows(self) -> list[tuple[str, str]]:
        """(session id, window id) of every window on the server."""
        lines = self.tmux("list-windows", "-a", "-F", "#{session_id} #{window_id}")
        return [(s, w) for s, w in (line.split() for line in lines if line.count(" ") == 1)]

    def panes(self) -> list[str]:
        return self.tmux("list-panes", "-a", "-F", "#{pane_id}")

    def burst(self) -> str:
        spare = len(self.panes()) >= 3
        parts: list[str] = []
        for _ in range(self.rng.randint(1, 6)):
            kind = self.rng.random()
            if kind < 0.45:
                key = self.rng.choice(["n", "p", "c", "%", '"', "o", "z", "l", ";", *ARROWS])
                if key in ARROWS:
                    key = ARROWS[key]
                elif self.rng.random() < 0.15:
                    key = str(self.rng.randint(0, 4))
                parts.append(PREFIX + key)
            elif kind < 0.55 and spare:
                parts.append(PREFIX + "x" + self.rng.choice("yn"))
                spare = False
            elif kind < 0.7:
                parts.append(PREFIX + ":" + self.rng.choice(PROMPT_COMMANDS) + "\r")
            elif kind < 0.8:
                parts.append(PREFIX + ",\x15" + self.rng.choice(WORDS) + "\r")
            elif kind < 0.9:
                parts.append(f"echo {self.rng.choice(WORDS)}\r")
            else:
                parts.append(self.rng.choice(WORDS))
        return "".join(parts)

    def outside(self, client: str) -> list[str]:
        """One tmux command another client could run now."""
        windows = self.windows()
        sessions = sorted({s for s, _ in windows})
        session, window = self.rng.choice(windows)
        count = sum(1 for s, _ in windows if s == session)
        panes = self.panes()
        choice = self.rng.randrange(12)
        if choice == 0:
            return ["new-window", *self.rng.choice([["-d"], []]), "-t", f"{session}:"]
        if choice == 1 and count > 1:
            return ["kill-window", "-t", window]
        if choice == 2:
            return ["select-window", "-t", window]
        if choice == 3 and len(sessions) < 4:
            self.sessions_made += 1
            return ["new-session", "-d", "-s", f"r{self.sessions_made}"]
        if choice == 4:
            made = [s for s in self.tmux("list-sessions", "-F", "#{session_name}") if s[:1] == "r"]
            if made:
                return ["kill-session", "-t", self.rng.choice(made)]
        if choice == 5:
            return ["split-window", "-d", "-t", window]
        if choice == 6:
            width, height = self.rng.randint(10, 160), self.rng.randint(3, 50)
            return ["resize-window", "-t", window, "-x", str(width), "-y", str(height)]
        if choice == 7 and panes:
            pane = self.rng.choice(panes)
            if self.rng.random() < 0.5:
                return ["resize-pane", "-Z", "-t", pane]
            return ["resize-pane", "-t", pane, "-x", str(self.rng.randint(2, 80))]
        if choice == 8:
            return ["rename-window", "-t", window, self.rng.choice(WORDS)]
        if choice == 9 and panes:
            return ["respawn-pane", "-k", "-t", self.rng.choice(panes)]
        if choice == 10 and client:
            return ["switch-client", "-c", client, "-t", self.rng.choice(sessions)]
        return ["select-window", "-t", window]


async def run_outside(server: TmuxServer, argv: list[str]) -> None:
    process = await asyncio.create_subprocess_exec(
        *server.argv,
        *argv,
        env=server.env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    await process.wait()


def differences(app: TuimuxApp, server: TmuxServer) -> list[str]:
    """Where tuimux's model or screen differs from tmux's; empty when they agree."""
    mirror = app.mirror
    if mirror is None:
        return ["no mirror"]
    model = mirror.model
    clients = server.run("list-clients", "-F", "#{client_control_mode} #{session_id}", check=False)
    attached = [line.split()[1] for line in clients.splitlines() if line.startswith("1 ")]
    if attached != [model.session_id]:
        return [f"session: tuimux {model.session_id}, tmux {attached}"]
    found: list[str] = []
    fmt = "#{window_id} #{window_index} #{window_active} #{window_name}"
    tmux_windows = {}
    for line in server.run("list-windows", "-t", model.session_id, "-F", fmt).splitlines():
        window_id, index, active, name = [*line.split(" ", 3), ""][:4]
        tmux_windows[window_id] = (int(index), name, active == "1")
    ours = {
        w.window_id: (w.index, w.name, w.window_id == model.active_window)
        for w in model.windows.values()
    }
    if ours != tmux_windows:
        found.append(f"windows: tuimux {ours}, tmux {tmux_windows}")
        return found
    current = model.current
    assert current is not None
    fmt = " ".join(
        f"#{{{name}}}"
        for name in ("pane_id", "pane_active", "window_zoomed_flag", "pane_left", "pane_top")
    )
    fmt += " #{pane_width} #{pane_height}"
    tmux_panes = {}
    zoomed = False
    for line in server.run("list-panes", "-t", current.window_id, "-F", fmt).splitlines():
        pane_id, active, zoom, *geometry = line.split()
        zoomed = zoom == "1"
        tmux_panes[pane_id] = (active == "1", tuple(int(n) for n in geometry))
    visible = [p for p, (active, _) in tmux_panes.items() if active or not zoomed]
    if sorted(current.visible_pane_ids) != sorted(visible):
        found.append(f"visible panes: tuimux {current.visible_pane_ids}, tmux {visible}")
    active = [p for p, (a, _) in tmux_panes.items() if a]
    if [current.active_pane] != active:
        found.append(f"active pane: tuimux {current.active_pane}, tmux {active}")
    if sorted(app.window_view.panes) != sorted(visible):
        found.append(f"views: {sorted(app.window_view.panes)}, tmux {visible}")
        return found
    area_w, area_h = app.window_view.size
    for pane_id in visible:
        pane = model.panes.get(pane_id)
        geometry = tmux_panes[pane_id][1]
        if pane is None or (pane.left, pane.top, pane.width, pane.height) != geometry:
            found.append(f"{pane_id} geometry: tuimux {pane}, tmux {geometry}")
            continue
        left, top, width, height = geometry
        shown_w, shown_h = min(width, max(area_w - left, 0)), min(height, max(area_h - top, 0))
        view = app.window_view.panes[pane_id]
        shown = [view.render_line(y).text[:shown_w].rstrip() for y in range(shown_h)]
        want = [line[:shown_w].rstrip() for line in server.capture(pane_id).split("\n")[:shown_h]]
        if shown != want:
            found.append(f"{pane_id} screen: tuimux {shown}, tmux {want}")
    return found


async def race(seed: int, steps: int, server: TmuxServer) -> int:
    """Run ``steps`` steps; return how many ran."""
    rng = random.Random(seed)
    server.new_session("s", width=100, height=30)
    server.new_session("keep", width=100, height=30)
    server.run("set", "-g", "detach-on-destroy", "off")
    state = Race(server, rng)
    app = await make_app(server)
    size = (100, 31)
    async with app.run_test(size=size) as pilot:
        await eventually(lambda: bool(app.window_view.panes))
        lines = server.run("list-clients", "-F", "#{client_control_mode} #{client_name}")
        client = next((line[2:] for line in lines.splitlines() if line[:2] == "1 "), "")

        def context() -> str:
            return f"seed {seed}, steps:\n" + "\n".join(state.log[-40:])

        for step in range(steps):
            actions: list[asyncio.Task[None]] = []
            for _ in range(rng.randint(1, 3)):
                what = rng.random()
                if what < 0.55:
                    burst = state.burst()
                    state.log.append(f"{step} keys {burst!r}")
                    feed(app, burst)
                elif what < 0.9:
                    argv = state.outside(client)
                    state.log.append(f"{step} tmux {' '.join(argv)}")
                    actions.append(asyncio.ensure_future(run_outside(server, argv)))
                else:
                    size = (rng.randint(30, 140), rng.randint(8, 45))
                    state.log.append(f"{step} resize {size}")
                    await pilot.resize_terminal(*size)
                await asyncio.sleep(rng.choice([0, 0, 0.005, 0.02]))
            await asyncio.gather(*actions)
            await pilot.pause()
            crash = app.error or getattr(app, "_exception", None)
            if not app.is_running and not server_alive(server):
                raise TmuxCrashed(f"the tmux server died ({crash!r}); {context()}")
            assert app.is_running, f"tuimux ended ({crash!r}); {context()}"
            if step % CHECK_EVERY == CHECK_EVERY - 1 or step == steps - 1:
                await eventually(
                    lambda: app.is_running and not differences(app, server),
                    timeout=20,
                    detail=lambda: (differences(app, server), context()),
                )
    return steps


class TmuxCrashed(Exception):
    """The tmux server itself died (tuimux then ends with tmux's one sentence).

    tmux next-3.8 crashes on ``resize-pane -x`` of a pane hidden by a zoom, with no
    tuimux involved (``split-window -d; resize-pane -Z; resize-pane -t %1 -x 42``):
    a timed run counts such runs apart, with their steps, instead of as tuimux's."""


def server_alive(server: TmuxServer) -> bool:
    done = subprocess.run(
        [*server.argv, "list-sessions"], capture_output=True, env=server.env, timeout=20
    )
    return done.returncode == 0


@pytest.mark.timeout(int(max(120, SECONDS + 300, STEPS * 5)))
async def test_bursts_and_outside_commands_never_crash_or_diverge(
    tmux_server: TmuxServer,
) -> None:
    # The suite's short run replays one seed, so CI is repeatable (a random one hit a
    # crash of tmux next-3.8's own resize-pane in about one run in twenty); a timed run
    # explores from a random seed unless one is given.
    seed = int(SEED) if SEED else SUITE_SEED if not SECONDS else random.randrange(2**32)
    print(f"burst race seed {seed}")
    if not SECONDS:
        await replay(seed, STEPS, tmux_server)
        return
    deadline, runs, steps = time.monotonic() + SECONDS, 0, 0
    failures: list[str] = []
    tmux_crashes = 0
    while time.monotonic() < deadline:
        server = TmuxServer(f"{tmux_server.socket_name}-{runs}")
        try:
            steps += await race(seed + runs, RUN_STEPS, server)
        except TmuxCrashed as crashed:
            tmux_crashes += 1
            print(f"run {runs} (seed {seed + runs}): {str(crashed)[:3000]}")
        except Exception as failure:  # counted (a crash too), and the long run goes on
            failures.append(repr(failure)[:3000])
            print(f"run {runs} (seed {seed + runs}) failed: {str(failure)[:3000]}")
        finally:
            server.kill()
        runs += 1
    print(
        f"burst race: {runs} runs, {steps} steps in full runs, {len(failures)} failed runs,"
        f" {tmux_crashes} runs ended by a crash of the tmux server itself"
    )
    assert not failures, failures[0]


# Seeds whose runs once failed, with the steps that reached the failure. The steps also
# depend on timing, so a replay is not exact: 3644747531 showed a respawned pane's prompt
# twice in about 2 of 3 runs (tests/ui/test_output_offsets.py is the exact test).
# 2974712338 closed a prompt drawn in the user's message-style between a key and its
# redraw (Prompt.show_line found no field: a traceback); its replay fails so on next-3.8.
REGRESSIONS = [(3644747531, 40), (2565536318 + 28, 8), (2974712338, 40)]


@pytest.mark.timeout(300)
@pytest.mark.parametrize(("seed", "steps"), REGRESSIONS)
async def test_sequences_that_once_diverged(tmux_server: TmuxServer, seed: int, steps: int) -> None:
    await replay(seed, steps, tmux_server)


async def replay(seed: int, steps: int, server: TmuxServer) -> None:
    """A seeded run; where the tmux server itself dies (next-3.8's resize-pane crash,
    see TmuxCrashed) there is nothing of tuimux's left to check."""
    try:
        await race(seed, steps, server)
    except TmuxCrashed as crashed:
        pytest.skip(f"this tmux crashed on its own: {str(crashed)[:200]}")
