"""Closing the app while a job runs loses nothing: started again with the same profile
(MINIMAX_STUDIO_HOME) and the same sandbox state, the job resumes and its file lands in
the library."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from minimax_studio.viewmodels.jobs_model import JobRole
from tests.e2e.driver import generate_tab, row_state, wait_state
from tests.ui.form_ui import pick_model
from tests.ui.studio_support import run


def test_close_mid_job_and_start_again_resumes_it(rig_factory: Any, no_keyring: None,
                                                  qtbot: Any, app_home: Path) -> None:
    # First run: a new user tries the sandbox (the app starts and owns it; its state is
    # kept in the profile) and starts a slow video.
    rig = rig_factory()
    rig.services.settings.sandbox_speed = 200.0
    rig.start()
    qtbot.mouseClick(rig.window.first_run.sandbox_button, Qt.MouseButton.LeftButton)
    rig.wait_accounts_loaded()
    sb = rig.app_vm.session.sandbox
    sb.faults.keywords.slow = ["harbor"]  # ten times longer than usual: still running at close
    tab = generate_tab(rig, "Video")
    pick_model(qtbot, tab.form_tab, "T2V-01")
    qtbot.keyClicks(tab.form_tab.prompt.edit, "A harbor at dawn, gulls over the boats")
    qtbot.mouseClick(tab.form_tab.generate, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.jobs.model.rowCount() == 1, timeout=10_000)
    job_id = int(tab.jobs.model.index(0).data(JobRole.ID))
    wait_state(rig, tab, job_id, {"processing"})
    running = tab.jobs.model.job(job_id)
    assert running is not None and running.remote_ids
    remote = running.remote_ids
    rig.close()  # Ctrl+Q mid-job
    assert (app_home / "data" / "sandbox" / "sandbox-state.json").is_file()

    # Second run, same profile, started with --sandbox (a faster clock: the rest of the
    # slow job passes quickly).
    again = rig_factory()
    again.services.settings.sandbox_speed = 2000.0
    again.start(sandbox=True)
    tab = generate_tab(again, "Video")
    qtbot.waitUntil(lambda: row_state(tab, job_id) is not None, timeout=10_000)
    assert wait_state(again, tab, job_id, {"completed", "failed", "needs_attention"},
                      timeout=20_000) == "completed"
    job = tab.jobs.model.job(job_id)
    assert job is not None and job.remote_ids == remote  # the same Hailuo job, not a second one paid for
    library = again.services.library
    items = [run(qtbot, library.get(i)) for i in job.library_item_ids]
    assert items and all(i is not None and i.path.is_file() for i in items)
    assert items[0].remote_id == remote[0]
    creates = [r for r in again.app_vm.session.sandbox.received
               if r.method == "POST" and r.path.endswith("/videos/create")]
    assert creates == []  # resumed by polling, never re-created
