"""Driving the whole app as a person does, for the end-to-end tests: open the sandbox,
find the Video / Image tab, watch a job in the panel, read what the preview shows, and
photograph the window with the video frame in it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QPainter, QPixmap

from minimax_studio.ui.tabs.generate_tabs import GenerateTab
from minimax_studio.viewmodels.jobs_model import JobRole
from tests.ui.studio_support import StudioRig

FINAL = {"completed", "failed", "moderated", "cancelled", "needs_attention"}


def app_on_sandbox(rig_factory: Any, sandbox: Any) -> StudioRig:
    """The app started and connected to ``sandbox``, as after "Try the sandbox"."""
    rig: StudioRig = rig_factory()
    rig.start()
    rig.connect_sandbox(sandbox)
    return rig


def generate_tab(rig: StudioRig, name: str) -> GenerateTab:
    """The mounted tab (the builders run once the session opens), brought to the front."""
    rig.qtbot.waitUntil(lambda: isinstance(rig.window.tab(name), GenerateTab), timeout=10_000)
    rig.window.select_tab(name)
    tab = rig.window.tab(name)
    assert isinstance(tab, GenerateTab)
    return tab


class StateLog:
    """Every state the panel showed for its rows (what a person watching would have seen)."""

    def __init__(self, tab: GenerateTab) -> None:
        self.model = tab.jobs.model
        self.seen: dict[int, list[str]] = {}
        self.model.dataChanged.connect(self._record)
        self.model.rowsInserted.connect(self._record)
        self.model.modelReset.connect(self._record)

    def _record(self, *_: Any) -> None:
        for row in range(self.model.rowCount()):
            idx = self.model.index(row)
            job_id = idx.data(JobRole.ID)
            text = f"{idx.data(JobRole.STATE)}|{idx.data(JobRole.STATE_TEXT)}"
            states = self.seen.setdefault(job_id, [])
            if not states or states[-1] != text:
                states.append(text)

    def states(self, job_id: int) -> list[str]:
        return [s.split("|", 1)[0] for s in self.seen.get(job_id, [])]

    def texts(self, job_id: int) -> list[str]:
        return [s.split("|", 1)[1] for s in self.seen.get(job_id, [])]


def row_state(tab: GenerateTab, job_id: int) -> str | None:
    model = tab.jobs.model
    row = model.row_of(job_id)
    return None if row < 0 else str(model.index(row).data(JobRole.STATE))


def wait_state(rig: StudioRig, tab: GenerateTab, job_id: int, states: set[str],
               timeout: int = 15_000) -> str:
    rig.qtbot.waitUntil(lambda: row_state(tab, job_id) in states, timeout=timeout)
    return str(row_state(tab, job_id))


def click_row(rig: StudioRig, tab: GenerateTab, job_id: int) -> None:
    view = tab.jobs.panel.view
    rect = view.visualRect(tab.jobs.model.index(tab.jobs.model.row_of(job_id)))
    rig.qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def received(sb: Any, method: str, path_contains: str) -> list[Any]:
    return [r for r in sb.received if r.method == method and path_contains in r.path]


def window_shot(window: Any, tab: GenerateTab, path: Path) -> Path:
    """The window as a person sees it. ``QWidget.grab`` leaves a video widget blank (grey,
    PLATFORM-NOTES §7), so the preview's own snapshot — with the decoded frame — is
    painted over its place."""
    pix: QPixmap = window.grab()
    preview = tab.jobs.result.preview
    if preview.isVisible() and preview.kind == "video":
        painter = QPainter(pix)
        painter.drawPixmap(preview.mapTo(window, QPoint(0, 0)), preview.snapshot())
        painter.end()
    assert pix.save(str(path)), f"could not save {path}"
    return path
