"""The client against a real tmux: every control-mode trap of DESIGN.md has a test here."""

from __future__ import annotations

import asyncio

import pytest

from tests.conftest import TmuxServer
from tests.helpers import Recorder, open_client
from tuimux.client import TmuxClient
from tuimux.control import events as ev
from tuimux.errors import ConnectError, TmuxError
from tuimux.transport.local import LocalTransport, tmux_argv


async def test_attach_then_commands_pair_in_order(tmux_server: TmuxServer) -> None:
    tmux_server.new_session("s")
    client = await open_client(tmux_server)
    try:
        assert client.session_id is not None and client.session_id.startswith("$")
        replies = await asyncio.gather(
            *(client.command("display-message", "-p", f"n{i}") for i in range(20))
        )
        assert [reply.text for reply in replies] == [[f"n{i}"] for i in range(20)]
    finally:
        await client.detach()
    assert "s" in tmux_server.run("list-sessions", "-F", "#{session_name}").split()


async def test_commands_written_before_attach_run_after_it(tmux_server: TmuxServer) -> None:
    # tmux 3.3a runs stdin commands before the argv attach unless the client waits for
    # %session-changed: the session name would then come back empty.
    tmux_server.new_session("early")
    client = await open_client(tmux_server, ["attach-session", "-t", "early"], start=False)
    try:
        pending = client.send(["display-message -p '#{session_name}'"])
        await client.start()
        reply = await asyncio.wait_for(pending[0], 10)
        assert reply.text == ["early"]
    finally:
        await client.detach()


async def test_flags_zero_hook_blocks_are_not_replies(tmux_server: TmuxServer) -> None:
    tmux_server.new_session("s")
    tmux_server.run("set-hook", "-g", "after-split-window", "rename-window hooked")
    client = await open_client(tmux_server)
    try:
        split = await client.command("split-window", "-P", "-F", "#{pane_id}", "-t", "s")
        after = await client.command("display-message", "-p", "marker")
        assert split.text[0].startswith("%")
        assert after.text == ["marker"]
        assert tmux_server.display("s:", "#{window_name}") == "hooked"
    finally:
        await client.detach()


async def test_block_content_that_looks_like_protocol(tmux_server: TmuxServer) -> None:
    tmux_server.new_session(
        "s", command="printf '%%end 1 2 1\\n%%begin 3 4 1\\n%%error 5 6 1\\n'; sleep 30"
    )
    tmux_server.wait_for(lambda: "%error" in tmux_server.capture("s"))
    client = await open_client(tmux_server)
    try:
        reply = await client.command("capture-pane", "-p", "-t", "s")
        assert reply.text[:3] == ["%end 1 2 1", "%begin 3 4 1", "%error 5 6 1"]
        assert (await client.command("display-message", "-p", "next")).text == ["next"]
    finally:
        await client.detach()


async def test_failed_command_drops_the_rest_of_its_group(tmux_server: TmuxServer) -> None:
    tmux_server.new_session("s")
    client = await open_client(tmux_server)
    try:
        futures = client.send(
            ["display-message -p A", "select-window -t @999", "display-message -p B"]
        )
        first, second, third = await asyncio.gather(*futures, return_exceptions=True)
        assert isinstance(first, ev.Reply) and first.text == ["A"]
        assert isinstance(second, TmuxError) and "@999" in str(second)
        assert isinstance(third, TmuxError) and "not run" in str(third)
        # The FIFO is still in step: the next command gets its own reply.
        assert (await client.command("display-message", "-p", "C")).text == ["C"]
    finally:
        await client.detach()


async def test_parse_error_gives_one_block_for_the_whole_line(tmux_server: TmuxServer) -> None:
    tmux_server.new_session("s")
    client = await open_client(tmux_server)
    try:
        futures = client.send(["display-message -p A", "no-such-command", "display-message -p B"])
        results = await asyncio.gather(*futures, return_exceptions=True)
        assert all(isinstance(result, TmuxError) for result in results)
        assert (await client.command("display-message", "-p", "D")).text == ["D"]
    finally:
        await client.detach()


