"""OpenSSH's host-key trust, completely, against real sshds: the known_hosts files that
ssh_config names, StrictHostKeyChecking, the question asked about the key of the host
tuimux really talks to, hosts that offer only an unpinned key type, and how the line is
written."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import stat
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from tests.ssh.conftest import SSHServer, keygen, start_sshd, stop_sshd
from tuimux.errors import ConnectError, HostKeyError
from tuimux.transport.ssh import open_ssh
from tuimux.transport.ssh_settings import host_key_settings
from tuimux.transport.ssh_target import SSHTarget

RELAY = Path(__file__).with_name("relay.py")


def fingerprint(server: SSHServer) -> str:
    public = server.host_key.with_suffix(".pub").read_text().split()[1]
    digest = hashlib.sha256(base64.b64decode(public)).digest()
    return "SHA256:" + base64.b64encode(digest).decode().rstrip("=")


def other_key_line(tmp_path: Path, name: str, kind: str = "ed25519") -> str:
    """A known_hosts line pinning a key the server does not have."""
    path = keygen(tmp_path / f"other_{kind}_{len(list(tmp_path.iterdir()))}", kind)
    public = path.with_suffix(".pub").read_text().split()
    return f"{name} {public[0]} {public[1]}\n"


def target(server: SSHServer, *options: str) -> SSHTarget:
    (server.home / "etc").mkdir(exist_ok=True)
    return SSHTarget(
        "127.0.0.1",
        username=server.user,
        port=server.port,
        identities=(str(server.client_key),),
        options=options,
        home=server.home,
        system=server.home / "etc",
    )


class Asker:
    """Records each question; answers with ``answer`` (None: the test fails if asked)."""

    def __init__(self, answer: bool | None) -> None:
        self.answer = answer
        self.asked: list[tuple[str, str]] = []

    async def __call__(self, host: str, shown: str) -> bool:
        self.asked.append((host, shown))
        if self.answer is None:
            raise AssertionError(f"asked about {host} ({shown})")
        return self.answer


async def connects(ssh: SSHTarget) -> None:
    transport = await open_ssh(ssh, ["echo", "in"])
    try:
        assert await transport.read() == b"in\n"
    finally:
        await transport.close()


def name(server: SSHServer) -> str:
    return f"[127.0.0.1]:{server.port}"


# -- 1. UserKnownHostsFile / GlobalKnownHostsFile -------------------------------------


async def test_key_pinned_in_a_configured_file_that_changed_is_refused_not_asked(
    sshd: SSHServer, tmp_path: Path
) -> None:
    """A key pinned in a UserKnownHostsFile named with tokens, later changed: the host is
    refused as changed, naming that file's line, never turned into a first-use question."""
    (sshd.home / ".ssh" / "config").write_text(
        "Host 127.0.0.1\n    UserKnownHostsFile %d/pins/%h_%p ~/.ssh/unused\n"
    )
    pins = sshd.home / "pins"
    pins.mkdir()
    pinned = pins / f"127.0.0.1_{sshd.port}"
    pinned.write_text(other_key_line(tmp_path, name(sshd)))
    with pytest.raises(HostKeyError, match="has changed") as caught:
        await open_ssh(replace(target(sshd), ask_trust=Asker(None)), ["true"])
    assert f"{pinned}:1" in str(caught.value)
    assert fingerprint(sshd) in str(caught.value)


@pytest.mark.parametrize("source", ["user config", "system config", "-o"])
async def test_known_hosts_files_named_in_ssh_config_or_dash_o_vouch(
    sshd: SSHServer, source: str
) -> None:
    """Several files per keyword; the key in the second one (or in the global list of the
    system file) is trusted with no question."""
    (sshd.home / "second").write_text(sshd.host_public_line())
    ssh = target(sshd)
    if source == "user config":
        (sshd.home / ".ssh" / "config").write_text("UserKnownHostsFile ~/first ~/second\n")
    elif source == "system config":
        (sshd.home / "etc" / "ssh_config").write_text(
            f"Host *\n    GlobalKnownHostsFile {sshd.home}/none-here ~/second\n"
        )
    else:
        ssh = target(sshd, "UserKnownHostsFile=~/first ~/second")
    await connects(replace(ssh, ask_trust=Asker(None)))
    assert not (sshd.home / ".ssh" / "known_hosts").exists()


