"""SSH transport against a real sshd: key auth, attach, and OpenSSH's host-key rules."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.conftest import TmuxServer
from tests.ssh.conftest import SSHServer, keygen
from tuimux.client import TmuxClient
from tuimux.errors import ConnectError, HostKeyError
from tuimux.transport.ssh import open_ssh, remote_command
from tuimux.transport.ssh_target import SSHTarget, parse_destination


def target(server: SSHServer) -> SSHTarget:
    return SSHTarget(
        "127.0.0.1",
        username=server.user,
        port=server.port,
        identities=(str(server.client_key),),
        home=server.home,
        system=server.home / "etc",
        read_config=False,
    )


def tmux_argv(tmux_server: TmuxServer, session: str) -> list[str]:
    return ["tmux", "-u", "-L", tmux_server.socket_name, "-C", "attach-session", "-t", session]


async def test_key_auth_attaches_to_remote_tmux(sshd: SSHServer, tmux_server: TmuxServer) -> None:
    tmux_server.new_session("remote")
    sshd.trust()
    transport = await open_ssh(target(sshd), tmux_argv(tmux_server, "remote"))
    client = TmuxClient(transport)
    try:
        changed = await client.start()
        assert changed.name == "remote"
        reply = await client.command("display-message", "-p", "#{session_name} é")
        assert reply.text == ["remote é"]
    finally:
        await client.detach()
    assert "remote" in tmux_server.run("list-sessions", "-F", "#{session_name}")


async def test_unknown_host_is_refused_with_its_fingerprint(
    sshd: SSHServer, tmux_server: TmuxServer
) -> None:
    public = sshd.host_key.with_suffix(".pub").read_text().split()[1]
    import base64
    import hashlib

    fingerprint = base64.b64encode(hashlib.sha256(base64.b64decode(public)).digest())
    expected = "SHA256:" + fingerprint.decode().rstrip("=")
    with pytest.raises(HostKeyError, match="cannot be established") as caught:
        await open_ssh(target(sshd), ["true"])
    assert expected in str(caught.value)
    assert not (sshd.home / ".ssh" / "known_hosts").exists()


async def test_changed_host_key_is_refused(sshd: SSHServer, tmp_path) -> None:  # type: ignore[no-untyped-def]
    other = keygen(tmp_path / "other_host_key")
    public = other.with_suffix(".pub").read_text().split()
    known = sshd.home / ".ssh" / "known_hosts"
    known.write_text(
        f"# a comment\nother.example ssh-ed25519 {public[1]}\n"
        f"[127.0.0.1]:{sshd.port} {public[0]} {public[1]}\n"
    )
    with pytest.raises(HostKeyError, match="has changed") as caught:
        await open_ssh(target(sshd), ["true"])
    assert f"{known}:3" in str(caught.value)
    assert "SHA256:" in str(caught.value)


async def test_revoked_host_key_is_refused(sshd: SSHServer) -> None:
    public = sshd.host_key.with_suffix(".pub").read_text().split()
    (sshd.home / ".ssh" / "known_hosts").write_text(
        f"{sshd.host_public_line()}@revoked * {public[0]} {public[1]}\n"
    )
    with pytest.raises(HostKeyError, match="revoked"):
        await open_ssh(target(sshd), ["true"])


def test_destinations() -> None:
    assert parse_destination("alice@example.org") == ("alice", "example.org")
    assert parse_destination("example.org") == (None, "example.org")
    for bad in ["-oProxyCommand=touch x", "", "a b", "user@"]:
        with pytest.raises(ConnectError):
            parse_destination(bad)


def test_remote_command_is_quoted() -> None:
    assert remote_command(["tmux", "-L", "a b", "new", "-s", "$(touch x);'"]) == (
        "tmux -L 'a b' new -s '$(touch x);'\"'\"''"
    )


async def test_connect_ssh_creates_the_session_and_the_app_types(
    sshd: SSHServer, tmux_server: TmuxServer
) -> None:
    from tests.helpers import eventually
    from tuimux.connect import Target, connect_ssh
    from tuimux.ui.app import TuimuxApp

    tmux_server.new_session("other")  # the server runs; session "s" does not exist yet
    sshd.trust()
    where = Target(socket_name=tmux_server.socket_name, session="s")
    app = TuimuxApp(await connect_ssh(target(sshd), where, 80, 24))
    async with app.run_test(size=(80, 25)) as pilot:
        await eventually(lambda: bool(app.window_view.panes))
        await pilot.press(*"echo over-$((40+2))", "enter")
        await eventually(lambda: "over-42" in tmux_server.capture("s:"))
        await pilot.press("ctrl+b", "d")
        await eventually(lambda: not app.is_running)
    assert app.return_code == 0
    assert {"s", "other"} <= set(tmux_server.run("list-sessions", "-F", "#{session_name}").split())


async def test_missing_remote_tmux_is_one_sentence(sshd: SSHServer) -> None:
    from tuimux.connect import Target, connect_ssh

    sshd.trust()
    where = Target(tmux="/nonexistent/bin/tmux", socket_name="x", session="s")
    with pytest.raises(ConnectError, match="tmux is not installed on") as caught:
        await connect_ssh(target(sshd), where, 80, 24)
    assert "\n" not in str(caught.value)


async def test_unreachable_port_is_one_sentence(sshd: SSHServer) -> None:
    from tests.ssh.conftest import free_port

    closed = SSHTarget(
        "127.0.0.1", port=free_port(), home=sshd.home, system=sshd.home / "etc", read_config=False
    )
    with pytest.raises(ConnectError, match=r"Could not connect to 127\.0\.0\.1"):
        await open_ssh(closed, ["true"])


async def test_ssh_config_cannot_turn_host_key_checking_off(sshd: SSHServer, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The classic "checking off" recipe: the key is kept in ~/.ssh/known_hosts (``none``
    is not honoured, ``no`` acts as accept-new), and a changed key is then refused."""
    (sshd.home / ".ssh" / "config").write_text(
        "Host *\n    UserKnownHostsFile none\n    StrictHostKeyChecking no\n"
    )
    relaxed = SSHTarget(
        "127.0.0.1",
        username=sshd.user,
        port=sshd.port,
        identities=(str(sshd.client_key),),
        home=sshd.home,
        system=sshd.home / "etc",
        read_config=True,
    )
    await (await open_ssh(relaxed, ["true"])).close()
    known = sshd.home / ".ssh" / "known_hosts"
    assert known.read_text() == sshd.host_public_line()
    other = keygen(tmp_path / "other_host_key").with_suffix(".pub").read_text().split()
    known.write_text(f"[127.0.0.1]:{sshd.port} {other[0]} {other[1]}\n")
    with pytest.raises(HostKeyError, match="has changed"):
        await open_ssh(relaxed, ["true"])