async def test_pause_and_continue_arrive_inside_the_refresh_client_block(
    tmux_server: TmuxServer,
) -> None:
    tmux_server.new_session("s")
    client = await open_client(tmux_server)
    recorder = Recorder(client)
    try:
        await client.command("refresh-client", "-f", "pause-after=1")
        pane = tmux_server.display("s:", "#{pane_id}")
        reply = await client.command("refresh-client", "-A", f"{pane}:pause")
        assert not any(line.startswith(b"%pause") for line in reply.lines)
        assert await recorder.wait_for(lambda e: e == ev.Pause(pane), 5)
        await client.command("refresh-client", "-A", f"{pane}:continue")
        assert await recorder.wait_for(lambda e: e == ev.Continue(pane), 5)
        assert (await client.command("display-message", "-p", "ok")).text == ["ok"]
    finally:
        await client.detach()


async def test_utf8_split_across_output_lines_decodes_whole(tmux_server: TmuxServer) -> None:
    from tuimux.terminal.pane import PaneTerminal

    tmux_server.new_session("s", width=200, height=50)
    client = await open_client(tmux_server)
    recorder = Recorder(client)
    pane = tmux_server.display("s:", "#{pane_id}")
    try:
        await client.command(
            "send-keys",
            "-t",
            pane,
            "-l",
            "--",
            "python3 -c \"print('\\u00e9'*30000, end='')\"; sleep 30",
        )
        await client.command("send-keys", "-t", pane, "Enter")
        await recorder.wait_for(
            lambda e: isinstance(e, ev.Output) and e.data.count("é".encode()) > 0, 10
        )
        await asyncio.sleep(0)  # let the whole flood arrive
        chunks: list[bytes] = []

        def total() -> int:
            chunks[:] = [e.data for e in recorder.events if isinstance(e, ev.Output)]
            return b"".join(chunks).count("é".encode())

        from tests.helpers import eventually

        await eventually(lambda: total() >= 30000)
        broken = 0
        for chunk in chunks:
            try:
                chunk.decode("utf-8")
            except UnicodeDecodeError:
                broken += 1
        assert broken > 0, "tmux did not split a character this time; the test proves nothing"
        # Tall enough to hold all 30000 characters without scrolling (same width as tmux).
        terminal = PaneTerminal(pane, 200, 200)
        for chunk in chunks:
            terminal.receive(chunk)
        terminal.feed_pending()
        text = "".join(terminal.screen.buffer[y][x].data for y in range(200) for x in range(200))
        assert "\ufffd" not in text
        assert text.count("é") == 30000
    finally:
        await client.detach()


async def test_missing_session_is_one_clear_error(tmux_server: TmuxServer) -> None:
    tmux_server.new_session("s")
    with pytest.raises(ConnectError, match=r"(?i)can't find session"):
        await open_client(tmux_server, ["attach-session", "-t", "nope"])


async def test_exit_ends_pending_commands(tmux_server: TmuxServer) -> None:
    tmux_server.new_session("s")
    client = await open_client(tmux_server)
    recorder = Recorder(client)
    tmux_server.kill()
    await asyncio.wait_for(client.wait_closed(), 10)
    assert any(isinstance(e, ev.Exit) for e in recorder.events)
    futures = client.send(["display-message -p late"])
    with pytest.raises(ConnectError):
        await futures[0]
    await client.close()


async def test_watchdog_says_when_tmux_holds_the_queue(tmux_server: TmuxServer) -> None:
    """tmux 3.3+ holds a client's queue while a prompt a hook opened for it waits: the
    watchdog reports it once, naming the waiting command and the one answered last."""
    tmux_server.new_session("s")
    tmux_server.run("set-hook", "-g", "after-new-window", "confirm-before -p x kill-server")
    client = await open_client(tmux_server)
    client.stall_after = 0.3
    recorder = Recorder(client)
    try:
        await client.command("new-window", "-d")
        waiting = client.send(["list-windows"])
        if tmux_server.run("-V").split()[1] < "3.3":  # 3.2a runs confirm-before and goes on
            await asyncio.wait_for(waiting[0], 5)
            assert not any(isinstance(e, ev.Stalled) for e in recorder.events)
            return
        stalled = await recorder.wait_for(lambda e: isinstance(e, ev.Stalled), timeout=5)
        assert isinstance(stalled, ev.Stalled)
        assert (stalled.command, stalled.after) == ("list-windows", "new-window")
        assert stalled.seconds >= 0.3 and client.stalled
        assert not waiting[0].done()
    finally:
        await client.close()
    assert tmux_server.run("list-sessions", "-F", "#S").split() == ["s"]


