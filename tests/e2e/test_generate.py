"""A new user makes things with the whole app on the sandbox — the real composition
(Studio, tab builders, form, engine, journal, library, jobs panel, preview) over HTTP on
127.0.0.1 — by pointing and clicking, dropping files and pasting a screenshot."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPainter

from minimax_studio.sandbox import Sandbox
from tests import media_files as mf
from tests.e2e.driver import (
    StateLog,
    app_on_sandbox,
    click_row,
    generate_tab,
    received,
    wait_state,
    window_shot,
)
from tests.ui.form_ui import drop_files, paste_image, pick_model, settle, slot_widget

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _publish(shot: Path, name: str) -> None:
    """Copy a screenshot over the README's copy only when asked (UPDATE_SCREENSHOTS=1):
    a plain test run must not rewrite tracked files."""
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, DOCS / name)


def _only(items: Any) -> Any:
    assert len(items) == 1, items
    return next(iter(items))


def _submitted_job(rig: Any, tab: Any) -> int:
    """The id the form reports after Generate ("Job #n queued", then its real outcome)."""
    rig.qtbot.waitUntil(lambda: "Job #" in tab.form_tab.status.text(), timeout=10_000)
    return int(tab.form_tab.status.text().split("#", 1)[1].split()[0].rstrip(":"))


def _wait_playing(rig: Any, tab: Any) -> Any:
    preview = tab.jobs.result.preview
    rig.qtbot.waitUntil(lambda: preview.kind == "video" and preview.player.duration() > 0
                        and preview.last_frame() is not None, timeout=10_000)
    return preview


def test_text_to_video_for_a_new_user_on_the_sandbox(rig_factory: Any, no_keyring: None,
                                                     qtbot: Any, artifacts_dir: Path) -> None:
    rig = rig_factory()
    rig.services.settings.sandbox_speed = 200.0  # the app's own sandbox, sped up for tests
    rig.start()
    w = rig.window
    w.resize(1400, 900)
    qtbot.mouseClick(w.first_run.sandbox_button, Qt.MouseButton.LeftButton)
    rig.wait_accounts_loaded()
    sb = rig.app_vm.session.sandbox
    tab = generate_tab(rig, "Video")
    ui: Any = tab.form_tab
    log = StateLog(tab)

    pick_model(qtbot, ui, "T2V-2.3")
    qtbot.keyClicks(ui.prompt.edit, "A paper boat drifts down a rainy street at night")
    ui.options.setCurrentIndex(ui.options.findData("1080p-6sec"))
    # The cost and the account are on screen before anything is paid.
    qtbot.waitUntil(lambda: ui.cost.cost.text() == "Costs 25–80 credits (exact price not published)",
                    timeout=3000)
    ui.options.setCurrentIndex(ui.options.findData("768p-6sec"))
    qtbot.waitUntil(lambda: ui.cost.cost.text() == "Costs 25 credits", timeout=3000)
    qtbot.waitUntil(lambda: ui.cost.route.text().startswith("Runs on account"), timeout=5000)
    assert ui.generate.isEnabled(), ui.blocker.text()
    qtbot.mouseClick(ui.generate, Qt.MouseButton.LeftButton)
    job_id = _submitted_job(rig, tab)

    # The panel shows the job moving, the new job is selected, and the result plays inline.
    assert wait_state(rig, tab, job_id, {"completed", "failed", "moderated"}) == "completed"
    assert {"queued", "completed"} <= set(log.states(job_id)) or \
        len(log.states(job_id)) >= 3, log.seen
    assert any(s in log.states(job_id) for s in ("submitted", "processing", "downloading")), log.seen
    selected = tab.jobs.panel.selected_job()
    assert selected is not None and selected.id == job_id
    preview = _wait_playing(rig, tab)
    assert preview.player.duration() > 0
    (create,) = received(sb, "POST", "/videos/create")
    assert create.body["model"] == "T2V-2.3" and create.body["options"] == "768p-6sec"
    assert create.body["prompt"] == "A paper boat drifts down a rainy street at night"
    assert w.tabs.tabText(w.index_of("Video")) == "Video"  # nothing running any more
    # The form kept its values: the next variation is one edit away.
    assert tab.form.value("prompt") == "A paper boat drifts down a rainy street at night"

    # Screenshot with a running and a finished job: a slow second variation.
    sb.faults.keywords.slow = ["lighthouse"]
    ui.prompt.edit.selectAll()
    qtbot.keyClicks(ui.prompt.edit, "A lighthouse at dusk, waves crashing, slow push in")
    qtbot.keyClick(ui.prompt.edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    second = int(_submitted_job_after(rig, tab, job_id))
    wait_state(rig, tab, second, {"processing"})
    qtbot.waitUntil(lambda: w.tabs.tabText(w.index_of("Video")) == "Video (1)", timeout=5000)
    click_row(rig, tab, job_id)
    _wait_playing(rig, tab)
    shot = window_shot(w, tab, artifacts_dir / "e2e-video-tab.png")
    _publish(shot, "video-tab.png")
    w.select_tab("Accounts")
    shot = window_shot(w, tab, artifacts_dir / "e2e-accounts-tab.png")
    _publish(shot, "accounts-tab.png")


def _submitted_job_after(rig: Any, tab: Any, previous: int) -> int:
    def job_id() -> int | None:  # the note follows the job: "queued", then its outcome
        text = tab.form_tab.status.text()
        digits = text.split("Job #", 1)[1].split()[0].rstrip(":") if "Job #" in text else ""
        return int(digits) if digits.isdigit() else None

    rig.qtbot.waitUntil(lambda: job_id() not in (None, previous), timeout=10_000)
    found = job_id()
    assert found is not None
    return found


def test_first_and_last_frame_dropped_from_the_file_manager(
        rig_factory: Any, no_keyring: None, sandbox: Sandbox, qtbot: Any, tmp_path: Path) -> None:
    rig = app_on_sandbox(rig_factory, sandbox)
    tab = generate_tab(rig, "Video")
    ui: Any = tab.form_tab
    first = mf.png(tmp_path / "first frame.png", 1280, 720, color="#2255aa")
    last = mf.png(tmp_path / "last frame.png", 1280, 720, color="#aa5522")

    pick_model(qtbot, ui, "02")
    ui.options.setCurrentIndex(ui.options.findData("768p-6sec"))
    assert slot_widget(ui, "end_frame_fileID").isVisible()
    drop_files(slot_widget(ui, "fileID"), [first])
    drop_files(slot_widget(ui, "end_frame_fileID"), [last])
    settle(qtbot, ui)
    assert [(s.field, s.path, s.status) for s in tab.form.slots()] == \
        [("fileID", first, "ok"), ("end_frame_fileID", last, "ok")]
    qtbot.keyClicks(ui.prompt.edit, "slow dolly in")
    qtbot.waitUntil(lambda: ui.cost.route.text().startswith("Runs on account"), timeout=5000)
    assert ui.cost.cost.text().startswith("Costs ")
    qtbot.mouseClick(ui.generate, Qt.MouseButton.LeftButton)
    job_id = _submitted_job(rig, tab)
    assert wait_state(rig, tab, job_id, {"completed", "failed", "moderated"}) == "completed"
    _wait_playing(rig, tab)

    # Exactly the documented request: both frames uploaded to the account that ran it.
    uploads = received(sandbox, "POST", "/files")
    assert len(uploads) == 2
    create = _only(received(sandbox, "POST", "/videos/create"))
    account = _only({u.account for u in uploads})
    # (promptOptimization is left to the API's default while the box keeps its default)
    assert set(create.body) == {"account", "model", "options", "prompt", "fileID",
                                "end_frame_fileID"}
    assert create.body["account"] == account
    assert create.body["model"] == "02" and create.body["options"] == "768p-6sec"
    assert create.body["fileID"] != create.body["end_frame_fileID"]
    for slot in ("fileID", "end_frame_fileID"):
        assert f"-minimax:{account}-file:" in create.body[slot], create.body[slot]


def test_seedance_with_image_and_audio_references(
        rig_factory: Any, no_keyring: None, sandbox: Sandbox, qtbot: Any, tmp_path: Path) -> None:
    rig = app_on_sandbox(rig_factory, sandbox)
    tab = generate_tab(rig, "Video")
    ui: Any = tab.form_tab
    pick_model(qtbot, ui, "Seedance-2.0")
    # Both files dropped at once on the form: each goes to the slot that takes its kind.
    image = mf.png(tmp_path / "hero.png", 640, 360)
    voice = mf.mp3(tmp_path / "voice.mp3")
    drop_files(ui, [image, voice])
    settle(qtbot, ui)
    filled = {s.field: s for s in tab.form.slots() if s.filled}
    assert set(filled) == {"fileID", "audioFileID1"}
    assert all(s.status == "ok" for s in filled.values()), [s.reason for s in filled.values()]
    qtbot.keyClicks(ui.prompt.edit, 'In @Image1 a hero says out loud in the voice of @Audio1: "Hello!"')
    ui.resolution.setCurrentIndex(ui.resolution.findData("480"))
    qtbot.waitUntil(lambda: ui.generate.isEnabled(), timeout=5000)
    assert ui.cost.cost.text().startswith("Costs ")
    qtbot.keyClick(ui.prompt.edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    job_id = _submitted_job(rig, tab)
    assert wait_state(rig, tab, job_id, {"completed", "failed", "moderated"}) == "completed"
    _wait_playing(rig, tab)

    create = _only(received(sandbox, "POST", "/videos/create"))
    assert create.body["model"] == "Seedance-2.0" and create.body["resolution"] == "480"
    assert {"fileID", "audioFileID1"} <= set(create.body)
    assert not {"videoFileID1", "end_frame_fileID", "options"} & set(create.body)
    kinds = sorted(str(u.body.get("content_type", "")) for u in received(sandbox, "POST", "/files"))
    assert len(kinds) == 2 and any("audio" in k for k in kinds) and any("image" in k for k in kinds)


def _screenshot_image() -> QImage:
    """What a screenshot tool leaves on the clipboard: a window-ish picture."""
    img = QImage(1280, 720, QImage.Format.Format_RGB32)
    img.fill(QColor("#f4f4f4"))
    p = QPainter(img)
    p.fillRect(0, 0, 1280, 48, QColor("#3b5bdb"))
    p.fillRect(80, 120, 500, 400, QColor("#ffa94d"))
    p.fillRect(660, 120, 540, 180, QColor("#69db7c"))
    p.end()
    return img


def test_nano_banana_from_a_pasted_screenshot(
        rig_factory: Any, no_keyring: None, sandbox: Sandbox, qtbot: Any, artifacts_dir: Path) -> None:
    rig = app_on_sandbox(rig_factory, sandbox)
    w = rig.window
    w.resize(1400, 900)
    tab = generate_tab(rig, "Image")
    ui: Any = tab.form_tab
    pick_model(qtbot, ui, "nano-banana-2")
    paste_image(qtbot, slot_widget(ui, "referenceFileId1"), _screenshot_image())
    settle(qtbot, ui)
    slot = tab.form.slot("referenceFileId1")
    assert slot.status == "ok" and slot.path is not None and slot.path.suffix == ".png"
    qtbot.keyClicks(ui.prompt.edit, "Turn @Image1 into a watercolor poster")
    qtbot.waitUntil(lambda: ui.cost.route.text().startswith("Runs on account"), timeout=5000)
    assert ui.cost.cost.text().startswith("Costs ")
    qtbot.mouseClick(ui.generate, Qt.MouseButton.LeftButton)
    job_id = _submitted_job(rig, tab)
    assert wait_state(rig, tab, job_id, {"completed", "failed", "moderated"}) == "completed"

    preview = tab.jobs.result.preview
    qtbot.waitUntil(lambda: preview.kind == "image", timeout=10_000)
    view = preview.image_view
    assert view.fitted and not view.image().isNull()
    shown_w, shown_h = view.image().width() * view.scale, view.image().height() * view.scale
    assert shown_w <= view.width() + 1 and shown_h <= view.height() + 1  # fits, whole
    create = _only(received(sandbox, "POST", "/images/create"))
    assert create.body["model"] == "nano-banana-2"
    assert "-file:" in create.body["referenceFileId1"]

    # Screenshot with a finished and a running job.
    sandbox.faults.keywords.slow = ["lantern"]
    ui.prompt.edit.selectAll()
    qtbot.keyClicks(ui.prompt.edit, "Paper lanterns over a night market, @Image1 colors")
    qtbot.keyClick(ui.prompt.edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    second = _submitted_job_after(rig, tab, job_id)
    wait_state(rig, tab, second, {"processing"})
    click_row(rig, tab, job_id)
    qtbot.waitUntil(lambda: preview.kind == "image", timeout=10_000)
    shot = window_shot(w, tab, artifacts_dir / "e2e-image-tab.png")
    _publish(shot, "image-tab.png")
