"""The inline result: the selected job's file (image, video or audio) and its metadata.

The QMediaPlayer, its QAudioOutput and the QVideoWidget are built once, with the widget,
never inside a coroutine (PLATFORM-NOTES §7). The video widget's own QVideoSink is also
tapped for the latest frame: ``QVideoWidget.grab()`` shows no video, so ``snapshot()``
paints that frame into the picture itself, and the frame can be reused (frame chaining).

A video loads *paused on its first frame* (a poster, not a black box), short clips loop
(the loop button toggles it, and the choice sticks for the session), and when a clip that
does not loop reaches its end it goes back to its first frame, paused: the FFmpeg backend
clears the sink at EndOfMedia, which is the black frame people saw. Enter, a double click
or the full-view button open the same file in the full-window viewer (``full_viewer.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt, QUrl, Signal
from PySide6.QtGui import (
    QGuiApplication,
    QHideEvent,
    QImage,
    QKeySequence,
    QPainter,
    QPixmap,
    QShortcut,
)
from PySide6.QtMultimedia import QAudioOutput, QMediaMetaData, QMediaPlayer, QVideoFrame
from PySide6.QtMultimediaWidgets import QVideoWidget
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSlider,
    QSplitter,
    QStackedWidget,
    QStyle,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from minimax_studio.ui.widgets.full_viewer import open_full_viewer
from minimax_studio.ui.widgets.image_view import ImageView
from minimax_studio.ui.widgets.result_strip import ResultStrip
from minimax_studio.viewmodels.result_vm import ResultVM

#: Clips up to this long loop unless the person turned looping off (most results are 5–10 s).
LOOP_MAX_MS = 20_000


def _clock(ms: int) -> str:
    s = max(0, ms) // 1000
    return f"{s // 60}:{s % 60:02d}"


class MediaPreview(QWidget):
    """One stack: a message, an image view, or the player (video or audio) with controls."""

    #: width, height (0 for audio), duration in ms — what the file turned out to be.
    mediaInfo = Signal(int, int, int)
    #: Enter, a double click or the full-view button: show this file in the full-window viewer.
    fullViewRequested = Signal()

    #: The loop choice a person made with the button, for every preview this session.
    _loop_choice: bool | None = None

    def __init__(self, parent: QWidget | None = None, *, full_view: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("mediaPreview")
        self.setMinimumSize(240, 180)  # never the 70 px sliver issue #12 saw
        self._full_view = full_view
        self.message = QLabel("Select a finished job to see its result here.")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setObjectName("previewMessage")
        self.image_view = ImageView()
        self.image_view.set_double_click_zooms(not full_view)
        self.image_view.activated.connect(self.fullViewRequested)

        # --- the player: built here, once -----------------------------------------------
        self.player = QMediaPlayer(self)
        self.audio_output = QAudioOutput(self)
        self.player.setAudioOutput(self.audio_output)
        self.video = QVideoWidget()
        self.video.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.player.setVideoOutput(self.video)
        self.video_sink = self.video.videoSink()
        self._frame = QVideoFrame()
        self.video_sink.videoFrameChanged.connect(self._on_frame)
        self.audio_label = QLabel()
        self.audio_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.audio_label.setObjectName("audioLabel")

        self.play_button = QToolButton()
        self.play_button.setObjectName("playPause")
        self.play_button.setToolTip("Play / pause (Space)")
        self.play_button.setShortcut("Space")
        self.play_button.clicked.connect(self.toggle_play)
        self.seek = QSlider(Qt.Orientation.Horizontal)
        self.seek.setObjectName("seek")
        self.seek.setToolTip("Seek")
        self.seek.sliderMoved.connect(self.player.setPosition)
        self.time_label = QLabel("0:00 / 0:00")
        self.mute_button = QToolButton()
        self.mute_button.setObjectName("mute")
        self.mute_button.setCheckable(True)
        self.mute_button.setToolTip("Mute")
        self.mute_button.toggled.connect(self.audio_output.setMuted)
        self.mute_button.toggled.connect(lambda _: self._update_icons())
        self.loop_button = QToolButton()
        self.loop_button.setObjectName("loop")
        self.loop_button.setText("⟲")
        self.loop_button.setCheckable(True)
        self.loop_button.setToolTip("Loop this clip")
        self.loop_button.clicked.connect(self._loop_clicked)
        self.full_button = QToolButton()
        self.full_button.setObjectName("fullView")
        # An icon, not the ⛶ glyph: many fonts lack it and it would show as a box.
        self.full_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_TitleBarMaxButton))
        self.full_button.setToolTip("Open in the full-window viewer (Enter); Esc closes it")
        self.full_button.clicked.connect(self.fullViewRequested)
        self.full_button.setVisible(full_view)
        controls = self._controls = QHBoxLayout()
        controls.setContentsMargins(4, 2, 4, 2)
        for control in (self.play_button, self.seek, self.time_label, self.loop_button,
                        self.mute_button):
            controls.addWidget(control, 1 if control is self.seek else 0)
        self.player_page = QWidget()
        pl = QVBoxLayout(self.player_page)
        pl.setContentsMargins(0, 0, 0, 0)
        pl.addWidget(self.video, 1)
        pl.addWidget(self.audio_label, 1)
        pl.addLayout(controls)
        self.video.installEventFilter(self)  # a double click on the picture opens full view

        self.stack = QStackedWidget(self)
        for w in (self.message, self.image_view, self.player_page):
            self.stack.addWidget(w)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.stack, 1)
        # One full-view button under the image or in the player's controls, wherever it shows.
        self.full_row = QHBoxLayout()
        self.full_row.setContentsMargins(4, 2, 4, 2)
        self.full_row.addStretch(1)
        self.full_row.addWidget(self.full_button)
        lay.addLayout(self.full_row)
        if full_view:
            for seq in ("Return", "Enter"):
                sc = QShortcut(QKeySequence(seq), self)
                sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                sc.activated.connect(self._enter_pressed)

        self.player.durationChanged.connect(self._on_duration)
        self.player.positionChanged.connect(self._on_position)
        self.player.playbackStateChanged.connect(lambda _: self._update_icons())
        self.player.errorOccurred.connect(self._on_error)
        self.player.mediaStatusChanged.connect(self._on_status)
        self._kind: str | None = None
        self._capture: Callable[[QImage | None], None] | None = None
        self._capture_muted = False
        self._pause_on_load = False
        self._path: Path | None = None
        self._update_icons()
        self._show_full_button()

    def sizeHint(self) -> QSize:
        return QSize(420, 320)

    # --- API --------------------------------------------------------------------------------
    @property
    def kind(self) -> str | None:
        """"image" / "video" / "audio" / None (a message is shown)."""
        return self._kind

    @property
    def path(self) -> Path | None:
        """The video or audio file loaded in the player (None for images and messages)."""
        return self._path

    def show_message(self, text: str) -> None:
        self._stop()
        self._kind = None
        self.message.setText(text)
        self.stack.setCurrentWidget(self.message)
        self._show_full_button()

    def show_image(self, image: QImage) -> None:
        self._stop()
        self._kind = "image"
        self.image_view.set_image(image)
        self.stack.setCurrentWidget(self.image_view)
        self._show_full_button()

    def play(self, path: Path, kind: str, *, autoplay: bool = True, position_ms: int = 0) -> None:
        """Load ``path`` as "video" or "audio"; start playing it, or (``autoplay=False``)
        stay paused on its first frame. Muted state is kept from the last file (people who
        muted once mean it)."""
        self._stop()
        self._finish_capture(False)  # another file: a pending capture cannot finish
        self._kind = kind
        self._path = path
        self._frame = QVideoFrame()
        self.video.setVisible(kind == "video")
        self.audio_label.setVisible(kind == "audio")
        self.loop_button.setVisible(kind == "video")
        self.audio_label.setText(f"♪  {path.name}")
        self.seek.setRange(0, 0)
        self.stack.setCurrentWidget(self.player_page)
        self._show_full_button()
        self._pause_on_load = not autoplay
        self._set_looping(bool(MediaPreview._loop_choice) and kind == "video")
        self.player.setSource(QUrl.fromLocalFile(str(path)))
        if position_ms > 0:
            self.player.setPosition(position_ms)
        if autoplay:
            self.player.play()

    @property
    def looping(self) -> bool:
        return self.player.loops() == QMediaPlayer.Loops.Infinite

    def set_looping(self, on: bool) -> None:
        """The loop button: the choice also holds for the next files this session."""
        MediaPreview._loop_choice = on
        self._set_looping(on)

    def pause_playback(self) -> None:
        if self.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState:
            self.player.pause()

    def capture_last_frame(self, path: Path, done: Callable[[QImage | None], None]) -> None:
        """Play the last moments of ``path`` (muted) and hand its final frame to ``done``
        (None if the video cannot be read). Frame chaining: a video's last frame becomes
        the next shot's first frame."""
        if self.player.source() != QUrl.fromLocalFile(str(path)):
            self.play(path, "video", autoplay=False)
        self._capture = done
        self._pause_on_load = False
        self._capture_muted = self.audio_output.isMuted()
        self.audio_output.setMuted(True)
        self.player.setLoops(1)  # the end must be reached to read the last frame
        if self.player.duration() > 0:
            self._seek_to_end()

    def _seek_to_end(self) -> None:
        self.player.setPosition(max(0, self.player.duration() - 300))
        self.player.play()

    def _finish_capture(self, ok: bool) -> None:
        done, self._capture = self._capture, None
        if done is not None:
            self.audio_output.setMuted(self._capture_muted)
            self._set_looping(self.loop_button.isChecked())
            done(self.last_frame() if ok else None)

    def _on_status(self, status: QMediaPlayer.MediaStatus) -> None:
        S = QMediaPlayer.MediaStatus
        if status == S.LoadedMedia and self._pause_on_load:
            self._pause_on_load = False
            self.player.pause()  # paused renders the first frame: a poster, not black
        elif status == S.EndOfMedia:
            self._finish_capture(True)
            if self._kind == "video":
                # Never rest on the cleared (black) sink: back to the first frame, paused.
                self.player.setPosition(0)
                self.player.pause()
        elif status == S.InvalidMedia:
            self._finish_capture(False)

    def toggle_play(self) -> None:
        if self.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState:
            self.player.pause()
        else:
            if self.player.mediaStatus() == QMediaPlayer.MediaStatus.EndOfMedia:
                self.player.setPosition(0)
            self.player.play()

    def last_frame(self) -> QImage | None:
        """The newest decoded video frame as an image (None before the first one)."""
        if not self._frame.isValid():
            return None
        img = self._frame.toImage()
        return None if img.isNull() else img

    def snapshot(self) -> QPixmap:
        """The preview as a person sees it, video frame included (see the module doc)."""
        pix = self.grab()
        frame = self.last_frame() if self._kind == "video" and self.video.isVisible() else None
        if frame is not None:
            top_left = self.video.mapTo(self, self.video.rect().topLeft())
            area = QRect(top_left, self.video.size())
            scaled = frame.scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                  Qt.TransformationMode.SmoothTransformation)
            p = QPainter(pix)
            p.fillRect(area, Qt.GlobalColor.black)
            p.drawImage(area.left() + (area.width() - scaled.width()) // 2,
                        area.top() + (area.height() - scaled.height()) // 2, scaled)
            p.end()
        return pix

    # --- internals --------------------------------------------------------------------------
    def _stop(self) -> None:
        self._path = None
        self._pause_on_load = False
        if not self.player.source().isEmpty():
            self.player.stop()
            self.player.setSource(QUrl())

    def _set_looping(self, on: bool) -> None:
        self.loop_button.setChecked(on)
        self.player.setLoops(QMediaPlayer.Loops.Infinite if on else 1)

    def _loop_clicked(self, on: bool) -> None:
        self.set_looping(on)

    def _show_full_button(self) -> None:
        # In the player the button sits in the controls row; under an image, on its own.
        in_player = self.full_button.parent() is self.player_page
        want_player = self._kind in ("video", "audio")
        if want_player and not in_player:
            self._controls.addWidget(self.full_button)
        elif not want_player and in_player:
            self.full_row.addWidget(self.full_button)
        self.full_button.setVisible(self._full_view and self._kind in ("image", "video"))

    def _enter_pressed(self) -> None:
        if self._kind in ("image", "video"):
            self.fullViewRequested.emit()

    def hideEvent(self, event: QHideEvent) -> None:
        # Another tab came forward: a clip playing out of sight (with sound) is a surprise.
        # A last-frame capture keeps running: it plays muted and ends by itself.
        if self._capture is None and not event.spontaneous():
            self.pause_playback()
        super().hideEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.video and event.type() == QEvent.Type.MouseButtonDblClick \
                and self._full_view:
            self.fullViewRequested.emit()
            return True
        return super().eventFilter(watched, event)

    def _on_frame(self, frame: QVideoFrame) -> None:
        # Keep the frame (cheap, shared); converting to QImage only happens on demand.
        if frame.isValid():
            first = not self._frame.isValid()
            self._frame = frame
            if first:  # the real pixel size is known once a frame is decoded
                self.mediaInfo.emit(frame.width(), frame.height(), max(0, self.player.duration()))

    def _on_duration(self, ms: int) -> None:
        self.seek.setRange(0, max(0, ms))
        if ms > 0 and self._kind == "video" and self._capture is None:
            # Short clips loop unless the person said otherwise this session.
            choice = MediaPreview._loop_choice
            self._set_looping(ms <= LOOP_MAX_MS if choice is None else choice)
        if ms > 0 and self._capture is not None:
            self._seek_to_end()
        self._on_position(self.player.position())
        if ms > 0:
            size = self.player.metaData().value(QMediaMetaData.Key.Resolution)
            w, h = (size.width(), size.height()) if isinstance(size, QSize) else (0, 0)
            self.mediaInfo.emit(w, h, ms)

    def _on_position(self, ms: int) -> None:
        if not self.seek.isSliderDown():
            self.seek.setValue(ms)
        self.time_label.setText(f"{_clock(ms)} / {_clock(self.player.duration())}")

    def _on_error(self, error: QMediaPlayer.Error, text: str) -> None:
        if error != QMediaPlayer.Error.NoError:
            self.show_message(f"Cannot play this file: {text or error.name}")

    def _update_icons(self) -> None:
        style = self.style()
        playing = self.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState
        self.play_button.setIcon(style.standardIcon(
            QStyle.StandardPixmap.SP_MediaPause if playing else QStyle.StandardPixmap.SP_MediaPlay))
        self.play_button.setToolTip("Pause (Space)" if playing else "Play (Space)")
        muted = self.mute_button.isChecked()
        self.mute_button.setIcon(style.standardIcon(
            QStyle.StandardPixmap.SP_MediaVolumeMuted if muted else QStyle.StandardPixmap.SP_MediaVolume))
        self.mute_button.setToolTip("Unmute" if muted else "Mute")


class ResultPane(QWidget):
    """The preview over the metadata, bound to a ResultVM (the selected job)."""

    def __init__(self, vm: ResultVM, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vm = vm
        self.preview = MediaPreview()
        self.files = QComboBox()
        self.files.setObjectName("resultFiles")
        self.files.setToolTip("This job made several files")
        self.files.currentIndexChanged.connect(self._file_chosen)
        self.details = QTextBrowser()
        self.details.setObjectName("resultDetails")
        self.details.setOpenLinks(False)
        self.copy_button = QPushButton("Copy details")
        self.copy_button.setObjectName("copyDetails")
        self.copy_button.clicked.connect(self.copy_details)
        bottom = QWidget()
        bl = QVBoxLayout(bottom)
        bl.setContentsMargins(0, 0, 0, 0)
        bl.addWidget(self.details, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.copy_button)
        bl.addLayout(row)
        split = QSplitter(Qt.Orientation.Vertical, self)
        top = QWidget()
        tl = QVBoxLayout(top)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addWidget(self.files)
        # Several pictures: a strip of thumbnails, 1–9 to pick (result_strip.py, issue #12).
        self.strip = ResultStrip(vm, top)
        self.strip.install_keys(self)
        tl.addWidget(self.strip)
        tl.addWidget(self.preview, 1)
        split.addWidget(top)
        split.addWidget(bottom)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([600, 400])  # the preview first; Qt scales this to the real height
        split.setChildrenCollapsible(False)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(split)

        self.preview.fullViewRequested.connect(lambda: open_full_viewer(self.preview, self))
        vm.mediaChanged.connect(self._load_media)
        vm.changed.connect(self._render_details)
        vm.imageLoaded.connect(self._image_ready)
        vm.imageFailed.connect(lambda _p, text: self.preview.show_message(text))
        self.preview.mediaInfo.connect(
            lambda w, h, ms: vm.set_media_info(width=w or None, height=h or None, duration_ms=ms))
        self._load_media()
        self._render_details()

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.vm.as_text())
        self.copy_button.setText("Copied")

    def _file_chosen(self, i: int) -> None:
        if i >= 0:
            self.vm.select_file(i)

    def _load_media(self) -> None:
        files = self.vm.files
        self.files.blockSignals(True)
        self.files.clear()
        self.files.addItems([p.name for p in files])
        self.files.setCurrentIndex(files.index(self.vm.media_path) if self.vm.media_path in files else -1)
        self.files.blockSignals(False)
        self.files.setVisible(False)  # the thumbnail strip shows the files now
        self.copy_button.setText("Copy details")
        path, kind = self.vm.media_path, self.vm.media_kind
        if path is None or kind is None:
            self.preview.show_message(self.vm.placeholder_text())
        elif kind == "image":
            self.preview.show_message(f"Loading {path.name}…")
        else:
            self.preview.play(path, kind, autoplay=False)

    def _image_ready(self, path: str, image: QImage) -> None:
        if self.vm.media_path is not None and str(self.vm.media_path) == path:
            self.preview.show_image(image)

    def _render_details(self) -> None:
        if self.vm.media_path is None and self.preview.kind is None:
            # A running job's state moves on: keep the placeholder sentence current.
            self.preview.message.setText(self.vm.placeholder_text())
        rows = self.vm.rows()
        if not rows:
            self.details.setHtml("")
            return
        esc = lambda s: (s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))  # noqa: E731
        body = "".join(
            f"<tr><td style='padding-right:10px;color:palette(placeholder-text)' valign='top'>"
            f"{esc(k)}</td><td>{esc(v)}</td></tr>" for k, v in rows)
        self.details.setHtml(f"<table cellspacing='2'>{body}</table>")
