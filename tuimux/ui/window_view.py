"""The active window: borders underneath, one PaneView per pane at tmux's geometry.

It owns keyboard focus for the whole terminal: every key and paste is turned into a
message for the app, and stopped here so no Textual binding (Tab focus, Ctrl+C copy)
ever eats a key meant for the pane.
"""

from __future__ import annotations

from textual.events import Key, Paste, Resize
from textual.message import Message
from textual.widget import Widget

from tuimux.model import Window
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

    def compose(self):  # type: ignore[no-untyped-def]
        yield self.borders

    def show(
        self,
        window: Window | None,
        terminals: dict[str, PaneTerminal],
        in_mode: set[str] | None = None,
    ) -> None:
        """Place the window's visible panes; create or remove PaneViews as needed."""
        self.window_id = window.window_id if window is not None else None
        layout = window.visible_layout if window is not None else None
        cells = {cell.pane_id: cell for cell in layout.panes()} if layout is not None else {}
        for pane_id in list(self.panes):
            if pane_id not in cells or pane_id not in terminals:
                self.panes.pop(pane_id).remove()
        new: list[PaneView] = []
        active_cell = None
        for cell_id, cell in cells.items():
            if cell_id is None or cell_id not in terminals:
                continue
            pane_id = cell_id
            view = self.panes.get(pane_id)
            if view is None or view.terminal is not terminals[pane_id]:
                if view is not None:
                    view.remove()
                view = PaneView(terminals[pane_id])
                self.panes[pane_id] = view
                new.append(view)
            view.place(cell.x, cell.y, cell.width, cell.height)
            active = window is not None and window.active_pane == pane_id
            view.set_active(active)
            view.set_mode(pane_id in (in_mode or set()))
            if active:
                active_cell = cell
        if new:
            self.mount_all(new)
        self.borders.draw(layout if len(cells) > 1 else None, active_cell)

    def on_key(self, event: Key) -> None:
        event.stop()
        event.prevent_default()
        self.post_message(self.KeyPressed(event.key, event.character))

    def on_paste(self, event: Paste) -> None:
        event.stop()
        event.prevent_default()
        self.post_message(self.Pasted(event.text))

    def on_resize(self, event: Resize) -> None:
        self.post_message(self.Resized(event.size.width, event.size.height))
