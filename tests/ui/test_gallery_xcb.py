"""Thumbnails on a real X screen (Xvfb, xcb) look as they do offscreen: a flat-colour image's
cell is flat in what the grid paints and in what the X server shows — no RGB stripes from a
pixel format mix-up between Pillow, the tile images and the xcb backing store."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]


def _flat_box(png: Path, rect: list[int]) -> list[Any]:
    x, y, w, h = rect
    # The picture's middle (the IMAGE badge sits in the top-left corner).
    box = (x + w // 4, y + h // 3, x + 3 * w // 4, y + 2 * h // 3)
    with Image.open(png) as im:
        colors = im.convert("RGB").crop(box).getcolors(1 << 16) or []
    return [c for _n, c in colors]


@pytest.mark.skipif(shutil.which("xvfb-run") is None or shutil.which("Xvfb") is None,
                    reason="needs Xvfb (scripts/system-deps.sh installs it)")
def test_a_flat_image_is_flat_in_the_grid_on_xcb(tmp_path: Path, artifacts_dir: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", sys.executable,
         str(ROOT / "tests" / "ui" / "gallery_xcb_probe.py"), str(out), str(tmp_path / "home")],
        env=env, capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    cell = json.loads((out / "cell.json").read_text())
    assert cell["platform"] == "xcb"
    want = tuple(int(cell["flat"][i:i + 2], 16) for i in (1, 3, 5))
    shutil.copy(out / "screen-grab.png", artifacts_dir / "gallery-flat-cell-xcb.png")
    for png, rect in ((out / "grid-grab.png", cell["view"]),
                      (out / "screen-grab.png", cell["screen"])):
        colors = _flat_box(png, rect)
        assert colors, png.name
        # JPEG thumbnails may be off by a step or two; stripes differ by ~100 per channel.
        worst = max(abs(c[i] - want[i]) for c in colors for i in range(3))
        assert worst <= 6, f"{png.name}: {len(colors)} colours in a flat cell, e.g. {colors[:4]}"
