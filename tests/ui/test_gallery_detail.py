"""The Gallery's detail pane with real media: an image, a video (paused on its first frame,
Space plays and pauses it), an audio file; a corrupt image says so; screenshots at
1024×700 and 1600×1000 in light and dark."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QPainter, QPixmap
from PySide6.QtMultimedia import QMediaPlayer
from PySide6.QtWidgets import QApplication

from minimax_studio.ui.tabs.gallery_tab import GalleryTab, build_gallery_tab
from minimax_studio.ui.theme import apply_theme
from tests.ui.gallery_support import make_image, open_library, run, services_for

SANDBOX_MEDIA = Path(__file__).resolve().parents[2] / "resources" / "sandbox"


@pytest.fixture
def media_lib(qtbot: Any, qloop: Any, tmp_path: Path) -> Any:
    """A library holding one image, one video and one audio item, with real files."""
    lib = run(qtbot, open_library(tmp_path))

    async def fill() -> None:
        from datetime import UTC, datetime

        t = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
        img = lib.target_path("image", "image-01", "a glass lighthouse", "png", t)
        make_image(img, "a glass lighthouse", "#1565c0", (1280, 720))
        await lib.add(kind="image", prompt="A glass lighthouse on a black rock, long exposure, "
                      "waves turned to mist", model="image-01", path=img, created_at=t,
                      width=1280, height=720, account="1234567", remote_id="user:1-minimax:1234567-image:88",
                      request={"model": "image-01", "prompt": "A glass lighthouse",
                               "aspectRatio": "16:9"}, tags=["lighthouse", "blue"])
        t2 = t.replace(minute=31)
        vid = lib.target_path("video", "MiniMax-Hailuo-02", "the lighthouse at night", "mp4", t2)
        shutil.copy(SANDBOX_MEDIA / "clip_16x9.mp4", vid)
        await lib.add(kind="video", prompt="The lighthouse at night, the beam sweeping over "
                      "the sea", model="MiniMax-Hailuo-02", path=vid, created_at=t2,
                      finished_at=t2, account="1234567", remote_id="user:1-minimax:1234567-video:99",
                      request={"model": "MiniMax-Hailuo-02", "prompt": "The lighthouse at night",
                               "resolution": "768P", "duration": 6}, source="batch")
        t3 = t.replace(minute=32)
        aud = lib.target_path("audio", "agent", "foghorn", "mp3", t3)
        shutil.copy(SANDBOX_MEDIA / "tone.mp3", aud)
        await lib.add(kind="audio", prompt="A foghorn, twice", model="agent", path=aud,
                      created_at=t3, source="agent")

    run(qtbot, fill())
    yield lib
    run(qtbot, lib.close())


def open_tab(qtbot: Any, lib: Any) -> GalleryTab:
    tab = build_gallery_tab(services_for(lib), None)
    assert isinstance(tab, GalleryTab)
    qtbot.addWidget(tab)
    tab.show()
    qtbot.waitUntil(lambda: tab.model.rowCount() == 3 and not tab.model.loading, timeout=5000)
    return tab


def select_kind(qtbot: Any, tab: GalleryTab, kind: str) -> Any:
    row = next(r for r in range(tab.model.rowCount()) if tab.model.item_at(r).kind == kind)
    tab.grid.setCurrentIndex(tab.model.index(row))
    detail = tab.gallery_actions.detail
    qtbot.waitUntil(lambda: detail.item is not None and detail.item.kind == kind, timeout=3000)
    return detail


def test_video_is_paused_on_its_first_frame_and_space_plays_it(qtbot: Any, media_lib: Any) -> None:
    tab = open_tab(qtbot, media_lib)
    tab.resize(1200, 760)
    detail = select_kind(qtbot, tab, "video")
    player = detail.preview.player
    qtbot.waitUntil(lambda: player.playbackState() == QMediaPlayer.PlaybackState.PausedState
                    and detail.preview.last_frame() is not None, timeout=5000)
    assert player.position() < 100
    tab.activateWindow()
    qtbot.waitUntil(tab.isActiveWindow, timeout=2000)
    tab.grid.setFocus()
    qtbot.keyClick(tab.grid, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: player.playbackState() == QMediaPlayer.PlaybackState.PlayingState,
                    timeout=3000)
    qtbot.keyClick(tab.grid, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: player.playbackState() == QMediaPlayer.PlaybackState.PausedState,
                    timeout=3000)
    assert tab.current_item().kind == "video"  # Space did not move or change the selection
    qtbot.waitUntil(lambda: "256 × 144" in detail.value_labels["Dimensions"].text(), timeout=3000)
    assert "3.0 s" in detail.value_labels["Duration"].text()
    assert detail.value_labels["Source"].text() == "Batch run"
    # shown wrappable (zero-width spaces), copied exactly
    assert detail.value_labels["Remote id"].text().replace("\u200b", "") == \
        "user:1-minimax:1234567-video:99"
    detail.copy_buttons["Remote id"].click()
    assert QApplication.clipboard().text() == "user:1-minimax:1234567-video:99"
    tab.shutdown()
    assert player.playbackState() == QMediaPlayer.PlaybackState.StoppedState


def test_audio_gets_a_player_and_a_broken_image_a_sentence(qtbot: Any, media_lib: Any) -> None:
    tab = open_tab(qtbot, media_lib)
    detail = select_kind(qtbot, tab, "audio")
    assert detail.preview.kind == "audio" and detail.preview.audio_label.isVisible()
    assert detail.value_labels["Source"].text() == "Agent conversation"
    item = select_kind(qtbot, tab, "image").item
    qtbot.waitUntil(lambda: detail.preview.kind == "image", timeout=3000)
    assert detail.value_labels["Tags"].text() == "lighthouse, blue"
    item.path.write_bytes(b"\x89PNG but not really")
    tab.grid.setCurrentIndex(tab.model.index(0))
    select_kind(qtbot, tab, "image")
    detail.show_item(None)
    detail.show_item(item)
    qtbot.waitUntil(lambda: "not a readable image" in detail.preview.message.text(), timeout=3000)
    tab.shutdown()


def compose(tab: GalleryTab) -> QPixmap:
    """The tab as a person sees it: ``grab()`` has no video in it, so the preview's own
    snapshot (the sink's frame) is painted over its place."""
    pix = tab.grab()
    preview = tab.gallery_actions.detail.preview
    if preview.kind == "video":
        top_left = preview.mapTo(tab, preview.rect().topLeft())
        p = QPainter(pix)
        p.drawPixmap(QRect(top_left, preview.size()), preview.snapshot())
        p.end()
    return pix


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_screenshots_of_the_detail_pane(qtbot: Any, media_lib: Any, artifacts_dir: Path,
                                        theme: str) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, theme)
    try:
        tab = open_tab(qtbot, media_lib)
        for w, h in ((1024, 700), (1600, 1000)):
            tab.resize(w, h)
            for kind in ("image", "video", "audio"):
                detail = select_kind(qtbot, tab, kind)
                preview = detail.preview
                if kind == "image":
                    qtbot.waitUntil(lambda p=preview: p.kind == "image", timeout=3000)
                if kind == "video":
                    qtbot.waitUntil(lambda p=preview: p.last_frame() is not None, timeout=5000)
                qtbot.wait(50)
                # Nothing is clipped: the preview keeps a usable size at 1024×700.
                assert detail.preview.height() >= 180 and detail.preview.width() >= 240
                compose(tab).save(str(artifacts_dir / f"gallery_detail_{kind}_{theme}_{w}x{h}.png"))
        tab.shutdown()
    finally:
        apply_theme(app, "light")
