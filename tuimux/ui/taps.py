"""Tap targets: a row of words a thumb can hit, for screens used on a phone.

On a phone the keys a modal asks for (Esc, ←/→, ``x``) are behind a soft keyboard's
extra rows, if there at all, while a tap always works (mosh and most terminal apps
pass taps as mouse clicks). Each target is a word with a cell of room on both sides and
a gap between targets, so a fingertip lands on one, and runs an action of its screen:
the same action its key runs, so taps and keys cannot disagree.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.text import Text
from textual.events import Click
from textual.widget import Widget

GAP = 1  # cells between two targets


class TapBar(Widget):
    """``targets``: (label, action of the screen) pairs, drawn left to right; labels
    are tuimux's own words, never outside text."""

    DEFAULT_CSS = """
    TapBar { height: 1; width: auto; background: $primary-muted; }
    """

    def __init__(self, targets: Sequence[tuple[str, str]], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.targets = list(targets)

    def spans(self) -> list[tuple[int, int, str]]:
        """(first cell, end cell, action) of each target."""
        spans, x = [], 0
        for label, action in self.targets:
            width = cell_len(label) + 2
            spans.append((x, x + width, action))
            x += width + GAP
        return spans

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="crop")
        for index, (label, _) in enumerate(self.targets):
            if index:
                text.append(" " * GAP)
            text.append(f" {label} ", style="reverse")
        return text

    def get_content_width(self, container: object, viewport: object) -> int:
        return self.spans()[-1][1] if self.targets else 0

    async def on_click(self, event: Click) -> None:
        event.stop()
        for start, end, action in self.spans():
            if start <= event.x < end:
                await self.screen.run_action(action)
                return
