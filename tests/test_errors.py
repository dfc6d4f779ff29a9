"""One place where errors become text, and a check that nothing goes around it.

Whoever answers the TCP port chooses asyncssh's disconnect reason before any host key is
checked; tmux's ``%error`` text, ``%exit`` reason and version reply are the remote's.
Every ``TuimuxError`` makes its message printable when it is made, ``user_message`` turns
any other exception into text, and the source is read here so that a new
``f"…{error}"`` or a new ``print(…, file=sys.stderr)`` cannot slip past them.
"""

from __future__ import annotations

import ast
import inspect
import logging
from pathlib import Path

import asyncssh
import pytest

import tuimux.errors as errors_module
from tests.control.test_escape import BIDI, HOSTILE, unsafe_in
from tuimux.cli import SafeFormatter, say
from tuimux.errors import (
    MESSAGE_LIMIT,
    REASON_LIMIT,
    HostKeyError,
    TmuxError,
    TuimuxError,
    one_line,
    user_message,
)

PACKAGE = Path(__file__).resolve().parents[1] / "tuimux"
MARKUP = "[bold][@click=app.quit]click[/]"


def inert(text: str) -> None:
    """Nothing that drives a terminal, reorders or hides text; markup kept as typed."""
    assert unsafe_in(text) == [], repr(text)
    assert not set(BIDI) & set(text)
    assert "\n" not in text and "\r" not in text


def error_classes() -> list[type[TuimuxError]]:
    found = [
        value
        for value in vars(errors_module).values()
        if inspect.isclass(value) and issubclass(value, TuimuxError)
    ]
    assert len(found) >= 10
    return found


def make(cls: type[TuimuxError], message: str) -> TuimuxError:
    if cls is TmuxError:
        return TmuxError("display-message", message)
    if cls is HostKeyError:
        return HostKeyError(message, host="h", fingerprint="f")
    return cls(message)


@pytest.mark.parametrize("cls", error_classes(), ids=lambda cls: cls.__name__)
def test_every_error_is_printable_from_the_moment_it_is_made(cls: type[TuimuxError]) -> None:
    error = make(cls, f"Could not connect: {HOSTILE}\r\nsecond line")
    for text in (str(error), str(error.args[0]), user_message(error)):
        inert(text)
        assert MARKUP in text and "second line" in text
    error.args = (HOSTILE,)  # replaced afterwards: still printable when shown
    inert(str(error))
    assert len(str(make(cls, "x" * 100_000))) == MESSAGE_LIMIT


def test_tmux_error_text_is_printable_for_whoever_reads_it() -> None:
    """The client builds TmuxError from ``%error`` lines as they came."""
    error = TmuxError("select-window -t x", f"can't find window: {HOSTILE}")
    inert(error.message)
    assert TmuxError("kill-pane", "").message == ""


@pytest.mark.parametrize(
    "error",
    [
        asyncssh.ProtocolError(HOSTILE),
        asyncssh.ConnectionLost(HOSTILE),
        asyncssh.ChannelOpenError(asyncssh.OPEN_CONNECT_FAILED, HOSTILE),
        asyncssh.PermissionDenied(HOSTILE),
        OSError(f"proxy command said: {HOSTILE}"),
        ConnectionResetError(104, HOSTILE),
    ],
    ids=lambda error: type(error).__name__,
)
def test_library_errors_become_short_inert_text(error: Exception) -> None:
    text = user_message(error)
    inert(text)
    assert MARKUP in text
    error.args = ("x" * 100_000,)
    assert len(user_message(error)) <= REASON_LIMIT


def test_an_error_that_says_nothing_is_named() -> None:
    assert user_message(TimeoutError()) == "TimeoutError"
    assert user_message(OSError("\n \t")) == "OSError"


def test_stderr_and_log_records_go_through_the_sanitiser(
    capsys: pytest.CaptureFixture[str],
) -> None:
    say(f"Could not connect: {HOSTILE}\nmore")
    err = capsys.readouterr().err
    assert err.startswith("tuimux: Could not connect: ") and err.count("\n") == 1
    inert(err.rstrip("\n"))
    record = logging.LogRecord(
        "asyncssh", logging.INFO, __file__, 1, "Received: %s", (HOSTILE,), None
    )
    for line in SafeFormatter("%(message)s").format(record).split("\n"):
        inert(line)
    assert one_line("a\n\tb") == "a b"


# -- the source: nothing goes around the one place -----------------------------------


def sources() -> dict[Path, ast.Module]:
    return {
        path: ast.parse(path.read_text(encoding="utf-8"), str(path))
        for path in sorted(PACKAGE.rglob("*.py"))
    }


def _is_stderr(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr in ("stderr", "__stderr__")
        and isinstance(node.value, ast.Name)
        and node.value.id == "sys"
    )


