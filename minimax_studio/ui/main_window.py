"""The main window: five tabs, the first-run page, notices, status bar, shortcuts.

Tab-mounting API (for whoever builds a tab)::

    window.set_tab("Video", VideoTab(...))   # replaces the placeholder, keeps the position
    window.tab("Video")                      # the widget currently in that tab
    window.select_tab("Gallery")

A tab widget may define ``refresh()`` (F5 calls it) and ``shutdown()`` (called when it
is replaced or the session closes). The window never talks to the network or the disk:
it renders ``AppVM`` state and ``Notifier`` notices.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QPaintEvent
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from minimax_studio.viewmodels.app_vm import AppVM
    from minimax_studio.viewmodels.notifier import Notice
    from minimax_studio.viewmodels.token_vm import TokenVM

__all__ = ["TAB_NAMES", "MainWindow"]

TAB_NAMES = ("Accounts", "Video", "Image", "Agent", "Gallery")


class MainWindow(QMainWindow):
    #: the user asked to close (Ctrl+Q / the close button); the app shuts down async work
    closeRequested = Signal()
    settingsRequested = Signal()
    aboutRequested = Signal()
    #: first paint done (the start-up benchmark waits for it)
    firstPainted = Signal()

    def __init__(self, app_vm: AppVM | None = None, token_vm: TokenVM | None = None,
                 parent: QWidget | None = None) -> None:
        """Without view-models the window paints its "Starting…" page at once; the app
        calls ``attach`` once the rest has loaded (start-up time: see bench_startup)."""
        super().__init__(parent)
        self.setWindowTitle("MiniMax Studio")
        self.setObjectName("mainWindow")
        self.resize(1200, 780)
        #: time.monotonic() of the first paint (the start-up benchmark reads it)
        self.first_paint_at: float | None = None
        self._closing_ok = False
        self._restored = False

        self._pending_tab = ""
        self._complete = False

        # Only what the first paint needs; the rest is built by ``complete`` (start-up time).
        self.pages = QStackedWidget(self)
        self.starting = QLabel("Starting MiniMax Studio…", self.pages)
        # No style sheet and no ``Qt.AlignmentFlag`` before the first paint: the first
        # costs a style-sheet engine, the second ~40 ms (PySide6 builds every Qt enum on
        # first use). The page is centred in ``complete``.
        font = self.starting.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        self.starting.setFont(font)
        self.pages.addWidget(self.starting)
        central = QWidget(self)
        self._central_layout = QVBoxLayout(central)
        self._central_layout.setContentsMargins(6, 6, 6, 0)
        self._central_layout.setSpacing(4)
        self._central_layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)
        if app_vm is not None and token_vm is not None:
            self.attach(app_vm, token_vm)

    def complete(self) -> None:
        """Build tabs, banner, status bar and menus (once)."""
        if self._complete:
            return
        self._complete = True
        from PySide6.QtCore import Qt

        from minimax_studio.ui.tabs.placeholder import PlaceholderTab
        from minimax_studio.ui.widgets.error_banner import ErrorBanner

        self.starting.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.tabs = QTabWidget(self.pages)
        self.tabs.setObjectName("mainTabs")
        self.tabs.setDocumentMode(True)
        # Hovering a drag (a result from the jobs panel) over a tab opens it, so an image
        # result can be dropped onto the Video tab's first-frame slot.
        self.tabs.tabBar().setChangeCurrentOnDrag(True)
        self.tabs.tabBar().setAcceptDrops(True)
        for name in TAB_NAMES:
            self.tabs.addTab(PlaceholderTab(name, parent=self.tabs), name)
        self.sandbox_badge = QLabel("  SANDBOX — pretend server, nothing is paid  ", self.tabs)
        self.sandbox_badge.setObjectName("sandboxBadge")
        self.sandbox_badge.hide()
        self.tabs.setCornerWidget(self.sandbox_badge, Qt.Corner.TopRightCorner)
        self.pages.addWidget(self.tabs)
        self.banner = ErrorBanner(self)
        self.banner.setObjectName("windowBanner")
        self._central_layout.insertWidget(0, self.banner)
        self._build_status_bar()
        self._build_menu()
        self.restyle()
        if self._pending_tab in TAB_NAMES:
            self.tabs.setCurrentIndex(self.index_of(self._pending_tab))

    def attach(self, app_vm: AppVM, token_vm: TokenVM) -> None:
        """Connect the view-models (once)."""
        from minimax_studio.ui.first_run import FirstRunPage

        self.complete()
        self.vm = app_vm
        self.token_vm = token_vm
        self.first_run = FirstRunPage(token_vm, self.pages)
        self.first_run.sandboxRequested.connect(self._try_sandbox)
        self.pages.insertWidget(1, self.first_run)
        app_vm.phaseChanged.connect(self._on_phase)
        app_vm.statusChanged.connect(self._update_status)
        app_vm.keyringProblem.connect(self.first_run.show_keyring_problem)
        app_vm.sessionClosed.connect(self.reset_tabs)
        app_vm.services.notifier.posted.connect(self.show_notice)
        self.restore_state(*app_vm.window_state())
        self._on_phase(app_vm.phase.value)

    # --- building -------------------------------------------------------------------
    def _build_status_bar(self) -> None:
        sb = self.statusBar()
        self.server_label = QLabel(sb)
        self.server_label.setObjectName("serverStatus")
        self.token_label = QLabel(sb)
        self.token_label.setObjectName("tokenStatus")
        self.accounts_label = QLabel(sb)
        self.accounts_label.setObjectName("accountsStatus")
        self.jobs_label = QLabel(sb)
        self.jobs_label.setObjectName("jobsStatus")
        for w in (self.server_label, self.token_label, self.accounts_label, self.jobs_label):
            w.setContentsMargins(8, 0, 8, 0)
            sb.addPermanentWidget(w)

    def _build_menu(self) -> None:
        from PySide6.QtCore import Qt

        bar = self.menuBar()
        app_menu = bar.addMenu("&File")
        self.settings_action = QAction("&Settings…", self)
        self.settings_action.setShortcut(QKeySequence("Ctrl+,"))
        self.settings_action.triggered.connect(self.settingsRequested)
        self.quit_action = QAction("&Quit", self)
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.quit_action.triggered.connect(self.close)
        app_menu.addAction(self.settings_action)
        app_menu.addSeparator()
        app_menu.addAction(self.quit_action)
        view = bar.addMenu("&View")
        self.refresh_action = QAction("&Refresh current tab", self)
        self.refresh_action.setShortcut(QKeySequence(Qt.Key.Key_F5))
        self.refresh_action.triggered.connect(self.refresh_current)
        view.addAction(self.refresh_action)
        view.addSeparator()
        for i, name in enumerate(TAB_NAMES, start=1):
            act = QAction(name, self)
            act.setShortcut(QKeySequence(f"Ctrl+{i}"))
            act.triggered.connect(lambda _=False, n=name: self.select_tab(n))
            view.addAction(act)
        help_menu = bar.addMenu("&Help")
        self.about_action = QAction("&About MiniMax Studio", self)
        self.about_action.triggered.connect(self.aboutRequested)
        help_menu.addAction(self.about_action)
        self.addActions([self.settings_action, self.quit_action, self.refresh_action,
                         *view.actions(), self.about_action])

    def restyle(self) -> None:
        """Re-apply colours after a theme change."""
        from minimax_studio.ui.theme import colors

        if not self._complete:
            return
        c = colors()
        self.sandbox_badge.setStyleSheet(
            f"QLabel#sandboxBadge {{ background: {c.badge_bg}; color: {c.badge_fg};"
            " font-weight: 700; border-radius: 4px; padding: 3px 4px; margin: 2px; }")
        for name in TAB_NAMES:
            restyle = getattr(self.tab(name), "restyle", None)
            if callable(restyle):
                restyle()

    # --- tabs -----------------------------------------------------------------------
    def index_of(self, name: str) -> int:
        return TAB_NAMES.index(name)

    def tab(self, name: str) -> QWidget:
        widget = self.tabs.widget(self.index_of(name))
        assert widget is not None
        return widget

    def set_tab(self, name: str, widget: QWidget) -> None:
        """Put ``widget`` in tab ``name`` (replacing what was there, which is shut down and
        deleted). The current tab stays selected."""
        i = self.index_of(name)
        current = self.tabs.currentIndex()
        old = self.tabs.widget(i)
        if old is widget:
            return
        self.tabs.blockSignals(True)
        self.tabs.removeTab(i)
        self.tabs.insertTab(i, widget, name)
        self.tabs.setCurrentIndex(current)
        self.tabs.blockSignals(False)
        if old is not None:
            _shutdown(old)
            old.deleteLater()

    def reset_tabs(self) -> None:
        """Session closed: every tab goes back to its placeholder."""
        from minimax_studio.ui.tabs.placeholder import PlaceholderTab

        for name in TAB_NAMES:
            if not isinstance(self.tab(name), PlaceholderTab):
                self.set_tab(name, PlaceholderTab(name, parent=self.tabs))

    def select_tab(self, name: str) -> None:
        if self.pages.currentWidget() is self.tabs:
            self.tabs.setCurrentIndex(self.index_of(name))

    def current_tab_name(self) -> str:
        return TAB_NAMES[max(0, self.tabs.currentIndex())]

    def refresh_current(self) -> None:
        if self.pages.currentWidget() is not self.tabs:
            return
        refresh = getattr(self.tabs.currentWidget(), "refresh", None)
        if callable(refresh):
            refresh()

    # --- app state ------------------------------------------------------------------
    def _try_sandbox(self) -> None:
        self.vm.use_sandbox()

    def _on_phase(self, phase: str) -> None:
        if phase == "first-run":
            self.pages.setCurrentWidget(self.first_run)
            self.first_run.token_form.focus()
        elif phase == "ready":
            self.pages.setCurrentWidget(self.tabs)
        else:
            self.starting.setText("Connecting…" if phase == "connecting"
                              else "Starting MiniMax Studio…")
            self.pages.setCurrentWidget(self.starting)
        self._update_status()

    def _update_status(self) -> None:
        vm = self.vm
        self.server_label.setText(vm.server_text)
        self.token_label.setText(vm.token_text)
        ready = vm.session is not None
        self.accounts_label.setVisible(ready)
        self.jobs_label.setVisible(ready)
        self.accounts_label.setText(vm.accounts_text)
        self.jobs_label.setText(vm.jobs_text)
        self.sandbox_badge.setVisible(vm.is_sandbox)

    def show_notice(self, notice: Notice) -> None:
        """Errors and warnings stay in the banner until dismissed; info passes in the
        status bar."""
        level = str(notice.level)
        if level == "info":
            self.statusBar().showMessage(notice.text, 6000)
        else:
            self.banner.show_message(notice.text, level)

    # --- geometry / closing -----------------------------------------------------------
    def restore_state(self, geometry: str, last_tab: str) -> None:
        """Geometry (base64 of saveGeometry) and last tab from the previous run."""
        if geometry and not self._restored:
            self._restored = True
            self.restoreGeometry(QByteArray.fromBase64(geometry.encode("ascii")))
        if last_tab in TAB_NAMES:
            if self._complete:
                self.tabs.setCurrentIndex(self.index_of(last_tab))
            else:
                self._pending_tab = last_tab

    def remember_state(self) -> None:
        geometry = bytes(self.saveGeometry().toBase64().data()).decode("ascii")
        self.vm.remember_window(geometry, self.current_tab_name())

    def allow_close(self) -> None:
        """The app finished its shutdown work; the next close really closes."""
        self._closing_ok = True

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._closing_ok or not hasattr(self, "vm"):
            event.accept()
            return
        # Remember now, while the geometry is still the one the user sees.
        self.remember_state()
        event.ignore()
        self.closeRequested.emit()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self.first_paint_at is None:
            self.first_paint_at = time.monotonic()
            self.firstPainted.emit()


def _shutdown(widget: QWidget) -> None:
    # Not every tab has a ``shutdown()`` (placeholders, the Settings tab): look it up.
    stop = getattr(widget, "shutdown", None)
    if callable(stop):
        try:
            stop()
        except Exception:  # a tab failing to stop must not stop the others
            import logging

            logging.getLogger(__name__).exception("shutting down a tab failed")
