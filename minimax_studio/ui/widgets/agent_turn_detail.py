"""The selected turn, in full: its status with Retry / Cancel and ‹ › between answers, the
agent's text (Markdown), its media as a strip (drag a result out as a file), and one live
player for the chosen one — images fit the view (click: full-window viewer), videos paused on
the first frame, audio a small player — with what the result can be used for next.

Only this pane plays media: the transcript paints thumbnails, so a long conversation never
holds more than this one player.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QMimeData, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication, QIcon, QImage, QImageReader, QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from minimax_studio.paths import app_paths
from minimax_studio.ui.widgets.agent_turn_delegate import ThumbCache
from minimax_studio.ui.widgets.flow_layout import FlowLayout
from minimax_studio.ui.widgets.full_viewer import open_full_viewer
from minimax_studio.ui.widgets.media_preview import MediaPreview

if TYPE_CHECKING:
    from minimax_studio.viewmodels.agent_turns import MediaView, TurnView

__all__ = ["MediaStrip", "TurnDetail"]


class MediaStrip(QListWidget):
    """The turn's results as icons; dragging one out carries the file (like the jobs panel)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setViewMode(QListWidget.ViewMode.IconMode)
        self.setFlow(QListWidget.Flow.LeftToRight)
        self.setWrapping(False)
        self.setIconSize(QSize(64, 48))
        self.setFixedHeight(64)
        self.setMovement(QListWidget.Movement.Static)
        self.setDragEnabled(True)
        self.setDragDropMode(QListWidget.DragDropMode.DragOnly)

    def mimeData(self, items: Any) -> QMimeData:
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(i.data(Qt.ItemDataRole.UserRole))) for i in items])
        return mime


