"""Run by test_gallery_xcb.py in a child process on a real X screen (Xvfb, xcb): a Gallery
tab on a library holding one flat-colour image; writes what the grid painted (widget grab)
and what the X server holds (screen grab) as PNGs, plus the cell's rectangle, to ``out``.

A child process because a Qt process picks its platform once, and the suite's is offscreen."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

FLAT = "#1565c0"


async def _probe(out: Path, home: Path) -> None:
    from PIL import Image
    from PySide6.QtWidgets import QApplication

    from minimax_studio.ui.tabs.gallery_tab import GalleryTab
    from minimax_studio.ui.widgets.gallery_tile import image_rect
    from tests.ui.gallery_support import T0, open_library, services_for

    lib = await open_library(home)
    path = lib.target_path("image", "image-01", "flat", "png", T0)
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (640, 400), FLAT).save(path)
    await lib.add(kind="image", prompt="flat", model="image-01", path=path, created_at=T0,
                  width=640, height=400)
    tab = GalleryTab(services_for(lib))
    tab.resize(1024, 700)
    tab.show()
    for _ in range(200):
        await asyncio.sleep(0.05)
        item = tab.model.item_at(0) if tab.model.rowCount() else None
        thumb = tab.loader._cache.get(item.id) if item is not None else None
        if thumb is not None and thumb.tile is not None:
            break
    else:
        raise SystemExit("the thumbnail never arrived")
    await asyncio.sleep(0.5)  # painted and flushed to the X server
    view = tab.grid.viewport()
    cell = image_rect(tab.grid.visualRect(tab.model.index(0, 0)))
    view.grab().save(str(out / "grid-grab.png"))
    screen = QApplication.primaryScreen()
    top_left = view.mapToGlobal(cell.topLeft())
    screen.grabWindow(0).save(str(out / "screen-grab.png"))
    (out / "cell.json").write_text(json.dumps({
        "view": [cell.x(), cell.y(), cell.width(), cell.height()],
        "screen": [top_left.x(), top_left.y(), cell.width(), cell.height()],
        "platform": QApplication.platformName(), "flat": FLAT}))


def main() -> None:
    out, home = Path(sys.argv[1]), Path(sys.argv[2])
    os.environ["MINIMAX_STUDIO_HOME"] = str(home)
    import qasync
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    loop.run_until_complete(_probe(out, home))
    sys.stdout.flush()
    # The result is on disk; skip the teardown of a half-built session (the Gallery's own
    # tests cover closing it) so a worker thread still finishing cannot abort the child.
    os._exit(0)


if __name__ == "__main__":
    main()
