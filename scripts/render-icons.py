"""Render resources/icons/minimax-studio.svg to the PNG sizes the app, the tray, the
.desktop entry and the bundle use (``.venv/bin/python scripts/render-icons.py``).

Qt's own SVG renderer (QtSvg, already a dependency), so no Inkscape or rsvg is needed.
The PNGs are committed: the app never renders SVG at start-up.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def main() -> int:
    app = QGuiApplication(sys.argv[:1])  # noqa: F841 - QPainter on text needs a Gui app
    renderer = QSvgRenderer(str(ICONS / "minimax-studio.svg"))
    if not renderer.isValid():
        print("the SVG did not parse", file=sys.stderr)
        return 1
    for size in SIZES:
        img = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        img.fill(Qt.GlobalColor.transparent)
        painter = QPainter(img)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        out = ICONS / f"minimax-studio-{size}.png"
        img.save(str(out), "PNG")
        print(out.relative_to(ICONS.parents[1]), f"{out.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
