"""OpenSSH's host-key rules that asyncssh leaves to its caller.

asyncssh raises the same error for an unknown and a changed key, so the two are told apart
here, from the files; accepted keys are appended the way OpenSSH would (hashed when
``HashKnownHosts yes``).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import os
from collections.abc import Sequence
from pathlib import Path

import asyncssh

from tuimux.errors import HostKeyError
from tuimux.transport.ssh_target import SSHTarget, options_config

HOST_KEY_TIMEOUT = 15


async def explain_host_key(target: SSHTarget, error: Exception) -> HostKeyError:
    """Say whether the host is unknown or its key changed, with the key's fingerprint."""
    files = target.known_hosts_files
    known = asyncssh.read_known_hosts(files) if files else None
    port = target.port or 22
    matches = known.match(target.host, "", port) if known is not None else ((),) * 7
    key: asyncssh.SSHKey | None = None
    with contextlib.suppress(TimeoutError, OSError, asyncssh.Error):
        key = await asyncio.wait_for(
            asyncssh.get_server_host_key(target.host, port), HOST_KEY_TIMEOUT
        )
    shown = f"{key.get_algorithm()} key {key.get_fingerprint('sha256')}" if key else "key"
    if key is not None and key in matches[2]:
        return HostKeyError(
            f"The host key of {target.host} ({shown}) is marked @revoked in "
            f"{' or '.join(files)}. Refusing to connect."
        )
    where = ", ".join(known_hosts_lines(files, target.host, port)) or " or ".join(files)
    if matches[1] and not matches[0]:
        # OpenSSH would fall back to asking about the plain key; a host that should show
        # a CA-signed key and does not is refused instead (it is what an impostor does).
        return HostKeyError(
            f"The host key of {target.host} ({shown}) is not signed by the certificate "
            f"authority that {where} trusts for it. Refusing to connect."
        )
    if matches[0]:
        return HostKeyError(
            f"The host key of {target.host} has changed: it now offers the {shown}, which "
            f"does not match {where}. Refusing to connect; if the change is expected, "
            f"remove the old entry with 'ssh-keygen -R {known_hosts_name(target.host, port)}'."
        )
    return HostKeyError(
        f"The authenticity of {target.host} cannot be established: it offers the {shown}, "
        "which is in no known_hosts file. Refusing to connect.",
        host=known_hosts_name(target.host, target.port),
        fingerprint=shown,
        known_hosts_line=(
            known_hosts_line(target.host, target.port, key, hashed=hash_known_hosts(target))
            if key
            else None
        ),
    )


def known_hosts_lines(files: Sequence[str], host: str, port: int) -> list[str]:
    """``file:line`` of every known_hosts entry for the host (hashed entries included),
    matched one line at a time by asyncssh's own matcher."""
    found = []
    for name in files:
        with contextlib.suppress(OSError):
            lines = Path(name).read_text(encoding="utf-8", errors="replace").splitlines()
            for number, line in enumerate(lines, 1):
                if not line.strip() or line.lstrip().startswith("#"):
                    continue
                with contextlib.suppress(ValueError, asyncssh.Error):
                    matched = asyncssh.import_known_hosts(line + "\n").match(host, "", port)
                    if matched[0] or matched[1]:
                        found.append(f"{name}:{number}")
    return found


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


def hash_known_hosts(target: SSHTarget) -> bool:
    """Whether ``HashKnownHosts yes`` is set (Debian's /etc/ssh/ssh_config sets it).

    The first value in -o, ~/.ssh/config, /etc/ssh/ssh_config wins, as with ssh; Host and
    Match blocks are not told apart here (the option is a global habit, not per host).
    """
    lines = list(options_config(target.options).splitlines())
    for path in target.config_files:
        with contextlib.suppress(OSError):
            lines += path.read_text(encoding="utf-8", errors="replace").splitlines()
    for line in lines:
        words = line.replace("=", " ", 1).split()
        if len(words) >= 2 and words[0].lower() == "hashknownhosts":
            return words[1].lower() == "yes"
    return False


def trust_host_key(target: SSHTarget, line: str) -> Path:
    """Append an accepted key to ``~/.ssh/known_hosts`` (0600 in a 0700 directory)."""
    directory = target.home / ".ssh"
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = directory / "known_hosts"
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(descriptor, "a", encoding="ascii") as file:
        file.write(line)
    return path
