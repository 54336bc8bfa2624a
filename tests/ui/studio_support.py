"""Building the whole app (``Studio``) on the test's qasync loop, and the checks every app
test ends with (no secret on disk)."""

from __future__ import annotations

import asyncio
import gc
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import keyring
import keyring.backends.fail
import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from minimax_studio.app import Studio
from minimax_studio.core.secrets import TokenStore
from minimax_studio.logs import _PATTERNS as _LOG_PATTERNS
from minimax_studio.paths import app_paths
from minimax_studio.sandbox import Sandbox
from minimax_studio.viewmodels.services import Services

# The very patterns the log redaction uses (Bearer values, useapi tokens with "_"/"-" and
# URL-encoded colons, JWTs): a scan with its own, narrower regex would pass files the
# redaction itself would have scrubbed.
SECRET_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = _LOG_PATTERNS


def token_shaped(text: str) -> list[str]:
    """Every token-shaped piece of ``text`` that is not already the redaction's marker."""
    found = []
    for pattern, replacement in SECRET_PATTERNS:
        for match in pattern.finditer(text):
            if match.group(0) != match.expand(replacement):  # "Bearer [redacted]" is fine
                found.append(match.group(0))
    return found


def secrets_on_disk(home: Path, known: list[str]) -> list[str]:
    """Every file under the app's dirs (settings, journal, library, logs, caches) that holds
    a known secret or anything token-shaped."""
    hits = []
    for path in sorted(p for p in home.rglob("*") if p.is_file()):
        text = path.read_bytes().decode("utf-8", errors="replace")
        if any(k and k in text for k in known) or token_shaped(text):
            hits.append(str(path.relative_to(home)))
    return hits


@pytest.fixture
def no_keyring() -> Iterator[None]:
    """The situation of a desktop without any keyring: keyring's fail backend."""
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    try:
        yield
    finally:
        keyring.set_keyring(previous)


def run(qtbot: Any, aw: Any, timeout: int = 10_000) -> Any:
    """Wait (Recipe A: Qt's loop spins, qasync runs the task) for a task / coroutine."""
    task = asyncio.ensure_future(aw)
    qtbot.waitUntil(task.done, timeout=timeout)
    return task.result()


class StudioRig:
    def __init__(self, qtbot: Any, *, sandbox_factory: Callable[[], Any] | None = None,
                 api_url: str = "", token_timeout: float = 5.0) -> None:
        self.qtbot = qtbot
        self.paths = app_paths().ensure()
        self.services = Services.create(self.paths, tokens=TokenStore(timeout=token_timeout))
        self.services.settings.api_base_url = api_url
        self.studio = Studio(self.services, sandbox_factory=sandbox_factory)
        self.window = self.studio.window
        self.closed = False

    @property
    def app_vm(self) -> Any:
        return self.studio.app_vm

    def start(self, *, sandbox: bool = False) -> None:
        self.studio.start(sandbox=sandbox)
        self.qtbot.waitUntil(lambda: self.app_vm.phase.value in ("first-run", "ready"),
                             timeout=10_000)

    def connect_sandbox(self, sb: Sandbox) -> None:
        self.window.show()
        run(self.qtbot, self.app_vm.use_sandbox(sb))
        self.wait_accounts_loaded()

    def accounts_tab(self) -> Any:
        self.qtbot.waitUntil(lambda: hasattr(self.window.tab("Accounts"), "vm"), timeout=10_000)
        return self.window.tab("Accounts")

    def wait_accounts_loaded(self) -> Any:
        tab = self.accounts_tab()
        self.qtbot.waitUntil(lambda: tab.vm.loaded and not tab.vm.busy, timeout=10_000)
        return tab

    def close(self) -> None:
        """What Ctrl+Q does, awaited (the rig owns the window; qtbot does not)."""
        if self.closed:
            return
        self.closed = True
        run(self.qtbot, self.studio.shutdown(), timeout=15_000)
        self.window.deleteLater()
        # Deleted here, on the GUI thread, not by a later GC pass in some other thread.
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        gc.collect()


@pytest.fixture
def rig_factory(qtbot: Any, qloop: Any) -> Iterator[Callable[..., StudioRig]]:
    rigs: list[StudioRig] = []

    def make(**kw: Any) -> StudioRig:
        rig = StudioRig(qtbot, **kw)
        rigs.append(rig)
        return rig

    yield make
    for rig in rigs:
        rig.close()


def grab(widget: Any, artifacts: Path, name: str) -> Path:
    path = artifacts / f"{name}.png"
    assert widget.grab().save(str(path)), f"could not save {path}"
    return path
