"""Quoting round-trips through tmux's real command parser, and unsafe input is refused.

The oracle is tmux 3.3a itself: built lines are parsed by ``source-file`` (the parser a
control client's stdin also goes through) and by a real ``tmux -C`` client, and what the
commands stored is read back byte for byte.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import TmuxServer
from tuimux.control.command import build, escape_format, join, quote, quote_data
from tuimux.errors import CommandError

NASTY = [
    "it's",
    "'",
    "''",
    "'a'",
    "a'",
    "'''x'''",
    'a"b',
    '"',
    '"\'"',
    "$HOME",
    "${HOME}",
    "$_",
    "a$HOME",
    "$",
    "~",
    "~root",
    "~/x",
    "a~",
    "#{session_name}",
    "#(touch /nonexistent-canary)",
    "#",
    "# comment",
    "a;b",
    "a;",
    ";",
    " ; ",
    "\\;",
    "x \\; y",
    "\\",
    "x\\",
    "\\\\",
    "\\'",
    "\\n\\t\\033\\u00e9",
    "{",
    "}",
    "{ display -p x }",
    "%if 1",
    "%endif",
    "%hidden X=1",
    "%0:pause",
    "%-1",
    "%3",
    "$1",
    "@2",
    "$1:@2.%3",
    "q:0",
    "-x",
    "--",
    "-",
    "a=b",
    "X=1",
    "é😀中文",
    "👨‍👩‍👧",
    "\t",
    "\t\x1b[31m",
    "\x1b]52;c;aGk=\x07",
    "\x7f\x01\x08\x0b\x0c\x1f",
    "\x85\u2028\u2029",
    " ",
    "a b  c",
    " lead",
    "trail ",
    "",
]

# Everything a command line may carry: all of Unicode but line breaks, NUL and lone
# surrogates (which cannot be encoded as UTF-8 at all).
line_text = st.text(
    alphabet=st.characters(blacklist_characters="\n\r\x00", blacklist_categories=["Cs"]),
    max_size=30,
)
# Bare-word runs mixed with single characters tmux's parser treats specially: this probes
# exactly where quote() may leave a word bare, which generic text almost never reaches.
parser_words = st.lists(
    st.one_of(
        st.text(alphabet="aZ_0.:@-", min_size=1, max_size=3),
        st.sampled_from(list("$%~#{};'\"\\ \t!&|<>()[]")),
    ),
    min_size=1,
    max_size=5,
).map("".join)
bare_words = st.from_regex(r"[A-Za-z0-9_./=,+:@-]{1,12}|[%@$][0-9]{1,4}", fullmatch=True)

# Each hypothesis example sends one batch, so a test is a few seconds, not minutes.
BATCHED = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture
def server(tmux_server: TmuxServer) -> TmuxServer:
    tmux_server.new_session("q")
    return tmux_server


def store_lines(values: list[str], *, buffers: bool = True) -> list[str]:
    """Commands that keep each argument verbatim: a user option and a paste buffer.

    set-buffer ignores empty data, so the empty string is checked through the option.
    """
    lines = []
    for i, value in enumerate(values):
        lines.append(build("set-option", "-g", f"@tuimux_v{i}", value))
        if buffers and value:
            lines.append(build("set-buffer", "-b", f"b{i}", "--", value))
    return lines


def source(server: TmuxServer, path: Path, lines: list[str]) -> str:
    path.write_bytes("".join(line + "\n" for line in lines).encode("utf-8"))
    return server.run("source-file", str(path))


def options_shown_raw(server: TmuxServer) -> bool:
    """Whether display -p shows a user option's bytes as stored. tmux 3.4 shows ``$`` as
    ``\\$`` and 3.4 and 3.5 show control characters as ``\\ooo`` (the value stored is
    exact): there only save-buffer reads a value back exactly."""
    probe = "$\x01"
    server.run("set-option", "-g", "@tuimux_probe", probe)
    return server.run("display-message", "-p", "#{@tuimux_probe}") == probe + "\n"


def read_back(
    server: TmuxServer,
    tmp_path: Path,
    values: list[str],
    *,
    buffers: bool = True,
    options: bool = True,
) -> list[tuple[bytes | None, bytes | None]]:
    """Per value: (option bytes from display -p, buffer bytes from save-buffer or None).

    Values never hold a newline, so display's output splits into one line per value.
    save-buffer is the most exact oracle but costs a client round trip per buffer.
    Without ``options`` (display -p does not show options raw) only the empty value's
    option is read: set-buffer ignores empty data, and empty shows as empty anywhere.
    """
    files = [tmp_path / f"out{i}" if buffers and value else None for i, value in enumerate(values)]
    lines = [build("display-message", "-p", f"#{{@tuimux_v{i}}}") for i in range(len(values))]
    lines += [
        build("save-buffer", "-b", f"b{i}", str(file))
        for i, file in enumerate(files)
        if file is not None
    ]
    script = tmp_path / "read.conf"
    script.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    shown = subprocess.run(
        [*server.argv, "source-file", str(script)], capture_output=True, env=server.env, timeout=20
    )
    assert shown.returncode == 0, shown.stderr
    read_options = options
    shown_options = shown.stdout.split(b"\n")
    assert len(shown_options) == len(values) + 1
    return [
        (
            option if read_options or not value else None,
            None if file is None else file.read_bytes(),
        )
        for value, option, file in zip(values, shown_options, files, strict=False)
    ]


def expected(
    values: list[str], *, buffers: bool = True, options: bool = True
) -> list[tuple[bytes | None, bytes | None]]:
    return [
        (
            value.encode() if options or not value else None,
            value.encode() if buffers and value else None,
        )
        for value in values
    ]


class ControlClient:
    """A ``tmux -C`` client on pipes, as tuimux runs it, kept attached between lines.

    It must stay attached while ``#(...)`` jobs run: tmux kills a client's format jobs
    when that client exits, so a one-shot ``tmux source-file`` can hide an injection.
    """

    def __init__(self, server: TmuxServer) -> None:
        self.process = subprocess.Popen(
            [*server.argv, "-C", "attach-session", "-t", "q"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=server.env,
        )

    def run(self, lines: list[str]) -> list[str]:
        """Send lines; return how each of this client's blocks ended (%end or %error)."""
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write("".join(line + "\n" for line in lines).encode("utf-8"))
        self.process.stdin.flush()
        endings: list[str] = []
        while len(endings) < len(lines):
            reply = self.process.stdout.readline()
            assert reply, "tmux -C exited early"
            fields = reply.split()
            # FLAGS 1 marks this client's commands; the attach block has 0.
            if fields and fields[0] in (b"%end", b"%error") and fields[-1] == b"1":
                endings.append(fields[0].decode())
        return endings

    def __enter__(self) -> ControlClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()  # end of input detaches a control client
        self.process.wait(timeout=10)


