"""The active window: borders underneath, one PaneView per pane at tmux's geometry.

It owns keyboard focus for the whole terminal: every key and paste is turned into a
message for the app, and stopped here so no Textual binding (Tab focus, Ctrl+C copy)
ever eats a key meant for the pane.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.events import Key, Paste, Resize
from textual.message import Message
from textual.widget import Widget

from tuimux.model import Pane, Window
from tuimux.terminal.pane import PaneTerminal
from tuimux.ui.borders import BorderView
from tuimux.ui.pane_view import PaneView


class WindowView(Widget, can_focus=True):
    DEFAULT_CSS = """
    WindowView {
        width: 1fr;
        height: 1fr;
        overflow: hidden;
    }
    """

    class KeyPressed(Message):
        def __init__(self, key: str, character: str | None) -> None:
            super().__init__()
            self.key = key
            self.character = character

    class Pasted(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Resized(Message):
        def __init__(self, width: int, height: int) -> None:
            super().__init__()
            self.width = width
            self.height = height

    def __init__(self) -> None:
        super().__init__(id="window")
        self.borders = BorderView()
        self.panes: dict[str, PaneView] = {}
        self.window_id: str | None = None
        # Takes a plain key at once (True) or declines (False: it goes as a message).
        self.direct: Callable[[str, str | None], bool] | None = None
        # KeyPressed/Pasted messages posted and not yet handled: while any are queued,
        # a key must queue behind them, never overtake them.
        self.in_flight = 0
        self._shown: (
            tuple[Window | None, dict[str, PaneTerminal], dict[str, Pane], set[str] | None] | None
        ) = None

    def compose(self):  # type: ignore[no-untyped-def]
        yield self.borders

    def show(
        self,
        window: Window | None,
        terminals: dict[str, PaneTerminal],
        panes: dict[str, Pane],
        in_mode: set[str] | None = None,
    ) -> None:
        """Place the window's visible panes where tmux has them; create or drop views."""
        self._shown = (window, terminals, panes, in_mode)
        self.window_id = window.window_id if window is not None else None
        layout = window.visible_layout if window is not None else None
        visible = [
            panes[pane_id]
            for pane_id in (layout.pane_ids() if layout is not None else [])
            if pane_id in panes and pane_id in terminals
        ]
        wanted = {pane.pane_id for pane in visible}
        for pane_id in list(self.panes):
            if pane_id not in wanted:
                self.panes.pop(pane_id).remove()
        new: list[PaneView] = []
        for pane in visible:
            view = self.panes.get(pane.pane_id)
            if view is None:
                view = PaneView(terminals[pane.pane_id])
                self.panes[pane.pane_id] = view
                new.append(view)
            elif view.terminal is not terminals[pane.pane_id]:
                view.use(terminals[pane.pane_id])
            # No wider or taller than the part of the window the terminal shows: tmux
            # allows 10000x10000 windows, and a widget that size is drawn and cached.
            shown_w = min(pane.width, max(self.size.width - pane.left, 0))
            shown_h = min(pane.height, max(self.size.height - pane.top, 0))
            view.place(pane.left, pane.top, shown_w, shown_h)
            view.set_active(window is not None and window.active_pane == pane.pane_id)
            view.set_mode(pane.pane_id in (in_mode or set()))
        if new:
            self.mount_all(new)
        self.borders.draw(
            (layout.width, layout.height) if layout is not None else None,
            visible,
            window.active_pane if window is not None else None,
            window.border_status if window is not None else "off",
        )

    def on_key(self, event: Key) -> None:
        event.stop()
        event.prevent_default()
        direct = self.direct if self.in_flight == 0 else None
        if direct is not None and direct(event.key, event.character):
            return
        self.in_flight += 1
        self.post_message(self.KeyPressed(event.key, event.character))

    def on_paste(self, event: Paste) -> None:
        event.stop()
        event.prevent_default()
        self.in_flight += 1
        self.post_message(self.Pasted(event.text))

    def on_resize(self, event: Resize) -> None:
        if self._shown is not None:
            self.show(*self._shown)  # panes are clipped to the view's size
        self.post_message(self.Resized(event.size.width, event.size.height))
