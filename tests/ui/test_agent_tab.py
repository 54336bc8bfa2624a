"""The Agent tab on the real engine over the real sandbox: a turn is sent, shows as pending,
ends with its image / video / audio inline and in the library (source ``agent``); the agent
busy (429) waits and succeeds; the 15-minute expiry ends the card with Retry, and Retry
keeps the earlier answer; a restart mid-turn resumes it; attachments arrive by drop and
paste and are checked from their bytes; bad input is a sentence and the composer keeps it;
export writes the folder. Screenshots land in test-artifacts/."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

import pytest
from PySide6.QtCore import QEvent, QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QGuiApplication, QImage
from PySide6.QtWidgets import QApplication, QLabel, QStyleOptionViewItem, QWidget

from minimax_studio.api.client import MiniMaxClient
from minimax_studio.core.engine import Engine, EngineConfig
from minimax_studio.core.journal import Journal
from minimax_studio.core.library import Library
from minimax_studio.sandbox import Sandbox
from minimax_studio.ui.tabs.agent_tab import AgentTab
from minimax_studio.ui.theme import apply_theme
from minimax_studio.ui.widgets.notifications import JobNotifications
from minimax_studio.viewmodels.agent_turns import TurnView
from minimax_studio.viewmodels.agent_vm import AgentVM
from minimax_studio.viewmodels.notifier import Notifier
from minimax_studio.viewmodels.tasks import TaskRunner
from tests.media_files import png

T = TypeVar("T")
FAST = EngineConfig(poll_initial=0.05, poll_interval=0.06, poll_max=0.3, backoff_factor=1.5,
                    busy_retry=0.3, route_refresh=0.05, reconcile_delay=0.05, transfer_retry=0.05,
                    lease_seconds=3.0, lease_renew=0.2)
ALL_KINDS = "generate a 16:9 video of waves at dusk, a square image poster of it, and a song about the sea"


@dataclass
class Session:
    client: MiniMaxClient
    journal: Journal
    library: Library
    engine: Engine


@dataclass
class Rig:
    qtbot: Any
    sandbox: Sandbox
    home: Path
    runner: TaskRunner
    session: Session
    vm: AgentVM
    tab: AgentTab

    def run(self, coro: Coroutine[Any, Any, T], timeout: int = 10000) -> T:
        fut = asyncio.ensure_future(coro)
        self.qtbot.waitUntil(fut.done, timeout=timeout)
        return fut.result()

    def view(self, row: int = -1) -> TurnView:
        model = self.vm.transcript
        return model.view(row if row >= 0 else model.rowCount() - 1)

    def type_and_send(self, prompt: str, models: list[str] | None = None) -> None:
        self.tab.composer.prompt.setPlainText(prompt)
        if models is not None:
            for m, b in self.tab.composer.model_buttons.items():
                b.setChecked(m in models)
        self.qtbot.waitUntil(lambda: self.tab.composer.send_button.isEnabled(), timeout=5000)
        rows = self.vm.transcript.rowCount()
        self.qtbot.keyClick(self.tab.composer.prompt, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        self.qtbot.waitUntil(lambda: self.vm.transcript.rowCount() == rows + 1, timeout=5000)

    def wait_sent(self, timeout: int = 5000) -> TurnView:
        """Until the newest turn's create call was answered (its job exists on Hailuo's side)."""
        def sent() -> bool:
            job = self.vm.jobs.job(int(self.view().job_id or 0))
            return job is not None and bool(job.remote_ids)

        self.qtbot.waitUntil(sent, timeout=timeout)
        return self.view()

    def wait_phase(self, phases: set[str], row: int = -1, timeout: int = 20000) -> TurnView:
        self.qtbot.waitUntil(lambda: self.vm.transcript.rowCount() > 0 and self.view(row).phase in phases,
                             timeout=timeout)
        return self.view(row)


async def _open_session(sandbox: Sandbox, home: Path) -> Session:
    cfg = replace(FAST, library_dir=home / "library", thumbs_dir=home / "thumbs")
    client = MiniMaxClient(sandbox.token, sandbox.base_url)
    journal = await Journal.open(home / "journal.sqlite3")
    library = await Library.open(home / "library.sqlite3", home / "library")
    engine = Engine(client, journal, library, config=cfg)
    await engine.start()
    return Session(client, journal, library, engine)


async def _close_session(s: Session) -> None:
    await s.engine.close()
    await s.library.close()
    await s.journal.close()
    await s.client.aclose()


def _build(qtbot: Any, sandbox: Sandbox, home: Path, runner: TaskRunner, session: Session) -> tuple[AgentVM, AgentTab]:
    vm = AgentVM(engine=session.engine, client=session.client, library=session.library, runner=runner,
                 store_path=home / "conversations.sqlite3")
    tab = AgentTab(vm)
    vm.setParent(tab)
    tab.resize(1024, 700)
    tab.show()  # deleted by the fixture (player unloaded first), not by qtbot
    vm.start()
    qtbot.waitUntil(vm.ready.is_set, timeout=10000)
    return vm, tab


def _retire(tab: AgentTab) -> None:
    """A tab replaced mid-test (a simulated restart) goes away like a closed window: left
    shown, it would sit over later tests' widgets and take their mouse events."""
    tab.close()
    tab.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def rig(qtbot: Any, qloop: Any, sandbox: Sandbox, tmp_path: Path) -> Iterator[Rig]:
    home = tmp_path / "agent"
    runner = TaskRunner(Notifier())
    fut = asyncio.ensure_future(_open_session(sandbox, home))
    qtbot.waitUntil(fut.done, timeout=10000)
    session = fut.result()
    vm, tab = _build(qtbot, sandbox, home, runner, session)
    r = Rig(qtbot, sandbox, home, runner, session, vm, tab)
    yield r
    r.tab.shutdown()
    r.run(_close_session(r.session))
    # Deleted here, on the GUI thread, with the player unloaded (not by a later GC pass).
    r.tab.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_send_pending_then_results_inline_and_in_library(rig: Rig) -> None:
    rig.type_and_send(ALL_KINDS, ["hailuo-2.3", "nano-banana-2", "music-2.0"])
    pending = rig.wait_phase({"pending"}, timeout=5000)
    assert "20 s" in pending.detail and "15 min" in pending.detail
    rig.qtbot.waitUntil(lambda: rig.tab.composer.prompt.toPlainText() == "", timeout=5000)  # sent: clear
    done = rig.wait_phase({"done"})
    assert sorted(m.kind for m in done.media) == ["audio", "image", "video"]
    rig.qtbot.waitUntil(lambda: "Done! I generated" in rig.view().text, timeout=5000)
    image = next(m for m in rig.view().media if m.kind == "image")
    assert image.model_name == "banana_2" and image.aspect_ratio == "16:9"
    # The selected turn's results are in the detail pane; the image shows inline.
    rig.qtbot.waitUntil(lambda: rig.tab.detail.view is not None and bool(rig.tab.detail.view.media), timeout=5000)
    assert rig.tab.detail.preview.kind in ("image", "video", "audio")
    items = rig.run(rig.session.library.by_job_id(int(done.job_id or 0)))
    assert len(items) == 3 and {i.source for i in items} == {"agent"}
    # a finished turn drags out as its files (the file manager, a Video/Image slot)
    model = rig.vm.transcript
    assert model.flags(model.index(0)) & Qt.ItemFlag.ItemIsDragEnabled
    dragged = {Path(u.toLocalFile()) for u in model.mimeData([model.index(0)]).urls()}
    assert dragged == {i.path for i in items}
    # a click on a thumbnail in the transcript shows that result on the right
    view, idx = rig.tab.transcript, rig.vm.transcript.index(0)
    option = QStyleOptionViewItem()
    view.initViewItemOption(option)
    option.rect = view.visualRect(idx)
    spots = {rig.tab.delegate.media_at(option, idx, QPoint(x, y)): QPoint(x, y)
             for x in range(option.rect.left(), option.rect.right(), 6)
             for y in range(option.rect.top(), option.rect.bottom(), 6)}
    audio = [m.kind for m in rig.view().media].index("audio")
    rig.qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=spots[audio])
    rig.qtbot.waitUntil(lambda: rig.tab.detail.media is not None and rig.tab.detail.media.kind == "audio",
                        timeout=3000)
    assert rig.tab.detail.preview.kind == "audio"
    # the conversation is titled by its first prompt and listed
    assert rig.vm.conversations.rowCount() == 1
    assert "waves" in (rig.vm.current.title if rig.vm.current else "")


