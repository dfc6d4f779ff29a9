"""The ``tuimux`` command: arguments in, one sentence and an exit status out."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from tuimux import __version__
from tuimux.client import TmuxClient
from tuimux.connect import Target, connect_local


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tuimux",
        description="Attach to tmux through control mode and show its panes as native widgets.",
        epilog="Keys: the prefix is C-b, then tmux's defaults (d detach, %% and \" split, "
        "c new window, n/p/0-9 windows, o and arrows panes, x kill pane, z zoom).",
    )
    socket = parser.add_mutually_exclusive_group()
    socket.add_argument("-L", dest="socket_name", metavar="NAME", help="tmux socket name")
    socket.add_argument("-S", dest="socket_path", metavar="PATH", help="tmux socket path")
    parser.add_argument(
        "-t", dest="session", metavar="SESSION", help="session to attach (created if missing)"
    )
    parser.add_argument("--tmux", default="tmux", metavar="PATH", help="the tmux binary")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    parser.add_argument("--version", action="version", version=f"tuimux {__version__}")
    return parser


def _refuse(message: str) -> int:
    print(f"tuimux: {message}", file=sys.stderr)
    return 2


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.session is not None and (
        "\n" in args.session or "\r" in args.session or not args.session
    ):
        return _refuse("a session name must be non-empty and on one line.")
    if args.debug:
        logging.basicConfig(level=logging.DEBUG, filename=os.devnull)
    target = Target(
        tmux=args.tmux,
        socket_name=args.socket_name,
        socket_path=args.socket_path,
        session=args.session,
    )

    async def connect(width: int, height: int) -> TmuxClient:
        return await connect_local(target, width, height)

    from tuimux.ui.app import TuimuxApp

    app = TuimuxApp(connect)
    try:
        app.run()
    except Exception:
        if args.debug:
            raise
        print("tuimux: an internal error stopped the program (run with --debug).", file=sys.stderr)
        return 70
    if app.error:
        print(f"tuimux: {app.error}", file=sys.stderr)
        return 1
    return app.return_code or 0


if __name__ == "__main__":
    sys.exit(main())
