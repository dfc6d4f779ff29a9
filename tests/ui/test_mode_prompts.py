"""Copy-mode keys that open tmux's prompts, answered in tuimux's own prompt.

The oracle is tmux's own client (as in test_bindings): two sessions built alike, one in
tuimux and one attached by a real ``tmux attach`` inside an outer tmux; the same keys go
to both and the copy-mode cursor must end where tmux's own prompt put it.
"""

from __future__ import annotations

from tests.conftest import TmuxServer
from tests.helpers import eventually
from tests.ui.test_app import make_app
from tests.ui.test_bindings import HEIGHT, WIDTH, tmux_client_on
from tuimux.ui.app import TuimuxApp

MODE_STATE = (
    "#{pane_width}x#{pane_height} #{pane_in_mode} #{scroll_position} "
    "#{copy_cursor_x} #{copy_cursor_y} #{selection_present} #{pane_search_string}"
)
WORDS = " ".join(f"w{n}x" for n in range(12))


def build(server: TmuxServer, name: str) -> None:
    server.new_session(name, width=WIDTH, height=HEIGHT)
    server.run("send-keys", "-t", f"{name}:", f"clear; seq 200 | sed 's/$/ {WORDS}/'", "Enter")


def state(server: TmuxServer, name: str) -> str:
    return server.display(f"{name}:", MODE_STATE)


def cursor(server: TmuxServer, name: str) -> str:
    """The state without the search string."""
    return " ".join(state(server, name).split(" ")[:6])


INJECTION = 'it\'s "x" ; kill-server'


# Each step: (keys for tuimux's pilot, the same keys as tmux key names for tmux's client).
VI_STEPS = [
    (["slash", *"150 w", "enter"], ["/", *"150 w", "Enter"]),
    (["question_mark", *"42 ", "enter"], ["?", *"42 ", "Enter"]),
    (["f", "7"], ["f", "7"]),
    (["T", "w"], ["T", "w"]),
    (["3", "j"], ["3", "j"]),
    (["1", "2", "k"], ["1", "2", "k"]),
    (["colon", *"20", "enter"], [":", *"20", "Enter"]),
    (["slash", *'it\'s "x" ; kill-server', "enter"], ["/", *'it\'s "x" ; kill-server', "Enter"]),
    (["slash", "escape"], ["/", "Escape"]),
]
EMACS_STATE_STEPS = [
    (["ctrl+s", *"120 w", "enter"], ["C-s", *"120 w", "Enter"]),
    (["ctrl+r", *"99 w", "ctrl+r", "enter"], ["C-r", *"99 w", "C-r", "Enter"]),
    (["g", *"33", "enter"], ["g", *"33", "Enter"]),
    (["f", "5"], ["f", "5"]),
]


