"""Everything the user does with Gallery items once they are selected: the detail pane, the
toolbar, the context menu and the keys, Remix with Undo, drag out / drop in, and
"Import from Hailuo" with progress.

``GalleryTab`` (B1) calls ``attach_gallery_actions(tab, services, window)``; the handle is
kept as ``tab.gallery_actions`` (tests drive it). Keys (on the grid): F favorite, Delete delete,
Space play/pause, Enter or a double click the full-window viewer, Ctrl+Z undo, Ctrl+Shift+C
copy prompt, Ctrl+R remix, ←/→ move (the grid's own).

Remix fills the Video or Image tab's form with the item's exact request; what the form
held before is kept as one Undo step (the status bar's Undo button puts it back), so a
remix never clobbers work in progress (InvokeAI #8463).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QDragMoveEvent, QDropEvent, QImage, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QInputDialog,
    QMenu,
    QMessageBox,
    QToolButton,
    QVBoxLayout,
)

from minimax_studio.paths import app_paths
from minimax_studio.ui.widgets.drop_slot import local_files
from minimax_studio.ui.widgets.gallery_bars import ProgressRow, UndoBar
from minimax_studio.ui.widgets.gallery_detail import GalleryDetail
from minimax_studio.viewmodels.gallery_actions import GalleryActionsVM
from minimax_studio.viewmodels.library_import import LibraryImportVM

if TYPE_CHECKING:
    from minimax_studio.ui.main_window import MainWindow
    from minimax_studio.ui.tabs.gallery_tab import GalleryTab
    from minimax_studio.viewmodels.gallery_actions import GalleryItem
    from minimax_studio.viewmodels.services import Services

__all__ = ["GalleryActions", "attach_gallery_actions"]


class GalleryActions(QObject):
    def __init__(self, tab: GalleryTab, services: Services, window: MainWindow | None) -> None:
        super().__init__(tab)
        self.tab = tab
        self.services = services
        self.window = window
        models = tab.models  # built by viewmodels/tab_models.gallery_models with the tab
        self.vm: GalleryActionsVM = models.actions
        self.vm.setParent(self)
        self.importer: LibraryImportVM | None = models.importer
        if self.importer is not None:
            self.importer.setParent(self)
        self._remote = models.remote
        self._remix_undo: tuple[Any, dict[str, Any]] | None = None

        self.detail = GalleryDetail(services.runner, tab.detail_host)
        tab.detail_layout.addWidget(self.detail)
        tab.splitter.setSizes([700, 420])
        self._remember_split(tab.splitter, "split:gallery")
        self._remember_split(self.detail.splitter, "split:gallery-detail")
        self.add_row = ProgressRow("galleryAddProgress", tab)
        self.import_row = ProgressRow("galleryImportProgress", tab)
        tab_layout = cast(QVBoxLayout, tab.layout())  # GalleryTab is one column
        tab_layout.insertWidget(2, self.add_row)
        tab_layout.insertWidget(3, self.import_row)
        self.undo_bar = UndoBar()
        status = window.statusBar() if window is not None and hasattr(window, "statusBar") else None
        if status is not None:
            # Permanent: a passing status message would hide a normal status-bar widget.
            status.insertPermanentWidget(0, self.undo_bar)
        else:
            tab_layout.insertWidget(2, self.undo_bar)
        self._build_actions()
        self._wire()

    # --- building ---------------------------------------------------------------------------
    def _action(self, name: str, text: str, slot: Any, keys: str | QKeySequence | None = None,
                tip: str = "") -> QAction:
        act = QAction(text, self.tab)
        act.setObjectName(name)
        if keys:
            act.setShortcut(QKeySequence(keys))
            # Keys act on the grid only: F or Delete typed in the search box stay text.
            act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.tab.grid.addAction(act)
        act.setToolTip(tip or text + (f" ({QKeySequence(keys).toString()})" if keys else ""))
        act.triggered.connect(slot)
        return act

    def _build_actions(self) -> None:
        a = self._action
        sel = self.tab.selected_items
        self.favorite = a("favorite", "★ Favorite", lambda: self.vm.toggle_favorite(sel()), "F")
        self.tags = a("tags", "Tags…", self.edit_tags)
        self.copy_prompt = a("copyPrompt", "Copy prompt", lambda: self.vm.copy_prompt(sel()),
                             "Ctrl+Shift+C")
        self.remix = a("remix", "Remix", self.remix_current, "Ctrl+R",
                       "Open the Video or Image tab with this item's exact request (Ctrl+R)")
        self.first_frame = a("firstFrame", "Use as first frame", self._on_current(self.vm.use_as_first_frame))
        self.reference = a("reference", "Use as reference", self._on_current(self.vm.use_as_reference))
        self.open = a("open", "Open with default app", lambda: self.vm.open(sel()))
        self.reveal = a("reveal", "Reveal in folder", lambda: self.vm.reveal(sel()))
        self.export = a("export", "Export…", self.export_selected)
        self.delete = a("delete", "Delete", lambda: self.vm.delete(sel()),
                        QKeySequence(QKeySequence.StandardKey.Delete),
                        "Move the files to the trash (Undo in the status bar)")
        self.delete_remote = a("deleteRemote", "Delete here and on Hailuo…", self.delete_on_hailuo)
        self.remove = a("remove", "Remove from library", lambda: self.vm.remove_from_library(sel()),
                        tip="Forget the items; their files stay on disk")
        self.locate = a("locate", "Locate…", self._on_current(self.locate_file))
        self.undo = a("undo", "Undo", self.vm.undo, QKeySequence(QKeySequence.StandardKey.Undo))
        # Hidden until the Agent tab says it can open one (set_conversation_opener).
        self.conversation = a("openConversation", "Open conversation", self._open_conversation)
        self.conversation.setVisible(False)
        self._conversation_opener: Callable[[int], None] | None = None
        self.add_files = a("addFiles", "Add files…", self.choose_files,
                           tip="Copy images, videos or audio into the library (or drop them here)")
        self.import_button = QToolButton(self.tab)
        self.import_button.setObjectName("importHailuo")
        self.import_button.setText("Import from Hailuo")
        self.import_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.import_menu = QMenu(self.import_button)
        self.import_menu.aboutToShow.connect(self._fill_import_menu)
        self.import_button.setMenu(self.import_menu)
        self.import_button.clicked.connect(lambda: self.start_import(None))
        if self.importer is None:
            self.import_button.setEnabled(False)
            self.import_button.setToolTip("Connect a token or the sandbox to import.")
        else:
            self.import_button.setToolTip("Download everything your Hailuo accounts made that "
                                          "is not in the library yet (the arrow picks one account)")
            self.tab.import_handler = lambda: self.start_import(None)
        tb = self.tab.toolbar
        for act in (self.favorite, self.remix, self.first_frame, self.export, self.delete):
            tb.addAction(act)
        # Everything the context menu has, for people who do not right-click.
        self.more_button = QToolButton(self.tab)
        self.more_button.setObjectName("galleryMore")
        self.more_button.setText("More")
        self.more_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.more_menu = QMenu(self.more_button)
        self._fill_item_menu(self.more_menu)
        self.more_button.setMenu(self.more_menu)
        tb.addWidget(self.more_button)
        tb.addSeparator()
        tb.addAction(self.add_files)
        tb.addWidget(self.import_button)
        self.tab.grid.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tab.grid.customContextMenuRequested.connect(self._context_menu)

    def _on_current(self, fn: Any) -> Any:
        def run() -> None:
            item = self.tab.current_item()
            if item is not None:
                fn(item)
        return run

    def _wire(self) -> None:
        tab, vm = self.tab, self.vm
        tab.selectionChanged.connect(self._selection)
        tab.model.itemUpdated.connect(self._item_updated)
        tab.grid.activated.connect(lambda _i: self.detail.open_full_view())  # Enter / double click
        tab.grid.installEventFilter(self)
        tab.grid.viewport().installEventFilter(self)
        tab.grid.viewport().setAcceptDrops(True)
        tab.setAcceptDrops(True)
        tab.installEventFilter(self)
        vm.itemsChanged.connect(self._items_changed)
        vm.itemsRemoved.connect(self._items_removed)
        vm.itemsRestored.connect(lambda _items: tab.model.reload())
        vm.undoChanged.connect(lambda text: self.undo_bar.offer(text, vm.undo))
        vm.remixRequested.connect(self._remix)
        vm.firstFrameRequested.connect(self._first_frame)
        vm.lastFrameRequested.connect(self._last_frame)
        vm.referenceRequested.connect(self._reference)
        vm.message.connect(self._say)
        vm.failed.connect(self._fail)
        vm.addProgress.connect(lambda d, t, name: self.add_row.running(
            f"Adding files to the library: {d} of {t} — {name}", d, t))
        vm.addFinished.connect(self.add_row.finished)
        self.add_row.cancel.clicked.connect(vm.cancel_add)
        self.detail.locateRequested.connect(self.locate_file)
        self.detail.stepRequested.connect(self.step)
        self.detail.removeRequested.connect(lambda item: vm.remove_from_library([item]))
        if self.importer is not None:
            imp = self.importer
            imp.progress.connect(lambda text, listed, done: self.import_row.running(
                f"{text} — {done} imported so far", 0, 0))
            imp.finished.connect(self.import_row.finished)
            imp.accountsLoaded.connect(self._accounts_loaded)
            self.import_row.cancel.clicked.connect(imp.cancel)
        self._update_enabled([])

    def _remember_split(self, splitter: Any, key: str) -> None:
        """Splitter sizes are the person's choice: kept in the settings' ``extra`` (as the
        Video/Image tabs keep theirs), one write when a drag ends."""
        settings = getattr(self.services, "settings", None)
        extra = getattr(settings, "extra", None)
        if not isinstance(extra, dict):
            return
        saved = extra.get(key)
        if isinstance(saved, list) and len(saved) == 2 and all(isinstance(v, int) for v in saved):
            splitter.setSizes(saved)
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(800)
        timer.timeout.connect(self.services.save_settings)

        def remember(*_: Any) -> None:
            extra[key] = [int(v) for v in splitter.sizes()]
            timer.start()

        splitter.splitterMoved.connect(remember)

    def shutdown(self) -> None:
        """The tab goes away (session closed): stop the player and the background work,
        and take the Undo button out of the window's status bar."""
        self.detail.stop()
        self.vm.cancel_add()
        if self.importer is not None:
            self.importer.cancel()
        self.undo_bar.hide()
        self.undo_bar.deleteLater()

    # --- selection ----------------------------------------------------------------------------
    def _selection(self, items: list[GalleryItem]) -> None:
        self.detail.show_items(items, self.tab.current_item())
        self._update_enabled(items)

    def _update_enabled(self, items: list[GalleryItem]) -> None:
        one = len(items) >= 1
        current = self.tab.current_item()
        media = current is not None and current.kind in ("video", "image")
        for act in (self.favorite, self.tags, self.copy_prompt, self.open, self.reveal,
                    self.export, self.delete, self.delete_remote, self.remove):
            act.setEnabled(one)
        self.remix.setEnabled(bool(media and current and current.model))
        self.first_frame.setEnabled(media)
        self.reference.setEnabled(current is not None)
        self.locate.setEnabled(current is not None and not current.exists)
        self.conversation.setEnabled(current is not None and current.source == "agent"
                                     and bool(current.job_id))
        self.delete_remote.setEnabled(one and self._remote)

    def _item_updated(self, item_id: int) -> None:
        if self.detail.item is not None and self.detail.item.id == item_id:
            row = self.tab.model.row_of(item_id)
            item = self.tab.model.item_at(row) if row >= 0 else None
            if item is not None:
                self.detail.show_item(item)

    def _items_changed(self, items: list[GalleryItem]) -> None:
        for item in items:
            self.tab.model.update_item(item)
            if self.detail.item is not None and self.detail.item.id == item.id:
                self.detail.show_item(item)
        self._update_enabled(self.tab.selected_items())

    def _items_removed(self, ids: list[int]) -> None:
        if self.detail.item is not None and self.detail.item.id in ids:
            self.detail.show_item(None)
        self.tab.model.remove_ids(ids)

    def _context_menu(self, pos: Any) -> None:
        if not self.tab.selected_items():
            idx = self.tab.grid.indexAt(pos)
            if idx.isValid():
                self.tab.grid.setCurrentIndex(idx)
        menu = QMenu(self.tab.grid)
        self._fill_item_menu(menu)
        menu.exec(self.tab.grid.viewport().mapToGlobal(pos))

    def _fill_item_menu(self, menu: QMenu) -> None:
        for act in (self.favorite, self.tags, self.copy_prompt, None, self.remix, self.first_frame,
                    self.reference, None, self.open, self.reveal, self.export, None, self.delete,
                    self.delete_remote, self.remove, self.locate, self.conversation, None,
                    self.undo):
            if act is None:
                menu.addSeparator()
            else:
                menu.addAction(act)

    # --- dialogs --------------------------------------------------------------------------------
    def edit_tags(self) -> None:
        items = self.tab.selected_items()
        if not items:
            return
        common = ", ".join(items[0].tags) if len(items) == 1 else ""
        text, ok = QInputDialog.getText(self.tab, "Tags", "Tags, separated by commas:", text=common)
        if ok:
            self.vm.set_tags(items, [t for t in (p.strip() for p in text.split(",")) if t])

    def export_selected(self) -> None:
        items = self.tab.selected_items()
        if items:
            folder = QFileDialog.getExistingDirectory(self.tab, "Export to folder")
            if folder:
                self.vm.export(items, Path(folder))

    def delete_on_hailuo(self) -> None:
        items = self.tab.selected_items()
        if not items:
            return
        answer = QMessageBox.question(
            self.tab, "Delete on Hailuo too?",
            f"Move {len(items)} file(s) to the trash and also delete the results on their "
            "Hailuo accounts? The files can be restored with Undo; the deletion on Hailuo "
            "cannot be undone.")
        if answer == QMessageBox.StandardButton.Yes:
            self.vm.delete(items, on_hailuo=True)

    def locate_file(self, item: GalleryItem) -> None:
        path, _ = QFileDialog.getOpenFileName(self.tab, f"Where is {item.path.name} now?",
                                              str(item.path.parent))
        if path:
            self.vm.locate(item, Path(path))

    def choose_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self.tab, "Add files to the library", "",
                                                "Media (*.png *.jpg *.jpeg *.webp *.gif *.bmp *.mp4 "
                                                "*.mov *.webm *.mkv *.m4v *.mp3 *.wav *.m4a *.ogg *.flac)")
        if paths:
            self.add_paths([Path(p) for p in paths])

    def add_paths(self, paths: list[Path]) -> Any:
        self.add_row.running("Looking at the dropped files…")
        return self.vm.add_paths(paths)

    # --- import from Hailuo ----------------------------------------------------------------------
    def _fill_import_menu(self) -> None:
        self.import_menu.clear()
        self.import_menu.addAction("All accounts", lambda: self.start_import(None))
        self.import_menu.addAction("Loading the accounts…").setEnabled(False)
        if self.importer is not None:
            self.importer.load_accounts()

    def _accounts_loaded(self, accounts: list[str]) -> None:
        self.import_menu.clear()
        self.import_menu.addAction("All accounts", lambda: self.start_import(None))
        self.import_menu.addSeparator()
        for acc in accounts:
            act = self.import_menu.addAction(f"Account {acc}")
            act.setData(acc)
            act.triggered.connect(lambda _=False, a=str(acc): self.start_import(a))

    def start_import(self, account: str | None) -> Any:
        if self.importer is None:
            return None
        self.import_row.running("Importing from Hailuo…")
        return self.importer.start(account)

    # --- into the Video / Image tabs ------------------------------------------------------------
    def _form_tab(self, kind: str) -> tuple[Any, Any]:
        name = "Video" if kind == "video" else "Image"
        if self.window is None:  # a Gallery on its own (tests): no forms to fill
            return None, name
        try:
            tab = self.window.tab(name)
        except (AttributeError, ValueError):
            return None, name
        return getattr(tab, "form", None), name

    def set_conversation_opener(self, opener: Callable[[int], None] | None) -> None:
        """The Agent tab's hook: ``opener(job_id)`` shows the conversation an agent result
        came from (the item's ``job_id``). Until it is set the action stays hidden."""
        self._conversation_opener = opener
        self.conversation.setVisible(opener is not None)
        if opener is not None:
            self.vm.openConversationRequested.connect(opener)

    def _open_conversation(self) -> None:
        item = self.tab.current_item()
        if item is not None and item.source == "agent" and item.job_id:
            self.vm.openConversationRequested.emit(int(item.job_id))

    def step(self, offset: int) -> None:
        """The previous / next item (←/→ in the full-window viewer, which follows)."""
        grid = self.tab.grid
        row = grid.currentIndex().row() + offset
        if 0 <= row < self.tab.model.rowCount():
            grid.setCurrentIndex(self.tab.model.index(row))
            grid.scrollTo(self.tab.model.index(row))

    def remix_current(self) -> None:
        item = self.tab.current_item()
        if item is not None:
            self.vm.remix(item)

    def _remix(self, kind: str, request: dict[str, Any]) -> None:
        form, name = self._form_tab(kind)
        if form is None:
            self._fail(f"The {name} tab is not open yet, so the request cannot be loaded.")
            return
        before = form.build_request()  # the one Undo step
        form.load_request(request)
        self._remix_undo = (form, before)
        if self.window is not None:
            self.window.select_tab(name)
        self.undo_bar.offer(f"{name} form filled from the Gallery", self.undo_remix)

    def undo_remix(self) -> None:
        undo, self._remix_undo = self._remix_undo, None
        if undo is not None:
            form, before = undo
            form.load_request(before)
            self._say("The form is back to what it was before the remix.")

    def _first_frame(self, path: str) -> None:
        form, name = self._form_tab("video")
        if form is None or not hasattr(form, "use_as_first_frame"):
            self._fail("The Video tab is not open yet.")
            return
        form.use_as_first_frame(path)
        if self.window is not None:
            self.window.select_tab(name)

    def _last_frame(self, item: GalleryItem, path: str) -> None:
        """A video's last frame: read with the detail pane's player, saved as a PNG."""
        def ready(image: QImage | None) -> None:
            if image is None:
                self._fail("Could not read the last frame of this video.")
                return
            frames = app_paths().cache_dir / "frames"
            frames.mkdir(parents=True, exist_ok=True)
            dest = frames / f"gallery-{item.id}-last-frame.png"
            if not image.save(str(dest)):
                self._fail(f"Could not save the last frame to {dest}.")
                return
            self._first_frame(str(dest))

        self.detail.preview.capture_last_frame(Path(path), ready)

    def _reference(self, kind: str, path: str) -> None:
        form, name = self._form_tab(kind)
        if form is None:
            self._fail(f"The {name} tab is not open yet.")
            return
        form.add_files([path])
        if self.window is not None:
            self.window.select_tab(name)

    # --- messages ---------------------------------------------------------------------------------
    def _say(self, text: str) -> None:
        status = self.window.statusBar() if self.window is not None else None
        if status is not None:
            status.showMessage(text, 6000)
        else:
            self.services.notifier.info("Gallery", text)

    def _fail(self, text: str) -> None:
        self.services.notifier.warning("Gallery", text)

    # --- keys and drops ---------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        t = event.type()
        if watched is self.tab.grid and t == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() == Qt.Key.Key_Space and not event.modifiers():
                self.detail.toggle_play()  # not the list's "select current"
                return True
        if t in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            assert isinstance(event, QDragMoveEvent)
            if event.source() is None and local_files(event.mimeData()):
                event.acceptProposedAction()  # from outside the app: add to the library
                return True
        elif t == QEvent.Type.Drop:
            assert isinstance(event, QDropEvent)
            files = local_files(event.mimeData()) if event.source() is None else []
            if files:
                event.acceptProposedAction()
                self.add_paths([Path(f) for f in files])
                return True
        return super().eventFilter(watched, event)


def attach_gallery_actions(tab: GalleryTab, services: Services,
                           window: MainWindow | None) -> GalleryActions:
    handle = GalleryActions(tab, services, window)
    tab.gallery_actions = handle
    return handle
