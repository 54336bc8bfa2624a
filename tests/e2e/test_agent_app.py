"""The Agent tab inside the whole app: mounted when the sandbox session opens, a turn sent
with Ctrl+Enter ends with its result in the library (source ``agent``); after quitting and
starting again, the last conversation reopens with its result, and a turn still running at
quit finishes after the restart without being sent twice."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from minimax_studio.sandbox import Sandbox
from minimax_studio.ui.tabs.agent_tab import AgentTab
from tests.e2e.driver import app_on_sandbox
from tests.ui.studio_support import run


def agent_tab(rig: Any) -> AgentTab:
    rig.qtbot.waitUntil(lambda: isinstance(rig.window.tab("Agent"), AgentTab), timeout=10_000)
    rig.window.select_tab("Agent")
    tab = rig.window.tab("Agent")
    assert isinstance(tab, AgentTab)
    rig.qtbot.waitUntil(tab.vm.ready.is_set, timeout=10_000)
    return tab


def send(rig: Any, tab: AgentTab, prompt: str) -> None:
    rows = tab.vm.transcript.rowCount()
    tab.composer.prompt.setPlainText(prompt)
    rig.qtbot.waitUntil(tab.composer.send_button.isEnabled, timeout=5000)
    rig.qtbot.keyClick(tab.composer.prompt, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    rig.qtbot.waitUntil(lambda: tab.vm.transcript.rowCount() == rows + 1, timeout=5000)


def phase(tab: AgentTab, row: int) -> str:
    return tab.vm.transcript.view(row).phase


def test_agent_turns_in_the_app_survive_a_restart(rig_factory: Any, no_keyring: None,
                                                  sandbox: Sandbox, qtbot: Any) -> None:
    rig = app_on_sandbox(rig_factory, sandbox)
    tab = agent_tab(rig)
    send(rig, tab, "generate an image of a lighthouse at night")
    qtbot.waitUntil(lambda: phase(tab, 0) == "done", timeout=20_000)
    job_id = tab.vm.transcript.view(0).job_id
    library = rig.services.library
    assert library is not None
    items = run(qtbot, library.by_job_id(int(job_id or 0)))
    assert [i.source for i in items] == ["agent"]
    # The result goes on to the Image tab as a reference, and to the Video tab as a first frame.
    qtbot.waitUntil(lambda: tab.detail.buttons["reference"].isEnabled(), timeout=5000)
    tab.detail.buttons["reference"].click()
    assert rig.window.current_tab_name() == "Image"
    image: Any = rig.window.tab("Image")
    qtbot.waitUntil(lambda: any(s.path == items[0].path and s.status == "ok"
                                for s in image.form.slots()), timeout=5000)
    rig.window.select_tab("Agent")
    tab.detail.buttons["first"].click()
    assert rig.window.current_tab_name() == "Video"
    video: Any = rig.window.tab("Video")
    qtbot.waitUntil(lambda: video.form.slot("fileID").path == items[0].path, timeout=5000)
    rig.window.select_tab("Agent")
    # The Gallery's "Open conversation" on that result brings this conversation back.
    tab.vm.new_conversation()
    qtbot.waitUntil(lambda: tab.vm.transcript.rowCount() == 0, timeout=5000)
    rig.window.select_tab("Gallery")
    gallery: Any = rig.window.tab("Gallery")
    qtbot.waitUntil(lambda: gallery.model.rowCount() >= 1
                    and gallery.gallery_actions.conversation.isVisible(), timeout=10_000)
    qtbot.waitUntil(lambda: gallery.model.row_of(items[0].id) >= 0, timeout=5000)
    row = gallery.model.row_of(items[0].id)
    gallery.grid.setCurrentIndex(gallery.model.index(row))
    qtbot.waitUntil(gallery.gallery_actions.conversation.isEnabled, timeout=5000)
    gallery.gallery_actions.conversation.trigger()
    qtbot.waitUntil(lambda: rig.window.current_tab_name() == "Agent"
                    and tab.vm.transcript.rowCount() == 1
                    and tab.transcript.currentIndex().row() == 0, timeout=5000)
    # A second turn is still running when the person quits.
    sandbox.clock.pause()
    send(rig, tab, "generate a video of waves")
    qtbot.waitUntil(lambda: phase(tab, 1) == "pending"
                    and bool(tab.vm.jobs.job(int(tab.vm.transcript.view(1).job_id or 0))), timeout=5000)
    running = tab.vm.transcript.view(1).job_id
    qtbot.waitUntil(lambda: bool(tab.vm.jobs.job(int(running or 0)).remote_ids), timeout=5000)  # type: ignore[union-attr]
    rig.close()
    sandbox.clock.resume()

    again = app_on_sandbox(rig_factory, sandbox)
    tab2 = agent_tab(again)
    qtbot.waitUntil(lambda: tab2.vm.transcript.rowCount() == 2, timeout=10_000)
    assert tab2.vm.current is not None and "lighthouse" in tab2.vm.current.title
    qtbot.waitUntil(lambda: phase(tab2, 0) == "done" and phase(tab2, 1) == "done", timeout=20_000)
    assert tab2.vm.transcript.view(1).job_id == running
    assert [m.kind for m in tab2.vm.transcript.view(1).media] == ["video"]
    assert len(sandbox.core.state.agent_jobs) == 2  # nothing sent twice
