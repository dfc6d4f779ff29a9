"""Prompts in tmux's style: one line at the bottom, answered with the keyboard.

Every modal here is a :class:`KeyTaker`: the app hands it the keys typed after the one
that opened it, one at a time and in order, and it applies each at once. Textual's own
route would not keep that order: it forwards a whole read to whatever has focus before
any of it is handled, and ``Input`` runs its binding actions (Ctrl+U, Enter) only when
the key has bubbled up to the app, after the printable keys of the same read.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import ClassVar, Generic, TypeVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingsMap, BindingType
from textual.color import Color
from textual.containers import Horizontal
from textual.dom import DOMNode
from textual.events import Click, Key, Mount
from textual.geometry import Offset
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from tuimux.control.escape import printable
from tuimux.terminal.keys import Literal, encode_key
from tuimux.ui.host_cursor import PromptCursor
from tuimux.ui.prompt_editing import (
    CANCEL,
    CHANGED,
    ENTER,
    MOVED,
    NOTHING,
    PASTE,
    LineEditor,
    PromptSettings,
)
from tuimux.ui.taps import TapBar

T = TypeVar("T")


def bound_action(bindings: BindingsMap, event: Key) -> str | None:
    """The action a widget's own bindings give this key, if any."""
    for key in event.aliases:
        for binding in bindings.key_to_bindings.get(key, []):
            return binding.action
    return None


def bindings_of(widget: type[DOMNode], *, inherited: bool = True) -> BindingsMap:
    """A widget class's bindings with those it inherits (``Tree`` scrolls with
    PageUp like any ScrollableContainer), its own first. A screen's own only: the
    focus and copy keys Textual's Screen adds have no use in a one-line prompt."""
    classes = widget.__mro__ if inherited else (widget,)
    return BindingsMap(
        [
            binding
            for cls in classes
            if "BINDINGS" in cls.__dict__
            for binding in cls.__dict__["BINDINGS"]
        ]
    )


class KeyTaker(ModalScreen[T], Generic[T]):
    """A modal the app feeds keys to (:meth:`take_key`), in the order they were typed.

    The app sets ``ready`` (called once the screen can take keys: the keys typed since
    the one that opened it are then handed over) and ``finished`` (called with the
    answer the moment the modal has one, before any later key is handled). Without them
    (a screen pushed some other way) it is dismissed as any Textual screen.
    """

    def __init__(self) -> None:
        super().__init__()
        self.ready: Callable[[], None] | None = None
        self.finished: Callable[[T | None], None] | None = None
        self.done = False
        # The user's message-style, which tmux draws its prompts in, and whether its
        # status line (where tmux puts them) is at the top; None: tuimux's own colours.
        self.look: Style | None = None
        self.at_top = False
        # tmux 3.6+: the prompt's cursor is the terminal's own (Prompt draws no cell).
        self.real_cursor: PromptCursor | None = None

    async def take_key(self, event: Key) -> None:
        raise NotImplementedError

    def take_paste(self, text: str) -> None:
        """Pasted text; most modals ignore it."""

    def _on_mount(self, event: Mount) -> None:
        self._take_look()
        self.call_after_refresh(self.became_ready)

    # Whether this is one of tmux's status-line prompts (the look applies to it).
    prompt_line: ClassVar[bool] = False

    def _take_look(self) -> None:
        """Draw the line as tmux draws its prompt: the whole row in ``message-style``
        (its cursor that style reversed), on the status line's row."""
        if not self.prompt_line:
            return
        if self.at_top:
            self.styles.align_vertical = "top"
        look = self.look
        if look is None:
            return
        self.add_class("-users")
        default = Color.parse("ansi_default")
        background = Color.from_rich_color(look.bgcolor) if look.bgcolor else default
        colour = Color.from_rich_color(look.color) if look.color else default
        attributes = [
            name
            for name, on in (
                ("bold", look.bold),
                ("dim", look.dim),
                ("italic", look.italic),
                ("underline", look.underline),
                ("strike", look.strike),
                ("reverse", look.reverse),
            )
            if on
        ]
        for widget in self.query("Horizontal, Label, Input"):
            widget.styles.background = background
            widget.styles.color = colour
            widget.styles.text_style = " ".join(attributes) or "none"
        for field in self.query(PromptField):
            field.styles.background_tint = Color(0, 0, 0, 0)  # no focus tint: tmux's colour
            field.cursor_blink = False  # tmux's is a steady reversed cell
            field.cursor_look = look + Style(reverse=not look.reverse)
            if self.real_cursor is not None:  # 3.6+: no cell, the terminal's cursor
                field.cursor_look = look

    def became_ready(self) -> None:
        if self.ready is not None:
            self.ready()

    def on_click(self, event: Click) -> None:
        """A tap beside the modal's own widgets closes it as Esc does (on a phone Esc
        is hard to reach; a tap always works)."""
        if event.widget is self:
            event.stop()
            self.finish(None)

    def finish(self, result: T | None) -> None:
        if self.done:
            return
        self.done = True
        if self.finished is not None:
            self.finished(result)
        else:
            self.dismiss(result)


