"""The jobs panel driven by the real engine over the real sandbox: jobs appear, move through
readable states, finish with a result that plays inline; faults read as sentences; the
context menu follows the state. Screenshots land in test-artifacts/."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from minimax_studio.api.client import MiniMaxClient
from minimax_studio.core.engine import Engine, EngineConfig
from minimax_studio.core.jobs import JobKind
from minimax_studio.core.journal import Journal
from minimax_studio.core.library import Library
from minimax_studio.sandbox import Sandbox
from minimax_studio.ui.widgets.jobs_area import JobsArea
from minimax_studio.ui.widgets.jobs_panel import JobsPanel
from minimax_studio.ui.widgets.media_preview import ResultPane
from minimax_studio.ui.widgets.notifications import JobNotifications
from minimax_studio.viewmodels.job_actions import LABELS, JobAction, JobActionsVM
from minimax_studio.viewmodels.jobs_model import JobRole, JobsModel, library_thumbs

T = TypeVar("T")
FAST = EngineConfig(poll_initial=0.05, poll_interval=0.06, poll_max=0.3, backoff_factor=1.5,
                    busy_retry=0.1, route_refresh=0.05, reconcile_delay=0.05, transfer_retry=0.05,
                    lease_seconds=3.0, lease_renew=0.2)
RUNNING_WORDS = ("Queued", "Uploading", "Sending", "Waiting for Hailuo", "In Hailuo's queue", "Generating",
                 "Downloading")


@dataclass
class Rig:
    qtbot: Any
    engine: Engine
    model: JobsModel
    panel: JobsPanel
    pane: ResultPane
    window: JobsArea
    seen: dict[int, list[str]]

    def run(self, coro: Coroutine[Any, Any, T], timeout: int = 10000) -> T:
        """Run a coroutine on the qasync loop from this sync test (PLATFORM-NOTES §5 recipe A)."""
        fut = asyncio.ensure_future(coro)
        self.qtbot.waitUntil(fut.done, timeout=timeout)
        return fut.result()

    def submit(self, prompt: str, model: str = "T2V-01", **kw: Any) -> int:
        return self.run(self.engine.submit("video", {"model": model, "prompt": prompt}, **kw)).id

    def text(self, job_id: int) -> str:
        """The row as a person reads it: state text and reason."""
        idx = self.model.index(self.model.row_of(job_id))
        return f"{idx.data(JobRole.STATE_TEXT)} — {idx.data(JobRole.REASON) or ''}"

    def wait_state(self, job_id: int, state: str, timeout: int = 15000) -> None:
        self.qtbot.waitUntil(
            lambda: self.model.data(self.model.index(self.model.row_of(job_id)), JobRole.STATE) == state,
            timeout=timeout)


@pytest.fixture
def rig(qtbot: Any, qloop: Any, sandbox: Sandbox, tmp_path: Path) -> Iterator[Rig]:
    home = tmp_path / "rig"
    cfg = replace(FAST, library_dir=home / "library", thumbs_dir=home / "thumbs")

    async def setup() -> tuple[MiniMaxClient, Journal, Library, Engine]:
        client = MiniMaxClient(sandbox.token, sandbox.base_url)
        journal = await Journal.open(home / "journal.sqlite3")
        library = await Library.open(home / "library.sqlite3", home / "library")
        engine = Engine(client, journal, library, config=cfg)
        await engine.start()
        return client, journal, library, engine

    fut = asyncio.ensure_future(setup())
    qtbot.waitUntil(fut.done, timeout=10000)
    client, journal, library, engine = fut.result()
    model = JobsModel(engine, JobKind.VIDEO, thumbs=library_thumbs(library))
    # The right-hand side of the Video tab, at about the size it gets in the window.
    window = JobsArea(model, JobActionsVM(engine))
    panel, pane = window.panel, window.result
    window.resize(560, 900)
    qtbot.addWidget(window)
    window.show()
    seen: dict[int, list[str]] = {}

    def record(top: Any, bottom: Any, roles: Any = ()) -> None:
        for r in range(top.row(), bottom.row() + 1):
            idx = model.index(r)
            seen.setdefault(idx.data(JobRole.ID), []).append(
                f"{idx.data(JobRole.STATE_TEXT)} — {idx.data(JobRole.REASON) or ''}")

    model.dataChanged.connect(record)
    with qtbot.waitSignal(model.loaded, timeout=5000):
        model.start()
    r = Rig(qtbot, engine, model, panel, pane, window, seen)
    yield r
    model.stop()
    pane.preview.player.stop()

    async def teardown() -> None:
        await engine.close()
        await library.close()
        await journal.close()
        await client.aclose()

    r.run(teardown())


def no_dialogs() -> list[str]:
    return [w.text() for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]


def test_jobs_run_finish_and_play_inline(rig: Rig, artifacts_dir: Path, qtmodeltester: Any) -> None:
    qtmodeltester.check(rig.model, force_py=True)  # stays attached: checks every live change
    counts: list[int] = []
    rig.model.runningCountChanged.connect(counts.append)
    slow = rig.submit("a lighthouse in a storm, waves crashing sandbox:slow", model="02")
    fast = rig.submit("a red fox running through fresh snow at dawn, cinematic slow motion")
    rig.qtbot.waitUntil(lambda: rig.model.rowCount() == 2, timeout=3000)
    assert rig.model.job_at(0).id == fast  # type: ignore[union-attr]  # newest on top
    rig.wait_state(fast, "completed")
    assert any(w in " ".join(rig.seen[fast]) for w in RUNNING_WORDS)
    assert rig.text(fast).startswith("Done")
    # The slow one is still running: a progress state with a number the user can watch.
    rig.qtbot.waitUntil(lambda: "Generating" in rig.text(slow), timeout=10000)
    assert rig.model.running_count == 1 and counts[-1] == 1

    rig.panel.select_job(fast)
    preview = rig.pane.preview
    rig.qtbot.waitUntil(lambda: preview.kind == "video" and preview.last_frame() is not None,
                        timeout=5000)
    assert preview.player.duration() > 0
    rig.qtbot.waitUntil(lambda: "Duration" in rig.pane.details.toPlainText(), timeout=3000)
    assert "T2V-01" in rig.pane.details.toPlainText()
    # The finished video has a thumbnail (from its cover image) in its row.
    rig.qtbot.waitUntil(lambda: isinstance(
        rig.model.data(rig.model.index(rig.model.row_of(fast)), JobRole.THUMBNAIL), QImage), timeout=3000)
    rig.qtbot.waitUntil(lambda: "1 min" in rig.text(slow) or rig.model.data(
        rig.model.index(rig.model.row_of(slow)), JobRole.ELAPSED) >= 1, timeout=3000)
    # QVideoWidget.grab() shows no video (PLATFORM-NOTES §7): paint the sink's frame in.
    shot = rig.window.grab()
    painter = QPainter(shot)
    painter.drawPixmap(preview.mapTo(rig.window, QPoint(0, 0)), preview.snapshot())
    painter.end()
    shot.save(str(artifacts_dir / "jobs_panel_running_and_done.png"))

    rig.wait_state(slow, "completed", timeout=30000)
    assert counts[-1] == 0  # the tab title count goes back to none running


def test_faults_read_as_states_never_as_dialogs(rig: Rig, sandbox: Sandbox, artifacts_dir: Path) -> None:
    # 412 and 596 pause their account for an hour: each gets an account of its own.
    broke, held = sandbox.add_account(max_jobs=2), sandbox.add_account(max_jobs=2)
    moderated = rig.submit("gore sandbox:moderate")
    rig.wait_state(moderated, "moderated")
    assert "422" in rig.text(moderated) or "moderat" in rig.text(moderated).lower()

    sandbox.faults.add("videos/create", 412, times=1)
    no_credits = rig.submit("credits please", account=broke)
    rig.wait_state(no_credits, "failed")
    assert "412" in rig.text(no_credits) or "credit" in rig.text(no_credits).lower()

    sandbox.faults.add("videos/create", 596, times=1)
    on_hold = rig.submit("hold on", account=held)
    rig.wait_state(on_hold, "failed")
    assert "hold" in rig.text(on_hold).lower() or "596" in rig.text(on_hold)

    sandbox.faults.add("videos/create", 429, times=2)
    busy = rig.submit("busy hour")
    rig.wait_state(busy, "completed")
    assert any("429" in s or "busy" in s.lower() for s in rig.seen[busy]), rig.seen[busy]

    sandbox.faults.add("cdn", drop_after=600)  # every download attempt is cut
    cut = rig.submit("cut short")
    rig.qtbot.waitUntil(lambda: rig.model.data(rig.model.index(rig.model.row_of(cut)), JobRole.STATE)
                        in ("failed", "needs_attention"), timeout=20000)
    sandbox.faults.clear()
    assert "download" in rig.text(cut).lower()

    for job_id in (moderated, no_credits, on_hold, busy, cut):
        text = rig.text(job_id)
        assert "Traceback" not in text and 'File "' not in text and len(text) < 400, text
        if job_id != busy:  # a failure always says why
            assert not text.endswith("— "), f"job {job_id} has no reason: {text}"
    assert no_dialogs() == []
    rig.panel.grab().save(str(artifacts_dir / "jobs_panel_faults.png"))


def test_context_menu_follows_the_state(rig: Rig) -> None:
    reused: list[tuple[str, dict[str, Any]]] = []
    rig.panel.job_actions.reuseRequested.connect(lambda k, r: reused.append((k, r)))
    done = rig.submit("a quiet harbour at night")
    running = rig.submit("a very long take sandbox:slow")
    rig.wait_state(done, "completed")
    rig.qtbot.waitUntil(lambda: rig.model.data(rig.model.index(rig.model.row_of(running)),
                                               JobRole.RUNNING), timeout=3000)

    def labels(job_id: int) -> list[str]:
        menu = rig.panel.build_menu(rig.model.job(job_id))  # type: ignore[arg-type]
        return [a.text() for a in menu.actions() if not a.isSeparator()]

    assert labels(done) == ["Open", "Reveal in folder", "Copy prompt", "Re-use settings",
                            "Use as first frame", "Remove…"]
    assert labels(running)[0] == "Cancel"

    menu = rig.panel.build_menu(rig.model.job(done))  # type: ignore[arg-type]
    next(a for a in menu.actions() if a.text() == LABELS[JobAction.REUSE]).trigger()
    assert reused == [("video", {"model": "T2V-01", "prompt": "a quiet harbour at night"})]

    rig.panel.run_action(JobAction.CANCEL, rig.model.job(running))  # type: ignore[arg-type]
    rig.wait_state(running, "cancelled")
    assert labels(running)[0] == "Retry"
    rows = rig.model.rowCount()
    rig.panel.run_action(JobAction.RETRY, rig.model.job(running))  # type: ignore[arg-type]
    rig.qtbot.waitUntil(lambda: rig.model.rowCount() == rows + 1, timeout=5000)
    retried = rig.model.job_at(0)
    assert retried is not None and retried.request == rig.model.job(running).request  # type: ignore[union-attr]

    # "Use as first frame" on a video hands the form a PNG of its last frame.
    frames: list[str] = []
    rig.panel.job_actions.firstFrameRequested.connect(frames.append)
    rig.panel.run_action(JobAction.USE_AS_FIRST_FRAME, rig.model.job(done))  # type: ignore[arg-type]
    rig.qtbot.waitUntil(lambda: frames != [], timeout=8000)
    last = QImage(frames[0])
    assert frames[0].endswith(".png") and (last.width(), last.height()) == (256, 144)

    # Remove asks first (open(), not exec()); Yes removes the row.
    rig.panel.run_action(JobAction.REMOVE, rig.model.job(done))  # type: ignore[arg-type]
    box = rig.panel._confirm_box
    assert box is not None and box.isVisible() and "Remove" in box.text()
    box.button(QMessageBox.StandardButton.Yes).click()
    rig.qtbot.waitUntil(lambda: rig.model.row_of(done) == -1, timeout=5000)
    rig.run(rig.engine.cancel(retried.id))


def test_finished_job_notifies_only_when_the_window_is_inactive(rig: Rig) -> None:
    notes = JobNotifications(rig.window, tray_available=lambda: True)
    notes.watch(rig.model)
    silent = JobNotifications(rig.window, tray_available=lambda: False)
    silent.watch(rig.model)
    rig.window.activateWindow()
    rig.qtbot.waitUntil(rig.window.isActiveWindow, timeout=3000)
    seen_here = rig.submit("the user is watching this one")
    rig.wait_state(seen_here, "completed")
    assert notes.shown == []  # the window is active: the panel itself is the notification

    elsewhere = QWidget()  # the user switched to another window
    rig.qtbot.addWidget(elsewhere)
    elsewhere.show()
    elsewhere.activateWindow()
    rig.qtbot.waitUntil(lambda: not rig.window.isActiveWindow(), timeout=3000)
    job = rig.submit("sunset over dunes")
    rig.wait_state(job, "completed")
    rig.qtbot.waitUntil(lambda: len(notes.shown) == 1, timeout=3000)
    title, body = notes.shown[0]
    assert title == "Video ready" and "sunset over dunes" in body
    assert silent.shown == []  # no system tray: nothing at all


def test_mounted_jobs_area_counts_running_jobs_in_the_tab_title(rig: Rig, qtbot: Any) -> None:
    from PySide6.QtWidgets import QMainWindow, QTabWidget

    from minimax_studio.ui.widgets.jobs_area import mount_jobs_area
    from minimax_studio.viewmodels.job_actions import JobActionsVM
    from minimax_studio.viewmodels.tab_models import JobsModels
    from minimax_studio.viewmodels.tasks import TaskRunner

    window = QMainWindow()
    window.tabs = QTabWidget(window)  # type: ignore[attr-defined]
    window.setCentralWidget(window.tabs)  # type: ignore[attr-defined]
    qtbot.addWidget(window)
    runner = TaskRunner()
    models = JobsModels(JobsModel(rig.engine, "video"), JobActionsVM(rig.engine, runner.spawn))
    area = mount_jobs_area(models, runner, window, "video")
    window.tabs.addTab(area, "Video")  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: runner.is_running("jobs-model-video"), timeout=3000)
    job = rig.submit("a slow one sandbox:slow")
    qtbot.waitUntil(lambda: window.tabs.tabText(0) == "Video (1)", timeout=5000)  # type: ignore[attr-defined]
    rig.run(rig.engine.cancel(job))
    qtbot.waitUntil(lambda: window.tabs.tabText(0) == "Video", timeout=5000)  # type: ignore[attr-defined]
    area.shutdown()
    qtbot.waitUntil(lambda: not runner.is_running("jobs-model-video"), timeout=3000)


def test_image_jobs_show_thumbnails_and_the_picture(rig: Rig, qtbot: Any, artifacts_dir: Path) -> None:
    from PySide6.QtCore import Qt

    model = JobsModel(rig.engine, "image")
    area = JobsArea(model, JobActionsVM(rig.engine))
    qtbot.addWidget(area)
    area.resize(560, 900)
    area.show()
    with qtbot.waitSignal(model.loaded, timeout=5000):
        model.start()
    job = rig.run(rig.engine.submit("image", {"model": "image-01", "prompt": "a paper boat on a pond",
                                              "quantity": 2}))
    qtbot.waitUntil(lambda: model.data(model.index(0), JobRole.STATE) == "completed", timeout=15000)
    assert rig.model.row_of(job.id) == -1  # the Video tab's panel never shows it
    qtbot.waitUntil(lambda: isinstance(model.data(model.index(0), JobRole.THUMBNAIL), QImage), timeout=3000)
    area.panel.select_job(job.id)
    qtbot.waitUntil(lambda: area.result.preview.kind == "image", timeout=3000)
    strip = area.result.strip
    assert strip.isVisible() and len(strip.buttons) == 2  # both pictures, as thumbnails
    assert strip.count_label.text() == "×2"
    assert strip.buttons[0].isChecked()
    qtbot.waitUntil(lambda: all(not b.icon().isNull() for b in strip.buttons), timeout=5000)
    qtbot.mouseClick(strip.buttons[1], Qt.MouseButton.LeftButton)
    assert area.result_vm.media_path == area.result_vm.files[1]
    assert strip.buttons[1].isChecked() and not strip.buttons[0].isChecked()
    # The keyboard: 1 goes back to the first picture.
    area.result.preview.setFocus()
    qtbot.keyClick(area.result.preview, Qt.Key.Key_1)
    assert area.result_vm.media_path == area.result_vm.files[0]
    qtbot.keyClick(area.result.preview, Qt.Key.Key_2)
    assert area.result_vm.media_path == area.result_vm.files[1]
    # The row says how many pictures the job made.
    assert model.data(model.index(0), JobRole.ROW).model.endswith("×2")
    qtbot.waitUntil(lambda: area.result.preview.kind == "image", timeout=3000)  # decoded off-thread
    assert not area.result.preview.image_view.image().isNull()
    qtbot.waitUntil(lambda: " × " in area.result.details.toPlainText(), timeout=3000)
    area.grab().save(str(artifacts_dir / "jobs_panel_image.png"))
    model.stop()


def test_a_job_another_window_runs_is_shown_but_not_cancelled_here(
        rig: Rig, sandbox: Sandbox, tmp_path: Path, artifacts_dir: Path) -> None:
    """The app open while a batch runs on the same profile: the batch's job shows up in the
    panel, says who runs it, offers no Cancel/Remove, and ends Done when the batch is done."""
    home = tmp_path / "rig"

    async def other_process() -> tuple[MiniMaxClient, Journal, Library, Engine]:
        client = MiniMaxClient(sandbox.token, sandbox.base_url)
        journal = await Journal.open(home / "journal.sqlite3")
        library = await Library.open(home / "library.sqlite3", home / "library")
        cfg = replace(FAST, library_dir=home / "library", thumbs_dir=home / "thumbs")
        engine = Engine(client, journal, library, config=cfg)
        await engine.start()
        return client, journal, library, engine

    client, journal, library, other = rig.run(other_process())
    try:
        job = rig.run(other.submit("video", {"model": "T2V-01", "prompt": "a batch row sandbox:slow"}))
        rig.qtbot.waitUntil(lambda: rig.model.job(job.id) is not None, timeout=5000)
        rig.qtbot.waitUntil(lambda: "another MiniMax Studio window or batch" in rig.text(job.id),
                            timeout=5000)
        shown = rig.model.job(job.id)
        assert shown is not None
        offered = rig.panel.available_actions(shown)
        assert JobAction.CANCEL not in offered and JobAction.REMOVE not in offered
        assert JobAction.COPY_PROMPT in offered
        rig.window.grab().save(str(artifacts_dir / "jobs_panel_run_elsewhere.png"))
        rig.wait_state(job.id, "completed", timeout=30_000)
        assert "another" not in rig.text(job.id)
        done = rig.model.job(job.id)
        assert done is not None and JobAction.OPEN in rig.panel.available_actions(done)
    finally:
        async def stop() -> None:
            await other.close()
            await library.close()
            await journal.close()
            await client.aclose()

        rig.run(stop())


@pytest.mark.parametrize(("key", "mods"), [("Key_Menu", "NoModifier"), ("Key_F10", "ShiftModifier")])
def test_the_menu_key_and_shift_f10_open_the_job_menu(rig: Rig, key: str, mods: str) -> None:
    from PySide6.QtCore import Qt

    done = rig.submit("a quiet harbour at night")
    rig.wait_state(done, "completed")
    rig.panel.select_job(done)
    rig.panel.view.setFocus()
    rig.qtbot.keyClick(rig.panel.view, getattr(Qt.Key, key), getattr(Qt.KeyboardModifier, mods))
    menu = rig.panel.menu
    assert menu is not None
    rig.qtbot.waitUntil(menu.isVisible, timeout=3000)
    assert next(a.text() for a in menu.actions() if not a.isSeparator()) == "Open"
    # It opens under the selected row, not at the mouse pointer.
    row = rig.panel.view.visualRect(rig.model.index(rig.model.row_of(done)))
    top = rig.panel.view.viewport().mapToGlobal(row.topLeft()).y()
    assert top <= menu.pos().y() <= top + row.height()
    menu.close()
