"""Engine benchmarks (``.venv/bin/python -m bench.bench_engine``, under 2 minutes).

1. Requests per completed job vs the minimal polling schedule (goal ≤ 1.1×).
   Minimal = for every job, 1 create + for every remote id the polls a fixed-interval
   poller needs to see it final (ceil(generation time / interval)) + 1 upload per distinct
   reference. Everything else we send (capacity reads, account/credit reads, retries)
   is overhead.
2. Worst event-loop stall (a 5 ms timer probe) while 50 jobs poll and 4 large downloads
   stream (goal ≤ 16 ms).

The sandbox runs in its own process so its work does not share our GIL (as the real
service would not).
"""

from __future__ import annotations

import asyncio
import math
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from minimax_studio.api.client import MiniMaxClient
from minimax_studio.core.engine import Engine, EngineConfig
from minimax_studio.core.jobs import JobState
from minimax_studio.core.journal import Journal
from minimax_studio.core.library import Library
from minimax_studio.sandbox import Sandbox

SPEED = 200.0
POLL = 15.0 / SPEED  # useapi's 15 s interval, on the sandbox's clock


def start_sandbox(speed: float) -> tuple[subprocess.Popen[str], str, str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "minimax_studio.sandbox", "--speed", str(speed), "--seed", "5",
         "--no-history"], stdout=subprocess.PIPE, text=True)
    url = token = ""
    assert proc.stdout is not None
    while not (url and token):
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError("the sandbox did not start")
        if m := re.search(r"listening on (\S+)", line):
            url = m.group(1)
        if m := re.match(r"token: (\S+)", line):
            token = m.group(1)
    return proc, url, token


async def _rig(client: MiniMaxClient, home: Path, **cfg: Any) -> tuple[Engine, Journal, Library]:
    journal = await Journal.open(home / "journal.sqlite3")
    library = await Library.open(home / "library.sqlite3", home / "library")
    settings: dict[str, Any] = {
        "poll_initial": POLL, "poll_interval": POLL, "poll_max": POLL * 4, "busy_retry": 20 / SPEED,
        "route_refresh": 30 / SPEED, "reconcile_delay": 5 / SPEED, "transfer_retry": 2 / SPEED,
        "library_dir": home / "library", "thumbs_dir": home / "thumbs", **cfg}
    config = EngineConfig(**settings)
    engine = Engine(client, journal, library, config=config)
    await engine.start()
    return engine, journal, library


async def requests_per_job(home: Path) -> tuple[int, int, int]:
    """(requests sent, minimal requests, completed jobs) for a mixed 50-job run."""
    from PIL import Image

    with Sandbox(speed=SPEED, seed=5) as sb:
        for _ in range(4):
            sb.add_account(max_jobs=3, credits=100000)
        async with MiniMaxClient(sb.token, sb.base_url) as client:
            engine, journal, library = await _rig(client, home)
            ref = home / "ref.png"
            Image.new("RGB", (640, 360), "#4a8").save(ref)
            jobs = [await engine.submit("video", {"model": "T2V-01", "prompt": f"bench shot {i}"})
                    for i in range(30)]
            jobs += [await engine.submit("video", {"model": "I2V-01", "prompt": f"bench i2v {i}",
                                                   "fileID": str(ref)}) for i in range(10)]
            jobs += [await engine.submit("image", {"model": "image-01", "prompt": f"bench image {i}",
                                                   "quantity": 2}) for i in range(10)]
            done = await engine.wait([j.id for j in jobs], timeout=100)
            await engine.close()
            await library.close()
            await journal.close()
        bad = [j.reason for j in done if j.state is not JobState.COMPLETED]
        if bad:
            raise SystemExit(f"jobs did not complete: {bad[:3]}")
        by_id = {j.composite_id: j for j in sb.state.jobs.values()}
        minimal = 0
        for job in done:
            minimal += 1  # the create call
            for rid in job.remote_ids:
                mj = by_id[rid]
                minimal += max(1, math.ceil((mj.queue_s + mj.run_s) / SPEED / POLL))
        minimal += len({j.account for j in done if j.file_ids})  # one upload per account
        actual = len(sb.received)
        return actual, minimal, len(done)


async def worst_stall(url: str, token: str, home: Path) -> tuple[float, int]:
    async with MiniMaxClient(token, url) as client:
        engine, journal, library = await _rig(client, home, poll_initial=0.5, poll_interval=0.5, poll_max=2.0)
        jobs = [await engine.submit("image", {"model": "image-01", "prompt": f"stall probe {i} sandbox:slow"})
                for i in range(50)]
        await asyncio.sleep(0.3)  # let them reach polling
        root = url.split("/v1/", 1)[0]
        stalls: list[float] = []
        stop = asyncio.Event()

        async def probe() -> None:
            while not stop.is_set():
                t = time.perf_counter()
                await asyncio.sleep(0.005)
                stalls.append(time.perf_counter() - t - 0.005)

        async def download(i: int) -> None:
            await client.download(f"{root}/_sandbox/blob/{40 * 1024 * 1024}", home / f"blob{i}.bin")

        prober = asyncio.create_task(probe())
        t0 = time.perf_counter()
        await asyncio.gather(*(download(i) for i in range(4)))
        elapsed = time.perf_counter() - t0
        stop.set()
        await prober
        polling = sum(1 for j in [await engine.get(j.id) for j in jobs] if j and not j.is_final)
        await engine.close()
        await library.close()
        await journal.close()
        stalls.sort()
        p99 = stalls[int(len(stalls) * 0.99)] * 1000 if stalls else 0.0
        print(f"  4 × 40 MB downloaded in {elapsed:.1f} s while {polling} jobs were still polling; "
              f"p99 stall {p99:.1f} ms over {len(stalls)} probes")
        return (stalls[-1] if stalls else 0.0) * 1000, polling


def main() -> int:
    # Slow enough that 50 image jobs are still generating while the downloads run.
    proc, url, token = start_sandbox(10.0)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            os.environ["MINIMAX_STUDIO_HOME"] = tmp
            actual, minimal, n = asyncio.run(requests_per_job(Path(tmp) / "a"))
            print(f"requests per completed job: {actual / n:.2f} (minimal polling schedule "
                  f"{minimal / n:.2f}) → ratio {actual / minimal:.3f}× (goal ≤ 1.1×)")
            stall, _ = asyncio.run(worst_stall(url, token, Path(tmp) / "b"))
            print(f"worst event-loop stall: {stall:.1f} ms (goal ≤ 16 ms)")
    finally:
        proc.terminate()
        proc.wait(10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