class PromptField(Input):
    """The prompt's text field; with ``cursor_look`` its cursor is that style, as
    tmux draws its prompt's cursor (message-style reversed)."""

    cursor_look: Style | None = None

    def get_component_rich_style(
        self, *names: str, partial: bool = False, default: Style | None = None
    ) -> Style:
        if self.cursor_look is not None and names == ("input--cursor",):
            return self.cursor_look
        return super().get_component_rich_style(*names, partial=partial, default=default)


class Confirm(KeyTaker[bool]):
    """``kill-pane %3? (y/n)`` — only ``y`` confirms, like tmux's confirm-before.

    ``exact`` draws the question as given (tmux's own prompt text, which carries its
    ``(y/n)``) and confirms only with ``key`` (confirm-before ``-c``), or Enter with ``-y``.
    """

    prompt_line = True

    DEFAULT_CSS = """
    Confirm { align: left bottom; background: transparent; }
    Confirm > Horizontal { height: 1; background: $warning-muted; }
    Confirm Label { width: 1fr; height: 1; }
    """

    def __init__(
        self, question: str, *, exact: bool = False, key: str = "y", enter: bool = False
    ) -> None:
        super().__init__()
        self.question = question
        self.exact = exact
        self.keys = (key,) if exact else ("y", "Y")
        self.enter = enter

    def compose(self) -> ComposeResult:
        # Text, not markup: the question may hold a session or window name.
        shown = printable(self.question)
        with Horizontal():
            yield Label(Text(shown if self.exact else f"{shown} (y/n)"))
            yield TapBar([("yes", "answer(True)"), ("no", "answer(False)")])

    def action_answer(self, yes: bool) -> None:
        """A tap on yes or no (the keys stay as tmux's: only the confirming key says yes)."""
        self.finish(yes)

    def _answer(self, event: Key) -> bool:
        return event.character in self.keys or (self.enter and event.key == "enter")

    def on_key(self, event: Key) -> None:
        event.stop()
        event.prevent_default()
        self.finish(self._answer(event))

    async def take_key(self, event: Key) -> None:
        self.finish(self._answer(event))