def test_nasty_arguments_arrive_unchanged_via_source_file(
    server: TmuxServer, tmp_path: Path
) -> None:
    source(server, tmp_path / "store.conf", store_lines(NASTY))
    raw = options_shown_raw(server)
    assert read_back(server, tmp_path, NASTY, options=raw) == expected(NASTY, options=raw)


def test_nasty_arguments_arrive_unchanged_via_control_mode(
    server: TmuxServer, tmp_path: Path
) -> None:
    """The real channel: one line each on a ``tmux -C`` client's stdin (over a pipe)."""
    with ControlClient(server) as client:
        assert client.run(store_lines(NASTY)) == ["%end"] * len(store_lines(NASTY))
    raw = options_shown_raw(server)
    assert read_back(server, tmp_path, NASTY, options=raw) == expected(NASTY, options=raw)


# Every ASCII character except line breaks, alone and at the start, middle and end of
# otherwise plain words: wherever a character is special to tmux's parser, this finds it.
ASCII_PROBES = [
    probe
    for char in map(chr, range(1, 128))
    if char not in "\n\r"
    for probe in (char, char * 2, char + "a", char + "0", "a" + char, "x" + char + "y_1")
]


def test_every_ascii_character_in_every_position_round_trips(
    server: TmuxServer, tmp_path: Path
) -> None:
    # Options only where display -p shows them raw: 750 save-buffer round trips take
    # seconds, so they are the oracle only where nothing else reads a value exactly.
    raw = options_shown_raw(server)
    source(server, tmp_path / "store.conf", store_lines(ASCII_PROBES, buffers=not raw))
    found = read_back(server, tmp_path, ASCII_PROBES, buffers=not raw, options=raw)
    assert found == expected(ASCII_PROBES, buffers=not raw, options=raw)


