"""The active window: borders underneath, one PaneView per pane at tmux's geometry.

It owns keyboard focus for the whole terminal: every key and paste is turned into a
message for the app, and stopped here so no Textual binding (Tab focus, Ctrl+C copy)
ever eats a key meant for the pane.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

from textual.events import (
    Key,
    MouseDown,
    MouseEvent,
    MouseMove,
    MouseScrollDown,
    MouseScrollUp,
    MouseUp,
    Paste,
    Resize,
)
from textual.geometry import Offset
from textual.message import Message
from textual.widget import Widget

from tuimux.model import Pane, Window
from tuimux.terminal.mouse import Action, MouseInput
from tuimux.terminal.pane import PaneTerminal
from tuimux.ui.borders import BorderView, FloatFrame
from tuimux.ui.host_cursor import HostCursor
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

    class Mouse(Message):
        """A mouse event on the window outside every pane (a border), in window cells."""

        def __init__(self, mouse: MouseInput) -> None:
            super().__init__()
            self.mouse = mouse

    def __init__(self) -> None:
        super().__init__(id="window")
        self.borders = BorderView()
        self.panes: dict[str, PaneView] = {}
        self.frames: dict[str, FloatFrame] = {}  # floating panes' boxes (tmux 3.7+)
        self.window_id: str | None = None
        # Takes a plain key at once (True) or declines (False: it goes as a message).
        self.direct: Callable[[str, str | None], bool] | None = None
        # KeyPressed/Pasted messages posted and not yet handled: while any are queued,
        # a key must queue behind them, never overtake them.
        self.in_flight = 0
        self._shown: (
            tuple[Window | None, dict[str, PaneTerminal], dict[str, Pane], dict[str, str] | None]
            | None
        ) = None
        self.cursor = HostCursor(self.write_terminal, self._move_cursor)

    def on_mount(self) -> None:
        self.app.screen_change_signal.subscribe(self, self._screen_changed)
        self.app.app_resume_signal.subscribe(self, lambda _app: self.cursor.restore())

    def on_unmount(self) -> None:
        self.cursor.release()

    def _screen_changed(self, _screen: object) -> None:
        """A prompt, tree or question covers the panes, or was closed."""
        front = self.app.screen
        self.cursor.cover(not self.screen.is_active, getattr(front, "real_cursor", None))

    def write_terminal(self, text: str) -> None:
        """Write to the user's terminal itself (cursor, title), after Textual's output."""
        driver = self.app._driver
        if driver is not None and not self.app.is_headless:
            driver.write(text)

    def _move_cursor(self, x: int, y: int) -> None:
        self.app.cursor_position = Offset(x, y)

    def compose(self):  # type: ignore[no-untyped-def]
        yield self.borders

    def show(
        self,
        window: Window | None,
        terminals: dict[str, PaneTerminal],
        panes: dict[str, Pane],
        in_mode: dict[str, str] | None = None,
    ) -> None:
        """Place the window's visible panes where tmux has them; create or drop views.

        Floating panes (tmux 3.7+, the layout's ``<…>``, listed front first) are drawn
        after the tiled ones, back to front, each above its own frame, as tmux stacks them.
        """
        self._shown = (window, terminals, panes, in_mode)
        self.window_id = window.window_id if window is not None else None
        layout = window.visible_layout if window is not None else None
        floating = [cell.pane_id for cell in (layout.floating if layout else ()) if cell.pane_id]
        floating = [pane_id for pane_id in floating[::-1] if pane_id in panes]  # back first
        order = [
            pane_id
            for pane_id in (layout.pane_ids() if layout is not None else [])
            if pane_id not in floating
        ] + floating
        visible = [panes[pane_id] for pane_id in order if pane_id in panes and pane_id in terminals]
        wanted = {pane.pane_id for pane in visible}
        for pane_id in list(self.panes):
            if pane_id not in wanted:
                self.panes.pop(pane_id).remove()
        for pane_id in list(self.frames):
            if pane_id not in wanted or pane_id not in floating:
                self.frames.pop(pane_id).remove()
        # No wider or taller than the part of the window the terminal shows: tmux
        # allows 10000x10000 windows, and a widget that size is drawn and cached.
        limit_w, limit_h = self.size.width, self.size.height
        if layout is not None:
            limit_w, limit_h = min(limit_w, layout.width), min(limit_h, layout.height)
        active_id = window.active_pane if window is not None else None
        new: list[Widget] = []
        stacked: list[Widget] = []
        for pane in visible:
            if pane.pane_id in floating:
                frame = self.frames.get(pane.pane_id)
                if frame is None:
                    frame = self.frames[pane.pane_id] = FloatFrame(pane.pane_id)
                    new.append(frame)
                left, top = pane.left - 1, pane.top - 1
                frame.place(
                    left,
                    top,
                    (pane.width + 2, pane.height + 2),
                    (
                        min(pane.width + 2, max(limit_w - left, 0)),
                        min(pane.height + 2, max(limit_h - top, 0)),
                    ),
                )
                frame.set_active(active_id == pane.pane_id)
                stacked.append(frame)
            view = self.panes.get(pane.pane_id)
            if view is None:
                view = PaneView(terminals[pane.pane_id], self.cursor)
                self.panes[pane.pane_id] = view
                new.append(view)
            elif view.terminal is not terminals[pane.pane_id]:
                view.use(terminals[pane.pane_id])
            shown_w = min(pane.width, max(limit_w - pane.left, 0))
            shown_h = min(pane.height, max(limit_h - pane.top, 0))
            view.place(pane.left, pane.top, shown_w, shown_h)
            view.set_active(active_id == pane.pane_id)
            view.set_mode((in_mode or {}).get(pane.pane_id, ""))
            stacked.append(view)
        if new:
            self.mount_all(new)
        self._stack(stacked)
        self.borders.draw(
            (layout.width, layout.height) if layout is not None else None,
            [pane for pane in visible if pane.pane_id not in floating],
            active_id,
            window.border_status if window is not None else "off",
        )

    def _stack(self, stacked: list[Widget]) -> None:
        """Children in drawing order (later ones on top): tiled panes, then each float's
        frame and pane, back to front. Only moves anything when the order changed. A
        widget whose mount Textual skipped (the app is closing) is not a child: left out."""
        stacked = [widget for widget in stacked if widget.parent is self]
        keep = set(stacked)
        if [child for child in self.children if child in keep] == stacked:
            return
        for before, widget in itertools.pairwise(stacked):
            self.move_child(widget, after=before)

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
        for view in self.panes.values():
            view.place_cursor()  # a pane clipped away gives up the cursor
        self.post_message(self.Resized(event.size.width, event.size.height))

    # -- mouse on borders (panes take their own): a drag is captured until released -----

    def _mouse(self, action: Action, event: MouseEvent) -> None:
        event.stop()
        mouse = MouseInput(
            action, event.button, event.x, event.y, event.shift, event.meta, event.ctrl
        )
        self.post_message(self.Mouse(mouse))

    def on_mouse_down(self, event: MouseDown) -> None:
        self.capture_mouse()
        self._mouse("press", event)

    def on_mouse_up(self, event: MouseUp) -> None:
        self.release_mouse()
        self._mouse("release", event)

    def on_mouse_move(self, event: MouseMove) -> None:
        self._mouse("motion", event)

    def on_mouse_scroll_up(self, event: MouseScrollUp) -> None:
        self._mouse("wheel-up", event)

    def on_mouse_scroll_down(self, event: MouseScrollDown) -> None:
        self._mouse("wheel-down", event)
