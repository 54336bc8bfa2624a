"""What a person does with Gallery items, on a real library (SQLite + files) and the real
Gallery tab offscreen: favorite with F, delete to the OS trash and Undo, drop files in,
drag items out as files, remix into a real Image form and Undo, the full-window viewer,
and Import from Hailuo against the sandbox over HTTP."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from minimax_studio.api.client import MiniMaxClient
from minimax_studio.core.library import Library, LibraryQuery
from minimax_studio.paths import AppPaths
from minimax_studio.sandbox import Sandbox
from minimax_studio.ui.main_window import MainWindow
from minimax_studio.ui.tabs.gallery_tab import GalleryTab, build_gallery_tab
from minimax_studio.ui.tabs.image_tab import ImageTab
from minimax_studio.ui.widgets.full_viewer import FullViewer
from minimax_studio.viewmodels.image_form import ImageFormModel
from minimax_studio.viewmodels.notifier import Notifier
from minimax_studio.viewmodels.tasks import TaskRunner
from tests.ui.gallery_support import add_images, make_image, open_library, run, services_for


@dataclass
class ConnectedServices:
    """What a session gives the Gallery when connected: library, runner, paths, client."""

    library: Library
    runner: TaskRunner
    paths: AppPaths
    notifier: Notifier
    client: Any = None
    session: Any = None


@pytest.fixture
def trash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The freedesktop trash of this test (Qt puts it under $XDG_DATA_HOME/Trash)."""
    data = tmp_path / "xdg-data"
    data.mkdir()
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    return data / "Trash" / "files"


@pytest.fixture
def lib(qtbot: Any, qloop: Any, tmp_path: Path) -> Any:
    library = run(qtbot, open_library(tmp_path))
    yield library
    run(qtbot, library.close())


def gallery(qtbot: Any, services: Any, window: Any = None) -> GalleryTab:
    """The tab on ``services``, shown, once its first page is in."""
    tab = build_gallery_tab(services, window)
    assert isinstance(tab, GalleryTab)
    if window is None:
        qtbot.addWidget(tab)
    tab.resize(1200, 760)
    tab.show()
    expected = run(qtbot, services.library.count())
    qtbot.waitUntil(lambda: tab.model.rowCount() == expected and not tab.model.loading,
                    timeout=5000)
    return tab


def select(tab: GalleryTab, *rows: int) -> None:
    sm = tab.grid.selectionModel()
    tab.grid.setCurrentIndex(tab.model.index(rows[0]))  # clears the rest, selects this one
    for r in rows[1:]:
        sm.select(tab.model.index(r), sm.SelectionFlag.Select)


def focus_grid(qtbot: Any, tab: GalleryTab) -> None:
    tab.activateWindow()
    qtbot.waitUntil(tab.isActiveWindow, timeout=2000)
    tab.grid.setFocus()


def test_f_toggles_favorite_in_the_library_and_the_detail_pane(qtbot: Any, lib: Any) -> None:
    items = run(qtbot, add_images(lib, 3))
    tab = gallery(qtbot, services_for(lib))
    select(tab, 0)
    detail = tab.gallery_actions.detail
    qtbot.waitUntil(lambda: detail.item is not None, timeout=3000)
    newest = items[-1]
    assert detail.item.id == newest.id  # newest first
    assert "lighthouse" in detail.value_labels["Prompt"].text()
    focus_grid(qtbot, tab)
    qtbot.keyClick(tab.grid, Qt.Key.Key_F)
    qtbot.waitUntil(lambda: run(qtbot, lib.get(newest.id)).favorite, timeout=3000)
    qtbot.waitUntil(lambda: tab.model.item_at(0).favorite, timeout=3000)
    qtbot.keyClick(tab.grid, Qt.Key.Key_F)  # again: no longer a favorite
    qtbot.waitUntil(lambda: not run(qtbot, lib.get(newest.id)).favorite, timeout=3000)
    # each metadata row copies its own value
    detail.copy_buttons["Model"].click()
    assert QApplication.clipboard().text() == "image-01"


