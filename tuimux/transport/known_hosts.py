"""known_hosts files: read as OpenSSH reads them, appended to as OpenSSH appends.

Reading follows symbolic links (a known_hosts kept in a dotfiles repository is common) but
only ever reads regular files, so a FIFO or a device named in ssh_config cannot hang or
feed tuimux; an unreadable line is skipped, as ssh skips it. Writing never follows a link
and never changes the mode of a file tuimux did not create.
"""

from __future__ import annotations

import base64
import contextlib
import errno
import hashlib
import hmac
import os
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import asyncssh

from tuimux.errors import HostKeyError

# asyncssh's match result: trusted keys, CA keys, revoked keys, then four X.509 lists.
Matches = tuple[list[Any], ...]
MAX_FILE_BYTES = 64 * 1024 * 1024  # a known_hosts beyond this is not one a person keeps


class KnownHosts:
    """The entries of several known_hosts files, with where each one came from."""

    def __init__(self, files: Sequence[Path]) -> None:
        self.files = tuple(files)
        self._known = asyncssh.SSHKnownHosts()
        self._lines: list[tuple[Path, int, str]] = []
        for path in self.files:
            for number, line in enumerate(_read_lines(path), 1):
                text = line.strip()
                if not text or text.startswith("#"):
                    continue
                with contextlib.suppress(ValueError, asyncssh.Error):
                    self._known.load(text)
                    self._lines.append((path, number, text))

    def match(self, name: str, port: int | None) -> Matches:
        """Keys for ``name`` (looked up by name only, as ssh does with CheckHostIP no)."""
        return tuple(list(found) for found in self._known.match(name, "", port))

    def where(self, name: str, port: int | None, *, revoked: bool = False) -> list[str]:
        """``file:line`` of each entry for the host (hashed ones included)."""
        found = []
        for path, number, text in self._lines:
            with contextlib.suppress(ValueError, asyncssh.Error):
                matched = asyncssh.import_known_hosts(text + "\n").match(name, "", port)
                if matched[2] if revoked else (matched[0] or matched[1]):
                    found.append(f"{path}:{number}")
        return found


def _read_lines(path: Path) -> list[str]:
    """The lines of a regular file; nothing for a missing file, a FIFO, a device."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOCTTY)
    except OSError:
        return []
    with os.fdopen(descriptor, "rb") as file:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return []
        return file.read(MAX_FILE_BYTES).decode("utf-8", "replace").splitlines()


def known_hosts_name(host: str, port: int | None) -> str:
    """How OpenSSH names a host in known_hosts (``[host]:port`` off port 22)."""
    return host if port in (None, 22) else f"[{host}]:{port}"


def known_hosts_line(
    host: str, port: int | None, key: asyncssh.SSHKey, *, hashed: bool = False
) -> str:
    """The line OpenSSH would append; ``hashed`` hides the name as ``HashKnownHosts`` does."""
    algorithm, data = key.export_public_key("openssh").decode("ascii").split()[:2]
    name = known_hosts_name(host, port)
    if hashed:
        salt = os.urandom(20)
        digest = hmac.new(salt, name.encode("utf-8"), hashlib.sha1).digest()
        name = f"|1|{base64.b64encode(salt).decode()}|{base64.b64encode(digest).decode()}"
    return f"{name} {algorithm} {data}\n"


def append_known_host(path: Path, line: str, ssh_directory: Path) -> None:
    """Append an accepted key's line to ``path`` as ssh would, but safely.

    The file is opened without following a symbolic link and must be a regular file; one
    that does not exist is created 0600, and its directory 0700 only when it is
    ``ssh_directory`` (``~/.ssh``, the one directory ssh creates too). A file that exists is
    never chmod-ed: its mode is its owner's choice. Any refusal is one sentence.
    """

    def refuse(why: str) -> HostKeyError:
        return HostKeyError(f"tuimux did not add the host key to {path}: {why}.")

    directory = path.parent
    if not directory.is_dir():
        if directory != ssh_directory:
            raise refuse(f"its directory {directory} does not exist")
        try:
            directory.mkdir(mode=0o700)
        except OSError as error:
            raise refuse(f"{directory} could not be created ({error.strerror})") from None
    flags = os.O_RDWR | os.O_APPEND | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOCTTY
    try:
        try:
            descriptor = os.open(path, flags)
        except FileNotFoundError:
            # O_EXCL: a link or file put there since is not followed, nor written through.
            descriptor = os.open(path, flags | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as error:
        if error.errno in (errno.ELOOP, errno.EMLINK):
            raise refuse(
                "it is a symbolic link, and tuimux writes only to a file it opens without "
                "following links (add the line yourself, or point UserKnownHostsFile at the "
                "real file)"
            ) from None
        raise refuse(error.strerror or type(error).__name__) from None
    with os.fdopen(descriptor, "r+b", buffering=0) as file:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise refuse("it is not a regular file")
        data = line.encode("ascii")
        # A last line without its newline would be glued to the new one.
        if status.st_size and os.pread(descriptor, 1, status.st_size - 1) != b"\n":
            data = b"\n" + data
        file.write(data)
