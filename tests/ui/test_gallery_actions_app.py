"""The Gallery's actions inside the whole app on the sandbox: the builder attaches them,
Remix fills the real Image tab (the one wired to the engine) and the status bar's Undo puts
the form back; closing the session takes the Undo button away with the tab."""

from __future__ import annotations

from typing import Any

from minimax_studio.ui.tabs.gallery_tab import GalleryTab
from tests.e2e.driver import app_on_sandbox, generate_tab
from tests.ui.gallery_support import make_image
from tests.ui.studio_support import run


def test_remix_in_the_app_fills_the_image_tab_and_undo_restores_it(rig_factory: Any,
                                                                  sandbox: Any) -> None:
    rig = app_on_sandbox(rig_factory, sandbox)
    qtbot, window = rig.qtbot, rig.window
    image_tab = generate_tab(rig, "Image")
    image_tab.form.set_value("prompt", "what I was writing")
    lib = rig.services.library
    request = {"model": "image-01", "prompt": "paper boats on a canal", "aspectRatio": "1:1"}
    item = run(qtbot, lib.add(kind="image", prompt=request["prompt"], model="image-01",
                              request=request, path=make_image(lib.root / "boats.png", "boats",
                                                               "#00838f")))
    qtbot.waitUntil(lambda: isinstance(window.tab("Gallery"), GalleryTab), timeout=10_000)
    gallery = window.tab("Gallery")
    assert isinstance(gallery, GalleryTab)
    window.select_tab("Gallery")
    actions = gallery.gallery_actions
    assert actions.importer is not None and actions.import_button.isEnabled()  # connected
    qtbot.waitUntil(lambda: gallery.select_item(item.id), timeout=5000)
    actions.remix.trigger()
    assert window.current_tab_name() == "Image"
    assert image_tab.form.value("prompt") == "paper boats on a canal"
    assert image_tab.form.value("aspectRatio") == "1:1"
    bar = actions.undo_bar
    assert bar.isVisible() and bar.parent() is not None
    assert bar.window() is window  # in the window's status bar, seen from any tab
    bar.button.click()
    assert image_tab.form.value("prompt") == "what I was writing"

    # the grid / detail split is remembered (settings, written once the drag ends)
    window.select_tab("Gallery")
    split = gallery.splitter
    split.setSizes([500, 600])
    split.splitterMoved.emit(500, 1)  # what a drag of the handle reports
    sizes = split.sizes()
    assert rig.services.settings.extra["split:gallery"] == sizes
    settings_file = rig.paths.settings_file
    qtbot.waitUntil(lambda: settings_file.exists() and "split:gallery" in settings_file.read_text(),
                    timeout=3000)
    rig.close()
