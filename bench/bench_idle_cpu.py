"""Idle CPU with the window open and no jobs (``.venv/bin/python -m bench.bench_idle_cpu``).

Starts the app the way ``minimax-studio`` does (offscreen), waits until it has settled,
then reads the process's CPU time (user + system, /proc/<pid>/stat) over a 10 s window.
Measured three ways, all in the same run:

* bare: an empty PySide6 QMainWindow (the floor: Qt's own idle cost),
* first run: the app with no token (the first-run page),
* sandbox: ``--sandbox`` — the in-process emulator serving, the account board loaded.

Goal: the app ≤ 1 % of one core in both modes.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BARE = r"""
import sys
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv)
w = QMainWindow(); w.resize(1200, 780); w.show()
print("READY", flush=True)
app.exec()
"""

APP = r"""
import sys
from minimax_studio.app import run
def hook(studio):
    vm = studio.app_vm
    def check():
        if vm.phase.value == "first-run" or (
                vm.phase.value == "ready" and getattr(studio.window.tab("Accounts"), "vm", None)
                is not None and studio.window.tab("Accounts").vm.loaded):
            print("READY", flush=True)
            vm.statusChanged.disconnect(check)
    vm.statusChanged.connect(check)
sys.exit(run(sandbox="--sandbox" in sys.argv, on_started=hook))
"""

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def measure(code: str, args: list[str], env: dict[str, str], seconds: float, settle: float) -> float:
    proc = subprocess.Popen([sys.executable, "-c", code, *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + 60
        for line in proc.stdout:
            if line.startswith("READY"):
                break
            if time.monotonic() > deadline:
                raise TimeoutError("the app did not get ready")
        time.sleep(settle)  # let start-up work (thumbnails, first refresh) finish
        c0, t0 = cpu_seconds(proc.pid), time.monotonic()
        time.sleep(seconds)
        c1, t1 = cpu_seconds(proc.pid), time.monotonic()
        return 100.0 * (c1 - c0) / (t1 - t0)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=float, default=10.0)
    p.add_argument("--settle", type=float, default=3.0)
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-idle-") as home:
        env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
                   MINIMAX_STUDIO_HOME=home, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
        env.pop("MINIMAX_STUDIO_API_URL", None)
        bare = measure(BARE, [], env, args.seconds, args.settle)
        first = measure(APP, [], env, args.seconds, args.settle)
        sandbox = measure(APP, ["--sandbox"], env, args.seconds, args.settle)
    print(f"idle CPU over {args.seconds:g} s (percent of one core):")
    print(f"  bare QMainWindow:        {bare:5.2f} %")
    print(f"  app, first-run page:     {first:5.2f} %")
    print(f"  app, sandbox board open: {sandbox:5.2f} %  (includes the in-process emulator)")
    worst = max(first, sandbox)
    print(f"goal <= 1 %: {'met' if worst <= 1.0 else 'NOT met'} (worst {worst:.2f} %)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
