"""The Gallery's detail pane: the selected item in the same inline viewer as the Video and
Image tabs (``MediaPreview``: image zoom/pan, video paused on its first frame with seek and
loop, audio player, Enter / double click for the full-window viewer), and its metadata —
prompt, model, options, account, size, dimensions, duration, dates, ids, source, tags —
each row with its own copy button.

An item whose file is gone (deleted or moved outside the app) says so, with "Locate…" and
"Remove from library" right there. Images are decoded on the task runner, never on the GUI
thread (a 4K PNG takes ~100 ms).
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from minimax_studio.ui.widgets.full_viewer import FullViewer, open_full_viewer
from minimax_studio.ui.widgets.media_preview import MediaPreview
from minimax_studio.viewmodels.gallery_actions import is_local_key
from minimax_studio.viewmodels.result_vm import human_size, options_text, read_image

if TYPE_CHECKING:
    from minimax_studio.viewmodels.gallery_actions import GalleryItem
    from minimax_studio.viewmodels.tasks import TaskRunner

__all__ = ["GalleryDetail", "detail_rows"]

SOURCE_LABELS = {"app": "Made in this app", "batch": "Batch run", "agent": "Agent conversation",
                 "import": "Imported"}


def _when(value: datetime | None) -> str:
    if value is None:
        return ""
    try:
        return value.astimezone().strftime("%Y-%m-%d %H:%M:%S")
    except (ValueError, OSError):
        return str(value)


def _duration(seconds: float | None) -> str:
    if not seconds:
        return ""
    s = float(seconds)
    return f"{s:.1f} s" if s < 60 else f"{int(s // 60)}:{int(s % 60):02d} min"


def detail_rows(item: GalleryItem, media: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """(label, value) rows for ``item``; empty values are left out. ``media`` adds what the
    preview measured in the file itself (a video's size and duration)."""
    media = media or {}
    try:
        size = human_size(item.path.stat().st_size)
    except OSError:
        size = "file missing"
    dims = f"{item.width} × {item.height}" if item.width and item.height else media.get("dims", "")
    request = dict(item.request or {})
    remote = "" if is_local_key(item.remote_id) else (item.remote_id or "")
    original = str((item.options or {}).get("originalName") or "")
    rows = [
        ("Prompt", item.prompt),
        ("Model", item.model),
        ("Options", options_text(request) if request else ""),
        ("Account", item.account or ""),
        ("File size", size),
        ("Dimensions", dims),
        ("Duration", _duration(item.duration) or media.get("duration", "")),
        ("Created", _when(item.created_at)),
        ("Finished", _when(item.finished_at)),
        ("Remote id", remote),
        ("File id", item.file_id or ""),
        ("Source", SOURCE_LABELS.get(item.source, item.source)
         + (f" ({original})" if original else "")),
        ("Tags", ", ".join(item.tags)),
        ("File", str(item.path)),
    ]
    if item.job_id:
        rows.append(("Job", f"#{item.job_id}"))
    return [(k, v) for k, v in rows if v and v != "—"]


def _breakable(value: str) -> str:
    """Paths and ids have no spaces: a zero-width space after each separator lets the label
    wrap them to the pane's width (the copy button copies the value without them)."""
    for sep in ("/", "\\", ":", "_", "-", ","):
        value = value.replace(sep, sep + "\u200b")
    return value


class GalleryDetail(QWidget):
    """Call ``show_items(selected, current)``; the buttons of a missing file emit signals."""

    locateRequested = Signal(object)  # the item whose file is missing
    removeRequested = Signal(object)
    #: ←/→ in the full-window viewer: -1 / +1 (the tab moves the selection; the open
    #: viewer then follows it)
    stepRequested = Signal(int)

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("galleryDetail")
        self._runner = runner
        self._image_key = f"gallery:detail-image:{id(self):x}"
        self._item: GalleryItem | None = None
        self._media: dict[str, str] = {}
        self.preview = MediaPreview(self)
        self.preview.show_message("Select an item to see it here.")
        self.preview.fullViewRequested.connect(self.open_full_view)
        self.preview.mediaInfo.connect(self._media_info)
        self.viewer: FullViewer | None = None
        #: Enter / a double click came while the image was still decoding: open once ready.
        self._open_when_ready = False

        self.heading = QLabel(self)
        self.heading.setObjectName("detailHeading")
        self.heading.setWordWrap(True)
        self.heading.setStyleSheet("font-weight: 700;")
        # A missing file: what happened and the two ways forward.
        self.missing = QFrame(self)
        self.missing.setObjectName("detailMissing")
        self.missing_text = QLabel(self.missing)
        self.missing_text.setWordWrap(True)
        self.locate_button = QPushButton("Locate…", self.missing)
        self.locate_button.setObjectName("locateFile")
        self.remove_button = QPushButton("Remove from library", self.missing)
        self.remove_button.setObjectName("removeMissing")
        self.locate_button.clicked.connect(lambda: self._item and self.locateRequested.emit(self._item))
        self.remove_button.clicked.connect(lambda: self._item and self.removeRequested.emit(self._item))
        ml = QVBoxLayout(self.missing)
        ml.setContentsMargins(0, 0, 0, 0)
        ml.addWidget(self.missing_text)
        mb = QHBoxLayout()
        mb.addWidget(self.locate_button)
        mb.addWidget(self.remove_button)
        mb.addStretch(1)
        ml.addLayout(mb)
        self.missing.hide()

        self.rows_widget = QWidget()
        self.rows_layout = QGridLayout(self.rows_widget)
        self.rows_layout.setContentsMargins(4, 4, 4, 4)
        self.rows_layout.setHorizontalSpacing(8)
        self.rows_layout.setColumnStretch(1, 1)
        self.copy_buttons: dict[str, QToolButton] = {}
        self.value_labels: dict[str, QLabel] = {}
        self.copy_all = QPushButton("Copy all details", self)
        self.copy_all.setObjectName("copyAllDetails")
        self.copy_all.clicked.connect(self.copy_details)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        # Rows wrap (see _breakable) instead of scrolling sideways past the copy buttons.
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.rows_widget)
        bottom = QWidget(self)
        bl = QVBoxLayout(bottom)
        bl.setContentsMargins(0, 0, 0, 0)
        bl.addWidget(self.heading)
        bl.addWidget(self.missing)
        bl.addWidget(scroll, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.copy_all)
        bl.addLayout(row)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(self.preview)
        self.splitter.addWidget(bottom)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([600, 400])
        self.splitter.setChildrenCollapsible(False)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.splitter)
        self._render_rows()

    @property
    def item(self) -> GalleryItem | None:
        return self._item

    # --- input ------------------------------------------------------------------------------
    def show_items(self, selected: list[GalleryItem], current: GalleryItem | None) -> None:
        item = current if current is not None else (selected[0] if selected else None)
        n = len(selected)
        self.heading.setText(f"{n} items selected — showing one" if n > 1 else "")
        self.heading.setVisible(n > 1)
        self.show_item(item)

    def show_item(self, item: GalleryItem | None) -> None:
        """Show ``item`` (None clears). The same item again (a favorite toggled) keeps
        the player where it is and only refreshes the rows."""
        same_file = (item is not None and self._item is not None and item.id == self._item.id
                     and item.path == self._item.path)
        self._item = item
        if not same_file:
            self._media = {}
            self._load(item)
        self._render_rows()

    # --- the preview --------------------------------------------------------------------------
    def _load(self, item: GalleryItem | None) -> None:
        self._runner.cancel(self._image_key)
        self._open_when_ready = False
        missing = item is not None and not item.path.is_file()
        self.missing.setVisible(missing)
        if item is None:
            self.preview.show_message("Select an item to see it here.")
            return
        viewer = self._open_viewer()
        if viewer is not None and (missing or item.kind == "audio"):
            viewer.title.setText((item.prompt or item.path.name)[:200])
            if missing:
                viewer.preview.show_message(f"{item.path.name} is no longer on disk.")
            else:
                viewer.preview.play(item.path, "audio", autoplay=False)
        if missing:
            self.missing_text.setText(f"This file is no longer on disk: {item.path}. "
                                      "Point the library at where it is now, or remove the item.")
            self.preview.show_message("File missing")
            return
        if item.kind == "image":
            self.preview.show_message(f"Loading {item.path.name}…")
            path = item.path
            self._runner.start(self._image_key, asyncio.to_thread(read_image, path),
                               on_done=lambda img: self._image_ready(path, img),
                               on_error=lambda m: self.preview.show_message(m), notify=False)
        else:
            self.preview.play(item.path, item.kind, autoplay=False)
            viewer = self._open_viewer()
            if viewer is not None and item.kind == "video":
                viewer.play_video(item.path)
                viewer.title.setText((item.prompt or item.path.name)[:200])

    def _open_viewer(self) -> FullViewer | None:
        v = self.viewer
        return v if v is not None and shiboken6.isValid(v) and v.isVisible() else None

    def _image_ready(self, path: Path, image: QImage) -> None:
        if not shiboken6.isValid(self.preview.player):
            return  # the pane was closed while the image was decoding
        if self._item is None or self._item.path != path:
            return
        if image.isNull():
            self.preview.show_message(f"Can't preview {path.name}: the file is not a readable image.")
        else:
            self.preview.show_image(image)
            viewer = self._open_viewer()
            if viewer is not None and self._item is not None:
                viewer.show_image(image)
                viewer.title.setText((self._item.prompt or path.name)[:200])
            if self._open_when_ready:
                self._open_when_ready = False
                self.open_full_view()

    def _media_info(self, width: int, height: int, ms: int) -> None:
        if width and height:
            self._media["dims"] = f"{width} × {height}"
        if ms > 0:
            self._media["duration"] = _duration(ms / 1000)
        self._render_rows()

    def open_full_view(self) -> FullViewer | None:
        if (self._item is not None and self._item.kind == "image"
                and self.preview.kind != "image" and self._runner.is_running(self._image_key)):
            self._open_when_ready = True  # a double click on a cell just selected
            return None
        title = (self._item.prompt or self._item.path.name) if self._item else ""
        self.viewer = open_full_viewer(self.preview, self, title=title[:200])
        if self.viewer is not None:
            self.viewer.stepRequested.connect(self.stepRequested)
        return self.viewer

    def toggle_play(self) -> None:
        if self.preview.kind in ("video", "audio"):
            self.preview.toggle_play()

    def stop(self) -> None:
        """The tab goes away: no decode lands on a deleted pane, the player stops."""
        self._runner.cancel(self._image_key)
        self.preview.player.stop()

    # --- the rows -----------------------------------------------------------------------------
    def rows(self) -> list[tuple[str, str]]:
        return detail_rows(self._item, self._media) if self._item is not None else []

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText("\n".join(f"{k}: {v}" for k, v in self.rows()))
        self.copy_all.setText("Copied")

    def _copy(self, label: str) -> None:
        value = dict(self.rows()).get(label, "")
        QGuiApplication.clipboard().setText(value)
        button = self.copy_buttons.get(label)
        if button is not None:
            button.setText("Copied")

    def _render_rows(self) -> None:
        while self.rows_layout.count():
            child = self.rows_layout.takeAt(0)
            w = child.widget() if child is not None else None
            if w is not None:
                w.deleteLater()
        self.copy_buttons = {}
        self.value_labels = {}
        self.copy_all.setText("Copy all details")
        rows = self.rows()
        self.copy_all.setVisible(bool(rows))
        for r, (label, value) in enumerate(rows):
            key = QLabel(label, self.rows_widget)
            key.setStyleSheet("color: palette(placeholder-text);")
            key.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            text = QLabel(_breakable(value) if " " not in value else value, self.rows_widget)
            text.setWordWrap(True)
            text.setMinimumWidth(40)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            text.setObjectName(f"detail-{label}")
            copy = QToolButton(self.rows_widget)
            copy.setText("Copy")
            copy.setObjectName(f"copy-{label}")
            copy.setToolTip(f"Copy the {label.lower()}")
            copy.setAutoRaise(True)
            copy.clicked.connect(lambda _=False, k=label: self._copy(k))
            self.rows_layout.addWidget(key, r, 0)
            self.rows_layout.addWidget(text, r, 1)
            self.rows_layout.addWidget(copy, r, 2, Qt.AlignmentFlag.AlignTop)
            self.copy_buttons[label] = copy
            self.value_labels[label] = text
        self.rows_layout.setRowStretch(len(rows), 1)