class Prompt(KeyTaker[str | None]):
    """A one-line text prompt (``(rename-window) name``) edited with tmux's keys.

    ``hidden`` shows bullets instead of what is typed (passwords, passphrases);
    ``exact`` draws the label as given (tmux's own prompt text, ``(search down) ``).
    Keys edit the line as tmux's prompt would with the user's ``status-keys``
    (:mod:`tuimux.ui.prompt_editing`); ``settings`` carries those, the history and the
    words Tab completes, ``prompt_type`` picks the history (``command-prompt -T``).
    ``top_buffer`` fetches tmux's top paste buffer for ``C-y`` and ``load_words`` the
    names Tab completes, the first time they are needed.
    """

    prompt_line = True

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", show=False, id="prompt.cancel")
    ]
    DEFAULT_CSS = """
    Prompt { align: left bottom; background: transparent; }
    Prompt > Horizontal { height: 1; background: $warning-muted; }
    Prompt Label { width: auto; height: 1; }
    Prompt Input, Prompt Input:focus {
        height: 1; border: none; padding: 0; width: 1fr; background: $warning-muted;
    }
    """

    def __init__(
        self,
        label: str,
        value: str = "",
        *,
        hidden: bool = False,
        exact: bool = False,
        settings: PromptSettings | None = None,
        prompt_type: str = "command",
        top_buffer: Callable[[], Awaitable[str | None]] | None = None,
        load_words: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        super().__init__()
        self.label = label
        self.value = value
        self.hidden = hidden
        self.exact = exact
        # The value is drawn, and Input draws ESC and C1 as they are: the window name
        # offered by rename-window comes from tmux, which need not be one that encodes
        # control characters (a hostile server sends anything).
        self.editor = LineEditor(printable(value), settings or PromptSettings(), prompt_type)
        self.top_buffer = top_buffer
        self.load_words = load_words

    def compose(self) -> ComposeResult:
        with Horizontal():
            # Text, not markup: a prompt may come from the remote host (keyboard-interactive).
            if self.exact:
                shown = printable(self.label)
            else:
                label = printable(self.label)
                shown = (label if self.hidden else f"({label})") + " "
            yield Label(Text(shown))
            yield PromptField(value=self.editor.text, select_on_focus=False, password=self.hidden)

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        self.finish(event.value)

    def action_cancel(self) -> None:
        self.finish(None)

    async def take_key(self, event: Key) -> None:
        """One key, edited into the line at once as tmux's prompt would, so a burst is
        applied in the order it was typed."""
        item = encode_key(event.key, event.character)
        if item is None:
            return
        outcome = await self.edit(item.text if isinstance(item, Literal) else item.name)
        if outcome == ENTER:
            self.finish(self.editor.text)
        elif outcome == CANCEL:
            self.finish(None)

    async def edit(self, name: str) -> str:
        """Apply one key by its tmux name; what it did (prompt_editing's outcomes)."""
        editor = self.editor
        field = self._field()
        if field is not None and field.value != editor.text:
            # the field edited some other way (Textual's own keys)
            editor.chars = list(field.value)
            editor.index = field.cursor_position
        if name == "Tab" and editor.settings.commands is None and self.load_words is not None:
            await self.load_words()
        outcome = editor.key(name)
        if outcome == PASTE:
            data = await self.top_buffer() if self.top_buffer is not None else None
            outcome = editor.paste(data) if data else NOTHING
        if outcome in (CHANGED, MOVED):
            self.show_line()
            if outcome == CHANGED:
                self.edited(editor.text)
        return outcome

    def became_ready(self) -> None:
        self.show_line()  # keys typed before it was drawn moved the cursor
        super().became_ready()

    def _field(self) -> Input | None:
        """The line's field; None before it is composed and while the prompt is being
        removed (a burst can close it between a key and its redraw)."""
        if not self.is_mounted:
            return None
        fields = self.query(Input)
        return fields.first() if fields else None

    def show_line(self) -> None:
        field = self._field()
        if field is None:
            return
        field.value = self.editor.text
        field.cursor_position = self.editor.index
        if self.real_cursor is not None:
            self.call_after_refresh(self._place_cursor)

    def _place_cursor(self) -> None:
        """The terminal's cursor at the line's cursor, once the line is laid out (tmux
        3.6+; Input places it too, but before its first layout at the screen's corner)."""
        field = self._field()
        if field is not None and self.app.screen is self:
            # Not Input.cursor_screen_offset: one cell further at the end of the text.
            before = field.value[: field.cursor_position]
            width = len(before) if field.password else cell_len(before)
            x, y, _, _ = field.content_region
            self.app.cursor_position = Offset(x + width - field.scroll_offset.x, y)
            field.refresh()

    def edited(self, text: str) -> None:
        """The line changed (an incremental prompt reports it)."""

    def take_paste(self, text: str) -> None:
        lines = text.splitlines()
        if lines and self.editor.paste(lines[0]) == CHANGED:
            self.show_line()
            self.edited(self.editor.text)


class SearchPrompt(Prompt):
    """tmux's incremental prompt (``command-prompt -i``): ``changed`` gets the text on
    every edit, after ``=`` (search again from where it started); Ctrl+S / Ctrl+R give
    ``+`` / ``-`` (next, previous match), or on an empty prompt bring back ``last``."""

    def __init__(
        self,
        label: str,
        last: str,
        changed: Callable[[str], None],
        typed: str = "",
        *,
        settings: PromptSettings | None = None,
        prompt_type: str = "search",
    ) -> None:
        super().__init__(label, exact=True, settings=settings, prompt_type=prompt_type)
        self.last = last
        self.changed = changed
        self.typed = typed

    def on_mount(self) -> None:
        self.changed("=")  # tmux reports the empty prompt at once: the search starts here
        if self.typed:  # typed before the prompt was drawn: as if typed into it
            self.editor.set_text(printable(self.typed))
            self.show_line()
            self.edited(self.editor.text)

    def edited(self, text: str) -> None:
        self.changed("=" + text)

    def again(self, prefix: str) -> None:
        editor = self.editor
        if not editor.text:
            editor.set_text(printable(self.last))
            self.show_line()
            self.changed("=" + editor.text)
        else:
            self.changed(prefix + editor.text)

    async def take_key(self, event: Key) -> None:
        if event.key in ("ctrl+s", "ctrl+r"):
            self.again("+" if event.key == "ctrl+s" else "-")
        else:
            await super().take_key(event)


class KeyPrompt(KeyTaker[str | None]):
    """``command-prompt -1`` (copy mode's jump keys): the first character answers."""

    prompt_line = True

    DEFAULT_CSS = """
    KeyPrompt { align: left bottom; background: transparent; }
    KeyPrompt > Label { width: 100%; height: 1; background: $warning-muted; }
    """

    def __init__(self, label: str, *, names: bool = False) -> None:
        super().__init__()
        self.label = label
        # ``command-prompt -k``: the answer is the key's tmux name (``C-a``, ``Up``).
        self.names = names

    def compose(self) -> ComposeResult:
        yield Label(Text(printable(self.label)))

    def on_key(self, event: Key) -> None:
        event.stop()
        event.prevent_default()
        self._answer(event)

    async def take_key(self, event: Key) -> None:
        self._answer(event)

    def _answer(self, event: Key) -> None:
        if event.key == "escape":
            self.finish(None)
        elif self.names:
            item = encode_key(event.key, event.character)
            if item is not None:
                self.finish(item.text if isinstance(item, Literal) else item.name)
        elif event.character is not None and event.character.isprintable():
            self.finish(event.character)


NumberAnswer = tuple[str, str, str | None]


class NumberPrompt(KeyTaker[NumberAnswer]):
    """``command-prompt -N`` (vi copy mode's repeat count): digits collect; any other
    key answers with them and is then handled as a key (tmux's PROMPT_NUMERIC). The
    answer is (digits, key, character)."""

    prompt_line = True

    DEFAULT_CSS = """
    NumberPrompt { align: left bottom; background: transparent; }
    NumberPrompt > Label { width: 100%; height: 1; background: $warning-muted; }
    """

    def __init__(self, label: str, digits: str) -> None:
        super().__init__()
        self.label = label
        self.digits = "".join(char for char in digits if char in "0123456789")

    def compose(self) -> ComposeResult:
        yield Label(self._text())

    def _text(self) -> Text:
        return Text(printable(self.label) + self.digits)

    def on_key(self, event: Key) -> None:
        event.stop()
        event.prevent_default()
        self._answer(event)

    async def take_key(self, event: Key) -> None:
        self._answer(event)

    def _answer(self, event: Key) -> None:
        if event.character and event.character in "0123456789":
            self.digits += event.character
            self.query_one(Label).update(self._text())
        else:
            self.finish((self.digits, event.key, event.character))
