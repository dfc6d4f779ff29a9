"""The prompt's line editing, key for key as tmux's ``status_prompt_key`` (status.c, 3.4).

tmux's own client edits its prompt with the session's ``status-keys``: emacs keys, or
vi keys where the prompt starts in insert mode and Escape switches to a command mode
(``h l w b e 0 $ x d p …``), which tmux implements by translating each command-mode key
into the emacs key that does the same (``status_prompt_translate_key``). The same is
done here, on tmux's key names (``C-a``, ``M-b``, ``BSpace``, a plain character), so
that a line typed in tuimux's prompt is the line tmux's prompt would have made of the
same keys. Nothing here draws or talks to tmux: :class:`LineEditor` says what a key did,
and the prompt widget (:mod:`tuimux.ui.dialogs`) fetches what only tmux knows (the top
paste buffer for ``C-y``, the command names for Tab).

History is tmux's: one list per prompt type (``command``, ``search``, ``target``,
``window-target``), bounded by ``prompt-history-limit``, a line equal to the last one
not added again, Up/Down walking it from the newest. tmux keeps it in the server for its
own clients; tuimux keeps its own for as long as it runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from tuimux.control.escape import printable

PROMPT_TYPES = ("command", "search", "target", "window-target")
HISTORY_LIMIT = 100  # tmux's prompt-history-limit default
# tmux's prompt layouts for completion after the first word (status.c, 3.5+ adds the
# mirrored ones; a name tmux does not know only completes to an error).
LAYOUTS = (
    "even-horizontal",
    "even-vertical",
    "main-horizontal",
    "main-horizontal-mirrored",
    "main-vertical",
    "main-vertical-mirrored",
    "tiled",
)
# Longest word tmux completes (``char word[64]`` in status_prompt_replace_complete).
_WORD_MAX = 63
# What a key did: the prompt then redraws, answers, cancels or asks tmux for more.
CHANGED, MOVED, ENTER, CANCEL, PASTE, NOTHING = (
    "changed",
    "moved",
    "enter",
    "cancel",
    "paste",
    "nothing",
)


@dataclass(slots=True)
class PromptSettings:
    """What the prompt's keys depend on, read from tmux with the key tables: the
    session's ``status-keys`` and ``word-separators``, the server's
    ``prompt-history-limit``; plus the history and the words Tab completes."""

    status_keys: str = "emacs"
    word_separators: str = " "
    history_limit: int = HISTORY_LIMIT
    histories: dict[str, list[str]] = field(default_factory=dict)
    # Command names and aliases (and command-alias names), then option names: read once.
    commands: tuple[str, ...] | None = None
    options: tuple[str, ...] = ()
    # Whether words after the first complete too (option and layout names): not in
    # tmux 3.8, whose prompt completes command names only.
    arguments: bool = True

    def history(self, prompt_type: str) -> list[str]:
        return self.histories.setdefault(prompt_type, [])

    def remember(self, line: str, prompt_type: str) -> None:
        """tmux's ``status_prompt_add_history``: the newest last, a repeat of the last
        line kept once, the oldest dropped beyond the limit (0 keeps nothing)."""
        if not line:
            return
        history = self.history(prompt_type)
        if not history or history[-1] != line:
            history.append(line)
        del history[: max(len(history) - self.history_limit, 0)]

    def seed(self, prompt_type: str, lines: Sequence[str]) -> None:
        """tmux's own history for the type goes before what tuimux remembered."""
        history = self.history(prompt_type)
        history[:0] = [line for line in lines if line]
        del history[: max(len(history) - self.history_limit, 0)]

    def complete(self, word: str, at_start: bool) -> str | None:
        """tmux's ``status_prompt_complete`` for a command prompt: the one name that
        starts with ``word`` and a space, or what all of them start with; None if that
        adds nothing. At the start of the line only command names (and aliases)."""
        if not word or self.commands is None:
            return None
        if not at_start and not self.arguments:
            return None
        words = set(self.commands)
        if not at_start:
            words.update(self.options)
            words.update(LAYOUTS)
        found = sorted(name for name in words if name.startswith(word))
        if not found:
            return None
        out = found[0] + " " if len(found) == 1 else _common_prefix(found)
        return None if out == word else out


