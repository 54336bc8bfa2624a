"""The useapi.net token field: masked, paste-friendly, verified before it is saved.

Shown on the first-run page and in the Accounts tab ("Replace token"). Problems appear on
the line right under the field; when the keyring cannot be used, the explanation and the
"Use for this session only" button appear in place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from minimax_studio.ui.theme import colors
from minimax_studio.ui.widgets.error_banner import ErrorBanner

if TYPE_CHECKING:
    from minimax_studio.viewmodels.token_vm import TokenVM

__all__ = ["TokenForm"]


class TokenForm(QWidget):
    #: the token was verified and is in use (text says where it is kept)
    done = Signal(str)
    cancelled = Signal()

    def __init__(self, vm: TokenVM, parent: QWidget | None = None, *,
                 submit_text: str = "Check and save", cancellable: bool = False) -> None:
        super().__init__(parent)
        self.vm = vm
        self.field = QLineEdit(self)
        self.field.setObjectName("tokenField")
        self.field.setEchoMode(QLineEdit.EchoMode.Password)
        self.field.setPlaceholderText("user:12345-…  (paste with Ctrl+V)")
        self.field.setClearButtonEnabled(True)
        self.field.setMinimumWidth(260)
        self.field.returnPressed.connect(self.submit)
        self.reveal = QPushButton("Show", self)
        self.reveal.setCheckable(True)
        self.reveal.setToolTip("Show / hide the token")
        self.reveal.toggled.connect(self._toggle_reveal)
        self.paste = QPushButton("Paste", self)
        self.paste.setToolTip("Paste the token from the clipboard")
        self.paste.clicked.connect(self._paste)
        self.submit_button = QPushButton(submit_text, self)
        self.submit_button.setObjectName("submitToken")
        self.submit_button.setDefault(True)
        self.submit_button.clicked.connect(self.submit)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setVisible(cancellable)
        self.cancel_button.clicked.connect(self._cancel)
        self.problem = QLabel(self)
        self.problem.setObjectName("tokenProblem")
        self.problem.setWordWrap(True)
        self.problem.hide()
        self.status = QLabel(self)
        self.status.setObjectName("tokenStatus")
        self.status.setWordWrap(True)
        self.status.hide()
        self.keyring_banner = ErrorBanner(self, closable=False)
        self.keyring_banner.setObjectName("keyringBanner")

        row = QHBoxLayout()
        row.addWidget(self.field, 1)
        row.addWidget(self.reveal)
        row.addWidget(self.paste)
        row.addWidget(self.submit_button)
        row.addWidget(self.cancel_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(row)
        lay.addWidget(self.problem)
        lay.addWidget(self.status)
        lay.addWidget(self.keyring_banner)

        vm.problem.connect(self._show_problem)
        vm.busyChanged.connect(self._busy)
        vm.keyringUnavailable.connect(self._keyring_unavailable)
        vm.accepted.connect(self._accepted)

    # --- actions --------------------------------------------------------------------
    def submit(self) -> None:
        self.keyring_banner.hide()
        self.vm.submit(self.field.text())

    def _paste(self) -> None:
        text = QGuiApplication.clipboard().text()
        self.field.setText(text.strip())
        self.field.setFocus()

    def _toggle_reveal(self, on: bool) -> None:
        self.field.setEchoMode(QLineEdit.EchoMode.Normal if on else QLineEdit.EchoMode.Password)
        self.reveal.setText("Hide" if on else "Show")

    def _cancel(self) -> None:
        self.vm.discard_pending()
        self.reset()
        self.cancelled.emit()

    def reset(self) -> None:
        self.field.clear()
        self.problem.hide()
        self.status.hide()
        self.keyring_banner.hide()

    # --- view-model signals -------------------------------------------------------------
    def _show_problem(self, text: str) -> None:
        self.problem.setStyleSheet(f"color: {colors().error};")
        self.problem.setText(text)
        self.problem.setVisible(bool(text))

    def _busy(self, busy: bool) -> None:
        self.submit_button.setEnabled(not busy)
        self.field.setReadOnly(busy)
        if busy:
            self.status.setText("Checking the token with useapi.net…")
            self.status.show()
        else:
            self.status.hide()

    def _keyring_unavailable(self, message: str) -> None:
        self.keyring_banner.show_message(
            f"The token works, but it cannot be saved. {message}", "warning",
            action="Use for this session only", on_action=self._session_only)

    def _session_only(self) -> None:
        self.keyring_banner.hide()
        self.vm.keep_for_session()

    def _accepted(self, text: str) -> None:
        self.field.clear()
        self.problem.hide()
        self.keyring_banner.hide()
        self.status.setStyleSheet(f"color: {colors().ok};")
        self.status.setText(text)
        self.status.show()
        self.done.emit(text)

    def focus(self) -> None:
        self.field.setFocus(Qt.FocusReason.OtherFocusReason)
