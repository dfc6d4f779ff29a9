"""Bytes of one pane into its screen; never raises, whatever the pane printed.

One stream per pane, kept for the pane's life: its incremental UTF-8 decoder joins
characters tmux split across two ``%output`` lines. pyte 0.8.2 raises on some input
(``CSI ? 6 n``, Unicode digits in parameters); such a sequence is dropped and the
parser starts afresh.
"""

from __future__ import annotations

import pyte


class PaneStream(pyte.ByteStream):
    def _send_to_parser(self, data: str) -> bool | None:
        try:
            assert self._parser is not None
            return self._parser.send(data)
        except Exception:
            self._initialize_parser()
            return self._taking_plain_text

    def feed(self, data: bytes) -> None:  # type: ignore[override]
        try:
            super().feed(data)
        except Exception:
            self._initialize_parser()