def completion_words(commands: Iterable[str], aliases: Iterable[str]) -> tuple[str, ...]:
    """``list-commands -F '#{command_list_name}<TAB>#{command_list_alias}'`` lines and
    ``show -gv command-alias`` values (``name=command``) → the names Tab completes at the
    start of a line, as tmux lists them."""
    words: set[str] = set()
    for line in commands:
        words.update(word for word in line.split("\t") if _is_word(word))
    for value in aliases:
        name, equals, _ = value.partition("=")
        if equals and _is_word(name):
            words.add(name)
    return tuple(sorted(words))


def option_names(lines: Iterable[str]) -> tuple[str, ...]:
    """``show-options`` lines → the option names (arrays without their ``[n]``; the
    user's ``@`` options left out, as tmux completes only its own)."""
    names: set[str] = set()
    for line in lines:
        name = line.split(" ", 1)[0].split("[", 1)[0]
        if _is_word(name) and not name.startswith("@"):
            names.add(name)
    return tuple(sorted(names))


def prompt_history(lines: Iterable[str]) -> list[str]:
    """``show-prompt-history -T TYPE`` lines (``History for command:``, then ``1: line``
    oldest first) → the lines, made printable (another client typed them)."""
    out = []
    for line in lines:
        number, colon, text = line.partition(": ")
        if colon and number.isascii() and number.isdecimal():
            out.append(printable(text))
    return out


def _is_word(word: str) -> bool:
    return 0 < len(word) <= _WORD_MAX and word.isprintable() and " " not in word


def _common_prefix(words: Sequence[str]) -> str:
    first, last = min(words), max(words)
    length = 0
    while length < min(len(first), len(last)) and first[length] == last[length]:
        length += 1
    return first[:length]


# vi command mode: keys that go back to insert mode first, then act (tmux's first switch).
_TO_ENTRY = frozenset("AICsa")
# vi command mode: the emacs key each command-mode key stands for.
_VI_COMMAND = {
    "A": "End",
    "$": "End",
    "I": "Home",
    "0": "Home",
    "^": "Home",
    "C": "C-k",
    "D": "C-k",
    "BSpace": "Left",  # tmux 3.4 checks BSpace as Left before its second list
    "X": "BSpace",
    "b": "M-b",
    "B": "vi-B",
    "d": "C-u",
    "e": "vi-e",
    "E": "vi-E",
    "w": "vi-w",
    "W": "vi-W",
    "p": "C-y",
    "q": "C-c",
    "s": "DC",
    "DC": "DC",
    "x": "DC",
    "Down": "Down",
    "j": "Down",
    "Left": "Left",
    "h": "Left",
    "a": "Right",
    "Right": "Right",
    "l": "Right",
    "Up": "Up",
    "k": "Up",
    "C-h": "C-h",
    "C-c": "C-c",
    "C-j": "C-j",
    "Enter": "Enter",
}
# vi insert mode: keys that edit as emacs keys do; everything else is typed.
_VI_ENTRY_KEYS = frozenset(
    [
        "C-a",
        "C-c",
        "C-e",
        "C-g",
        "C-h",
        "Tab",
        "C-k",
        "C-n",
        "C-p",
        "C-t",
        "C-u",
        "C-w",
        "C-y",
        "C-j",
        "Enter",
        "C-Left",
        "C-Right",
        "BSpace",
        "DC",
        "Down",
        "End",
        "Home",
        "Left",
        "Right",
        "Up",
    ]
)


