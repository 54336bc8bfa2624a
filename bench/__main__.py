"""`python -m bench` (or `make bench`): run every benchmark, each in its own process so one
cannot warm caches or leave threads behind for the next. Each prints its own ratios."""

from __future__ import annotations

import subprocess
import sys
import time

BENCHES = (
    "bench.bench_download",
    "bench.bench_library",
    "bench.bench_engine",
    "bench.bench_startup",
    "bench.bench_idle_cpu",
    "bench.bench_ui_stall",
    "bench.bench_gallery",
    "bench.bench_agent",
    "bench.bench_package",  # after `make package`; says "skipped" without a bundle
)


def main(argv: list[str]) -> int:
    chosen = [b for b in BENCHES if not argv or any(a in b for a in argv)]
    failed = []
    for name in chosen:
        print(f"\n=== {name} ===", flush=True)
        t0 = time.monotonic()
        rc = subprocess.call([sys.executable, "-m", name])
        print(f"--- {name}: exit {rc} in {time.monotonic() - t0:.0f} s", flush=True)
        if rc:
            failed.append(name)
    if failed:
        print("failed:", ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
