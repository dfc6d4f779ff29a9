"""tmux's menu (``display-menu``), drawn by tuimux where tmux would draw it.

The items come expanded by tmux (:mod:`tuimux.control.menus`); this module places the
box as ``cmd_display_menu_get_position`` does, draws it as ``screen_write_menu`` does
(a box of ``width + 4`` by ``items + 2``, the title in the top border, the key of each
item right-aligned in brackets, greyed-out items dim) in the user's look
(:class:`MenuLook`: ``menu-style``, ``menu-selected-style``, ``menu-border-style`` and
``menu-border-lines`` on tmux 3.4+; before, the chosen item in ``mode-style``) and
takes tmux's menu keys
(``menu_key_cb``): an item's key chooses it; Up/``k``, Down/``j``, PageUp/``C-b``,
PageDown, Home/``g``, End/``G`` move; Enter chooses; Escape, ``C-c``, ``C-g`` and ``q``
close. A click on an item chooses it, a click outside closes the menu.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.events import Click, Key
from textual.widgets import Static

from tuimux.control import tmux_style as ts
from tuimux.control.escape import printable
from tuimux.control.menus import ShownItem
from tuimux.terminal.keys import Literal, encode_key
from tuimux.ui.dialogs import KeyTaker
from tuimux.ui.status_line import rich_style

_STYLE_RUN = re.compile(r"#\[[^\]]*\]")
SELECTED = Style(color="black", bgcolor="yellow")  # menu-selected-style's default
DIM = Style(dim=True)
NO_STYLE = Style()
ATTRIBUTES_KEPT_SINCE = (3, 6)  # menu styles' bold, underscore… (menu_set_style)
# menu-border-lines → the box's characters: ┌ ┐ └ ┘ ─ │ ├ ┤ (tmux's box lines).
_BOX_LINES = {
    "single": "┌┐└┘─│├┤",
    "rounded": "╭╮╰╯─│├┤",
    "double": "╔╗╚╝═║╠╣",
    "heavy": "┏┓┗┛━┃┣┫",
    "simple": "++++-|++",
    "padded": "        ",
    "none": "        ",
}


@dataclass(frozen=True, slots=True)
class MenuLook:
    """How tmux draws a menu: the items' style, the chosen item's, the border's, its
    lines, and whether the chosen item's colour covers the cell either side of its text
    (tmux 3.4+) or only the text's width (3.2a, 3.3a, where it is ``mode-style``)."""

    item: Style = NO_STYLE
    selected: Style = SELECTED
    border: Style = NO_STYLE
    lines: str = "single"
    padded_choice: bool = True


def menu_look(
    menu_style: str,
    selected: str,
    border: str,
    lines: str,
    mode_style: str,
    version: tuple[int, int] | None = None,
) -> MenuLook:
    """The look from the options as tmux expanded them (``#{E:menu-style}`` …; empty
    where this tmux has no such option). tmux 3.4 and 3.5 draw the menu styles'
    colours only (``menu_set_style`` dropped their attributes), 3.6+ all of them; tmux
    before 3.4 has no menu options and draws the chosen item in ``mode-style``."""
    if not selected:  # tmux 3.2a/3.3a
        return MenuLook(selected=rich_style(ts.style_cell(mode_style)), padded_choice=False)
    no_attributes = version is not None and version < ATTRIBUTES_KEPT_SINCE

    def colours(text: str) -> Style:
        cell = ts.style_cell(text)
        return rich_style(ts.Cell(cell.fg, cell.bg) if no_attributes else cell)

    return MenuLook(
        item=colours(menu_style),
        selected=colours(selected),
        border=colours(border),
        lines=lines if lines in _BOX_LINES else "single",
    )


def plain(text: str) -> str:
    """A name or title as shown: tmux's ``#[…]`` styles dropped, control characters
    made visible (a window name in a title is the pane's to choose)."""
    return printable(_STYLE_RUN.sub("", text))


@dataclass(frozen=True, slots=True)
class Geometry:
    """What the position letters refer to, in screen cells: the screen, the target
    pane's box, the status line's row (None without one), the window's x in it, and the
    mouse (None when a key opened the menu)."""

    width: int
    height: int
    pane: tuple[int, int, int, int]  # x, y, width, height
    status_y: int | None = None
    window_x: int | None = None
    mouse: tuple[int, int] | None = None
    # The status line's rows when it is at the top (tmux then opens S and W menus
    # below it); 0 when it is at the bottom.
    status_top_lines: int = 0