def test_agent_busy_429_waits_then_succeeds(rig: Rig) -> None:
    # Another agent job (the website, another app) holds the account's only agent place.
    rig.sandbox.config.agent_max_running = 1
    rig.sandbox.clock.pause()
    rig.run(rig.session.client.agent.create("generate a song", ["music-2.0"], async_=True,
                                            account=rig.sandbox.demo_account_id))
    rig.type_and_send("generate an image of a lighthouse", ["nano-banana-2"])
    waiting = rig.wait_phase({"waiting"}, timeout=10000)
    assert "busy" in waiting.detail and "trying again" in waiting.detail
    rig.qtbot.waitUntil(lambda: "(1 running)" in rig.view().detail, timeout=10000)  # GET agent/jobs
    rig.sandbox.clock.resume()  # the other job finishes: the place frees up
    done = rig.wait_phase({"done"})
    assert [m.kind for m in done.media] == ["image"]
    assert done.try_count == 1  # the same turn, not a second one


def test_expiry_ends_with_reason_and_retry_keeps_the_first_answer(rig: Rig) -> None:
    rig.type_and_send("sandbox:hang generate a video of a storm", ["hailuo-2.3"])
    rig.wait_sent()
    rig.sandbox.clock.advance(16 * 60)
    expired = rig.wait_phase({"expired"})
    assert "15 minutes" in expired.detail and expired.can_retry
    rig.qtbot.waitUntil(lambda: rig.tab.detail.retry.isVisible(), timeout=5000)
    rig.tab.detail.retry.click()
    rig.qtbot.waitUntil(lambda: rig.view().try_count == 2, timeout=5000)
    rig.wait_sent()
    rig.sandbox.clock.advance(16 * 60)
    rig.wait_phase({"expired"})
    # ‹ goes back to the first answer; both are kept
    rig.tab.detail.prev_try.click()
    rig.qtbot.waitUntil(lambda: rig.view().try_index == 0, timeout=5000)
    assert rig.view().try_count == 2


