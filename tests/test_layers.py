"""Imports point down the layers: nothing below the UI may import Textual or the UI."""

from __future__ import annotations

import functools
import json
import subprocess
import sys
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
    "sessions.py": ("textual", "rich", "tuimux.terminal", "tuimux.ui"),
    "config.py": ("textual", "rich", "tuimux.client", "tuimux.terminal", "tuimux.ui"),
    "host_patterns.py": ("textual", "rich", "tuimux.client", "tuimux.terminal", "tuimux.ui"),
    "terminal": ("textual", "rich", "tuimux.ui"),
    "connect.py": ("textual", "rich", "tuimux.terminal", "tuimux.ui"),
}


# ast.parse runs in a child process: CPython 3.11.7 can raise "SystemError: AST
# constructor recursion depth mismatch" in a process where deep recursion was caught
# earlier (hypothesis and deeply nested layouts do that in this suite).
_SCAN = """
import ast, json, sys
result = {}
for name in sys.argv[1:]:
    names = set()
    for node in ast.walk(ast.parse(open(name, encoding="utf-8").read())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    result[name] = sorted(names)
print(json.dumps(result))
"""


@functools.cache
def all_imports() -> dict[str, list[str]]:
    files = [str(path) for path in PACKAGE.rglob("*.py")]
    out = subprocess.run(
        [sys.executable, "-c", _SCAN, *files], capture_output=True, text=True, check=True
    ).stdout
    return dict(json.loads(out))


def imported_modules(path: Path) -> set[str]:
    return set(all_imports()[str(path)])


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
