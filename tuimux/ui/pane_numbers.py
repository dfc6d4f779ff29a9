"""``display-panes`` as tmux's own client draws it over each pane (tmux 3.2a to 3.7,
``cmd_display_panes_draw_pane``): the index in the clock's big digits, each lit cell a
blank in ``display-panes-colour`` (``display-panes-active-colour`` for the active pane),
the pane's size at its top right; a pane too small for the digits gets the index as
text in that colour. Indexes 10 to 34 also get the letter that picks them.
"""

from __future__ import annotations

from rich.color import Color
from rich.style import Style

# tmux's window_clock_table, digits 0-9: five rows of five cells, 1 = lit.
_DIGITS = (
    ("11111", "10001", "10001", "10001", "11111"),
    ("00001", "00001", "00001", "00001", "00001"),
    ("11111", "00001", "11111", "10000", "11111"),
    ("11111", "00001", "11111", "00001", "11111"),
    ("10001", "10001", "11111", "00001", "00001"),
    ("11111", "10000", "11111", "00001", "11111"),
    ("11111", "10000", "11111", "10001", "11111"),
    ("11111", "00001", "00001", "00001", "00001"),
    ("11111", "10001", "11111", "10001", "11111"),
    ("11111", "10001", "11111", "00001", "11111"),
)

# Row → (column, text, style) runs, drawn over the pane's own cells.
Runs = dict[int, list[tuple[int, str, Style]]]


def number_runs(
    index: int, width: int, height: int, size: tuple[int, int], colour: Color | None
) -> Runs:
    """What tmux draws over a pane of ``width`` x ``height`` shown cells (``size``: the
    pane's whole size, for the label) to number it ``index``."""
    runs: Runs = {}
    digits = str(index)
    count = len(digits)
    if width < count:
        return runs
    text_style, lit = Style(color=colour), Style(bgcolor=colour)
    letter = chr(ord("a") + index - 10) if 9 < index < 35 else ""
    middle_x, middle_y = width // 2, height // 2

    def put(x: int, y: int, text: str, style: Style) -> None:
        if 0 <= y < height:
            runs.setdefault(y, []).append((x, text[: max(width - x, 0)], style))

    if width < count * 6 or height < 5:
        if width >= count + len(letter) + 1:
            shown = f"{digits} {letter}"
            put(middle_x - (count + len(letter) + 1) // 2, middle_y, shown, text_style)
        else:
            put(middle_x - count // 2, middle_y, digits, text_style)
        return runs
    x, top = middle_x - count * 3, middle_y - 2
    for digit in digits:
        for row, bits in enumerate(_DIGITS[int(digit)]):
            for column, bit in enumerate(bits):
                if bit == "1":
                    put(x + column, top + row, " ", lit)
        x += 6
    if height <= 6:
        return runs
    label = f"{size[0]}x{size[1]}"
    if width >= len(label):
        put(width - len(label), 0, label, text_style)
    if letter:
        put(middle_x + count * 3 - len(letter) - 1, top + 5, letter, text_style)
    return runs