def test_failure_and_bad_input_are_sentences_and_the_composer_keeps_them(rig: Rig, tmp_path: Path) -> None:
    composer = rig.tab.composer
    assert not composer.send_button.isEnabled()  # empty prompt
    assert "Write what the agent should make" in (rig.vm.send_blocker() or "")
    for b in composer.model_buttons.values():
        b.setChecked(False)
    composer.prompt.setPlainText("generate an image of a cat")
    assert rig.vm.send_blocker() == "Choose at least one model the agent may use."
    assert composer.blocker.text() == "Choose at least one model the agent may use."
    composer.model_buttons["nano-banana-2"].setChecked(True)
    # 10 MB pasted by mistake (a log file): lines, as a paste has them
    huge = ("the quick brown fox jumps over the lazy dog " * 3 + "\n") * (10 * 1024 * 1024 // 136)
    composer.prompt.setPlainText(huge)
    assert "characters long" in (rig.vm.send_blocker() or "")
    assert not rig.vm.send()
    assert composer.prompt.toPlainText() == huge  # nothing lost
    composer.prompt.setPlainText("sandbox:fail generate an image of a cat")
    text_file = tmp_path / "notes.txt"
    text_file.write_text("not media")
    rig.vm.composer.add_files([text_file])
    rig.qtbot.waitUntil(lambda: not rig.vm.composer.checking, timeout=5000)
    assert "notes.txt" in (rig.vm.send_blocker() or "")
    rig.vm.composer.remove(text_file)
    rig.qtbot.keyClick(composer.prompt, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    failed = rig.wait_phase({"failed"})
    assert "could not complete" in failed.detail
    assert rig.vm.transcript.rowCount() == 1


def test_odd_server_answers_become_sentences_in_the_card(rig: Rig) -> None:
    rig.type_and_send("sandbox:noattach generate an image of fog", ["nano-banana-2"])
    empty = rig.wait_phase({"done"})
    assert empty.media == ()
    rig.qtbot.waitUntil(lambda: "Done!" in rig.view().text, timeout=5000)
    rig.type_and_send("sandbox:oddattach generate an image of a map", ["nano-banana-2"])
    # The engine keeps media only: the PDF is skipped with a sentence, the image still shows.
    odd = rig.wait_phase({"done"})
    assert [m.kind for m in odd.media] == ["image"]
    rig.qtbot.waitUntil(lambda: any(".pdf" in n and "not downloaded" in n for n in rig.view().notes),
                        timeout=5000)
    rig.type_and_send("sandbox:deadlink generate a video of rain", ["hailuo-2.3"])
    dead = rig.wait_phase({"attention"})
    assert "404" in dead.detail or "not found" in dead.detail.lower()
    assert dead.can_retry and rig.vm.transcript.rowCount() == 3  # still usable
    rig.qtbot.waitUntil(lambda: rig.tab.detail.retry.text() == "Send again", timeout=5000)
    assert "charged again" in rig.tab.detail.retry.toolTip()


def test_tray_message_when_a_turn_finishes_in_the_background(rig: Rig) -> None:
    notes = JobNotifications(rig.tab, tray_available=lambda: True)
    notes.watch(rig.vm.jobs)
    elsewhere = QWidget()  # the person switched to another window
    rig.qtbot.addWidget(elsewhere)
    elsewhere.show()
    elsewhere.activateWindow()
    rig.qtbot.waitUntil(lambda: not rig.tab.isActiveWindow(), timeout=3000)
    rig.type_and_send("generate an image of a tide pool", ["nano-banana-2"])
    rig.wait_phase({"done"})
    rig.qtbot.waitUntil(lambda: len(notes.shown) == 1, timeout=3000)
    title, body = notes.shown[0]
    assert title == "Agent ready" and "tide pool" in body


def test_attachments_by_drop_and_paste_are_checked_then_sent(rig: Rig, tmp_path: Path) -> None:
    pic = png(tmp_path / "ref.png", 64, 48)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(pic))])
    drop = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    rig.tab.composer.dropEvent(drop)
    img = QImage(32, 32, QImage.Format.Format_RGB32)
    img.fill(0x3366AA)
    QGuiApplication.clipboard().setImage(img)
    rig.tab.composer.prompt.setFocus()
    rig.qtbot.keyClick(rig.tab.composer.prompt, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    rig.qtbot.waitUntil(lambda: len(rig.vm.composer.attachments) == 2 and not rig.vm.composer.checking,
                        timeout=5000)
    assert all(a.ok and a.kind == "image" for a in rig.vm.composer.attachments)
    assert rig.tab.composer.chips.isVisible()
    # removable thumbnails: each chip shows its picture
    rig.qtbot.waitUntil(lambda: sum(1 for lab in rig.tab.composer.chips.findChildren(QLabel)
                                    if not lab.pixmap().isNull()) == 2, timeout=5000)
    rig.type_and_send("generate an image in the style of these", ["nano-banana-2"])
    rig.wait_phase({"done"})
    job = rig.run(rig.session.engine.get(int(rig.view().job_id or 0)))
    assert job is not None and len(job.request["files"]) == 2
    stored = rig.sandbox.core.state.agent_jobs  # the sandbox saw both files
    assert any(len(j.request.get("file", [])) == 2 for j in stored.values())
    assert rig.vm.composer.attachments == []


def test_continue_from_a_result_and_attach_the_last_result(rig: Rig) -> None:
    rig.type_and_send("generate an image of a red fox", ["nano-banana-2"])
    done = rig.wait_phase({"done"})
    rig.qtbot.waitUntil(lambda: rig.tab.detail.buttons["continue"].isVisible(), timeout=5000)
    rig.tab.detail.buttons["continue"].click()
    rig.qtbot.waitUntil(lambda: len(rig.vm.composer.attachments) == 1, timeout=5000)
    assert rig.vm.composer.attachments[0].path == done.media[0].path
    rig.vm.composer.remove(done.media[0].path)
    rig.tab.composer.attach_last.click()
    assert rig.vm.composer.attachments[0].path == done.media[-1].path


def test_conversations_new_rename_pin_search_delete_undo_and_reopen(rig: Rig, qtbot: Any) -> None:
    rig.type_and_send("generate an image of a blue whale", ["nano-banana-2"])
    rig.wait_phase({"done"})
    first = rig.vm.current.id if rig.vm.current else 0
    qtbot.keyClick(rig.tab.composer.prompt, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: rig.vm.current is not None and rig.vm.current.id != first, timeout=5000)
    assert rig.vm.transcript.rowCount() == 0 and rig.tab.note.isVisible()
    second = rig.vm.current.id if rig.vm.current else 0
    rig.tab.composer.model_buttons["music-2.0"].setChecked(True)  # remembered for this one only
    rig.vm.rename(second, "Posters")
    rig.vm.set_pinned(first, True)
    qtbot.waitUntil(lambda: rig.vm.conversations.rowCount() == 2
                    and rig.vm.conversations.item(0).id == first, timeout=5000)  # type: ignore[union-attr]
    rig.tab.search.setText("whale")
    qtbot.waitUntil(lambda: rig.vm.conversations.rowCount() == 1, timeout=5000)
    rig.tab.search.setText("")
    qtbot.waitUntil(lambda: rig.vm.conversations.rowCount() == 2, timeout=5000)
    rig.vm.delete(first)
    qtbot.waitUntil(lambda: rig.tab.undo.isVisible(), timeout=5000)
    assert rig.vm.conversations.rowCount() == 1
    rig.tab.undo.click()
    qtbot.waitUntil(lambda: rig.vm.conversations.rowCount() == 2 and rig.vm.current is not None
                    and rig.vm.current.id == first, timeout=5000)
    # the open conversation reopens on the next start
    rig.tab.shutdown()
    _retire(rig.tab)
    vm2, tab2 = _build(qtbot, rig.sandbox, rig.home, rig.runner, rig.session)
    try:
        qtbot.waitUntil(lambda: vm2.current is not None and vm2.current.id == first, timeout=5000)
        assert vm2.transcript.rowCount() == 1
        assert vm2.composer.models == ["nano-banana-2"]
        qtbot.waitUntil(lambda: vm2.conversations.rowCount() == 2, timeout=5000)
        vm2.open_conversation(second)
        qtbot.waitUntil(lambda: vm2.current is not None and vm2.current.id == second, timeout=5000)
        assert vm2.composer.models == ["nano-banana-2", "music-2.0"]
    finally:
        tab2.shutdown()
    rig.vm, rig.tab = vm2, tab2


def test_restart_mid_turn_resumes_it(rig: Rig, qtbot: Any) -> None:
    rig.sandbox.clock.pause()
    rig.type_and_send("generate an image of a snowy owl", ["nano-banana-2"])
    pending = rig.wait_sent()
    assert pending.phase == "pending"
    # The app quits mid-turn: tab and engine go; the journal and the store stay.
    rig.tab.shutdown()
    _retire(rig.tab)
    rig.run(_close_session(rig.session))
    rig.sandbox.clock.resume()
    rig.session = rig.run(_open_session(rig.sandbox, rig.home))
    rig.vm, rig.tab = _build(qtbot, rig.sandbox, rig.home, rig.runner, rig.session)
    done = rig.wait_phase({"done"})
    assert done.job_id == pending.job_id and [m.kind for m in done.media] == ["image"]
    assert len(rig.sandbox.core.state.agent_jobs) == 1  # never sent twice


def test_export_writes_transcript_media_and_requests(rig: Rig, tmp_path: Path) -> None:
    rig.type_and_send("generate an image of a paper boat", ["nano-banana-2"])
    rig.wait_phase({"done"})
    rig.qtbot.waitUntil(lambda: bool(rig.view().text), timeout=5000)
    with rig.qtbot.waitSignal(rig.vm.exported, timeout=10000) as blocker:
        rig.vm.export(tmp_path / "out")
    folder = Path(blocker.args[0])
    md = (folder / "transcript.md").read_text()
    assert "paper boat" in md and "Done! I generated" in md and "](media/" in md
    media = list((folder / "media").iterdir())
    assert len(media) == 1 and media[0].suffix == ".png"
    requests = json.loads((folder / "requests.json").read_text())
    assert requests[0]["request"]["prompt"] == "generate an image of a paper boat"
    assert requests[0]["request"]["models"] == "nano-banana-2" and requests[0]["request"]["async"] is True


def test_open_conversation_for_a_gallery_job(rig: Rig, qtbot: Any) -> None:
    rig.type_and_send("generate an image of a kite", ["nano-banana-2"])
    done = rig.wait_phase({"done"})
    rig.vm.new_conversation()
    qtbot.waitUntil(lambda: rig.vm.transcript.rowCount() == 0, timeout=5000)
    rig.tab.open_conversation_for_job(int(done.job_id or 0))
    qtbot.waitUntil(lambda: rig.vm.transcript.rowCount() == 1
                    and rig.tab.transcript.currentIndex().row() == 0, timeout=5000)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_screenshots(rig: Rig, qtbot: Any, artifacts_dir: Path, theme: str) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, theme)
    try:
        rig.type_and_send("generate a 16:9 video of waves at dusk", ["hailuo-2.3"])
        rig.wait_phase({"done"})
        rig.type_and_send(ALL_KINDS, ["hailuo-2.3", "nano-banana-2", "music-2.0"])
        rig.wait_phase({"done"})
        qtbot.waitUntil(lambda: bool(rig.view().text), timeout=5000)
        rig.type_and_send("generate a square image poster, 4K", ["nano-banana-2"])
        rig.wait_phase({"done"})
        rig.tab.composer.prompt.setPlainText("now make the poster warmer, golden hour light")
        rig.vm.attach_last_result()
        rig.tab._select_row(1)
        # the image of the three (offscreen, a video widget grabs black)
        qtbot.waitUntil(lambda: rig.tab.detail.strip.count() == 3, timeout=5000)
        rig.tab.detail.strip.setCurrentRow(1)
        for size in ((1024, 700), (1600, 1000)):
            rig.tab.resize(*size)
            qtbot.wait(400)
            assert rig.tab.width() == size[0]  # long file names never force a wider window
            rig.tab.grab().save(str(artifacts_dir / f"agent_tab_{theme}_{size[0]}x{size[1]}.png"))
    finally:
        apply_theme(app, "light")


