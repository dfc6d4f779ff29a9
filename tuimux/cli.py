"""The ``tuimux`` command: arguments in, one sentence and an exit status out.

What the user reads on stderr comes from :func:`say` only, through the one sanitiser.
Libraries stay quiet unless ``--debug``: ``cryptography`` 51 warns about DSA when asyncssh
is imported, and a user must see one sentence, not a library's warning. So this module
imports no third-party package at load time (the console script imports it before
:func:`main` can set any filter), and a local attach never imports asyncssh at all.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import shutil
import sys
import warnings
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from tuimux import __version__
from tuimux.control.escape import printable
from tuimux.errors import TuimuxError, one_line, user_message
from tuimux.transport.ssh_target import SSHTarget, parse_destination

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from tuimux.client import TmuxClient
    from tuimux.config import Loaded, Settings
    from tuimux.connect import Target
    from tuimux.ui.app import TuimuxApp


def say(message: str) -> None:
    """Tell the user one line on stderr: the only place tuimux writes there. The message
    may quote a peer (an error's reason, tmux's ``%exit`` text), so it is made printable
    here too, whatever the caller did."""
    print(f"tuimux: {one_line(message)}", file=sys.stderr)


class SafeFormatter(logging.Formatter):
    """Log records quote peers too (asyncssh logs a server's disconnect reason): every
    line of a formatted record goes through the sanitiser before it reaches stderr."""

    def format(self, record: logging.LogRecord) -> str:
        return "\n".join(printable(line) for line in super().format(record).split("\n"))


class _StderrHandler(logging.Handler):
    """Writes to whatever ``sys.stderr`` is at the time (Textual swaps it while it runs)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(self.format(record) + "\n")
        except Exception:
            self.handleError(record)


@contextlib.contextmanager
def library_output(debug: bool) -> Iterator[None]:
    """Warnings and log records from libraries (and tuimux's own log) reach stderr only
    with ``--debug``, and then sanitised; the state is restored afterwards (tests call
    :func:`main` in-process)."""
    root = logging.getLogger()
    handler: logging.Handler
    if debug:
        handler = _StderrHandler()
        handler.setFormatter(SafeFormatter("%(name)s: %(levelname)s: %(message)s"))
    else:
        handler = logging.NullHandler()  # also keeps logging's last-resort handler away
    level = root.level
    root.addHandler(handler)
    if debug:
        root.setLevel(logging.DEBUG)
    try:
        with warnings.catch_warnings():
            if not debug:
                warnings.simplefilter("ignore")
            yield
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tuimux",
        description="Attach to tmux through control mode and show its panes as native widgets.",
        epilog="Keys: the prefix is C-b, then tmux's defaults (d detach, % and \" split, "
        "c new window, n/p/0-9 windows, o and arrows panes, x kill pane, z zoom).",
    )
    parser.add_argument(
        "destination",
        nargs="?",
        metavar="[user@]host",
        help="attach to tmux on this host over SSH (default: the local tmux)",
    )
    parser.add_argument("-p", dest="port", type=int, metavar="PORT", help="SSH port")
    parser.add_argument(
        "-i",
        dest="identities",
        action="append",
        default=[],
        metavar="IDENTITY",
        help="SSH private key file (repeatable)",
    )
    parser.add_argument("-J", dest="jump", metavar="JUMP", help="SSH jump host ([user@]host)")
    parser.add_argument(
        "-o",
        dest="options",
        action="append",
        default=[],
        metavar="Key=Value",
        help="an ssh_config option, as with ssh (repeatable)",
    )
    socket = parser.add_mutually_exclusive_group()
    socket.add_argument("-L", dest="socket_name", metavar="NAME", help="tmux socket name")
    socket.add_argument("-S", dest="socket_path", metavar="PATH", help="tmux socket path")
    parser.add_argument(
        "-t", dest="session", metavar="SESSION", help="session to attach (created if missing)"
    )
    parser.add_argument("--tmux", metavar="PATH", help="the tmux binary (default: tmux)")
    parser.add_argument(
        "-r",
        "--read-only",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="watch only: attach with tmux's -r and send nothing that changes anything "
        "(--no-read-only overrides read_only = true in the configuration file)",
    )
    parser.add_argument(
        "--audit-log",
        metavar="PATH",
        type=Path,
        help="append every tmux command sent to PATH as JSON lines (0600; keystrokes and "
        "pasted text are not written)",
    )
    parser.add_argument(
        "--colors",
        choices=sorted(COLOR_SYSTEMS),
        default=None,
        help="colours of the terminal tuimux runs in (default: as tmux's client decides, from "
        "COLORTERM, terminfo, TERM_PROGRAM and tmux's terminal-features; mosh never sets "
        "COLORTERM, so use --colors truecolor there if your terminal has it)",
    )
    parser.add_argument(
        "--config",
        metavar="PATH",
        type=Path,
        help=f"settings file (default: {_config_path()})",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    parser.add_argument("--version", action="version", version=f"tuimux {__version__}")
    return parser


def _config_path() -> Path:
    from tuimux.config import config_path

    return config_path()


# --colors value → Textual's TEXTUAL_COLOR_SYSTEM, which it reads once at import.
COLOR_SYSTEMS = {"auto": "auto", "truecolor": "truecolor", "256": "256", "16": "standard"}


def _refuse(message: str) -> int:
    say(message)
    return 2


def pane_area() -> tuple[int, int]:
    """The size tuimux will give tmux: the terminal less the one-line status bar."""
    columns, lines = shutil.get_terminal_size((80, 24))
    return max(columns, 1), max(lines - 1, 1)


async def ask_secret(prompt: str, hidden: bool) -> str | None:
    from tuimux.ui.trust import SecretApp

    return await SecretApp(prompt, hidden).run_async()


class SecretAsker:
    """Asks in a prompt of its own before the UI runs, and over the UI once it does: a
    reconnect may need the passphrase or password again."""

    def __init__(self) -> None:
        self.app: TuimuxApp | None = None

    async def __call__(self, prompt: str, hidden: bool) -> str | None:
        if self.app is not None and self.app.is_running:
            return await self.app.ask_secret(prompt, hidden)
        return await ask_secret(prompt, hidden)


async def ask_to_trust(host: str, fingerprint: str) -> bool:
    from tuimux.ui.trust import TrustHostApp

    return bool(await TrustHostApp(host, fingerprint).run_async())


async def connect_ssh_asking(
    ssh: SSHTarget,
    target: Target,
    ask: Callable[[str, str], Awaitable[bool]] = ask_to_trust,
) -> TmuxClient:
    """Connect over SSH; a host never seen before is shown and trusted only on ``yes``
    (asked by the transport about the key its real connection was offered)."""
    from tuimux.connect import connect_ssh

    return await connect_ssh(replace(ssh, ask_trust=ask), target, *pane_area())


async def run(
    target: Target,
    ssh: SSHTarget | None = None,
    *,
    theme: str | None = None,
    notes: Sequence[str] = (),
    probe_rgb: bool = False,
) -> int:
    """Attach first, so a failure is one sentence on a clean screen; then draw. The
    user's tmux options may give the terminal features; with ``probe_rgb`` (no colours
    chosen), RGB colour too."""
    from tuimux.connect import connect_local, reattach_local, reattach_ssh
    from tuimux.ui.app import TuimuxApp
    from tuimux.ui.host_features import give, host_features
    from tuimux.ui.legacy_keys import install as install_alt_keys

    reattach = recover = None
    try:
        if ssh is not None:
            client = await connect_ssh_asking(ssh, target)
            reattach = await reattach_ssh(ssh, target, client)
        else:
            client = await connect_local(target, *pane_area())
            recover = await reattach_local(target, client)
    except TuimuxError as error:
        say(user_message(error))
        return 1
    install_alt_keys()  # Alt keys from legacy terminals, as tmux's client reads them
    give(await tmux_capabilities(client))
    app = TuimuxApp(client, reattach, theme=theme, notes=notes, recover=recover)
    if probe_rgb and host_features().rgb:
        from rich.color import ColorSystem

        # Rich's console has no setter; Textual itself reads this attribute.
        app.console._color_system = ColorSystem.TRUECOLOR
    if ssh is not None and isinstance(ssh.ask_secret, SecretAsker):
        ssh.ask_secret.app = app
    await app.run_async()
    if app.error:
        say(app.error)
        return 1
    return app.return_code or 0


async def tmux_capabilities(client: TmuxClient) -> frozenset[str]:
    """What the user's ``terminal-features`` and ``terminal-overrides`` give the terminal
    tuimux runs in (RGB, underline styles, overline), as they give it to tmux's client."""
    from tuimux.ui.host_features import capabilities_by_options

    try:
        features, overrides = await client.read_formats(
            [
                ["show-options", "-sv", "terminal-features"],
                ["show-options", "-sv", "terminal-overrides"],
            ]
        )
    except TuimuxError as error:
        log.debug("terminal options not read: %s", error)
        return frozenset()
    return capabilities_by_options(os.environ.get("TERM", ""), features, overrides)


def chosen_settings(loaded: Loaded, args: argparse.Namespace, host: str | None) -> Settings:
    """The command line wins over the file, option by option; ``host`` is the destination
    as typed (None for a local attach) and picks the file's ``[hosts."…"]`` sections."""
    from tuimux.config import Settings

    chosen = loaded.settings_for(host)
    return Settings(
        tmux=args.tmux if args.tmux is not None else chosen.tmux,
        colors=args.colors if args.colors is not None else chosen.colors,
        read_only=args.read_only if args.read_only is not None else chosen.read_only,
        audit_log=args.audit_log if args.audit_log is not None else chosen.audit_log,
        theme=chosen.theme,
    )


def main(argv: Sequence[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    # Before anything third-party is imported: its import-time warnings are libraries'.
    with library_output("--debug" in arguments):
        return _main(arguments)


def _main(argv: Sequence[str]) -> int:
    from tuimux.audit import AuditLog
    from tuimux.config import load
    from tuimux.connect import Target

    args = parser().parse_args(argv)
    session = args.session
    if session is not None and (not session or any(c in session for c in "\n\r\0")):
        return _refuse("a session name must be non-empty and on one line.")
    try:
        loaded = load(args.config)
    except TuimuxError as error:
        return _refuse(user_message(error))
    for warning in loaded.warnings:
        say(f"warning: {warning}")
    user = host = None
    if args.destination is not None:
        try:
            user, host = parse_destination(args.destination)
        except TuimuxError as error:
            return _refuse(user_message(error))
    settings = chosen_settings(loaded, args, host)
    if settings.colors is not None:
        os.environ["TEXTUAL_COLOR_SYSTEM"] = COLOR_SYSTEMS[settings.colors]
    probe_rgb = settings.colors is None and "TEXTUAL_COLOR_SYSTEM" not in os.environ
    if probe_rgb:
        from tuimux.ui.host_features import host_features

        # RGB as tmux's client finds it (terminfo, the terminal's name), where Rich
        # looks at COLORTERM alone; tmux's options are read once attached.
        if host_features().rgb:
            os.environ["TEXTUAL_COLOR_SYSTEM"] = "truecolor"
            probe_rgb = False
    ssh = None
    if host is not None:
        ssh = SSHTarget(
            host,
            username=user,
            port=args.port,
            identities=tuple(args.identities),
            jump=args.jump,
            options=tuple(args.options),
            ask_secret=SecretAsker(),
        )
    audit = None
    if settings.audit_log is not None:
        try:
            audit = AuditLog(settings.audit_log, ssh.description if ssh is not None else "local")
        except TuimuxError as error:
            return _refuse(user_message(error))
        for warning in audit.warnings:
            say(f"warning: {warning}")
    target = Target(
        tmux=settings.tmux or "tmux",
        socket_name=args.socket_name,
        socket_path=args.socket_path,
        session=session,
        read_only=bool(settings.read_only),
        audit=audit,
    )
    try:
        notes = (*loaded.warnings, *(audit.warnings if audit is not None else ()))
        return asyncio.run(run(target, ssh, theme=settings.theme, notes=notes, probe_rgb=probe_rgb))
    except KeyboardInterrupt:
        return 130
    except Exception:
        if args.debug:
            raise
        say("an internal error stopped the program (run with --debug).")
        return 70
    finally:
        if audit is not None:
            audit.close()


if __name__ == "__main__":
    sys.exit(main())
