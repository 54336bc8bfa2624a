"""The inline result: a real PNG decoded and zoomed, a real mp4 played (duration and a frame
through the video widget's QVideoSink), real audio played to the end, metadata copyable."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtMultimedia import QMediaPlayer

from minimax_studio.core.jobs import Job, JobKind, JobState
from minimax_studio.ui.widgets.media_preview import MediaPreview, ResultPane
from minimax_studio.viewmodels.result_vm import ResultVM

SANDBOX_MEDIA = Path(__file__).resolve().parents[2] / "resources" / "sandbox"


def done_job(path: Path, kind: JobKind = JobKind.VIDEO, **request: Any) -> Job:
    job = Job(id=12, kind=kind, state=JobState.COMPLETED,
              request={"model": "MiniMax-Hailuo-02", "prompt": "a lighthouse in a storm",
                       "resolution": "768P", "duration": 6, **request},
              account="acc-1", remote_ids=["user:1-minimax:acc-1-video:99"], cost="25 credits",
              progress=100)
    job.downloads = {"r": {"path": str(path), "state": "done"}}
    return job


def test_png_is_decoded_fitted_zoomed_and_panned(qtbot: Any, qloop: Any, tmp_path: Path,
                                                  artifacts_dir: Path) -> None:
    png = tmp_path / "result.png"
    im = Image.new("RGB", (1600, 900), (30, 90, 160))
    im.paste((240, 200, 40), (700, 350, 900, 550))  # a yellow square in the middle
    im.save(png)
    vm = ResultVM()
    pane = ResultPane(vm)
    qtbot.addWidget(pane)
    pane.resize(520, 640)
    pane.show()
    vm.set_job(done_job(png, JobKind.IMAGE))
    view = pane.preview.image_view
    qtbot.waitUntil(lambda: pane.preview.kind == "image", timeout=3000)
    assert view.image().size().width() == 1600
    assert view.fitted and view.scale < 1.0  # fit-to-view: the whole image is visible
    assert view.scale * 1600 <= view.width() + 1

    fit_scale = view.scale
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)  # Ctrl+=
    assert view.scale == pytest.approx(fit_scale * 1.25)
    view.zoom_by(4.0, QPointF(view.width() / 2, view.height() / 2))
    before = view.offset
    qtbot.mousePress(view, Qt.MouseButton.LeftButton, pos=QPoint(200, 150))
    qtbot.mouseMove(view, QPoint(120, 100))
    qtbot.mouseRelease(view, Qt.MouseButton.LeftButton, pos=QPoint(120, 100))
    assert view.offset.x() < before.x() and view.offset.y() < before.y()  # panned
    qtbot.keyClick(view, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert view.fitted and view.scale == pytest.approx(fit_scale)

    qtbot.waitUntil(lambda: "1600 × 900" in vm.as_text(), timeout=3000)
    pane.copy_button.click()
    copied = QGuiApplication.clipboard().text()
    assert "Model: MiniMax-Hailuo-02" in copied and "Account: acc-1" in copied
    assert "resolution=768P, duration=6" in copied and "user:1-minimax:acc-1-video:99" in copied
    assert "a lighthouse in a storm" in pane.details.toPlainText()
    pane.grab().save(str(artifacts_dir / "result_pane_image.png"))


@pytest.fixture(autouse=True)
def fresh_loop_choice() -> Any:
    """The loop button's choice lasts a session; each test starts without one."""
    MediaPreview._loop_choice = None
    yield
    MediaPreview._loop_choice = None


def brightness(img: QImage) -> float:
    """Mean lightness of a 16×16 sample grid: about 0 for a black frame."""
    pts = [(img.width() * (i + 0.5) / 16, img.height() * (j + 0.5) / 16)
           for i in range(16) for j in range(16)]
    return sum(img.pixelColor(int(x), int(y)).lightness() for x, y in pts) / len(pts)


def sink_image(preview: MediaPreview) -> QImage | None:
    frame = preview.video_sink.videoFrame()
    if not frame.isValid():
        return None
    img = frame.toImage()
    return None if img.isNull() else img


