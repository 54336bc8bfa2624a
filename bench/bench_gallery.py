"""Gallery benchmark (``.venv/bin/python -m bench gallery`` or ``-m bench.bench_gallery``).

Builds libraries of 100 and 100 000 items (real PNG files for what the screens show; video
items carry a cover thumbnail as the engine gives them), drives the real ``GalleryTab``
offscreen on the app's event loop (``StudioEventLoop``) and prints, as ratios in one run:

1. open the tab → first screen of thumbnails painted, 100 000 ÷ 100 items (goal ≤ 1.2×);
2. dragging the scrollbar top → bottom through all 100 000 items, then flinging with the
   wheel: worst event-loop gap (goal ≤ 16 ms);
3. a search keystroke → filtered first screen painted at 100 000 items, median
   (goal ≤ 50 ms; measured from the query leaving the debounce);
4. process RSS after scrolling through all 100 000 items (goal ≤ 250 MiB);
5. thumbnails for 1 000 new images: worst GUI gap while they are made (goal ≤ 16 ms).

The event-loop gap is what ``bench_ui_stall`` measures: the gaps between ticks of a 5 ms
precise timer on the GUI thread.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PIL import Image, ImageDraw
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from bench.bench_library import WORDS
from bench.loop_probe import Probe, summary
from minimax_studio.core.library import Library
from minimax_studio.core.library_new_item import NewLibraryItem
from minimax_studio.core.thumbnails import make_thumbnail_sync
from minimax_studio.ui.event_loop import StudioEventLoop
from minimax_studio.ui.tabs.gallery_tab import GalleryTab
from minimax_studio.viewmodels.notifier import Notifier
from minimax_studio.viewmodels.tasks import TaskRunner

GOAL_OPEN = 1.2
GOAL_GAP_MS = 16.0
GOAL_SEARCH_MS = 50.0
GOAL_RSS_MIB = 250.0
FILES = 240  # distinct pictures the items point at (first screens show real thumbnails)
NEW_IMAGES = 1000
WINDOW = (1280, 800)
MODELS = ("hailuo-2.3", "hailuo-02", "veo-3.1", "image-01", "gpt-image-2", "midjourney")
T0 = datetime(2025, 1, 1, tzinfo=UTC)


class Services:
    """What the tab reads from the app's ``Services``."""

    def __init__(self, library: Library, thumbs: Path) -> None:
        self.library = library
        self.notifier = Notifier()
        self.runner = TaskRunner(self.notifier)
        self.paths = _Paths(thumbs)


class _Paths:
    def __init__(self, thumbs: Path) -> None:
        self.thumbnails_dir = thumbs


def _picture(path: Path, i: int, size: tuple[int, int] = (768, 432)) -> None:
    rnd = random.Random(i)
    img = Image.new("RGB", size, tuple(rnd.randrange(40, 220) for _ in range(3)))
    d = ImageDraw.Draw(img)
    for _ in range(6):
        x, y = rnd.randrange(size[0]), rnd.randrange(size[1])
        d.ellipse((x - 60, y - 60, x + 60, y + 60), fill=tuple(rnd.randrange(256) for _ in range(3)))
    d.text((10, 10), f"picture {i}", fill="#000000")
    img.save(path)


def _items(n: int, files: list[Path], covers: list[Path], thumbs: list[Path],
           seed: int = 3) -> list[NewLibraryItem]:
    rnd = random.Random(seed)
    span = timedelta(days=700).total_seconds()
    out = []
    for i in range(n):
        model = rnd.choice(MODELS)
        kind = "image" if model in ("image-01", "gpt-image-2", "midjourney") else "video"
        prompt = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(6, 18)))
        created = T0 + timedelta(seconds=rnd.random() * span)
        k = rnd.randrange(len(files))
        out.append(NewLibraryItem(
            kind=kind, prompt=prompt, model=model, path=files[k],
            thumb_path=covers[k] if kind == "video" else thumbs[k],
            request={"model": model, "prompt": prompt, "quantity": 1},
            options={}, account=str(100000 + i % 3), remote_id=f"bench:{kind}:{i}",
            width=768, height=432, duration=6.0 if kind == "video" else None,
            created_at=created, finished_at=created, favorite=rnd.random() < 0.05,
            source=rnd.choice(("app", "batch", "import")),
        ))
    return out


