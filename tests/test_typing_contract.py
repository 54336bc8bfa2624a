"""Issue #13: core, viewmodels and ui never take a client, library, engine, services, window,
session, runner, tab, journal or sandbox parameter typed `Any`.

Such a parameter hides which object is really passed (a newcomer cannot jump to its class, mypy
cannot check the calls); the real class under `TYPE_CHECKING`, or a small Protocol, says it.
This reads the source with `ast` so it needs no Qt and covers modules no test imports.
"""

from __future__ import annotations

import ast
from pathlib import Path

import minimax_studio

PACKAGE = Path(minimax_studio.__file__).parent
LAYERS = ("core", "viewmodels", "ui")
# Parameter names that stand for one of the app's long-lived objects.
NAMES = {"client", "library", "engine", "services", "window", "session", "runner", "tab",
         "journal", "sandbox"}


def _is_any(annotation: ast.expr | None) -> bool:
    if annotation is None:
        return False
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        # A string annotation: parse it so "Any" and "Any | None" are caught too.
        annotation = ast.parse(annotation.value, mode="eval").body
    if isinstance(annotation, ast.Name):
        return annotation.id == "Any"
    if isinstance(annotation, ast.Attribute):
        return annotation.attr == "Any"
    if isinstance(annotation, ast.BinOp):  # `Any | None`
        return _is_any(annotation.left) or _is_any(annotation.right)
    return False


def any_typed_parameters(root: Path) -> list[str]:
    found: list[str] = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            a = node.args
            for arg in [*a.posonlyargs, *a.args, *a.kwonlyargs]:
                if arg.arg.lstrip("_") in NAMES and _is_any(arg.annotation):
                    found.append(f"{path.relative_to(root.parent)}:{arg.lineno} "
                                 f"{node.name}({arg.arg}: Any)")
    return found


def test_no_any_typed_service_parameters() -> None:
    found = [hit for layer in LAYERS for hit in any_typed_parameters(PACKAGE / layer)]
    assert not found, "parameters typed Any that should name their class:\n" + "\n".join(found)


def test_the_check_catches_an_any_typed_parameter(tmp_path: Path) -> None:
    # The scan must be able to fail: a module with such a parameter is reported.
    (tmp_path / "m.py").write_text(
        "from typing import Any\n"
        "def f(*, client: Any, window: 'Any | None' = None, other: Any = 1) -> None: ...\n",
        encoding="utf-8")
    hits = any_typed_parameters(tmp_path)
    assert [h.split(" ", 1)[1] for h in hits] == ["f(client: Any)", "f(window: Any)"]
