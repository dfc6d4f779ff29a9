"""The prompt's editing keys, history, Tab and ``~``, side by side with tmux's own client.

Two sessions are built alike; tuimux is attached to ``ours`` and a real ``tmux attach``
in an outer tmux to ``theirs``. The same keys go to both and the result, a window
renamed or an option set by the line each prompt made, must be the same.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from tests.conftest import TmuxServer
from tests.helpers import eventually
from tests.ui.test_app import make_app
from tests.ui.test_bindings import HEIGHT, WIDTH, tmux_client_on
from tests.ui.test_freeze import tmux_version
from tuimux.ui.app import TuimuxApp
from tuimux.ui.dialogs import Prompt

# tmux 3.2a moved by words differently (separators only, no vi w/e/W/E/B of their own);
# tuimux follows 3.3 and later.
WORDS_AS_TODAY = pytest.mark.skipif(
    tmux_version() < (3, 3), reason="tmux 3.2a's prompt moves by words differently"
)


def name(server: TmuxServer, session: str) -> str:
    return server.display(f"{session}:", "#{window_name}")


@contextmanager
def twins(server: TmuxServer, *options: tuple[str, ...]) -> Iterator[TmuxServer]:
    for session in ("ours", "theirs"):
        server.new_session(session, width=WIDTH, height=HEIGHT)
        server.run("rename-window", "-t", f"{session}:", "alpha beta-gamma")
    server.run("set-option", "-g", "status", "off")
    # tmux's client takes keys arriving within 1 ms for a paste (send-keys writes them
    # at once): not what a typing user meets. Escape alone is Escape at once.
    server.run("set-option", "-g", "assume-paste-time", "0")
    server.run("set-option", "-s", "escape-time", "0")
    server.run("set-option", "-g", "message-command-style", "bg=red")
    for option in options:
        server.run("set-option", *option)
    with tmux_client_on(server, "theirs") as outer:
        yield outer


# tmux draws a vi prompt in command mode with message-command-style: set to red here.
COMMAND_STYLE = "41m"


def last_line(outer: TmuxServer, *flags: str) -> str:
    lines = outer.capture("o:", *flags).rstrip("\n").split("\n")
    return lines[-1] if lines else ""


async def open_prompt(
    app: TuimuxApp, pilot: object, outer: TmuxServer, ours: list[str], theirs: list[str], shown: str
) -> None:
    """Open the prompt in both: tmux's client reads every key of one write before it
    runs the binding, so the rest waits until its prompt (``shown``) is drawn."""
    await pilot.press(*ours)  # type: ignore[attr-defined]
    outer.run("send-keys", "-t", "o:", *theirs)
    await eventually(lambda: isinstance(app.screen, Prompt))
    await eventually(lambda: last_line(outer).startswith(shown), detail=lambda: last_line(outer))


async def same_keys(
    app: TuimuxApp,
    pilot: object,
    outer: TmuxServer,
    ours: list[str],
    theirs: list[str],
    *,
    vi: bool = False,
) -> None:
    """Press ``ours`` in tuimux (Textual's names) and ``theirs`` in tmux's client (tmux's
    names, an Escape sent on its own so tmux cannot read it as Meta)."""
    await pilot.press(*ours)  # type: ignore[attr-defined]
    run: list[str] = []
    for key in theirs:
        if key == "Escape":
            if run:
                outer.run("send-keys", "-t", "o:", *run)
            if vi:  # what came before is read (insert mode again) before Escape goes
                await eventually(lambda: COMMAND_STYLE not in last_line(outer, "-e"))
            outer.run("send-keys", "-t", "o:", "Escape")
            run = []
            if vi:  # the next key must not join it as Meta: wait for command mode
                await eventually(lambda: COMMAND_STYLE in last_line(outer, "-e"))
        else:
            run.append(key)
    if run:
        outer.run("send-keys", "-t", "o:", *run)


def spelled(text: str) -> tuple[list[str], list[str]]:
    """Text typed key by key: Textual's key names, tmux's key names."""
    textual = {" ": "space", "-": "minus", "~": "tilde", "@": "at", "/": "slash"}
    return [textual.get(char, char) for char in text], [
        "Space" if char == " " else char for char in text
    ]


async def rename_both(
    server: TmuxServer, app: TuimuxApp, pilot: object, outer: TmuxServer, steps: str
) -> None:
    """``C-b ,`` (tmux's rename-window prompt, initial text the name), then ``steps``
    (tmux names; a plain word is typed), Enter; both windows must then have one name."""
    await open_prompt(app, pilot, outer, ["ctrl+b", "comma"], ["C-b", ","], "(rename-window)")
    ours: list[str] = []
    theirs: list[str] = []
    for step in steps.split():
        if step.startswith("type:"):
            textual, tmux = spelled(step[5:])
            ours += textual
            theirs += tmux
        else:
            ours.append(TEXTUAL_NAMES.get(step, step))
            theirs.append(step)
    vi = app.mode_keys.prompting.status_keys == "vi"
    await same_keys(app, pilot, outer, [*ours, "enter"], [*theirs, "Enter"], vi=vi)
    await eventually(
        lambda: name(server, "ours") == name(server, "theirs") != "alpha beta-gamma",
        detail=lambda: (name(server, "ours"), name(server, "theirs"), app.status_bar.message),
    )


TEXTUAL_NAMES = {
    "C-a": "ctrl+a",
    "C-b": "ctrl+b",
    "C-d": "ctrl+d",
    "C-e": "ctrl+e",
    "C-f": "ctrl+f",
    "C-k": "ctrl+k",
    "C-t": "ctrl+t",
    "C-u": "ctrl+u",
    "C-w": "ctrl+w",
    "C-y": "ctrl+y",
    "M-b": "alt+b",
    "M-f": "alt+f",
    "BSpace": "backspace",
    "DC": "delete",
    "Home": "home",
    "End": "end",
    "Left": "left",
    "Right": "right",
    "Escape": "escape",
    "Space": "space",
    "$": "dollar_sign",
    "^": "circumflex_accent",
    "!": "exclamation_mark",
}


@WORDS_AS_TODAY
async def test_emacs_editing_keys_make_the_line_tmux_makes(tmux_server: TmuxServer) -> None:
    """status-keys emacs: cut a word and yank it back, move by characters and words,
    delete both ways, transpose, kill to the end, clear: tmux's client and tuimux end
    with the same window name after each line."""
    with twins(tmux_server) as outer:
        app = await make_app(tmux_server, "ours")
        async with app.run_test(size=(WIDTH, HEIGHT + 1)) as pilot:
            await eventually(lambda: len(app.window_view.panes) == 1)
            await eventually(lambda: tmux_server.display("theirs:", "#{client_width}") != "")
            # "alpha beta-gamma": C-w cuts "beta-gamma" (space separates), C-y brings it
            # back at the start, M-b / M-f / C-b / C-f / C-d / BSpace / C-t / C-k.
            await rename_both(
                tmux_server,
                app,
                pilot,
                outer,
                "C-w C-a C-y Space M-f M-b C-f C-d C-e C-b BSpace C-t Home Right DC X End M-b C-k",
            )
            await rename_both(
                tmux_server, app, pilot, outer, "C-u type:one Space type:two Left Left C-w"
            )


@WORDS_AS_TODAY
async def test_vi_editing_keys_make_the_line_tmux_makes(tmux_server: TmuxServer) -> None:
    """status-keys vi: the prompt starts in insert mode; Escape gives command mode with
    h l w b e 0 $ x X D C d A I a i p, as tmux's prompt reads them."""
    with twins(tmux_server, ("-g", "status-keys", "vi")) as outer:
        app = await make_app(tmux_server, "ours")
        async with app.run_test(size=(WIDTH, HEIGHT + 1)) as pilot:
            await eventually(lambda: len(app.window_view.panes) == 1)
            await eventually(lambda: tmux_server.display("theirs:", "#{client_width}") != "")
            await eventually(lambda: app.mode_keys.prompting.status_keys == "vi")
            await rename_both(
                tmux_server,
                app,
                pilot,
                outer,
                "Space type:delta Escape 0 w x e X b b l D I Z Escape $ h x A ! Escape 0 w w i Q",
            )
            await rename_both(
                tmux_server,
                app,
                pilot,
                outer,
                "Escape 0 C type:new Space type:name Escape b D a type:yz",
            )


async def prompt_line(
    app: TuimuxApp, pilot: object, outer: TmuxServer, text: str, *extra: tuple[str, str]
) -> None:
    """``C-b :`` then ``text`` and Enter, in both clients; ``extra`` keys (Textual name,
    tmux name) come before Enter."""
    textual, tmux = spelled(text)
    await open_prompt(app, pilot, outer, ["ctrl+b", "colon"], ["C-b", ":"], ":")
    await same_keys(
        app,
        pilot,
        outer,
        [*textual, *(ours for ours, _ in extra), "enter"],
        [*tmux, *(theirs for _, theirs in extra), "Enter"],
    )


async def test_history_and_tab_completion_as_in_tmux(tmux_server: TmuxServer) -> None:
    """Up walks back through the lines typed at the command prompt (Down forward), and
    Tab completes a command name and an option name: the same keys in tmux's client
    and tuimux set the same names and options."""
    with twins(tmux_server) as outer:
        app = await make_app(tmux_server, "ours")

        def both(option: str) -> tuple[str, str]:
            return (
                tmux_server.run("show-options", "-t", "ours", "-v", option).strip(),
                tmux_server.run("show-options", "-t", "theirs", "-v", option).strip(),
            )

        async with app.run_test(size=(WIDTH, HEIGHT + 1)) as pilot:
            await eventually(lambda: len(app.window_view.panes) == 1)
            await eventually(lambda: tmux_server.display("theirs:", "#{client_width}") != "")
            await prompt_line(app, pilot, outer, "set @mark one")
            await eventually(lambda: both("@mark") == ("one", "one"), detail=lambda: both("@mark"))
            await prompt_line(app, pilot, outer, "set @mark two")
            await eventually(lambda: both("@mark") == ("two", "two"), detail=lambda: both("@mark"))
            # Up Up: "set @mark one" again.
            await prompt_line(app, pilot, outer, "", ("up", "Up"), ("up", "Up"))
            await eventually(lambda: both("@mark") == ("one", "one"), detail=lambda: both("@mark"))
            # The history is now one, two, one: Up Up Up Down is "two".
            await prompt_line(
                app, pilot, outer, "", ("up", "Up"), ("up", "Up"), ("up", "Up"), ("down", "Down")
            )
            await eventually(lambda: both("@mark") == ("two", "two"), detail=lambda: both("@mark"))
            # "renamew" + Tab is ambiguous with nothing longer to add; "rename-w" + Tab
            # completes rename-window and a space; "display-panes-t" after set completes
            # the option.
            await prompt_line(app, pilot, outer, "rename-w", ("tab", "Tab"), *typed("tabbed"))
            await eventually(
                lambda: name(tmux_server, "ours") == name(tmux_server, "theirs") == "tabbed",
                detail=lambda: (name(tmux_server, "ours"), name(tmux_server, "theirs")),
            )
            await prompt_line(
                app, pilot, outer, "set display-panes-t", ("tab", "Tab"), *typed("1234")
            )
            # tmux 3.8's prompt completes command names only: the line is then
            # "set display-panes-t1234", an error in both.
            done = ("", "") if tmux_version() >= (3, 8) else ("1234", "1234")
            await eventually(
                lambda: both("display-panes-time") == done,
                detail=lambda: both("display-panes-time"),
            )


def typed(text: str) -> list[tuple[str, str]]:
    textual, tmux = spelled(text)
    return list(zip(textual, tmux, strict=True))


async def test_a_tilde_is_tmuxs_home_as_in_tmuxs_prompt(tmux_server: TmuxServer) -> None:
    """``~`` at a word's start and ``$VAR`` are expanded from tmux's global environment,
    as tmux's own prompt does; in single quotes they stay."""
    with twins(tmux_server) as outer:
        tmux_server.run("set-environment", "-g", "HOME", "/home/tester")
        tmux_server.run("set-environment", "-g", "WHERE", "there")
        app = await make_app(tmux_server, "ours")

        def both() -> tuple[str, str]:  # tmux 3.4 prints a "$" in a value as "\$"
            return (
                tmux_server.run("show-options", "-t", "ours", "-v", "@path")
                .strip()
                .replace("\\$", "$"),
                tmux_server.run("show-options", "-t", "theirs", "-v", "@path")
                .strip()
                .replace("\\$", "$"),
            )

        async with app.run_test(size=(WIDTH, HEIGHT + 1)) as pilot:
            await eventually(lambda: len(app.window_view.panes) == 1)
            await eventually(lambda: tmux_server.display("theirs:", "#{client_width}") != "")
            for line, expected in [
                ('set @path "~/a $WHERE"', "/home/tester/a there"),
                ("set @path '~/b $WHERE'", "~/b $WHERE"),
                ("set @path x~/c", "x~/c"),
            ]:
                textual = [
                    {"'": "apostrophe", '"': "quotation_mark", "$": "dollar_sign"}.get(c, c)
                    for c in spelled(line)[0]
                ]
                await open_prompt(app, pilot, outer, ["ctrl+b", "colon"], ["C-b", ":"], ":")
                await pilot.press(*textual, "enter")
                outer.run("send-keys", "-t", "o:", "-l", line)
                outer.run("send-keys", "-t", "o:", "Enter")
                await eventually(
                    lambda expected=expected: both() == (expected, expected), detail=both
                )
            assert isinstance(app.screen, Prompt) is False


@pytest.mark.skipif(tmux_version() < (3, 3), reason="tmux 3.2a has no show-prompt-history")
async def test_lines_typed_in_tmuxs_own_prompt_are_in_tuimuxs_history(
    tmux_server: TmuxServer,
) -> None:
    """tmux keeps its prompts' history in the server, for every client: a line typed at
    tmux's own client's ``C-b :`` comes back with Up in tuimux's."""
    with twins(tmux_server) as outer:
        app = await make_app(tmux_server, "ours")

        def seed(session: str) -> str:
            return tmux_server.run("show-options", "-q", "-t", session, "-v", "@seed").strip()

        async with app.run_test(size=(WIDTH, HEIGHT + 1)) as pilot:
            await eventually(lambda: len(app.window_view.panes) == 1)
            await eventually(lambda: tmux_server.display("theirs:", "#{client_width}") != "")
            outer.run("send-keys", "-t", "o:", "C-b", ":")
            await eventually(lambda: last_line(outer).startswith(":"))
            outer.run("send-keys", "-t", "o:", "-l", "set @seed fromtmux")
            outer.run("send-keys", "-t", "o:", "Enter")
            await eventually(lambda: seed("theirs") == "fromtmux")
            await pilot.press("ctrl+b", "colon")
            await eventually(lambda: isinstance(app.screen, Prompt))
            await pilot.press("up", "enter")
            await eventually(lambda: seed("ours") == "fromtmux", detail=lambda: seed("ours"))
