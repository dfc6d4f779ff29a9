"""tmux's own parser is the oracle for how tuimux reads tmux syntax.

Each spelling is sourced into a real tmux as ``set-buffer -b bN -- SPELLING`` and read
back byte for byte with ``save-buffer``; :func:`tokens` must give the same word. The
spellings leave out what tuimux deliberately does not do (``$VAR`` and ``~``
expansion) and what tmux would read as a comment or a directive (``#`` or ``%``
starting a word).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import TmuxServer
from tuimux.control.bindings import parse_commands
from tuimux.control.command import build
from tuimux.control.command_line import split_command_line
from tuimux.control.words import SEPARATOR, tokens
from tuimux.errors import CommandError

ESCAPES = [
    "\\e", "\\t", "\\n", "\\s", "\\a", "\\r", "\\033", "\\101", "\\177", "\\u00e9",
    "\\U0001F600", "\\q", '\\"', "\\\\", "\\$", "\\;", "\\~", "\\{", "\\'", "\\ ",
]  # fmt: skip
BARE = st.text(alphabet="aZ0._-:@,=", min_size=1, max_size=3)
SINGLE = st.text(alphabet='ab "\\$;#~{}\t', max_size=4).map(lambda text: f"'{text}'")
DOUBLE = st.lists(
    st.one_of(st.text(alphabet="ab '#;{}", min_size=1, max_size=3), st.sampled_from(ESCAPES)),
    max_size=4,
).map(lambda parts: '"' + "".join(parts) + '"')
SPELLINGS = st.lists(
    st.one_of(BARE, SINGLE, DOUBLE, st.sampled_from(ESCAPES)), min_size=1, max_size=4
).map("".join)

KNOWN = [
    '"x\\$HOME"',  # tmux drops the backslash: the word is $HOME, not \$HOME
    '"q\\qz"',  # an unknown escape is the character itself, in quotes too
    "\\033[A",  # list-keys prints ESC in octal
    '"\\e[1;5A"',
    "a\\tb",
    "'a\\tb'",  # literal in single quotes
    '"\\u00e9\\303\\251"',
    "a\\;b",
    "x'y z'\"w\"",
]


@pytest.fixture
def server(tmux_server: TmuxServer) -> TmuxServer:
    tmux_server.new_session("q")
    return tmux_server


def tmux_reads(server: TmuxServer, tmp_path: Path, spellings: list[str]) -> list[bytes]:
    """What tmux's parser makes of each spelling, as the bytes of a paste buffer."""
    conf = tmp_path / "words.conf"
    conf.write_text("".join(f"set-buffer -b b{i} -- {s}\n" for i, s in enumerate(spellings)))
    server.run("source-file", str(conf))
    read = tmp_path / "read.conf"
    outs = [tmp_path / f"out{i}" for i in range(len(spellings))]
    read.write_text(
        "".join(build("save-buffer", "-b", f"b{i}", str(o)) + "\n" for i, o in enumerate(outs))
    )
    done = subprocess.run(
        [*server.argv, "source-file", str(read)], capture_output=True, env=server.env, timeout=20
    )
    assert done.returncode == 0, done.stderr
    return [out.read_bytes() for out in outs]


def tuimux_reads(spelling: str) -> bytes:
    (word,) = list(tokens(spelling, "the test"))
    assert isinstance(word, str)
    return word.encode()


def test_known_spellings_read_as_tmux_reads_them(server: TmuxServer, tmp_path: Path) -> None:
    assert [tuimux_reads(s) for s in KNOWN] == tmux_reads(server, tmp_path, KNOWN)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(SPELLINGS, min_size=1, max_size=20))
def test_any_spelling_reads_as_tmux_reads_it(
    server: TmuxServer, tmp_path: Path, spellings: list[str]
) -> None:
    spellings = [s for s in spellings if tuimux_reads(s)]  # set-buffer ignores empty data
    if spellings:
        assert [tuimux_reads(s) for s in spellings] == tmux_reads(server, tmp_path, spellings)


def test_the_prompt_and_key_bindings_share_one_reader() -> None:
    assert split_command_line('rename-window "a\\$b" ; send-keys \\033') == [
        ["rename-window", "a$b"],
        ["send-keys", "\x1b"],
    ]
    assert parse_commands('bind-key -n F1 send-keys "\\033OP"') == (
        ("bind-key", "-n", "F1", "send-keys", "\x1bOP"),
    )
    assert list(tokens("a;b", "x")) == ["a", SEPARATOR, "b"]


@pytest.mark.parametrize(
    ("spelling", "sentence"),
    [
        ("x\\", "the command ends with a lone backslash."),
        ("'x", "the command has an unclosed ' quote."),
        ("\\5", "the command has an invalid octal escape."),
        ("\\0x", "the command has an invalid octal escape."),
        ("\\u12", "the command has an invalid \\u escape."),
        ("\\UFFFFFFFF", "the command has an invalid \\U escape."),
    ],
)
def test_what_tmux_refuses_is_one_sentence(spelling: str, sentence: str) -> None:
    with pytest.raises(CommandError) as refused:
        list(tokens(spelling, "the command"))
    assert str(refused.value) == sentence
