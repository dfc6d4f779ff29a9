"""OpenSSH's host-key decision for one connection attempt, made on the real connection.

asyncssh calls ``SSHClient.validate_host_public_key`` with the key the server sends in
the key exchange of the connection tuimux will use (through its ProxyJump or
ProxyCommand, looked up under its HostKeyAlias) whenever that key is not trusted yet.
:class:`HostKeyCheck` answers it, and remembers what it saw so the caller can explain a
refusal, ask the user about exactly that key, or record a key accepted under
``StrictHostKeyChecking accept-new``.

That hook is synchronous (asyncssh calls it from the key exchange's packet handler), so
the user cannot be asked while the handshake waits. Instead an unknown key ends the
attempt right after the key exchange (nothing is sent to an unverified host, not even
the user name); after a ``yes`` the next attempt over the same path has that one key
pinned, so any other key is refused as changed: the key shown is the key of the host
tuimux talks to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import asyncssh
from asyncssh.public_key import get_default_certificate_algs, get_default_public_key_algs

from tuimux.control.escape import printable
from tuimux.errors import HostKeyError
from tuimux.transport.known_hosts import KnownHosts, known_hosts_line, known_hosts_name
from tuimux.transport.ssh_settings import HostKeySettings

# sshkey_type() names for OpenSSH's messages ("No ED25519 host key is known for …").
_TYPE_NAMES = {
    "ssh-ed25519": "ED25519",
    "ssh-ed448": "ED448",
    "ssh-rsa": "RSA",
    "ssh-dss": "DSA",
    "sk-ssh-ed25519@openssh.com": "ED25519-SK",
    "sk-ecdsa-sha2-nistp256@openssh.com": "ECDSA-SK",
}


def key_type(key: asyncssh.SSHKey) -> str:
    algorithm = key.get_algorithm()
    if algorithm.startswith("ecdsa-"):
        return "ECDSA"
    return _TYPE_NAMES.get(algorithm, printable(algorithm))


def describe(key: asyncssh.SSHKey) -> str:
    """``ssh-ed25519 key SHA256:…``: what the user compares with the host's real key."""
    return f"{printable(key.get_algorithm())} key {key.get_fingerprint('sha256')}"


