"""Agent transcript benchmark (``.venv/bin/python -m bench agent``, under a minute).

Two conversations in a real conversation store, their agent jobs in a real journal with
real image files on disk: 5 turns, and 500 turns with 1 000 attachments (two per turn).
Measured on the real Agent tab, shown offscreen (so painting really runs):

* open: from "open this conversation" to the newest turn selected, scrolled to and
  painted (the store's two queries, the model reset, the delegate's layout of what shows).
  A conversation opens with its newest page of turns (``agent_vm.PAGE``); earlier pages
  are read as the person scrolls up.
  Goal: the 500-turn one opens in ≤ 1.5× the time of the 5-turn one.
* scroll: the whole 500-turn transcript (all pages read) scrolled top to bottom in 60 Hz steps while a 5 ms
  precise timer on the GUI thread records its gaps (thumbnails load as rows appear).
  Goal: worst gap ≤ 16 ms.

The job source is the journal itself (no server: every job is finished, so nothing polls).
"""

from __future__ import annotations

import asyncio
import gc
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PIL import Image
from PySide6.QtWidgets import QApplication

from bench.loop_probe import Probe
from minimax_studio.core.conversations import ConversationStore
from minimax_studio.core.jobs import Job, JobKind, JobState
from minimax_studio.core.journal import Journal
from minimax_studio.ui.event_loop import StudioEventLoop
from minimax_studio.ui.tabs.agent_tab import AgentTab
from minimax_studio.viewmodels.agent_vm import AgentVM
from minimax_studio.viewmodels.notifier import Notifier
from minimax_studio.viewmodels.tasks import TaskRunner

SMALL, LARGE, PER_TURN = 5, 500, 2
OPEN_RUNS = 9
OPEN_GOAL = 1.5
STALL_GOAL_MS = 16.0
TICK_MS = 5
ANSWER = ("I've generated **two images** for you:\n\n* a wide one (16:9)\n* a square one\n\n"
          "Ask for changes in words — the agent does not remember this turn, so attach the result.")


class JournalSource:
    """What the jobs model needs, read from the journal: every job is final here."""

    def __init__(self, journal: Journal) -> None:
        self._journal = journal
        self.config = None

    async def jobs(self, kind: JobKind | None = None) -> list[Job]:
        return await self._journal.jobs(kind=kind)

    def events(self) -> Any:
        async def none() -> Any:
            await asyncio.Event().wait()  # no job changes: all finished
            yield None

        return none()


