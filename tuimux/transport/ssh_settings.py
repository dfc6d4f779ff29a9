"""The host-key settings of ssh_config that asyncssh does not apply for tuimux.

asyncssh reads ``UserKnownHostsFile``/``GlobalKnownHostsFile`` without ``%`` tokens and
turns checking off for ``none``, and ignores ``StrictHostKeyChecking`` and
``HashKnownHosts`` altogether. They are read here with asyncssh's own parser (so Host and
Match blocks decide exactly as they do for every other option), plus handlers for the two
keywords it skips, and then expanded the way ssh(1) expands them.
"""

from __future__ import annotations

import getpass
import hashlib
import os
import re
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from asyncssh.config import SSHClientConfig, SSHConfig

from tuimux.errors import ConnectError, user_message
from tuimux.transport.ssh_target import SSHTarget

# ssh_config(5): the defaults when the keyword is not set (or set to none, see below).
USER_KNOWN_HOSTS = ("~/.ssh/known_hosts", "~/.ssh/known_hosts2")
GLOBAL_KNOWN_HOSTS = ("ssh_known_hosts", "ssh_known_hosts2")  # in the system directory
# Names that would make ssh check against nothing: never honoured (see host_key_settings).
NOWHERE = ("none", "/dev/null")
# readconf.c multistate_strict_hostkey; "no"/"off"/"false" act as accept-new here.
STRICT = {
    "yes": "yes",
    "true": "yes",
    "accept-new": "accept-new",
    "ask": "ask",
    "no": "accept-new",
    "off": "accept-new",
    "false": "accept-new",
}
_EXPANSION = re.compile(r"\$\{([^}]*)\}|%(.?)")

_Handler = Callable[[SSHConfig, str, list[str]], None]


class _TrustConfig(SSHClientConfig):
    """asyncssh's client config parser, also keeping the two keywords it ignores."""

    _handlers = {  # noqa: RUF012 (asyncssh declares it an instance attribute)
        **cast(dict[str, tuple[str, _Handler]], SSHClientConfig._handlers),
        "stricthostkeychecking": ("StrictHostKeyChecking", SSHConfig._set_string),
        "hashknownhosts": ("HashKnownHosts", SSHConfig._set_bool),
    }


@dataclass(frozen=True)
class HostKeySettings:
    """Which files vouch for a host, and what to do about a key none of them knows."""

    name: str  # the name looked up in known_hosts: HostKeyAlias, else HostName
    port: int | None  # None for 22, as known_hosts names it
    user_files: tuple[Path, ...]  # new keys go to the first one, as with ssh
    global_files: tuple[Path, ...]
    strict: str  # "yes", "accept-new" or "ask"
    hashed: bool  # HashKnownHosts
    algorithms: str | None  # HostKeyAlgorithms, as written

    @property
    def files(self) -> tuple[Path, ...]:
        return self.user_files + self.global_files


def host_key_settings(target: SSHTarget, configs: Sequence[str]) -> HostKeySettings:
    """The settings for ``target`` from ``configs`` (``-o`` file first, as ssh reads them).

    ``UserKnownHostsFile none`` or ``/dev/null`` (and the same for the global files) would
    leave nothing to check against: such names are dropped, and a list left empty falls
    back to the default files, so a key pinned there still counts and a new one is kept.
    """
    try:
        local_user = getpass.getuser()
    except (KeyError, OSError):
        local_user = os.environ.get("USER", "")
    try:
        config = cast(
            SSHClientConfig,
            _TrustConfig.load(
                None,
                [Path(path) for path in configs],
                False,
                False,
                False,
                local_user,
                target.username if target.username is not None else (),
                target.host,
                target.port if target.port is not None else (),
            ),
        )
    except (OSError, ValueError) as error:
        raise ConnectError(
            f"The SSH settings for {target.description} could not be read: "
            f"{user_message(error).rstrip('.')}."
        ) from None
    host = str(config.get("Hostname", target.host))
    port = target.port or int(cast(int, config.get("Port", 22)))
    alias = cast("str | None", config.get("HostKeyAlias"))
    user = str(target.username or config.get("User") or local_user)
    strict_value = str(config.get("StrictHostKeyChecking") or "ask")
    strict = STRICT.get(strict_value.lower())
    if strict is None:
        raise ConnectError(
            f"StrictHostKeyChecking {strict_value!r} is not one of yes, accept-new, ask, no or off."
        )
    tokens = _tokens(target, host=host, port=port, user=user, alias=alias, local=local_user)
    user_files = _kept(config.get("UserKnownHostsFile"), USER_KNOWN_HOSTS)
    global_defaults = tuple(str(target.system / name) for name in GLOBAL_KNOWN_HOSTS)
    global_files = _kept(config.get("GlobalKnownHostsFile"), global_defaults)
    algorithms = config.get("HostKeyAlgorithms")
    return HostKeySettings(
        name=alias or host,
        # ssh saves and looks up an alias as it is, without the port (sshconnect.c
        # get_hostfile_hostname_ipaddr); asyncssh would add it.
        port=None if alias or port == 22 else port,
        # ssh expands ~, %-tokens and ${VAR} in UserKnownHostsFile, only ~ in the global
        # list (ssh.c: tilde_expand_paths for both, percent_dollar_expand for the user's).
        user_files=tuple(_expand(name, target, tokens) for name in user_files),
        global_files=tuple(_tilde(name, target) for name in global_files),
        strict=strict,
        hashed=bool(config.get("HashKnownHosts", False)),
        algorithms=algorithms if isinstance(algorithms, str) else None,
    )


def _kept(value: object, defaults: tuple[str, ...]) -> tuple[str, ...]:
    names = [str(name) for name in cast("list[Any]", value or [])]
    kept = tuple(name for name in names if name.lower() not in NOWHERE)
    return kept or defaults


def _tokens(
    target: SSHTarget, *, host: str, port: int, user: str, alias: str | None, local: str
) -> dict[str, str]:
    """ssh_config(5) TOKENS accepted by UserKnownHostsFile."""
    long_name = socket.gethostname()
    return {
        "%": "%",
        "C": hashlib.sha1(f"{long_name}{host}{port}{user}".encode()).hexdigest(),
        "d": str(target.home),
        "h": host,
        "i": str(os.getuid()),
        "k": alias or target.host,
        "L": long_name.split(".")[0],
        "l": long_name,
        "n": target.host,
        "p": str(port),
        "r": user,
        "u": local,
    }


def _tilde(name: str, target: SSHTarget) -> Path:
    if name == "~" or name.startswith("~/"):
        return target.home / name[2:]
    return Path(os.path.expanduser(name))  # ~user, or no tilde at all


def _expand(name: str, target: SSHTarget, tokens: dict[str, str]) -> Path:
    """~ first, then %-tokens and ${VAR} in one pass (ssh.c: tilde_expand_filename, then
    percent_dollar_expand), so no expanded value is ever expanded again."""

    def one(match: re.Match[str]) -> str:
        if match[1] is not None:  # ${VAR}
            if match[1] not in os.environ:
                raise ConnectError(
                    f"UserKnownHostsFile {name!r} names ${{{match[1]}}}, which is not set."
                )
            return os.environ[match[1]]
        if match[2] not in tokens:
            raise ConnectError(f"UserKnownHostsFile {name!r} uses the unknown token %{match[2]}.")
        return tokens[match[2]]

    return Path(_EXPANSION.sub(one, str(_tilde(name, target))))
