"""Load tuimux themes from TOML files into Textual ``Theme`` objects.

Themes ship as package data (``tuimux/themes``, built from the top-level ``themes/``);
a broken theme file is reported once and skipped, never fatal.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

from textual.theme import Theme

from tuimux.errors import user_message

DEFAULT_THEME = "tuimux-dark"
_FIELDS = (
    "primary",
    "secondary",
    "accent",
    "success",
    "warning",
    "error",
    "foreground",
    "background",
    "surface",
    "panel",
)


def theme_from_toml(text: str) -> Theme:
    data = tomllib.loads(text)
    name = data.get("name")
    if not isinstance(name, str) or not isinstance(data.get("primary"), str):
        raise ValueError("a theme needs a 'name' and a 'primary' colour")
    values = {key: str(data[key]) for key in _FIELDS if key in data}
    return Theme(name, dark=bool(data.get("dark", True)), **values)  # type: ignore[arg-type]


def _theme_files() -> list[tuple[str, str]]:
    """(origin, text) of every bundled theme: installed package data, or the source tree."""
    found: list[tuple[str, str]] = []
    packaged = resources.files("tuimux").joinpath("themes")
    if packaged.is_dir():
        for entry in packaged.iterdir():
            if entry.name.endswith(".toml"):
                found.append((entry.name, entry.read_text(encoding="utf-8")))
    if not found:
        source = Path(__file__).resolve().parents[2] / "themes"
        for path in sorted(source.glob("*.toml")):
            found.append((path.name, path.read_text(encoding="utf-8")))
    return found


def bundled_themes() -> tuple[list[Theme], list[str]]:
    """Every bundled theme, plus one sentence per file that could not be loaded."""
    themes: list[Theme] = []
    problems: list[str] = []
    for origin, text in _theme_files():
        try:
            themes.append(theme_from_toml(text))
        except (ValueError, tomllib.TOMLDecodeError) as error:
            problems.append(f"theme {origin} was skipped: {user_message(error)}")
    return themes, problems