async def test_new_key_is_written_to_the_first_user_known_hosts_file(sshd: SSHServer) -> None:
    (sshd.home / "kh").mkdir()
    (sshd.home / ".ssh" / "config").write_text(
        "UserKnownHostsFile ~/kh/first_%p ~/.ssh/known_hosts\n"
    )
    asker = Asker(True)
    await connects(replace(target(sshd), ask_trust=asker))
    assert asker.asked == [(name(sshd), f"ssh-ed25519 key {fingerprint(sshd)}")]
    assert (sshd.home / "kh" / f"first_{sshd.port}").read_text() == sshd.host_public_line()
    assert not (sshd.home / ".ssh" / "known_hosts").exists()
    await connects(replace(target(sshd), ask_trust=Asker(None)))


@pytest.mark.parametrize("nowhere", ["none", "/dev/null"])
async def test_none_or_dev_null_never_turn_checking_off(
    sshd: SSHServer, tmp_path: Path, nowhere: str
) -> None:
    """Such names are dropped: the default files still vouch, a changed key is refused
    even with StrictHostKeyChecking no, and a new key is kept in ~/.ssh/known_hosts."""
    known = sshd.home / ".ssh" / "known_hosts"
    known.write_text(other_key_line(tmp_path, name(sshd)))
    relaxed = target(sshd, f"UserKnownHostsFile={nowhere}", "StrictHostKeyChecking=no")
    with pytest.raises(HostKeyError, match="has changed"):
        await open_ssh(relaxed, ["true"])
    known.unlink()
    await connects(relaxed)
    assert known.read_text() == sshd.host_public_line()


def test_known_hosts_names_expand_like_ssh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """ssh_config(5) TOKENS for UserKnownHostsFile (and ${VAR}); only ~ in the global list."""
    import getpass
    import socket

    monkeypatch.setenv("TUIMUX_TEST_DIR", "from-env")
    home, system = tmp_path / "home", tmp_path / "etc"
    ssh = SSHTarget(
        "typed-name",
        username="bob",
        port=2222,
        home=home,
        system=system,
        options=(
            "HostName real.example",
            "UserKnownHostsFile %d/%u/%h/%p/%r/%n/%%/${TUIMUX_TEST_DIR} ~/second",
            "GlobalKnownHostsFile ~/global %h",
        ),
    )
    settings = host_key_settings(ssh, _options_file(ssh, tmp_path))
    user = getpass.getuser()
    assert settings.user_files == (
        home / user / "real.example" / "2222" / "bob" / "typed-name" / "%" / "from-env",
        home / "second",
    )
    assert settings.global_files == (home / "global", Path("%h"))
    assert (settings.name, settings.port, settings.strict) == ("real.example", 2222, "ask")
    aliased = replace(ssh, options=("HostKeyAlias pinned", "UserKnownHostsFile /k/%k/%C/%L"))
    settings = host_key_settings(aliased, _options_file(aliased, tmp_path))
    short = socket.gethostname().split(".")[0]
    digest = hashlib.sha1(f"{socket.gethostname()}typed-name2222bob".encode()).hexdigest()
    assert settings.user_files == (Path(f"/k/pinned/{digest}/{short}"),)
    assert (settings.name, settings.port) == ("pinned", None)  # ssh saves an alias bare
    defaults = SSHTarget("h", home=home, system=system, read_config=False)
    settings = host_key_settings(defaults, [])
    assert settings.user_files == (home / ".ssh/known_hosts", home / ".ssh/known_hosts2")
    assert settings.global_files == (system / "ssh_known_hosts", system / "ssh_known_hosts2")
    for bad, says in [("%T", "unknown token %T"), ("${TUIMUX_UNSET_VAR}", "not set")]:
        broken = replace(ssh, options=(f"UserKnownHostsFile ~/{bad}",))
        with pytest.raises(ConnectError, match=re.escape(says)):
            host_key_settings(broken, _options_file(broken, tmp_path))


