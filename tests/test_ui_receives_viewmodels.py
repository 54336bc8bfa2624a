"""Issue #13: the ui receives view-models, never core objects.

A ui module that reads ``services.engine`` / ``session.client`` / ``self._services.library``
(or ``getattr(services, "journal")``) builds on core objects itself; the typed factories in
``viewmodels/tab_models.py`` are where the session becomes view-models. This reads the
source with ``ast``, so it needs no Qt and covers modules no test imports.
"""

from __future__ import annotations

import ast
from pathlib import Path

import minimax_studio

UI = Path(minimax_studio.__file__).parent / "ui"
CORE_ATTRS = {"engine", "client", "library", "journal"}
HOLDERS = {"services", "session"}  # names (with or without a leading "_") of what holds them


def _holder(node: ast.expr) -> str | None:
    """`services` / `self._services` / `x.session` -> the holder's bare name."""
    if isinstance(node, ast.Name):
        name = node.id
    elif isinstance(node, ast.Attribute):
        name = node.attr
    else:
        return None
    name = name.lstrip("_")
    return name if name in HOLDERS else None


def core_reads(root: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted(root.rglob("*.py")):
        rel = str(path.relative_to(root.parent))
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            what = None
            if isinstance(node, ast.Attribute) and node.attr in CORE_ATTRS:
                holder = _holder(node.value)
                if holder:
                    what = f"{holder}.{node.attr}"
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                  and node.func.id in {"getattr", "hasattr"} and len(node.args) >= 2
                  and isinstance(node.args[1], ast.Constant) and node.args[1].value in CORE_ATTRS):
                holder = _holder(node.args[0])
                if holder:
                    what = f'{node.func.id}({holder}, "{node.args[1].value}")'
            if what:
                found.setdefault(rel, []).append(f"{rel}:{node.lineno} {what}")
    return found


def test_ui_never_reads_core_objects_off_the_session() -> None:
    hits = [hit for v in core_reads(UI).values() for hit in v]
    assert not hits, ("ui reads core objects; build view-models in viewmodels/tab_models.py:\n"
                      + "\n".join(hits))


def test_the_scan_catches_each_form(tmp_path: Path) -> None:
    ui = tmp_path / "ui"
    ui.mkdir()
    (ui / "bad.py").write_text(
        "def build(services, session, self):\n"
        "    a = services.engine\n"
        "    b = session.client\n"
        "    c = self._services.library\n"
        "    d = getattr(services, 'journal', None)\n"
        "    e = services.runner\n"           # not a core object: allowed
        "    f = self.engine_label\n",        # not off a session: allowed
        encoding="utf-8")
    (ui / "good.py").write_text("def build(models):\n    return models.form\n", encoding="utf-8")
    hits = core_reads(ui)
    assert list(hits) == ["ui/bad.py"]
    assert [h.split(" ", 1)[1] for h in hits["ui/bad.py"]] == [
        "services.engine", "session.client", "services.library", 'getattr(services, "journal")']
