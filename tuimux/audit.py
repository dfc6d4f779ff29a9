"""``--audit-log PATH``: the tmux commands tuimux sends, one JSON object per line.

Each line has the time (UTC, ISO 8601), the host (``local`` or ``user@host:port``), the
session id tmux gave the connection, and the command as it was built — except that the
arguments of ``send-keys``, ``set-buffer`` and ``paste-buffer`` (what the user typed or
pasted) are replaced by their count. No secret ever passes through tmux commands, so
none can reach the log.

What a person audits is what was done: every command that changes tmux's state or
reads content somewhere else (``capture-pane`` into a buffer, ``save-buffer``…). The
reads tuimux makes to mirror the session (``list-*``, ``capture-pane -p``,
``display-message -p``) and its flow control (``refresh-client -A/-B/-f``) are left out:
tmux can ask for them at will (a flood of ``%pause`` or layout changes), and they grew a
log by 450 KB/s. A log still reaching :data:`MAX_BYTES` in one run stops there, with a
last line that says so.

The file is created 0600 (in 0700 directories if tuimux makes them) and appended to;
an existing file is never chmod-ed, followed through a symbolic link, or used when it
is not a regular file of the user's that only they can write (:func:`open_append`).
"""

from __future__ import annotations

import json
import logging
import os
import shlex
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from tuimux.client import TmuxClient
from tuimux.config import open_append
from tuimux.control.command import build
from tuimux.control.policy import redacted
from tuimux.errors import user_message

log = logging.getLogger(__name__)

MAX_BYTES = 64 * 1024 * 1024
"""Per run: far more than a person types in a day once the chatter is left out."""
# Reads that only copy tmux's state to the screen, when printed (-p) rather than stored:
# every list-* (windows, panes, keys, buffers' names, commands) and the options a prompt
# completes from. show-buffer is not one: it copies a buffer's content out.
MIRROR_READS = frozenset({"show-options"})
PRINTING_READS = frozenset({"capture-pane", "display-message"})
FLOW_CONTROL = frozenset({"-A", "-B", "-f"})


def worth_auditing(command: str) -> bool:
    """False for the mirroring reads and flow control tuimux sends on tmux's cue, and for
    the key table it tells tmux at each prefix (the binding that key runs is logged)."""
    name = command.split(" ", 1)[0]
    if name in MIRROR_READS or name.startswith("list-"):
        return False
    if name not in PRINTING_READS and name not in ("refresh-client", "switch-client"):
        return True
    try:
        words = shlex.split(command)  # built commands quote as a POSIX shell does
    except ValueError:
        return True
    if name in PRINTING_READS:
        return "-p" not in words
    if name == "switch-client":  # "-T TABLE" alone: the key table the user's keys reached
        return not (len(words) == 3 and words[1] == "-T")
    if name == "refresh-client":  # one or more flow-control flags, each with its value
        pairs = words[1:]
        return not (pairs and len(pairs) % 2 == 0 and set(pairs[::2]) <= FLOW_CONTROL)
    return True


class AuditLog:
    def __init__(self, path: Path, host: str) -> None:
        self.path = path
        self.host = host
        descriptor, self.warnings = open_append(path, "The audit log")
        self._file: TextIO = os.fdopen(descriptor, "a", encoding="utf-8")
        self._failed = False
        self._written = 0
        self._full = False

    def recorder(self, client: TmuxClient) -> Callable[[str], None]:
        """What the client calls with each command it sends."""
        return lambda command: self.write(client.session_id, command)

    def attached(self, client: TmuxClient, argv: list[str]) -> None:
        """The attach itself goes on tmux's command line, not through the client."""
        self.write(client.session_id, build(*argv))

    def write(self, session: str | None, command: str) -> None:
        if self._full or not worth_auditing(command):
            return
        record = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "host": self.host,
            "session": session,
            "command": redacted(command),
        }
        line = json.dumps(record, ensure_ascii=False) + "\n"
        if self._written + len(line) > MAX_BYTES:
            self._full = True
            del record["command"]
            record["note"] = (
                f"the audit log reached its limit of {MAX_BYTES // (1024 * 1024)} MiB for "
                "this run; later commands are not recorded"
            )
            line = json.dumps(record, ensure_ascii=False) + "\n"
            log.warning("audit log %s: %s", self.path, record["note"])
        try:
            self._file.write(line)
            self._file.flush()
            self._written += len(line)
        except OSError as error:
            if not self._failed:
                self._failed = True
                log.warning("audit log %s: %s", self.path, user_message(error))

    def close(self) -> None:
        self._file.close()
