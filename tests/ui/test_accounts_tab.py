"""The account board against a real sandbox: add (fields and cURL paste), verify failures,
server errors in words, edit max jobs, delete with confirmation, health and expiry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QMessageBox

from minimax_studio.sandbox import Sandbox
from minimax_studio.viewmodels.accounts_model import Column
from tests.ui.studio_support import (
    StudioRig,
    grab,
    secrets_on_disk,
)


@pytest.fixture
def board(rig_factory: Any, sandbox: Sandbox) -> tuple[StudioRig, Any]:
    rig = rig_factory()
    rig.connect_sandbox(sandbox)
    return rig, rig.wait_accounts_loaded()


def _posts(sb: Sandbox) -> list[Any]:
    return [r for r in sb.received if r.method == "POST" and r.path.endswith("/accounts")]


def _cell(tab: Any, account: str, col: Column) -> str:
    m = tab.vm.model
    return str(m.data(m.index(m.row_of(account), col)))


def _open_add(qtbot: Any, tab: Any) -> Any:
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    dlg = tab.dialog
    qtbot.waitUntil(dlg.isVisible)
    return dlg


def test_add_account_with_url_and_token(board: Any, sandbox: Sandbox, qtbot: Any,
                                        app_home: Path, artifacts_dir: Path) -> None:
    rig, tab = board
    url, jwt = sandbox.make_hailuo_credentials("424242", name="Second Account")
    dlg = _open_add(qtbot, tab)
    dlg.url.setText(url)
    dlg.token.setText(jwt)
    assert dlg.token.echoMode() == dlg.token.EchoMode.Password
    dlg.max_jobs.setValue(3)
    qtbot.mouseClick(dlg.verify_button, Qt.MouseButton.LeftButton)
    assert "Second Account (id 424242)" in dlg.result_label.text()
    assert _posts(sandbox) == []  # Verify sends nothing
    grab(dlg, artifacts_dir, "dialog-add-account-verified")

    qtbot.mouseClick(dlg.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.vm.model.row_of("424242") >= 0, timeout=10_000)
    assert tab.dialog is None  # closed by itself once saved
    post = _posts(sandbox)[-1]
    assert post.body["maxJobs"] == 3 and post.body["url"] == url
    assert _cell(tab, "424242", Column.NAME) == "Second Account"
    assert _cell(tab, "424242", Column.MAX_JOBS) == "3"
    qtbot.waitUntil(lambda: rig.window.accounts_label.text() == "2 accounts")
    rig.close()
    assert secrets_on_disk(app_home, [jwt, sandbox.token]) == []


@pytest.mark.parametrize("flavour", ["chrome-bash", "chrome-cmd", "firefox"])
def test_add_account_by_pasting_curl(board: Any, sandbox: Sandbox, qtbot: Any, flavour: str,
                                     artifacts_dir: Path) -> None:
    _rig, tab = board
    url, jwt = sandbox.make_hailuo_credentials("515151", name="Pasted")
    if flavour == "chrome-bash":
        text = (f"curl '{url}' \\\n  -H 'accept: application/json, text/plain, */*' \\\n"
                f"  -H 'token: {jwt}' \\\n  -H 'user-agent: Mozilla/5.0'")
    elif flavour == "chrome-cmd":
        text = ('curl ^"' + url.replace("&", "^&") + '^" ^\n  -H ^"accept: */*^" ^\n'
                f'  -H ^"token: {jwt}^" ^\n  --compressed')
    else:
        text = f'curl "{url}" -H "User-Agent: Mozilla/5.0" -H "Token: {jwt}" -H "Accept: */*"'
    dlg = _open_add(qtbot, tab)
    dlg.curl.setPlainText(text)
    assert dlg.url.text() == url and dlg.token.text() == jwt
    assert dlg.curl_result.text() == "Found the URL and the token."
    if flavour == "chrome-bash":
        grab(dlg, artifacts_dir, "dialog-add-account-curl")
    qtbot.mouseClick(dlg.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.vm.model.row_of("515151") >= 0, timeout=10_000)


def test_verify_failures_are_shown_next_to_the_fields(board: Any, sandbox: Sandbox,
                                                      qtbot: Any, artifacts_dir: Path) -> None:
    _rig, tab = board
    _url, expired = sandbox.make_hailuo_credentials("616161", expires_in_days=-2)
    dlg = _open_add(qtbot, tab)
    dlg.url.setText("https://hailuoai.video/")
    dlg.token.setText(expired)
    qtbot.mouseClick(dlg.add_button, Qt.MouseButton.LeftButton)
    assert dlg.url_problem.isVisible() and "not the /cursor request" in dlg.url_problem.text()
    assert dlg.token_problem.isVisible() and "expired on" in dlg.token_problem.text()
    assert dlg.isVisible() and _posts(sandbox) == []
    grab(dlg, artifacts_dir, "dialog-add-account-problems")
    dlg.curl.setPlainText("curl 'https://example.com/' -H 'accept: */*'")
    assert "No /cursor URL or token found" in dlg.curl_result.text()


@pytest.mark.parametrize(("status", "words"), [
    (400, "useapi.net refused the account"),
    (401, "did not accept the API token — replace it in Accounts"),
    (404, "could not find"),
    (596, "Hailuo paused this account"),
])
def test_server_errors_on_add_read_as_sentences(board: Any, sandbox: Sandbox, qtbot: Any,
                                                status: int, words: str) -> None:
    _rig, tab = board
    url, jwt = sandbox.make_hailuo_credentials("717171")
    sandbox.faults.add("accounts", status, method="POST", times=1)
    dlg = _open_add(qtbot, tab)
    dlg.url.setText(url)
    dlg.token.setText(jwt)
    qtbot.mouseClick(dlg.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dlg.add_button.isEnabled() and "Sending" not in dlg.result_label.text(),
                    timeout=10_000)
    assert dlg.isVisible()
    text = dlg.result_label.text()
    assert words in text
    assert "Traceback" not in text and jwt not in text
    assert tab.vm.model.row_of("717171") < 0


def test_edit_max_jobs_reuses_this_sessions_token_or_asks_again(
        board: Any, sandbox: Sandbox, qtbot: Any, artifacts_dir: Path) -> None:
    _rig, tab = board
    url, jwt = sandbox.make_hailuo_credentials("818181")
    dlg = _open_add(qtbot, tab)
    dlg.curl.setPlainText(f"curl '{url}' -H 'token: {jwt}'")
    qtbot.mouseClick(dlg.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.vm.model.row_of("818181") >= 0, timeout=10_000)

    # Pasted in this session: only the number is asked for.
    tab.select_account("818181")
    qtbot.mouseClick(tab.edit_button, Qt.MouseButton.LeftButton)
    dlg = tab.dialog
    assert not dlg.creds.isVisible() and "earlier in this session" in dlg.creds_note.text()
    dlg.max_jobs.setValue(5)
    qtbot.mouseClick(dlg.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _cell(tab, "818181", Column.MAX_JOBS) == "5", timeout=10_000)
    assert _posts(sandbox)[-1].body["maxJobs"] == 5

    # The demo account was added elsewhere: the URL and token must be pasted again.
    demo = sandbox.demo_account_id
    assert demo is not None
    tab.select_account(demo)
    qtbot.mouseClick(tab.edit_button, Qt.MouseButton.LeftButton)
    dlg = tab.dialog
    assert dlg.creds.isVisible() and "again" in dlg.creds_note.text()
    grab(dlg, artifacts_dir, "dialog-edit-needs-token")
    other_url, other_jwt = sandbox.make_hailuo_credentials("999")
    dlg.url.setText(other_url)
    dlg.token.setText(other_jwt)
    qtbot.mouseClick(dlg.add_button, Qt.MouseButton.LeftButton)
    assert "belongs to account 999" in dlg.result_label.text()


def test_delete_asks_first(board: Any, sandbox: Sandbox, qtbot: Any) -> None:
    _rig, tab = board
    extra = sandbox.add_account("303030", name="To Delete")
    tab.refresh()
    qtbot.waitUntil(lambda: tab.vm.model.row_of(extra) >= 0, timeout=10_000)
    tab.select_account(extra)
    qtbot.mouseClick(tab.delete_button, Qt.MouseButton.LeftButton)
    box = tab.confirm
    assert isinstance(box, QMessageBox) and "To Delete" in box.text()
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)
    assert not any(r.method == "DELETE" for r in sandbox.received)

    tab.select_account(extra)
    qtbot.mouseClick(tab.delete_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(tab.confirm.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.vm.model.row_of(extra) < 0, timeout=10_000)
    assert any(r.method == "DELETE" and r.path.endswith(f"/accounts/{extra}")
               for r in sandbox.received)


def test_delete_failure_stays_on_the_board(board: Any, sandbox: Sandbox, qtbot: Any) -> None:
    _rig, tab = board
    demo = sandbox.demo_account_id
    assert demo is not None
    sandbox.faults.add("accounts/{account}", 401, method="DELETE", times=1)
    tab.vm.delete_account(demo)
    qtbot.waitUntil(tab.banner.isVisible, timeout=10_000)
    assert f"Account {demo} was not deleted" in tab.banner.text
    assert tab.vm.model.row_of(demo) >= 0


def test_health_expiry_and_capacity(board: Any, sandbox: Sandbox, qtbot: Any,
                                    artifacts_dir: Path) -> None:
    rig, tab = board
    soon = sandbox.add_account("111", name="Expires Soon", expires_in_days=1.5)
    hold = sandbox.add_account("333", name="On Hold")
    broke = sandbox.add_account("444", name="No Credits", credits=0)
    sandbox.set_account(hold, error="account on hold")
    tab.refresh()
    qtbot.waitUntil(lambda: tab.vm.model.rowCount() == 4, timeout=10_000)
    m = tab.vm.model
    assert "(in 1 d" in _cell(tab, soon, Column.EXPIRES)
    assert m.data(m.index(m.row_of(soon), Column.EXPIRES), Qt.ItemDataRole.ForegroundRole) == m.warning_color
    assert _cell(tab, hold, Column.HEALTH) == \
        "On hold — Hailuo paused this account: sign in at hailuoai.video"
    assert _cell(tab, broke, Column.HEALTH).startswith("Out of credits — top up at hailuoai.video")
    assert "596" not in _cell(tab, hold, Column.HEALTH)
    assert _cell(tab, sandbox.demo_account_id or "", Column.HEALTH) == "OK"
    assert _cell(tab, sandbox.demo_account_id or "", Column.SLOTS) == "0 / 3"
    assert _cell(tab, sandbox.demo_account_id or "", Column.CREDITS) == "1 000"
    rig.window.resize(1280, 520)
    grab(rig.window, artifacts_dir, "tab-accounts-health")

    # Two days later (the sandbox refuses to register an already expired token).
    later = datetime.now(UTC) + timedelta(days=2)
    tab.vm.clock = lambda: later
    tab.vm.model.set_now(later)
    tab.refresh()
    qtbot.waitUntil(lambda: _cell(tab, soon, Column.HEALTH).startswith(
        "Hailuo token expired — add the account again"), timeout=10_000)
    assert "(expired)" in _cell(tab, soon, Column.EXPIRES)
    assert m.data(m.index(m.row_of(soon), Column.EXPIRES), Qt.ItemDataRole.ForegroundRole) == m.error_color


def test_load_failure_is_shown_above_the_table(board: Any, sandbox: Sandbox, qtbot: Any) -> None:
    _rig, tab = board
    sandbox.faults.add("accounts", 401, method="GET", times=1)
    tab.refresh()
    qtbot.waitUntil(tab.banner.isVisible, timeout=10_000)
    assert "Could not load the accounts" in tab.banner.text
    assert "replace it in Accounts" in tab.banner.text and "401" not in tab.banner.text
    qtbot.mouseClick(tab.banner.action, Qt.MouseButton.LeftButton)  # "Try again"
    qtbot.waitUntil(lambda: not tab.banner.isVisible(), timeout=10_000)


def test_capacity_follows_running_jobs(board: Any, sandbox: Sandbox, qtbot: Any) -> None:
    rig, tab = board
    engine = rig.services.engine
    assert engine is not None
    tab.vm._capacity_timer.setInterval(100)
    demo = sandbox.demo_account_id or ""
    task = __import__("asyncio").ensure_future(engine.submit(
        "video", {"model": "T2V-01", "prompt": "a slow boat sandbox:slow"}))
    qtbot.waitUntil(task.done, timeout=10_000)
    qtbot.waitUntil(lambda: rig.window.jobs_label.text() == "1 job running", timeout=10_000)
    qtbot.waitUntil(lambda: _cell(tab, demo, Column.SLOTS) == "1 / 2", timeout=10_000)


def test_coming_back_to_the_board_shows_the_slots_now_taken(board: Any, sandbox: Sandbox,
                                                           qtbot: Any) -> None:
    rig, tab = board
    engine = rig.services.engine
    assert engine is not None
    assert tab.vm._capacity_timer.interval() >= 5000  # the timed refresh cannot be the one
    demo = sandbox.demo_account_id or ""
    rig.window.select_tab("Video")
    task = __import__("asyncio").ensure_future(engine.submit(
        "video", {"model": "T2V-01", "prompt": "a slow boat sandbox:slow"}))
    qtbot.waitUntil(task.done, timeout=10_000)
    job_id = task.result().id

    def sent() -> bool:
        job = engine._active.get(job_id)
        return job is not None and bool(job.remote_ids)

    qtbot.waitUntil(sent, timeout=10_000)
    rig.window.select_tab("Accounts")
    qtbot.waitUntil(lambda: _cell(tab, demo, Column.SLOTS) == "1 / 2", timeout=3000)


def test_credits_and_slots_follow_jobs_without_refresh(board: Any, sandbox: Sandbox,
                                                       qtbot: Any) -> None:
    """A job that finishes is charged: the board shows the new balance by itself, with
    no Refresh and without waiting for the 20 s capacity timer."""
    rig, tab = board
    engine = rig.services.engine
    assert engine is not None
    assert tab.vm._capacity_timer.interval() >= 5000
    demo = sandbox.demo_account_id or ""
    assert _cell(tab, demo, Column.CREDITS) == "1 000"
    task = __import__("asyncio").ensure_future(engine.submit(
        "video", {"model": "T2V-01", "prompt": "a paper boat"}))
    qtbot.waitUntil(task.done, timeout=10_000)
    qtbot.waitUntil(lambda: _cell(tab, demo, Column.CREDITS) != "1 000", timeout=15_000)
    assert _cell(tab, demo, Column.CREDITS) == "975"  # T2V-01 costs 25


def test_red_sentences_go_once_a_pasted_curl_fixes_the_fields(board: Any, sandbox: Sandbox,
                                                            qtbot: Any) -> None:
    _rig, tab = board
    _url, expired = sandbox.make_hailuo_credentials("717171", expires_in_days=-2)
    dlg = _open_add(qtbot, tab)
    dlg.url.setText("https://hailuoai.video/")
    dlg.token.setText(expired)
    qtbot.mouseClick(dlg.verify_button, Qt.MouseButton.LeftButton)
    assert dlg.url_problem.isVisible() and dlg.token_problem.isVisible()
    url, jwt = sandbox.make_hailuo_credentials("717171", name="Fixed")
    dlg.curl.setPlainText(f"curl '{url}' -H 'token: {jwt}'")
    assert not dlg.url_problem.isVisible() and not dlg.token_problem.isVisible()
    assert dlg.result_label.isVisible() and "Looks right" in dlg.result_label.text()
    # A field still wrong keeps its sentence: only what became right is cleared.
    qtbot.mouseClick(dlg.verify_button, Qt.MouseButton.LeftButton)
    dlg.url.setText("https://hailuoai.video/")
    qtbot.mouseClick(dlg.verify_button, Qt.MouseButton.LeftButton)
    assert dlg.url_problem.isVisible()
    dlg.url.setText(url)
    assert not dlg.url_problem.isVisible()


def test_zero_accounts_is_a_page_with_one_click_demo(board: Any, sandbox: Sandbox, qtbot: Any,
                                                    artifacts_dir: Path) -> None:
    rig, tab = board
    demo = sandbox.demo_account_id or ""
    tab.vm.delete_account(demo)
    qtbot.waitUntil(lambda: tab.vm.model.rowCount() == 0, timeout=10_000)
    rig.window.resize(1024, 700)
    qtbot.waitUntil(tab.empty.isVisible, timeout=3000)
    assert not tab.table.isVisible()
    # The empty page takes the room; the token box stays its own size.
    token_box = tab.findChild(QFrame, "tokenBox")
    assert token_box is not None and token_box.height() < tab.height() // 4
    assert tab.empty.height() > tab.height() // 2
    assert tab.empty_add.isVisible() and tab.empty_demo.isVisible()
    grab(rig.window, artifacts_dir, "tab-accounts-empty")
    qtbot.mouseClick(tab.empty_demo, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.vm.model.rowCount() == 1, timeout=10_000)
    assert tab.table.isVisible() and not tab.empty.isVisible()
    account = tab.vm.model.rows()[0].account
    assert _cell(tab, account, Column.HEALTH) == "OK"
    assert _posts(sandbox), "added over HTTP like a real account"


def test_the_add_dialog_offers_a_demo_account_in_the_sandbox(board: Any, sandbox: Sandbox,
                                                             qtbot: Any) -> None:
    _rig, tab = board
    dlg = _open_add(qtbot, tab)
    assert dlg.demo_box.isVisible()
    qtbot.mouseClick(dlg.demo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.vm.model.rowCount() == 2, timeout=10_000)
    qtbot.waitUntil(lambda: tab.dialog is None, timeout=3000)  # closed (and deleted)
