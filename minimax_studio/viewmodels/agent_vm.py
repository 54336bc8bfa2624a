"""The Agent tab's view-model: conversations (list, open, rename, pin, delete + Undo,
search), the transcript of the open one, the composer, and sending turns through the
session's engine.

Sending is the engine's job, not ours: ``engine.submit`` journals the agent job before the
``POST agent`` goes out (``async=true``), polls it, downloads its attachments into the
library (source ``agent``) and resumes it after a restart. This VM only links each try to
its job id in the conversation store and follows the engine's events through a
``JobsModel`` of kind ``agent`` — there is no second poller.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QObject, Signal
from PySide6.QtGui import QImage

from minimax_studio.core.conversation_export import export_conversation
from minimax_studio.core.conversations import Conversation, ConversationStore, Turn
from minimax_studio.core.jobs import JobKind, JobState
from minimax_studio.viewmodels.agent_composer import AGENT_MODEL_GROUPS, HINT, ComposerState
from minimax_studio.viewmodels.agent_files import (
    conversations_path,
    copy_file,
    export_rows,
    read_image_file,
    thumb_source,
)
from minimax_studio.viewmodels.agent_follow import TurnFollower, account_ids, relink_orphans
from minimax_studio.viewmodels.agent_transcript_model import TranscriptModel
from minimax_studio.viewmodels.agent_turns import MEMORY_NOTE, NO_CANCEL, MediaView
from minimax_studio.viewmodels.conversation_list_model import ConversationListModel
from minimax_studio.viewmodels.jobs_model import JobsModel
from minimax_studio.viewmodels.tasks import describe_error

if TYPE_CHECKING:
    from minimax_studio.api.client import MiniMaxClient
    from minimax_studio.core.engine import Engine
    from minimax_studio.core.library import Library
    from minimax_studio.viewmodels.tasks import TaskRunner

log = logging.getLogger(__name__)

__all__ = ["AGENT_MODEL_GROUPS", "HINT", "MEMORY_NOTE", "NO_CANCEL", "AgentVM", "conversations_path"]


_LAST = "last_conversation"
#: Turns read when a conversation opens, and per "earlier" page as the person scrolls up:
#: opening costs the same for 5 turns or 500 (bench/bench_agent.py).
PAGE = 20

class AgentVM(QObject):
    #: the open conversation changed (id, or -1 for none)
    conversationOpened = Signal(int)
    #: the open conversation's title / pin changed (no new turns)
    currentChanged = Signal()
    #: a sentence for the tab's message line (errors, confirmations)
    message = Signal(str)
    #: a conversation was deleted: id, title — the tab offers Undo
    deleted = Signal(int, str)
    #: a turn's try was sent (row in the transcript) — the tab scrolls to it
    turnSent = Signal(int)
    #: a row to select (Open conversation from the Gallery)
    selectRow = Signal(int)
    #: export finished: the folder
    exported = Signal(str)
    #: the list of accounts changed (for the composer's account choice)
    accountsChanged = Signal(list)
    #: sending started / ended (Send is disabled meanwhile: never sent twice)
    busyChanged = Signal(bool)

    _count = 0

    def __init__(self, *, engine: Engine, client: MiniMaxClient, runner: TaskRunner,
                 store_path: Path, library: Library | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._engine = engine
        self._client = client
        self._library = library
        self._runner = self.runner = runner
        self._store_path = Path(store_path)
        self.store: ConversationStore | None = None
        self.jobs = JobsModel(engine, JobKind.AGENT, parent=self)
        busy = float(getattr(getattr(engine, "config", None), "busy_retry", 20.0) or 20.0)
        self._follow = TurnFollower(client=client, job=self.jobs.job, spawn=self._spawn, store=lambda: self.store)
        self.transcript = TranscriptModel(self.jobs.job, busy_retry=busy, running=self._follow.running_on,
                                          parent=self)
        self._follow.transcript = self.transcript
        self.conversations = ConversationListModel(self)
        self.composer = ComposerState(self._spawn, parent=self)
        self.current: Conversation | None = None
        self.search = ""
        self.sending = False
        self.ready = asyncio.Event()
        self._keys: set[str] = set()  # runner keys this VM started (cancelled on close)
        self._loading_earlier = False
        AgentVM._count += 1
        self._tag = AgentVM._count
        self._closed = False
        self.jobs.dataChanged.connect(self._jobs_changed)
        self.jobs.rowsInserted.connect(self._jobs_inserted)
        self.jobs.modelReset.connect(self._jobs_reset)
        self.jobs.jobFinished.connect(self._job_finished)
        self.composer.changed.connect(self._composer_changed)

    # --- lifecycle --------------------------------------------------------------------------
    def _spawn(self, key: str, coro: Coroutine[Any, Any, Any], **kw: Any) -> Any:
        if self._closed:
            close = getattr(coro, "close", None)
            if close is not None:
                close()  # never scheduled: the tab is gone
            return None
        # Keys carry this VM's tag: after a session switch the new tab's tasks must not be
        # cancelled (runner keys replace each other) by the old tab closing.
        key = f"{key}@{self._tag}"
        self._keys.add(key)
        return self._runner.start(key, coro, error_context="Agent", notify=False,
                                  on_error=self._error, **kw)

    def _error(self, text: str) -> None:
        if not self._closed:
            self.message.emit(text)

    def start(self) -> None:
        self.jobs.start(self._runner.spawn)
        self._spawn("agent:open", self._open())

    async def _open(self) -> None:
        try:
            self.store = await ConversationStore.open(self._store_path)
        except Exception as exc:
            self.message.emit(f"The conversations could not be opened: {describe_error(exc)}")
            raise
        await self._reload_list()
        last = await self.store.get_meta(_LAST)
        target = int(last) if last and last.isdigit() else None
        if target is None or self.conversations.row_of(target) < 0:
            first = self.conversations.item(0)
            target = first.id if first else None
        if target is not None:
            await self._open_conversation(target)
        else:
            self.conversationOpened.emit(-1)
        self.ready.set()
        self._spawn("agent:accounts", self._load_accounts())

    async def _load_accounts(self) -> None:
        accounts = await account_ids(self._engine)
        if accounts is not None:
            self.accountsChanged.emit(accounts)

    def close(self) -> None:
        """The tab goes away: stop following the engine and close the store (sync: the
        loop may be shutting down)."""
        self._closed = True
        self._follow.closed = True
        for key in self._keys:
            self._runner.cancel(key)
        self._keys.clear()
        self.jobs.stop()
        self.transcript.set_turns([])
        if self.store is not None:
            try:
                self.store.close_sync()
            except Exception:
                log.exception("closing the conversations failed")

    # --- conversations ----------------------------------------------------------------------
    async def _reload_list(self) -> None:
        assert self.store is not None
        self.conversations.set_items(await self.store.list_conversations(self.search))

    def set_search(self, text: str) -> None:
        self.search = text
        if self.store is not None:
            self._spawn("agent:search", self._reload_list())

    def new_conversation(self) -> None:
        self._spawn("agent:new", self._new())

    async def _new(self) -> int:
        assert self.store is not None
        if self.current is not None and self.transcript.rowCount() == 0:
            return self.current.id  # already in an empty one: no pile of empty conversations
        # A new conversation starts with the models chosen last: people keep a set.
        conv = await self.store.create(models=list(self.composer.models), account=self.composer.account)
        self.search = ""
        await self._reload_list()
        await self._open_conversation(conv.id)
        return conv.id

    def open_conversation(self, conversation_id: int) -> None:
        if self.current is not None and self.current.id == conversation_id:
            return
        self._spawn("agent:open-conversation", self._open_conversation(conversation_id))

    async def _open_conversation(self, conversation_id: int) -> None:
        assert self.store is not None
        conv = await self.store.get(conversation_id)
        if conv is None:
            return
        turns = await self.store.turns(conversation_id, last=PAGE)
        self.current = conv
        self.transcript.set_turns(turns, has_earlier=len(turns) == PAGE)
        self.composer.blockSignals(True)
        self.composer.set_models(conv.models or self.composer.models)
        self.composer.set_account(conv.account)
        self.composer.blockSignals(False)
        self.composer.changed.emit()
        await self.store.set_meta(_LAST, str(conversation_id))
        self.conversationOpened.emit(conversation_id)
        self._fetch_missing_answers(turns)
        await self._relink(turns)

    def load_earlier(self) -> None:
        """The person scrolled to the top: read the page of turns before the first shown."""
        if not self.transcript.has_earlier or self._loading_earlier or self.current is None:
            return
        self._loading_earlier = True
        self._spawn("agent:earlier", self._load_earlier(self.current.id))

    async def _load_earlier(self, conversation_id: int, everything: bool = False) -> None:
        assert self.store is not None
        try:
            first = self.transcript.turns[0].id if self.transcript.turns else None
            turns = await self.store.turns(conversation_id, last=None if everything else PAGE, before=first)
            if self.current is None or self.current.id != conversation_id:
                return
            self.transcript.prepend_turns(turns, has_earlier=not everything and len(turns) == PAGE)
            self._fetch_missing_answers(turns)
        finally:
            self._loading_earlier = False

    def rename(self, conversation_id: int, title: str) -> None:
        self._spawn("agent:rename", self._update(conversation_id, title=title))

    def set_pinned(self, conversation_id: int, pinned: bool) -> None:
        self._spawn("agent:pin", self._update(conversation_id, pinned=pinned))

    async def _update(self, conversation_id: int, **kw: Any) -> None:
        assert self.store is not None
        await self.store.update(conversation_id, **kw)
        if self.current is not None and self.current.id == conversation_id:
            self.current = await self.store.get(conversation_id) or self.current
            self.currentChanged.emit()
        await self._reload_list()

    def delete(self, conversation_id: int) -> None:
        self._spawn("agent:delete", self._delete(conversation_id))

    async def _delete(self, conversation_id: int) -> None:
        assert self.store is not None
        conv = await self.store.get(conversation_id)
        await self.store.delete(conversation_id)
        await self._reload_list()
        if self.current is not None and self.current.id == conversation_id:
            self.current = None
            self.transcript.set_turns([])
            nxt = self.conversations.item(0)
            if nxt is not None:
                await self._open_conversation(nxt.id)
            else:
                self.conversationOpened.emit(-1)
        self.deleted.emit(conversation_id, conv.title if conv else "")

    def undo_delete(self, conversation_id: int) -> None:
        self._spawn("agent:undelete", self._undelete(conversation_id))

    async def _undelete(self, conversation_id: int) -> None:
        assert self.store is not None
        await self.store.undelete(conversation_id)
        await self._reload_list()
        await self._open_conversation(conversation_id)

    def open_conversation_for_job(self, job_id: int) -> None:
        """The Gallery's "Open conversation": the conversation of an agent job, its turn
        selected."""
        self._spawn("agent:open-for-job", self._open_for_job(job_id))

    async def _open_for_job(self, job_id: int) -> bool:
        await self.ready.wait()
        assert self.store is not None
        cid = await self.store.conversation_for_job(job_id)
        if cid is None:
            self.message.emit("This result does not belong to a conversation kept on this computer.")
            return False
        if self.current is None or self.current.id != cid:
            await self._open_conversation(cid)
        row = self.transcript.row_of_job(job_id)
        if row < 0 and self.transcript.has_earlier:
            await self._load_earlier(cid, everything=True)  # an older turn: read them all
            row = self.transcript.row_of_job(job_id)
        if row >= 0:
            turn = self.transcript.turns[row]
            idx = next((i for i, t in enumerate(turn.tries) if t.job_id == job_id), -1)
            if idx >= 0 and idx != turn.shown_index:
                await self._show_try(turn, idx)
            self.selectRow.emit(row)
        return True

    # --- composer / sending -----------------------------------------------------------------
    def _composer_changed(self) -> None:
        conv = self.current
        if conv is None or self.store is None:
            return
        models, account = list(self.composer.models), self.composer.account
        if models != conv.models or account != conv.account:
            conv.models, conv.account = models, account
            self._spawn(f"agent:remember:{conv.id}",
                        self.store.update(conv.id, models=models, account=account))

    def send_blocker(self) -> str | None:
        if self.sending:
            return "Sending…"
        problems = self.composer.problems()
        return problems[0] if problems else None

    def send(self) -> bool:
        """Ctrl+Enter / Send. False (and a sentence) when it cannot go; the composer keeps
        everything."""
        blocker = self.send_blocker()
        if blocker is not None:
            if not self.sending:
                self.message.emit(blocker)
            return False
        self._set_sending(True)
        # The request is read now, at the keypress: what is typed while it is being stored
        # belongs to the next turn.
        req, account = self.composer.request(), self.composer.account
        self._spawn("agent:send", self._send(req, account), on_done=lambda _r: self._set_sending(False))
        return True

    def _set_sending(self, on: bool) -> None:
        self.sending = on
        self.busyChanged.emit(on)

    async def _send(self, req: dict[str, Any], account: str | None) -> None:
        try:
            if self.store is None:
                await self.ready.wait()
            assert self.store is not None
            if self.current is None:
                await self._new()
            assert self.current is not None
            turn = await self.store.add_turn(self.current.id, req["prompt"], req["files"], req["models"], account)
            self.transcript.append_turn(turn)
            row = len(self.transcript.turns) - 1
            sent = await self._submit(turn, req, account)
            if sent and self.composer.request() == req:
                self.composer.clear()  # changed meanwhile: keep it, it is the next turn
            self.turnSent.emit(row)
            self.current = await self.store.get(self.current.id) or self.current  # titled by the first prompt
            self.currentChanged.emit()
            await self._reload_list()
        except BaseException:
            self._set_sending(False)
            raise

    async def _submit(self, turn: Turn, req: dict[str, Any], account: str | None) -> bool:
        assert self.store is not None
        try:
            job = await self._engine.submit(JobKind.AGENT, req, account)
        except Exception as exc:
            problems = getattr(exc, "problems", None)
            reason = " ".join(problems) if problems else describe_error(exc)
            t = await self.store.add_try(turn.id, None, f"Not sent: {reason}")
            turn.tries.append(t)
            turn.shown_try = -1
            self.transcript.turn_changed(turn.id)
            self.message.emit(f"The turn was not sent: {reason}")
            return False
        t = await self.store.add_try(turn.id, job.id)
        turn.tries.append(t)
        turn.shown_try = -1
        self.transcript.turn_changed(turn.id)
        return True

    def retry(self, turn_id: int) -> None:
        """Send the turn again as it was; the earlier answers stay (‹ 1/2 ›)."""
        row = self.transcript.row_of_turn(turn_id)
        if row < 0:
            return
        turn = self.transcript.turns[row]
        missing = [f for f in turn.files if not Path(f).is_file()]
        if missing:
            self.message.emit(f"Cannot retry: {Path(missing[0]).name} is no longer there.")
            return
        req = {"prompt": turn.prompt, "models": list(turn.models), "files": list(turn.files)}
        self._spawn(f"agent:retry:{turn_id}", self._submit(turn, req, turn.account))

    def cancel(self, turn_id: int) -> None:
        row = self.transcript.row_of_turn(turn_id)
        shown = self.transcript.turns[row].shown if row >= 0 else None
        if shown is None or shown.job_id is None:
            return
        self._spawn(f"agent:cancel:{turn_id}", self._engine.cancel(shown.job_id))
        self.message.emit(NO_CANCEL)

    def show_try(self, turn_id: int, delta: int) -> None:
        row = self.transcript.row_of_turn(turn_id)
        if row < 0:
            return
        turn = self.transcript.turns[row]
        idx = turn.shown_index + delta
        if 0 <= idx < len(turn.tries):
            self._spawn(f"agent:show-try:{turn_id}", self._show_try(turn, idx))

    async def _show_try(self, turn: Turn, index: int) -> None:
        turn.shown_try = index
        self.transcript.turn_changed(turn.id)
        if self.store is not None:
            await self.store.set_shown_try(turn.id, index)

    def continue_from(self, path: Path | str) -> None:
        """A result goes into the composer as an attachment (the agent has no memory)."""
        self.composer.add_files([path])

    def attach_last_result(self) -> bool:
        path = self.transcript.last_media_path()
        if path is None:
            self.message.emit("This conversation has no finished result to attach yet.")
            return False
        self.composer.add_files([path])
        return True

    def read_image(self, path: Path, done: Callable[[QImage | None], None]) -> None:
        """Decode a result for the preview in a worker thread (a 4K PNG takes a while);
        ``done`` gets the image, or None. A newer request replaces an older one."""
        self._spawn("agent:preview-image", asyncio.to_thread(read_image_file, path), on_done=done)

    def save_copy(self, src: str, dst: str) -> None:
        """Save as…: copied in a worker thread."""

        async def copy() -> None:
            try:
                await asyncio.to_thread(copy_file, src, dst)
            except OSError as exc:
                self.message.emit(f"Could not save {Path(dst).name}: {exc.strerror or exc}.")
                return
            self.message.emit(f"Saved {dst}.")

        self._spawn("agent:save", copy())

    # --- following the engine -----------------------------------------------------------------
    def _jobs_changed(self, top: QModelIndex, bottom: QModelIndex, *_: Any) -> None:
        for row in range(top.row(), bottom.row() + 1):
            job = self.jobs.job_at(row)
            if job is not None:
                self.transcript.job_changed(job.id)
                self._follow.job_changed(job)

    def _jobs_inserted(self, _parent: QModelIndex, first: int, last: int) -> None:
        self._jobs_changed(self.jobs.index(first), self.jobs.index(last))

    def _jobs_reset(self) -> None:
        self.transcript.refresh_all()
        self._fetch_missing_answers(self.transcript.turns)
        if any(not t.tries for t in self.transcript.turns):
            self._spawn("agent:relink", self._relink(self.transcript.turns))

    async def _relink(self, turns: list[Turn]) -> None:
        if self.store is not None:
            jobs = [j for r in range(self.jobs.rowCount()) if (j := self.jobs.job_at(r)) is not None]
            for turn_id in await relink_orphans(self.store, turns, jobs):
                self.transcript.turn_changed(turn_id)

    def _job_finished(self, job_id: int, state: str) -> None:
        row = self.transcript.row_of_job(job_id)
        if row >= 0 and state == JobState.COMPLETED.value:
            self._fetch_missing_answers([self.transcript.turns[row]])

    def _fetch_missing_answers(self, turns: list[Turn]) -> None:
        self._follow.fetch_missing(turns)

    # --- export -------------------------------------------------------------------------------
    def export(self, dest_parent: Path | str) -> None:
        if self.current is None:
            self.message.emit("Open a conversation to export it.")
            return
        self._spawn("agent:export", self._export(Path(dest_parent)))

    async def _export(self, dest_parent: Path) -> Path:
        assert self.current is not None
        if self.transcript.has_earlier and self.store is not None:
            await self._load_earlier(self.current.id, everything=True)
        rows = export_rows(self.transcript.turns, self.jobs.job)
        folder = await asyncio.to_thread(export_conversation, dest_parent, self.current.title, rows)
        self.exported.emit(str(folder))
        self.message.emit(f"Exported to {folder}.")
        return folder

    # --- for the tab ---------------------------------------------------------------------------
    async def thumb_source(self, media: MediaView) -> Path | None:
        return await thumb_source(self._library, media)
