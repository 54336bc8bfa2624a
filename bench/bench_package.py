"""The packaged app (``.venv/bin/python -m bench.bench_package``, after ``make package``).

* bundle size: ``dist/minimax-studio/`` unpacked (budget 200 MB, decimal: 200 000 000 bytes) and its ``.tar.gz``;
* cold start, frozen ÷ source: the bundle's ``minimax-studio`` against the source tree's
  ``.venv/bin/minimax-studio`` (bytecode cached, as installed), goal ≤ 1.2.

Cold start is measured identically for both sides, from outside: the parent's clock before
spawning the process until the app's log file holds its "starting" line, which ``app.run``
writes right after the window's first paint and the imports that follow it. Each sample
gets a fresh ``MINIMAX_STUDIO_HOME`` (first-run page, no token) and is then killed; samples
alternate so machine noise hits both sides alike, and the medians are compared.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = ROOT / "dist" / "minimax-studio"
BUDGET_BYTES = 200_000_000  # the "≤ 200 MB", decimal as in packaging/smoke_test.py
GOAL = 1.2


def tree_bytes(folder: Path) -> int:
    return sum(p.lstat().st_size for p in folder.rglob("*"))


def sample(exe: Path, parent: Path) -> float:
    home = Path(tempfile.mkdtemp(dir=parent))
    log = home / "logs" / "minimax-studio.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env.update(MINIMAX_STUDIO_HOME=str(home), QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    env.pop("MINIMAX_STUDIO_API_URL", None)
    t0 = time.monotonic()
    proc = subprocess.Popen([str(exe)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        while time.monotonic() - t0 < 60:
            if log.exists() and " starting" in log.read_text(encoding="utf-8", errors="replace"):
                return time.monotonic() - t0
            if proc.poll() is not None:
                raise RuntimeError(f"{exe} exited with {proc.returncode} before starting")
            time.sleep(0.002)
        raise RuntimeError(f"{exe} did not start within 60 s")
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=9)
    p.add_argument("--bundle", type=Path, default=BUNDLE)
    args = p.parse_args(argv)
    frozen = args.bundle / "minimax-studio"
    source = ROOT / ".venv" / "bin" / "minimax-studio"
    if not frozen.exists():
        print(f"skipped: no bundle at {args.bundle} (run `make package` first)")
        return 0
    size = tree_bytes(args.bundle)
    tarballs = sorted(args.bundle.parent.glob("minimax-studio-*.tar.gz"))
    print(f"bundle unpacked: {size / 1e6:.1f} MB = {size / 2**20:.1f} MiB "
          f"(budget {BUDGET_BYTES / 1e6:.0f} MB: {'met' if size <= BUDGET_BYTES else 'NOT met'})")
    for tb in tarballs:
        print(f"{tb.name}: {tb.stat().st_size / 1e6:.1f} MB = {tb.stat().st_size / 2**20:.1f} MiB "
              f"({tb.stat().st_size / size:.2f}× the unpacked size)")
    with tempfile.TemporaryDirectory(prefix="bench-package-") as tmp:
        parent = Path(tmp)
        sample(source, parent)  # warm the OS file cache and the bytecode for both sides
        sample(frozen, parent)
        src, frz = [], []
        for _ in range(args.runs):
            src.append(sample(source, parent))
            frz.append(sample(frozen, parent))
    s, f = statistics.median(src), statistics.median(frz)
    print(f"source cold start: median {s * 1000:.0f} ms (min {min(src) * 1000:.0f}, max {max(src) * 1000:.0f})")
    print(f"frozen cold start: median {f * 1000:.0f} ms (min {min(frz) * 1000:.0f}, max {max(frz) * 1000:.0f})")
    ratio = f / s
    print(f"ratio frozen / source = {ratio:.2f}  (goal <= {GOAL}: {'met' if ratio <= GOAL else 'NOT met'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
