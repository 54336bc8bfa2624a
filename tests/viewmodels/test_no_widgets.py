"""View-models never import QtWidgets (import-linter cannot forbid an external subpackage,
so the rule is checked here, statically, on every module of the package)."""

from __future__ import annotations

import ast
from pathlib import Path

import minimax_studio.viewmodels as vm_pkg


def _widget_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.startswith("PySide6.QtWidgets")]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("PySide6.QtWidgets"):
            found.append(node.module or "")
        elif isinstance(node, ast.ImportFrom) and node.module == "PySide6":
            found += [a.name for a in node.names if a.name == "QtWidgets"]
    return found


def test_no_viewmodel_imports_qtwidgets() -> None:
    root = Path(vm_pkg.__file__).parent
    offenders = {str(p.relative_to(root)): imps for p in sorted(root.rglob("*.py"))
                 if (imps := _widget_imports(p))}
    assert offenders == {}
