"""The shell as a new user meets it: first run both ways, sandbox mode, status bar,
shortcuts, remembered geometry, About and Settings — against a real sandbox server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from minimax_studio.sandbox import Sandbox
from minimax_studio.ui.main_window import TAB_NAMES
from minimax_studio.ui.tabs.placeholder import PlaceholderTab
from tests.ui.studio_support import (
    grab,
    secrets_on_disk,
)


def _fast_sandbox() -> Sandbox:
    return Sandbox(speed=200.0, seed=7)


def test_first_run_try_the_sandbox(rig_factory: Any, no_keyring: None, qtbot: Any,
                                   artifacts_dir: Path, app_home: Path) -> None:
    rig = rig_factory(sandbox_factory=_fast_sandbox)
    rig.start()
    w = rig.window
    assert w.windowTitle() == "MiniMax Studio"
    assert w.pages.currentWidget() is w.first_run
    # No keyring here: the user is told before typing anything, in words.
    assert w.first_run.keyring_note.isVisible()
    assert "session only" in w.first_run.keyring_note.text
    assert "keyring unavailable" in w.token_label.text()
    grab(w, artifacts_dir, "first-run")

    qtbot.mouseClick(w.first_run.sandbox_button, Qt.MouseButton.LeftButton)
    tab = rig.wait_accounts_loaded()
    assert w.pages.currentWidget() is w.tabs
    assert w.sandbox_badge.isVisible() and "SANDBOX" in w.sandbox_badge.text()
    assert w.server_label.text().startswith("Server: sandbox on 127.0.0.1:")
    assert w.token_label.text() == "Token: sandbox (not stored)"
    assert tab.vm.model.rowCount() == 1  # the demo account
    qtbot.waitUntil(lambda: w.accounts_label.text() == "1 account")
    assert w.jobs_label.text() == "No jobs running"
    assert [w.tabs.tabText(i) for i in range(w.tabs.count())] == \
        ["Accounts", "Video", "Image", "Agent", "Gallery"]
    grab(w, artifacts_dir, "tab-accounts")
    for name in ("Video", "Image", "Agent", "Gallery"):
        w.select_tab(name)
        assert w.current_tab_name() == name
        grab(w, artifacts_dir, f"tab-{name.lower()}")
    assert secrets_on_disk(app_home, []) == []


def test_first_run_enter_token_without_keyring_uses_it_for_the_session(
        rig_factory: Any, no_keyring: None, sandbox: Sandbox, qtbot: Any, app_home: Path,
        artifacts_dir: Path) -> None:
    rig = rig_factory(api_url=sandbox.base_url)
    rig.start()
    form = rig.window.first_run.token_form
    assert form.field.echoMode() == form.field.EchoMode.Password
    # Pasted with blanks and a "Bearer" prefix: trimmed, not rejected.
    form.field.setText(f"  Bearer {sandbox.token}\n")
    qtbot.mouseClick(form.submit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(form.keyring_banner.isVisible, timeout=10_000)
    assert "cannot be saved" in form.keyring_banner.text
    assert form.keyring_banner.action.text() == "Use for this session only"
    grab(rig.window, artifacts_dir, "first-run-no-keyring")
    assert any(r.path.endswith("/accounts") and r.method == "GET" for r in sandbox.received)

    qtbot.mouseClick(form.keyring_banner.action, Qt.MouseButton.LeftButton)
    rig.wait_accounts_loaded()
    assert rig.window.token_label.text() == "Token: this session only (not saved)"
    assert not rig.window.sandbox_badge.isVisible()
    assert rig.window.server_label.text() == "Server: 127.0.0.1:" + sandbox.base_url.split(":")[2].split("/")[0]
    rig.close()
    assert secrets_on_disk(app_home, [sandbox.token]) == []


def test_wrong_token_is_explained_under_the_field(rig_factory: Any, no_keyring: None,
                                                  sandbox: Sandbox, qtbot: Any) -> None:
    rig = rig_factory(api_url=sandbox.base_url)
    rig.start()
    form = rig.window.first_run.token_form
    form.field.setText("user:1-notarealtoken123")
    qtbot.mouseClick(form.submit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: form.problem.isVisible() and form.submit_button.isEnabled(),
                    timeout=10_000)
    assert "did not accept this token (401)" in form.problem.text()
    assert rig.window.pages.currentWidget() is rig.window.first_run
    # A Hailuo JWT in the useapi field is caught before any request.
    sent = len(sandbox.received)
    form.field.setText("eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyIjp7fX0.sig")
    qtbot.mouseClick(form.submit_button, Qt.MouseButton.LeftButton)
    assert "Hailuo session token" in form.problem.text()
    assert len(sandbox.received) == sent


def test_unreachable_server_reads_as_a_sentence(rig_factory: Any, no_keyring: None,
                                                qtbot: Any) -> None:
    rig = rig_factory(api_url="http://127.0.0.1:9/v1/minimax")
    rig.start()
    form = rig.window.first_run.token_form
    form.field.setText("user:12345-abcdefghijklmnop")
    qtbot.mouseClick(form.submit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: form.problem.isVisible() and form.submit_button.isEnabled(),
                    timeout=15_000)
    text = form.problem.text()
    assert text.startswith("The token could not be checked:")
    assert "Traceback" not in text and "abcdefghijklmnop" not in text


def test_shortcuts_refresh_and_quit(rig_factory: Any, sandbox: Sandbox, qtbot: Any) -> None:
    rig = rig_factory()
    rig.connect_sandbox(sandbox)
    w = rig.window
    w.activateWindow()
    # Window shortcuts reach only the active window; activation is an event, not instant.
    qtbot.waitUntil(w.isActiveWindow)
    for i, name in enumerate(["Accounts", "Video", "Image", "Agent", "Gallery"], start=1):
        qtbot.keyClick(w, Qt.Key(Qt.Key.Key_0 + i), Qt.KeyboardModifier.ControlModifier)
        assert w.current_tab_name() == name
    qtbot.keyClick(w, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    gets = sum(1 for r in sandbox.received if r.method == "GET" and r.path.endswith("/accounts"))
    qtbot.keyClick(w, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: sum(1 for r in sandbox.received
                                if r.method == "GET" and r.path.endswith("/accounts")) == gets + 1)
    assert not rig.studio.closed.is_set()
    qtbot.keyClick(w, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert rig.studio.closed.is_set()


def test_geometry_and_last_tab_are_remembered(rig_factory: Any, sandbox: Sandbox, qtbot: Any,
                                              app_home: Path) -> None:
    first = rig_factory()
    first.connect_sandbox(sandbox)
    first.window.resize(760, 560)
    assert first.window.size().width() == 760
    first.window.select_tab("Image")
    first.window.close()  # the user closes: state saved before the async shutdown
    assert first.studio.closed.is_set()
    saved = json.loads((app_home / "config" / "settings.json").read_text())
    assert saved["last_tab"] == "Image" and saved["window_geometry"]
    first.close()

    second = rig_factory()
    assert (second.window.size().width(), second.window.size().height()) == (760, 560)
    second.connect_sandbox(sandbox)
    assert second.window.current_tab_name() == "Image"


# A 1366×768 laptop with a side panel leaves ~760 px: every tab must fit that width in
# every state (a wider minimum forces the window wider and it stays so).
SMALL_SCREEN_WIDTH = 760


def test_every_tab_fits_a_small_screen_even_while_loading(
        rig_factory: Any, sandbox: Sandbox, qtbot: Any, artifacts_dir: Path) -> None:
    rig = rig_factory()
    rig.connect_sandbox(sandbox)
    w = rig.window
    tab = rig.accounts_tab()
    tab.refresh()
    assert tab.vm.busy and not tab.refresh_button.isEnabled()
    assert tab.refresh_button.text() == "Loading…"
    margins = w.minimumSizeHint().width() - w.tabs.currentWidget().minimumSizeHint().width()
    for i in range(w.tabs.count()):
        page = w.tabs.widget(i)
        assert page.minimumSizeHint().width() + margins <= SMALL_SCREEN_WIDTH, \
            f"{w.tabs.tabText(i)} needs {page.minimumSizeHint().width()} px"
    rig.wait_accounts_loaded()
    assert tab.refresh_button.text() == "Refresh"
    w.select_tab("Gallery")
    for width, height in ((SMALL_SCREEN_WIDTH, 600), (1024, 700)):
        w.resize(width, height)
        qtbot.waitUntil(lambda width=width: w.width() == width)
        grab(w, artifacts_dir, f"gallery-{width}x{height}")


def test_about_shows_versions(rig_factory: Any, qtbot: Any, artifacts_dir: Path) -> None:
    import PySide6
    from PySide6.QtCore import qVersion

    rig = rig_factory()
    rig.window.show()
    rig.window.about_action.trigger()
    dlg = rig.studio._dialogs["about"]
    qtbot.waitUntil(dlg.isVisible)
    text = dlg.findChild(QLabel, "versions").text()
    for needle in ("MiniMax Studio", "0.1.0", qVersion(), PySide6.__version__, "Python"):
        assert needle in text
    grab(dlg, artifacts_dir, "dialog-about")
    dlg.reject()


def test_settings_dialog_validates_and_saves(rig_factory: Any, qtbot: Any, app_home: Path,
                                             artifacts_dir: Path) -> None:
    rig = rig_factory()
    rig.window.show()
    rig.window.settings_action.trigger()
    dlg = rig.studio._dialogs["settings"]
    qtbot.waitUntil(dlg.isVisible)
    dlg.api_url.setText("api.useapi.net/v1/minimax")
    dlg.save()
    assert dlg.isVisible() and "must start with https://" in dlg.problems.text()
    grab(dlg, artifacts_dir, "dialog-settings")
    dlg.api_url.setText("")
    dlg.theme.setCurrentIndex(dlg.theme.findData("dark"))
    dlg.spins["poll_video_seconds"].setValue(30)
    dlg.save()
    qtbot.waitUntil(lambda: not dlg.isVisible())
    saved = json.loads((app_home / "config" / "settings.json").read_text())
    assert saved["theme"] == "dark" and saved["poll_video_seconds"] == 30
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    assert app.palette().window().color().lightness() < 100  # the dark palette is on
    rig.studio.services.settings.theme = "light"
    rig.studio.apply_theme()


def test_a_failing_tab_builder_shows_its_failure_on_the_placeholder(rig_factory: Any,
                                                                    sandbox: Sandbox) -> None:
    rig = rig_factory()
    rig.studio.builders["Video"] = _broken_builder
    rig.studio.builders["Agent"] = _builder_of_a_missing_module
    rig.connect_sandbox(sandbox)
    video = rig.window.tab("Video")
    assert isinstance(video, PlaceholderTab)
    assert "could not start: RuntimeError" in video.note.text()
    agent = rig.window.tab("Agent")
    assert isinstance(agent, PlaceholderTab)
    assert "could not start: ModuleNotFoundError" in agent.note.text()
    assert not isinstance(rig.window.tab("Image"), PlaceholderTab)  # the others still mount


def test_every_tab_has_a_builder_imported_by_name() -> None:
    """A misspelt builder is an ImportError here (and when the app starts), never a tab
    that quietly stays a placeholder."""
    from minimax_studio.app import tab_builders

    builders = tab_builders()
    assert set(builders) == set(TAB_NAMES)
    assert all(callable(b) for b in builders.values())


def _broken_builder(services: Any, window: Any) -> Any:
    raise RuntimeError("boom")


def _builder_of_a_missing_module(services: Any, window: Any) -> Any:
    import importlib

    return importlib.import_module("minimax_studio.ui.tabs.no_such_tab")