async def test_watchdog_gives_slow_commands_time(tmux_server: TmuxServer) -> None:
    """run-shell rightly holds the queue while its shell command runs: not a stall."""
    tmux_server.new_session("s")
    client = await open_client(tmux_server)
    client.stall_after = 0.2
    recorder = Recorder(client)
    try:
        await client.command("run-shell", "sleep 1")
        await client.command("display-message", "-p", "after")
        assert not any(isinstance(e, ev.Stalled) for e in recorder.events)
        assert not client.stalled
    finally:
        await client.close()


class _SlowLink:
    """A real tmux behind a slow link: what it sends arrives 2 KiB at a time."""

    def __init__(self, inner: LocalTransport) -> None:
        self.inner = inner
        self._held = b""

    @property
    def description(self) -> str:
        return "slow"

    async def read(self) -> bytes:
        if not self._held:
            self._held = await self.inner.read()
            if not self._held:
                return b""
        await asyncio.sleep(0.01)  # the link's pace, not a wait for tmux
        chunk, self._held = self._held[:2048], self._held[2048:]
        return chunk

    def write(self, data: bytes) -> None:
        self.inner.write(data)

    async def close(self) -> None:
        await self.inner.close()

    def error_text(self) -> str:
        return self.inner.error_text()


async def test_watchdog_counts_a_long_reply_arriving_as_an_answer(
    tmux_server: TmuxServer,
) -> None:
    """A capture that takes seconds to cross a slow link is tmux answering, not waiting."""
    tmux_server.new_session("x")  # history-limit counts for panes made after it is set
    tmux_server.run("set-option", "-g", "history-limit", "50000")
    tmux_server.new_session("s", command="seq 40000; exec cat")
    tmux_server.wait_for(lambda: "40000" in tmux_server.capture("s:"))
    argv = tmux_argv(
        "tmux",
        socket_name=tmux_server.socket_name,
        socket_path=None,
        command=["attach-session", "-t", "s"],
    )
    client = TmuxClient(_SlowLink(await LocalTransport.start(argv, env=tmux_server.env)))
    await client.start()
    client.stall_after = 0.3
    recorder = Recorder(client)
    try:
        started = asyncio.get_running_loop().time()
        reply = await client.command("capture-pane", "-p", "-S", "-", "-t", "s:")
        assert asyncio.get_running_loop().time() - started > 1.0  # it did take long
        assert "40000" in reply.text
        assert not any(isinstance(e, ev.Stalled) for e in recorder.events)
    finally:
        await client.close()


async def test_a_cancelled_command_stays_cancelled_when_its_reply_lands(
    tmux_server: TmuxServer,
) -> None:
    """A task cancelled in the moment its reply lands must end cancelled. Python 3.11's
    wait_for returned the reply instead, so a loop cancelled at shutdown went on and
    tuimux never exited. Each delay puts the cancel at a different step of that moment."""
    tmux_server.new_session("s")
    client = await open_client(tmux_server)
    swallowed: list[int] = []
    try:
        for delay in range(8):
            for _ in range(5):
                task = asyncio.ensure_future(client.command("display-message", "-p", "x"))
                while not client._pending:
                    await asyncio.sleep(0)
                while client._pending:
                    await asyncio.sleep(0)
                for _ in range(delay):
                    await asyncio.sleep(0)
                if not task.cancel():
                    continue
                try:
                    await task
                except asyncio.CancelledError:
                    continue
                swallowed.append(delay)
    finally:
        await client.detach()
    assert swallowed == []