def test_stderr_is_written_in_one_function_and_it_sanitises() -> None:
    """``cli.say`` is the one writer; the log handler writes what SafeFormatter made."""
    allowed = {("cli.py", "say"), ("cli.py", "emit")}
    found = set()
    for path, tree in sources().items():
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                writes = _is_stderr(node) or (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id == "print"
                )
                if writes:
                    found.add((str(path.relative_to(PACKAGE)), function.name))
    assert found == allowed, f"stderr or print() outside cli.say: {sorted(found - allowed)}"
    say_source = inspect.getsource(say)
    assert "one_line(" in say_source


# Names of tuimux's own errors: their text is printable from birth.
OWN_ERRORS = {cls.__name__ for cls in error_classes()}
# Attributes of an exception that are not a peer's text.
NOT_TEXT = {"strerror", "errno", "known_hosts_line", "unknown", "code", "command"}
# (file, function) pairs allowed to turn a library exception into text another way: none.
KNOWN: set[tuple[str, str]] = set()


def _caught(handler: ast.ExceptHandler) -> set[str]:
    kinds = handler.type
    nodes = kinds.elts if isinstance(kinds, ast.Tuple) else [kinds] if kinds else []
    names = set()
    for node in nodes:
        names.add(node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "?"))
    return names or {"BaseException"}


LOG_METHODS = ("debug", "info", "warning", "error", "exception", "critical", "log")


def _is_log(func: ast.Attribute) -> bool:
    """``log.warning(…)``, ``logger.info(…)``, ``logging.error(…)``, ``self.logger.x(…)``."""
    owner = func.value
    name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", "")
    return func.attr in LOG_METHODS and name in ("log", "logger", "logging")


def _to_text_uses(handler: ast.ExceptHandler) -> list[ast.AST]:
    """Where the caught exception (or an attribute of it) is turned into text other than
    by ``user_message``: ``str()``/``repr()``/``format()``, an f-string, ``%`` or
    ``.format()`` arguments, and the arguments of a logging call."""
    name = handler.name
    assert name is not None

    def is_error(node: ast.AST) -> bool:
        if isinstance(node, ast.Name):
            return node.id == name
        return (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == name
            and node.attr not in NOT_TEXT
        )

    found: list[ast.AST] = []
    compared: set[int] = set()
    for node in ast.walk(ast.Module(body=handler.body, type_ignores=[])):
        if isinstance(node, ast.Compare):  # a test on the text, e.g. "passphrase" in str(e)
            compared.update(id(inner) for inner in ast.walk(node))
        if isinstance(node, ast.FormattedValue) and is_error(node.value):
            found.append(node)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
            values = node.right.elts if isinstance(node.right, ast.Tuple) else [node.right]
            found += [value for value in values if is_error(value)]
        elif isinstance(node, ast.Call):
            func = node.func
            callee = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if callee == "user_message":
                continue
            converting = callee in ("str", "repr", "format", "print") or (
                isinstance(func, ast.Attribute) and (func.attr == "format" or _is_log(func))
            )
            if converting:
                found += [arg for arg in node.args if is_error(arg) and id(node) not in compared]
    return found


def test_library_exceptions_become_text_only_through_user_message() -> None:
    """An ``except`` that catches anything but tuimux's own errors (asyncssh's, the OS's)
    may turn the exception into text only with ``user_message``."""
    offences = []
    for path, tree in sources().items():
        where = str(path.relative_to(PACKAGE))
        functions = [
            node
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        ]
        for function in functions:
            for handler in ast.walk(function):
                if not isinstance(handler, ast.ExceptHandler) or handler.name is None:
                    continue
                if _caught(handler) <= OWN_ERRORS or (where, function.name) in KNOWN:
                    continue
                offences += [
                    f"{where}:{node.lineno} ({function.name})" for node in _to_text_uses(handler)
                ]
    assert offences == [], "library exception text outside user_message: " + ", ".join(offences)


def test_the_source_check_finds_what_it_looks_for() -> None:
    """The checker itself, on the forms the red team's findings took."""
    bad = [
        'f"Could not connect to {host}: {error}."',
        "str(error)",
        '"reason: %s" % error',
        '"{}".format(error.reason)',
        'log.warning("failed: %s", error)',
    ]
    good = [
        'f"Could not connect: {user_message(error)}."',
        '"passphrase" in str(error).lower()',
        'f"{error.strerror}"',
    ]
    for code, expect in [(c, 1) for c in bad] + [(c, 0) for c in good]:
        tree = ast.parse(f"try:\n    pass\nexcept OSError as error:\n    x = {code}\n")
        handler = tree.body[0].handlers[0]  # type: ignore[attr-defined]
        assert len(_to_text_uses(handler)) == expect, code