@dataclass
class HostKeyCheck:
    """The decision for one attempt; ``pinned`` is a key the user has just accepted."""

    settings: HostKeySettings
    known: KnownHosts
    pinned: asyncssh.SSHKey | None = None
    # What the attempt saw: the key that was not trusted, and why it was not.
    offered: asyncssh.SSHKey | None = field(default=None, init=False)
    verdict: str | None = field(default=None, init=False)
    signer: asyncssh.SSHKey | None = field(default=None, init=False)  # of a refused cert

    @property
    def name(self) -> str:
        """The host as known_hosts names it (``[alias]:port``)."""
        return known_hosts_name(self.settings.name, self.settings.port)

    def matches(self) -> tuple[list[Any], ...]:
        found = self.known.match(self.settings.name, self.settings.port)
        trusted = [*found[0], *([self.pinned] if self.pinned is not None else [])]
        return (trusted, *found[1:])

    def known_hosts(self, _host: str, _addr: str, _port: int | None) -> tuple[list[Any], ...]:
        """asyncssh's known_hosts callable: this host's entries, looked up by the name
        ssh would use (HostKeyAlias, else HostName), never by the peer's address."""
        return self.matches()

    def algorithms(self) -> list[str] | None:
        """Host key algorithms with the pinned types first, as OpenSSH orders them.

        asyncssh would offer *only* the pinned types, so a host that kept just another
        type of key ended the handshake with "Connection reset"; offered in this order,
        the host shows that other key and it is refused with a sentence that says so.
        Certificates are asked for only when a CA is trusted for the host (else a host
        certificate from an unknown CA would hide the plain key ssh falls back to).
        None leaves a ``HostKeyAlgorithms`` with ``+``/``-``/``^`` to asyncssh.
        """
        trusted, authorities = self.matches()[:2]
        configured = self.settings.algorithms
        if configured is not None and configured[:1] in ("+", "-", "^"):
            return None
        if configured is not None:
            base = [name.strip() for name in configured.split(",") if name.strip()]
        else:
            plain = [name.decode("ascii") for name in get_default_public_key_algs()]
            certificates = [name.decode("ascii") for name in get_default_certificate_algs()]
            base = (certificates if authorities else []) + plain
        first = [
            name.decode("ascii")
            for key in trusted
            for name in key.sig_algorithms
            if name.decode("ascii") in base
        ]
        return list(dict.fromkeys(first + base))

    def decide(self, key: asyncssh.SSHKey) -> bool:
        """Called by asyncssh for a key that is neither trusted nor revoked."""
        self.offered = key
        trusted, authorities = self.matches()[:2]
        if any(known.get_algorithm() == key.get_algorithm() for known in trusted):
            self.verdict = "changed"
        elif trusted:
            self.verdict = "other-type"
        elif authorities:
            self.verdict = "not-signed"
        else:
            self.verdict = {"yes": "strict", "accept-new": "new", "ask": "ask"}[
                self.settings.strict
            ]
        return self.verdict == "new"

    def decide_signer(self, authority: asyncssh.SSHKey) -> bool:
        """Called by asyncssh for a host certificate signed by a CA not trusted here."""
        self.signer = authority
        self.verdict = "not-signed"
        return False

    def line(self) -> str:
        """What accepting the offered key appends (hashed under ``HashKnownHosts yes``)."""
        assert self.offered is not None
        return known_hosts_line(
            self.settings.name, self.settings.port, self.offered, hashed=self.settings.hashed
        )

    def refusal(self, reason: str) -> HostKeyError:
        """One sentence for a key that was not accepted; ``reason`` is asyncssh's."""
        files = " or ".join(str(path) for path in self.known.files) or "no known_hosts file"
        where = ", ".join(self.known.where(self.settings.name, self.settings.port)) or files
        if self.pinned is not None:
            where = f"the key accepted a moment ago ({describe(self.pinned)})"
        remove = f"'ssh-keygen -R {self.name}'"
        key = self.offered
        if self.signer is not None:
            return HostKeyError(
                f"The host certificate of {self.name} is not signed by the certificate "
                f"authority that {where} trusts for it (its signer is the "
                f"{describe(self.signer)}). Refusing to connect."
            )
        if key is None:  # refused before our hook: revoked, or a certificate problem
            if "revoked" in reason.lower():
                marked = ", ".join(
                    self.known.where(self.settings.name, self.settings.port, revoked=True)
                )
                return HostKeyError(
                    f"The host key of {self.name} is marked @revoked in {marked or files}. "
                    "Refusing to connect."
                )
            return HostKeyError(
                f"The host key of {self.name} was not accepted ({printable(reason)}). "
                "Refusing to connect."
            )
        shown = describe(key)
        if self.verdict == "changed":
            return HostKeyError(
                f"The host key of {self.name} has changed: it now offers the {shown}, which "
                f"does not match {where}. Refusing to connect; if the change is expected, "
                f"remove the old entry with {remove}."
            )
        if self.verdict == "other-type":
            pinned = ", ".join(sorted({key_type(known) for known in self.matches()[0]}))
            return HostKeyError(
                f"Host key verification failed: no {key_type(key)} host key is known for "
                f"{self.name}, which offers only the {shown}, while {where} has its {pinned} "
                "key, which it did not offer. Refusing to connect; if the host really dropped "
                f"that key, remove the old entry with {remove}."
            )
        if self.verdict == "not-signed":
            # OpenSSH would fall back to asking about the plain key; a host that should show
            # a CA-signed key and does not is refused instead (it is what an impostor does).
            return HostKeyError(
                f"The host key of {self.name} ({shown}) is not signed by the certificate "
                f"authority that {where} trusts for it. Refusing to connect."
            )
        if self.verdict == "strict":
            return HostKeyError(
                f"No {key_type(key)} host key is known for {self.name} and you have requested "
                f"strict checking: it offers the {shown}, which is in none of {files}."
            )
        return HostKeyError(
            f"The authenticity of {self.name} cannot be established: it offers the {shown}, "
            "which is in no known_hosts file. Refusing to connect.",
            host=self.name,
            fingerprint=shown,
            known_hosts_line=self.line(),
        )
