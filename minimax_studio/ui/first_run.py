"""The page a new user sees: try the sandbox, or enter the useapi.net token."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QVBoxLayout, QWidget

from minimax_studio.ui.widgets.error_banner import ErrorBanner
from minimax_studio.ui.widgets.token_form import TokenForm

if TYPE_CHECKING:
    from minimax_studio.viewmodels.token_vm import TokenVM

__all__ = ["FirstRunPage"]


def _card(parent: QWidget) -> tuple[QFrame, QVBoxLayout]:
    card = QFrame(parent)
    card.setObjectName("firstRunCard")
    card.setStyleSheet("QFrame#firstRunCard { border: 1px solid palette(mid); border-radius: 8px; }")
    lay = QVBoxLayout(card)
    lay.setContentsMargins(20, 16, 20, 16)
    lay.setSpacing(8)
    return card, lay


class FirstRunPage(QWidget):
    sandboxRequested = Signal()

    TRY_TEXT = ("The sandbox is a pretend server built into the app, with one demo Hailuo "
                "account. Nothing is paid and nothing leaves this computer.")
    CONTINUE_TEXT = ("Your sandbox session is still here — its jobs, results and demo "
                     "accounts. Nothing is paid and nothing leaves this computer.")

    def __init__(self, token_vm: TokenVM, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("firstRunPage")
        title = QLabel("Welcome to MiniMax Studio", self)
        title.setStyleSheet("font-size: 22px; font-weight: 700;")
        lead = QLabel("Make videos and images with Hailuo / MiniMax through your useapi.net "
                      "subscription. Choose how to start:", self)
        lead.setWordWrap(True)

        try_card, try_lay = _card(self)
        h1 = QLabel("Try it without a subscription", try_card)
        h1.setStyleSheet("font-size: 15px; font-weight: 700;")
        t1 = QLabel(self.TRY_TEXT, try_card)
        t1.setWordWrap(True)
        self.sandbox_title, self.sandbox_text = h1, t1
        self.sandbox_button = QPushButton("Try the sandbox", try_card)
        self.sandbox_button.setObjectName("trySandbox")
        self.sandbox_button.clicked.connect(self.sandboxRequested)
        for w in (h1, t1):
            try_lay.addWidget(w)
        try_lay.addWidget(self.sandbox_button, 0, Qt.AlignmentFlag.AlignLeft)

        tok_card, tok_lay = _card(self)
        h2 = QLabel("Enter your useapi.net token", tok_card)
        h2.setStyleSheet("font-size: 15px; font-weight: 700;")
        t2 = QLabel("Sign in at <a href='https://useapi.net'>useapi.net</a>, open <b>Account</b> and "
                    "copy your API token (it looks like <code>user:12345-…</code>). It is checked "
                    "with useapi.net, then kept in your system keyring — never in a file.", tok_card)
        t2.setWordWrap(True)
        t2.setOpenExternalLinks(True)
        self.token_form = TokenForm(token_vm, tok_card)
        for w2 in (h2, t2, self.token_form):
            tok_lay.addWidget(w2)

        self.keyring_note = ErrorBanner(self, closable=False)
        self.keyring_note.setObjectName("keyringNote")

        column = QWidget(self)
        column.setMaximumWidth(720)
        col = QVBoxLayout(column)
        col.setSpacing(14)
        col.addWidget(title)
        col.addWidget(lead)
        col.addWidget(self.keyring_note)
        col.addWidget(try_card)
        col.addWidget(tok_card)
        col.addStretch(1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(40, 32, 40, 32)
        lay.addWidget(column, 0, Qt.AlignmentFlag.AlignHCenter)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        # After a restart without --sandbox the welcome page is the way back to it.
        app_vm = getattr(self.window(), "vm", None)
        self.set_sandbox_session(bool(getattr(app_vm, "has_sandbox_session", False)))

    def set_sandbox_session(self, exists: bool) -> None:
        self.sandbox_title.setText("Continue in the sandbox" if exists
                                   else "Try it without a subscription")
        self.sandbox_text.setText(self.CONTINUE_TEXT if exists else self.TRY_TEXT)
        self.sandbox_button.setText("Continue in the sandbox" if exists else "Try the sandbox")

    def show_keyring_problem(self, message: str) -> None:
        """The keyring could not be read at start: say so before the user types anything."""
        self.keyring_note.show_message(
            f"{message} If you enter a token, you can still use it until you quit.", "warning")