def test_a_long_conversation_opens_with_its_newest_page_and_reads_earlier_on_scroll(rig: Rig) -> None:
    from minimax_studio.viewmodels.agent_vm import PAGE

    async def fill() -> int:
        store = rig.vm.store
        assert store is not None
        conv = await store.create(title="Long one")
        for i in range(PAGE * 2 + 5):
            await store.add_turn(conv.id, f"turn number {i}", [], ["nano-banana-2"], None)
        return conv.id

    cid = rig.run(fill())
    rig.run(rig.vm._open_conversation(cid))
    model = rig.vm.transcript
    assert model.rowCount() == PAGE and model.has_earlier
    assert model.turns[-1].prompt == f"turn number {PAGE * 2 + 4}"
    assert rig.view().phase == "pending"  # just stored: "Sending…" while its job is journaled
    rig.tab.transcript.scrollToTop()
    rig.qtbot.waitUntil(lambda: model.rowCount() == PAGE * 2, timeout=5000)
    rig.qtbot.wait(100)  # what was on screen stays on screen (the view moved down by a page)
    assert rig.tab.transcript.verticalScrollBar().value() > 200
    rig.tab.transcript.scrollToTop()
    rig.qtbot.waitUntil(lambda: model.rowCount() == PAGE * 2 + 5 and not model.has_earlier, timeout=5000)
    assert model.turns[0].prompt == "turn number 0"


