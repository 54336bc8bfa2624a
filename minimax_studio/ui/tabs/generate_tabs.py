"""The Video and Image tabs as the app mounts them: the form (on the session's engine and
the app's task runner) on the left, this kind's jobs panel and the selected result on the
right, and the panel's "Re-use settings" / "Use as first frame" wired back into a form.

``app.tab_builders()`` builds their view-models (``viewmodels/tab_models.py``) and hands them
to ``build_video_tab`` / ``build_image_tab``; they run each time a
session opens (sandbox or real token), and the window calls ``shutdown()`` on the old tab
when the session closes, so a switch never leaves a form talking to a closed engine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QVBoxLayout, QWidget

from minimax_studio.ui.tabs.image_tab import ImageTab
from minimax_studio.ui.tabs.video_tab import VideoTab
from minimax_studio.ui.theme import restyle_tree
from minimax_studio.ui.widgets.jobs_area import JobsArea, mount_jobs_area
from minimax_studio.viewmodels.form_common import FIX_ADD_ACCOUNT, FormModel

if TYPE_CHECKING:
    from minimax_studio.ui.main_window import MainWindow
    from minimax_studio.ui.tabs.form_tab import FormTab
    from minimax_studio.viewmodels.accounts_vm import AccountsVM
    from minimax_studio.viewmodels.services import Services
    from minimax_studio.viewmodels.tab_models import GenerateTabModels

__all__ = ["GenerateTab", "build_image_tab", "build_video_tab"]


class GenerateTab(QWidget):
    """One generation tab: ``form`` (the view-model), ``form_tab`` (its widgets, with the
    jobs area at its side) and ``jobs`` (panel + result). F5 and session close reach the
    window through ``refresh`` / ``shutdown``."""

    def __init__(self, kind: str, models: GenerateTabModels, services: Services,
                 window: MainWindow) -> None:
        super().__init__()
        self.setObjectName(f"{kind}GenerateTab")
        self.kind = kind
        self._services = services
        # Parented to the tab: deleting the tab deletes the form and its debounce timer.
        self.form: FormModel = models.form
        self.form.setParent(self)
        self.form_tab: FormTab = (VideoTab(self.form, self) if kind == "video"
                                  else ImageTab(self.form, self))
        self.jobs: JobsArea = mount_jobs_area(models.jobs, services.runner, window, kind)
        self.form_tab.set_side_widget(self.jobs)
        self._window = window
        self.form_tab.fixRequested.connect(self._fix)
        # The routing line follows the account board: added, removed, out of credits.
        accounts_vm = services.accounts_vm
        self._board: tuple[Any, ...] | None = None
        if accounts_vm is not None:
            if accounts_vm.loaded:
                self._board = _board_of(accounts_vm)
            accounts_vm.rowsChanged.connect(lambda: self._board_changed(accounts_vm))
        self._restore_split(services)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.form_tab)
        actions = self.jobs.job_actions
        actions.reuseRequested.connect(self._reuse)
        actions.firstFrameRequested.connect(lambda path: _use_as_first_frame(window, path))
        # The job just submitted is selected as soon as its row appears: the person watches
        # its progress and sees the result beside the form without hunting for it.
        self._follow: int | None = None
        self.form.submitted.connect(self._follow_job)
        self.jobs.model.rowsInserted.connect(self._select_followed)
        self.jobs.model.modelReset.connect(self._select_followed)

    def _board_changed(self, accounts_vm: AccountsVM) -> None:
        """Re-ask the route only when what routing depends on moved (accounts, max jobs,
        credits, health) — not on the board's first load, which the engine's router has
        just read itself, and not when only a countdown ticked."""
        board = _board_of(accounts_vm)
        before, self._board = self._board, board
        if before is not None and board != before:
            self.form.accounts_changed()

    def _fix(self, fix: str) -> None:
        """One click from a blocked Generate to what unblocks it."""
        try:
            self._window.select_tab("Accounts")
            accounts = self._window.tab("Accounts")
        except (AttributeError, ValueError, AssertionError):
            return
        if fix == FIX_ADD_ACCOUNT and hasattr(accounts, "open_add"):
            accounts.open_add()

    def _restore_split(self, services: Services) -> None:
        """Where the person put the handles — form | jobs, and jobs list over the result
        preview — is their choice: kept across sessions and restarts (settings.extra)."""
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(800)  # one write when the drag ends, not one per pixel
        self._save_timer.timeout.connect(services.save_settings)
        for name, splitter in (("split", self.form_tab.splitter),
                               ("preview-split", getattr(self.jobs, "split", None))):
            if splitter is None:
                continue
            key = f"{name}:{self.kind}"
            saved = services.settings.extra.get(key)
            if isinstance(saved, list) and len(saved) == splitter.count() \
                    and all(isinstance(v, int) and v > 0 for v in saved):
                splitter.setSizes(saved)

            def remember(*_: Any, key: str = key, splitter: Any = splitter) -> None:
                services.settings.extra[key] = [int(v) for v in splitter.sizes()]
                self._save_timer.start()

            splitter.splitterMoved.connect(remember)

    def _follow_job(self, job: Any) -> None:
        self._follow = getattr(job, "id", None)
        self._select_followed()

    def _select_followed(self, *_: Any) -> None:
        job_id = self._follow
        row = -1 if job_id is None else self.jobs.model.row_of(job_id)
        if job_id is not None and row >= 0:
            self._follow = None
            self.jobs.panel.select_job(job_id)
            self.jobs.panel.view.scrollTo(self.jobs.model.index(row))

    def _reuse(self, kind: str, request: dict[str, Any]) -> None:
        if kind == self.kind:
            self.form.load_request(request)
            self.form_tab.prompt.setFocus()

    def restyle(self) -> None:
        """The theme changed while the app runs: colours in style sheets follow it."""
        restyle_tree(self)

    def refresh(self) -> None:
        """F5: read this kind's jobs again from the journal and re-ask which account the
        current request would run on."""
        self.jobs.model.stop()
        self.jobs.model.start(self._services.runner.spawn)
        self.form.refresh_route()

    def shutdown(self) -> None:
        """The session closes (or the app quits): the form stops its timer and tasks, the
        jobs model stops following the engine, the player stops."""
        self.form.close()
        self.jobs.shutdown()
        if self._save_timer.isActive():  # a handle dragged just before closing: keep it
            self._save_timer.stop()
            self._services.save_settings()


def _board_of(accounts_vm: AccountsVM) -> tuple[Any, ...]:
    return tuple((r.account, r.max_jobs, r.credits, str(r.health))
                 for r in accounts_vm.model.rows())


def _use_as_first_frame(window: MainWindow | None, path: str) -> None:
    """A finished image (or a video's last frame) becomes the first frame of a new video:
    always the Video tab's form, whichever panel asked — and that tab comes forward."""
    if window is None:  # a tab shown on its own (tests, screenshots): no Video tab
        return
    try:
        video = window.tab("Video")
    except (AttributeError, ValueError):
        return
    form = getattr(video, "form", None)
    if isinstance(form, FormModel) and form.kind == "video":
        form.use_as_first_frame(path)
        window.select_tab("Video")


def build_video_tab(models: GenerateTabModels, services: Services, window: MainWindow) -> QWidget:
    return GenerateTab("video", models, services, window)


def build_image_tab(models: GenerateTabModels, services: Services, window: MainWindow) -> QWidget:
    return GenerateTab("image", models, services, window)
