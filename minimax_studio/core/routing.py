"""Which Hailuo account runs a job, and why.

Inputs: ``GET scheduler/available`` (free video slots per account), ``GET accounts``
(``maxJobs``, ``supportVideo``, an ``error`` on a broken session), ``GET features``
(credits, when the account reports them), the accounts we paused ourselves after a 412
(no credits) or 596 (on hold), and the engine's own jobs that hold a slot but may not be
in the server's snapshot yet.

Rules:
* Video jobs use one of the account's ``maxJobs`` slots; image and agent jobs do not
  (documented on ``scheduler/available``).
* ``maxJobs`` is never exceeded: free = maxJobs − (server's executing at the snapshot
  − our jobs that finished since) − (our slot holders the snapshot did not show yet).
  Between snapshots we only ever *under*-estimate free slots.
* A fileID belongs to one account, so a request that already carries fileIDs runs there.
* Every choice comes with a sentence saying why ("runs on account 123: 2 free slots").
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from minimax_studio.api.errors import MiniMaxError, NotFoundError
from minimax_studio.core.jobs import Job, JobKind

if TYPE_CHECKING:
    from minimax_studio.api.client import MiniMaxClient
    from minimax_studio.api.models import Account, AccountCapacity

_ACCOUNT_IN_ID = re.compile(r"-minimax:([^-:]+)-(video|image|file):")


def account_of(remote_id: str) -> str | None:
    m = _ACCOUNT_IN_ID.search(remote_id or "")
    return m.group(1) if m else None


class PauseReason(StrEnum):
    """Why an account is left alone for a while (stored in the journal as these strings)."""

    NO_CREDITS = "no_credits"  # 412
    ON_HOLD = "on_hold"        # 596: on hold or a session error


@dataclass
class AccountState:
    account: str
    max_jobs: int | None = None
    #: Video jobs the server counted at the last snapshot.
    executing: int = 0
    #: Their ids (so we know which of ours the snapshot already includes).
    snapshot_ids: set[str] = field(default_factory=set)
    supports_video: bool = True
    session_error: str | None = None
    credits: int | None = None
    paused_until: float | None = None
    pause_reason: str | None = None
    pause_status: PauseReason | None = None

    def paused(self, at: float) -> bool:
        return self.paused_until is not None and at < self.paused_until


@dataclass(frozen=True)
class RouteChoice:
    account: str
    #: Why this account, without naming it ("2 free slots; 1 of its files …").
    because: str

    def sentence(self) -> str:
        return f"runs on account {self.account}: {self.because}"

    @property
    def reason(self) -> str:
        return self.sentence()


@dataclass(frozen=True)
class RoutePreview:
    account: str | None
    reason: str
    cost: str | None
    #: No account could run it even after waiting (NoRoute.permanent): the form disables
    #: Generate instead of making a job that fails "Not sent".
    blocked: bool = False
    #: With an account: why that one, without naming it (``RouteChoice.because``).
    because: str | None = None

    def sentence(self) -> str:
        """What the form shows under Generate: "Runs on account 123: 2 free slots", or
        why nothing can take it now."""
        if self.account and self.because:
            return f"Runs on account {self.account}: {self.because}"
        if self.account:
            return f"Runs on account {self.account}" + (f" because {self.reason}" if self.reason else "")
        return self.reason or "No account can take it right now — it will wait in the queue."


@dataclass(frozen=True)
class NoRoute:
    """Why no account can take the job now. ``permanent`` means waiting will not help
    (every usable account is paused, out of credits or unsupported)."""

    reason: str
    permanent: bool


class Router:
    def __init__(self, client: MiniMaxClient, *, refresh_interval: float = 5.0, accounts_ttl: float = 60.0,
                 features_ttl: float = 300.0, check_credits: bool = True,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._client = client
        self._refresh_interval = refresh_interval
        self._accounts_ttl = accounts_ttl
        self._features_ttl = features_ttl
        self._check_credits = check_credits
        self._clock = clock
        self._accounts: dict[str, AccountState] = {}
        self._order: list[str] = []
        self._snapshot_at: float | None = None
        self._accounts_at: float | None = None
        self._features_at: dict[str, float] = {}
        self._released: set[str] = set()
        self._no_accounts = False

    # --- state from the server --------------------------------------------------------------
    @property
    def accounts(self) -> dict[str, AccountState]:
        return self._accounts

    def stale(self) -> bool:
        return self._snapshot_at is None or self._clock() - self._snapshot_at >= self._refresh_interval

    def invalidate(self) -> None:
        """Next ``refresh`` really asks the server (after a 429 on create: our view was wrong)."""
        self._snapshot_at = None

    async def refresh(self, *, force: bool = False) -> None:
        now = self._clock()
        if self._accounts_at is None or now - self._accounts_at >= self._accounts_ttl or force:
            await self._refresh_accounts()
        if force or self.stale():
            await self._refresh_capacity()
        if self._check_credits:
            for acc in list(self._accounts.values()):
                at = self._features_at.get(acc.account)
                # force (the account board changed): credits are read again too.
                if at is None or now - at >= self._features_ttl or force:
                    await self._refresh_credits(acc)

    async def _refresh_accounts(self) -> None:
        accounts: list[Account]
        try:
            accounts = await self._client.accounts.list()
        except NotFoundError:
            # 404 "Configuration not found": no account configured at all.
            accounts = []
        seen: list[str] = []
        for item in accounts:
            account = str(item.account or "")
            if not account:
                continue
            st = self._accounts.setdefault(account, AccountState(account))
            st.max_jobs = item.maxJobs if item.maxJobs is not None else st.max_jobs
            st.supports_video = True if item.supportVideo is None else bool(item.supportVideo)
            st.session_error = str(item.error) if item.error else None
            seen.append(account)
        for gone in set(self._accounts) - set(seen):
            del self._accounts[gone]
        self._order = seen
        self._no_accounts = not seen
        self._accounts_at = self._clock()

    async def _refresh_capacity(self) -> None:
        avail = await self._client.scheduler.available()
        ids_by_account: dict[str, set[str]] = {}
        for entry in avail.executing:
            # The docs' example puts image ids in videoId too; images never hold a slot.
            vid = entry.job_id
            if vid and entry.is_video:
                acc = account_of(vid)
                if acc:
                    ids_by_account.setdefault(acc, set()).add(vid)
        listed: dict[str, AccountCapacity] = {str(cap.account): cap for cap in avail.available if cap.account}
        for acc, st in self._accounts.items():
            cap = listed.get(acc)
            st.snapshot_ids = ids_by_account.get(acc, set())
            if cap is not None:
                if cap.maxJobs is not None:
                    st.max_jobs = cap.maxJobs
                st.executing = cap.executing if cap.executing is not None else len(st.snapshot_ids)
            else:
                # Accounts without a free slot are left out of ``available`` (useapi's own
                # script relies on it): treat an unlisted account as full.
                st.executing = max(st.max_jobs or 0, len(st.snapshot_ids))
        self._released.clear()
        self._snapshot_at = self._clock()

    async def _refresh_credits(self, acc: AccountState) -> None:
        self._features_at[acc.account] = self._clock()
        try:
            features = await self._client.features.get(account=acc.account)
        except MiniMaxError:
            # Credits are a hint: an account whose features cannot be read is still usable.
            return
        total = features.totalCredits
        acc.credits = int(total) if total is not None else None

    # --- what the engine tells us -------------------------------------------------------------
    def release(self, remote_id: str) -> None:
        """A video of ours reached a final state: its slot is free even if the snapshot
        still counts it."""
        self._released.add(remote_id)

    def pause(self, account: str, status: PauseReason, reason: str, seconds: float) -> None:
        st = self._accounts.setdefault(account, AccountState(account))
        st.paused_until = self._clock() + seconds
        st.pause_reason = reason
        st.pause_status = status

    def spend(self, account: str, credits: int | None) -> None:
        """Lower the known balance after a create, so a batch does not overrun it before
        the next features read."""
        st = self._accounts.get(account)
        if st is not None and st.credits is not None and credits:
            st.credits = max(0, st.credits - credits)

    # --- decisions ----------------------------------------------------------------------------
    def free_slots(self, account: str, slot_holders: Iterable[Job]) -> int:
        st = self._accounts[account]
        if st.max_jobs is None:
            return 0
        in_snapshot_done = len(st.snapshot_ids & self._released)
        unseen = 0
        for job in slot_holders:
            if job.account != account:
                continue
            if not job.remote_ids or not (set(job.remote_ids) & st.snapshot_ids):
                unseen += 1
        used = st.executing - in_snapshot_done + unseen
        return max(0, st.max_jobs - used)

    def choose(self, job: Job, *, slot_holders: Iterable[Job], cost_min: int | None = None,
               required_account: str | None = None, prefer: dict[str, int] | None = None
               ) -> RouteChoice | NoRoute:
        """Pick an account for ``job`` or say why none can take it now."""
        holders = list(slot_holders)
        at = self._clock()
        if self._no_accounts:
            return NoRoute("No Hailuo account is configured: add one on the Accounts board.", True)
        pinned = required_account or job.pinned_account
        candidates = [pinned] if pinned else list(self._order)
        blocked: list[str] = []
        busy: list[str] = []
        options: list[tuple[tuple[int, int, int], str, str]] = []
        for pos, acc in enumerate(candidates):
            st = self._accounts.get(acc)
            if st is None:
                blocked.append(f"account {acc} is not configured")
                continue
            if st.paused(at):
                blocked.append(f"account {acc} is paused: {st.pause_reason}")
                continue
            if st.session_error:
                blocked.append(f"account {acc} reports an error: {st.session_error}")
                continue
            if job.kind is JobKind.VIDEO and not st.supports_video:
                blocked.append(f"account {acc} does not support video")
                continue
            if cost_min is not None and st.credits is not None and st.credits < cost_min:
                blocked.append(f"account {acc} has {st.credits} credits, the job needs {cost_min}")
                continue
            files_there = (prefer or {}).get(acc, 0)
            if job.kind is JobKind.VIDEO:
                free = self.free_slots(acc, holders)
                if free <= 0:
                    busy.append(acc)
                    continue
                why = f"{free} free slot{'s' if free != 1 else ''}"
                options.append(((-files_there, -free, pos), acc, why))
            else:
                load = sum(1 for j in holders if j.account == acc)
                why = f"{job.kind.value} jobs do not use video slots"
                options.append(((-files_there, load, pos), acc, why))
        if options:
            options.sort()
            _, acc, why = options[0]
            if (prefer or {}).get(acc):
                why += f"; {prefer[acc]} of its files are already uploaded there"  # type: ignore[index]
            if pinned:
                why += " (chosen by you)" if not required_account else " (its files live there)"
            return RouteChoice(acc, why)
        if busy:
            names = ", ".join(busy)
            return NoRoute(f"Waiting for a free slot: every account is busy ({names}).", False)
        return NoRoute("No account can run this job: " + "; ".join(blocked) + ".", True)