@pytest.mark.parametrize(
    ("keys", "accepted"),
    [
        (["y", "e", "s", "enter"], True),
        (["y", "enter"], False),
        (["n", "o", "enter"], False),
        (["escape"], False),
        (["Y", "E", "S", "enter"], False),
    ],
)
async def test_trust_prompt_accepts_only_yes(keys: list[str], accepted: bool) -> None:
    from tuimux.ui.trust import TrustHostApp

    app = TrustHostApp("[127.0.0.1]:2222", "ssh-ed25519 key SHA256:abc")
    async with app.run_test() as pilot:
        shown = str(app.query_one("Static").render())
        assert "SHA256:abc" in shown and "(yes/no)" in shown
        await pilot.press(*keys)
        await pilot.pause()
    assert app.return_value is accepted


async def test_accepting_an_unknown_key_writes_it_safely_then_connects(
    sshd: SSHServer, tmux_server: TmuxServer
) -> None:
    import stat

    tmux_server.new_session("s")
    with pytest.raises(HostKeyError) as caught:
        await open_ssh(target(sshd), tmux_argv(tmux_server, "s"))
    line = caught.value.known_hosts_line
    assert line is not None and line.startswith(f"[127.0.0.1]:{sshd.port} ssh-ed25519 ")
    assert line.split()[2] == sshd.host_key.with_suffix(".pub").read_text().split()[1]

    async def yes(host: str, shown: str) -> bool:
        return True

    client = TmuxClient(
        await open_ssh(replace(target(sshd), ask_trust=yes), tmux_argv(tmux_server, "s"))
    )
    try:
        assert (await client.start()).name == "s"
    finally:
        await client.detach()
    path = sshd.home / ".ssh" / "known_hosts"
    assert path.read_text() == line
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


