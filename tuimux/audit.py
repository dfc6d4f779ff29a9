"""``--audit-log PATH``: every tmux command tuimux sends, one JSON object per line.

Each line has the time (UTC, ISO 8601), the host (``local`` or ``user@host:port``), the
session id tmux gave the connection, and the command as it was built — except that the
arguments of ``send-keys``, ``set-buffer`` and ``paste-buffer`` (what the user typed or
pasted) are replaced by their count. No secret ever passes through tmux commands, so
none can reach the log. The file is created 0600 (in a 0700 directory if tuimux makes
the directory) and always appended to.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from tuimux.client import TmuxClient
from tuimux.control.command import build
from tuimux.control.policy import redacted
from tuimux.errors import ConfigError, user_message

log = logging.getLogger(__name__)


class AuditLog:
    def __init__(self, path: Path, host: str) -> None:
        self.path = path
        self.host = host
        try:
            if not path.parent.exists():
                path.parent.mkdir(mode=0o700, parents=True)
            descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            os.fchmod(descriptor, 0o600)  # an older file keeps no wider mode than ours
        except OSError as error:
            raise ConfigError(
                f"The audit log {path} cannot be written: {error.strerror}."
            ) from None
        self._file: TextIO = os.fdopen(descriptor, "a", encoding="utf-8")
        self._failed = False

    def recorder(self, client: TmuxClient) -> Callable[[str], None]:
        """What the client calls with each command it sends."""
        return lambda command: self.write(client.session_id, command)

    def attached(self, client: TmuxClient, argv: list[str]) -> None:
        """The attach itself goes on tmux's command line, not through the client."""
        self.write(client.session_id, build(*argv))

    def write(self, session: str | None, command: str) -> None:
        record = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "host": self.host,
            "session": session,
            "command": redacted(command),
        }
        try:
            self._file.write(json.dumps(record, ensure_ascii=False) + "\n")
            self._file.flush()
        except OSError as error:
            if not self._failed:
                self._failed = True
                log.warning("audit log %s: %s", self.path, user_message(error))

    def close(self) -> None:
        self._file.close()