def item_width(item: ShownItem, room: int) -> tuple[int, bool]:
    """The item's width and whether its key is shown (``menu_add_item``: the key goes
    when it would take more than a quarter of the room and the name needs the rest)."""
    name = plain(item.name)
    if item.separator:
        return 0, False
    if not item.enabled or not item.key:
        return len(name), False
    keylen = len(item.key) + 3
    if keylen <= room // 4 or not (keylen >= room or len(name) >= room - keylen):
        return len(name) + keylen, True
    return len(name), False


def place(spec_x: str, spec_y: str, w: int, h: int, where: Geometry) -> tuple[int, int]:
    """``cmd_display_menu_get_position``: the box's top-left for ``-x``/``-y``."""
    px, py, pw, ph = where.pane
    mouse = where.mouse
    x_of = {
        "C": max((where.width - 1) // 2 - w // 2, 0),
        "R": max(px + pw - w, 0),
        "P": px,
        "M": max(mouse[0] - w // 2, 0) if mouse else None,
        "W": where.window_x,
    }
    status = where.status_y
    centre_y = (where.height - 1) // 2 + h // 2
    y_of = {
        "C": centre_y if centre_y < where.height else where.height - h,
        "P": py + ph,
        "M": min(mouse[1] + h, where.height - 1) if mouse else None,
        "S": status,
        "W": status,
    }
    if status is not None and where.status_top_lines:  # the box goes below the line
        y_of["S"] = where.status_top_lines + h
        y_of["W"] = status + 1 + h
    x = x_of[spec_x] if spec_x in x_of else _number(spec_x)
    y = y_of[spec_y] if spec_y in y_of else _number(spec_y)
    x = x if x is not None else 0
    if x + w >= where.width:
        x = where.width - w
    x = max(x, 0)
    y = (y if y is not None else 0) - h if (y or 0) >= h else 0
    if y + h >= where.height:
        y = where.height - h
    return x, max(y, 0)


def _number(text: str) -> int | None:
    sign = -1 if text.startswith("-") else 1
    digits = text.lstrip("-")
    return sign * int(digits) if digits.isascii() and digits.isdecimal() else None


class Menu(KeyTaker[int]):
    """The menu over the session; it answers with the chosen item's index."""

    DEFAULT_CSS = """
    Menu { align: left top; background: transparent; }
    Menu > Static { width: auto; height: auto; }
    """

    def __init__(
        self,
        title: str,
        items: Sequence[ShownItem],
        where: Geometry,
        spec_x: str = "C",
        spec_y: str = "C",
        *,
        stay_open: bool = False,
        starting_choice: int = 0,
        look: MenuLook | None = None,
    ) -> None:
        super().__init__()
        self.appearance = look if look is not None else MenuLook()
        self.menu_title = title
        self.items = list(items)
        self.stay_open = stay_open
        room = max(where.width - 4, 1)
        widths = [item_width(item, room) for item in self.items]
        self.keys_shown = [shown for _, shown in widths]
        self.width = min(max([width for width, _ in widths] + [0]), room)
        self.box = (self.width + 4, len(self.items) + 2)
        self.x, self.y = place(spec_x, spec_y, *self.box, where)
        self.choice = self._first_enabled(starting_choice)

    def _first_enabled(self, start: int) -> int:
        count = len(self.items)
        if start < 0 or not count:
            return -1
        start = min(start, count - 1)
        for step in range(count):
            index = (start + step) % count
            if self.items[index].enabled:
                return index
        return -1

    def compose(self) -> ComposeResult:
        view = Static(self.render_box())
        view.styles.offset = (self.x, self.y)
        yield view

    def render_box(self) -> Text:
        w, look = self.width, self.appearance
        nw, ne, sw, se, across, down, left, right = tuple(_BOX_LINES[look.lines])
        text = Text()
        top = [across] * (w)
        title = plain(self.menu_title)[:w]
        at = (w - len(title)) // 2 if "#[align=centre]" in self.menu_title else 0
        top[at : at + len(title)] = list(title)
        text.append(nw + across + "".join(top) + across + ne + "\n", look.border)
        for index, item in enumerate(self.items):
            if item.separator:
                text.append(left + across * (w + 2) + right + "\n", look.border)
                continue
            name = plain(item.name)
            key = f"({item.key})" if self.keys_shown[index] else ""
            line = (name[: w - len(key) - (1 if key else 0)]).ljust(w - len(key)) + key
            chosen = index == self.choice and item.enabled
            style = look.selected if chosen else look.item + DIM if not item.enabled else look.item
            text.append(down, look.border)
            if chosen and not look.padded_choice:
                text.append(" ", look.item)
                text.append(line, style)
                text.append(" ", look.item)
            elif not item.enabled:  # tmux dims the name, not the blanks after it
                shown = line.rstrip()
                text.append(" ", look.item)
                text.append(shown, style)
                text.append(" " * (len(line) - len(shown) + 1), look.item)
            else:
                text.append(f" {line} ", style)
            text.append(down + "\n", look.border)
        text.append(sw + across * (w + 2) + se, look.border)
        return text

    def _redraw(self) -> None:
        if self.is_mounted:
            self.query_one(Static).update(self.render_box())

    # -- keys ----------------------------------------------------------------------------

    def on_key(self, event: Key) -> None:
        event.stop()
        event.prevent_default()
        self._key(event)

    async def take_key(self, event: Key) -> None:
        self._key(event)

    def _key(self, event: Key) -> None:
        item = encode_key(event.key, event.character)
        if item is None:
            return
        name = item.text if isinstance(item, Literal) else item.name
        if name == "Space":
            name = " "
        for index, each in enumerate(self.items):
            if each.enabled and each.key and _same_key(each.key, name):
                self.choice = index
                self._chosen()
                return
        if name in ("Up", "k"):
            self._step(-1)
        elif name in ("Down", "j"):
            self._step(1)
        elif name in ("Home", "g"):
            self.choice = self._first_enabled(0)
        elif name in ("End", "G"):
            self.choice = self._last_enabled()
        elif name in ("PPage", "C-b"):
            self._page(-1)
        elif name == "NPage":
            self._page(1)
        elif name == "Enter":
            self._chosen()
            return
        elif name in ("Escape", "C-c", "C-g", "q"):
            self.finish(None)
            return
        self._redraw()

    def _step(self, step: int) -> None:
        count = len(self.items)
        old = self.choice if self.choice != -1 else 0
        for _ in range(count):
            if self.choice == -1:
                self.choice = count - 1 if step < 0 else 0
            else:
                self.choice = (self.choice + step) % count
            if self.items[self.choice].enabled or self.choice == old:
                return

    def _page(self, step: int) -> None:
        for _ in range(5):
            before = self.choice
            self._step(step)
            if (step < 0 and self.choice > before) or (step > 0 and self.choice < before):
                self.choice = self._first_enabled(0) if step < 0 else self._last_enabled()
                return

    def _last_enabled(self) -> int:
        for index in range(len(self.items) - 1, -1, -1):
            if self.items[index].enabled:
                return index
        return -1

    def _chosen(self) -> None:
        if self.choice == -1:
            self.finish(None)
            return
        if not self.items[self.choice].enabled:
            if not self.stay_open:
                self.finish(None)
            return
        self.finish(self.choice)

    # -- mouse ---------------------------------------------------------------------------

    def on_click(self, event: Click) -> None:
        """An item clicked is chosen; a click outside the box closes the menu."""
        event.stop()
        row = event.screen_y - self.y - 1
        inside_x = self.x <= event.screen_x < self.x + self.box[0]
        if inside_x and 0 <= row < len(self.items):
            self.choice = row
            self._chosen()
        elif not self.stay_open:
            self.finish(None)


def _same_key(bound: str, pressed: str) -> bool:
    """An item's key as the config spells it against a key pressed, by tmux's name
    (``Enter`` is ``C-m``, ``Space`` is a space)."""
    aliases = {"Space": " ", "C-m": "Enter", "C-i": "Tab", "C-[": "Escape", "C-?": "BSpace"}
    return aliases.get(bound, bound) == pressed
