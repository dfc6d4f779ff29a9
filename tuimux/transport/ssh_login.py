"""The interactive part of an SSH login: key passphrases, passwords and
keyboard-interactive answers, asked through the UI only when they are needed."""

from __future__ import annotations

from collections.abc import Sequence

import asyncssh

from tuimux.control.escape import printable
from tuimux.transport.host_key_check import HostKeyCheck
from tuimux.transport.ssh_target import SSHTarget

MAX_PASSWORD_TRIES = 3
# A server's prompt is shown in full up to this length; past it, only its end is kept
# (the question itself comes last: PAM puts its messages before "Password: ").
MAX_PROMPT = 500


def locked_identities(paths: Sequence[str]) -> list[str]:
    """The key files that need a passphrase, so they can be asked for only when needed."""
    locked = []
    for path in paths:
        try:
            asyncssh.read_private_key(path)
        except asyncssh.KeyImportError as error:
            if "passphrase" in str(error).lower():
                locked.append(path)
        except (OSError, ValueError, asyncssh.Error):
            continue
    return locked


class SSHLogin(asyncssh.SSHClient):
    """Passphrases, passwords and keyboard-interactive answers, asked through the UI and
    handed straight to the login; none is stored."""

    def __init__(
        self,
        target: SSHTarget,
        locked: Sequence[str] = (),
        check: HostKeyCheck | None = None,
        who: str | None = None,
    ) -> None:
        self._target = target
        self._tries = 0
        self._locked = list(locked)
        self._check = check
        self._who = who or target.description

    def validate_host_public_key(
        self, host: str, addr: str, port: int, key: asyncssh.SSHKey
    ) -> bool:
        """A key no known_hosts entry trusts: OpenSSH's rules decide (see HostKeyCheck)."""
        return self._check is not None and self._check.decide(key)

    def validate_host_ca_key(self, host: str, addr: str, port: int, key: asyncssh.SSHKey) -> bool:
        """A host certificate signed by a CA that known_hosts does not trust for it."""
        return self._check is not None and self._check.decide_signer(key)

    async def public_key_auth_requested(self) -> list[asyncssh.SSHKeyPair] | None:
        """Called after the agent's and the unencrypted keys were refused, as OpenSSH
        asks for a passphrase only when it comes to that key."""
        ask = self._target.ask_secret
        while ask is not None and self._locked:
            path = self._locked.pop(0)
            for _ in range(MAX_PASSWORD_TRIES):
                passphrase = await ask(f"Enter passphrase for key '{path}':", True)
                if passphrase is None:
                    break  # Escape: go on without this key, like an empty answer to ssh
                try:
                    return list(asyncssh.load_keypairs([path], passphrase))
                except (ValueError, asyncssh.Error):
                    continue  # wrong passphrase: ask again
        return None

    async def password_auth_requested(self) -> str | None:
        ask = self._target.ask_secret
        if ask is None or self._tries >= MAX_PASSWORD_TRIES:
            return None
        self._tries += 1
        return await ask(f"{self._target.description}'s password:", True)

    def kbdint_auth_requested(self) -> str | None:
        return "" if self._target.ask_secret is not None else None

    async def kbdint_challenge_received(
        self, name: str, instructions: str, lang: str, prompts: Sequence[tuple[str, bool]]
    ) -> list[str] | None:
        ask = self._target.ask_secret
        if ask is None or self._tries >= MAX_PASSWORD_TRIES:
            return None
        if prompts:
            self._tries += 1
        answers = []
        for prompt, echo in prompts:
            answer = await ask(server_prompt(self._who, prompt), not echo)
            if answer is None:
                return None
            answers.append(answer)
        return answers


def server_prompt(who: str, prompt: str) -> str:
    """A keyboard-interactive prompt as the server's, never as tuimux's own.

    The text is the server's to choose: it could read "Enter passphrase for key
    '~/.ssh/id_ed25519':" and collect the passphrase of a local key. Like OpenSSH (8.4+),
    it is shown behind ``(user@host)``, a form none of tuimux's own prompts has; control
    characters cannot move it off the line, and only its last MAX_PROMPT characters are
    kept.
    """
    text = printable(" ".join(prompt.split()))
    if len(text) > MAX_PROMPT:
        text = "\N{HORIZONTAL ELLIPSIS}" + text[1 - MAX_PROMPT :]
    return f"({printable(who)}) {text}"