def test_delete_moves_files_to_the_trash_and_undo_puts_them_back(qtbot: Any, lib: Any,
                                                                 trash: Path) -> None:
    items = run(qtbot, add_images(lib, 4))
    tab = gallery(qtbot, services_for(lib))
    select(tab, 0, 1)
    doomed = tab.selected_items()
    assert len(doomed) == 2
    paths = [i.path for i in doomed]
    focus_grid(qtbot, tab)
    qtbot.keyClick(tab.grid, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 2, timeout=5000)
    assert not any(p.exists() for p in paths)
    assert sorted(p.name for p in trash.iterdir()) == sorted(p.name for p in paths)
    assert run(qtbot, lib.count()) == 2
    bar = tab.gallery_actions.undo_bar
    assert bar.isVisible() and "Deleted: 2 items" in bar.label.text()

    bar.button.click()  # Undo
    qtbot.waitUntil(lambda: all(p.exists() for p in paths), timeout=5000)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 4, timeout=5000)
    assert run(qtbot, lib.count()) == 4
    assert not list(trash.iterdir())
    back = run(qtbot, lib.get(doomed[0].id))
    assert back is not None and back.prompt == doomed[0].prompt and back.path == doomed[0].path
    assert {i.id for i in items} == set(tab.model.item_ids())


def test_remove_from_library_keeps_the_file_and_missing_files_offer_locate(qtbot: Any, lib: Any,
                                                                            tmp_path: Path) -> None:
    run(qtbot, add_images(lib, 2))
    tab = gallery(qtbot, services_for(lib))
    select(tab, 0)
    item = tab.selected_items()[0]
    moved = tmp_path / "elsewhere" / item.path.name
    moved.parent.mkdir()
    item.path.rename(moved)  # deleted or moved outside the app
    select(tab, 1)
    select(tab, 0)
    detail = tab.gallery_actions.detail
    qtbot.waitUntil(lambda: detail.missing.isVisible(), timeout=3000)
    assert "no longer on disk" in detail.missing_text.text()
    assert tab.gallery_actions.locate.isEnabled()
    tab.gallery_actions.vm.locate(item, moved)  # what "Locate…" does with the chosen file
    qtbot.waitUntil(lambda: run(qtbot, lib.get(item.id)).path == moved, timeout=3000)
    qtbot.waitUntil(lambda: not detail.missing.isVisible(), timeout=3000)

    tab.gallery_actions.remove.trigger()
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=3000)
    assert moved.exists()  # the file stays
    assert run(qtbot, lib.get(item.id)) is None


def drop(widget: QWidget, paths: list[Path]) -> bool:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    pos = QPointF(widget.width() / 2, widget.height() / 2)
    enter = QDragEnterEvent(pos.toPoint(), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, enter)
    if not enter.isAccepted():
        return False
    ev = QDropEvent(pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                    Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, ev)
    return ev.isAccepted()


def test_dropped_files_and_folders_are_copied_in_hashed_and_deduplicated(
        qtbot: Any, lib: Any, tmp_path: Path) -> None:
    run(qtbot, add_images(lib, 1))
    tab = gallery(qtbot, services_for(lib))
    outside = tmp_path / "from-the-file-manager"
    a = make_image(outside / "sunset.png", "sunset", "#ff7043")
    make_image(outside / "nested" / "forest.jpg", "forest", "#2e7d32")
    twin = outside / "nested" / "sunset-copy.png"
    twin.write_bytes(a.read_bytes())  # same bytes, another name: a duplicate
    (outside / "notes.txt").write_text("not media")
    progress: list[tuple[int, int]] = []
    tab.gallery_actions.vm.addProgress.connect(lambda d, t, _n: progress.append((d, t)))

    assert drop(tab.grid.viewport(), [outside])
    row = tab.gallery_actions.add_row
    qtbot.waitUntil(lambda: "added to the library" in row.label.text(), timeout=10_000)
    assert row.label.text() == ("2 files added to the library, 1 already here, "
                                "1 not images, videos or audio.")
    assert progress and progress[-1] == (3, 3)
    assert a.exists()  # copied, not moved
    qtbot.waitUntil(lambda: tab.model.rowCount() == 3, timeout=5000)  # the live check
    added = run(qtbot, lib.page(LibraryQuery(kind="image"))).items
    copies = [i for i in added if i.source == "import"]
    assert len(copies) == 2
    assert all(i.path.is_relative_to(lib.root) and i.path.is_file() for i in copies)
    assert {i.options.get("originalName") for i in copies} == {"sunset.png", "forest.jpg"}
    assert all(i.width == 640 and i.height == 400 for i in copies)

    # dropping the same folder again adds nothing
    assert drop(tab.grid.viewport(), [outside])
    qtbot.waitUntil(lambda: row.label.text().startswith("0 files added"), timeout=10_000)
    assert "3 already here" in row.label.text()
    assert run(qtbot, lib.count()) == 3


