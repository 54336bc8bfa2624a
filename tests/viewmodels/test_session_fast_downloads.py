"""The app's session builds its client with the ``fast_downloads`` setting."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from minimax_studio.core.settings import Settings
from minimax_studio.paths import app_paths
from minimax_studio.sandbox import Sandbox
from minimax_studio.viewmodels.services import Services, open_session


@pytest.mark.parametrize("fast", [False, True])
def test_session_client_follows_the_setting(qtbot: Any, qloop: Any, sandbox: Sandbox,
                                            fast: bool) -> None:
    services = Services.create(app_paths(), settings=Settings(fast_downloads=fast))
    opened = asyncio.ensure_future(open_session(services, sandbox.token, sandbox.base_url))
    qtbot.waitUntil(opened.done, timeout=10_000)
    session = opened.result()
    try:
        assert session.client.fast_downloads is fast
    finally:
        closed = asyncio.ensure_future(session.close())
        qtbot.waitUntil(closed.done, timeout=10_000)
