"""``python3 -m benchmarks [--quick] [NAME…]``: run the benchmarks, print the table."""

from __future__ import annotations

import argparse
import importlib
import sys
import time

from benchmarks.common import Result, machine, table
from benchmarks.flood import SHAPES

# Module name → what it measures (issue 5's numbering).
BENCHMARKS = {
    "flood": "1. flood: every shape of fast output (yes, seq, coloured lines, logs, paths)",
    "emulation": "2. emulation: MB/s of the pane emulator vs stock pyte",
    "latency": "3. keystroke echo latency vs tmux's own client",
    "attach": "4. attach: 20 windows x 4 panes x 5,000 lines of history",
    "idle": "5. idle: CPU and RSS with 80 panes and one clock",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m benchmarks", description=__doc__)
    parser.add_argument("names", nargs="*", choices=[*BENCHMARKS, []], metavar="NAME")
    parser.add_argument(
        "--quick", action="store_true", help="smaller inputs and fewer rounds (a smoke run)"
    )
    parser.add_argument(
        "--shape",
        action="append",
        choices=[shape.name.split()[0] for shape in SHAPES],
        help="flood: only this shape (repeatable; default: all)",
    )
    parser.add_argument(
        "--rounds", type=int, help="flood: rounds per shape (default 5, or 1 with --quick)"
    )
    args = parser.parse_args(argv)
    names = args.names or list(BENCHMARKS)
    print(f"machine: {machine()}", flush=True)
    results: list[Result] = []
    for name in names:
        print(f"\n== {BENCHMARKS[name]}", flush=True)
        started = time.monotonic()
        module = importlib.import_module(f"benchmarks.{name}")
        extra: dict[str, object] = {}
        if name == "flood":
            extra = {"shapes": args.shape, "rounds": args.rounds}
        found: list[Result] = module.run(quick=args.quick, **extra)
        for result in found:
            print(f"   {result.measure}: {result.value:.3g} {result.unit}", flush=True)
        print(f"   ({time.monotonic() - started:.0f} s)", flush=True)
        results += found
    print("\n" + table(results))
    return 0 if all(r.met is not False for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
