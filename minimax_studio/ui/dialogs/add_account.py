"""Add a Hailuo account (or change an account's max jobs): setup steps in plain words, a
"paste cURL" box, URL + token fields, max jobs with the plan hints, Verify then Add.

Opened with ``open()``; results arrive through the view-model's signals. The pasted JWT
lives in the fields only while the dialog is open; they are cleared when it closes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from minimax_studio.ui.theme import colors
from minimax_studio.ui.widgets.focus_ring import install_focus_ring
from minimax_studio.ui.widgets.wheel_guard import guard_wheel
from minimax_studio.viewmodels.accounts_vm import MAX_JOBS_HINT

if TYPE_CHECKING:
    from minimax_studio.viewmodels.accounts_vm import AccountsVM

__all__ = ["STEPS", "AddAccountDialog"]

STEPS = (
    "<ol style='margin-left:-20px'>"
    "<li>Open <a href='https://hailuoai.video'>hailuoai.video</a> in Chrome, Edge or Firefox "
    "and sign in.</li>"
    "<li>Press <b>F12</b> to open the developer tools, choose the <b>Network</b> tab, then "
    "reload the page (F5).</li>"
    "<li>Type <b>cursor</b> in the Network tab's filter box and click the request that "
    "starts with <code>cursor?type=next</code>.</li>"
    "<li>Easiest: right-click it → <b>Copy</b> → <b>Copy as cURL</b> (any flavour) and paste "
    "it in the box below. Or copy its <b>Request URL</b> and the value of its <b>token</b> "
    "request header into the two fields.</li>"
    "</ol>"
)


class AddAccountDialog(QDialog):
    def __init__(self, vm: AccountsVM, parent: QWidget | None = None, *,
                 account: str | None = None, max_jobs: int | None = None) -> None:
        super().__init__(parent)
        self.vm = vm
        self.account = account  # None = add; else edit max jobs of this account
        editing = account is not None
        self.setWindowTitle(f"Change max jobs — account {account}" if editing
                            else "Add a Hailuo account")
        self.setMinimumWidth(640)

        self.steps = QLabel(STEPS, self)
        self.steps.setWordWrap(True)
        self.steps.setOpenExternalLinks(True)
        self.steps.setTextFormat(Qt.TextFormat.RichText)

        self.creds_note = QLabel(self)
        self.creds_note.setWordWrap(True)
        self.curl = QPlainTextEdit(self)
        self.curl.setObjectName("curlBox")
        self.curl.setPlaceholderText("Paste “Copy as cURL” here — the URL and token are picked out "
                                     "for you.")
        self.curl.setFixedHeight(70)
        self.curl.textChanged.connect(self._curl_changed)
        self.curl_result = QLabel(self)
        self.curl_result.setWordWrap(True)
        self.curl_result.hide()
        self.url = QLineEdit(self)
        self.url.setObjectName("urlField")
        self.url.setPlaceholderText("https://hailuoai.video/v3/api/multimodal/video/my/cursor?…")
        self.token = QLineEdit(self)
        self.token.setObjectName("hailuoTokenField")
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setPlaceholderText("eyJhbGciOi…  (the token request header)")
        self.url_problem = self._problem_label()
        self.token_problem = self._problem_label()
        # A red sentence goes away as soon as the field it is about is right (typed, or
        # filled from a pasted cURL) — never left standing over valid input.
        self.url.textChanged.connect(self._recheck)
        self.token.textChanged.connect(self._recheck)
        self._result_is_error = False
        self.max_jobs = QSpinBox(self)
        self.max_jobs.setObjectName("maxJobs")
        guard_wheel(self.max_jobs)
        self.max_jobs.setRange(1, 10)
        self.max_jobs.setValue(max_jobs or 2)
        self.max_jobs.setMaximumWidth(90)
        hint = QLabel(MAX_JOBS_HINT, self)
        hint.setWordWrap(True)
        hint.setStyleSheet("color: palette(placeholder-text);")

        self.creds = QWidget(self)
        form = QFormLayout(self.creds)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Paste cURL", self.curl)
        form.addRow("", self.curl_result)
        form.addRow("Request URL", self.url)
        form.addRow("", self.url_problem)
        form.addRow("Token header", self.token)
        form.addRow("", self.token_problem)
        jobs_form = QFormLayout()
        jobs_form.addRow("Max jobs", self.max_jobs)
        jobs_form.addRow("", hint)

        self.result_label = QLabel(self)
        self.result_label.setObjectName("addResult")
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result_label.hide()
        self.verify_button = QPushButton("Verify", self)
        self.verify_button.setObjectName("verifyButton")
        self.verify_button.setToolTip("Check the URL and token here, before anything is sent")
        self.verify_button.clicked.connect(self.verify)
        self.add_button = QPushButton("Save" if editing else "Add account", self)
        self.add_button.setObjectName("addButton")
        self.add_button.setDefault(True)
        self.add_button.clicked.connect(self.submit)
        self.close_button = QPushButton("Cancel", self)
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.verify_button)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.close_button)

        # The sandbox has no Hailuo login to copy a token from: one click instead.
        self.demo_box = QFrame(self)
        self.demo_box.setObjectName("demoBox")
        self.demo_box.setStyleSheet(f"QFrame#demoBox {{ background: {colors().info_bg}; "
                                    "border-radius: 4px; }")
        demo_text = QLabel("This is the sandbox: there is no Hailuo login to copy a token from. "
                           "A demo account works like a real one here.", self.demo_box)
        demo_text.setWordWrap(True)
        self.demo_button = QPushButton("Add a demo account", self.demo_box)
        self.demo_button.setObjectName("dialogAddDemo")
        self.demo_button.clicked.connect(self._add_demo)
        demo_lay = QHBoxLayout(self.demo_box)
        demo_lay.addWidget(demo_text, 1)
        demo_lay.addWidget(self.demo_button)
        self.demo_box.setVisible(not editing and vm.can_add_demo)

        lay = QVBoxLayout(self)
        lay.addWidget(self.demo_box)
        lay.addWidget(self.steps)
        lay.addWidget(self.creds_note)
        lay.addWidget(self.creds)
        lay.addLayout(jobs_form)
        lay.addWidget(self.result_label)
        lay.addLayout(buttons)

        if editing:
            self.steps.hide()
            if vm.has_credentials(account or ""):
                self.creds.hide()
                self.verify_button.hide()
                self.creds_note.setText("Uses the URL and token you pasted earlier in this session.")
            else:
                self.creds_note.setText(
                    "To change an account, useapi.net needs its /cursor URL and Hailuo token "
                    "again (MiniMax Studio does not store them). Paste them as when adding it:"
                    + STEPS)
        else:
            self.creds_note.hide()
        self.focus_ring = install_focus_ring(self)
        vm.saveResult.connect(self._saved)
        vm.needsCredentials.connect(self._needs_credentials)
        self.finished.connect(self._clear)

    def _problem_label(self) -> QLabel:
        label = QLabel(self)
        label.setWordWrap(True)
        label.setStyleSheet(f"color: {colors().error};")
        label.hide()
        return label

    # --- actions ----------------------------------------------------------------------
    def _curl_changed(self) -> None:
        text = self.curl.toPlainText()
        if not text.strip():
            self.curl_result.hide()
            return
        url, token = self.vm.from_curl(text)
        if url:
            self.url.setText(url)
        if token:
            self.token.setText(token)
        found = [w for w, v in (("the URL", url), ("the token", token)) if v]
        missing = [w for w, v in (("the /cursor URL", url), ("a token header", token)) if not v]
        if not missing:
            msg, color = "Found the URL and the token.", colors().ok
        elif found:
            msg, color = f"Found {found[0]}, but not {missing[0]}.", colors().warning
        else:
            msg, color = ("No /cursor URL or token found. Copy the cursor request with "
                          "“Copy as cURL”."), colors().error
        self.curl_result.setStyleSheet(f"color: {color};")
        self.curl_result.setText(msg)
        self.curl_result.show()

    def verify(self) -> bool:
        r = self.vm.verify(self.url.text(), self.token.text())
        self._show_field(self.url_problem, r.problems.get("url", ""))
        self._show_field(self.token_problem, r.problems.get("token", ""))
        if r.ok:
            self._show_result(r.summary(), ok=True)
        else:
            self.result_label.hide()
        return r.ok

    def submit(self) -> None:
        self._show_result("Sending to useapi.net…", ok=None)
        self.add_button.setEnabled(False)
        if self.account is None:
            if not self.verify():
                self.add_button.setEnabled(True)
                return
            self.vm.add_account(self.url.text(), self.token.text(), self.max_jobs.value())
        else:
            if self.creds.isVisible() and not self.verify():
                self.add_button.setEnabled(True)
                return
            url, token = ((self.url.text(), self.token.text()) if self.creds.isVisible()
                          else ("", ""))
            self.vm.set_max_jobs(self.account, self.max_jobs.value(), url, token)

    # --- view-model signals -------------------------------------------------------------------
    def _saved(self, ok: bool, message: str) -> None:
        self.add_button.setEnabled(True)
        self.demo_button.setEnabled(True)
        self._show_result(message, ok=ok)
        if ok:
            self.accept()

    def _needs_credentials(self, account: str) -> None:
        if account != self.account:
            return
        self.add_button.setEnabled(True)
        self.creds.show()
        self.verify_button.show()
        self.creds_note.setText("useapi.net needs this account's /cursor URL and Hailuo token "
                                "again to change it. Paste them below." + STEPS)
        self.creds_note.show()
        self.result_label.hide()

    def _add_demo(self) -> None:
        self._show_result("Adding a demo account…", ok=None)
        self.demo_button.setEnabled(False)
        self.vm.add_demo_account(self.max_jobs.value())

    def _recheck(self) -> None:
        if not (self.url_problem.isVisibleTo(self) or self.token_problem.isVisibleTo(self)
                or self._result_is_error):
            return
        r = self.vm.verify(self.url.text(), self.token.text())
        # Only clear what is now right; a field still wrong keeps its sentence until Verify.
        if "url" not in r.problems:
            self._show_field(self.url_problem, "")
        if "token" not in r.problems:
            self._show_field(self.token_problem, "")
        if r.ok:  # everything that was wrong is right now: say so in green
            self._show_result(r.summary(), ok=True)

    def _show_field(self, label: QLabel, text: str) -> None:
        label.setText(text)
        label.setVisible(bool(text))

    def _show_result(self, text: str, *, ok: bool | None) -> None:
        c = colors()
        color = c.ok if ok else (c.error if ok is False else "palette(window-text)")
        self.result_label.setStyleSheet(f"color: {color};")
        self._result_is_error = ok is False
        self.result_label.setText(text)
        self.result_label.setVisible(bool(text))

    def _clear(self) -> None:
        # The JWT stays in memory only while the dialog is open.
        self.token.clear()
        self.curl.clear()
        self.vm.saveResult.disconnect(self._saved)
        self.vm.needsCredentials.disconnect(self._needs_credentials)
