"""Every third-party package the app imports is declared in pyproject.toml, and the ones
read below their public API (qasync, httpx, httpcore, h11) are bounded above, with the
installed versions inside the bounds — so an upgrade cannot silently change the app."""

from __future__ import annotations

import ast
import importlib.metadata as md
import re
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
PINNED = ("qasync", "httpx", "httpcore", "h11")


def _declared() -> dict[str, list[Requirement]]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    out: dict[str, list[Requirement]] = {}
    for line in data["project"]["dependencies"]:
        req = Requirement(line)
        out.setdefault(_norm(req.name), []).append(req)
    return out


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _third_party_imports() -> dict[str, str]:
    """Top-level module -> a file importing it, over minimax_studio/ (run-time imports)."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "minimax_studio").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top != "minimax_studio":
                    found.setdefault(top, str(path.relative_to(ROOT)))
    return found


def _pinned_by_declared(declared: dict[str, list[Requirement]]) -> set[str]:
    """Distributions a declared one requires at exactly its own version (shiboken6 for
    PySide6-Essentials): the declared bound covers them."""
    out: set[str] = set()
    for name in declared:
        try:
            requires = md.requires(name) or []
        except md.PackageNotFoundError:  # a marker excludes it on this Python
            continue
        for line in requires:
            req = Requirement(line)
            if any(s.operator == "==" for s in req.specifier) and \
                    (req.marker is None or req.marker.evaluate({"extra": ""})):
                out.add(_norm(req.name))
    return out


def test_every_imported_package_is_declared() -> None:
    declared = _declared()
    covered = set(declared) | _pinned_by_declared(declared)
    dists = md.packages_distributions()
    missing = []
    for module, where in _third_party_imports().items():
        names = {_norm(d) for d in dists.get(module, [module])}
        if not names & covered:
            missing.append(f"{module} (imported in {where}; distribution {sorted(names)})")
    assert missing == [], "imported but not in pyproject.toml dependencies: " + "; ".join(missing)


def test_packages_used_below_their_public_api_are_bounded() -> None:
    declared = _declared()
    for name in PINNED:
        reqs = declared.get(name)
        assert reqs, f"{name} is not declared"
        for req in reqs:
            assert any(s.operator in ("<", "<=", "==", "~=") for s in req.specifier), \
                f"{req} has no upper bound"
            installed = md.version(name)
            assert req.specifier.contains(installed, prereleases=True), \
                f"installed {name} {installed} is outside {req}"