def _options_file(ssh: SSHTarget, tmp_path: Path) -> list[str]:
    from tuimux.transport.ssh_target import config_files

    private = tmp_path / f"options-{len(list(tmp_path.iterdir()))}"
    private.mkdir()
    return config_files(replace(ssh, read_config=False), private)


# -- 2. StrictHostKeyChecking ---------------------------------------------------------


async def test_strict_yes_refuses_an_unknown_host_without_asking(sshd: SSHServer) -> None:
    strict = replace(target(sshd, "StrictHostKeyChecking=yes"), ask_trust=Asker(None))
    with pytest.raises(HostKeyError) as caught:
        await open_ssh(strict, ["true"])
    message = str(caught.value)
    assert message.startswith(
        f"No ED25519 host key is known for {name(sshd)} and you have requested strict checking"
    )
    assert fingerprint(sshd) in message and "\n" not in message
    assert not (sshd.home / ".ssh" / "known_hosts").exists()


async def test_accept_new_adds_an_unknown_key_and_refuses_a_changed_one(
    sshd: SSHServer, tmp_path: Path
) -> None:
    (sshd.home / ".ssh" / "config").write_text("Host *\n    StrictHostKeyChecking accept-new\n")
    known = sshd.home / ".ssh" / "known_hosts"
    await connects(replace(target(sshd), ask_trust=Asker(None)))
    assert known.read_text() == sshd.host_public_line()
    await connects(replace(target(sshd), ask_trust=Asker(None)))
    known.write_text(other_key_line(tmp_path, name(sshd)))
    with pytest.raises(HostKeyError, match="has changed"):
        await open_ssh(replace(target(sshd), ask_trust=Asker(None)), ["true"])
    assert known.read_text().count("\n") == 1


@pytest.mark.parametrize("value", ["no", "off"])
async def test_strict_no_never_lets_a_changed_key_through(
    sshd: SSHServer, tmp_path: Path, value: str
) -> None:
    """tuimux's choice: ``no``/``off`` add a new host's key like OpenSSH (it is
    accept-new), but a changed key is refused, where OpenSSH would connect."""
    known = sshd.home / ".ssh" / "known_hosts"
    known.write_text(other_key_line(tmp_path, name(sshd)))
    relaxed = replace(target(sshd, f"StrictHostKeyChecking={value}"), ask_trust=Asker(None))
    with pytest.raises(HostKeyError, match="has changed"):
        await open_ssh(relaxed, ["true"])
    known.unlink()
    await connects(relaxed)
    assert known.read_text() == sshd.host_public_line()


async def test_strict_checking_is_read_per_host_and_checked(sshd: SSHServer) -> None:
    (sshd.home / ".ssh" / "config").write_text("Host elsewhere\n    StrictHostKeyChecking yes\n")
    asker = Asker(False)
    with pytest.raises(HostKeyError, match="not accepted; nothing was written"):
        await open_ssh(replace(target(sshd), ask_trust=asker), ["true"])
    assert [host for host, _ in asker.asked] == [name(sshd)]  # "ask": the default applies
    with pytest.raises(ConnectError, match="StrictHostKeyChecking 'maybe' is not one of"):
        await open_ssh(target(sshd, "StrictHostKeyChecking=maybe"), ["true"])


# -- 3. The question shows the key of the host tuimux talks to ------------------------


def _log(server: SSHServer) -> str:
    server.process.terminate()
    return server.process.communicate(timeout=5)[1].decode(errors="replace")


