"""The Gallery tab driven offscreen on a real library: thumbnails appear, a corrupt file and
a missing file say so, typing searches, filters and "Clear filters", the empty library's
way forward, cell size by slider and Ctrl+wheel, requests for cells scrolled away dropped."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from minimax_studio.core.library import Library
from minimax_studio.core.library_new_item import NewLibraryItem
from minimax_studio.ui.tabs.gallery_tab import GalleryTab, format_count
from minimax_studio.ui.theme import apply_theme
from tests import media_files as mf
from tests.ui.gallery_support import T0, add_images, open_library, run, services_for


@pytest.fixture
def lib(qtbot: Any, qloop: Any, tmp_path: Path) -> Any:
    library = run(qtbot, open_library(tmp_path))
    yield library
    run(qtbot, library.close())


def _tab(qtbot: Any, lib: Library, size: tuple[int, int] = (1024, 700)) -> GalleryTab:
    tab = GalleryTab(services_for(lib))
    qtbot.addWidget(tab)
    tab.resize(*size)
    tab.show()
    qtbot.waitUntil(lambda: not tab.model.loading, timeout=10_000)
    return tab


def _rows(tab: GalleryTab) -> list[str]:
    return [tab.model.item_at(r).prompt for r in range(tab.model.rowCount())]  # type: ignore[union-attr]


def _thumb(tab: GalleryTab, item: Any) -> Any:
    return tab.loader._cache.get(item.id)


def test_thumbnails_corrupt_and_missing_files(qtbot: Any, lib: Library, tmp_path: Path,
                                              artifacts_dir: Path) -> None:
    images = run(qtbot, add_images(lib, 6))
    bad = lib.target_path("image", "image-01", "a corrupt picture", "png", T0 + timedelta(hours=1))
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + b"this is not really a png" * 10)
    corrupt = run(qtbot, lib.add(kind="image", model="image-01", prompt="a corrupt picture",
                                 path=bad, created_at=T0 + timedelta(hours=1)))
    gone_path = lib.target_path("image", "image-01", "deleted outside", "png", T0 + timedelta(hours=2))
    mf.png(gone_path)
    gone = run(qtbot, lib.add(kind="image", model="image-01", prompt="deleted outside",
                              path=gone_path, created_at=T0 + timedelta(hours=2)))
    gone_path.unlink()
    audio = lib.target_path("audio", "music-01", "a calm tune", "mp3", T0 + timedelta(hours=3))
    mf.mp3(audio)
    tune = run(qtbot, lib.add(kind="audio", model="music-01", prompt="a calm tune", path=audio,
                              duration=3.0, created_at=T0 + timedelta(hours=3)))
    tab = _tab(qtbot, lib)
    assert tab.model.rowCount() == 9
    qtbot.waitUntil(lambda: all(_thumb(tab, it) is not None
                                for it in (*images, corrupt, gone, tune)), timeout=20_000)
    assert all(_thumb(tab, it).has_picture and _thumb(tab, it).tile is not None for it in images)
    bad_thumb = _thumb(tab, corrupt)
    assert not bad_thumb.has_picture and bad_thumb.problem.startswith("Not a readable image")
    assert _thumb(tab, gone).missing and _thumb(tab, gone).problem == "The file is missing."
    assert not _thumb(tab, tune).has_picture and _thumb(tab, tune).problem == ""
    # The thumbnail made for a file is remembered in the index (no hashing next time).
    again = run(qtbot, lib.get(images[0].id))
    assert again.thumb_path is not None and again.thumb_path.is_file()
    assert tab.count_label.text() == "9 items"
    tab.grid.viewport().repaint()
    tab.grab().save(str(artifacts_dir / "gallery-bad-files.png"))
    tab.shutdown()


def test_typing_searches_and_filters_count(qtbot: Any, lib: Library) -> None:
    run(qtbot, add_images(lib, 12))
    run(qtbot, lib.add(kind="image", model="image-01", prompt="Ein Café in 東京 at night",
                       path=lib.root / "x.png", created_at=T0 + timedelta(days=1),
                       tags=["straße"]))
    tab = _tab(qtbot, lib)
    assert tab.model.rowCount() == 13 and tab.count_label.text() == "13 items"
    tab.filters.search.insert("東京")  # as an input method commits it (QTest types ASCII only)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1 and not tab.model.loading, timeout=5000)
    assert _rows(tab) == ["Ein Café in 東京 at night"]
    assert tab.count_label.text() == "1 of 13"
    tab.filters.search.clear()
    qtbot.keyClicks(tab.filters.search, "strasse")  # a tag, typed without the ß
    qtbot.waitUntil(lambda: tab.model.rowCount() != 13 and not tab.model.loading, timeout=5000)
    # unicode61 folds diacritics but not ß→ss: an honest miss shows "Nothing matches"
    if tab.model.rowCount() == 0:
        assert tab.stack.currentWidget() is tab.no_matches
    tab.filters.search.clear()
    qtbot.keyClicks(tab.filters.search, "lighthouse")
    qtbot.waitUntil(lambda: tab.model.rowCount() == 12 and not tab.model.loading, timeout=5000)
    assert tab.count_label.text() == "12 of 13"
    # Nothing matches: the way back is one click.
    tab.filters.favorites.setChecked(True)
    qtbot.waitUntil(lambda: tab.stack.currentWidget() is tab.no_matches, timeout=5000)
    assert tab.no_matches.isVisible()
    qtbot.mouseClick(tab.no_matches.buttons["clearFilters"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 13 and not tab.model.loading, timeout=5000)
    assert tab.filters.search.text() == "" and not tab.filters.favorites.isChecked()
    assert tab.stack.currentWidget() is tab.grid
    tab.shutdown()


def test_model_filter_lists_counts_and_filters(qtbot: Any, lib: Library) -> None:
    run(qtbot, add_images(lib, 3))
    run(qtbot, lib.add(kind="video", model="hailuo-02", prompt="a wave", source="batch",
                       path=lib.root / "v.mp4", created_at=T0 + timedelta(days=1), account="42"))
    tab = _tab(qtbot, lib)
    qtbot.waitUntil(lambda: tab.filters.model.count() == 3, timeout=5000)
    labels = [tab.filters.model.itemText(i) for i in range(3)]
    assert labels == ["All models", "image-01 (3)", "hailuo-02 (1)"]
    assert [tab.filters.account.itemText(i) for i in range(tab.filters.account.count())] == \
        ["All accounts", "42"]
    tab.filters.model.setCurrentIndex(2)
    qtbot.waitUntil(lambda: _rows(tab) == ["a wave"], timeout=5000)
    tab.filters.model.setCurrentIndex(0)
    tab.filters.source.setCurrentIndex(tab.filters.source.findData("batch"))
    qtbot.waitUntil(lambda: _rows(tab) == ["a wave"], timeout=5000)
    assert tab.count_label.text() == "1 of 4"
    tab.shutdown()


def test_empty_library_offers_the_way_forward(qtbot: Any, lib: Library) -> None:
    tab = _tab(qtbot, lib)
    assert tab.stack.currentWidget() is tab.empty_library
    assert tab.empty_library.buttons["makeVideo"].isVisible()
    assert tab.empty_library.buttons["makeImage"].isVisible()
    # No import UI attached: the button is not offered rather than doing nothing.
    assert not tab.empty_library.buttons["importHailuo"].isVisible()
    tab.shutdown()


def test_cell_size_by_slider_and_ctrl_wheel(qtbot: Any, lib: Library) -> None:
    run(qtbot, add_images(lib, 4))
    tab = _tab(qtbot, lib)
    start = tab.grid.cell_size()
    tab.size_slider.setValue(start + 60)
    assert tab.grid.cell_size() == start + 60
    assert tab.grid.visualRect(tab.model.index(0)).width() >= start + 60
    pos = QPointF(20, 20)
    ev = QWheelEvent(pos, tab.grid.viewport().mapToGlobal(pos), QPoint(0, 0), QPoint(0, -120),
                     Qt.MouseButton.NoButton, Qt.KeyboardModifier.ControlModifier,
                     Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(tab.grid.viewport(), ev)
    assert tab.grid.cell_size() == start + 40
    assert tab.size_slider.value() == start + 40
    tab.shutdown()


def test_scrolling_away_drops_thumbnail_requests(qtbot: Any, lib: Library, tmp_path: Path) -> None:
    # 600 items pointing at one real picture: enough rows to scroll past most of them.
    pic = mf.png(tmp_path / "one.png")
    run(qtbot, lib.add_many(
        NewLibraryItem(kind="image", model="image-01", prompt=f"frame {i}", path=lib.root / f"{i}.png",
                       created_at=T0 + timedelta(seconds=i)) for i in range(600)))
    for i in range(600):
        (lib.root / f"{i}.png").parent.mkdir(parents=True, exist_ok=True)
    for i in range(600):
        shutil.copyfile(pic, lib.root / f"{i}.png")
    tab = _tab(qtbot, lib)
    tab.grid.verticalScrollBar().setValue(tab.grid.verticalScrollBar().maximum())
    tab.grid.retain_visible()
    for _ in range(5):
        qtbot.wait(30)
        bar = tab.grid.verticalScrollBar()
        bar.setValue(bar.maximum())
        tab.grid.retain_visible()
    qtbot.waitUntil(lambda: tab.loader.pending == 0, timeout=20_000)
    # Only what was on screen was made; what scrolled away before a worker took it was not.
    assert tab.loader.made < tab.model.rowCount()
    assert tab.loader.dropped > 0
    tab.shutdown()


def test_count_wording() -> None:
    assert format_count(0, True, 0, False) == "0 items"
    assert format_count(1, True, 1, False) == "1 item"
    assert format_count(1234, True, 18500, True) == "1 234 of 18 500"
    assert format_count(1000, False, 18500, True) == "1 000+ of 18 500"


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("size", [(1024, 700), (1600, 1000)])
def test_screenshots(qtbot: Any, lib: Library, tmp_path: Path, artifacts_dir: Path,
                     theme: str, size: tuple[int, int]) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, theme)
    try:
        run(qtbot, add_images(lib, 24))
        tab = _tab(qtbot, lib, size)
        first = tab.model.item_at(1)
        assert first is not None
        first.favorite = True
        tab.model.update_item(first)
        qtbot.waitUntil(lambda: tab.loader.pending == 0 and tab.loader.made >= 12, timeout=20_000)
        tab.grid.setCurrentIndex(tab.model.index(0))
        qtbot.wait(50)
        tab.grab().save(str(artifacts_dir / f"gallery-grid-{theme}-{size[0]}x{size[1]}.png"))
        tab.shutdown()
    finally:
        apply_theme(app, "light")


def test_video_without_cover_gets_its_first_frame_and_plays_on_hover(
        qtbot: Any, lib: Library, artifacts_dir: Path) -> None:
    path = lib.target_path("video", "hailuo-02", "a clip without a cover", "mp4", T0)
    mf.mp4(path)
    clip = run(qtbot, lib.add(kind="video", model="hailuo-02", prompt="a clip without a cover",
                              path=path, duration=3.0, created_at=T0))
    tab = _tab(qtbot, lib)
    # No cover and (here) no ffmpeg: QtMultimedia decodes the first frame as its poster.
    qtbot.waitUntil(lambda: (_thumb(tab, clip) is not None and _thumb(tab, clip).has_picture),
                    timeout=20_000)
    saved = run(qtbot, lib.get(clip.id))
    assert saved.thumb_path is not None and saved.thumb_path.is_file()
    # Hovering the cell plays it muted in place; leaving stops it.
    grid = tab.grid
    center = grid.visualRect(tab.model.index(0)).center()
    # Qt drops a mouse move to where the pointer already is (an earlier test may have left it
    # exactly there), so come from elsewhere, as a real pointer does.
    qtbot.mouseMove(grid.viewport(), center + QPoint(0, grid.viewport().height() // 2))
    qtbot.mouseMove(grid.viewport(), center)
    qtbot.waitUntil(lambda: grid.playing_id == clip.id and grid.delegate.hover_frame is not None,
                    timeout=10_000)
    assert grid._player is not None and grid._player.audioOutput() is None  # muted: no output
    tab.grab().save(str(artifacts_dir / "gallery-video-hover.png"))
    qtbot.mouseMove(grid.viewport(), grid.viewport().rect().bottomRight() - QPoint(5, 5))
    qtbot.waitUntil(lambda: grid.playing_id is None, timeout=5000)
    assert grid.delegate.hover_frame is None
    tab.shutdown()