def test_video_plays_in_place_with_a_frame_from_the_sink(qtbot: Any, qloop: Any,
                                                          artifacts_dir: Path) -> None:
    clip = SANDBOX_MEDIA / "clip_16x9.mp4"
    vm = ResultVM()
    pane = ResultPane(vm)
    qtbot.addWidget(pane)
    pane.resize(520, 640)
    pane.show()
    preview = pane.preview
    frames: list[Any] = []
    preview.video_sink.videoFrameChanged.connect(lambda f: f.isValid() and frames.append(f))
    vm.set_job(done_job(clip))
    assert preview.kind == "video"
    # A finished video loads paused on its first frame: a picture, not a black box.
    qtbot.waitUntil(lambda: preview.player.playbackState() == QMediaPlayer.PlaybackState.PausedState
                    and sink_image(preview) is not None, timeout=5000)
    assert preview.player.position() < 100
    first = sink_image(preview)
    assert first is not None and brightness(first) > 40
    assert preview.looping  # a 3 s clip loops
    qtbot.mouseClick(preview.play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: preview.player.duration() > 0 and len(frames) > 2, timeout=5000)
    assert preview.player.duration() == pytest.approx(3000, abs=200)
    frame = preview.last_frame()
    assert isinstance(frame, QImage) and (frame.width(), frame.height()) == (256, 144)
    qtbot.waitUntil(lambda: "Duration: 3.0 s" in vm.as_text(), timeout=3000)
    assert "256 × 144" in vm.as_text()

    # pause / seek / mute as the controls do it
    qtbot.mouseClick(preview.play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: preview.player.playbackState() == QMediaPlayer.PlaybackState.PausedState,
                    timeout=2000)
    preview.seek.sliderMoved.emit(1500)
    qtbot.waitUntil(lambda: abs(preview.player.position() - 1500) < 200, timeout=2000)
    qtbot.mouseClick(preview.mute_button, Qt.MouseButton.LeftButton)
    assert preview.audio_output.isMuted()

    shot = preview.snapshot().toImage()
    center = preview.video.mapTo(preview, preview.video.rect().center())
    assert shot.pixelColor(center).name() != "#efefef"  # the frame is painted, not grey
    pane.grab().save(str(artifacts_dir / "result_pane_video_grab.png"))
    shot.save(str(artifacts_dir / "result_pane_video.png"))

    vm.set_job(None)  # deselect: the player stops and the pane says what to do
    assert preview.player.playbackState() == QMediaPlayer.PlaybackState.StoppedState
    assert "Select a finished job" in preview.message.text()


def test_the_end_of_a_clip_is_never_a_black_frame(qtbot: Any, qloop: Any,
                                                    artifacts_dir: Path) -> None:
    """Issue #12: a clip that played to its end showed black. The sink's own frame is read
    (``QVideoWidget.grab()`` never contains video)."""
    preview = MediaPreview()
    qtbot.addWidget(preview)
    preview.resize(480, 360)
    preview.show()
    statuses: list[QMediaPlayer.MediaStatus] = []
    preview.player.mediaStatusChanged.connect(statuses.append)
    preview.play(SANDBOX_MEDIA / "clip_16x9.mp4", "video", autoplay=False)
    qtbot.waitUntil(lambda: preview.player.duration() > 0, timeout=5000)
    preview.loop_button.click()  # looping off: this clip must really reach its end
    assert not preview.looping and preview.player.loops() == 1
    preview.toggle_play()
    qtbot.waitUntil(lambda: QMediaPlayer.MediaStatus.EndOfMedia in statuses, timeout=8000)
    qtbot.wait(300)  # past the moment the backend clears its sink
    img = sink_image(preview)
    assert img is not None, "the video sink holds no frame after the end"
    assert brightness(img) > 40, f"the frame after the end is black (lightness {brightness(img):.0f})"
    assert preview.player.playbackState() == QMediaPlayer.PlaybackState.PausedState
    shot = preview.snapshot().toImage()
    shot.save(str(artifacts_dir / "media_preview_after_end.png"))
    # The loop choice sticks for the next file.
    preview.play(SANDBOX_MEDIA / "clip_4x3.mp4", "video", autoplay=False)
    qtbot.waitUntil(lambda: preview.player.duration() > 0, timeout=5000)
    assert not preview.looping


def test_a_preview_that_goes_out_of_sight_pauses(qtbot: Any, qloop: Any) -> None:
    preview = MediaPreview()
    qtbot.addWidget(preview)
    preview.show()
    preview.play(SANDBOX_MEDIA / "clip_16x9.mp4", "video")
    qtbot.waitUntil(lambda: preview.player.position() > 100, timeout=5000)
    preview.hide()  # what switching to another tab does to it
    qtbot.waitUntil(lambda: preview.player.playbackState() == QMediaPlayer.PlaybackState.PausedState,
                    timeout=2000)


def test_audio_plays_to_the_end(qtbot: Any, qloop: Any) -> None:
    preview = MediaPreview()
    qtbot.addWidget(preview)
    preview.show()
    statuses: list[QMediaPlayer.MediaStatus] = []
    preview.player.mediaStatusChanged.connect(statuses.append)
    preview.play(SANDBOX_MEDIA / "tone.wav", "audio")
    assert preview.audio_label.isVisible() and not preview.video.isVisible()
    qtbot.waitUntil(lambda: QMediaPlayer.MediaStatus.EndOfMedia in statuses, timeout=6000)
    assert preview.player.duration() > 1000


def test_missing_or_broken_file_reads_as_a_sentence(qtbot: Any, qloop: Any, tmp_path: Path) -> None:
    vm = ResultVM()
    pane = ResultPane(vm)
    qtbot.addWidget(pane)
    bad = tmp_path / "broken.png"
    bad.write_bytes(b"not a png at all")
    vm.set_job(done_job(bad, JobKind.IMAGE))
    qtbot.waitUntil(lambda: "not a readable image" in pane.preview.message.text(), timeout=3000)
    bad.unlink()
    vm.set_job(done_job(bad, JobKind.IMAGE))
    assert "no longer on disk" in pane.preview.message.text()
    failed = done_job(bad)
    failed.state = JobState.MODERATED
    failed.reason = "Hailuo moderated the result after generation."
    vm.set_job(failed)
    assert pane.preview.message.text() == "Moderated: Hailuo moderated the result after generation."
