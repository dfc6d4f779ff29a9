"""What every benchmark shares: its result row, and a private tmux server to run in."""

from __future__ import annotations

import os
import platform
import subprocess
from dataclasses import dataclass

from tests.conftest import TmuxServer  # the same private-socket server the tests use


@dataclass(frozen=True)
class Result:
    """One measured line: a value, what it is compared with, and the goal it must meet.

    ``ratio`` is value ÷ baseline (both measured in this run). ``goal`` reads like
    "≤ 1.10" and ``met`` says whether this run met it (None: no goal, information only).
    """

    benchmark: str
    measure: str
    value: float
    unit: str
    baseline: float | None = None
    baseline_label: str = ""
    goal: str = ""
    met: bool | None = None

    @property
    def ratio(self) -> float | None:
        if self.baseline is None or self.baseline == 0:
            return None
        return self.value / self.baseline


def machine() -> str:
    """One line naming the machine, for docs/performance.md."""
    cpus = os.cpu_count() or 0
    tmux = subprocess.run(["tmux", "-V"], capture_output=True, text=True).stdout.strip()
    return (
        f"{platform.machine()}, {cpus} CPU, Linux {platform.release()}, "
        f"Python {platform.python_version()}, {tmux}"
    )


def table(results: list[Result]) -> str:
    """Results as a Markdown table (printed, and pasted into docs/performance.md)."""
    rows = [
        "| benchmark | measure | value | baseline (same run) | ratio | goal | met |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        baseline = f"{r.baseline:.3g} {r.unit} ({r.baseline_label})" if r.baseline else ""
        ratio = f"{r.ratio:.2f}" if r.ratio is not None else ""
        met = "" if r.met is None else ("yes" if r.met else "**no**")
        rows.append(
            f"| {r.benchmark} | {r.measure} | {r.value:.3g} {r.unit} | {baseline} | "
            f"{ratio} | {r.goal} | {met} |"
        )
    return "\n".join(rows)


def server(name: str) -> TmuxServer:
    """A private tmux server for one benchmark (kill it when done)."""
    return TmuxServer(f"tuimux-bench-{name}-{os.getpid()}")
