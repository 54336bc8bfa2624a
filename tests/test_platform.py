"""Guards against platform traps that once broke the app (PLATFORM-NOTES.md)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest


def test_signal_disconnect_keeps_bool_refcount() -> None:
    """PySide6 6.12.0 on Python 3.11: Signal.disconnect() drops a reference to Py_True on
    every call, and qasync disconnects on every socket wait, so the app aborts with
    `Fatal Python error: bool_dealloc`. pyproject pins PySide6 < 6.12 on 3.11; this test
    fails if that pin is lost (or a later PySide6 brings the bug back)."""
    code = textwrap.dedent(
        """
        import sys
        from PySide6.QtCore import QCoreApplication, QTimer
        app = QCoreApplication([])
        t = QTimer(); f = lambda: None
        before = sys.getrefcount(True)
        for _ in range(2000):
            t.timeout.connect(f); t.timeout.disconnect(f)
        after = sys.getrefcount(True)
        immortal = sys.version_info >= (3, 12)
        print("OK" if immortal or after >= before else f"LEAK {before} -> {after}")
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "OK", out.stdout


@pytest.mark.parametrize("module", ["minimax_studio.api.errors", "minimax_studio.paths"])
def test_qt_free_modules_do_not_import_qt(module: str) -> None:
    code = f"import sys, {module}; assert not any(m.startswith('PySide6') for m in sys.modules)"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
