"""The Gallery in the whole app on the sandbox: ``--tab gallery`` opens on it; a result
generated on the engine appears at the top without a refresh; search, filter and the
favorites filter work on real sandbox results; the screenshot with real results."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from minimax_studio.__main__ import build_parser
from minimax_studio.app import Studio
from minimax_studio.sandbox import Sandbox
from minimax_studio.ui.tabs.gallery_tab import GalleryTab
from minimax_studio.ui.theme import apply_theme
from tests.ui import studio_support
from tests.ui.studio_support import StudioRig, run


def test_tab_flag_parses_every_tab_name() -> None:
    for name in ("accounts", "video", "image", "agent", "gallery", "Gallery"):
        args, _ = build_parser().parse_known_args(["--tab", name, "--sandbox"])
        assert args.tab == name.lower() and args.sandbox
    with pytest.raises(SystemExit):
        build_parser().parse_known_args(["--tab", "nowhere"])


@pytest.fixture
def gallery_rig(rig_factory: Any, monkeypatch: pytest.MonkeyPatch, no_keyring: None,
                sandbox: Sandbox) -> StudioRig:
    """The app as ``minimax-studio --sandbox --tab gallery`` starts it, last run on Video."""
    monkeypatch.setattr(studio_support, "Studio", functools.partial(Studio, tab="Gallery"))
    rig: StudioRig = rig_factory()
    rig.services.settings.last_tab = "Video"
    rig.start()
    rig.connect_sandbox(sandbox)
    rig.qtbot.waitUntil(lambda: isinstance(rig.window.tab("Gallery"), GalleryTab),
                        timeout=10_000)
    return rig


def _gallery(rig: StudioRig) -> GalleryTab:
    tab = rig.window.tab("Gallery")
    assert isinstance(tab, GalleryTab)
    return tab


def _prompts(tab: GalleryTab) -> list[str]:
    return [tab.model.item_at(r).prompt for r in range(tab.model.rowCount())]  # type: ignore[union-attr]


def _generate(rig: StudioRig, kind: str, model: str, prompt: str, **extra: Any) -> Any:
    engine = rig.services.engine
    assert engine is not None
    job = run(rig.qtbot, engine.submit(kind, {"model": model, "prompt": prompt, **extra}))
    return job


def test_generated_results_appear_and_are_found(gallery_rig: StudioRig, qtbot: Any,
                                                artifacts_dir: Path) -> None:
    rig = gallery_rig
    assert rig.window.current_tab_name() == "Gallery"  # --tab wins over the last tab
    tab = _gallery(rig)
    qtbot.waitUntil(lambda: not tab.model.loading, timeout=10_000)
    assert tab.stack.currentWidget() is tab.empty_library
    # The empty library's way forward: the button opens the form that makes one.
    qtbot.mouseClick(tab.empty_library.buttons["makeImage"], Qt.MouseButton.LeftButton)
    assert rig.window.current_tab_name() == "Image"
    rig.window.select_tab("Gallery")
    assert tab.empty_library.buttons["importHailuo"].isVisible()  # the import UI is attached
    _generate(rig, "image", "image-01", "a paper boat on a pond", quantity=2)
    # Appears without any refresh (the live check), two pictures, newest first.
    qtbot.waitUntil(lambda: tab.model.rowCount() == 2, timeout=20_000)
    assert _prompts(tab) == ["a paper boat on a pond"] * 2
    assert tab.stack.currentWidget() is tab.grid
    _generate(rig, "video", "T2V-01", "a red kite over the dunes")
    qtbot.waitUntil(lambda: tab.model.rowCount() == 3, timeout=20_000)
    assert _prompts(tab)[0] == "a red kite over the dunes"
    assert tab.count_label.text() == "3 items"

    # Search as you type.
    qtbot.keyClicks(tab.filters.search, "kite")
    qtbot.waitUntil(lambda: _prompts(tab) == ["a red kite over the dunes"], timeout=5000)
    assert tab.count_label.text() == "1 of 3"
    tab.filters.search.clear()
    # Kind filter.
    tab.filters.kind.setCurrentIndex(tab.filters.kind.findData("image"))
    qtbot.waitUntil(lambda: _prompts(tab) == ["a paper boat on a pond"] * 2, timeout=5000)
    tab.filters.kind.setCurrentIndex(0)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 3 and not tab.model.loading, timeout=5000)
    # Favorite one (what the detail pane's F does: the library, then update_item).
    library = rig.services.library
    assert library is not None
    kite = tab.model.item_at(0)
    assert kite is not None
    run(qtbot, library.set_favorite(kite.id, True))
    kite.favorite = True
    tab.model.update_item(kite)
    tab.filters.favorites.setChecked(True)
    qtbot.waitUntil(lambda: _prompts(tab) == ["a red kite over the dunes"], timeout=5000)
    tab.filters.favorites.setChecked(False)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 3 and not tab.model.loading, timeout=5000)
    # A new result arriving while a filter is on shows only when it matches.
    tab.filters.kind.setCurrentIndex(tab.filters.kind.findData("video"))
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1 and not tab.model.loading, timeout=5000)
    _generate(rig, "image", "image-01", "a lighthouse in fog")
    qtbot.waitUntil(lambda: tab.model.library_total == 4, timeout=20_000)
    assert _prompts(tab) == ["a red kite over the dunes"]
    tab.filters.kind.setCurrentIndex(0)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 4 and not tab.model.loading, timeout=5000)
    assert _prompts(tab)[0] == "a lighthouse in fog"


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_screenshot_with_sandbox_results(gallery_rig: StudioRig, qtbot: Any,
                                         artifacts_dir: Path, theme: str) -> None:
    rig = gallery_rig
    tab = _gallery(rig)
    prompts = [("image", "image-01", "a paper boat on a pond at sunrise", {"quantity": 2}),
               ("video", "T2V-01", "a red kite over the dunes, slow pan", {}),
               ("image", "image-01", "a lighthouse in fog, watercolor", {}),
               ("video", "T2V-01", "waves on black sand, drone shot", {}),
               ("image", "image-01", "neon street in the rain, 35mm", {"quantity": 2}),
               ("video", "T2V-01", "a fox in fresh snow, morning light", {}),
               ("image", "image-01", "an old fisherman mending nets, portrait", {"quantity": 2}),
               ("video", "T2V-01", "city skyline timelapse, dusk to night", {}),
               ("image", "image-01", "macro of dew on a leaf", {})]
    for kind, model, prompt, extra in prompts:
        _generate(rig, kind, model, prompt, **extra)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 12, timeout=30_000)
    library = rig.services.library
    assert library is not None
    starred = tab.model.item_at(2)
    assert starred is not None
    run(qtbot, library.set_favorite(starred.id, True))
    starred.favorite = True
    tab.model.update_item(starred)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, theme)
    try:
        for w, h in ((1024, 700), (1600, 1000)):
            rig.window.resize(w, h)
            qtbot.waitUntil(lambda: tab.loader.pending == 0, timeout=15_000)
            qtbot.wait(200)
            qtbot.waitUntil(lambda: tab.loader.pending == 0 and all(
                tab.loader._cache.get(tab.model.item_at(r).id) is not None  # type: ignore[union-attr]
                for r in tab.grid.visible_rows()), timeout=15_000)
            tab.grid.setCurrentIndex(tab.model.index(0))  # an image: grab() shows no video
            qtbot.wait(1000)  # the detail pane reads the selected file
            tab.grid.viewport().repaint()
            path = artifacts_dir / f"gallery-sandbox-{theme}-{w}x{h}.png"
            assert rig.window.grab().save(str(path))
    finally:
        apply_theme(app, "light")
