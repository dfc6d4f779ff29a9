"""Numbers in tmux's replies, read the way tmux writes them: ASCII digits and nothing else.

``str.isdigit`` is true for "²" and "٣" (and full-width digits), and ``int`` takes "٣",
"+5", " 5" and "1_000" while it raises on "²": a check with one and a conversion with the
other let a name or title in a format reply kill tuimux with a traceback. Every number read from
tmux text goes through :func:`parse_uint`, which accepts ``[0-9]{1,N}`` within a limit and
answers None for anything else, so the caller decides what a bad field means.
"""

from __future__ import annotations

import re

_DIGITS = re.compile(r"[0-9]{1,20}", re.ASCII)

WINDOW_MAXIMUM = 10_000
"""tmux's own cap on a window's width and height (``tmux.h``): a pane is never larger."""
INT_MAXIMUM = 2**31 - 1
"""tmux keeps indexes and counts in C ``int``s."""


def parse_uint(text: str, limit: int) -> int | None:
    """The value of ``text`` if it is 1 to 20 ASCII digits and at most ``limit``, else None."""
    if _DIGITS.fullmatch(text) is None:
        return None
    value = int(text)
    return value if value <= limit else None


def clamp_uint(text: str, limit: int, default: int = 0) -> int:
    """``text`` as a number capped at ``limit``; ``default`` when it is not ASCII digits.

    For sizes and positions, where an out-of-range value from tmux is best shown at the
    limit rather than dropped: tmux itself caps windows at ``WINDOW_MAXIMUM`` (10000).
    """
    if _DIGITS.fullmatch(text) is None:
        return default
    return min(int(text), limit)


def clamp_int(text: str, limit: int, default: int = 0) -> int:
    """Like :func:`clamp_uint` for an offset that may be negative (``-`` then digits):
    tmux 3.7+ floating panes can be dragged past the window's top or left edge."""
    negative = text.startswith("-")
    value = clamp_uint(text[1:] if negative else text, limit, default=-1)
    if value < 0 or (negative and text == "-0"):
        return default
    return -value if negative else value
