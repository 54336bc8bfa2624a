"""A live theme switch (Settings → Theme, or the OS going dark) recolours the Gallery and
the Agent tabs too — not only Video, Image and Accounts: style sheets that say
``palette(placeholder-text)`` resolve against the new palette, the Gallery's cells are drawn
again on the new background, and the agent's status colours are the theme's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QLabel

from minimax_studio.ui import theme
from minimax_studio.ui.tabs.gallery_tab import GalleryTab, build_gallery_tab
from minimax_studio.ui.widgets.agent_turn_delegate import phase_color
from tests.ui.gallery_support import add_images, open_library, run, services_for
from tests.ui.test_agent_tab import Rig, rig  # noqa: F401  (the Agent tab on a sandbox session)

R = QPalette.ColorRole


def _hints(root: Any) -> list[QLabel]:
    return [w for w in root.findChildren(QLabel)
            if "palette(placeholder-text)" in w.styleSheet() and w.isVisible()]


def test_the_gallery_follows_a_switch_to_dark(qtbot: Any, qloop: Any, tmp_path: Path,
                                              qapp: QApplication) -> None:
    theme.apply_theme(qapp, "light")
    lib = run(qtbot, open_library(tmp_path))
    try:
        items = run(qtbot, add_images(lib, 3))
        tab = build_gallery_tab(services_for(lib), None)
        assert isinstance(tab, GalleryTab)
        qtbot.addWidget(tab)
        tab.resize(1024, 700)
        tab.show()
        qtbot.waitUntil(lambda: tab.model.rowCount() == 3 and not tab.model.loading, timeout=5000)
        assert tab.select_item(items[0].id)
        qtbot.waitUntil(lambda: bool(_hints(tab)), timeout=3000)  # the detail's field names
        qtbot.waitUntil(lambda: tab.loader._cache.get(items[0].id) is not None, timeout=5000)
        light_tile = tab.loader._cache[items[0].id].tile
        assert light_tile is not None and QColor(light_tile.pixel(light_tile.width() // 2, 2)) \
            .lightness() > 128

        theme.apply_theme(qapp, "dark")
        tab.restyle()  # what MainWindow.restyle calls on every tab
        for hint in _hints(tab):
            assert hint.palette().color(R.WindowText) == QColor(theme.DARK.placeholder), hint.text()
        qtbot.waitUntil(lambda: tab.loader._cache.get(items[0].id) is not None
                        and tab.loader._cache[items[0].id].tile is not None, timeout=5000)
        tile = tab.loader._cache[items[0].id].tile
        # The cell's own background (top edge, between the rounded corners) is the dark one.
        assert QColor(tile.pixel(tile.width() // 2, 2)).lightness() < 100
        tab.shutdown()
    finally:
        theme.apply_theme(qapp, "light")
        run(qtbot, lib.close())


def test_the_agent_tab_follows_a_switch_to_dark(rig: Rig, qapp: QApplication) -> None:  # noqa: F811
    theme.apply_theme(qapp, "light")
    rig.tab.restyle()
    assert phase_color("failed") == QColor(theme.LIGHT.error)
    hints = _hints(rig.tab)
    assert hints  # the empty list's words / the memory note
    try:
        theme.apply_theme(qapp, "dark")
        rig.tab.restyle()
        for hint in hints:
            assert hint.palette().color(R.WindowText) == QColor(theme.DARK.placeholder), hint.text()
        # Cards read their status colour at paint time: the dark theme's, which reads on dark.
        assert phase_color("failed") == QColor(theme.DARK.error)
        assert phase_color("done") == QColor(theme.DARK.ok)
        assert phase_color("pending") is None  # the palette's own colour
    finally:
        theme.apply_theme(qapp, "light")