class GcWatch:
    """Durations of the collector's passes (a full pass walks every tracked object)."""

    def __init__(self) -> None:
        self.passes: list[tuple[int, float]] = []
        self._t0 = 0.0
        gc.callbacks.append(self._cb)

    def _cb(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._t0 = time.perf_counter()
        else:
            self.passes.append((info["generation"], (time.perf_counter() - self._t0) * 1000))

    def text(self) -> str:
        full = [ms for gen, ms in self.passes if gen == 2]
        worst = max((ms for _g, ms in self.passes), default=0.0)
        return (f"GC: {len(self.passes)} passes, worst {worst:.1f} ms; {len(full)} full, "
                f"worst {max(full, default=0.0):.1f} ms")


def rss_mib(field: str = "VmRSS") -> float:
    """Resident memory (``RssFile`` is the part that is mapped files: SQLite's mmap of the
    index, shared libraries)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


async def wait_for(cond: Callable[[], bool], timeout: float = 60.0) -> None:
    end = time.perf_counter() + timeout
    while not cond():
        if time.perf_counter() > end:
            raise TimeoutError("the gallery did not get there in time")
        await asyncio.sleep(0.001)


def screen_ready(tab: GalleryTab) -> bool:
    """Rows are in and every visible cell has its thumbnail (or its reason for none)."""
    m = tab.model
    if m.loading or m.rowCount() == 0:
        return False
    rows = tab.grid.visible_rows()
    for r in rows:
        item = m.item_at(r)
        if item is None or item.id not in tab.loader._cache:
            return False
    return len(rows) > 0


def new_tab(library: Library, thumbs: Path) -> GalleryTab:
    tab = GalleryTab(Services(library, thumbs))
    tab.resize(*WINDOW)
    tab.show()
    return tab


async def close_tab(tab: GalleryTab) -> None:
    tab.shutdown()
    await tab._services.runner.shutdown()
    tab.close()
    tab.deleteLater()
    await asyncio.sleep(0.05)


async def open_time(library: Library, thumbs: Path) -> float:
    t0 = time.perf_counter()
    tab = new_tab(library, thumbs)
    await wait_for(lambda: screen_ready(tab))
    tab.grid.viewport().repaint()
    took = time.perf_counter() - t0
    await close_tab(tab)
    return took


async def drag_and_fling(tab: GalleryTab, probe: Probe) -> tuple[list[float], float, int]:
    """Drag the scroll bar to the bottom in steps of one frame, again and again as pages
    arrive, until all rows are in; then fling the wheel down and up."""
    bar = tab.grid.verticalScrollBar()
    m = tab.model
    probe.start()
    t0 = time.perf_counter()
    bar.setSliderDown(True)
    while True:
        top = bar.value()
        steps = 6
        for s in range(1, steps + 1):
            bar.setSliderPosition(top + (bar.maximum() - top) * s // steps)
            await asyncio.sleep(0.016)
        if not m.has_more:
            break
        await wait_for(lambda: not m.fetching or not m.has_more)
        await asyncio.sleep(0.016)
    bar.setSliderDown(False)
    t_drag = time.perf_counter() - t0
    vp = tab.grid.viewport()
    pos = QPointF(vp.width() / 2, vp.height() / 2)
    for direction in (120, -120):
        for _ in range(120):  # ~2 s of a fast wheel fling
            ev = QWheelEvent(pos, vp.mapToGlobal(pos), QPoint(0, 0), QPoint(0, direction),
                             Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                             Qt.ScrollPhase.NoScrollPhase, False)
            QApplication.sendEvent(vp, ev)
            await asyncio.sleep(0.008)
    await asyncio.sleep(0.2)
    return probe.stop(), t_drag, m.rowCount()


async def search_times(tab: GalleryTab, words: list[str]) -> tuple[list[float], list[float]]:
    """Query leaves the debounce → rows painted, and → thumbnails painted too."""
    rows_ms, full_ms = [], []
    for word in words:
        tab.filters.search.setText(word)
        t0 = time.perf_counter()
        tab.filters._emit()  # what the debounce timer calls
        await wait_for(lambda: not tab.model.loading)
        tab.grid.viewport().repaint()
        rows_ms.append((time.perf_counter() - t0) * 1000)
        await wait_for(lambda: screen_ready(tab) or tab.model.rowCount() == 0)
        tab.grid.viewport().repaint()
        full_ms.append((time.perf_counter() - t0) * 1000)
        await asyncio.sleep(0.05)
    tab.filters.search.setText("")
    tab.filters._emit()
    await wait_for(lambda: not tab.model.loading)
    return rows_ms, full_ms


async def thumbnails_for_new(tab: GalleryTab, library: Library, files: list[Path],
                             probe: Probe) -> tuple[list[float], float]:
    new = [NewLibraryItem(kind="image", prompt=f"new picture {i}", model="image-01", path=p,
                          created_at=datetime.now(UTC) - timedelta(seconds=NEW_IMAGES - i),
                          remote_id=f"bench:new:{i}") for i, p in enumerate(files)]
    await library.add_many(new)
    task = tab.model.check_now()
    if task is not None:
        await task
    await wait_for(lambda: not tab.model.loading)
    items: list[Any] = []
    while len(items) < NEW_IMAGES:  # the 1 000 new ones are the newest rows
        for r in range(len(items), min(tab.model.rowCount(), NEW_IMAGES)):
            item = tab.model.item_at(r)
            if item is not None:
                items.append(item)
        if len(items) < NEW_IMAGES:
            tab.model.fetchMore()
            await asyncio.sleep(0.02)
    made0 = tab.loader.made
    probe.start()
    t0 = time.perf_counter()
    for item in items:  # as if each were scrolled to: every one is made
        tab.loader.request(item)
    await wait_for(lambda: tab.loader.pending == 0, timeout=600)
    took = time.perf_counter() - t0
    gaps = probe.stop()
    assert tab.loader.made - made0 >= NEW_IMAGES * 0.99, tab.loader.made - made0
    return gaps, took


def _media(home: Path) -> tuple[list[Path], list[Path], list[Path], list[Path]]:
    media = home / "media"
    files = [media / f"pic{i}.png" for i in range(FILES)]
    covers = [media / f"cover{i}.png" for i in range(FILES)]
    thumbs = [media / f"thumb{i}.jpg" for i in range(FILES)]
    fresh = [media / f"new{i}.png" for i in range(NEW_IMAGES)]
    return files, covers, thumbs, fresh


async def build(home: Path, large_n: int) -> None:
    """Runs in a child process, so the measured process never held 100 000 dicts."""
    files, covers, thumbs, fresh = _media(home)
    files[0].parent.mkdir(parents=True, exist_ok=True)
    for i in range(FILES):
        _picture(files[i], i)
        _picture(covers[i], 10_000 + i, (480, 270))
        # What the engine does at download: a 256 px thumbnail, its path in the index.
        made = make_thumbnail_sync(files[i], home / "thumbcache")
        assert made is not None
        thumbs[i].write_bytes(made.read_bytes())
    for i, path in enumerate(fresh):
        _picture(path, 50_000 + i, (512, 512))
    for name, n in (("small", 100), ("large", large_n)):
        lib = await Library.open(home / f"{name}.sqlite3", home / f"lib-{name}")
        await lib.add_many(_items(n, files, covers, thumbs))
        await lib.close()


async def main_async(large_n: int, repeats: int, home: Path, *, no_mmap: bool = False) -> int:
    print(f"Gallery benchmark: 100 vs {large_n} items, window {WINDOW[0]}×{WINDOW[1]} offscreen")
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "bench.bench_gallery", "--build", str(home),
                    "--large", str(large_n)], check=True)
    _files, _covers, _thumbs, fresh = _media(home)
    small = await Library.open(home / "small.sqlite3", home / "lib-small")
    large = await Library.open(home / "large.sqlite3", home / "lib-large")
    if no_mmap:
        for lib in (small, large):
            await lib.db.run(lambda conn: conn.execute("PRAGMA mmap_size = 0"))
    print(f"  libraries built in {time.perf_counter() - t0:.1f} s (another process); index of "
          f"{large_n} items {(home / 'large.sqlite3').stat().st_size / 2**20:.0f} MiB; RSS "
          f"before the tab {rss_mib():.0f} MiB; GIL switch interval "
          f"{sys.getswitchinterval() * 1000:g} ms")
    gc.collect()
    gc.freeze()  # as the app does once its window is up (see app.run)
    try:
        # 1. open → first screen, cold thumbnail cache then warm, sizes interleaved.
        opens: dict[str, list[float]] = {"small": [], "large": []}
        for _ in range(repeats):
            for name, lib in (("small", small), ("large", large)):
                opens[name].append(await open_time(lib, home / f"thumbs-{name}"))
        cold = opens["large"][0] / opens["small"][0]
        ms = {k: statistics.median(v[1:]) * 1000 for k, v in opens.items()}
        open_ratio = ms["large"] / ms["small"]
        print(f"1. open → first screen painted: 100 items {ms['small']:.0f} ms, {large_n} items "
              f"{ms['large']:.0f} ms (median of {repeats - 1} warm) → ratio {open_ratio:.2f}× "
              f"(goal ≤ {GOAL_OPEN}×) {'met' if open_ratio <= GOAL_OPEN else 'NOT met'}; "
              f"cold cache {opens['small'][0] * 1000:.0f} → {opens['large'][0] * 1000:.0f} ms "
              f"({cold:.2f}×)")

        tab = new_tab(large, home / "thumbs-large")
        await wait_for(lambda: screen_ready(tab))
        probe = Probe()
        probe.start()
        await asyncio.sleep(2.0)
        idle = probe.stop()
        print(f"   idle, tab open:                 {summary(idle)}")

        # 3. search keystrokes (before scrolling: the filtered first screen of a fresh tab).
        words = [w for w in dict.fromkeys(WORDS)][:20]
        rows_ms, full_ms = await search_times(tab, words)
        med_rows, med_full = statistics.median(rows_ms), statistics.median(full_ms)
        print(f"3. search keystroke → filtered first screen at {large_n}: rows painted median "
              f"{med_rows:.1f} ms (worst {max(rows_ms):.1f}); with thumbnails median "
              f"{med_full:.1f} ms (worst {max(full_ms):.1f}) (goal ≤ {GOAL_SEARCH_MS:.0f} ms) "
              f"{'met' if med_full <= GOAL_SEARCH_MS else 'NOT met'}")

        # 2. + 4. scroll through everything, then memory.
        watch = GcWatch()
        gaps, t_drag, rows = await drag_and_fling(tab, probe)
        worst = max(gaps)
        print(f"2. drag top → bottom through {rows} rows ({t_drag:.1f} s) + wheel fling: "
              f"{summary(gaps)} (goal ≤ {GOAL_GAP_MS:.0f} ms) "
              f"{'met' if worst <= GOAL_GAP_MS else 'NOT met'}; {watch.text()}")
        gc.collect()
        rss = rss_mib()
        print(f"4. RSS after scrolling through all {rows} items: {rss:.0f} MiB (anonymous "
              f"{rss_mib('RssAnon'):.0f}, mapped files {rss_mib('RssFile'):.0f}) "
              f"(goal ≤ {GOAL_RSS_MIB:.0f} MiB) {'met' if rss <= GOAL_RSS_MIB else 'NOT met'}; "
              f"items in memory {tab.model.cached_items}, thumbnails "
              f"{tab.loader.cached_bytes / 2**20:.0f} MiB, {tab.loader.made} made, "
              f"{tab.loader.dropped} requests dropped as they scrolled away")

        # 5. 1 000 new images arrive; their thumbnails are made.
        tab.grid.verticalScrollBar().setValue(0)
        gaps5, took = await thumbnails_for_new(tab, large, fresh, probe)
        worst5 = max(gaps5)
        print(f"5. thumbnails for {NEW_IMAGES} new images ({took:.1f} s): {summary(gaps5)} "
              f"(goal ≤ {GOAL_GAP_MS:.0f} ms) {'met' if worst5 <= GOAL_GAP_MS else 'NOT met'}")
        await close_tab(tab)
    finally:
        await small.close()
        await large.close()
    met = (open_ratio <= GOAL_OPEN and worst <= GOAL_GAP_MS and med_full <= GOAL_SEARCH_MS
           and rss <= GOAL_RSS_MIB and worst5 <= GOAL_GAP_MS)
    print("all five goals met" if met else "not every goal met (see above)")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=6)
    parser.add_argument("--build", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--no-mmap", action="store_true",
                        help="turn off SQLite's memory map of the index (Library.open maps up "
                             "to 256 MiB), to see how much of the RSS is the mapped index")
    parser.add_argument("--switch-interval", type=float, default=None,
                        help="sys.setswitchinterval for this run (the app keeps Python's "
                             "default, 5 ms); to see what the GIL hand-over costs the GUI")
    args = parser.parse_args()
    if args.switch_interval:
        sys.setswitchinterval(args.switch_interval)
    if args.build:
        asyncio.run(build(args.build, args.large))
        return 0
    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    with tempfile.TemporaryDirectory(prefix="bench-gallery-") as tmp:
        os.environ["MINIMAX_STUDIO_HOME"] = tmp
        loop = StudioEventLoop(app)
        asyncio.set_event_loop(loop)
        with loop:
            return loop.run_until_complete(main_async(args.large, args.repeats, Path(tmp),
                                                      no_mmap=args.no_mmap))


if __name__ == "__main__":
    raise SystemExit(main())
