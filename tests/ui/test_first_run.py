"""The welcome page after a restart without --sandbox: a sandbox session used before is
one click away ("Continue in the sandbox"), with its accounts and jobs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from tests.ui.studio_support import grab


def test_a_sandbox_session_used_before_is_offered_to_continue(
        rig_factory: Any, no_keyring: None, qtbot: Any, artifacts_dir: Path) -> None:
    first = rig_factory()
    first.start()
    w = first.window
    w.show()
    qtbot.waitUntil(lambda: w.pages.currentWidget() is w.first_run)
    assert w.first_run.sandbox_button.text() == "Try the sandbox"
    qtbot.mouseClick(w.first_run.sandbox_button, Qt.MouseButton.LeftButton)
    first.wait_accounts_loaded()
    first.close()

    again = rig_factory()  # a restart on the same profile, no --sandbox, no token
    again.start()
    w = again.window
    w.show()
    qtbot.waitUntil(lambda: w.pages.currentWidget() is w.first_run)
    page = w.first_run
    qtbot.waitUntil(lambda: page.sandbox_button.text() == "Continue in the sandbox")
    assert "still here" in page.sandbox_text.text()
    grab(w, artifacts_dir, "first-run-continue-sandbox")
    qtbot.mouseClick(page.sandbox_button, Qt.MouseButton.LeftButton)
    tab = again.wait_accounts_loaded()
    assert tab.vm.model.rowCount() >= 1


def test_the_split_between_form_jobs_and_preview_is_remembered(
        rig_factory: Any, no_keyring: None, qtbot: Any) -> None:
    from PySide6.QtWidgets import QSplitter

    first = rig_factory()
    first.start()
    first.window.resize(1400, 900)
    first.window.show()
    qtbot.waitUntil(lambda: first.window.pages.currentWidget() is first.window.first_run)
    qtbot.mouseClick(first.window.first_run.sandbox_button, Qt.MouseButton.LeftButton)
    first.wait_accounts_loaded()
    first.window.select_tab("Video")
    tab = first.window.tab("Video")
    outer: QSplitter = tab.form_tab.splitter
    inner: QSplitter = tab.jobs.split
    qtbot.waitUntil(lambda: outer.sizes()[0] > 0)
    outer.moveSplitter(520, 1)  # what dragging the handle does
    inner.moveSplitter(200, 1)
    moved = (outer.sizes(), inner.sizes())
    assert abs(outer.sizes()[0] - 520) <= 10 and abs(inner.sizes()[0] - 200) <= 10
    first.close()

    again = rig_factory()
    again.start()
    again.window.resize(1400, 900)
    again.window.show()
    qtbot.mouseClick(again.window.first_run.sandbox_button, Qt.MouseButton.LeftButton)
    again.wait_accounts_loaded()
    again.window.select_tab("Video")
    tab = again.window.tab("Video")
    qtbot.waitUntil(lambda: tab.form_tab.splitter.sizes()[0] > 0)
    assert (tab.form_tab.splitter.sizes(), tab.jobs.split.sizes()) == moved
