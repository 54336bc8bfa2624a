"""What the Agent tab reads besides the engine's job events: each finished turn's answer
(``msg_content`` and attachment details, once, then cached in the store) and, while a turn
waits on a 429, how many agent jobs run on the account (``GET agent/jobs``, at most every
10 s). Owned by ``AgentVM``; works on its transcript model."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

from minimax_studio.core.conversation_answers import fetch_answer
from minimax_studio.core.jobs import JobState
from minimax_studio.viewmodels.tasks import describe_error

if TYPE_CHECKING:
    from minimax_studio.api.client import MiniMaxClient
    from minimax_studio.core.conversations import ConversationStore, Try, Turn
    from minimax_studio.core.engine import Engine
    from minimax_studio.core.jobs import Job
    from minimax_studio.viewmodels.agent_transcript_model import TranscriptModel

log = logging.getLogger(__name__)

__all__ = ["TurnFollower", "account_ids", "relink_orphans"]

_RUNNING_EVERY_S = 10.0


class TurnFollower:
    def __init__(self, *, client: MiniMaxClient, job: Callable[[int], Job | None],
                 spawn: Callable[[str, Coroutine[Any, Any, Any]], Any],
                 store: Callable[[], ConversationStore | None]) -> None:
        self._client = client
        self._job = job
        self._spawn = spawn
        self._store = store
        self.transcript: TranscriptModel | None = None
        self.closed = False
        self._answering: set[int] = set()
        #: account → agent jobs running there (the 429 card's "(2 running)").
        self._running: dict[str, int] = {}
        self._running_read = 0.0

    # --- 429: how busy is the account ------------------------------------------------------
    def running_on(self, account: str | None) -> int | None:
        return self._running.get(account) if account else None

    def job_changed(self, job: Job) -> None:
        busy = job.state is JobState.QUEUED and "429" in (job.reason or "")
        if busy and self._client is not None and time.monotonic() - self._running_read > _RUNNING_EVERY_S:
            self._running_read = time.monotonic()
            self._spawn("agent:running", self._read_running())

    async def _read_running(self) -> None:
        try:
            running = await self._client.agent.jobs()
        except Exception as exc:  # the card keeps its general sentence
            log.info("agent: GET agent/jobs failed: %s", exc)
            return
        summary = getattr(running, "summary", None) or {}
        self._running.clear()
        for account, info in dict(summary).items():
            n = getattr(info, "executing", None) if not isinstance(info, dict) else info.get("executing")
            if isinstance(n, int):
                self._running[str(account)] = n
        if self.transcript is not None and not self.closed:
            self.transcript.refresh_all()

    # --- answers -----------------------------------------------------------------------------
    def fetch_missing(self, turns: list[Turn]) -> None:
        """Read the answer of every finished try that has none yet (in one background task)."""
        wanted: list[tuple[Turn, Try, str]] = []
        for turn in turns:
            for t in turn.tries:
                if t.job_id is None or t.answer is not None or t.id in self._answering:
                    continue
                job = self._job(t.job_id)
                if job is not None and job.state is JobState.COMPLETED and job.remote_ids:
                    wanted.append((turn, t, job.remote_ids[0]))
        if wanted:
            for _, t, _ in wanted:
                self._answering.add(t.id)
            self._spawn(f"agent:answers:{wanted[0][1].id}", self._fetch(wanted))

    async def _fetch(self, wanted: list[tuple[Turn, Try, str]]) -> None:
        for turn, t, remote_id in wanted:
            try:
                answer = await fetch_answer(self._client, remote_id)
            except Exception as exc:  # the media still show; the text waits for next time
                t.answer = {"text": "", "attachments": {},
                            "notes": [f"The agent's text could not be read: {describe_error(exc)}"]}
            else:
                t.answer = answer
                store = self._store()
                if store is not None:
                    await store.set_answer(t.id, answer)
            finally:
                self._answering.discard(t.id)
            if self.transcript is not None and not self.closed:
                self.transcript.turn_changed(turn.id)


async def relink_orphans(store: ConversationStore, turns: list[Turn], jobs: list[Job]) -> list[int]:
    """A turn stored without a try: the app stopped between journaling its job and noting
    the job in the store. Link that job (same prompt, linked to no try, made after the turn)
    so the turn shows its answer instead of "Not sent". Returns the turns changed."""
    orphans = [t for t in turns if not t.tries]
    if not orphans or not jobs:
        return []
    linked = await store.linked_jobs()
    changed = []
    for turn in orphans:
        for job in sorted(jobs, key=lambda j: j.id):
            if (job.id not in linked and job.prompt == turn.prompt
                    and job.created_at.timestamp() >= turn.created_at - 1):
                turn.tries.append(await store.add_try(turn.id, job.id))
                linked.add(job.id)
                changed.append(turn.id)
                break
    return changed


async def account_ids(engine: Engine) -> list[str] | None:
    """The accounts the composer's account choice lists (the engine's router knows them);
    None when they cannot be read now (the choice stays "automatic")."""
    router = getattr(engine, "router", None)
    if router is None:
        return None
    try:
        await router.refresh()
    except Exception as exc:
        log.info("agent: accounts not read: %s", exc)
        return None
    return sorted(router.accounts)