async def test_proxy_jump_goes_through_the_jump_host(
    sshd: SSHServer, jump_sshd: SSHServer, tmux_server: TmuxServer
) -> None:
    tmux_server.new_session("s")
    sshd.trust()
    jump_sshd.trust()
    via = replace(target(sshd), jump=f"{jump_sshd.user}@127.0.0.1:{jump_sshd.port}")
    client = TmuxClient(await open_ssh(via, tmux_argv(tmux_server, "s")))
    try:
        assert (await client.start()).name == "s"
    finally:
        await client.detach()
    jump_sshd.process.terminate()
    log = jump_sshd.process.communicate(timeout=5)[1].decode(errors="replace")
    # The jump host saw our key and forwarded the connection to the target.
    assert "Accepted publickey" in log and "Entering interactive session" in log
    assert f"direct_tcpip: originator  port 0, target 127.0.0.1 port {sshd.port}" in log


async def test_unknown_jump_host_is_refused(sshd: SSHServer, jump_sshd: SSHServer) -> None:
    sshd.trust()  # the target is known, the jump host is not
    via = replace(target(sshd), jump=f"127.0.0.1:{jump_sshd.port}")
    with pytest.raises(HostKeyError, match="cannot be established"):
        await open_ssh(via, ["true"])


async def test_agent_auth(
    sshd: SSHServer,
    tmux_server: TmuxServer,
    tmp_path,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    import os
    import subprocess

    tmux_server.new_session("s")
    sshd.trust()
    no_keys = SSHTarget(
        "127.0.0.1",
        username=sshd.user,
        port=sshd.port,
        home=sshd.home,
        system=sshd.home / "etc",
        read_config=False,
    )
    # The test key lives only in the test HOME, so without the agent nothing works ...
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    with pytest.raises(ConnectError, match="refused every key"):
        await open_ssh(no_keys, ["true"])
    # ... and with the key in an agent, tuimux logs in through the agent.
    sock = tmp_path / "agent.sock"
    agent = subprocess.Popen(["ssh-agent", "-D", "-a", str(sock)], stdout=subprocess.DEVNULL)
    try:
        from tests.helpers import eventually

        await eventually(sock.exists)
        env = {**os.environ, "SSH_AUTH_SOCK": str(sock)}
        subprocess.run(["ssh-add", "-q", str(sshd.client_key)], env=env, check=True)
        monkeypatch.setenv("SSH_AUTH_SOCK", str(sock))
        client = TmuxClient(await open_ssh(no_keys, tmux_argv(tmux_server, "s")))
        try:
            assert (await client.start()).name == "s"
        finally:
            await client.detach()
    finally:
        agent.terminate()
        agent.wait(5)


async def test_changed_key_found_in_a_hashed_known_hosts(sshd: SSHServer, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import subprocess

    other = keygen(tmp_path / "old_host_key")
    public = other.with_suffix(".pub").read_text().split()
    known = sshd.home / ".ssh" / "known_hosts"
    known.write_text(f"[127.0.0.1]:{sshd.port} {public[0]} {public[1]}\n")
    subprocess.run(["ssh-keygen", "-q", "-H", "-f", str(known)], check=True, capture_output=True)
    assert known.read_text().startswith("|1|")
    with pytest.raises(HostKeyError, match="has changed") as caught:
        await open_ssh(target(sshd), ["true"])
    assert f"{known}:1" in str(caught.value)


async def test_dash_o_options_apply_and_cannot_disable_host_keys(
    sshd: SSHServer, tmux_server: TmuxServer
) -> None:
    tmux_server.new_session("s")
    # Port and User come only from -o here.
    via_options = replace(
        target(sshd), port=None, username=None, options=(f"Port={sshd.port}", f"User {sshd.user}")
    )
    with pytest.raises(HostKeyError, match="cannot be established") as caught:
        await open_ssh(via_options, ["true"])
    assert caught.value.host == f"[127.0.0.1]:{sshd.port}"
    assert caught.value.known_hosts_line == sshd.host_public_line()
    # /dev/null is not honoured: with "no" (accept-new) the key lands in ~/.ssh/known_hosts.
    relaxed = (*via_options.options, "UserKnownHostsFile=/dev/null", "StrictHostKeyChecking=no")
    await (await open_ssh(replace(via_options, options=relaxed), ["true"])).close()
    assert (sshd.home / ".ssh" / "known_hosts").read_text() == sshd.host_public_line()
    client = TmuxClient(await open_ssh(via_options, tmux_argv(tmux_server, "s")))
    try:
        assert (await client.start()).name == "s"
    finally:
        await client.detach()


def test_bad_dash_o_options_are_refused() -> None:
    from tuimux.transport.ssh_target import options_config

    assert options_config(["Port=22", "User alice"]) == "Port 22\nUser alice\n"
    for bad in ["Port", "=22", "Port=22\nProxyCommand x"]:
        with pytest.raises(ConnectError):
            options_config([bad])


@pytest.mark.parametrize("answer", [True, False])
async def test_first_connection_asks_then_trusts_or_writes_nothing(
    sshd: SSHServer, tmux_server: TmuxServer, answer: bool
) -> None:
    from tuimux.cli import connect_ssh_asking
    from tuimux.connect import Target

    tmux_server.new_session("s")
    asked: list[tuple[str, str]] = []

    async def ask(host: str, fingerprint: str) -> bool:
        asked.append((host, fingerprint))
        return answer

    where = Target(socket_name=tmux_server.socket_name, session="s")
    known = sshd.home / ".ssh" / "known_hosts"
    if answer:
        client = await connect_ssh_asking(target(sshd), where, ask)
        await client.detach()
        assert known.read_text() == sshd.host_public_line()
    else:
        with pytest.raises(HostKeyError, match="not accepted; nothing was written"):
            await connect_ssh_asking(target(sshd), where, ask)
        assert not known.exists()
    assert asked and asked[0][0] == f"[127.0.0.1]:{sshd.port}" and "SHA256:" in asked[0][1]


async def test_ssh_config_missing_or_broken(sshd: SSHServer, tmux_server: TmuxServer) -> None:
    tmux_server.new_session("s")
    sshd.trust()
    reading = replace(target(sshd), read_config=True)
    assert not (sshd.home / ".ssh" / "config").exists()
    client = TmuxClient(await open_ssh(reading, tmux_argv(tmux_server, "s")))
    await client.start()
    await client.detach()
    (sshd.home / ".ssh" / "config").write_text("Host *\n    Port notanumber\n")
    with pytest.raises(ConnectError, match="could not be read") as caught:
        await open_ssh(reading, ["true"])
    assert "\n" not in str(caught.value)


async def test_password_is_asked_and_wrong_ones_are_refused(
    password_sshd: SSHServer,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    from tests.ssh.conftest import PASSWORD

    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    password_sshd.trust()
    asked: list[tuple[str, bool]] = []

    def answering(*answers: str | None):  # type: ignore[no-untyped-def]
        queue = list(answers)

        async def ask(prompt: str, hidden: bool) -> str | None:
            asked.append((prompt, hidden))
            return queue.pop(0) if queue else None

        return ask

    base = SSHTarget(
        "127.0.0.1",
        username=password_sshd.user,
        port=password_sshd.port,
        home=password_sshd.home,
        system=password_sshd.home / "etc",
        read_config=False,
    )
    transport = await open_ssh(
        replace(base, ask_secret=answering("wrong", PASSWORD)), ["echo", "logged-in"]
    )
    try:
        assert await transport.read() == b"logged-in\n"
    finally:
        await transport.close()
    assert len(asked) == 2 and all(hidden for _, hidden in asked)
    assert "password" in asked[0][0]
    asked.clear()
    with pytest.raises(ConnectError, match="refused every key and password"):
        await open_ssh(replace(base, ask_secret=answering("no", "nope", "never")), ["true"])
    assert len(asked) == 3  # then tuimux stops asking


async def test_secret_prompt_hides_input_and_escape_gives_up() -> None:
    from textual.widgets import Input

    from tuimux.ui.trust import SecretApp

    app = SecretApp("alice@host's password:")
    async with app.run_test() as pilot:
        assert app.query_one(Input).password
        await pilot.press(*"s3cret", "enter")
    assert app.return_value == "s3cret"
    app = SecretApp("Password:")
    async with app.run_test() as pilot:
        await pilot.press("x", "escape")
    assert app.return_value is None


async def test_host_block_in_ssh_config_applies_with_its_proxy_jump(
    sshd: SSHServer,
    jump_sshd: SSHServer,
    tmux_server: TmuxServer,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    """An alias from ~/.ssh/config: HostName, Port, User, IdentityFile and ProxyJump of its
    Host block apply; the hop is connected by tuimux under its own host-key rules."""
    from tuimux.transport.ssh import configured_jump

    monkeypatch.setenv("HOME", str(sshd.home))  # the hop offers ~/.ssh/id_*, as ssh does
    tmux_server.new_session("s")
    (sshd.home / ".ssh" / "config").write_text(
        "Host tuimux-alias\n"
        "    HostName 127.0.0.1\n"
        f"    Port {sshd.port}\n"
        f"    User {sshd.user}\n"
        f"    IdentityFile {sshd.client_key}\n"
        f"    ProxyJump {jump_sshd.user}@127.0.0.1:{jump_sshd.port}\n"
    )
    alias = SSHTarget("tuimux-alias", home=sshd.home, system=sshd.home / "etc")
    assert configured_jump(alias) == f"{jump_sshd.user}@127.0.0.1:{jump_sshd.port}"
    assert configured_jump(replace(alias, host="elsewhere")) is None
    sshd.trust()
    with pytest.raises(HostKeyError, match="cannot be established") as caught:
        await open_ssh(alias, ["true"])  # the jump host is not known yet
    assert caught.value.host == f"[127.0.0.1]:{jump_sshd.port}"
    jump_sshd.trust()
    client = TmuxClient(await open_ssh(alias, tmux_argv(tmux_server, "s")))
    try:
        assert (await client.start()).name == "s"
    finally:
        await client.detach()
    jump_sshd.process.terminate()
    log = jump_sshd.process.communicate(timeout=5)[1].decode(errors="replace")
    assert "Accepted publickey" in log and "Entering interactive session" in log
    assert f"direct_tcpip: originator  port 0, target 127.0.0.1 port {sshd.port}" in log


async def test_unknown_host_behind_an_alias_is_named_by_its_host_name(sshd: SSHServer) -> None:
    (sshd.home / ".ssh" / "config").write_text(
        f"Host tuimux-alias\n    HostName 127.0.0.1\n    Port {sshd.port}\n"
        f"    User {sshd.user}\n    IdentityFile {sshd.client_key}\n"
    )
    with pytest.raises(HostKeyError, match="cannot be established") as caught:
        await open_ssh(
            SSHTarget("tuimux-alias", home=sshd.home, system=sshd.home / "etc"), ["true"]
        )
    assert caught.value.host == f"[127.0.0.1]:{sshd.port}"
    assert caught.value.known_hosts_line == sshd.host_public_line()