def test_cancel_stops_waiting_here_and_says_the_api_has_no_cancel(rig: Rig) -> None:
    rig.sandbox.clock.pause()
    rig.type_and_send("generate a video of a volcano", ["hailuo-2.3"])
    rig.wait_sent()
    rig.qtbot.waitUntil(lambda: rig.tab.detail.cancel.isVisible(), timeout=5000)
    assert "no cancel" in rig.tab.detail.cancel.toolTip()
    rig.tab.detail.cancel.click()
    cancelled = rig.wait_phase({"cancelled"})
    assert "API has no cancel" in rig.tab.message.text() and cancelled.can_retry
    assert "may still finish" in cancelled.detail


def test_a_turn_whose_job_was_journaled_but_not_noted_finds_it_again(rig: Rig) -> None:
    """The app stopped between the engine journaling the job and the store noting it: the
    turn finds its job again on the next open instead of reading "Not sent"."""
    async def crash_window() -> int:
        store = rig.vm.store
        assert store is not None
        conv = await store.create()
        await store.add_turn(conv.id, "generate an image of a comet", [], ["nano-banana-2"], None)
        await rig.session.engine.submit("agent", {"prompt": "generate an image of a comet",
                                                  "models": ["nano-banana-2"], "files": []})
        return conv.id

    cid = rig.run(crash_window())
    rig.run(rig.vm._open_conversation(cid))
    done = rig.wait_phase({"done"})
    assert [m.kind for m in done.media] == ["image"] and done.try_count == 1


