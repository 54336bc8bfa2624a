"""One reference slot: drop a file from a file manager, paste an image (Ctrl+V), or click
to choose one; shows the thumbnail, the reason a file was refused, and upload progress.

The widget only reports what the user did (signals); the form decides what it means.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QSize, Qt, Signal
from PySide6.QtGui import (
    QDragEnterEvent,
    QDragLeaveEvent,
    QDropEvent,
    QFocusEvent,
    QGuiApplication,
    QImage,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPixmap,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from minimax_studio.ui.theme import colors
from minimax_studio.ui.widgets.pasted_media import local_files, offers_media, pasted_media
from minimax_studio.viewmodels.form_slots import SlotStatus

__all__ = ["TILE", "DropSlot", "local_files"]  # local_files: re-exported for older imports

TILE = QSize(150, 100)
_FILTERS = {
    "image": "Images (*.png *.jpg *.jpeg *.webp)",
    "video": "Videos (*.mp4)",
    "audio": "Audio (*.mp3 *.wav)",
}


class DropSlot(QFrame):
    filesDropped = Signal(list)  # list[Path]
    imagePasted = Signal(QImage)
    removeRequested = Signal()
    moveRequested = Signal(int)  # -1 left / +1 right

    def __init__(self, field: str, caption: str, kinds: frozenset[str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self.kinds = kinds
        self.setObjectName(f"slot:{field}")
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFixedWidth(TILE.width() + 12)

        self.caption = QLabel(caption, self)
        self.caption.setObjectName("slotCaption")
        self.caption.setStyleSheet("font-weight: 600;")
        self.caption.setWordWrap(True)
        self.thumb = QLabel(self)
        self.thumb.setObjectName("slotThumb")
        self.thumb.setFixedSize(TILE)
        self.thumb.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.thumb.setWordWrap(True)
        self.detail = QLabel(self)
        self.detail.setObjectName("slotDetail")
        self.detail.setStyleSheet("color: palette(placeholder-text); font-size: 11px;")
        self.reason = QLabel(self)
        self.reason.setObjectName("slotReason")
        self.reason.setWordWrap(True)
        self.reason.setStyleSheet(f"color: {colors().error}; font-size: 11px;")
        self.progress = QProgressBar(self)
        self.progress.setObjectName("slotProgress")
        self.progress.setRange(0, 100)
        self.progress.setFixedHeight(8)
        self.progress.setTextVisible(False)

        self.left = self._button("◀", "Move left", lambda: self.moveRequested.emit(-1))
        self.right = self._button("▶", "Move right", lambda: self.moveRequested.emit(1))
        self.replace_btn = self._button("Replace", "Choose another file", self.pick_file)
        self.remove_btn = self._button("✕", "Remove this file", self.removeRequested.emit)
        buttons = QHBoxLayout()
        buttons.setSpacing(2)
        for b in (self.left, self.right, self.replace_btn):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.remove_btn)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.setSpacing(3)
        lay.addWidget(self.caption)
        lay.addWidget(self.thumb)
        lay.addWidget(self.progress)
        lay.addWidget(self.detail)
        lay.addLayout(buttons)
        lay.addWidget(self.reason)
        self._status = SlotStatus.EMPTY
        self._hover = False
        self.set_state(None, SlotStatus.EMPTY, None, None, None, None)
        self.set_movable(False, False)

    def _button(self, text: str, tip: str, slot: object) -> QToolButton:
        b = QToolButton(self)
        b.setText(text)
        b.setToolTip(tip)
        b.setAutoRaise(True)
        b.clicked.connect(slot)
        return b

    # --- showing state --------------------------------------------------------------
    def set_state(self, path: Path | None, status: SlotStatus, reason: str | None,
                  detail: str | None, thumb: QImage | None, progress: int | None) -> None:
        self._status = status
        filled = path is not None
        if thumb is not None and not thumb.isNull():
            self.thumb.setPixmap(QPixmap.fromImage(thumb).scaled(
                TILE, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation))
        else:
            self.thumb.setPixmap(QPixmap())
            if status is SlotStatus.CHECKING:
                self.thumb.setText("Checking…")
            elif filled:
                self.thumb.setText(path.name if path else "")
            else:
                self.thumb.setText(f"+\nDrop {self._kind_words()} here,\npaste or click")
        self.detail.setText(detail or (path.name if path else ""))
        self.detail.setVisible(filled)
        self.setToolTip(str(path) if path else "")
        self.reason.setText(reason or "")
        self.reason.setVisible(bool(reason))
        self.progress.setVisible(progress is not None)
        self.progress.setValue(progress or 0)
        self.replace_btn.setVisible(filled)
        self.remove_btn.setVisible(filled)
        self._restyle()

    def set_movable(self, can_left: bool, can_right: bool) -> None:
        self.left.setVisible(can_left)
        self.right.setVisible(can_right)

    def _kind_words(self) -> str:
        order = [k for k in ("image", "video", "audio") if k in self.kinds]
        return " or ".join({"image": "an image", "video": "a video", "audio": "audio"}[k] for k in order)

    def _restyle(self) -> None:
        color = colors().error if self._status is SlotStatus.REJECTED else "palette(mid)"
        style = "dashed" if self._status is SlotStatus.EMPTY else "solid"
        if self._hover:
            color, style = "palette(highlight)", "solid"
        elif self.hasFocus():  # the focus ring: a keyboard user sees where Ctrl+V / Space go
            color = "palette(highlight)"
        self.setStyleSheet(f"DropSlot {{ border: 2px {style} {color}; border-radius: 6px; }}")

    # --- input ----------------------------------------------------------------------
    def pick_file(self) -> None:
        """A non-modal file dialog (never a nested event loop)."""
        dialog = QFileDialog(self, "Choose a file")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        filters = [_FILTERS[k] for k in ("image", "video", "audio") if k in self.kinds]
        dialog.setNameFilters(filters)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.filesSelected.connect(lambda files: self.filesDropped.emit([Path(f) for f in files]))
        dialog.open()
        self._dialog = dialog

    def paste(self) -> bool:
        """Ctrl+V: copied files (from a file manager) or image data (a screenshot)."""
        return self._take(QGuiApplication.clipboard().mimeData())

    def _take(self, mime: QMimeData | None) -> bool:
        got = pasted_media(mime, images="image" in self.kinds)
        if got is None:
            return False
        if got.files:
            self.filesDropped.emit(got.files)
        else:
            self.imagePasted.emit(got.image)
        return True

    def keyPressEvent(self, e: QKeyEvent) -> None:
        if e.matches(QKeySequence.StandardKey.Paste):
            self.paste()
            return
        if e.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self._status is not SlotStatus.EMPTY:
            self.removeRequested.emit()
            return
        if e.key() in (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter) and \
                not e.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.pick_file()
            return
        super().keyPressEvent(e)

    def focusInEvent(self, e: QFocusEvent) -> None:
        super().focusInEvent(e)
        self._restyle()

    def focusOutEvent(self, e: QFocusEvent) -> None:
        super().focusOutEvent(e)
        self._restyle()

    def mouseReleaseEvent(self, e: QMouseEvent) -> None:
        if e.button() == Qt.MouseButton.LeftButton and self.rect().contains(e.position().toPoint()):
            self.setFocus()
            if self._status is SlotStatus.EMPTY:
                self.pick_file()
        super().mouseReleaseEvent(e)

    def dragEnterEvent(self, e: QDragEnterEvent) -> None:
        if offers_media(e.mimeData(), images="image" in self.kinds):
            e.acceptProposedAction()
            self._hover = True
            self._restyle()
        else:
            e.ignore()

    def dragLeaveEvent(self, e: QDragLeaveEvent) -> None:
        self._hover = False
        self._restyle()

    def dropEvent(self, e: QDropEvent) -> None:
        self._hover = False
        self._restyle()
        if self._take(e.mimeData()):
            e.acceptProposedAction()
        else:
            e.ignore()
