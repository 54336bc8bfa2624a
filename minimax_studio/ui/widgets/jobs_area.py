"""The right-hand side of the Video and Image tabs: the jobs panel over the selected job's
result, in one splitter. ``mount_jobs_area`` wires it to its view-models (built from the
session by ``viewmodels.tab_models.jobs_models``), the task runner and the window, so a tab
builder needs one call::

    area = mount_jobs_area(models.jobs, services.runner, window, "video")
    tab.set_side_widget(area)
    area.job_actions.reuseRequested.connect(lambda kind, request: form.load_request(request))
    area.job_actions.firstFrameRequested.connect(form.use_first_frame)
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QSplitter, QTabWidget, QVBoxLayout, QWidget

from minimax_studio.paths import app_paths
from minimax_studio.ui.widgets.jobs_panel import JobsPanel
from minimax_studio.ui.widgets.media_preview import ResultPane
from minimax_studio.ui.widgets.notifications import JobNotifications
from minimax_studio.viewmodels.job_actions import JobActionsVM
from minimax_studio.viewmodels.jobs_model import JobsModel
from minimax_studio.viewmodels.result_vm import ResultVM

if TYPE_CHECKING:
    from minimax_studio.ui.main_window import MainWindow
    from minimax_studio.viewmodels.tab_models import JobsModels
    from minimax_studio.viewmodels.tasks import TaskRunner


class JobsArea(QWidget):
    def __init__(self, model: JobsModel, actions: JobActionsVM, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"jobsArea-{model.kind.value}")
        self.model = model
        self.job_actions = actions
        self.result_vm = ResultVM(self)
        self.panel = JobsPanel(model, actions)
        self.result = ResultPane(self.result_vm)
        self.panel.jobSelected.connect(self.result_vm.set_job)
        actions.lastFrameRequested.connect(self._use_last_frame)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.panel)
        split.addWidget(self.result)
        # The result preview gets the larger share and never shrinks to a sliver: the
        # list scrolls, a 70 px video does not help anyone.
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setSizes([350, 650])
        self.panel.setMinimumHeight(140)
        self.result.setMinimumSize(240, 260)
        self.split = split
        split.setChildrenCollapsible(False)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(split)

    def _use_last_frame(self, job: Any, path: str) -> None:
        self.panel.select_job(job.id)  # the preview loads that video (built once, not here)
        self.result.preview.capture_last_frame(Path(path), lambda img: self._frame_ready(job, img))

    def _frame_ready(self, job: Any, image: QImage | None) -> None:
        if image is None:
            self.panel.show_message("Could not read the last frame of this video.")
            return
        frames = app_paths().cache_dir / "frames"
        frames.mkdir(parents=True, exist_ok=True)
        dest = frames / f"job-{job.id}-last-frame.png"
        if not image.save(str(dest)):
            self.panel.show_message(f"Could not save the last frame to {dest}.")
            return
        self.job_actions.firstFrameRequested.emit(str(dest))

    def shutdown(self) -> None:
        """The tab is going away (session closed): stop listening and playing."""
        self.model.stop()
        self.result.preview.player.stop()


def mount_jobs_area(models: JobsModels, runner: TaskRunner, window: MainWindow, kind: str, *,
                    tab_name: str | None = None) -> JobsArea:
    """A JobsArea for ``kind`` ("video" / "image") on view-models already built
    (``viewmodels.tab_models.jobs_models``): the model is fed by the engine's events through
    the task runner, the tab title shows the running count ("Video (3)"), and a tray message
    announces finished jobs while the window is in the background."""
    model, actions = models.model, models.actions
    area = JobsArea(model, actions)
    name = tab_name or kind.capitalize()
    tabs: QTabWidget | None = getattr(window, "tabs", None)

    def retitle(n: int) -> None:
        if tabs is None:
            return
        for i in range(tabs.count()):
            w = tabs.widget(i)
            if w is not None and (w is area or w.isAncestorOf(area)):
                tabs.setTabText(i, f"{name} ({n})" if n else name)

    model.runningCountChanged.connect(retitle)
    notes = JobNotifications(window, parent=area)
    notes.watch(model)
    model.start(runner.spawn)
    return area
