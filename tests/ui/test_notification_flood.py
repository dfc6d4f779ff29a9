"""A flood of notifications never starves the user's keys.

A program in a pane can rename its window with ``ESC k … ESC \\`` in a loop (tmux's
``allow-rename``): every rename is a ``%window-renamed`` to tuimux. With many windows,
redrawing the status line for each one made ``C-b d`` take over a minute. Structure
redraws are coalesced to one per frame, so keys keep reaching the pane and the prefix
keeps working while the flood goes on.

tuimux runs here as the user runs it, in a terminal: an outer tmux's pane, whose
``send-keys`` types into tuimux's tty. (Textual's pilot waits for the screen to go idle
after each key, which a screen updated every frame never does.)
"""

from __future__ import annotations

import os
import shlex
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import TmuxServer, clean_env

WINDOWS = 1000
RENAME_LOOP = "i=0; while :; do printf '\\033kname%d\\033\\\\' $i; i=$((i+1)); done"
ROOT = Path(__file__).resolve().parents[2]


def many_windows(server: TmuxServer, tmp_path: Path, count: int) -> None:
    """Windows whose command exited at once (remain-on-exit): no process each."""
    script = tmp_path / "windows.tmux"
    script.write_text("new-window -d -t s: true\n" * 200)
    server.run("set", "-g", "remain-on-exit", "on")
    for _ in range(count // 200):  # in steps: one tmux command may take 20 s at most
        server.run("source-file", str(script))


@contextmanager
def tuimux_in_a_terminal(inner: TmuxServer) -> Iterator[TmuxServer]:
    """The real tuimux, attached to ``inner``'s session s, in an outer tmux's pane."""
    outer = TmuxServer(f"tuimux-test-outer-{uuid.uuid4().hex[:8]}", clean_env())
    outer.env["PYTHONPATH"] = str(ROOT)
    outer.env["PYTHONWARNINGS"] = "ignore"
    try:
        command = shlex.join([sys.executable, "-m", "tuimux", "-L", inner.socket_name, "-t", "s"])
        outer.new_session("o", width=100, height=31, command=f"cd {ROOT} && {command}")
        outer.run("set-option", "-t", "o", "remain-on-exit", "on")
        outer.run("set-option", "-t", "o", "status", "off")
        yield outer
    finally:
        outer.kill()


def timed(condition: object, limit: float = 60) -> float:
    """Seconds until ``condition()`` holds (tmux's state, polled; tuimux is another
    process, so polling here takes nothing from it)."""
    assert callable(condition)
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < limit, "not reached in time"
        time.sleep(0.01)
    return time.monotonic() - started


def test_keys_and_detach_stay_prompt_under_a_rename_flood(
    tmux_server: TmuxServer, tmp_path: Path
) -> None:
    tmux_server.new_session("s", width=100, height=30)
    many_windows(tmux_server, tmp_path, WINDOWS)
    tmux_server.run("set", "-g", "allow-rename", "on")
    shell = tmux_server.display("s:0", "#{pane_id}")
    with tuimux_in_a_terminal(tmux_server) as outer:
        clients = lambda: tmux_server.run("list-clients", "-F", "#{client_control_mode}")  # noqa: E731
        timed(lambda: "1" in clients().split(), 30)
        # tuimux has drawn the status line once it is attached and ready for keys.
        timed(lambda: "[s]" in outer.capture("o:"), 30)
        tmux_server.run("new-window", "-d", "-t", "s:", RENAME_LOOP)
        flooding = tmux_server.display("s:$", "#{window_id}")
        first = tmux_server.display(flooding, "#{window_name}")
        delays = []
        for attempt in range(3):
            outer.run("send-keys", "-t", "o:", f"echo mark-{attempt}-$((6*7))", "Enter")
            delays.append(timed(lambda a=attempt: f"mark-{a}-42" in tmux_server.capture(shell)))
        assert tmux_server.display(flooding, "#{window_name}") != first, "no flood measured"
        outer.run("send-keys", "-t", "o:", "C-b", "d")
        detach = timed(lambda: outer.display("o:", "#{pane_dead}") == "1")
        tail = outer.capture("o:")
    print(f"{WINDOWS} windows + rename flood: keys {max(delays):.2f} s, C-b d {detach:.2f} s")
    assert "Traceback" not in tail
    # Liveness, not speed: before the fix C-b d took over a minute (``timed``'s limit);
    # alone it takes well under a second, but on a loaded machine tmux itself, busy with
    # the renames, has been seen holding a key for 40 s. That redraws are one per frame
    # is counted exactly below; how fast is for benchmarks.
    assert os.path.isdir(ROOT / "tuimux")


async def test_a_burst_of_renames_is_drawn_once(tmux_server: TmuxServer) -> None:
    """1000 renames delivered in one read: one redraw of the status line, not 1000."""
    from tests.helpers import eventually, model_status_line
    from tests.ui.test_app import make_app
    from tuimux.control import events as ev

    tmux_server.new_session("s", width=100, height=30)
    app = await make_app(tmux_server)
    async with app.run_test(size=(100, 31)):
        await eventually(lambda: app.mirror is not None and app.mirror.model.current is not None)
        assert app.mirror is not None and app.mirror.model.current is not None
        window = app.mirror.model.current.window_id
        await model_status_line(app)  # tmux never had these names: the model's line
        drawn = 0
        update = app.status_bar.update

        def counting(*args: object, **kwargs: object) -> None:
            nonlocal drawn
            drawn += 1
            update(*args, **kwargs)  # type: ignore[arg-type]

        app.status_bar.update = counting  # type: ignore[method-assign]
        for number in range(1000):
            app.mirror._on_event(ev.WindowRenamed(window, f"name{number}"))
        await eventually(lambda: "name999" in app.status_bar.render().plain)
        assert drawn <= 2, drawn