async def run_steps(
    server: TmuxServer, mode_keys: str, steps: list[tuple[list[str], list[str]]]
) -> None:
    for name in ("ours", "theirs"):
        build(server, name)
    server.run("set-option", "-g", "status", "off")
    server.run("set-option", "-wg", "mode-keys", mode_keys)
    for name in ("ours", "theirs"):
        server.wait_for(lambda name=name: "200 w0x" in server.capture(f"{name}:"))
    app: TuimuxApp = await make_app(server, "ours")
    with tmux_client_on(server, "theirs") as outer:
        async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:  # status off: no line
            await eventually(lambda: len(app.window_view.panes) == 1)
            await eventually(lambda: server.display("theirs:", "#{client_width}") != "")
            await eventually(
                lambda: state(server, "ours") == state(server, "theirs"),
                detail=lambda: (state(server, "ours"), state(server, "theirs")),
            )
            await pilot.press("ctrl+b", "left_square_bracket")
            outer.run("send-keys", "-t", "o:", "C-b", "[")
            sent: list[str] = []
            app.client.on_send = sent.append
            moved = set()
            same = state
            for ours, theirs in steps:
                await pilot.press(*ours)
                for index, key in enumerate(theirs):
                    # tmux reads a lone ";" in its argv as a command separator.
                    literal = ["-l", "\\;" if key == ";" else key]
                    outer.run("send-keys", "-t", "o:", *(literal if len(key) == 1 else [key]))
                    if index == 0:  # tmux's client reads keys typed before its prompt
                        server.wait_for(lambda: "(" in outer.capture("o:").rstrip()[-60:])
                if INJECTION in "".join(ours):
                    same = cursor  # from here on the search strings may differ
                await eventually(
                    lambda same=same: (
                        same(server, "ours") == same(server, "theirs") and not app.mode_keys.busy
                    ),
                    detail=lambda theirs=theirs: (
                        theirs,
                        app.status_bar.message,
                        sent[-4:],
                        state(server, "ours"),
                        state(server, "theirs"),
                    ),
                )
                moved.add(state(server, "ours"))
                # tmux was never left waiting: tuimux's next read is answered at once.
                reply = await app.client.command("display-message", "-p", "ok", timeout=5)
                assert reply.text == ["ok"]
            assert len(moved) >= len(steps) - 2  # the steps really moved the cursor
            searched = server.display("ours:", "#{pane_search_string}")
            assert searched == (INJECTION if mode_keys == "vi" else "99 w")
            assert not app.client.stalled
            assert server.run("list-sessions", "-F", "#S").split() == ["ours", "theirs"]


async def test_vi_copy_mode_prompts_match_tmux(tmux_server: TmuxServer) -> None:
    await run_steps(tmux_server, "vi", VI_STEPS)


async def test_emacs_copy_mode_prompts_match_tmux(tmux_server: TmuxServer) -> None:
    await run_steps(tmux_server, "emacs", EMACS_STATE_STEPS)


async def test_keys_typed_after_a_prompt_key_belong_to_the_prompt(
    tmux_server: TmuxServer,
) -> None:
    """A burst ``/150 w`` Enter ``j`` ``3`` ``k``: the text is the search, Enter answers
    it, ``j`` then moves the copy cursor, ``3`` ``k`` moves three up, all in order (as
    tmux does the same with send -X on a twin session)."""
    from textual.events import Key

    for name in ("ours", "theirs"):
        build(tmux_server, name)
    tmux_server.run("set-option", "-g", "status", "off")
    tmux_server.run("set-option", "-wg", "mode-keys", "vi")
    for name in ("ours", "theirs"):
        tmux_server.wait_for(lambda name=name: "200 w0x" in tmux_server.capture(f"{name}:"))
    app: TuimuxApp = await make_app(tmux_server, "ours")
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:  # status off: no line
        await eventually(lambda: len(app.window_view.panes) == 1)
        await eventually(lambda: state(tmux_server, "ours") == state(tmux_server, "theirs"))
        await pilot.press("ctrl+b", "left_square_bracket")
        await eventually(lambda: tmux_server.display("ours:", "#{pane_in_mode}") == "1")
        burst = [Key("slash", "/"), *(Key(c if c != " " else "space", c) for c in "150 w")]
        burst += [Key("enter", "\r"), Key("j", "j"), Key("3", "3"), Key("k", "k")]
        sent: list[str] = []
        app.client.on_send = sent.append
        for event in burst:
            app.window_view.post_message(event)
        theirs = "theirs:"
        tmux_server.run("copy-mode", "-t", theirs)
        tmux_server.run("send-keys", "-t", theirs, "-X", "search-forward", "150 w")
        tmux_server.run("send-keys", "-t", theirs, "-X", "cursor-down")
        tmux_server.run("send-keys", "-t", theirs, "-N", "3", "-X", "cursor-up")
        await eventually(
            lambda: (
                state(tmux_server, "ours") == state(tmux_server, "theirs")
                and not app.mode_keys.busy
            ),
            detail=lambda: (
                state(tmux_server, "ours"),
                state(tmux_server, "theirs"),
                app.status_bar.message,
                sent,
                app.screen,
            ),
        )
        assert app.screen is app.screen_stack[0]  # no prompt left open
