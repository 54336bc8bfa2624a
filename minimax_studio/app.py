"""Composition root: QApplication, the qasync loop, wiring, shutdown.

``run()`` is what ``minimax-studio`` calls. ``Studio`` is the wired app without the event
loop, so tests build it on their own qasync loop (tests/ui) and drive it like a user.

Order matters for start-up time: the window is built and shown with only PySide6 and our
light modules imported; the keyring, httpx, pydantic, SQLite and the tabs load after the
first paint, inside the running loop.

Tab builders: each tab's owner provides ``build_<name>_tab(services, window) -> QWidget``,
imported by name in ``tab_builders()`` when ``Studio`` is built (right after the first
paint), so a misspelt builder stops the app at start instead of leaving a quiet placeholder.
They run when a session opens; a builder that fails shows its failure on the placeholder.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from minimax_studio import APP_NAME, DESKTOP_ID, __version__
from minimax_studio.ui.main_window import TAB_NAMES, MainWindow
from minimax_studio.ui.theme import apply_startup_theme, apply_theme

# Only PySide6 and the window's own modules above: everything else (asyncio, qasync, the
# view-models, keyring, httpx …) is imported after the window's first paint.
if TYPE_CHECKING:
    import asyncio

    from minimax_studio.viewmodels.app_vm import SessionOpener
    from minimax_studio.viewmodels.services import Services

log = logging.getLogger(__name__)

__all__ = ["Studio", "TabBuilder", "run", "tab_builders"]

#: ``build_<name>_tab(services, window)``: a tab's widget on the open session.
TabBuilder = Callable[["Services", MainWindow], QWidget]


def tab_builders() -> dict[str, TabBuilder]:
    """Tab name -> its builder. Plain imports (a typo is an ImportError when the app
    starts), inside a function only so the tabs' heavy modules load after the first paint.
    Owners of a tab add / keep their line here."""
    from minimax_studio.ui.tabs.accounts_tab import build_accounts_tab
    from minimax_studio.ui.tabs.agent_tab import build_agent_tab
    from minimax_studio.ui.tabs.gallery_tab import build_gallery_tab
    from minimax_studio.ui.tabs.generate_tabs import build_image_tab, build_video_tab
    from minimax_studio.viewmodels.tab_models import agent_vm, gallery_models, generate_tab_models

    # The session becomes view-models here (typed factories); the tabs never see core objects.
    def video(services: Services, window: MainWindow) -> QWidget:
        return build_video_tab(generate_tab_models(services, "video"), services, window)

    def image(services: Services, window: MainWindow) -> QWidget:
        return build_image_tab(generate_tab_models(services, "image"), services, window)

    def agent(services: Services, window: MainWindow) -> QWidget:
        return build_agent_tab(agent_vm(services), window)

    def gallery(services: Services, window: MainWindow) -> QWidget:
        return build_gallery_tab(services, window, models=gallery_models(services))

    return {"Accounts": build_accounts_tab, "Video": video, "Image": image, "Agent": agent,
            "Gallery": gallery}


class Studio:
    """The wired application: view-models, window, dialogs, tab mounting, shutdown."""

    def __init__(self, services: Services, *, opener: SessionOpener | None = None,
                 sandbox_factory: Callable[[], Any] | None = None,
                 builders: dict[str, TabBuilder] | None = None,
                 window: MainWindow | None = None, tab: str | None = None) -> None:
        import asyncio

        from minimax_studio.viewmodels.app_vm import AppVM
        from minimax_studio.viewmodels.services import open_session
        from minimax_studio.viewmodels.token_vm import TokenVM

        self.services = services
        self.app_vm = AppVM(services, opener=opener or open_session,
                            sandbox_factory=sandbox_factory)
        self.token_vm = TokenVM(self.app_vm)
        self.window = window or MainWindow()
        self.window.attach(self.app_vm, self.token_vm)
        if tab in TAB_NAMES:  # --tab: wins over the tab remembered from the last run
            self.window.restore_state("", tab)
        self.builders = dict(tab_builders() if builders is None else builders)
        self.closed = asyncio.Event()
        #: set each time a session's tabs are built (start-up work is over)
        self.tabs_mounted = asyncio.Event()
        self._dialogs: dict[str, QDialog] = {}
        self.window.closeRequested.connect(self.closed.set)
        self.window.settingsRequested.connect(self.open_settings)
        self.window.aboutRequested.connect(self.open_about)
        self.app_vm.sessionReady.connect(self._session_ready)
        hints = QGuiApplication.styleHints()
        hints.colorSchemeChanged.connect(self._system_scheme_changed)

    # --- lifecycle ----------------------------------------------------------------------
    def start(self, *, sandbox: bool = False) -> asyncio.Task[Any]:
        self.window.show()
        return self.app_vm.start(sandbox=sandbox)

    async def main(self, *, sandbox: bool = False) -> int:
        import asyncio

        loop = asyncio.get_running_loop()
        loop.set_exception_handler(_loop_exception_handler)
        self.start(sandbox=sandbox)
        await self.closed.wait()
        await self.shutdown()
        return 0

    async def shutdown(self) -> None:
        """Stop tabs, close the session (jobs resume next start), stop every task."""
        import asyncio

        for dialog in list(self._dialogs.values()):
            dialog.close()
        try:  # a plain-Python receiver: Qt would keep calling it after the window is gone
            QGuiApplication.styleHints().colorSchemeChanged.disconnect(self._system_scheme_changed)
        except (RuntimeError, TypeError):
            pass
        self.window.reset_tabs()
        try:
            await asyncio.wait_for(self.app_vm.shutdown(), timeout=10)
        except Exception:
            log.exception("closing the session failed")
        await self.services.runner.shutdown()
        self.window.allow_close()
        self.window.close()
        # Free our QObjects here, on the GUI thread. Python's cyclic GC may otherwise collect
        # them later in whichever thread allocates (keyring worker, sandbox server), and Qt
        # objects destroyed off their thread crash.
        for obj in (self.token_vm, self.app_vm, self.services.runner, self.services.notifier):
            obj.deleteLater()
        import gc

        gc.collect()

    # --- tabs ---------------------------------------------------------------------------
    def _session_ready(self) -> None:
        self.services.runner.start("app:mount-tabs", self._mount_tabs(),
                                   error_context="Opening the tabs")

    async def _mount_tabs(self) -> None:
        import asyncio

        from minimax_studio.ui.tabs.placeholder import PlaceholderTab

        for name in TAB_NAMES:
            builder = self.builders.get(name)
            if builder is None or self.services.session is None:
                continue
            try:
                widget = builder(self.services, self.window)
            except Exception as exc:
                log.exception("building the %s tab failed", name)
                note = (f"This tab could not start: {type(exc).__name__}. "
                        "The details are in the log file.")
                self.window.set_tab(name, PlaceholderTab(name, note))
            else:
                self.window.set_tab(name, widget)
            await asyncio.sleep(0)  # let the window repaint between tabs
        self.tabs_mounted.set()

    # --- dialogs (open(), never exec(): the loop keeps running) ---------------------------
    def open_settings(self) -> None:
        from minimax_studio.ui.dialogs.settings_dialog import SettingsDialog

        dlg = self._dialogs.get("settings")
        if dlg is None:
            dlg = SettingsDialog(self.app_vm, self.window)
            dlg.applied.connect(self._settings_applied)
            dlg.finished.connect(lambda _r: self._dialogs.pop("settings", None))
            self._dialogs["settings"] = dlg
        dlg.open()

    def _settings_applied(self) -> None:
        self.apply_theme()

    def open_about(self) -> None:
        from minimax_studio.ui.dialogs.about import AboutDialog

        dlg = AboutDialog(str(self.services.paths.log_file), self.window)
        dlg.finished.connect(dlg.deleteLater)
        self._dialogs["about"] = dlg
        dlg.finished.connect(lambda _r: self._dialogs.pop("about", None))
        dlg.open()

    # --- theme ------------------------------------------------------------------------
    def apply_theme(self) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, self.services.settings.theme)
            self.window.restyle()

    def _system_scheme_changed(self, *_: Any) -> None:
        if self.services.settings.theme == "system":
            self.apply_theme()


# --- process-wide error plumbing -------------------------------------------------------------

def _loop_exception_handler(loop: Any, context: dict[str, Any]) -> None:
    exc = context.get("exception")
    log.error("event loop: %s", context.get("message", "unhandled error"),
              exc_info=exc if isinstance(exc, BaseException) else None)


def _install_excepthook(services: Services) -> None:
    """An exception escaping a Qt slot is logged in full and shown as one sentence."""

    def hook(etype: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        if issubclass(etype, KeyboardInterrupt):
            sys.__excepthook__(etype, value, tb)
            return
        log.error("unhandled exception", exc_info=(etype, value, tb))
        services.notifier.error(
            "Unexpected problem",
            f"Something went wrong inside the app ({etype.__name__}). It keeps running; "
            f"the details are in {services.paths.log_file}.")

    sys.excepthook = hook


def _sigint_closes(close: Callable[[], None]) -> Callable[[], None]:
    """Ctrl+C in the terminal closes like Ctrl+Q. Python runs signal handlers only when it
    gets control back, and Qt's loop sleeps in C++: the signal's wakeup byte on a socket
    pair wakes it (no polling timer). Returns the undo function."""
    import signal
    import socket

    from PySide6.QtCore import QSocketNotifier

    rsock, wsock = socket.socketpair()
    rsock.setblocking(False)
    wsock.setblocking(False)
    try:
        old_fd = signal.set_wakeup_fd(wsock.fileno())
    except ValueError:  # not the main thread
        rsock.close()
        wsock.close()
        return lambda: None
    old_handler = signal.signal(signal.SIGINT, lambda *_: close())
    notifier = QSocketNotifier(rsock.fileno(), QSocketNotifier.Type.Read)

    def drain() -> None:
        try:
            rsock.recv(64)
        except OSError:
            pass

    notifier.activated.connect(drain)

    def undo() -> None:
        notifier.setEnabled(False)
        signal.set_wakeup_fd(old_fd)
        signal.signal(signal.SIGINT, old_handler)
        rsock.close()
        wsock.close()

    return undo


async def _freeze_when_mounted(studio: Studio) -> None:
    import gc

    await studio.tabs_mounted.wait()
    gc.freeze()


def run(*, sandbox: bool = False, debug: bool = False, qt_args: Sequence[str] = (),
        on_started: Callable[[Studio], None] | None = None, tab: str | None = None) -> int:
    """Start the app; returns the exit code. ``on_started`` gets the wired ``Studio`` once
    the loop runs (the benchmarks read the first paint and readiness there)."""
    from minimax_studio.core.settings import load_settings
    from minimax_studio.paths import app_paths

    # Worker threads (thumbnails, SQLite, downloads' writer) hand the GIL back to the GUI
    # thread after 1 ms instead of 5: bench_gallery's drag through 100 000 items, worst gap
    # 18.8 → 12.2 ms on a quiet machine (goal 16 ms); bench_ui_stall showed no change.
    sys.setswitchinterval(0.001)
    # 1. The window first: settings (theme, geometry) are a small JSON read.
    paths = app_paths()
    settings = load_settings(paths.settings_file)
    # Fusion everywhere (our palettes are made for it), chosen on the command line so the
    # style object is never wrapped for Python before the first paint. ``-style`` given by
    # the user wins.
    style_args = [] if any(a.startswith("-style") for a in qt_args) else ["-style", "fusion"]
    app = QApplication([sys.argv[0], *style_args, *qt_args])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(DESKTOP_ID)  # = packaging/<DESKTOP_ID>.desktop
    # The window's close starts an async shutdown; Qt must not end the loop under it.
    app.setQuitOnLastWindowClosed(False)
    apply_startup_theme(app, settings.theme)
    window = MainWindow()
    window.restore_state(settings.window_geometry, tab or settings.last_tab)
    window.show()
    app.processEvents()  # paints the window ("Starting MiniMax Studio…")
    from minimax_studio.ui.app_icon import app_icon

    # After the first paint: the taskbar / tray icon is not worth delaying it for.
    app.setWindowIcon(app_icon())

    # 2. Everything else, while the user already sees the window.
    import asyncio
    import gc

    from minimax_studio.logs import setup_logging

    # After PySide6: qasync picks the Qt binding that is already imported.
    from minimax_studio.ui.event_loop import StudioEventLoop
    from minimax_studio.viewmodels.services import Services

    paths.ensure()
    setup_logging(paths.log_file, level=logging.DEBUG if debug else logging.INFO, console=debug)
    log.info("%s %s starting (sandbox=%s)", APP_NAME, __version__, sandbox)
    services = Services.create(paths, settings=settings)
    _install_excepthook(services)

    async def main() -> int:
        studio = Studio(services, window=window, tab=tab)
        if on_started is not None:
            on_started(studio)
        # Why freeze: the window is painted and ~90k start-up objects (modules, the window,
        # view-models) now live for the whole session. Left in the collector's sight, every
        # full collection walks them all — a 57–87 ms stall of the UI thread, measured in
        # bench/bench_ui_stall.py. Frozen, a collection walks only what came after. Once
        # more when the first session's tabs are up (httpx, pydantic, SQLite, the tabs).
        gc.freeze()
        freeze_later = asyncio.ensure_future(_freeze_when_mounted(studio))
        wake = _sigint_closes(studio.closed.set)
        try:
            return await studio.main(sandbox=sandbox)
        finally:
            freeze_later.cancel()
            wake()

    try:
        if sys.version_info >= (3, 12):
            return asyncio.run(main(), loop_factory=StudioEventLoop)
        # 3.11: asyncio.run has no loop_factory. Not qasync.run: it installs a global event
        # loop *policy*, so every asyncio.new_event_loop() in any thread (the in-process
        # sandbox's server thread) would get a Qt loop and fail. Runner takes a factory.
        with asyncio.Runner(loop_factory=StudioEventLoop) as runner:
            return runner.run(main())
    finally:
        log.info("%s stopped", APP_NAME)
        logging.shutdown()