def make_images(folder: Path, n: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        p = folder / f"result-{i:04d}.png"
        Image.new("RGB", (320, 180) if i % 2 else (256, 256), ((i * 37) % 255, 90, 160)).save(p)
        out.append(p)
    return out


async def fill(store: ConversationStore, journal: Journal, turns: int, images: list[Path], start: int) -> int:
    conv = await store.create(title=f"{turns} turns", models=["nano-banana-2"])
    for t in range(turns):
        prompt = f"turn {t}: generate a 16:9 image and a square image of a lighthouse, variation {t}"
        downloads = {}
        for k in range(PER_TURN):
            path = images[(start + t * PER_TURN + k) % len(images)]
            downloads[f"p{t}#att{k}"] = {"url": "http://cdn/x.png", "state": "done", "path": str(path),
                                         "kind": "image", "mime": "image/png", "remote": f"att{t}_{k}",
                                         "width": 320, "height": 180}
        job = Job(id=0, kind=JobKind.AGENT, state=JobState.COMPLETED,
                  request={"prompt": prompt, "models": ["nano-banana-2"], "files": []},
                  account="demo", remote_ids=[f"p{t}-u1-a1-bot:minimax"], downloads=downloads,
                  created_at=datetime.now(UTC), updated_at=datetime.now(UTC))
        job = await journal.create_job(job)
        turn = await store.add_turn(conv.id, prompt, [], ["nano-banana-2"], None)
        tr = await store.add_try(turn.id, job.id)
        await store.set_answer(tr.id, {"text": ANSWER, "elapsed": "01:05", "notes": [], "attachments": {
            f"att{t}_{k}": {"model_name": "banana_2", "aspect_ratio": "16:9", "resolution": "1K"}
            for k in range(PER_TURN)}})
    return conv.id


async def time_open(app: QApplication, vm: AgentVM, tab: AgentTab, cid: int, other: int) -> float:
    await vm._open_conversation(other)  # start from the other one, like a click between them
    await asyncio.sleep(0.05)
    t0 = time.perf_counter()
    await vm._open_conversation(cid)
    tab.transcript.viewport().repaint()  # paints now, without running other events
    # One loop turn for what the open posted. Not app.processEvents(): inside a coroutine it
    # runs other tasks' steps re-entrantly ("Cannot enter into task … while another task …").
    await asyncio.sleep(0)
    return time.perf_counter() - t0


async def run(app: QApplication, home: Path) -> int:
    images = make_images(home / "media", 120)
    journal = await Journal.open(home / "journal.sqlite3")
    store = await ConversationStore.open(home / "conversations.sqlite3")
    small = await fill(store, journal, SMALL, images, 0)
    large = await fill(store, journal, LARGE, images, 7)
    await store.close()
    runner = TaskRunner(Notifier())
    vm = AgentVM(engine=JournalSource(journal), client=None, runner=runner,
                 store_path=home / "conversations.sqlite3")
    tab = AgentTab(vm)
    tab.resize(1280, 860)
    tab.show()
    vm.start()
    await vm.ready.wait()
    await asyncio.sleep(0.3)
    gc.freeze()
    opens: dict[str, list[float]] = {"small": [], "large": []}
    for _ in range(OPEN_RUNS):
        opens["small"].append(await time_open(app, vm, tab, small, large))
        opens["large"].append(await time_open(app, vm, tab, large, small))
    s, big = statistics.median(opens["small"]), statistics.median(opens["large"])
    ratio = big / s if s else float("inf")
    print(f"open  5 turns:   median {s * 1000:.1f} ms  ({', '.join(f'{x * 1000:.0f}' for x in opens['small'])})")
    print(f"open 500 turns:  median {big * 1000:.1f} ms  ({', '.join(f'{x * 1000:.0f}' for x in opens['large'])})")
    print(f"ratio {ratio:.2f}× (goal ≤ {OPEN_GOAL}×): {'MET' if ratio <= OPEN_GOAL else 'NOT MET'}")

    # scroll the 500-turn one top to bottom at 60 Hz, every turn read (no page loads meanwhile)
    await vm._load_earlier(large, everything=True)
    assert vm.transcript.rowCount() == LARGE
    tab.transcript.doItemsLayout()
    bar = tab.transcript.verticalScrollBar()
    await asyncio.sleep(0.3)  # the view keeps its place after the pages above arrived
    bar.setValue(0)
    await asyncio.sleep(0.3)
    probe = Probe(TICK_MS)
    probe.start()
    step = max(1, tab.transcript.viewport().height() // 3)
    steps = 0
    while bar.value() < bar.maximum():
        bar.setValue(bar.value() + step)
        steps += 1
        await asyncio.sleep(1 / 60)
    await asyncio.sleep(0.3)  # the last thumbnails arrive
    gaps = probe.stop()[1:]
    worst = max(gaps) if gaps else 0.0
    q = statistics.quantiles(gaps, n=100)[98] if len(gaps) > 100 else worst
    print(f"scroll 500 turns ({steps} steps of {step} px): worst gap {worst:.1f} ms, p99 {q:.1f} ms, "
          f"median {statistics.median(gaps):.1f} ms, {len(gaps)} ticks (goal ≤ {STALL_GOAL_MS:.0f} ms): "
          f"{'MET' if worst <= STALL_GOAL_MS else 'NOT MET'}")
    tab.shutdown()
    await runner.shutdown()
    await journal.close()
    return 0 if ratio <= OPEN_GOAL and worst <= STALL_GOAL_MS else 1


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    with tempfile.TemporaryDirectory(prefix="bench-agent-") as tmp:
        loop = StudioEventLoop(app)
        asyncio.set_event_loop(loop)
        try:
            return loop.run_until_complete(run(app, Path(tmp)))
        finally:
            loop.close()


if __name__ == "__main__":
    raise SystemExit(main())
