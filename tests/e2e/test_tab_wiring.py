"""How the Video and Image tabs live inside the app: rebuilt on every session switch
(sandbox ↔ a real token) with nothing of the old session left running, F5, "Re-use
settings" and "Use as first frame" from the jobs panel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from minimax_studio.sandbox import Sandbox
from minimax_studio.ui.tabs.generate_tabs import GenerateTab
from minimax_studio.viewmodels.job_actions import JobAction
from tests.e2e.driver import app_on_sandbox, generate_tab, wait_state
from tests.ui.form_ui import drop_mime, pick_model, settle, slot_widget
from tests.ui.studio_support import run


def _errors(rig: Any) -> list[str]:
    return [n.text for n in rig.services.notifier.history if str(n.level) == "error"]


def test_switching_session_rebuilds_the_tabs_cleanly(rig_factory: Any, no_keyring: None,
                                                     sandbox: Sandbox, qtbot: Any) -> None:
    rig = app_on_sandbox(rig_factory, sandbox)
    old_video, old_image = generate_tab(rig, "Video"), generate_tab(rig, "Image")
    first_engine = rig.services.engine
    assert old_video.form.engine is first_engine and old_image.form.engine is first_engine
    qtbot.keyClicks(old_video.form_tab.prompt.edit, "typing starts a route preview")

    # The "real" server: another emulator at the address the settings point to.
    with Sandbox(speed=200.0, seed=99) as real:
        rig.services.settings.api_base_url = real.base_url
        run(qtbot, rig.app_vm.connect_with_token(real.token))
        rig.wait_accounts_loaded()
        qtbot.waitUntil(lambda: generate_tab(rig, "Video") is not old_video, timeout=10_000)
        new_video, new_image = generate_tab(rig, "Video"), generate_tab(rig, "Image")
        assert new_video.form.engine is rig.services.engine is not first_engine
        assert new_image.form.engine is rig.services.engine
        # The old tabs were shut down: closed forms, nothing of theirs still running.
        for old in (old_video, old_image):
            assert old.form.closed and not old.form.busy
        leftovers = [k for k in rig.services.runner.running_keys()
                     if str(id(old_video.form)) in k or str(id(old_image.form)) in k]
        assert leftovers == []
        # The new tab works against the new server.
        qtbot.keyClicks(new_video.form_tab.prompt.edit, "a fox in the snow")
        qtbot.waitUntil(lambda: new_video.form_tab.cost.route.text().startswith("Runs on account"),
                        timeout=5000)
        assert sandbox.base_url != real.base_url

        # And back to the sandbox.
        run(qtbot, rig.app_vm.use_sandbox(sandbox))
        rig.wait_accounts_loaded()
        qtbot.waitUntil(lambda: generate_tab(rig, "Video") is not new_video, timeout=10_000)
        assert new_video.form.closed
        assert generate_tab(rig, "Video").form.engine is rig.services.engine
    assert _errors(rig) == []


def test_reuse_settings_and_use_as_first_frame_from_the_panels(
        rig_factory: Any, no_keyring: None, sandbox: Sandbox, qtbot: Any, tmp_path: Path) -> None:
    rig = app_on_sandbox(rig_factory, sandbox)
    image_tab = generate_tab(rig, "Image")
    ui: Any = image_tab.form_tab
    pick_model(qtbot, ui, "image-01")
    qtbot.keyClicks(ui.prompt.edit, "A red kite over green hills")
    ui.aspect.setCurrentIndex(ui.aspect.findData("16:9"))
    qtbot.waitUntil(ui.generate.isEnabled, timeout=5000)
    qtbot.mouseClick(ui.generate, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: image_tab.jobs.model.rowCount() == 1, timeout=10_000)
    job = image_tab.jobs.model.job_at(0)
    assert job is not None
    assert wait_state(rig, image_tab, job.id, {"completed", "failed"}) == "completed"
    sent = image_tab.form.build_request()

    # F5 on the Image tab re-reads the jobs: the finished one is still there.
    assert rig.window.current_tab_name() == "Image"
    with qtbot.waitSignal(image_tab.jobs.model.modelReset, timeout=5000):
        rig.window.refresh_current()
    assert image_tab.jobs.model.rowCount() == 1

    # The user changes everything, then picks "Re-use settings" on the finished job.
    pick_model(qtbot, ui, "nano-banana-2")
    ui.prompt.edit.selectAll()
    qtbot.keyClicks(ui.prompt.edit, "something else")
    done = image_tab.jobs.model.job(job.id)
    assert done is not None
    image_tab.jobs.panel.run_action(JobAction.REUSE, done)
    assert image_tab.form.build_request() == sent
    assert ui.prompt.edit.toPlainText() == "A red kite over green hills"

    # "Use as first frame" on the image: the Video tab comes forward with it in the slot,
    # on a model that takes a first frame.
    image_tab.jobs.panel.run_action(JobAction.USE_AS_FIRST_FRAME, done)
    video = rig.window.tab("Video")
    assert isinstance(video, GenerateTab)
    assert rig.window.current_tab_name() == "Video"
    qtbot.waitUntil(lambda: video.form.slot("fileID").status == "ok", timeout=5000)
    assert video.form.model.first_frame != "none"
    assert str(video.form.slot("fileID").path).endswith(".png") or \
        str(video.form.slot("fileID").path).endswith((".jpg", ".jpeg", ".webp"))
    assert _errors(rig) == []


def test_a_finished_result_drags_onto_a_reference_slot(
        rig_factory: Any, no_keyring: None, sandbox: Sandbox, qtbot: Any) -> None:
    rig = app_on_sandbox(rig_factory, sandbox)
    tab = generate_tab(rig, "Image")
    ui: Any = tab.form_tab
    pick_model(qtbot, ui, "nano-banana-2")
    qtbot.keyClicks(ui.prompt.edit, "A paper crane on a desk")
    qtbot.waitUntil(ui.generate.isEnabled, timeout=5000)
    qtbot.mouseClick(ui.generate, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.jobs.model.rowCount() == 1, timeout=10_000)
    model = tab.jobs.model
    index = model.index(0, 0)
    job = model.job_at(0)
    assert job is not None
    assert not model.flags(index) & Qt.ItemFlag.ItemIsDragEnabled  # nothing to drag yet
    assert wait_state(rig, tab, job.id, {"completed", "failed"}) == "completed"
    assert model.flags(index) & Qt.ItemFlag.ItemIsDragEnabled

    # What the list view puts on the drag: the downloaded file, as a file manager would.
    mime = model.mimeData([index])
    files = [Path(u.toLocalFile()) for u in mime.urls()]
    assert len(files) == 1 and files[0].is_file() and files[0].suffix == ".png"
    assert tab.jobs.panel.view.dragEnabled()

    drop_mime(slot_widget(ui, "referenceFileId1"), mime)
    settle(qtbot, ui)
    slot = tab.form.slot("referenceFileId1")
    assert slot.status == "ok" and slot.path == files[0]
    assert _errors(rig) == []
