"""The full-window viewer: one image or video filling the window, on black, Esc closes.

Opened from any inline preview (Enter, a double click or its ⛶ button: the Video and
Image tabs' result pane and the Gallery's detail pane). A video carries on from where the
inline player was, in the same playing / paused state; the inline one pauses meanwhile so
two copies never play over each other. It reuses ``MediaPreview`` (without its own ⛶
button), so zoom, pan, seek, loop and "never a black end frame" behave the same here.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QColor, QImage, QKeyEvent, QKeySequence, QPalette, QShortcut
from PySide6.QtMultimedia import QMediaPlayer
from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from minimax_studio.ui.widgets.media_preview import MediaPreview

__all__ = ["FullViewer", "open_full_viewer"]


class FullViewer(QDialog):
    """Show with ``show_image`` / ``play_video``; ``closed`` fires once it has gone."""

    closed = Signal()
    #: ←/→ pressed: -1 / +1 — the Gallery moves to the previous / next item.
    stepRequested = Signal(int)

    def __init__(self, parent: QWidget | None = None, title: str = "") -> None:
        super().__init__(parent)
        from minimax_studio.ui.widgets.media_preview import MediaPreview

        self.setObjectName("fullViewer")
        self.setWindowTitle(title or "MiniMax Studio — viewer")
        self.setStyleSheet("QDialog#fullViewer { background: #000; }"
                           " QLabel#fullViewerTitle { color: #ddd; padding: 4px 8px; }")
        self.title = QLabel(title, self)
        self.title.setObjectName("fullViewerTitle")
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.preview = MediaPreview(self, full_view=False)
        # On black, like every photo and video viewer (the inline view uses the window colour).
        dark = self.preview.image_view.palette()
        dark.setColor(QPalette.ColorRole.Window, QColor("#000000"))
        self.preview.image_view.setPalette(dark)
        hint = QLabel("Esc closes · wheel or Ctrl +/− zooms · drag pans", self)
        hint.setObjectName("fullViewerTitle")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.title)
        lay.addWidget(self.preview, 1)
        lay.addWidget(hint)
        space = QShortcut(QKeySequence(Qt.Key.Key_Space), self)
        space.activated.connect(self.preview.toggle_play)
        self.setWindowState(Qt.WindowState.WindowFullScreen)

    def show_image(self, image: QImage) -> None:
        self.preview.show_image(image)
        self.preview.image_view.setFocus()

    def play_video(self, path: Path, *, position_ms: int = 0, playing: bool = False) -> None:
        self.preview.play(path, "video", autoplay=playing, position_ms=position_ms)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Left, Qt.Key.Key_Right) and not event.modifiers():
            self.stepRequested.emit(-1 if event.key() == Qt.Key.Key_Left else 1)
            return
        super().keyPressEvent(event)  # Esc -> reject() -> closed

    def done(self, result: int) -> None:
        self.preview.player.stop()
        super().done(result)
        self.closed.emit()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.preview.player.stop()
        super().closeEvent(event)


def open_full_viewer(preview: MediaPreview, parent: QWidget | None = None,
                     title: str = "") -> FullViewer | None:
    """Open what ``preview`` shows (an image or a video) full-window; None when it shows
    neither (a message, audio). The inline player pauses while the viewer is open."""
    kind = preview.kind
    if kind == "image" and not preview.image_view.image().isNull():
        viewer = FullViewer(parent or preview.window(), title)
        viewer.show_image(preview.image_view.image())
    elif kind == "video" and preview.path is not None:
        playing = preview.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState
        viewer = FullViewer(parent or preview.window(), title or preview.path.name)
        viewer.play_video(preview.path, position_ms=preview.player.position(), playing=playing)
        preview.pause_playback()
    else:
        return None
    viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    viewer.show()
    viewer.activateWindow()
    return viewer
