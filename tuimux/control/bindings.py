"""tmux's key bindings as ``list-keys`` prints them, and the prompts they would open.

tmux runs ``command-prompt`` and ``confirm-before`` *for the client* whose key caused
them and, from 3.3 on, holds that client's command queue until the prompt is answered.
A control client has no status line to answer on, so a copy-mode key such as vi's ``/``
forwarded with ``send-keys`` would freeze tuimux (DESIGN.md, Traps). tuimux therefore
reads the mode's key table, recognises a binding that opens a prompt, asks in its own
prompt, and sends the binding's template filled with the answer, as tmux would.

Filling follows ``cmd_template_replace`` (cmd.c) as tmux 3.3+ applies it to a ``{ }``
command list: the template is parsed first and each argument is filled on its own
(``cmd_list_copy``), so the typed text always stays inside the argument it fills and can
never end a command or start another. tmux 3.2a (and a string template on any version)
fills the text *before* parsing, where a typed ``"`` or ``;`` is syntax; tuimux never
does that. The answer is inserted as typed: ``%%%`` asks tmux to escape it for a later
parse inside double quotes, which the per-argument fill makes unnecessary.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tuimux.control.command import build, join
from tuimux.control.getopt import getopt
from tuimux.control.words import SEPARATOR, Brace, tokens
from tuimux.errors import CommandError


@dataclass(frozen=True, slots=True)
class Block:
    """A ``{ … }`` command list standing as one argument."""

    commands: tuple[Command, ...]


Arg = str | Block
Command = tuple[Arg, ...]


# -- parsing tmux's command syntax -----------------------------------------------------


def parse_commands(text: str) -> tuple[Command, ...]:
    """The commands of a line of tmux syntax, ``{ }`` lists kept as :class:`Block`."""
    words = list(tokens(text, "a key binding"))
    commands, rest = _commands(words, 0, nested=False)
    assert rest == len(words)
    return commands


def _commands(
    words: list[str | object], at: int, *, nested: bool
) -> tuple[tuple[Command, ...], int]:
    commands: list[Command] = []
    current: list[Arg] = []
    while at < len(words):
        token = words[at]
        at += 1
        if token is SEPARATOR:
            if current:
                commands.append(tuple(current))
            current = []
        elif isinstance(token, Brace) and token == "{":
            inner, at = _commands(words, at, nested=True)
            current.append(Block(inner))
        elif isinstance(token, Brace):
            if not nested:
                raise CommandError("a key binding has an unmatched '}'.")
            break
        else:
            assert isinstance(token, str)
            current.append(str(token))
    else:
        if nested:
            raise CommandError("a key binding has an unclosed '{'.")
    if current:
        commands.append(tuple(current))
    return tuple(commands), at


def split_arguments(args: Sequence[Arg]) -> tuple[Command, ...]:
    """A binding's arguments as its commands: ``bind-key`` splits them at an argument
    ending in ``;`` (``\\;`` is a literal ``;``), as ``cmd_parse_from_arguments``
    (cmd-parse.y) does. ``list-keys`` prints ``a \\; b`` for a two-command binding."""
    commands: list[Command] = []
    current: list[Arg] = []
    for arg in args:
        end = False
        if isinstance(arg, str) and arg.endswith(";"):
            arg = arg[:-1]
            if arg.endswith("\\"):
                arg = arg[:-1] + ";"
            else:
                end = True
            if end and not arg:
                commands.append(tuple(current))
                current = []
                continue
        current.append(arg)
        if end:
            commands.append(tuple(current))
            current = []
    if current:
        commands.append(tuple(current))
    return tuple(command for command in commands if command)


def parse_list_keys(lines: Sequence[str]) -> dict[str, tuple[Command, ...]]:
    """``bind-key [-r] [-N note] -T TABLE KEY COMMAND…`` lines → key name → commands.

    A line that does not parse is left out: the key then goes to tmux as before.
    """
    table: dict[str, tuple[Command, ...]] = {}
    for line in lines:
        try:
            words = parse_commands(line)
        except CommandError:
            continue
        if not words:
            continue
        first = words[0]
        index = 1
        while index < len(first) and isinstance(first[index], str):
            word = first[index]
            assert isinstance(word, str)
            if word in ("-T", "-N"):
                index += 2
            elif word.startswith("-") and len(word) > 1 and word != "--":
                index += 1
            else:
                break
        if first[:1] != ("bind-key",) or index + 1 >= len(first):
            continue
        key = first[index]
        if isinstance(key, str):
            table[key] = (*split_arguments(first[index + 1 :]), *words[1:])
    return table


# -- prompts ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PromptSpec:
    """What a ``command-prompt`` or ``confirm-before`` binding asks, and what it runs.

    ``prompts`` holds (label, initial input) pairs, both still tmux formats; ``kind`` is
    ``text`` (Enter answers), ``key`` (``-1``: the first key answers), ``key-name`` (``-k``:
    the first key's tmux name answers), ``number`` (``-N``:
    digits, any other key answers and is then handled as a key), ``incremental``
    (``-i``: the template runs on every change with ``=``/``+``/``-`` before the text),
    or ``confirm`` (``confirm-before``: ``confirm_key`` runs ``template`` unchanged).
    ``prompt_type`` (``-T``) picks the history the prompt's Up and Down walk.
    """

    kind: str
    prompts: tuple[tuple[str, str], ...]
    template: tuple[Command, ...]
    confirm_key: str = "y"
    enter_confirms: bool = False
    prompt_type: str = "command"


# Options that take a value (3.2a's -T took none; 3.3+ names a prompt type).
_PROMPT_VALUED = frozenset("IptT")
_PROMPT_TYPES = frozenset({"command", "search", "target", "window-target"})
_CONFIRM_VALUED = frozenset("cpt")
# Names tmux accepts for them (unique prefixes and aliases).
_COMMAND_PROMPT = "command-prompt"
_CONFIRM_BEFORE = ("confirm-before", "confirm")


def _is(name: str, full: str, minimum: int = 3) -> bool:
    return len(name) >= minimum and full.startswith(name)


def _options(args: Sequence[Arg], valued: frozenset[str]) -> tuple[dict[str, str], list[Arg]]:
    """The flags (the last value of each) and the arguments after them."""

    def takes(letter: str, following: Arg) -> bool:  # 3.2a's bare -T (complete a target)
        return letter != "T" or (isinstance(following, str) and following in _PROMPT_TYPES)

    flags, rest = getopt(args, valued, takes=takes)
    return dict(flags), rest


def prompt_of(commands: Sequence[Command]) -> PromptSpec | None:
    """The prompt a binding opens first, or None if its first command opens none."""
    if not commands or not commands[0] or not isinstance(commands[0][0], str):
        return None
    name, *args = commands[0]
    assert isinstance(name, str)
    if _is(name, _COMMAND_PROMPT, 4):
        return _command_prompt(args)
    if name in _CONFIRM_BEFORE or _is(name, _CONFIRM_BEFORE[0], 4):
        return _confirm_before(args)
    return None


def _template(rest: list[Arg], default: str) -> tuple[Command, ...]:
    if not rest:
        return parse_commands(default)
    first = rest[0]
    if isinstance(first, Block):
        return first.commands
    return parse_commands(first)


def _command_prompt(args: list[Arg]) -> PromptSpec | None:
    options, rest = _options(args, _PROMPT_VALUED)
    try:
        template = _template(rest, "%1")
    except CommandError:
        return None
    if "p" in options:
        labels = [f"{label} " for label in options["p"].split(",")]
    elif rest:
        words = _flatten(template[0]) if template else []
        labels = [f"({words[0] if words else ''}) "]
    else:
        labels = [":"]
    inputs = options["I"].split(",") if "I" in options else []
    prompts = tuple(
        (label, inputs[index] if index < len(inputs) else "") for index, label in enumerate(labels)
    )
    if "1" in options:
        kind = "key"
    elif "N" in options:
        kind = "number"
    elif "i" in options:
        kind = "incremental"
    elif "k" in options:
        kind = "key-name"  # the name of the next key (``C-b /``: what is C-a bound to?)
    else:
        kind = "text"
    prompt_type = options.get("T", "")
    if prompt_type not in _PROMPT_TYPES:
        prompt_type = "command"  # tmux's default (and 3.2a's bare -T)
    return PromptSpec(kind, prompts, template, prompt_type=prompt_type)


def _confirm_before(args: list[Arg]) -> PromptSpec | None:
    options, rest = _options(args, _CONFIRM_VALUED)
    if not rest:
        return None
    try:
        template = _template(rest, "")
    except CommandError:
        return None
    if not template:
        return None
    if "p" in options:
        label = f"{options['p']} "
    else:
        first = template[0][0] if template[0] else ""
        label = f"Confirm '{first if isinstance(first, str) else ''}'? (y/n) "
    key = options.get("c") or "y"
    return PromptSpec("confirm", ((label, ""),), template, key[:1], "y" in options)


# What tmux runs *for the client* and then waits on (3.3+; menus and popups on 3.2a
# too): (full name, shortest unique prefix tmux accepts, alias).
_WAIT_FOR_CLIENT = (
    ("command-prompt", "comm", ""),
    ("confirm-before", "conf", "confirm"),
    ("display-menu", "display-men", "menu"),
    ("display-popup", "display-po", "popup"),
)


def waits_for_client(name: str) -> str | None:
    """The full name if a command of this name (as tmux resolves names) opens a prompt,
    menu or popup for the client that sent it; None otherwise."""
    for full, prefix, alias in _WAIT_FOR_CLIENT:
        if name == alias or (name.startswith(prefix) and full.startswith(name)):
            return full
    return None


# -- filling the template --------------------------------------------------------------


def template_replace(template: str, answer: str, index: int) -> str:
    """tmux's ``cmd_template_replace``: ``%%`` (the first not yet filled) and every
    ``%<index>`` become the answer; ``%%%`` / ``%<index>%`` likewise (see module doc)."""
    if "%" not in template:
        return template
    out: list[str] = []
    replaced = False
    at = 0
    while at < len(template):
        char = template[at]
        at += 1
        if char != "%" or at >= len(template):
            out.append(char)
            continue
        following = template[at]
        if following == str(index) and 1 <= index <= 9:
            pass
        elif following == "%" and not replaced:
            replaced = True
        else:
            out.append(char)
            continue
        at += 1
        if at < len(template) and template[at] == "%":
            at += 1
        out.append(answer)
    return "".join(out)


def fill(template: Sequence[Command], answers: Sequence[str]) -> list[list[str]]:
    """The template's commands as argv lists, each argument filled with the answers.

    A nested ``{ }`` list becomes one string argument, which tmux parses when it runs it
    (its arguments were filled and quoted before).
    """
    return [[_fill_arg(arg, answers) for arg in command] for command in template if command]


def _fill_arg(arg: Arg, answers: Sequence[str]) -> str:
    if isinstance(arg, Block):
        return join(*(build(*argv) for argv in fill(arg.commands, answers)))
    for index, answer in enumerate(answers, 1):
        arg = template_replace(arg, answer, index)
    return arg


def _flatten(command: Command) -> list[str]:
    return [arg for arg in command if isinstance(arg, str)]


def aimed_at(argvs: list[list[str]], pane_id: str) -> list[list[str]]:
    """tmux ran the binding with the pane in copy mode as its target; tuimux's client
    would default to its own current pane. ``send-keys`` (the copy-mode commands) gets
    that pane named unless the binding named one."""
    aimed = []
    for argv in argvs:
        if argv and argv[0] in ("send-keys", "send") and "-t" not in argv[1:]:
            argv = [argv[0], "-t", pane_id, *argv[1:]]
        aimed.append(argv)
    return aimed
