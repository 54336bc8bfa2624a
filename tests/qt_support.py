"""Qt + qasync fixtures and hooks shared by the Qt test layers (PLATFORM-NOTES §5). Their
conftest.py files import them; Qt stays out of tests/conftest.py so the Qt-free layers
never import it."""

from __future__ import annotations

import asyncio
import gc
import os
from collections.abc import Iterator
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import qasync
from PySide6.QtWidgets import QApplication

from minimax_studio.ui.event_loop import StudioEventLoop


@pytest.fixture
def qloop(qapp: QApplication) -> Iterator[qasync.QEventLoop]:
    """Recipe A: a qasync loop that is "running" inside Qt's own loop, for sync tests driven
    by qtbot.waitUntil / waitSignal."""
    loop = StudioEventLoop(qapp, already_running=True)
    asyncio.set_event_loop(loop)
    yield loop
    for t in asyncio.all_tasks(loop):
        t.cancel()
    qapp.processEvents()
    # Never loop.stop(): it calls QApplication.exit(), which poisons every later qtbot.wait*.
    asyncio.events._set_running_loop(None)
    loop._QEventLoop__is_running = False  # type: ignore[attr-defined]  # qasync private flag
    loop.close()
    asyncio.set_event_loop(None)


@pytest.hookimpl(hookwrapper=True, trylast=True)
def pytest_runtest_teardown(item: Any, nextitem: Any) -> Iterator[None]:
    """After each test, collect its garbage here, on the GUI thread. Left to chance, Python's
    cyclic GC runs in whichever thread allocates next (a keyring worker, a sandbox server,
    a thumbnail thread) and destroying a QObject off its thread crashes the process."""
    yield
    gc.collect()


def pytest_asyncio_loop_factories(config: Any, item: Any) -> dict[str, Any]:
    """Recipe B: `async def` tests run on a qasync loop. Never call qtbot.wait* inside them."""
    return {"qasync": lambda: StudioEventLoop(QApplication.instance() or QApplication([]))}