async def test_jump_host_question_shows_the_target_key_and_nothing_goes_direct(
    tmp_path: Path,
) -> None:
    """With -J every connection to the target goes through the jump host (the target
    counted each connection it got, the jump host each one it forwarded there), and the
    fingerprint asked about is the target's, not the jump host's."""
    destination = start_sshd(tmp_path, "target", log_level="DEBUG1")
    jump = start_sshd(tmp_path, "jump", log_level="DEBUG1")
    try:
        jump.trust()
        asker = Asker(True)
        via = replace(
            target(destination), jump=f"{jump.user}@127.0.0.1:{jump.port}", ask_trust=asker
        )
        await connects(via)
        assert asker.asked == [(name(destination), f"ssh-ed25519 key {fingerprint(destination)}")]
        assert fingerprint(jump) != fingerprint(destination)
    finally:
        target_log, jump_log = _log(destination), _log(jump)
    # The fixture's own "is it listening" probe never gets as far as a version string.
    arrived = len(re.findall(r"remote software version AsyncSSH", target_log))
    forwarded = len(
        re.findall(rf"direct_tcpip: .*target 127\.0\.0\.1 port {destination.port}\b", jump_log)
    )
    assert arrived == forwarded == 2


@pytest.fixture
def proxied(tmp_path: Path) -> Iterator[tuple[SSHServer, SSHServer]]:
    """A real host reached only by ProxyCommand, and an impostor (another sshd, another
    key) on the address and port its name points to."""
    real = start_sshd(tmp_path, "real")
    impostor = start_sshd(tmp_path, "impostor", host_key_type="rsa")
    try:
        yield real, impostor
    finally:
        stop_sshd(real)
        stop_sshd(impostor)


def _proxied_config(real: SSHServer, impostor: SSHServer, via_port: int) -> None:
    (real.home / ".ssh" / "config").write_text(
        "Host tuimux-target\n"
        "    HostName 127.0.0.1\n"
        f"    Port {impostor.port}\n"
        f"    User {real.user}\n"
        f"    IdentityFile {real.client_key}\n"
        "    HostKeyAlias tuimux-target-key\n"
        f"    ProxyCommand {sys.executable} {RELAY} 127.0.0.1 {via_port}\n"
    )


async def test_proxy_command_and_host_key_alias_are_honoured_for_the_question(
    proxied: tuple[SSHServer, SSHServer],
) -> None:
    real, impostor = proxied
    _proxied_config(real, impostor, real.port)
    alias = SSHTarget("tuimux-target", home=real.home, system=real.home / "etc")
    asker = Asker(True)
    await connects(replace(alias, ask_trust=asker))
    assert asker.asked == [("tuimux-target-key", f"ssh-ed25519 key {fingerprint(real)}")]
    public = real.host_key.with_suffix(".pub").read_text().split()
    known = real.home / ".ssh" / "known_hosts"
    assert known.read_text() == f"tuimux-target-key {public[0]} {public[1]}\n"
    await connects(replace(alias, ask_trust=Asker(None)))


async def test_the_accepted_key_is_the_only_one_the_real_connection_takes(
    proxied: tuple[SSHServer, SSHServer],
) -> None:
    """If what answers changes while the user reads the question, the connection that
    follows is refused: the key shown is the key of the host tuimux talks to."""
    real, impostor = proxied
    _proxied_config(real, impostor, real.port)

    async def yes_then_swap(host: str, shown: str) -> bool:
        _proxied_config(real, impostor, impostor.port)  # now the path leads elsewhere
        return True

    alias = SSHTarget("tuimux-target", home=real.home, system=real.home / "etc")
    with pytest.raises(HostKeyError, match="the key accepted a moment ago") as caught:
        await open_ssh(replace(alias, ask_trust=yes_then_swap), ["true"])
    assert fingerprint(impostor) in str(caught.value)


# -- 5. A host that offers only key types that are not pinned ------------------------


