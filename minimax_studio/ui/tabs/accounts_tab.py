"""The Accounts tab: the useapi.net token (replace / forget) and the account board."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelection, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from minimax_studio.ui.dialogs.add_account import AddAccountDialog
from minimax_studio.ui.theme import colors, restyle_tree
from minimax_studio.ui.widgets.error_banner import ErrorBanner
from minimax_studio.ui.widgets.focus_ring import install_focus_ring
from minimax_studio.ui.widgets.token_form import TokenForm
from minimax_studio.viewmodels.accounts_model import Column, Role
from minimax_studio.viewmodels.accounts_vm import AccountsVM

if TYPE_CHECKING:
    from minimax_studio.ui.main_window import MainWindow
    from minimax_studio.viewmodels.app_vm import AppVM
    from minimax_studio.viewmodels.services import Services
    from minimax_studio.viewmodels.token_vm import TokenVM

__all__ = ["AccountsTab", "build_accounts_tab"]


class AccountsTab(QWidget):
    def __init__(self, vm: AccountsVM, token_vm: TokenVM, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("accountsTab")
        self.vm = vm
        # Owned by the tab: Qt deletes it with the tab, on the GUI thread. (Left to Python's
        # cyclic GC it could be collected in any thread — the keyring's, the sandbox's —
        # and a QObject with timers destroyed off its thread crashes.)
        vm.setParent(self)
        self.app: AppVM = vm.app
        self.token_vm = token_vm
        self.dialog: AddAccountDialog | None = None
        self.confirm: QMessageBox | None = None

        # --- token section ---------------------------------------------------------
        token_box = QFrame(self)
        token_box.setObjectName("tokenBox")
        token_box.setStyleSheet("QFrame#tokenBox { border: 1px solid palette(mid); border-radius: 6px; }")
        title = QLabel("useapi.net API token", token_box)
        title.setStyleSheet("font-weight: 700;")
        self.token_state = QLabel(token_box)
        self.token_state.setObjectName("tokenState")
        self.replace_button = QPushButton("Replace token…", token_box)
        self.replace_button.setObjectName("replaceToken")
        self.replace_button.clicked.connect(self._show_token_form)
        self.forget_button = QPushButton("Forget token", token_box)
        self.forget_button.setObjectName("forgetToken")
        self.forget_button.clicked.connect(self._confirm_forget)
        self.token_form = TokenForm(token_vm, token_box, submit_text="Check and replace",
                                    cancellable=True)
        self.token_form.hide()
        self.token_form.cancelled.connect(self.token_form.hide)
        trow = QHBoxLayout()
        trow.addWidget(title)
        trow.addWidget(self.token_state, 1)
        trow.addWidget(self.replace_button)
        trow.addWidget(self.forget_button)
        tlay = QVBoxLayout(token_box)
        tlay.addLayout(trow)
        tlay.addWidget(self.token_form)

        # --- board toolbar -----------------------------------------------------------
        heading = QLabel("Hailuo accounts", self)
        heading.setStyleSheet("font-size: 16px; font-weight: 700;")
        self.add_button = QPushButton("Add account…", self)
        self.add_button.setObjectName("addAccount")
        self.add_button.clicked.connect(self.open_add)
        self.edit_button = QPushButton("Change max jobs…", self)
        self.edit_button.setObjectName("editAccount")
        self.edit_button.clicked.connect(self.open_edit)
        self.delete_button = QPushButton("Delete…", self)
        self.delete_button.setObjectName("deleteAccount")
        self.delete_button.clicked.connect(self.confirm_delete)
        self.refresh_button = QPushButton("Refresh", self)
        self.refresh_button.setToolTip("Reload accounts, slots and credits (F5)")
        self.refresh_button.clicked.connect(self.refresh)
        # While loading, Refresh itself reads "Loading…" (disabled): a separate label beside
        # it made this bar ~60 px wider than the window's 760 px minimum for a moment, and the
        # window stayed that wide.
        bar = QHBoxLayout()
        bar.addWidget(heading)
        bar.addStretch(1)
        for b in (self.add_button, self.edit_button, self.delete_button, self.refresh_button):
            bar.addWidget(b)
        self._bar = bar

        self.banner = ErrorBanner(self)
        self.banner.setObjectName("accountsBanner")

        # --- table -------------------------------------------------------------------
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(vm.model)
        self.proxy.setSortRole(Role.SORT)
        self.table = QTableView(self)
        self.table.setObjectName("accountsTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(Column.ACCOUNT, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(Column.HEALTH, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _i: self.open_edit())
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)

        # Zero accounts: a page of its own (not a table with no rows under a token box that
        # grows to fill the window) — what an account is for and the one button to press.
        self.empty = QFrame(self)
        self.empty.setObjectName("emptyAccounts")
        empty_title = QLabel("No Hailuo accounts yet", self.empty)
        empty_title.setStyleSheet("font-size: 18px; font-weight: 700;")
        self.empty_text = QLabel(
            "Videos and images are made on your own hailuoai.video accounts, through "
            "useapi.net. Add one: it takes about a minute with the browser's developer tools.",
            self.empty)
        self.empty_text.setWordWrap(True)
        self.empty_text.setStyleSheet("font-size: 14px;")
        self.empty_add = QPushButton("Add account…", self.empty)
        self.empty_add.setObjectName("emptyAddAccount")
        self.empty_add.setMinimumHeight(34)
        self.empty_add.clicked.connect(self.open_add)
        self.empty_demo = QPushButton("Add a demo account", self.empty)
        self.empty_demo.setObjectName("emptyAddDemo")
        self.empty_demo.setToolTip("The sandbox signs a pretend Hailuo token for you")
        self.empty_demo.setMinimumHeight(34)
        self.empty_demo.clicked.connect(self.add_demo)
        buttons = QHBoxLayout()
        buttons.addWidget(self.empty_add)
        buttons.addWidget(self.empty_demo)
        buttons.addStretch(1)
        elay = QVBoxLayout(self.empty)
        elay.setContentsMargins(24, 24, 24, 24)
        elay.addWidget(empty_title)
        elay.addWidget(self.empty_text)
        elay.addSpacing(8)
        elay.addLayout(buttons)
        elay.addStretch(1)
        self.empty.hide()
        self.demo_button = QPushButton("Add a demo account", self)
        self.demo_button.setObjectName("addDemoAccount")
        self.demo_button.setToolTip("Sandbox only: a pretend Hailuo account in one click")
        self.demo_button.clicked.connect(self.add_demo)
        self.legend = QLabel("Running / free: video jobs running through the API and slots left "
                             "(max jobs minus running). Hailuo token expiry turns amber under 3 days "
                             "and red once expired. Capacity refreshes by itself while jobs run.", self)
        self.legend.setWordWrap(True)
        self.legend.setStyleSheet("color: palette(placeholder-text);")

        lay = QVBoxLayout(self)
        lay.addWidget(token_box)
        lay.addLayout(bar)
        lay.addWidget(self.banner)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.empty, 1)
        lay.addWidget(self.legend)

        vm.busyChanged.connect(self._busy)
        vm.loadProblem.connect(self._load_problem)
        vm.rowsChanged.connect(self._rows_changed)
        vm.deleteResult.connect(self._deleted)
        vm.saveResult.connect(self._demo_saved)
        self.app.statusChanged.connect(self._update_token_state)
        # Bound methods (not lambdas): Qt drops them when this tab is deleted.
        token_vm.accepted.connect(self._token_accepted)
        self._bar.insertWidget(self._bar.indexOf(self.add_button) + 1, self.demo_button)
        self.focus_ring = install_focus_ring(self)
        self.restyle()
        self._update_token_state()
        self._selection_changed()

    def showEvent(self, event: Any) -> None:
        # Coming back to the board after starting jobs elsewhere: show the slots as they
        # are now, not as the last timed refresh (up to 20 s ago) saw them.
        super().showEvent(event)
        self.vm.refresh_capacity()

    # --- public ----------------------------------------------------------------------
    def refresh(self) -> None:
        """F5."""
        self.vm.refresh()

    def shutdown(self) -> None:
        for w in (self.dialog, self.confirm):
            if w is not None:
                w.close()
        self.vm.shutdown()

    def restyle(self) -> None:
        restyle_tree(self)
        c = colors()
        self.vm.model.warning_color = QColor(c.warning)
        self.vm.model.error_color = QColor(c.error)
        self.vm.model.ok_color = QColor(c.ok)
        self.vm.model.tick()

    def selected_account(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        value = self.proxy.data(rows[0], Role.ACCOUNT_ID)
        return str(value) if value is not None else None

    def select_account(self, account: str) -> None:
        row = self.vm.model.row_of(account)
        if row >= 0:
            self.table.selectRow(self.proxy.mapFromSource(self.vm.model.index(row, 0)).row())

    # --- dialogs (open(), never exec()) ---------------------------------------------------
    def open_add(self) -> AddAccountDialog:
        self.dialog = AddAccountDialog(self.vm, self)
        self.dialog.finished.connect(self._dialog_closed)
        self.dialog.open()
        return self.dialog

    def open_edit(self) -> AddAccountDialog | None:
        account = self.selected_account()
        if account is None:
            return None
        row = self.vm.model.account_at(self.vm.model.row_of(account))
        self.dialog = AddAccountDialog(self.vm, self, account=account,
                                       max_jobs=row.max_jobs if row else None)
        self.dialog.finished.connect(self._dialog_closed)
        self.dialog.open()
        return self.dialog

    def _dialog_closed(self, _result: int) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = None

    def confirm_delete(self) -> QMessageBox | None:
        account = self.selected_account()
        if account is None:
            return None
        row = self.vm.model.account_at(self.vm.model.row_of(account))
        who = f"{account} ({row.name})" if row and row.name else account
        box = QMessageBox(QMessageBox.Icon.Question, "Delete account?",
                          f"Remove Hailuo account {who} from useapi.net?", parent=self)
        box.setInformativeText("New jobs will no longer run on it. The Hailuo account itself and "
                               "its videos are not touched; you can add it again later.")
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
        box.button(QMessageBox.StandardButton.Yes).setText("Delete")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.finished.connect(lambda r, a=account: self._delete_answer(r, a))
        self.confirm = box
        box.open()
        return box

    def _delete_answer(self, result: int, account: str) -> None:
        if self.confirm is not None:
            self.confirm.deleteLater()
            self.confirm = None
        if result == QMessageBox.StandardButton.Yes:
            self.vm.delete_account(account)

    def _confirm_forget(self) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, "Forget the token?",
                          "Remove the useapi.net token from this computer?", parent=self)
        box.setInformativeText("It is deleted from the system keyring. Running jobs stop being "
                               "followed until you enter a token again; they resume then.")
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
        box.button(QMessageBox.StandardButton.Yes).setText("Forget token")
        box.finished.connect(self._forget_answer)
        self.confirm = box
        box.open()

    def _forget_answer(self, result: int) -> None:
        if result == QMessageBox.StandardButton.Yes:
            self.token_vm.forget()

    def _token_accepted(self, _text: str) -> None:
        self.token_form.hide()

    def _show_token_form(self) -> None:
        self.token_form.reset()
        self.token_form.show()
        self.token_form.focus()

    # --- view-model signals ------------------------------------------------------------------
    def _busy(self, busy: bool) -> None:
        self.refresh_button.setText("Loading…" if busy else "Refresh")
        self.refresh_button.setEnabled(not busy)

    def _load_problem(self, text: str) -> None:
        if text:
            self.banner.show_message(text, "error", action="Try again", on_action=self.refresh)
        else:
            self.banner.dismiss()

    def add_demo(self) -> None:
        self.banner.show_message("Adding a demo account…", "info")
        self.vm.add_demo_account()

    def _demo_saved(self, ok: bool, message: str) -> None:
        if self.dialog is not None and self.dialog.isVisible():
            return  # the dialog shows its own result
        self.banner.show_message(message, "info" if ok else "error")

    def _rows_changed(self) -> None:
        empty = self.vm.model.rowCount() == 0
        self.empty.setVisible(empty)
        self.table.setVisible(not empty)
        self.legend.setVisible(not empty)
        self._selection_changed()

    def _deleted(self, ok: bool, message: str) -> None:
        if ok:
            self.app.services.notifier.clear("Accounts")
        else:
            self.banner.show_message(message, "error")

    def _selection_changed(self, *_: QItemSelection) -> None:
        has = self.selected_account() is not None
        self.edit_button.setEnabled(has)
        self.delete_button.setEnabled(has)
        hint = "" if has else "Select an account in the table first."
        self.edit_button.setToolTip(hint or "Change how many jobs may run on this account at once")
        self.delete_button.setToolTip(hint or "Remove this account from useapi.net")

    def _update_token_state(self) -> None:
        self.token_state.setText(self.app.token_text.removeprefix("Token: ").capitalize())
        sandbox = self.app.is_sandbox
        self.replace_button.setText("Use my real token…" if sandbox else "Replace token…")
        self.forget_button.setVisible(not sandbox)
        demo = self.vm.can_add_demo
        self.demo_button.setVisible(demo)
        self.empty_demo.setVisible(demo)


def build_accounts_tab(services: Services, window: MainWindow) -> AccountsTab:
    """Tab builder (see app.tab_builders())."""
    vm = AccountsVM(window.vm)
    # The Video and Image forms follow the board (their routing line and Generate).
    services.accounts_vm = vm
    tab = AccountsTab(vm, window.token_vm)
    vm.refresh()
    return tab
