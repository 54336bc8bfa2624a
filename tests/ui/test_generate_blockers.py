"""Generate tells the truth: on the real engine over the real sandbox, it is disabled
whenever nothing could run — no account, every account out of credits or on hold, an
invalid form — with the reason in words next to it and a one-click way out; pressing
Ctrl+Enter then makes no job at all. When the board changes, the form follows."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

import pytest
from PySide6.QtCore import Qt

from minimax_studio.api.client import MiniMaxClient
from minimax_studio.core.engine import Engine, EngineConfig
from minimax_studio.core.journal import Journal
from minimax_studio.core.library import Library
from minimax_studio.sandbox import Sandbox
from minimax_studio.ui.tabs.video_tab import VideoTab
from minimax_studio.viewmodels.form_common import FIX_ACCOUNTS, FIX_ADD_ACCOUNT
from minimax_studio.viewmodels.video_form import VideoFormModel

T = TypeVar("T")
FAST = EngineConfig(poll_initial=0.05, poll_interval=0.06, poll_max=0.3, busy_retry=0.1,
                    route_refresh=0.05, reconcile_delay=0.05, lease_seconds=3.0, lease_renew=0.2)


class Rig:
    def __init__(self, qtbot: Any, sandbox: Sandbox, tmp_path: Path) -> None:
        self.qtbot, self.sandbox, self.home = qtbot, sandbox, tmp_path / "rig"
        self.client = MiniMaxClient(sandbox.token, sandbox.base_url)
        self.engine: Engine | None = None
        self.tab: VideoTab | None = None
        self.account = next(iter(sandbox.state.accounts))

    def run(self, coro: Coroutine[Any, Any, T], timeout: int = 10000) -> T:
        fut = asyncio.ensure_future(coro)
        self.qtbot.waitUntil(fut.done, timeout=timeout)
        return fut.result()

    def open(self) -> VideoTab:
        """The Video tab on a fresh engine (its router reads the accounts as they are now)."""
        cfg = replace(FAST, library_dir=self.home / "library", thumbs_dir=self.home / "thumbs")

        async def setup() -> Engine:
            self.journal = await Journal.open(self.home / "journal.sqlite3")
            self.library = await Library.open(self.home / "library.sqlite3", self.home / "library")
            engine = Engine(self.client, self.journal, self.library, config=cfg)
            await engine.start()
            return engine

        self.engine = self.run(setup())
        form = VideoFormModel(engine=self.engine)
        tab = VideoTab(form)
        self.qtbot.addWidget(tab)
        tab.resize(1024, 700)
        tab.show()
        self.tab = tab
        form.set_model("T2V-01")
        form.set_value("prompt", "A lighthouse at dusk")
        return tab

    def close(self) -> None:
        if self.tab is not None:
            self.tab.form.close()
        if self.engine is not None:
            engine = self.engine

            async def teardown() -> None:
                await engine.close()
                await self.library.close()
                await self.journal.close()

            self.run(teardown())
        self.run(self.client.aclose())

    def jobs(self) -> list[Any]:
        assert self.engine is not None
        return self.run(self.engine.jobs())


@pytest.fixture
def rig(qtbot: Any, qloop: Any, sandbox: Sandbox, tmp_path: Path) -> Iterator[Rig]:
    r = Rig(qtbot, sandbox, tmp_path)
    yield r
    r.close()


def blocked_with(qtbot: Any, tab: VideoTab, words: str, fix: str) -> None:
    """Generate is disabled, the reason (containing ``words``) is on screen in the warning
    line, and the fix button says what it will do."""
    qtbot.waitUntil(lambda: not tab.generate.isEnabled() and words in tab.blocker.text(),
                    timeout=8000)
    assert tab.blocker.isVisible()
    assert tab.blocker.text().startswith("Can’t generate yet:")
    assert tab.fix.isVisible() == bool(fix)
    if fix:
        assert tab.form.submit_fix == fix
        assert tab.fix.text() == {"add_account": "Add account…", "accounts": "Open Accounts"}[fix]


def press_generate_makes_no_job(qtbot: Any, rig: Rig, tab: VideoTab) -> None:
    qtbot.keyClick(tab.prompt.edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.wait(300)
    assert rig.jobs() == []


def test_no_account(qtbot: Any, rig: Rig, artifacts_dir: Path) -> None:
    rig.run(rig.client.accounts.delete(rig.account))
    tab = rig.open()
    blocked_with(qtbot, tab, "No Hailuo account yet", FIX_ADD_ACCOUNT)
    tab.grab().save(str(artifacts_dir / "generate_blocked_no_account.png"))
    press_generate_makes_no_job(qtbot, rig, tab)
    fixes: list[str] = []
    tab.fixRequested.connect(fixes.append)
    qtbot.mouseClick(tab.fix, Qt.MouseButton.LeftButton)
    assert fixes == [FIX_ADD_ACCOUNT]
    # An account appears on the board: the form follows at once, no edit needed.
    rig.sandbox.add_account("777", credits=500)
    tab.form.accounts_changed()
    qtbot.waitUntil(tab.generate.isEnabled, timeout=8000)
    assert not tab.blocker.isVisible() and not tab.fix.isVisible()
    qtbot.waitUntil(lambda: "777" in tab.cost.route.text(), timeout=8000)


def test_every_account_out_of_credits(qtbot: Any, rig: Rig) -> None:
    rig.sandbox.set_account(rig.account, credits=0)
    tab = rig.open()
    blocked_with(qtbot, tab, "credits", FIX_ACCOUNTS)
    press_generate_makes_no_job(qtbot, rig, tab)
    rig.sandbox.set_account(rig.account, credits=1000)
    tab.form.accounts_changed()
    qtbot.waitUntil(tab.generate.isEnabled, timeout=8000)


def test_every_account_on_hold(qtbot: Any, rig: Rig, artifacts_dir: Path) -> None:
    rig.sandbox.set_account(rig.account, error="Account on hold")
    tab = rig.open()
    blocked_with(qtbot, tab, "on hold", FIX_ACCOUNTS)
    tab.grab().save(str(artifacts_dir / "generate_blocked_on_hold.png"))
    press_generate_makes_no_job(qtbot, rig, tab)


def test_an_invalid_form(qtbot: Any, rig: Rig) -> None:
    tab = rig.open()
    qtbot.waitUntil(tab.generate.isEnabled, timeout=8000)
    tab.form.set_value("prompt", "")
    blocked_with(qtbot, tab, "prompt", "")
    press_generate_makes_no_job(qtbot, rig, tab)


@pytest.mark.parametrize(("prompt", "words"), [
    ("A lighthouse at dusk", "is done — 25 credits charged"),
    ("A lighthouse at dusk sandbox:fail", "failed"),
    ("A lighthouse at dusk sandbox:face", "moderation"),
])
def test_the_note_under_generate_follows_the_job_to_its_outcome(
        qtbot: Any, rig: Rig, prompt: str, words: str) -> None:
    tab = rig.open()
    tab.form.set_value("prompt", prompt)
    qtbot.waitUntil(tab.generate.isEnabled, timeout=8000)
    qtbot.mouseClick(tab.generate, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Job #1" in tab.status.text(), timeout=8000)
    qtbot.waitUntil(lambda: words in tab.status.text(), timeout=20000)
    assert "queued" not in tab.status.text()
    if words != "is done — 25 credits charged":
        assert "not charged" in tab.status.text()


def test_the_routing_line_follows_capacity_without_an_edit(qtbot: Any, rig: Rig) -> None:
    """A job another part of the app starts takes a slot: the line above Generate says so
    by itself, and again when the job ends."""
    tab = rig.open()
    qtbot.waitUntil(lambda: "3 free slots" in tab.cost.route.text(), timeout=8000)
    assert rig.engine is not None
    rig.run(rig.engine.submit("video", {"model": "T2V-01", "prompt": "a slow boat sandbox:slow"}))
    qtbot.waitUntil(lambda: "2 free slots" in tab.cost.route.text(), timeout=15000)
    qtbot.waitUntil(lambda: "3 free slots" in tab.cost.route.text(), timeout=30000)
