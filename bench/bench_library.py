"""Library index: a gallery page and a text search at 100 000 items vs at 100 items.

Goal (issue #4): each ≤ 1.5× — the gallery must not slow down as the library grows.

Run: ``.venv/bin/python -m bench.bench_library`` (about a minute; ``--sizes 100 10000``
for a quick look). Each timing is the median of many ``await lib.page(...)`` calls through
the real worker thread, i.e. what the gallery pays, thread hop included.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from minimax_studio.core.library import Library, LibraryPage, LibraryQuery
from minimax_studio.core.library_new_item import NewLibraryItem

GOAL = 1.5
PAGE = 100
#: Half the generated prompts contain the searched word, so the 100-item library still
#: fills two search pages and both sizes return the same number of rows.
SEARCH_PAGE = 20
_TEXT = (
    "a cat walks across a neon street at night rain reflections slow motion cinematic "
    "portrait of an old fisherman golden hour drone shot over mountains forest river "
    "dragon flying above castle clouds sunset ocean waves crash on rocks astronaut floating "
    "in space station window earth glowing city skyline timelapse traffic lights busy "
    "market spices colorful crowd dancing festival fireworks snow falling quiet village "
    "close up eyes blinking macro flower petals dew morning light robot cooking kitchen "
    "steam vintage car driving desert road dust tracking shot underwater coral reef fish "
    "school turtle swimming"
)
WORDS = tuple(_TEXT.split())
MODELS = ("hailuo-2.3", "hailuo-02", "veo-3.1", "seedance-1-pro", "image-01", "gpt-image-2",
          "midjourney", "kling-2.5", "wan-2.5", "hailuo-2.3-fast")


def _items(n: int, root: Path, seed: int = 7) -> list[NewLibraryItem]:
    rnd = random.Random(seed)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    span = timedelta(days=700).total_seconds()
    out = []
    for i in range(n):
        model = rnd.choice(MODELS)
        kind = "image" if model in ("image-01", "gpt-image-2", "midjourney") else "video"
        prompt = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(6, 18)))
        if rnd.random() < 0.5:  # style words people append to half their prompts
            prompt += ", cinematic lighting"
        created = start + timedelta(seconds=rnd.random() * span)
        out.append(NewLibraryItem(
            kind=kind, prompt=prompt, model=model, path=root / f"f{i}.{'png' if kind == 'image' else 'mp4'}",
            request={"model": model, "prompt": prompt}, options={}, account="123456",
            remote_id=f"user:1-minimax:123456-{kind}:{i}", width=1280, height=720,
            duration=6.0 if kind == "video" else None, created_at=created, finished_at=created,
            favorite=rnd.random() < 0.05, tags=["keep"] if rnd.random() < 0.02 else [],
            source="app",
        ))
    return out


async def _fill(tmp: Path, n: int) -> tuple[Library, float]:
    root = tmp / f"lib-{n}"
    lib = await Library.open(tmp / f"library-{n}.sqlite3", root)
    items = _items(n, root)
    t0 = time.perf_counter()
    added = await lib.add_many(items)
    assert added == n
    return lib, time.perf_counter() - t0


async def _ops(lib: Library) -> dict[str, Callable[[], Awaitable[LibraryPage]]]:
    everything = LibraryQuery()
    search = LibraryQuery(text="cinematic")
    second = (await lib.page(everything, limit=PAGE)).next_cursor
    search2 = (await lib.page(search, limit=SEARCH_PAGE)).next_cursor
    return {
        "gallery first page (+total)": lambda: lib.page(everything, limit=PAGE),
        "gallery next page": lambda: lib.page(everything, second, limit=PAGE),
        "text search (+total)": lambda: lib.page(search, limit=SEARCH_PAGE),
        "text search next page": lambda: lib.page(search, search2, limit=SEARCH_PAGE),
        "filter: videos, favorites": lambda: lib.page(
            LibraryQuery(kind="video", favorite=True), limit=PAGE),
        "filter: one model, last 30 days": lambda: lib.page(LibraryQuery(
            model="veo-3.1", date_from=datetime(2026, 11, 1, tzinfo=UTC)), limit=PAGE),
        "text search, 2 words": lambda: lib.page(LibraryQuery(text="neon rain"), limit=PAGE),
    }


async def _time(fn: Callable[[], Awaitable[LibraryPage]]) -> tuple[float, int]:
    t0 = time.perf_counter()
    page = await fn()
    return time.perf_counter() - t0, len(page.items)


async def main_async(sizes: list[int], repeats: int) -> int:
    small_n, large_n = sizes[0], sizes[-1]
    print(f"Library index benchmark: {small_n} vs {large_n} items "
          f"(median of {repeats} runs, sizes interleaved so machine noise hits both)")
    with tempfile.TemporaryDirectory(prefix="bench-library-") as tmp:
        small, fill_small = await _fill(Path(tmp), small_n)
        large, fill_large = await _fill(Path(tmp), large_n)
        try:
            print(f"  bulk insert: {small_n} items {fill_small:.2f} s, "
                  f"{large_n} items {fill_large:.2f} s")
            ops_small, ops_large = await _ops(small), await _ops(large)
            medians: dict[str, tuple[float, float]] = {}
            for name in ops_small:
                ts: list[float] = []
                tl: list[float] = []
                for i in range(repeats + 3):  # first 3: warm-up, as a scrolling gallery is
                    a, n_small = await _time(ops_small[name])
                    b, n_large = await _time(ops_large[name])
                    if i >= 3:
                        ts.append(a)
                        tl.append(b)
                a, b = statistics.median(ts), statistics.median(tl)
                medians[name] = (a, b)
                if n_small == n_large:
                    verdict = f"ratio {b / a:4.2f}x"
                else:
                    verdict = f"({n_small} vs {n_large} results: not comparable)"
                print(f"  {name:<33} {a * 1000:7.3f} ms -> {b * 1000:7.3f} ms   {verdict}")
        finally:
            await small.close()
            await large.close()
    keys = ("gallery first page (+total)", "text search (+total)")
    ratio = sum(medians[k][1] for k in keys) / sum(medians[k][0] for k in keys)
    print(f"gallery page + text search at {large_n} vs {small_n} items: ratio {ratio:.2f}x "
          f"(goal <= {GOAL}x) {'OK' if ratio <= GOAL else 'OVER GOAL'}")
    return 0 if ratio <= GOAL else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs=2, default=[100, 100_000])
    parser.add_argument("--repeats", type=int, default=100)
    args = parser.parse_args()
    return asyncio.run(main_async(args.sizes, args.repeats))


if __name__ == "__main__":
    raise SystemExit(main())
