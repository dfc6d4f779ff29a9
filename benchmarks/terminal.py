"""Run a program in a pseudo-terminal of a given size, as a person's terminal would.

The output is drained all the time by a thread (a full pty would stall the program and
falsify every timing); ``wait_for`` looks for bytes in what arrived after a mark.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import termios
import threading
import time
from collections.abc import Sequence
from pathlib import Path


class PtyProgram:
    def __init__(
        self, argv: Sequence[str], *, columns: int = 120, lines: int = 40, env: dict[str, str]
    ) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: become the program
            try:
                os.execvpe(argv[0], list(argv), env)
            finally:
                os._exit(127)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
        self.output = bytearray()
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self._open = True
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        while self._open:
            ready, _, _ = select.select([self.fd], [], [], 0.1)
            if not ready:
                continue
            try:
                chunk = os.read(self.fd, 1 << 16)
            except OSError:
                break
            if not chunk:
                break
            with self._arrived:
                self.output += chunk
                self._arrived.notify_all()
        self._open = False

    def mark(self) -> int:
        """A position in the output; ``wait_for`` looks only at what comes after it."""
        with self._lock:
            return len(self.output)

    def write(self, data: bytes) -> None:
        os.write(self.fd, data)

    def wait_for(self, needle: bytes, after: int, timeout: float = 10.0) -> float | None:
        """The monotonic time ``needle`` was first seen after ``after``, or None."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while True:
                if self.output.find(needle, after) >= 0:
                    return time.monotonic()
                # Look only at what is new next time (a flood's output runs to many MB,
                # and scanning all of it on every chunk took the CPU being measured).
                after = max(after, len(self.output) - len(needle) + 1)
                left = deadline - time.monotonic()
                if left <= 0 or not self._open:
                    return None
                self._arrived.wait(left)

    def close(self) -> None:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.kill(self.pid, sig)
            except ProcessLookupError:
                break
            for _ in range(50):
                if os.waitpid(self.pid, os.WNOHANG) != (0, 0):
                    break
                time.sleep(0.02)
            else:
                continue
            break
        self._open = False
        self._reader.join(1)
        os.close(self.fd)


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its waited-for children so far (from /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def rss_megabytes(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0