class TurnDetail(QWidget):
    retryRequested = Signal(int)
    cancelRequested = Signal(int)
    tryStep = Signal(int, int)  # turn id, -1 / +1
    continueRequested = Signal(str)
    firstFrameRequested = Signal(str)
    referenceRequested = Signal(str)
    saveRequested = Signal(str, str)  # source, target
    message = Signal(str)

    def __init__(self, thumbs: ThumbCache, parent: QWidget | None = None, *,
                 read_image: Callable[[Path, Callable[[QImage | None], None]], None] | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("agentTurnDetail")
        self._thumbs = thumbs
        self._read_image = read_image
        self.view: TurnView | None = None
        self.status = QLabel("Select a turn to see its results here.", self)
        self.status.setObjectName("agentDetailStatus")
        self.status.setWordWrap(True)
        self.prev_try = QToolButton(self)
        self.prev_try.setText("‹")
        self.prev_try.setToolTip("The previous answer to this turn")
        self.next_try = QToolButton(self)
        self.next_try.setText("›")
        self.next_try.setToolTip("The next answer to this turn")
        self.try_label = QLabel(self)
        self.retry = QPushButton("Retry", self)
        self.retry.setObjectName("agentRetry")
        self.retry.setToolTip("Send this turn again; earlier answers are kept (‹ ›)")
        self.cancel = QPushButton("Cancel", self)
        self.cancel.setObjectName("agentCancel")
        self.cancel.setToolTip("Stop waiting here. The API has no cancel: the agent may still finish on Hailuo.")
        self.prev_try.clicked.connect(lambda: self._step(-1))
        self.next_try.clicked.connect(lambda: self._step(1))
        self.retry.clicked.connect(lambda: self.view and self.retryRequested.emit(self.view.turn_id))
        self.cancel.clicked.connect(lambda: self.view and self.cancelRequested.emit(self.view.turn_id))
        self.text = QTextBrowser(self)
        self.text.setObjectName("agentAnswer")
        self.text.setOpenExternalLinks(True)
        self.text.setMaximumHeight(110)
        self.strip = MediaStrip(self)
        self.strip.currentRowChanged.connect(self._media_chosen)
        self.preview = MediaPreview(self)
        self.preview.fullViewRequested.connect(self._full_view)
        self.info = QLabel(self)
        self.info.setObjectName("agentMediaInfo")
        self.info.setWordWrap(True)
        self.info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.actions_box = QWidget(self)
        flow = FlowLayout(self.actions_box, spacing=4)
        self.buttons: dict[str, QPushButton] = {}
        for key, label, tip in (
            ("save", "Save as…", "Save a copy of this file somewhere"),
            ("reveal", "Reveal", "Show the file in its folder"),
            ("open", "Open", "Open with the system's viewer"),
            ("copy", "Copy", "Copy the file (paste it in a file manager or chat)"),
            ("first", "Use as first frame", "Start a new video on the Video tab from this image (or the "
                                           "video's last frame)"),
            ("reference", "Use as reference", "Add this image as a reference on the Image tab"),
            ("continue", "Continue from this result", "Attach this result to the composer for the next turn"),
        ):
            b = QPushButton(label, self.actions_box)
            b.setObjectName(f"agentAction-{key}")
            b.setToolTip(tip)
            b.clicked.connect(lambda _=False, k=key: self._act(k))
            self.buttons[key] = b
            flow.addWidget(b)
        head = QHBoxLayout()
        head.addWidget(self.status, 1)
        head.addWidget(self.prev_try)
        head.addWidget(self.try_label)
        head.addWidget(self.next_try)
        head.addWidget(self.retry)
        head.addWidget(self.cancel)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addLayout(head)
        lay.addWidget(self.text)
        lay.addWidget(self.strip)
        lay.addWidget(self.preview, 1)
        lay.addWidget(self.info)
        lay.addWidget(self.actions_box)
        self._thumbs.ready.connect(self._refresh_icons)
        self.show_turn(None)

    # --- showing ----------------------------------------------------------------------------
    def show_turn(self, view: TurnView | None) -> None:
        same = (self.view is not None and view is not None and self.view.turn_id == view.turn_id
                and self.view.job_id == view.job_id and self.view.media == view.media)
        self.view = view
        if view is None:
            self.status.setText("Select a turn to see its results here.")
            for w in (self.prev_try, self.next_try, self.try_label, self.retry, self.cancel, self.text,
                      self.strip, self.actions_box, self.info):
                w.setVisible(False)
            self.preview.show_message("Results of the selected turn play here.")
            return
        self.status.setText(f"<b>{html.escape(view.status)}</b>"
                            + (f"<br>{html.escape(view.detail)}" if view.detail else ""))
        many = view.try_count > 1
        for w in (self.prev_try, self.next_try, self.try_label):
            w.setVisible(many)
        self.try_label.setText(f"{view.try_index + 1}/{view.try_count}")
        self.prev_try.setEnabled(view.try_index > 0)
        self.next_try.setEnabled(view.try_index < view.try_count - 1)
        self.retry.setVisible(view.can_retry)
        if view.phase == "attention":
            # Generated but not all downloaded: the engine tries the download again at the
            # next start; sending again is a new agent job (and a new charge).
            self.retry.setText("Send again")
            self.retry.setToolTip("The downloads are tried again when the app starts. Sending again runs "
                                  "a new agent job (charged again); this answer is kept (‹ ›).")
        else:
            self.retry.setText("Retry")
            self.retry.setToolTip("Send this turn again; earlier answers are kept (‹ ›)")
        self.cancel.setVisible(view.running)
        body = view.text + ("\n\n" + "\n\n".join(f"*{n}*" for n in view.notes) if view.notes else "")
        self.text.setMarkdown(body)
        self.text.setVisible(bool(body))
        if same:
            return
        self.strip.blockSignals(True)
        self.strip.clear()
        for m in view.media:
            item = QListWidgetItem(self._icon(m), "" if m.kind != "audio" else "♪ audio")
            item.setData(Qt.ItemDataRole.UserRole, str(m.path))
            item.setToolTip(f"{m.name}\n{m.details}")
            self.strip.addItem(item)
        self.strip.blockSignals(False)
        has_media = bool(view.media)
        self.strip.setVisible(len(view.media) > 1)
        self.actions_box.setVisible(has_media)
        self.info.setVisible(has_media)
        if has_media:
            self.strip.setCurrentRow(0)
            self._media_chosen(0)
        else:
            self.preview.show_message("The agent is still working on this turn." if view.running
                                      else "This turn has no media to show.")

    def _icon(self, m: MediaView) -> QIcon:
        img = self._thumbs.get(m)
        return QIcon(QPixmap.fromImage(img)) if img is not None else QIcon()

    def _refresh_icons(self) -> None:
        if self.view is None:
            return
        for i, m in enumerate(self.view.media):
            item = self.strip.item(i)
            if item is not None and item.icon().isNull():
                item.setIcon(self._icon(m))

    @property
    def media(self) -> MediaView | None:
        if self.view is None or not self.view.media:
            return None
        row = max(0, self.strip.currentRow())
        return self.view.media[row] if row < len(self.view.media) else None

    def _media_chosen(self, row: int) -> None:
        m = self.media
        if m is None:
            return
        name = m.name if len(m.name) <= 40 else m.name[:22] + "…" + m.name[-16:]  # no min-width blowup
        self.info.setText(f"{name} — {m.details}" if m.details else name)
        self.info.setToolTip(str(m.path))
        self.buttons["first"].setEnabled(m.kind in ("image", "video"))
        self.buttons["reference"].setEnabled(m.kind == "image")
        if not m.path.is_file():
            self.preview.show_message(f"{m.path.name} is no longer on disk.")
            return
        if m.kind == "file":
            self.preview.show_message(f"{m.path.name} is not an image, video or audio file; "
                                      "use Open or Reveal to see it.")
        elif m.kind == "image":
            if self._read_image is None:  # no worker (a bare pane): read it here
                reader = QImageReader(str(m.path))
                reader.setAutoTransform(True)
                self._image_read(m.path, reader.read())
            else:
                self.preview.show_message(f"Loading {m.path.name}…")
                self._read_image(m.path, partial(self._image_read, m.path))
        else:
            self.preview.play(m.path, m.kind, autoplay=False)

    def _image_read(self, path: Path, img: QImage | None) -> None:
        current = self.media
        if current is None or current.path != path:
            return  # another result was chosen meanwhile
        if img is None or img.isNull():
            self.preview.show_message(f"{path.name} could not be read as an image.")
        else:
            self.preview.show_image(img)

    def _full_view(self) -> None:
        open_full_viewer(self.preview, self.window())

    def open_full_view(self) -> None:
        self._full_view()

    def select_media(self, row: int) -> None:
        """Show result ``row`` of the turn (also when the strip is hidden: one result)."""
        if self.strip.currentRow() != row:
            self.strip.setCurrentRow(row)
        else:
            self._media_chosen(row)

    def _step(self, delta: int) -> None:
        if self.view is not None:
            self.tryStep.emit(self.view.turn_id, delta)

    # --- actions ----------------------------------------------------------------------------
    def _act(self, key: str) -> None:
        m = self.media
        if m is None:
            return
        path = m.path
        if not path.is_file():
            self.message.emit(f"{path.name} is no longer on disk.")
            return
        if key == "open":
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
        elif key == "reveal":
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))
        elif key == "copy":
            mime = QMimeData()
            mime.setUrls([QUrl.fromLocalFile(str(path))])
            if m.kind == "image":
                img = QImage(str(path))
                if not img.isNull():
                    mime.setImageData(img)
            QGuiApplication.clipboard().setMimeData(mime)
            self.message.emit(f"Copied {path.name}.")
        elif key == "save":
            self._save_as(path)
        elif key == "first":
            if m.kind == "video":
                self.preview.capture_last_frame(path, lambda img: self._frame_ready(path, img))
            else:
                self.firstFrameRequested.emit(str(path))
        elif key == "reference":
            self.referenceRequested.emit(str(path))
        elif key == "continue":
            self.continueRequested.emit(str(path))

    def _frame_ready(self, path: Path, image: QImage | None) -> None:
        if image is None:
            self.message.emit("Could not read the last frame of this video.")
            return
        frames = app_paths().cache_dir / "frames"
        frames.mkdir(parents=True, exist_ok=True)
        dest = frames / f"{path.stem}-last-frame.png"
        if not image.save(str(dest)):
            self.message.emit(f"Could not save the last frame to {dest}.")
            return
        self.firstFrameRequested.emit(str(dest))

    def _save_as(self, path: Path) -> None:
        dlg = QFileDialog(self, "Save a copy", str(Path.home() / path.name))
        dlg.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        # The copy itself runs off the UI thread (the view-model's task): videos can be large.
        dlg.fileSelected.connect(lambda target: self.saveRequested.emit(str(path), str(target)))
        dlg.open()

    def shutdown(self) -> None:
        # Stop and unload: a player deleted with a file open leaves FFmpeg threads behind.
        self.preview.player.stop()
        self.preview.player.setSource(QUrl())