@BATCHED
@given(st.lists(st.one_of(line_text, parser_words, bare_words), min_size=1, max_size=12))
def test_any_line_text_round_trips(server: TmuxServer, tmp_path: Path, values: list[str]) -> None:
    source(server, tmp_path / "store.conf", store_lines(values))
    raw = options_shown_raw(server)
    assert read_back(server, tmp_path, values, options=raw) == expected(values, options=raw)


def test_empty_argument_is_still_an_argument(server: TmuxServer, tmp_path: Path) -> None:
    assert quote("") == "''"
    # Without the '' tmux would answer "empty value"; with it the option becomes empty and
    # the next word is not swallowed.
    line = join(build("set-option", "-g", "@e", ""), build("set-option", "-g", "@f", "after"))
    server.run("set-option", "-g", "@e", "before")
    source(server, tmp_path / "empty.conf", [line])
    assert server.run("show-options", "-gv", "@e") == "\n"
    assert server.run("show-options", "-gv", "@f") == "after\n"


def test_plain_words_stay_bare_for_readable_logs() -> None:
    assert (
        build("send-keys", "-t", "%3", "-l", "--", "hello_world-1.2")
        == "send-keys -t %3 -l -- hello_world-1.2"
    )
    assert build("refresh-client", "-C", "@2:80x24") == "refresh-client -C @2:80x24"
    assert build("select-window", "-t", "$1") == "select-window -t $1"
    # Special only somewhere in a word, so the whole class is quoted.
    for word in ("%0:pause", "$HOME", "~", "#x", "{", "a b", "x;"):
        assert quote(word).startswith("'"), word


def test_single_quote_is_escaped_outside_quotes() -> None:
    """sh's idiom: no double quotes, which would expand $ and a leading ~."""
    assert quote("it's") == "'it'\\''s'"


def test_quote_data_carries_line_breaks_literally(server: TmuxServer, tmp_path: Path) -> None:
    texts = [
        'one\ntwo\r\nthree $HOME \\ "q" \x1b[0m\t~ #{x} ;',
        "~",
        "~/x",
        "$_",
        "${HOME}",
        "\\u00e9\\n",
        "'it's'",
        "é😀\x7f\x01\x1f",
        "end\\",
    ]
    lines = []
    for i, text in enumerate(texts):
        assert "\n" not in quote_data(text) and "\r" not in quote_data(text)
        lines.append(f"{build('set-buffer', '-b', f'd{i}', '--')} {quote_data(text)}")
        lines.append(build("save-buffer", "-b", f"d{i}", str(tmp_path / f"d{i}")))
    source(server, tmp_path / "data.conf", lines)
    assert [(tmp_path / f"d{i}").read_bytes() for i in range(len(texts))] == [
        text.encode() for text in texts
    ]


def names(server: TmuxServer) -> tuple[set[str], set[str], set[str]]:
    windows = server.run("list-windows", "-a", "-F", "#{window_name}").splitlines()
    sessions = server.run("list-sessions", "-F", "#{session_name}").splitlines()
    titles = server.run("list-panes", "-a", "-F", "#{pane_title}").splitlines()
    return set(windows), set(sessions), set(titles)


def rename_everything(name: str) -> list[list[str]]:
    """Every measured format-expanding name argument, given ``name`` (+ a marker each)."""
    return [
        ["new-window", "-d", "-t", "q:", "-n", escape_format(name + " nw")],
        ["new-session", "-d", "-s", escape_format(name + " ns"), "-n", escape_format(name + " nn")],
        ["rename-window", "-t", "q:0", "--", escape_format(name + " rw")],
        ["new-session", "-d", "-s", "tmp", "-n", "tmp"],  # no automatic-rename race
        ["rename-session", "-t", "tmp", "--", escape_format(name + " rs")],
        ["select-pane", "-t", "q:0.0", "-T", escape_format(name + " pt")],
    ]