def test_adding_many_files_can_be_cancelled_and_keeps_what_was_copied(
        qtbot: Any, lib: Any, tmp_path: Path) -> None:
    tab = gallery(qtbot, services_for(lib))
    folder = tmp_path / "many"
    for i in range(120):
        make_image(folder / f"pic-{i:03}.png", str(i), "#%06x" % (i * 2000), (64, 48))
    actions = tab.gallery_actions
    actions.add_paths([folder])
    qtbot.waitUntil(lambda: actions.add_row.bar.value() >= 5, timeout=10_000)
    assert actions.add_row.cancel.isVisible()
    actions.add_row.cancel.click()
    qtbot.waitUntil(lambda: not actions.vm.adding, timeout=5000)
    assert "Stopped" in actions.add_row.label.text()
    n = run(qtbot, lib.count())
    assert 0 < n < 120
    assert n == len([p for p in lib.root.rglob("*.png")])  # nothing copied but not indexed


def test_dragged_items_are_real_files_a_form_slot_takes(qtbot: Any, lib: Any) -> None:
    from tests.ui.form_ui import drop_mime, slot_widget

    run(qtbot, add_images(lib, 3))
    tab = gallery(qtbot, services_for(lib))
    indexes = [tab.model.index(0), tab.model.index(2)]
    mime = tab.model.mimeData(indexes)
    urls = mime.urls()
    assert len(urls) == 2 and all(u.isLocalFile() for u in urls)
    expected = [tab.model.item_at(0).path, tab.model.item_at(2).path]
    assert [Path(u.toLocalFile()) for u in urls] == expected
    assert all(p.is_file() for p in expected)
    assert "text/uri-list" in tab.model.mimeTypes()
    # dropped on the Video form's first-frame slot, one item becomes its first frame
    from minimax_studio.api import catalog

    host = VideoHost()
    qtbot.addWidget(host)
    host.form.set_model(next(m.id for m in catalog.VIDEO_MODELS.values() if m.first_frame != "none"))
    host.show()
    drop_mime(slot_widget(host.view, "fileID"), tab.model.mimeData([tab.model.index(1)]))
    qtbot.waitUntil(lambda: host.form.slot("fileID").path == tab.model.item_at(1).path,
                    timeout=5000)


class FormHost(QWidget):
    """The Image tab as the window mounts it, without an engine: its ``form`` is what
    Remix fills."""

    def __init__(self) -> None:
        super().__init__()
        self.form = ImageFormModel(parent=self)
        self.view = ImageTab(self.form, self)
        QVBoxLayout(self).addWidget(self.view)


def test_remix_fills_the_image_form_and_undo_restores_it(qtbot: Any, lib: Any) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.complete()
    host = FormHost()
    window.set_tab("Image", host)
    window.show()
    host.form.set_value("prompt", "my half-written idea")
    mine = host.form.value("aspectRatio")
    other = next(r for r in host.form.model.aspect_ratios if r != mine)
    request = {"model": "image-01", "prompt": "a red kite over dunes", "aspectRatio": other}
    run(qtbot, lib.add(kind="image", prompt=request["prompt"], model="image-01", request=request,
                       path=make_image(lib.root / "kite.png", "kite", "#c62828")))
    tab = gallery(qtbot, services_for(lib), window)
    window.set_tab("Gallery", tab)
    window.pages.setCurrentWidget(window.tabs)  # what the window shows once a session is open
    window.select_tab("Gallery")
    select(tab, 0)
    actions = tab.gallery_actions
    assert actions.remix.isEnabled()
    actions.remix.trigger()
    assert window.current_tab_name() == "Image"
    assert host.form.value("prompt") == "a red kite over dunes"
    assert host.form.value("aspectRatio") == other
    assert host.view.prompt.text() == "a red kite over dunes"
    bar = actions.undo_bar
    assert bar.isVisible() and "Image form filled" in bar.label.text()
    assert bar.parent() is not None  # in the window's status bar
    bar.button.click()
    assert host.form.value("prompt") == "my half-written idea"
    assert host.view.prompt.text() == "my half-written idea"
    assert host.form.value("aspectRatio") == mine
    tab.shutdown()


