"""Imports point down the layers: nothing below the UI may import Textual or the UI."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "tuimux"
# layer → what it must never import
FORBIDDEN = {
    "control": (
        "textual",
        "rich",
        "asyncio",
        "tuimux.transport",
        "tuimux.client",
        "tuimux.model",
        "tuimux.terminal",
        "tuimux.ui",
    ),
    "transport": (
        "textual",
        "rich",
        "tuimux.client",
        "tuimux.model",
        "tuimux.terminal",
        "tuimux.ui",
    ),
    "client.py": ("textual", "rich", "tuimux.model", "tuimux.terminal", "tuimux.ui"),
    "model.py": ("textual", "rich", "tuimux.terminal", "tuimux.ui"),
    "terminal": ("textual", "rich", "tuimux.ui"),
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_point_down(layer: str) -> None:
    root = PACKAGE / layer
    files = [root] if root.is_file() else sorted(root.rglob("*.py"))
    assert files, f"layer {layer} has no modules"
    for path in files:
        for name in imported_modules(path):
            for banned in FORBIDDEN[layer]:
                assert not (name == banned or name.startswith(banned + ".")), (
                    f"{path.relative_to(PACKAGE)} imports {name}"
                )
