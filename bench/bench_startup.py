"""Cold start to the first painted main window (``.venv/bin/python -m bench.bench_startup``).

Each sample is a fresh ``python -c`` process, started the same way for both sides:

* baseline: a bare PySide6 ``QMainWindow`` script (import, QApplication, show, first paint);
* app: ``minimax_studio.app.run()`` exactly as ``minimax-studio`` runs it (logging, settings,
  theme, qasync loop, the full window), with no token configured (the first-run page).

Both import from cached bytecode, as an installed app does (the warm-up runs write it into
a temporary ``PYTHONPYCACHEPREFIX``).

Time = the child's CLOCK_MONOTONIC at its window's first paintEvent minus the parent's
just before spawning it. Samples alternate so machine noise hits both sides alike; the
medians are compared. Goal: app / baseline ≤ 1.3.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BARE = r"""
import sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv)
class W(QMainWindow):
    painted = False
    def paintEvent(self, e):
        super().paintEvent(e)
        if not self.painted:
            self.painted = True
            print(time.monotonic(), flush=True)
            QTimer.singleShot(0, app.quit)
w = W()
w.setWindowTitle("bare")
w.resize(1200, 780)
w.show()
app.exec()
"""

APP = r"""
import sys, time
from minimax_studio.app import run
def hook(studio):
    # run() paints the window before the loop starts; the window keeps the moment.
    w = studio.window
    def report():
        print(w.first_paint_at, flush=True)
        studio.closed.set()
    if w.first_paint_at is not None:
        report()
    else:
        w.firstPainted.connect(report)
sys.exit(run(on_started=hook))
"""


def sample(code: str, env: dict[str, str]) -> float:
    t0 = time.monotonic()
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         timeout=60, check=False)
    lines = [ln for ln in out.stdout.splitlines() if ln.strip()]
    if out.returncode != 0 or not lines:
        raise RuntimeError(f"child failed ({out.returncode}): {out.stderr[-2000:]}")
    return float(lines[0]) - t0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=9)
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as home:
        env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
                   MINIMAX_STUDIO_HOME=home, PYTHONPATH=str(Path(__file__).resolve().parents[1]),
                   # Bytecode cached (in a temp dir, not the tree) as in an installed app; the
                   # warm-up runs below write it. Without it every run would recompile us.
                   PYTHONPYCACHEPREFIX=str(Path(home) / "pycache"))
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env.pop("MINIMAX_STUDIO_API_URL", None)
        sample(BARE, env)  # warm the OS file cache for both: we measure cold *process* start
        sample(APP, env)
        bare, app = [], []
        for _ in range(args.runs):
            bare.append(sample(BARE, env))
            app.append(sample(APP, env))
    b, a = statistics.median(bare), statistics.median(app)
    ratio = a / b
    print(f"bare QMainWindow first paint: median {b * 1000:.0f} ms "
          f"(min {min(bare) * 1000:.0f}, max {max(bare) * 1000:.0f})")
    print(f"MiniMax Studio first paint:   median {a * 1000:.0f} ms "
          f"(min {min(app) * 1000:.0f}, max {max(app) * 1000:.0f})")
    print(f"ratio app / bare = {ratio:.2f}  (goal <= 1.30: {'met' if ratio <= 1.3 else 'NOT met'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
