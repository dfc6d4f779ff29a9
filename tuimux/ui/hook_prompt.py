"""Ask again, in tuimux, the prompt a hook opened for tuimux's control client.

tmux 3.3+ runs a hook's ``command-prompt``/``confirm-before`` for the client whose
command fired it and holds that client's queue for the answer. tuimux cannot answer it
(tmux 3.3a has no way to type into another client's prompt; ``send-keys -K -c`` came in
3.4), so the watchdog re-attaches, which drops the prompt with the old client. Then, when
the command tmux answered last was tuimux's own ``new-window`` (say), the prompt came
from an ``after-new-window`` hook: tuimux reads that hook and asks its prompt itself,
with the same machinery as copy mode's prompts, so the user can still answer it.
Prompts opened by other hooks (notifications, another client's commands) cannot be
told apart and are only dropped.
"""

from __future__ import annotations

import logging

from tuimux.control.bindings import PromptSpec, parse_commands, prompt_of
from tuimux.errors import CommandError, TuimuxError
from tuimux.terminal.mirror import SessionMirror
from tuimux.ui.mode_keys import ModeKeys

log = logging.getLogger(__name__)


async def hook_prompt(mirror: SessionMirror, after: str) -> PromptSpec | None:
    """The prompt the ``after-<after>`` hook opens first: the session's own hook, else
    the global one (as tmux looks them up, cmd-queue.c cmdq_insert_hook)."""
    hook = f"after-{after}"
    for scope in (["-t", mirror.model.session_id], ["-g"]):
        try:
            reply = await mirror.client.command("show-hooks", *scope, hook)
        except TuimuxError:
            continue
        entries = [line for line in reply.text if line.startswith(f"{hook}[")]
        for entry in entries:
            try:
                spec = prompt_of(parse_commands(entry.partition(" ")[2]))
            except CommandError:
                continue
            if spec is not None:
                return spec
        if entries:
            return None  # the session's hook replaces the global one
    return None


async def ask_hook_prompt(mode_keys: ModeKeys, mirror: SessionMirror, after: str) -> bool:
    """Ask the hook's prompt for the active pane; True if there was one to ask."""
    current = mirror.model.current
    pane_id = current.active_pane if current is not None else None
    if not after or pane_id is None:
        return False
    spec = await hook_prompt(mirror, after)
    if spec is None:
        return False
    await mode_keys.ask(mirror, pane_id, spec)
    return True