def test_account_choice_is_automatic_by_default_and_pins_when_chosen(rig: Rig) -> None:
    combo = rig.tab.composer.account
    assert combo.currentData() is None and "automatic" in combo.currentText()
    account = rig.sandbox.demo_account_id
    rig.qtbot.waitUntil(lambda: combo.findData(account) >= 0, timeout=5000)  # read from the engine
    combo.setCurrentIndex(combo.findData(account))
    rig.type_and_send("generate an image of a harbor", ["nano-banana-2"])
    done = rig.wait_phase({"done"})
    job = rig.run(rig.session.engine.get(int(done.job_id or 0)))
    assert job is not None and job.pinned_account == account and job.account == account
    assert rig.vm.current is not None and rig.vm.current.account == account  # remembered


def test_rename_from_the_conversation_list(rig: Rig) -> None:
    from PySide6.QtWidgets import QInputDialog

    rig.vm.new_conversation()
    rig.qtbot.waitUntil(lambda: rig.vm.current is not None, timeout=5000)
    cid = rig.vm.current.id if rig.vm.current else 0
    rig.tab._rename(cid, "New conversation")
    dlg = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QInputDialog) and w.isVisible())
    dlg.setTextValue("Harbor pictures")
    dlg.accept()
    rig.qtbot.waitUntil(lambda: "Harbor pictures" in rig.tab.title.text(), timeout=5000)
    assert "Harbor pictures" in str(rig.vm.conversations.index(0).data())
