"""A real library (SQLite index + real image/video/audio files) and a Gallery tab on it, for
the Gallery tests. The tab gets the same services a session gives it: the library, the
task runner, the app's paths (thumbnail cache)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

from minimax_studio.core.library import Library
from minimax_studio.paths import AppPaths, app_paths
from minimax_studio.viewmodels.notifier import Notifier
from minimax_studio.viewmodels.tasks import TaskRunner

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
COLORS = ("#d84315", "#2e7d32", "#1565c0", "#6a1b9a", "#f9a825", "#00838f", "#ad1457")


@dataclass
class GalleryServices:
    """What ``build_gallery_tab`` reads from ``Services``."""

    library: Library
    runner: TaskRunner
    paths: AppPaths
    notifier: Notifier


def run(qtbot: Any, aw: Any, timeout: int = 10_000) -> Any:
    task = asyncio.ensure_future(aw)
    qtbot.waitUntil(task.done, timeout=timeout)
    return task.result()


def make_image(path: Path, text: str, color: str, size: tuple[int, int] = (640, 400)) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    img = Image.new("RGB", size, color)
    d = ImageDraw.Draw(img)
    d.ellipse((size[0] // 4, size[1] // 4, size[0] * 3 // 4, size[1] * 3 // 4), fill="#ffffff")
    d.text((12, 12), text[:40], fill="#000000")
    img.save(path)
    return path


async def open_library(root: Path) -> Library:
    return await Library.open(root / "library.sqlite3", root / "library")


async def add_images(lib: Library, n: int, *, start: datetime = T0, prefix: str = "image",
                     **fields: Any) -> list[Any]:
    out = []
    for i in range(n):
        when = start + timedelta(minutes=i)
        prompt = f"{prefix} {i} of a lighthouse at dusk"
        path = lib.target_path("image", "image-01", prompt, "png", when)
        make_image(path, prompt, COLORS[i % len(COLORS)])
        out.append(await lib.add(kind="image", prompt=prompt, model="image-01", path=path,
                                 created_at=when, width=640, height=400, **fields))
    return out


def services_for(lib: Library, runner: TaskRunner | None = None) -> GalleryServices:
    notifier = Notifier()
    return GalleryServices(library=lib, runner=runner or TaskRunner(notifier),
                           paths=app_paths().ensure(), notifier=notifier)