@pytest.mark.parametrize(("server_type", "pinned_type"), [("rsa", "ed25519"), ("ed25519", "rsa")])
@pytest.mark.parametrize("strict", ["ask", "accept-new"])
async def test_host_offering_only_an_unpinned_key_type_is_one_sentence(
    tmp_path: Path, server_type: str, pinned_type: str, strict: str
) -> None:
    server = start_sshd(tmp_path, "one-type", host_key_type=server_type)
    try:
        known = server.home / ".ssh" / "known_hosts"
        known.write_text(other_key_line(tmp_path, name(server), pinned_type))
        ssh = replace(target(server, f"StrictHostKeyChecking={strict}"), ask_trust=Asker(None))
        with pytest.raises(HostKeyError) as caught:
            await open_ssh(ssh, ["true"])
    finally:
        stop_sshd(server)
    message = str(caught.value)
    offered, pinned = (
        {"rsa": "RSA", "ed25519": "ED25519"}[server_type],
        {
            "rsa": "RSA",
            "ed25519": "ED25519",
        }[pinned_type],
    )
    assert message.startswith(f"Host key verification failed: no {offered} host key is known")
    assert f"{known}:1 has its {pinned} key" in message and fingerprint(server) in message
    assert "\n" not in message
    assert known.read_text().count("\n") == 1  # nothing added, whatever the setting


async def test_a_pinned_type_is_asked_for_first(tmp_path: Path) -> None:
    """A host with an RSA and an ED25519 key, only the ED25519 one pinned: the handshake
    asks for ED25519 (asyncssh's own order starts with RSA, which would look changed)."""
    rsa = keygen(tmp_path / "second_host_key", "rsa")
    server = start_sshd(tmp_path, "two-types", extra_config=f"HostKey {rsa}\n")
    try:
        server.trust()
        await connects(replace(target(server), ask_trust=Asker(None)))
    finally:
        stop_sshd(server)


# -- 6. How the line is written -------------------------------------------------------


@pytest.mark.parametrize("strict", ["ask", "accept-new"])
async def test_symlinked_known_hosts_is_not_written_through(
    sshd: SSHServer, tmp_path: Path, strict: str
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.write_text("# someone else's file\n")
    elsewhere.chmod(0o644)
    (sshd.home / ".ssh" / "known_hosts").symlink_to(elsewhere)
    ssh = replace(target(sshd, f"StrictHostKeyChecking={strict}"), ask_trust=Asker(True))
    with pytest.raises(HostKeyError, match="is a symbolic link") as caught:
        await open_ssh(ssh, ["true"])
    assert "\n" not in str(caught.value)
    assert elsewhere.read_text() == "# someone else's file\n"
    assert stat.S_IMODE(elsewhere.stat().st_mode) == 0o644


async def test_known_hosts_is_created_0600_in_a_new_0700_ssh_directory(
    sshd: SSHServer, tmp_path: Path
) -> None:
    home = tmp_path / "fresh-home"
    home.mkdir()
    ssh = replace(target(sshd), home=home, system=sshd.home / "etc", ask_trust=Asker(True))
    await connects(ssh)
    assert stat.S_IMODE((home / ".ssh").stat().st_mode) == 0o700
    known = home / ".ssh" / "known_hosts"
    assert stat.S_IMODE(known.stat().st_mode) == 0o600
    assert known.read_text() == sshd.host_public_line()


async def test_an_existing_file_keeps_its_mode_and_its_last_line(sshd: SSHServer) -> None:
    known = sshd.home / ".ssh" / "known_hosts"
    known.write_text("# no newline at the end")
    known.chmod(0o640)
    await connects(replace(target(sshd), ask_trust=Asker(True)))
    assert stat.S_IMODE(known.stat().st_mode) == 0o640
    assert known.read_text() == "# no newline at the end\n" + sshd.host_public_line()


async def test_a_fifo_or_a_device_is_neither_read_nor_written(
    sshd: SSHServer, tmp_path: Path
) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    ssh = replace(target(sshd, f"UserKnownHostsFile={fifo} /dev/zero"), ask_trust=Asker(True))
    with pytest.raises(HostKeyError, match="not a regular file"):
        await open_ssh(ssh, ["true"])


async def test_a_missing_directory_is_one_sentence(sshd: SSHServer, tmp_path: Path) -> None:
    ssh = replace(
        target(sshd, f"UserKnownHostsFile={tmp_path}/no/such/dir/known_hosts"),
        ask_trust=Asker(True),
    )
    with pytest.raises(HostKeyError, match="does not exist"):
        await open_ssh(ssh, ["true"])
    assert not (tmp_path / "no").exists()
