"""Feeding the app a burst of keys the way its terminal driver does for one read."""

from __future__ import annotations

from textual._xterm_parser import XTermParser
from textual.app import App

PREFIX = "\x02"  # C-b


def feed(app: App[object], data: str) -> None:
    """Parse ``data`` as one read from the terminal and hand every event to the app at
    once, as Textual's Linux driver does: nothing of the app runs in between."""
    driver = app._driver
    assert driver is not None
    for event in XTermParser().feed(data):
        driver.process_message(event)
