"""The full-window viewer: Enter, a double click or the ⛶ button open it from an inline
preview, for images and videos; Esc closes it; a video carries on from the inline spot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtMultimedia import QMediaPlayer
from PySide6.QtWidgets import QApplication

from minimax_studio.ui.widgets.full_viewer import FullViewer
from minimax_studio.ui.widgets.media_preview import MediaPreview

SANDBOX_MEDIA = Path(__file__).resolve().parents[2] / "resources" / "sandbox"


def open_viewers() -> list[FullViewer]:
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, FullViewer) and w.isVisible()]


def test_image_opens_full_window_and_esc_closes(qtbot: Any, qloop: Any, artifacts_dir: Path) -> None:
    preview = MediaPreview()
    qtbot.addWidget(preview)
    preview.resize(400, 300)
    preview.show()
    preview.activateWindow()
    qtbot.waitUntil(preview.isActiveWindow, timeout=2000)  # keys go to the active window
    opened: list[FullViewer] = []
    from minimax_studio.ui.widgets.full_viewer import open_full_viewer

    preview.fullViewRequested.connect(lambda: opened.append(open_full_viewer(preview)))  # type: ignore[arg-type]
    img = QImage(1200, 800, QImage.Format.Format_RGB32)
    img.fill(QColor("#2a6db0"))
    preview.show_image(img)
    assert preview.full_button.isVisible()
    preview.image_view.setFocus()
    qtbot.keyClick(preview.image_view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(open_viewers()) == 1, timeout=2000)
    viewer = open_viewers()[0]
    assert viewer.windowState() & Qt.WindowState.WindowFullScreen
    assert viewer.preview.kind == "image"
    assert viewer.preview.image_view.image().size() == img.size()
    viewer.resize(1024, 700)  # the offscreen "screen" is small; show it at a laptop's size
    qtbot.wait(50)
    viewer.grab().save(str(artifacts_dir / "full_viewer_image.png"))
    qtbot.keyClick(viewer, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not open_viewers(), timeout=2000)

    # a double click on the inline image opens it too (the viewer itself zooms instead)
    qtbot.mouseDClick(preview.image_view, Qt.MouseButton.LeftButton, pos=QPoint(50, 50))
    qtbot.waitUntil(lambda: len(open_viewers()) == 1, timeout=2000)
    viewer = open_viewers()[0]
    before = viewer.preview.image_view.fitted
    qtbot.mouseDClick(viewer.preview.image_view, Qt.MouseButton.LeftButton, pos=QPoint(60, 60))
    assert viewer.preview.image_view.fitted != before
    viewer.close()
    qtbot.waitUntil(lambda: not open_viewers(), timeout=2000)


def test_video_continues_full_window_and_inline_pauses(qtbot: Any, qloop: Any) -> None:
    preview = MediaPreview()
    qtbot.addWidget(preview)
    preview.resize(400, 300)
    preview.show()
    from minimax_studio.ui.widgets.full_viewer import open_full_viewer

    preview.fullViewRequested.connect(lambda: open_full_viewer(preview))
    preview.play(SANDBOX_MEDIA / "clip_16x9.mp4", "video")
    qtbot.waitUntil(lambda: preview.player.position() > 300, timeout=5000)
    qtbot.mouseClick(preview.full_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(open_viewers()) == 1, timeout=2000)
    viewer = open_viewers()[0]
    assert preview.player.playbackState() != QMediaPlayer.PlaybackState.PlayingState
    qtbot.waitUntil(lambda: viewer.preview.player.playbackState()
                    == QMediaPlayer.PlaybackState.PlayingState, timeout=3000)
    qtbot.waitUntil(lambda: viewer.preview.last_frame() is not None, timeout=3000)
    assert not viewer.preview.full_button.isVisible()  # no viewer inside the viewer
    qtbot.keyClick(viewer, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not open_viewers(), timeout=2000)


def test_the_video_and_image_tabs_result_pane_has_the_full_view_button(
        qtbot: Any, qloop: Any, tmp_path: Path) -> None:
    from PIL import Image

    from minimax_studio.core.jobs import JobKind
    from minimax_studio.ui.widgets.media_preview import ResultPane
    from minimax_studio.viewmodels.result_vm import ResultVM
    from tests.ui.test_media_preview import done_job

    png = tmp_path / "result.png"
    Image.new("RGB", (800, 600), (200, 60, 60)).save(png)
    vm = ResultVM()
    pane = ResultPane(vm)
    qtbot.addWidget(pane)
    pane.resize(500, 600)
    pane.show()
    vm.set_job(done_job(png, JobKind.IMAGE))
    qtbot.waitUntil(lambda: pane.preview.kind == "image", timeout=3000)
    assert pane.preview.full_button.isVisible()
    qtbot.mouseClick(pane.preview.full_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(open_viewers()) == 1, timeout=2000)
    viewer = open_viewers()[0]
    assert viewer.preview.image_view.image().size().width() == 800
    qtbot.keyClick(viewer, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not open_viewers(), timeout=2000)
