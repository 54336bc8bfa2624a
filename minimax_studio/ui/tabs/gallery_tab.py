"""The Gallery tab: the find bar, a toolbar, the thumbnail grid, and on the right a host for
the detail pane (built by ``gallery_actions``).

Contract with the detail pane and actions (``ui/tabs/gallery_actions.py``):
``tab.model`` (``GalleryModel``: ``item_at``, ``update_item``, ``remove_ids``, ``reload``),
``tab.grid`` (the ``QListView``), ``tab.detail_host`` (an empty ``QVBoxLayout`` to fill),
``tab.toolbar`` (a ``QToolBar`` to add actions to), ``selected_items()``,
``current_item()`` and the ``selectionChanged(list)`` signal.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from minimax_studio.ui.tabs.gallery_actions import GalleryActions, attach_gallery_actions
from minimax_studio.ui.theme import restyle_tree
from minimax_studio.ui.widgets.gallery_filters import GalleryFilters
from minimax_studio.ui.widgets.gallery_grid import MAX_CELL, MIN_CELL, GalleryGrid
from minimax_studio.ui.widgets.gallery_posters import PosterGrabber
from minimax_studio.viewmodels.gallery_model import GalleryModel, GalleryRoles
from minimax_studio.viewmodels.gallery_thumbs import ThumbnailLoader
from minimax_studio.viewmodels.tab_models import GalleryModels, gallery_models

if TYPE_CHECKING:
    from minimax_studio.ui.main_window import MainWindow
    from minimax_studio.viewmodels.gallery_model import LibraryItem, LibraryQuery
    from minimax_studio.viewmodels.services import Services

log = logging.getLogger(__name__)

__all__ = ["GalleryTab", "build_gallery_tab", "format_count"]

#: How often the model and account filters are read again while the library changes.
CHOICES_REFRESH_MS = 10_000


def format_count(shown: int, exact: bool, total: int, filtered: bool) -> str:
    """ "1 234 of 18 500" with thin spaces as thousands separators; "1 000+ of …" when the
    filtered count stopped early (see ``library.COUNT_CAP``)."""

    def n(v: int) -> str:
        return f"{v:,}".replace(",", " ")

    if not filtered:
        return f"{n(total)} item{'s' if total != 1 else ''}"
    return f"{n(shown)}{'' if exact else '+'} of {n(total)}"


class _EmptyPage(QWidget):
    """What the grid area shows when there is nothing to show, with the way forward."""

    def __init__(self, title: str, text: str, buttons: list[tuple[str, str]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel(title, self)
        self.title.setStyleSheet("font-size: 17px; font-weight: 700;")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text = QLabel(text, self)
        self.text.setWordWrap(True)
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        row.addStretch(1)
        for name, label in buttons:
            b = QPushButton(label, self)
            b.setObjectName(name)
            self.buttons[name] = b
            row.addWidget(b)
        row.addStretch(1)
        lay = QVBoxLayout(self)
        lay.addStretch(1)
        lay.addWidget(self.title)
        lay.addWidget(self.text)
        lay.addSpacing(8)
        lay.addLayout(row)
        lay.addStretch(2)


class GalleryTab(QWidget):
    #: the selected items (list[LibraryItem]) changed
    selectionChanged = Signal(list)

    def __init__(self, services: Services, window: MainWindow | None = None,
                 parent: QWidget | None = None, *, models: GalleryModels | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("galleryTab")
        self._services = services
        self._window = window
        #: the view-models (viewmodels/tab_models.py); GalleryActions takes its share
        self.models = models = models or gallery_models(services)
        runner = services.runner
        self.model: GalleryModel = models.model
        self.model.setParent(self)
        self.loader: ThumbnailLoader = models.loader
        self.loader.setParent(self)
        #: B2's "Import from Hailuo" (a callable); the empty library offers it when set
        self.import_handler: Callable[[], None] | None = None
        #: B2's handle (detail pane, actions), set by ``attach_gallery_actions``
        self.gallery_actions: GalleryActions | None = None

        self.filters = GalleryFilters(self)
        self.toolbar = QToolBar("Gallery", self)
        self.toolbar.setObjectName("galleryToolbar")
        self.count_label = QLabel("", self)
        self.count_label.setObjectName("galleryCount")
        self.size_slider = QSlider(Qt.Orientation.Horizontal, self)
        self.size_slider.setObjectName("gallerySize")
        self.size_slider.setRange(MIN_CELL, MAX_CELL)
        self.size_slider.setFixedWidth(120)
        self.size_slider.setToolTip("Thumbnail size (or Ctrl+wheel over the grid)")
        self.error_label = QLabel("", self)
        self.error_label.setObjectName("galleryError")
        self.error_label.setWordWrap(True)
        self.error_label.hide()

        self.grid = GalleryGrid(self.loader, self)
        self.posters = PosterGrabber(runner, services.paths.thumbnails_dir, self._poster_made, self)
        self.grid.retain_hooks.append(self.posters.retain)
        self.loader.thumbnailReady.connect(self._maybe_poster)
        self.grid.setModel(self.model)
        self.size_slider.setValue(self.grid.cell_size())
        self.empty_library = _EmptyPage(
            "Your library is empty",
            "Everything you make lands here, searchable. Start with a video or an image"
            " — or bring in what your Hailuo accounts already made.",
            [("makeVideo", "Make a video"), ("makeImage", "Make an image"),
             ("importHailuo", "Import from Hailuo")], self)
        self.no_matches = _EmptyPage("Nothing matches", "No item matches the search and filters.",
                                     [("clearFilters", "Clear filters")], self)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.grid)
        self.stack.addWidget(self.empty_library)
        self.stack.addWidget(self.no_matches)

        self.detail_host = QWidget(self)
        self.detail_host.setObjectName("galleryDetailHost")
        self.detail_layout = QVBoxLayout(self.detail_host)
        self.detail_layout.setContentsMargins(0, 0, 0, 0)
        self.detail_host.setMinimumWidth(0)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.stack)
        self.splitter.addWidget(self.detail_host)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(True)

        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.toolbar, 1)
        bar.addWidget(self.count_label)
        bar.addSpacing(12)
        bar.addWidget(QLabel("Size", self))
        bar.addWidget(self.size_slider)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 8, 8, 8)
        lay.setSpacing(6)
        lay.addWidget(self.filters)
        lay.addLayout(bar)
        lay.addWidget(self.error_label)
        lay.addWidget(self.splitter, 1)

        # wiring
        self.filters.queryChanged.connect(self._query_changed)
        self.model.countChanged.connect(self._count_changed)
        self.model.errorChanged.connect(self._show_error)
        self.model.modelReset.connect(self._update_page)
        self.model.rowsInserted.connect(self._update_page)
        self.model.rowsRemoved.connect(self._update_page)
        self.model.itemUpdated.connect(self._item_updated)
        self.model.loadingChanged.connect(self._loading_changed)
        self.grid.selectionModel().selectionChanged.connect(self._selection_changed)
        self.grid.cellSizeChanged.connect(self.size_slider.setValue)
        self.size_slider.valueChanged.connect(self.grid.set_cell_size)
        self.no_matches.buttons["clearFilters"].clicked.connect(self.filters.clear)
        self.empty_library.buttons["makeVideo"].clicked.connect(lambda: self._go("Video"))
        self.empty_library.buttons["makeImage"].clicked.connect(lambda: self._go("Image"))
        self.empty_library.buttons["importHailuo"].clicked.connect(self._import)
        self._choices_timer = QTimer(self)
        self._choices_timer.setSingleShot(True)
        self._choices_timer.setInterval(CHOICES_REFRESH_MS)
        self._choices_timer.timeout.connect(self.refresh_choices)
        self._last_library_total = -1
        self._choices_read = False
        self.model.start()
        self._update_page()

    # --- the contract for the detail pane and actions ----------------------------------
    def selected_items(self) -> list[LibraryItem]:
        rows = sorted(i.row() for i in self.grid.selectionModel().selectedIndexes())
        out = []
        for r in rows:
            item = self.model.item_at(r)
            if item is not None:
                out.append(item)
        return out

    def current_item(self) -> LibraryItem | None:
        idx = self.grid.currentIndex()
        return self.model.item_at(idx.row()) if idx.isValid() else None

    def select_item(self, item_id: int) -> bool:
        row = self.model.row_of(item_id)
        if row < 0:
            return False
        idx = self.model.index(row)
        self.grid.setCurrentIndex(idx)
        self.grid.scrollTo(idx)
        return True

    # --- window hooks ---------------------------------------------------------------
    def refresh(self) -> None:
        """F5: read the library again."""
        self.model.reload()
        self.refresh_choices()

    def restyle(self) -> None:
        """After a live theme switch: style sheets re-resolved; cells drawn again in the
        new colours (the loader drops tiles drawn with the old style)."""
        restyle_tree(self)
        self.grid.delegate.restyle(self.grid.palette(), self.grid.font())
        self.grid.viewport().update()

    def shutdown(self) -> None:
        self.grid.stop_hover_play()
        self.posters.stop()
        self.model.stop()
        self.loader.stop()
        self._choices_timer.stop()
        self._services.runner.cancel(f"gallery-choices:{id(self):x}")
        actions = getattr(self, "gallery_actions", None)  # B2's handle, when attached
        if actions is not None:
            actions.shutdown()

    # --- reactions --------------------------------------------------------------------
    def _query_changed(self, query: LibraryQuery) -> None:
        self.grid.stop_hover_play()
        self.model.set_query(query, by_model=self.filters.by_model)

    def _count_changed(self, shown: int, exact: bool, total: int) -> None:
        self.count_label.setText(format_count(shown, exact, total, self.filters.is_filtered()))
        if total != self._last_library_total:
            if self._last_library_total >= 0 and not self._choices_timer.isActive():
                self._choices_timer.start()
            self._last_library_total = total

    def _show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    def _update_page(self, *_: Any) -> None:
        if self.model.rowCount() > 0 or self.model.loading:
            self.stack.setCurrentWidget(self.grid)
        elif self.model.library_total == 0 and not self.filters.is_filtered():
            self.empty_library.buttons["importHailuo"].setVisible(self.import_handler is not None)
            self.stack.setCurrentWidget(self.empty_library)
        else:
            self.stack.setCurrentWidget(self.no_matches)

    def _loading_changed(self, loading: bool) -> None:
        self._update_page()
        if not loading and not self._choices_read:
            # The filters' choices (the account list scans the index) are read after the
            # first screen, so they never queue in front of it on the index's thread.
            self._choices_read = True
            QTimer.singleShot(300, self.refresh_choices)

    def _maybe_poster(self, item_id: int) -> None:
        """A video drew without a picture (no cover, no ffmpeg): decode its first frame."""
        thumb = self.loader.peek(item_id)
        row = self.model.row_of(item_id)
        item = self.model.item_at(row) if row >= 0 else None
        if (item is not None and item.kind == "video" and thumb is not None
                and not thumb.has_picture and not thumb.missing and not thumb.problem):
            self.posters.want(item)

    def _poster_made(self, item: LibraryItem, path: Path | None) -> None:
        record = self.models.record_poster
        if path is None or record is None:
            return
        item.thumb_path = path
        self._services.runner.start(f"gallery-poster-index:{item.id}",
                                    record(item.id, path), notify=False,
                                    error_context="Recording a video poster")
        self.model.update_item(item)

    def _item_updated(self, item_id: int) -> None:
        self.loader.forget(item_id)
        self.grid.delegate.forget(item_id)

    def _selection_changed(self, *_: Any) -> None:
        self.selectionChanged.emit(self.selected_items())

    def _go(self, tab: str) -> None:
        if self._window is not None and hasattr(self._window, "select_tab"):
            self._window.select_tab(tab)

    def _import(self) -> None:
        if self.import_handler is not None:
            self.import_handler()

    def refresh_choices(self) -> None:
        """The model filter's counts and the account list, read off the GUI thread."""
        read = self.models.read_choices
        if read is None:
            return

        def show(result: tuple[list[tuple[str, int]], list[str]]) -> None:
            models, accounts = result
            self.filters.set_models(models)
            self.filters.set_accounts(accounts)

        self._services.runner.start(f"gallery-choices:{id(self):x}", read(), on_done=show,
                                    notify=False, error_context="Reading the filters",
                                    if_running="keep")


def build_gallery_tab(services: Services, window: MainWindow | None, *,
                      models: GalleryModels | None = None) -> QWidget:
    """``models`` from ``viewmodels.tab_models.gallery_models`` (``app.tab_builders`` passes
    them); left out, the tab asks that factory itself."""
    tab = GalleryTab(services, window, models=models)
    attach_gallery_actions(tab, services, window)  # detail pane, toolbar, menu, keys
    return tab


__all__ += ["GalleryRoles"]