def test_format_expanding_names_run_nothing(server: TmuxServer, tmp_path: Path) -> None:
    canary = tmp_path / "canary"
    name = f"evil #(touch {canary}) #{{session_name}} #S 'q' \"d\" ;x ~ {{ }} é😀"
    control = tmp_path / "control"
    with ControlClient(server) as client:
        lines = [build(*argv) for argv in rename_everything(name)]
        assert client.run(lines) == ["%end"] * len(lines)
        # Positive control: the same kind of line without escape_format runs its #(...).
        # Its job starts after any the lines above started, so once it has run they
        # would have too.
        unescaped = build("new-window", "-d", "-t", "q:", "-n", f"#(touch {control})")
        assert client.run([unescaped]) == ["%end"]
        server.wait_for(control.exists)
        assert not canary.exists()

    windows, sessions, titles = names(server)
    assert {name + " nw", name + " nn", name + " rw"} <= windows
    # tmux turns ':' and '.' into '_' in session names (session_check_name).
    session_name = name.replace(":", "_").replace(".", "_")
    assert {session_name + " ns", session_name + " rs"} <= sessions
    assert name + " pt" in titles


@pytest.mark.parametrize(
    "name",
    [
        "x $HOME ${HOME} ~ \\ \\' #(true) ##",
        # tmux 3.7+ refuses names with control characters (check_name): then the
        # same commands given as argv must be refused too.
        "x $HOME ${HOME} ~ \\ \\' \t\x1b \x7f#(true) ##",
    ],
    ids=["printable", "controls"],
)
def test_names_match_argv_even_where_tmux_escapes_them(
    server: TmuxServer, tmp_path: Path, name: str
) -> None:
    """tmux shows '\\' (3.3a also '$' and control characters) in names vis-escaped; the
    parsed names must still be exactly those tmux makes from the same text given as argv."""
    printable = name.isprintable()  # every tmux takes these names (and escapes '\\')
    # A refused rename leaves q:0's name to automatic-rename, which races the shell.
    server.run("rename-window", "-t", "q:0", "fixed")
    path = tmp_path / "names.conf"
    path.write_bytes("".join(build(*argv) + "\n" for argv in rename_everything(name)).encode())
    server.run("source-file", str(path), check=printable)
    parsed = names(server)

    direct = TmuxServer(server.socket_name + "-argv")
    try:
        direct.new_session("q")
        direct.run("rename-window", "-t", "q:0", "fixed")
        for argv in rename_everything(name):
            direct.run(*argv, check=printable)
        assert parsed == names(direct)
    finally:
        direct.kill()
    # Not vacuous: rename-window escapes (window_set_name), so "rw" is not the raw text.
    assert name + " rw" not in parsed[0]
    if printable:
        assert any(window.startswith("x ") and window.endswith(" rw") for window in parsed[0])
    # rename-window escaped what it took (the tab and ESC in every version; 3.3a and 3.4 also
    # put a backslash before "$HOME", 3.5 and later do not).
    renamed = [window for window in parsed[0] if window.endswith(" rw")]
    assert all("\t" not in window and "\x1b" not in window for window in renamed)


@pytest.mark.parametrize("bad", ["a\nb", "a\rb", "a\0b", "\n", "x\r\n"])
def test_line_breaks_and_nul_are_refused(bad: str) -> None:
    with pytest.raises(CommandError):
        quote(bad)
    with pytest.raises(CommandError):
        build("send-keys", "-l", "--", "ok", bad)
    with pytest.raises(CommandError):
        join(build("list-windows"), f"display-message -p x{bad}kill-server")


def test_quote_data_refuses_only_nul() -> None:
    with pytest.raises(CommandError):
        quote_data("a\0b")
    assert quote_data("a\nb") == '"a\\012b"'


@pytest.mark.parametrize("name", ["", "Send-keys", "send keys", "x;y", "-t", "a=b", "kill-", "é"])
def test_bad_command_names_are_refused(name: str) -> None:
    with pytest.raises(CommandError):
        build(name, "x")


def test_build_needs_a_command() -> None:
    with pytest.raises(CommandError):
        build()


def test_join_makes_one_line_group() -> None:
    line = join(build("display-message", "-p", "a;b"), build("list-windows"))
    assert line == "display-message -p 'a;b' ; list-windows"


@pytest.mark.parametrize("commands", [(), ("",), (build("list-windows"), "  ")])
def test_join_refuses_empty_commands(commands: tuple[str, ...]) -> None:
    """A blank line sent to ``tmux -C`` detaches the client."""
    with pytest.raises(CommandError):
        join(*commands)


def test_escape_format_doubles_every_hash() -> None:
    assert escape_format("a#b##c#(x)#{y}") == "a##b####c##(x)##{y}"
    assert escape_format("plain") == "plain"
