"""The status line is the user's, cell for cell as tmux's own client draws it.

tmux is the oracle: its own client (``tmux attach``) runs in a pane of an outer tmux
whose ``capture-pane -e`` keeps every cell it drew, colours and attributes included;
tuimux, attached to the same session at the same width, must draw the same cells. The
configurations are a real user's (samoshkin/tmux-config and hamvocke/dotfiles, as
published, plugin lines left out), tmux's defaults, and the shapes ``status`` and
``status-position`` give the line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from wcwidth import wcwidth

from tests.conftest import TmuxServer
from tests.helpers import eventually
from tests.ui.outer import (
    each_drew_its_session,
    keys_to_each,
    outer_terminals,
    tmux_attach,
    tuimux_attach,
)
from tuimux.connect import Target, connect_local, tmux_version
from tuimux.control import tmux_style as ts
from tuimux.control.format_draw import format_draw
from tuimux.ui.app import TuimuxApp
from tuimux.ui.status_bar import StatusBar
from tuimux.ui.status_line import parse_status_read, rich_style

CONFIGS = Path(__file__).parent / "configs"
# samoshkin/tmux-config's appearance section; hamvocke/dotfiles' statusbar and messages,
# with its powerline glyphs.
SAMOSHKIN = (CONFIGS / "samoshkin.conf").read_text(encoding="utf-8")
HAMVOCKE = (CONFIGS / "hamvocke.conf").read_text(encoding="utf-8")
# Some of every kind of directive: centred list, fill, attributes on and off, RGB.
ASSORTED = """
# tmux 3.2a's client draws italics as standout unless this names a terminal not "screen"
set -g default-terminal tmux-256color
set -g status-justify centre
set -g status-style 'bg=#203040,fg=colour250'
set -g status-left '#[fill=colour17]#[bold,italics]L#[nobold]e#[underscore]f#[none]t'
set -g status-right '#[reverse]R#[noreverse,fg=brightred]i#[dim]g#[strikethrough]h#[default]t'
set -ag status-right '#[bg=grey50]X#[fg=YellowGreen]11'
setw -g window-status-current-style 'fg=#ff8000,bg=default,dim'
setw -g window-status-format '#[fg=colour3]#I#[default]:#W'
setw -g window-status-separator ' | '
"""

Cells = list[tuple[str, ts.Cell]]
_SGR = re.compile(r"\x1b\[([0-9;:]*)m")


def sgr_rows(lines: list[str], width: int) -> list[Cells]:
    """Rows of ``capture-pane -e`` output → their cells, colours as tmux numbers them
    (the attributes run on from one row to the next, as capture-pane writes them)."""
    rows = []
    state = (ts.DEFAULT, ts.DEFAULT, 0)
    for line in lines:
        cells, state = sgr_cells(line, width, state)
        rows.append(cells)
    return rows


def sgr_cells(
    line: str, width: int, state: tuple[int, int, int]
) -> tuple[Cells, tuple[int, int, int]]:
    cells: Cells = []
    fg, bg, attr = state
    position = 0
    for match in [*_SGR.finditer(line), None]:
        end = match.start() if match is not None else len(line)
        for char in line[position:end]:
            if wcwidth(char) == 0 and cells:
                cells[-1] = (cells[-1][0] + char, cells[-1][1])
                continue
            cell = ts.Cell(fg, bg, ts.DEFAULT, attr)
            cells.append((char, cell))
            if wcwidth(char) == 2:
                cells.append(("", cell))
        if match is None:
            break
        position = match.end()
        params = match.group(1).split(";") if match.group(1) else ["0"]
        index = 0
        while index < len(params):
            param = params[index]
            main, _, sub = param.partition(":")
            number = int(main or 0)
            if number == 0:
                fg, bg, attr = ts.DEFAULT, ts.DEFAULT, 0
            elif number in (38, 48):
                if params[index + 1] == "5":
                    colour = ts.FLAG_256 | int(params[index + 2])
                    index += 2
                else:
                    r, g, b = (int(p) for p in params[index + 2 : index + 5])
                    colour = ts.FLAG_RGB | (r << 16) | (g << 8) | b
                    index += 4
                fg, bg = (colour, bg) if number == 38 else (fg, colour)
            elif 30 <= number <= 37 or 90 <= number <= 97:
                fg = number - 30 if number < 90 else number
            elif 40 <= number <= 47 or 100 <= number <= 107:
                bg = number - 40 if number < 100 else number - 10
            elif number == 39:
                fg = ts.DEFAULT
            elif number == 49:
                bg = ts.DEFAULT
            elif number == 4 and sub:
                attr |= (0, ts.UNDERSCORE, ts.UNDERSCORE_2, ts.UNDERSCORE_3)[int(sub)]
            elif number in _ON:
                attr |= _ON[number]
            elif number in _OFF:
                attr &= ~_OFF[number]
            index += 1
    cells += [(" ", ts.Cell(bg=ts.DEFAULT))] * (width - len(cells))
    return cells[:width], (fg, bg, attr)


_ON = {
    1: ts.BRIGHT, 2: ts.DIM, 3: ts.ITALICS, 4: ts.UNDERSCORE, 5: ts.BLINK, 7: ts.REVERSE,
    8: ts.HIDDEN, 9: ts.STRIKETHROUGH, 53: ts.OVERLINE,
}  # fmt: skip
_OFF = {
    22: ts.BRIGHT | ts.DIM, 23: ts.ITALICS, 24: ts.ALL_UNDERSCORES, 25: ts.BLINK,
    27: ts.REVERSE, 28: ts.HIDDEN, 29: ts.STRIKETHROUGH, 55: ts.OVERLINE,
}  # fmt: skip


def comparable(cells: Cells) -> Cells:
    """Cells as a terminal tells them apart: "terminal" is its default colour, and
    colour0-15 of the 256 are its 16 (tmux's client writes them so, with ``setaf``)."""

    def plain(colour: int) -> int:
        if colour == ts.TERMINAL:
            return ts.DEFAULT
        if colour & ts.FLAG_256 and (colour & 0xFF) < 16:
            number = colour & 0xFF
            return number if number < 8 else number - 8 + 90
        return colour

    def shown(char: str, cell: ts.Cell) -> ts.Cell:
        # The colour of a blank is not seen (tmux 3.8's client clears with bg only).
        visible = ts.REVERSE | ts.ALL_UNDERSCORES | ts.STRIKETHROUGH | ts.OVERLINE
        fg = ts.DEFAULT if char == " " and not cell.attr & visible else plain(cell.fg)
        return ts.Cell(fg, plain(cell.bg), ts.DEFAULT, cell.attr)

    return [(char, shown(char, cell)) for char, cell in cells]


def own_rows(outer: TmuxServer, rows: list[int], width: int) -> list[Cells]:
    raw = outer.capture_bytes("own:", "-e", "-N").decode("utf-8", "replace").split("\n")
    every = sgr_rows(raw, width)
    return [comparable(every[row]) for row in rows]


def our_rows(app: TuimuxApp, width: int) -> list[Cells]:
    status = app.status_bar.status
    if status is None:
        return []
    return [comparable(drawn.columns) for drawn in status.draw(width)]


def differences(own: list[Cells], ours: list[Cells]) -> list[str]:
    """Readable differences, for the assertion message."""
    lines = []
    for row, (a, b) in enumerate(zip(own, ours, strict=False)):
        lines.append(f"own  {row}: {''.join(c for c, _ in a)!r}")
        lines.append(f"ours {row}: {''.join(c for c, _ in b)!r}")
        for x, (one, two) in enumerate(zip(a, b, strict=False)):
            if one != two:
                lines.append(f"  first difference at {x}: {one} != {two}")
                break
    return lines or [f"own {len(own)} rows, ours {len(ours)}"]


THEMES = {
    "black": "black", "white": "white", "light-grey": "white", "dark-grey": "black",
    "green": "green", "yellow": "yellow", "red": "red", "blue": "blue", "cyan": "cyan",
    "magenta": "magenta",
}  # fmt: skip


def fixed_themes(server: TmuxServer) -> None:
    """tmux 3.8 resolves its theme colours per client from the terminal (X11 names on a
    256-colour one); tuimux takes their terminal colours. Fixed to those here, so both
    clients draw the same colours and what is compared is the line."""
    if not server.run("show-options", "-s", "-q", "dark-theme-green").strip():
        return
    for name, colour in THEMES.items():
        for theme in ("dark", "light"):
            server.run("set-option", "-s", f"{theme}-theme-{name}", colour)


@dataclass
class Seen:
    """The app, and what its bar showed while it ran."""

    app: TuimuxApp
    text: str
    displayed: bool


async def assert_same_line(
    server: TmuxServer,
    width: int,
    height: int,
    config: str = "",
    tmp_path: Path | None = None,
    rows: list[int] | None = None,
) -> Seen:
    """tuimux and tmux's own client draw the same status rows of session ``s``."""
    fixed_themes(server)
    if config:
        assert tmp_path is not None
        path = tmp_path / "tmux.conf"
        path.write_text(config, encoding="utf-8")
        server.run("source-file", str(path))
    app = TuimuxApp(
        await connect_local(
            Target(socket_name=server.socket_name, session="s", env=server.env), width, height
        )
    )
    with outer_terminals({"own": tmux_attach(server)}, width, height) as outer:
        async with app.run_test(size=(width, height)):
            wanted = rows if rows is not None else [height - 1]

            def same() -> bool:
                app._status_changed.set()  # clocks and #() move on: read again
                return app.status_bar.status is not None and own_rows(
                    outer, wanted, width
                ) == our_rows(app, width)

            await eventually(
                same,
                timeout=30,
                detail=lambda: "\n".join(
                    differences(own_rows(outer, wanted, width), our_rows(app, width))
                ),
            )
            expected = ["".join(c for c, _ in row) for row in our_rows(app, width)]
            if expected:
                assert app.status_bar.render().plain.split("\n") == expected
            seen = Seen(app, app.status_bar.render().plain, app.status_bar.display)
    return seen


async def test_no_configuration_draws_tmux_default_line(tmux_server: TmuxServer) -> None:
    tmux_server.new_session("s", width=80, height=23)
    tmux_server.run("new-window", "-d", "-t", "s:", "-n", "second")
    await assert_same_line(tmux_server, 80, 24)


async def test_a_real_configuration_with_top_position_and_a_command(
    tmux_server: TmuxServer, tmp_path: Path
) -> None:
    """samoshkin's line: at the top, 256 colours, bold, and ``#(whoami)`` (the user's own
    command, run as tmux's own line runs it)."""
    tmux_server.new_session("s", width=100, height=23)
    tmux_server.run("new-window", "-d", "-t", "s:", "-n", "logs")
    seen = await assert_same_line(tmux_server, 100, 24, SAMOSHKIN, tmp_path, rows=[0])
    assert seen.app.status_bar.styles.dock == "top"


async def test_a_real_configuration_with_powerline_glyphs(
    tmux_server: TmuxServer, tmp_path: Path
) -> None:
    tmux_server.new_session("s", width=90, height=23)
    tmux_server.run("new-window", "-d", "-t", "s:", "-n", "vim")
    tmux_server.run("new-window", "-d", "-t", "s:", "-n", "日本語")
    await assert_same_line(tmux_server, 90, 24, HAMVOCKE, tmp_path)


async def test_the_line_shows_the_prefix_as_the_user_made_it_show_it(
    tmux_server: TmuxServer, tmp_path: Path
) -> None:
    """While the prefix is down tmux's client is in the prefix table and the user's line
    says so (``client_prefix``: hamvocke's left end turns green): tuimux's line too, and
    with no mark of tuimux's own over it, as tmux's own client adds none."""
    tmux_server.new_session("s", width=80, height=23)
    fixed_themes(tmux_server)
    path = tmp_path / "tmux.conf"
    path.write_text(HAMVOCKE + "set -g status-right '#{?client_prefix,PREFIX,plain}'\n")
    tmux_server.run("source-file", str(path))
    app = TuimuxApp(
        await connect_local(
            Target(socket_name=tmux_server.socket_name, session="s", env=tmux_server.env), 80, 24
        )
    )
    with outer_terminals({"own": tmux_attach(tmux_server)}, 80, 24) as outer:
        async with app.run_test(size=(80, 24)) as pilot:
            for key, shown in ((None, "plain"), ("C-b", "PREFIX"), ("Escape", "plain")):
                if key is not None:
                    outer.run("send-keys", "-t", "own:", key)
                    await pilot.press("ctrl+b" if key == "C-b" else "escape")

                def same(shown: str = shown) -> bool:
                    ours = our_rows(app, 80)
                    texts = ["".join(c for c, _ in row) for row in ours]
                    return (
                        own_rows(outer, [23], 80) == ours
                        and texts[0].endswith(shown)
                        and app.status_bar.render().plain == texts[0]
                    )

                await eventually(
                    same,
                    timeout=20,
                    detail=lambda: "\n".join(
                        [
                            *differences(own_rows(outer, [23], 80), our_rows(app, 80)),
                            app.status_bar.render().plain,
                        ]
                    ),
                )


async def test_styles_of_every_kind_and_rgb(tmux_server: TmuxServer, tmp_path: Path) -> None:
    tmux_server.new_session("s", width=80, height=23)
    tmux_server.run("new-window", "-d", "-t", "s:", "-n", "two")
    tmux_server.run("set-option", "-as", "terminal-features", ",xterm-256color:RGB")
    await assert_same_line(tmux_server, 80, 24, ASSORTED, tmp_path)


async def test_two_lines(tmux_server: TmuxServer, tmp_path: Path) -> None:
    tmux_server.new_session("s", width=80, height=22)
    config = "set -g status 2\nset -g status-format[1] '#[align=right]second #{session_name}'\n"
    seen = await assert_same_line(tmux_server, 80, 24, config, tmp_path, rows=[22, 23])
    assert seen.app.status_bar.styles.height is not None
    assert seen.app.status_bar.styles.height.value == 2


async def test_status_off_draws_no_line(tmux_server: TmuxServer, tmp_path: Path) -> None:
    tmux_server.new_session("s", width=80, height=24)
    seen = await assert_same_line(tmux_server, 80, 24, "set -g status off\n", tmp_path, rows=[])
    assert not seen.displayed
    # The panes have the whole screen, as with tmux's own client.
    await eventually(lambda: tmux_server.display("s:", "#{window_height}") == "24")


async def test_a_narrow_screen_cuts_the_window_list_around_the_current_window(
    tmux_server: TmuxServer,
) -> None:
    tmux_server.new_session("s", width=60, height=23)
    for index in range(1, 12):
        tmux_server.run("new-window", "-t", "s:", "-n", f"window{index}")
    tmux_server.run("select-window", "-t", "s:6")
    line = (await assert_same_line(tmux_server, 60, 24)).text
    assert "<" in line and ">" in line and "6:window6*" in line


async def test_hostile_names_and_titles_show_as_tmux_shows_them(
    tmux_server: TmuxServer, tmp_path: Path
) -> None:
    """A name or title is text tmux expands into the line: ``#[`` in it restyles tmux's
    own line too (so it does here, no more), ``#()`` is never run, controls never
    drawn, and a long name is cut with the rest of the list."""
    ran = tmp_path / "ran"
    tmux_server.new_session("s", width=80, height=23)
    # rename-window expands formats: ## keeps the #( literal in the stored name.
    name = f"#[fg=red]evil##(touch {ran})" + "x" * 300
    try:
        tmux_server.run("rename-window", "-t", "s:0", name.replace("evil", "evil\x01\x1b[31m"))
    except RuntimeError:  # tmux 3.7+ refuses a name with control characters
        tmux_server.run("rename-window", "-t", "s:0", name)
    tmux_server.run("new-window", "-d", "-t", "s:", "-n", "plain")
    title = f"\\033]2;#[bg=blue]T#(touch {ran})\\007"
    tmux_server.run("send-keys", "-t", "s:0", f"printf '{title}'", "Enter")
    # (tmux 3.8 stores that title's "#(" as "_(")
    tmux_server.wait_for(lambda: "]T" in tmux_server.display("s:0", "#{pane_title}"))
    text = (await assert_same_line(tmux_server, 80, 24)).text
    assert not any(ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 for ch in text.replace("\n", ""))
    assert not ran.exists()


async def test_a_click_on_a_window_of_the_user_line_selects_it(
    tmux_server: TmuxServer, tmp_path: Path
) -> None:
    tmux_server.new_session("s", width=80, height=23)
    tmux_server.run("new-window", "-d", "-t", "s:", "-n", "second")
    tmux_server.run("new-window", "-d", "-t", "s:", "-n", "third")
    path = tmp_path / "tmux.conf"
    path.write_text(HAMVOCKE, encoding="utf-8")
    tmux_server.run("source-file", str(path))
    app = TuimuxApp(
        await connect_local(
            Target(socket_name=tmux_server.socket_name, session="s", env=tmux_server.env), 80, 23
        )
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await eventually(lambda: " 2 third " in app.status_bar.render().plain)
        plain = app.status_bar.render().plain
        await pilot.click(StatusBar, offset=(plain.index("third"), 0))
        await eventually(lambda: tmux_server.display("s:", "#{window_index}") == "2")
        await eventually(lambda: " 0 " in app.status_bar.render().plain)
        plain = app.status_bar.render().plain
        await pilot.click(StatusBar, offset=(plain.index(" 0 ") + 1, 0))
        await eventually(lambda: tmux_server.display("s:", "#{window_index}") == "0")


async def test_a_note_shows_over_the_right_end_of_the_user_line(tmux_server: TmuxServer) -> None:
    tmux_server.new_session("s", width=80, height=23)
    app = TuimuxApp(
        await connect_local(
            Target(socket_name=tmux_server.socket_name, session="s", env=tmux_server.env), 80, 23
        )
    )
    async with app.run_test(size=(80, 24)):
        await eventually(lambda: app.status_bar.status is not None and app.mirror is not None)
        app._note("reconnected")
        app.structure_changed()
        await eventually(lambda: app.status_bar.render().plain.endswith(" reconnected "))
        assert app.status_bar.render().plain.startswith("[s] 0:")
        assert len(app.status_bar.render().plain) == 80


def test_style_parsing_follows_tmux() -> None:
    base = ts.Cell(fg=0, bg=2)
    assert ts.style_cell("fg=colour1,bg=#102030 bold") == ts.Cell(
        ts.FLAG_256 | 1, ts.FLAG_RGB | 0x102030, ts.DEFAULT, ts.BRIGHT
    )
    assert ts.style_cell("fg=red,nosuch") == ts.PLAIN  # refused whole, as tmux does
    assert ts.style_cell("default", base) == base
    assert ts.colour_from_string("colour256") is None
    assert ts.colour_from_string("brightred") == 91
    drawn = format_draw("#[fg=red]a#[default]b##[c#[", base, 6)
    assert drawn.text == "      "  # an unterminated #[: tmux draws nothing of it
    drawn = format_draw("#[fg=red]a#[default]b##[c", base, 6)
    assert drawn.text == "ab#[c " and drawn.columns[0][1].fg == 1 and drawn.columns[1][1] == base


def test_rich_styles_keep_tmux_colours() -> None:
    style = rich_style(ts.Cell(91, ts.FLAG_RGB | 0x0A0B0C, ts.DEFAULT, ts.BRIGHT | ts.ITALICS))
    assert style.color is not None and style.color.number == 9
    assert style.bgcolor is not None and style.bgcolor.triplet == (10, 11, 12)
    assert style.bold and style.italic
    assert rich_style(ts.Cell(ts.TERMINAL, ts.DEFAULT)).color is None


@pytest.mark.parametrize("answer", [[], [["²|x|y|z"], ["|||"], ["#[fg=red"]], [["on"]] * 9])
def test_a_hostile_status_read_gives_a_line_not_an_error(answer: list[list[str]]) -> None:
    read = parse_status_read(answer)
    for drawn in read.draw(40):
        assert len(drawn.columns) == 40


def strip_cells(app: TuimuxApp, rows: int, width: int) -> list[str]:
    borders = app.window_view.borders
    return [
        "".join(segment.text for segment in borders.render_line(y))[:width] for y in range(rows)
    ]


def border_colours(app: TuimuxApp, y: int) -> list[tuple[str, int | None]]:
    """(character, ANSI colour number) of each border cell of row ``y`` tuimux draws."""
    found = []
    for segment in app.window_view.borders.render_line(y):
        colour = segment.style.color if segment.style is not None else None
        number = colour.number if colour is not None and colour.number is not None else None
        found += [(char, number) for char in segment.text]
    return found


@pytest.mark.parametrize("lines", ["double", "heavy", "simple"])
async def test_borders_take_the_user_lines_and_styles(
    tmux_server: TmuxServer, tmp_path: Path, lines: str
) -> None:
    tmux_server.new_session("s", width=80, height=23)
    if not tmux_server.display("s:", "#{pane-border-lines}"):
        pytest.skip("this tmux has no pane-border-lines")
    tmux_server.run("split-window", "-h", "-t", "s:")
    tmux_server.run("split-window", "-v", "-t", "s:")
    config = (
        f"set -g pane-border-lines {lines}\n"
        "set -g pane-border-style fg=colour4\n"
        "set -g pane-active-border-style 'fg=colour1'\n"
    )
    path = tmp_path / "tmux.conf"
    path.write_text(config, encoding="utf-8")
    tmux_server.run("source-file", str(path))
    app = TuimuxApp(
        await connect_local(
            Target(socket_name=tmux_server.socket_name, session="s", env=tmux_server.env), 80, 23
        )
    )
    with outer_terminals({"own": tmux_attach(tmux_server)}, 80, 24) as outer:
        async with app.run_test(size=(80, 24)):

            def own() -> list[str]:
                return outer.capture("own:").split("\n")[:23]

            def borders_only(rows: list[str]) -> list[str]:
                return [
                    "".join(c if c in BORDER_CHARS else " " for c in row).rstrip() for row in rows
                ]

            await eventually(
                lambda: borders_only(own()) == borders_only(strip_cells(app, 23, 80)),
                timeout=20,
                detail=lambda: "\n".join(
                    [*borders_only(own()), "----", *borders_only(strip_cells(app, 23, 80))]
                ),
            )
            # The active pane (the lower right) is bordered in colour1, the others in 4.
            x = strip_cells(app, 23, 80)[0].index(BORDER_SETS[lines][0])
            assert border_colours(app, 0)[x][1] == 4
            assert border_colours(app, 22)[x][1] == 1


BORDER_SETS = {"double": "║═╠╣╦╩╬", "heavy": "┃━┣┫┳┻╋", "simple": "|-+"}
BORDER_CHARS = frozenset("".join(BORDER_SETS.values()) + "│─├┤┬┴┼")


async def test_the_line_follows_changes_without_waiting_for_the_interval(
    tmux_server: TmuxServer,
) -> None:
    """With ``status-interval 0`` tmux's own line changes only on events; so does ours:
    a window renamed elsewhere (a notification), a pane's new title (no notification:
    a subscription), an option set at ``C-b :``."""
    from tuimux.ui.dialogs import Prompt

    tmux_server.new_session("s", width=80, height=23)
    tmux_server.run("set-option", "-g", "status-interval", "0")
    tmux_server.run("set-option", "-g", "status-right", "#{pane_title}")
    app = TuimuxApp(
        await connect_local(
            Target(socket_name=tmux_server.socket_name, session="s", env=tmux_server.env), 80, 23
        )
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await eventually(lambda: app.status_bar.status is not None and app.mirror is not None)

        def line() -> str:
            return app.status_bar.render().plain

        tmux_server.run("rename-window", "-t", "s:0", "renamed")
        await eventually(lambda: "0:renamed*" in line(), detail=line)
        # Twice: tmux reports every subscription once when it starts, which a first
        # change can meet by chance.
        for title in ("title-one", "title-two"):
            command = f"printf '\\033]2;{title}\\007'"
            tmux_server.run("send-keys", "-t", "s:0", command, "Enter")
            await eventually(lambda t=title: line().endswith(t), timeout=10, detail=line)
        await pilot.press("ctrl+b", "colon")
        await eventually(lambda: isinstance(app.screen, Prompt))
        app.screen.focused.insert_text_at_cursor("set -g status-left LEFT:")  # type: ignore[union-attr]
        await pilot.press("enter")
        await eventually(lambda: line().startswith("LEFT:0:renamed*"), detail=line)


def test_controls_are_left_out_as_tmux_leaves_them_out() -> None:
    """format_draw skips a control rather than draw it: nothing after it moves (a
    ``#()`` command's output can hold one)."""
    drawn = format_draw("a\x01b\x1b[31mc\x9bd\x7f", ts.PLAIN, 8)
    assert drawn.text == "ab[31mcd"


async def test_a_line_too_long_to_lay_out_gives_the_model_line(tmux_server: TmuxServer) -> None:
    """Hundreds of windows make tmux's expansion hundreds of kilobytes: beyond what
    tuimux lays out, the window list is made from the model (what fits on the screen)."""
    tmux_server.new_session("s", width=80, height=23)
    # 20000 cells (tmux 3.7 pads by at most 10000 at a time; a command is short)
    tmux_server.run("set-option", "-g", "status-format[0]", "#{p5000:session_name}" * 4)
    app = TuimuxApp(
        await connect_local(
            Target(socket_name=tmux_server.socket_name, session="s", env=tmux_server.env), 80, 23
        )
    )
    async with app.run_test(size=(80, 24)):
        await eventually(lambda: app.status_bar.status is not None and app.mirror is not None)
        assert app.status_bar.status is not None and not app.status_bar.status.whole
        await eventually(lambda: app.status_bar.render().plain.startswith("[s] 0:"))


def own_border_cells(outer: TmuxServer, rows: int, width: int) -> list[tuple[int, int, int]]:
    """(row, column, colour) of each border cell tmux's own client drew."""
    raw = outer.capture_bytes("own:", "-e", "-N").decode("utf-8", "replace").split("\n")
    found = []
    for y, row in enumerate(sgr_rows(raw[:rows], width)):
        for x, (char, cell) in enumerate(comparable(row)):
            if char in BORDER_CHARS:
                found.append((y, x, cell.fg))
    return found


def our_border_cells(app: TuimuxApp, rows: int) -> list[tuple[int, int, int]]:
    return [
        (y, x, number if number is not None else ts.DEFAULT)
        for y in range(rows)
        for x, (char, number) in enumerate(border_colours(app, y))
        if char in BORDER_CHARS
    ]


@pytest.mark.parametrize(
    ("split", "indicators"), [("-h", "colour"), ("-v", "colour"), ("-h", "off")]
)
async def test_two_panes_colour_the_half_of_the_border_beside_the_active_one(
    tmux_server: TmuxServer, split: str, indicators: str
) -> None:
    """With two panes tmux colours only the half of the line beside the active pane
    (pane-border-indicators colour, tmux's default; always on 3.2a), so the line says
    which side is active; with the indicators off, the whole line."""
    tmux_server.new_session("s", width=80, height=23)
    if indicators == "off":
        if not tmux_server.display("s:", "#{pane-border-indicators}"):
            pytest.skip("this tmux has no pane-border-indicators")
        tmux_server.run("set-option", "-g", "pane-border-indicators", "off")
    tmux_server.run("set-option", "-g", "pane-border-style", "fg=colour4")
    tmux_server.run("set-option", "-g", "pane-active-border-style", "fg=colour1")
    tmux_server.run("split-window", split, "-t", "s:")
    app = TuimuxApp(
        await connect_local(
            Target(socket_name=tmux_server.socket_name, session="s", env=tmux_server.env), 80, 24
        )
    )
    with outer_terminals({"own": tmux_attach(tmux_server)}, 80, 24) as outer:
        async with app.run_test(size=(80, 24)):
            for direction in ("-R", "-L") if split == "-h" else ("-D", "-U"):
                tmux_server.run("select-pane", direction, "-t", "s:")
                await eventually(
                    lambda: own_border_cells(outer, 23, 80) == our_border_cells(app, 23),
                    timeout=20,
                    detail=lambda: (
                        f"{own_border_cells(outer, 23, 80)}\n{our_border_cells(app, 23)}"
                    ),
                )
                colours = {colour for _, _, colour in our_border_cells(app, 23)}
                assert colours == ({1} if indicators == "off" else {1, 4})


@pytest.mark.parametrize(
    ("position", "style"),
    [
        ("bottom", "fg=yellow bg=terminal bold"),
        ("top", "fg=colour1,bg=colour3,underscore"),
        ("bottom", "fg=#080808,bg=#ffff00,bold"),  # Oh my tmux!'s, in a truecolor terminal
    ],
)
async def test_a_prompt_is_drawn_where_and_as_tmux_draws_it(
    tmux_server: TmuxServer, position: str, style: str
) -> None:
    """tmux draws its command prompt on the status line, the whole row in the user's
    message-style and the cursor in that style reversed (hamvocke's ``bg=terminal
    bold``); tuimux's prompt is the same cells, at the top too. Each client on a twin
    session."""
    for name in ("own", "ours"):
        tmux_server.new_session(name, width=80, height=23, command="sh")
        # Named now: 3.2a's automatic-rename can name a new window "tmux" (the server's
        # child before it runs sh), and the prompt shows the name.
        tmux_server.run("rename-window", "-t", f"{name}:", "sh")
    version = tmux_version(tmux_server.display("own:", "#{version}"))
    if version is None or version >= (3, 7):
        # Open (issue 14): tmux 3.7 draws the prompt over the status line in a message
        # area (message-format, fill, width and align of message-style), 3.8 themes it.
        pytest.skip("tmux 3.7+ draws its prompt in a message area tuimux does not follow yet")
    tmux_server.run("set-option", "-g", "status-position", position)
    tmux_server.run("set-option", "-g", "message-style", style)
    if position == "top" and tmux_server.has_option("prompt-cursor-style"):  # 3.6+
        tmux_server.run("set-option", "-g", "prompt-cursor-style", "underline")
        tmux_server.run("set-option", "-g", "prompt-cursor-colour", "colour202")
    # tmux's client writes RGB to the outer tmux (it says it is tmux); tuimux when the
    # terminal says truecolor.
    ours = "export COLORTERM=truecolor; " + tuimux_attach(tmux_server, "ours")
    clients = {"own": tmux_attach(tmux_server, "own"), "ours": ours}
    row = 0 if position == "top" else 23

    def cells(name: str) -> Cells:
        raw = outer.capture_bytes(f"{name}:", "-e", "-N").decode("utf-8", "replace")
        return comparable(sgr_rows(raw.split("\n")[: row + 1], 80)[row])

    with outer_terminals(clients, 80, 24) as outer:
        await each_drew_its_session(outer, clients)
        keys_to_each(outer, clients, "C-b", ",")
        await eventually(
            lambda: (
                "(rename-window) sh" in outer.capture("ours:") and cells("own") == cells("ours")
            ),
            timeout=20,
            detail=lambda: "\n".join(differences([cells("own")], [cells("ours")])),
        )
        # The terminal's cursor: hidden before tmux 3.6 (a reversed cell is drawn); from
        # 3.6 shown at the prompt's cursor, where no cell is drawn.
        await eventually(
            lambda: terminal_cursor(outer, "ours") == terminal_cursor(outer, "own"),
            timeout=10,
            detail=lambda: (terminal_cursor(outer, "own"), terminal_cursor(outer, "ours")),
        )


def terminal_cursor(outer: TmuxServer, name: str) -> str:
    """Where a client left its terminal's cursor, if it shows it, with its shape and
    colour where the outer tmux tells them (3.6+): the outer pane's."""
    text = "#{cursor_flag}|#{cursor_x},#{cursor_y} #{cursor_shape} #{cursor_colour}"
    shown, _, cursor = outer.display(f"{name}:", text).partition("|")
    return cursor if shown == "1" else "hidden"