class LineEditor:
    """One prompt's line, cursor, vi mode and place in the history.

    ``key`` takes a tmux key name and returns what happened: ``changed`` (the text),
    ``moved`` (only the cursor), ``enter``, ``cancel``, ``paste`` (``C-y`` with nothing
    cut: the caller inserts tmux's top buffer with :meth:`paste`) or ``nothing``.
    """

    def __init__(self, text: str, settings: PromptSettings, prompt_type: str = "command") -> None:
        self.chars = list(text)
        self.index = len(self.chars)
        self.settings = settings
        self.prompt_type = prompt_type if prompt_type in PROMPT_TYPES else "command"
        self.vi = settings.status_keys == "vi"
        self.command_mode = False
        self.saved: str | None = None  # what C-w cut, for C-y
        self.history_index = 0

    @property
    def text(self) -> str:
        return "".join(self.chars)

    def set_text(self, text: str) -> None:
        self.chars = list(text)
        self.index = len(self.chars)

    # -- keys ------------------------------------------------------------------------

    def key(self, name: str) -> str:
        if name == "Space":
            name = " "
        if self.vi:
            translated = self._translate_vi(name)
            if translated is None:
                return NOTHING
            name = translated
        return self._process(name)

    def _translate_vi(self, name: str) -> str | None:
        """tmux's ``status_prompt_translate_key``: the key to process, or None."""
        if not self.command_mode:
            if name == "Escape":
                self.command_mode = True
                return None
            if name in _VI_ENTRY_KEYS or len(name) == 1:
                return name  # an editing key, or a character typed
            # tmux types other control keys into the line as control characters and
            # drops the rest (M-x, F1): tuimux drops both.
            return None
        if name in _TO_ENTRY:
            self.command_mode = False
        elif name == "S":
            self.command_mode = False
            return "C-u"
        elif name in ("i", "Escape"):
            self.command_mode = False
            return None
        return _VI_COMMAND.get(name)

    def _process(self, name: str) -> str:
        chars, index, size = self.chars, self.index, len(self.chars)
        separators = self.settings.word_separators
        if name in ("Left", "C-b"):
            return self._move(max(index - 1, 0))
        if name in ("Right", "C-f"):
            return self._move(min(index + 1, size))
        if name in ("Home", "C-a"):
            return self._move(0)
        if name in ("End", "C-e"):
            return self._move(size)
        if name == "Tab":
            return CHANGED if self._complete() else NOTHING
        if name in ("BSpace", "C-h"):
            if index == 0:
                return NOTHING
            del chars[index - 1]
            self.index -= 1
            return CHANGED
        if name in ("DC", "C-d"):
            if index == size:
                return NOTHING
            del chars[index]
            return CHANGED
        if name == "C-u":
            self.set_text("")
            self.index = 0
            return CHANGED
        if name == "C-k":
            if index >= size:
                return NOTHING
            del chars[index:]
            return CHANGED
        if name == "C-w":
            start = self._word_start(index, separators)
            self.saved = "".join(chars[start:index])
            del chars[start:index]
            self.index = start
            return CHANGED
        if name in ("C-Right", "M-f"):
            self._forward_word(vi=False, separators=separators)
            return CHANGED
        if name == "vi-E":
            self._end_word("")
            return CHANGED
        if name == "vi-e":
            self._end_word(separators)
            return CHANGED
        if name == "vi-W":
            self._forward_word(vi=True, separators="")
            return CHANGED
        if name == "vi-w":
            self._forward_word(vi=True, separators=separators)
            return CHANGED
        if name == "vi-B":
            self.index = self._word_start(index, "")
            return CHANGED
        if name in ("C-Left", "M-b"):
            self.index = self._word_start(index, separators)
            return CHANGED
        if name in ("Up", "C-p"):
            return self._history(1)
        if name in ("Down", "C-n"):
            return self._history(-1)
        if name == "C-y":
            if self.saved is None:
                return PASTE
            return self._insert(self.saved)
        if name == "C-t":
            at = index + 1 if index < size else index
            if at < 2:
                return NOTHING
            chars[at - 2], chars[at - 1] = chars[at - 1], chars[at - 2]
            self.index = at
            return CHANGED
        if name in ("Enter", "C-j", "C-m"):
            self.settings.remember(self.text, self.prompt_type)
            return ENTER
        if name in ("Escape", "C-c", "C-g"):
            return CANCEL
        if len(name) == 1 and name.isprintable():
            return self._insert(name)
        return NOTHING  # a key tmux would not type (M-x, F1, a control character)

    def _move(self, index: int) -> str:
        self.index = index
        return MOVED

    def _insert(self, text: str) -> str:
        if not text:
            return NOTHING
        self.chars[self.index : self.index] = list(text)
        self.index += len(text)
        return CHANGED

    def paste(self, data: str) -> str:
        """``C-y`` with tmux's top buffer: its text up to the first control character,
        as ``status_prompt_paste`` takes it."""
        taken = []
        for char in data:
            if ord(char) <= 31 or ord(char) == 127 or not char.isprintable():
                break
            taken.append(char)
        return self._insert("".join(taken))

    # -- words (status_prompt_*_word) ------------------------------------------------

    def _space(self, at: int) -> bool:
        return at < len(self.chars) and self.chars[at] == " "

    def _in(self, separators: str, at: int) -> bool:
        return at < len(self.chars) and self.chars[at] in separators

    def _word_start(self, index: int, separators: str) -> int:
        """Back to the start of the word before ``index`` (C-w, M-b, vi b/B)."""
        at = index
        while at != 0:
            at -= 1
            if not self._space(at):
                break
        is_sep = self._in(separators, at)
        while at != 0:
            at -= 1
            if self._space(at) or is_sep != self._in(separators, at):
                at += 1
                break
        return at

    def _forward_word(self, *, vi: bool, separators: str) -> None:
        size = len(self.chars)
        at = self.index
        if not vi:
            while at != size and self._space(at):
                at += 1
        if at == size:
            self.index = at
            return
        is_sep = self._in(separators, at) and not self._space(at)
        while True:
            at += 1
            if self._space(at):
                if vi:
                    while at != size and self._space(at):
                        at += 1
                break
            if at == size or is_sep != self._in(separators, at):
                break
        self.index = at

    def _end_word(self, separators: str) -> None:
        size = len(self.chars)
        at = self.index
        if at == size:
            return
        while True:
            at += 1
            if at == size:
                self.index = at
                return
            if not self._space(at):
                break
        is_sep = self._in(separators, at)
        while True:
            at += 1
            if at == size or self._space(at) or is_sep != self._in(separators, at):
                break
        self.index = at - 1

    # -- history and completion --------------------------------------------------------

    def _history(self, step: int) -> str:
        """tmux's up/down history: index 0 is the line being typed (empty)."""
        history = self.settings.history(self.prompt_type)
        if step > 0:
            if not history or self.history_index == len(history):
                return NOTHING
            self.history_index += 1
        else:
            if not history or self.history_index == 0:
                self.set_text("")
                return CHANGED
            self.history_index -= 1
            if self.history_index == 0:
                self.set_text("")
                return CHANGED
        self.set_text(history[len(history) - self.history_index])
        return CHANGED

    def word_at_cursor(self) -> tuple[int, int]:
        """The word the cursor is in or just after, as tmux finds it for Tab."""
        chars = self.chars
        at = self.index - 1 if self.index else 0
        first = at
        while first > 0 and not self._space(first):
            first -= 1
        while first < len(chars) and self._space(first):
            first += 1
        last = at
        while last < len(chars) and not self._space(last):
            last += 1
        while last > 0 and self._space(last):
            last -= 1
        if last < len(chars):
            last += 1
        return first, last

    def _complete(self) -> bool:
        if self.prompt_type in ("target", "window-target"):
            return False  # tmux opens a menu of sessions and windows here
        first, last = self.word_at_cursor()
        if last < first:
            return False
        word = "".join(self.chars[first:last])
        if len(word.encode()) > _WORD_MAX or word.startswith(("-t", "-s")):
            return False
        out = self.settings.complete(word, at_start=first == 0)
        if out is None:
            return False
        self.chars[first:last] = list(out)
        self.index = first + len(out)
        return True
