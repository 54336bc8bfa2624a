"""The jobs panel: one QListView over a JobsModel, painted by ``JobDelegate`` (no item
widgets, so 500 jobs cost 500 rows of data, not 500 widget trees), with a context menu
built from the job's state and an inline line for action failures (never a dialog).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QListView,
    QMenu,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from minimax_studio.ui.widgets.job_delegate import JobDelegate
from minimax_studio.viewmodels.job_actions import (
    LABELS,
    JobAction,
    JobActionsVM,
    actions_for,
    confirmation_for,
)
from minimax_studio.viewmodels.jobs_model import JobRole, JobsModel

if TYPE_CHECKING:
    from minimax_studio.viewmodels.job_actions import JobSnapshot as Job

_ELAPSED_ONLY = {int(JobRole.ELAPSED), int(JobRole.ELAPSED_TEXT), int(JobRole.ROW)}


class _JobList(QListView):
    """A list that says something useful when it is empty."""

    empty_text = "No jobs yet. Generated results appear here while they run."
    deletePressed = Signal()
    #: The Menu key or Shift+F10: the keyboard's right-click.
    menuKeyPressed = Signal()

    def paintEvent(self, event: Any) -> None:
        super().paintEvent(event)
        if self.model() is not None and self.model().rowCount() == 0:
            p = QPainter(self.viewport())
            p.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            p.drawText(self.viewport().rect().adjusted(16, 16, -16, -16),
                       Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.empty_text)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Delete:
            self.deletePressed.emit()
            return
        if event.key() == Qt.Key.Key_Menu or (
                event.key() == Qt.Key.Key_F10
                and event.modifiers() & Qt.KeyboardModifier.ShiftModifier):
            self.menuKeyPressed.emit()
            return
        super().keyPressEvent(event)


class JobsPanel(QWidget):
    """The list, its context menu and an inline line for action failures (never a dialog)."""

    #: the selected job (a ``core.jobs.Job`` snapshot) or None; re-emitted when it changes.
    jobSelected = Signal(object)

    def __init__(self, model: JobsModel, actions: JobActionsVM, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.job_actions = actions
        self.view = _JobList(self)
        self.view.setObjectName("jobsList")
        self.view.setModel(model)
        self.view.setItemDelegate(JobDelegate(self.view))
        self.view.setUniformItemSizes(True)  # all rows one height: no per-row sizeHint on scroll
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        # Finished results drag out onto a slot of either tab (as files); nothing drops in.
        self.view.setDragEnabled(True)
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.view.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.view.setMouseTracking(True)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._show_menu)
        self.view.deletePressed.connect(self._delete_selected)
        self.view.menuKeyPressed.connect(self._menu_from_keyboard)
        self.view.activated.connect(self._activated)
        self.message = QLabel(self)
        self.message.setObjectName("jobsMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.view, 1)
        lay.addWidget(self.message)

        self.view.selectionModel().currentChanged.connect(lambda *_: self._emit_selected())
        model.dataChanged.connect(self._data_changed)
        model.modelReset.connect(self._emit_selected)
        model.rowsRemoved.connect(lambda *_: self._emit_selected())
        model.streamError.connect(self.show_message)
        actions.failed.connect(self.show_message)
        self.menu: QMenu | None = None
        self._confirm_box: QMessageBox | None = None

    # --- selection ----------------------------------------------------------------------------
    def selected_job(self) -> Job | None:
        idx = self.view.currentIndex()
        return idx.data(JobRole.JOB) if idx.isValid() else None

    def select_job(self, job_id: int) -> None:
        row = self.model.row_of(job_id)
        if row >= 0:
            self.view.setCurrentIndex(self.model.index(row))

    def _emit_selected(self) -> None:
        self.jobSelected.emit(self.selected_job())

    def _data_changed(self, top: QModelIndex, bottom: QModelIndex, roles: list[int] | None = None) -> None:
        cur = self.view.currentIndex()
        if not cur.isValid() or not top.row() <= cur.row() <= bottom.row():
            return
        if roles and (set(roles) <= _ELAPSED_ONLY or int(JobRole.THUMBNAIL) in roles):
            return  # the once-a-second clock and thumbnails do not change the result pane
        self._emit_selected()

    def _activated(self, index: QModelIndex) -> None:
        job = index.data(JobRole.JOB)
        if job is not None and JobAction.OPEN in self.available_actions(job):
            self.run_action(JobAction.OPEN, job)

    # --- actions ------------------------------------------------------------------------------
    def available_actions(self, job: Job) -> tuple[JobAction, ...]:
        has_file = bool(self.model.data(self.model.index(self.model.row_of(job.id)), JobRole.RESULT_PATH))
        return actions_for(job.state.value, has_file=has_file,
                           elsewhere=self.model.runs_elsewhere(job))

    def build_menu(self, job: Job) -> QMenu:
        menu = QMenu(self)
        acts = self.available_actions(job)
        for i, action in enumerate(acts):
            if action is JobAction.REMOVE and i:
                menu.addSeparator()
            qa = menu.addAction(LABELS[action] + ("…" if confirmation_for(action, job.state.value) else ""))
            qa.setData(action.value)
            qa.triggered.connect(lambda _=False, a=action, j=job: self.run_action(a, j))
        if job.state.value == "needs_attention" and job.reason:
            menu.setToolTipsVisible(True)
            menu.setToolTip(job.reason)
        return menu

    def _show_menu(self, pos: QPoint) -> None:
        idx = self.view.indexAt(pos)
        if not idx.isValid():
            return
        self.view.setCurrentIndex(idx)
        self.menu = self.build_menu(idx.data(JobRole.JOB))
        self.menu.popup(self.view.viewport().mapToGlobal(pos))

    def _menu_from_keyboard(self) -> None:
        """The selected job's menu, opened under its row (the first row when none is)."""
        idx = self.view.currentIndex()
        if not idx.isValid() and self.model.rowCount() > 0:
            idx = self.model.index(0)
            self.view.setCurrentIndex(idx)
        if not idx.isValid():
            return
        rect = self.view.visualRect(idx)
        self._show_menu(rect.topLeft() + QPoint(24, rect.height() // 2))

    def _delete_selected(self) -> None:
        job = self.selected_job()
        if job is not None and JobAction.REMOVE in self.available_actions(job):
            self.run_action(JobAction.REMOVE, job)

    def run_action(self, action: JobAction, job: Job) -> None:
        """Run ``action``, asking first when it may cost credits or cannot be undone. The
        question box is opened with ``open()`` (never ``exec()``) so no loop nests."""
        self.message.hide()
        question = confirmation_for(action, job.state.value)
        if question is None:
            self.job_actions.trigger(action, job)
            return
        box = QMessageBox(QMessageBox.Icon.Question, LABELS[action], question,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("confirmJobAction")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.finished.connect(lambda result, a=action, j=job: self._confirmed(result, a, j))
        self._confirm_box = box
        box.open()

    def _confirmed(self, result: int, action: JobAction, job: Job) -> None:
        self._confirm_box = None
        if result == QMessageBox.StandardButton.Yes.value:
            self.job_actions.trigger(action, job)

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()