def test_enter_opens_the_full_window_viewer_and_esc_closes_it(qtbot: Any, lib: Any) -> None:
    run(qtbot, add_images(lib, 2))
    tab = gallery(qtbot, services_for(lib))
    select(tab, 0)
    detail = tab.gallery_actions.detail
    qtbot.waitUntil(lambda: detail.preview.kind == "image", timeout=3000)
    focus_grid(qtbot, tab)
    qtbot.keyClick(tab.grid, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: detail.viewer is not None and detail.viewer.isVisible(), timeout=3000)
    viewer = detail.viewer
    assert isinstance(viewer, FullViewer) and viewer.preview.kind == "image"
    assert "image 1 of" in viewer.title.text()
    qtbot.keyClick(viewer, Qt.Key.Key_Right)  # the next item, in the viewer and the grid
    qtbot.waitUntil(lambda: "image 0 of" in viewer.title.text(), timeout=3000)
    assert tab.current_item().prompt.startswith("image 0 of")
    qtbot.keyClick(viewer, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not any(isinstance(w, FullViewer) and w.isVisible()
                                    for w in QApplication.topLevelWidgets()), timeout=3000)
    # a double click on a cell opens it too
    rect = tab.grid.visualRect(tab.model.index(1))
    # (QTest's double click alone sends no press first; a view needs one to know the cell)
    qtbot.mousePress(tab.grid.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(tab.grid.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: any(isinstance(w, FullViewer) and w.isVisible()
                                for w in QApplication.topLevelWidgets()), timeout=3000)
    detail.viewer.close()


def test_import_from_the_sandbox_account_with_progress_and_a_summary(qtbot: Any, qloop: Any,
                                                                      tmp_path: Path,
                                                                      trash: Path) -> None:
    sb = Sandbox(speed=200.0, seed=99, demo_history=True).start()
    client = MiniMaxClient(sb.token, sb.base_url)
    lib = run(qtbot, open_library(tmp_path))
    try:
        base = services_for(lib)
        services = ConnectedServices(library=lib, runner=base.runner, paths=base.paths,
                                     notifier=base.notifier, client=client)
        tab = gallery(qtbot, services)
        actions = tab.gallery_actions
        assert tab.empty_library.buttons["importHailuo"].isVisibleTo(tab)  # the empty state offers it
        seen: list[tuple[str, int, int]] = []
        actions.importer.progress.connect(lambda text, listed, done: seen.append((text, listed, done)))
        busy: list[bool] = []
        actions.importer.busyChanged.connect(busy.append)
        actions.import_menu.aboutToShow.emit()  # the arrow: one entry per account
        qtbot.waitUntil(lambda: any(sb.demo_account_id in a.text()
                                    for a in actions.import_menu.actions()), timeout=5000)
        actions.start_import(sb.demo_account_id)
        assert actions.import_row.isVisible() and actions.import_row.cancel.isVisible()
        qtbot.waitUntil(lambda: busy[-1:] == [False], timeout=20_000)
        assert actions.import_row.label.text() == "4 imported."
        assert any("Downloading" in t for t, _l, _d in seen)
        qtbot.waitUntil(lambda: tab.model.rowCount() == 4, timeout=5000)

        # again: nothing new, everything "already here" (resume skips what is in)
        actions.start_import(None)
        qtbot.waitUntil(lambda: busy[-1:] == [False] and "already here" in
                        actions.import_row.label.text(), timeout=20_000)
        assert actions.import_row.label.text() == "0 imported, 4 already here."

        # "Delete here and on Hailuo": the file goes to the trash, the result off the account
        image = next(i for i in (tab.model.item_at(r) for r in range(4)) if i.kind == "image")
        listed = [str(i.imageId) for i in run(qtbot, client.images.list(account=sb.demo_account_id))]
        assert image.remote_id in listed
        actions.vm.delete([image], on_hailuo=True)
        qtbot.waitUntil(lambda: tab.model.rowCount() == 3, timeout=5000)
        qtbot.waitUntil(lambda: image.remote_id not in [
            str(i.imageId) for i in run(qtbot, client.images.list(account=sb.demo_account_id))],
            timeout=5000)
        tab.shutdown()
    finally:
        run(qtbot, lib.close())
        run(qtbot, client.aclose())
        sb.stop()


class VideoHost(QWidget):
    """The Video tab's form as the window mounts it, without an engine."""

    def __init__(self) -> None:
        super().__init__()
        from minimax_studio.ui.tabs.video_tab import VideoTab
        from minimax_studio.viewmodels.video_form import VideoFormModel

        self.form = VideoFormModel(parent=self)
        self.view = VideoTab(self.form, self)
        QVBoxLayout(self).addWidget(self.view)


def test_use_as_first_frame_from_an_image_and_from_a_video_s_last_frame(
        qtbot: Any, lib: Any) -> None:
    import shutil

    from tests.ui.test_media_preview import SANDBOX_MEDIA

    window = MainWindow()
    qtbot.addWidget(window)
    window.complete()
    host = VideoHost()
    window.set_tab("Video", host)
    window.pages.setCurrentWidget(window.tabs)
    window.show()
    image = run(qtbot, lib.add(kind="image", prompt="a kite", model="image-01",
                               path=make_image(lib.root / "kite.png", "kite", "#c62828")))
    clip = lib.root / "clip.mp4"
    shutil.copy(SANDBOX_MEDIA / "clip_16x9.mp4", clip)
    run(qtbot, lib.add(kind="video", prompt="a clip", model="MiniMax-Hailuo-02", path=clip))
    tab = gallery(qtbot, services_for(lib), window)
    window.set_tab("Gallery", tab)
    window.select_tab("Gallery")
    actions = tab.gallery_actions

    tab.select_item(image.id)
    actions.first_frame.trigger()
    assert window.current_tab_name() == "Video"
    qtbot.waitUntil(lambda: host.form.slot("fileID").path == image.path, timeout=3000)

    window.select_tab("Gallery")
    row = next(r for r in range(tab.model.rowCount()) if tab.model.item_at(r).kind == "video")
    tab.grid.setCurrentIndex(tab.model.index(row))
    actions.first_frame.trigger()  # a video: its last frame, read by the detail pane's player
    qtbot.waitUntil(lambda: host.form.slot("fileID").path is not None
                    and host.form.slot("fileID").path.name.endswith("-last-frame.png"), timeout=8000)
    frame = host.form.slot("fileID").path
    assert frame.is_file() and frame.stat().st_size > 0
    assert window.current_tab_name() == "Video"
    tab.shutdown()


def test_export_copies_files_with_a_json_sidecar_and_tags_are_searchable(
        qtbot: Any, lib: Any, tmp_path: Path) -> None:
    import json

    request = {"model": "image-01", "prompt": "a red kite", "aspectRatio": "4:3", "quantity": 1}
    run(qtbot, lib.add(kind="image", prompt="a red kite", model="image-01", request=request,
                       account="acc-7", remote_id="user:1-minimax:acc-7-image:5",
                       path=make_image(lib.root / "kite.png", "kite", "#c62828")))
    tab = gallery(qtbot, services_for(lib))
    select(tab, 0)
    actions = tab.gallery_actions
    said: list[str] = []
    actions.vm.message.connect(said.append)
    dest = tmp_path / "export here"
    actions.vm.export(tab.selected_items(), dest)
    qtbot.waitUntil(lambda: any("Exported 1 file" in s for s in said), timeout=3000)
    assert (dest / "kite.png").is_file()
    meta = json.loads((dest / "kite.png.json").read_text(encoding="utf-8"))
    assert meta["request"] == request and meta["account"] == "acc-7"
    assert meta["remoteId"] == "user:1-minimax:acc-7-image:5"

    actions.vm.set_tags(tab.selected_items(), ["kites", "Rot 赤"])
    detail = actions.detail
    qtbot.waitUntil(lambda: "Tags" in detail.value_labels
                    and detail.value_labels["Tags"].text() == "kites, Rot 赤", timeout=3000)
    found = run(qtbot, lib.page(LibraryQuery(text="赤"))).items
    assert [i.prompt for i in found] == ["a red kite"]


def test_open_conversation_shows_only_once_the_agent_tab_can_open_one(qtbot: Any, lib: Any) -> None:
    run(qtbot, lib.add(kind="image", prompt="from a chat", model="image-01", source="agent",
                       job_id=7, path=make_image(lib.root / "chat.png", "chat", "#6a1b9a")))
    tab = gallery(qtbot, services_for(lib))
    select(tab, 0)
    actions = tab.gallery_actions
    assert not actions.conversation.isVisible()  # nothing can open it yet: not offered
    opened: list[int] = []
    actions.set_conversation_opener(opened.append)
    assert actions.conversation.isVisible() and actions.conversation.isEnabled()
    actions.conversation.trigger()
    assert opened == [7]


def test_an_import_can_be_cancelled_and_resumes_where_it_stopped(qtbot: Any, qloop: Any,
                                                                   tmp_path: Path) -> None:
    sb = Sandbox(speed=200.0, seed=99, demo_history=True).start()
    sb.faults.add(endpoint="cdn", latency=0.4)  # slow downloads: time to press Cancel
    client = MiniMaxClient(sb.token, sb.base_url)
    lib = run(qtbot, open_library(tmp_path))
    try:
        base = services_for(lib)
        services = ConnectedServices(library=lib, runner=base.runner, paths=base.paths,
                                     notifier=base.notifier, client=client)
        tab = gallery(qtbot, services)
        actions = tab.gallery_actions
        actions.start_import(None)
        qtbot.waitUntil(lambda: run(qtbot, lib.count()) >= 1, timeout=20_000)
        actions.import_row.cancel.click()
        assert not actions.importer.busy
        assert actions.import_row.label.text().startswith("Import stopped.")
        kept = run(qtbot, lib.count())
        assert 1 <= kept < 4
        qtbot.wait(600)  # a download that was in flight is cleaned up, not half-indexed
        files = [p for p in lib.root.rglob("*") if p.is_file()]
        assert len(files) == run(qtbot, lib.count()) == kept

        sb.faults.clear()
        actions.start_import(None)
        qtbot.waitUntil(lambda: not actions.importer.busy, timeout=20_000)
        assert actions.import_row.label.text() == f"{4 - kept} imported, {kept} already here."
        assert run(qtbot, lib.count()) == 4
        tab.shutdown()
    finally:
        run(qtbot, lib.close())
        run(qtbot, client.aclose())
        sb.stop()


def test_use_as_reference_fills_a_free_slot_of_the_image_form_and_copy_prompt(
        qtbot: Any, lib: Any) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.complete()
    host = FormHost()
    host.form.set_model("nano-banana-2")  # takes up to 14 reference images
    window.set_tab("Image", host)
    window.pages.setCurrentWidget(window.tabs)
    window.show()
    item = run(qtbot, lib.add(kind="image", prompt="a blue door", model="image-01",
                              path=make_image(lib.root / "door.png", "door", "#1565c0")))
    tab = gallery(qtbot, services_for(lib), window)
    window.set_tab("Gallery", tab)
    window.select_tab("Gallery")
    tab.select_item(item.id)
    actions = tab.gallery_actions
    actions.copy_prompt.trigger()
    assert QApplication.clipboard().text() == "a blue door"
    actions.reference.trigger()
    assert window.current_tab_name() == "Image"
    qtbot.waitUntil(lambda: any(s.path == item.path for s in host.form.slots()), timeout=5000)
    tab.shutdown()
