"""Stopped and continued from outside: resume only what was suspended.

Textual's Linux driver answers every SIGCONT by starting application mode again, as if
its own SIGTSTP handler had suspended it first. A SIGSTOP from outside (``kill -STOP``,
a debugger, a supervisor pausing the process) suspends nothing, so the SIGCONT started
a second input thread beside the first: two threads then read the terminal, keys went
to either, and at exit one of them stayed blocked in ``read`` while the app waited for
it — tuimux printed its last sentence and never ended. tmux's own client just redraws
on SIGCONT; so does tuimux when nothing was suspended.
"""

from __future__ import annotations

import signal
from collections.abc import Callable
from types import FrameType
from typing import Any

Handler = Callable[[int, FrameType | None], Any] | int | None


def guard_resume(repaint: Callable[[], object]) -> None:
    """Wrap the SIGTSTP/SIGCONT handlers the running driver installed: a SIGCONT that
    follows the driver's own suspend resumes it; any other calls ``repaint``."""
    on_stop = signal.getsignal(signal.SIGTSTP)
    on_continue = signal.getsignal(signal.SIGCONT)
    if not callable(on_stop) or not callable(on_continue):
        return  # not a driver that suspends (a test's headless driver, Windows)
    suspended = False

    def stopped(number: int, frame: FrameType | None) -> None:
        nonlocal suspended
        suspended = True
        on_stop(number, frame)

    def continued(number: int, frame: FrameType | None) -> None:
        nonlocal suspended
        if suspended:
            suspended = False
            on_continue(number, frame)
        else:
            repaint()

    signal.signal(signal.SIGTSTP, stopped)
    signal.signal(signal.SIGCONT, continued)
