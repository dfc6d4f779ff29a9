"""``C-b s`` and ``C-b w``: every session and window on the server as a tree to choose from.

tmux's choose-tree in the keys its users know: Enter switches to the session or window
under the cursor, ``x`` kills it (after the app asks), Left and Right collapse and
expand, Escape or ``q`` closes. The screen only chooses; the app sends the command, so
read-only, quoting and the audit log apply as to any other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.events import Key
from textual.widgets import Tree

from tuimux.control.escape import printable
from tuimux.sessions import SessionEntry, WindowEntry
from tuimux.ui.dialogs import KeyTaker, bindings_of, bound_action
from tuimux.ui.taps import TapBar

# Each target's label says its key too; a tap runs the same action as the key.
TAPS = [
    ("⏎ switch", "choose"),
    ("x kill", "kill"),
    ("←→ fold", "toggle_fold"),
    ("Esc close", "dismiss_tree"),
]


@dataclass(frozen=True)
class TreeChoice:
    """What the user chose: ``target`` is a session (``$1``) or window (``@2``) id and
    ``label`` how the tree showed it (for the kill confirmation)."""

    verb: Literal["switch", "kill"]
    target: str
    label: str


@dataclass(frozen=True)
class _Item:
    target: str
    label: str


def session_label(session: SessionEntry, current: bool) -> Text:
    count = len(session.windows)
    text = f"{printable(session.name)}: {count} window{'s' if count != 1 else ''}"
    if session.attached:
        text += " (attached)"
    return Text(text, style="bold" if current else "")


def window_label(window: WindowEntry) -> Text:
    panes = f"{window.panes} pane{'s' if window.panes != 1 else ''}"
    flag = "*" if window.active else ""
    return Text(f"{window.index}: {printable(window.name)}{flag} ({panes})")


class SessionTree(KeyTaker[TreeChoice | None]):
    """The server's sessions; with ``windows`` every session is unfolded and the cursor
    starts on the current window (``C-b w``), otherwise on the current session."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "dismiss_tree", show=False, id="tree.close"),
        Binding("x", "kill", show=False, id="tree.kill"),
        Binding("right", "unfold", show=False, id="tree.unfold"),
        Binding("left", "fold", show=False, id="tree.fold"),
    ]
    DEFAULT_CSS = """
    SessionTree { background: $background 60%; }
    SessionTree > Tree { height: 1fr; background: $surface; }
    SessionTree > TapBar { width: 100%; }
    """

    def __init__(
        self,
        sessions: list[SessionEntry],
        current_session: str,
        current_window: str | None,
        *,
        windows: bool,
    ) -> None:
        super().__init__()
        self.sessions = sessions
        self.current_session = current_session
        self.current_window = current_window
        self.windows = windows

    def compose(self) -> ComposeResult:
        tree: Tree[_Item] = Tree(Text("sessions"), id="session-tree")
        tree.show_root = False
        tree.auto_expand = False
        tree.guide_depth = 2
        yield tree
        yield TapBar(TAPS)

    def on_mount(self) -> None:
        tree = self.query_one(Tree)
        start = None
        for session in self.sessions:
            current = session.session_id == self.current_session
            label = session_label(session, current)
            node = tree.root.add(label, _Item(session.session_id, label.plain))
            if current:
                start = node
            for window in session.windows:
                shown = window_label(window)
                leaf = node.add_leaf(shown, _Item(window.window_id, shown.plain))
                if current and self.windows and window.window_id == self.current_window:
                    start = leaf
            if self.windows:
                node.expand()
        tree.focus()
        # Lines are laid out on the next refresh; the cursor can only move then (and
        # before KeyTaker's own mount handler says the tree is ready for keys).
        self.call_after_refresh(tree.move_cursor, start)

    @on(Tree.NodeSelected)
    def chosen(self, event: Tree.NodeSelected[_Item]) -> None:
        event.stop()
        item = event.node.data
        if item is not None:
            self.finish(TreeChoice("switch", item.target, item.label))

    def _cursor_item(self) -> _Item | None:
        node = self.query_one(Tree).cursor_node
        return node.data if node is not None else None

    def action_choose(self) -> None:
        item = self._cursor_item()
        if item is not None:
            self.finish(TreeChoice("switch", item.target, item.label))

    def action_toggle_fold(self) -> None:
        node = self.query_one(Tree).cursor_node
        if node is not None and node.allow_expand:
            node.toggle()

    def action_kill(self) -> None:
        item = self._cursor_item()
        if item is not None:
            self.finish(TreeChoice("kill", item.target, item.label))

    def action_unfold(self) -> None:
        node = self.query_one(Tree).cursor_node
        if node is not None and node.allow_expand:
            node.expand()

    def action_fold(self) -> None:
        tree: Tree[_Item] = self.query_one(Tree)
        node = tree.cursor_node
        if node is None:
            return
        if node.allow_expand and node.is_expanded:
            node.collapse()
        elif node.parent is not None and not node.parent.is_root:
            tree.move_cursor(node.parent)

    def action_dismiss_tree(self) -> None:
        self.finish(None)

    async def take_key(self, event: Key) -> None:
        """The tree's own keys first (Esc, q, x, ←, →), then the Tree widget's (cursor
        moves); Enter chooses at once rather than through a later message."""
        action = bound_action(_TREE_SCREEN_KEYS, event)
        if action is not None:
            await self.run_action(action)
            return
        tree: Tree[_Item] = self.query_one(Tree)
        action = bound_action(_TREE_KEYS, event)
        if action == "select_cursor":
            self.action_choose()
        elif action is not None:
            await tree.run_action(action)


_TREE_SCREEN_KEYS = bindings_of(SessionTree, inherited=False)
_TREE_KEYS = bindings_of(Tree)
