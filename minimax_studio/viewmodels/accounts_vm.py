"""The account board: load, add, edit ``maxJobs``, delete, refresh, auto-refresh capacity.

Data comes from ``GET accounts`` (who, JWT expiry, maxJobs, support flags, session error),
``GET scheduler/available`` (running / free video slots) and ``GET features`` per account
(credits, plan), plus the engine's router (accounts it paused after 412 / 596).

Hailuo JWTs: ``POST accounts`` needs the ``/cursor`` URL and the JWT again to change
``maxJobs``. The ones the user pasted in this app session are kept in this object's memory
only (never persisted, never logged); otherwise ``needsCredentials`` asks to paste again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from minimax_studio.core.credentials import HailuoToken, check_credentials, parse_curl
from minimax_studio.viewmodels.accounts_model import AccountRow, AccountsModel, Health
from minimax_studio.viewmodels.app_vm import AppVM
from minimax_studio.viewmodels.error_words import human_error, human_reason
from minimax_studio.viewmodels.tasks import describe_error

log = logging.getLogger(__name__)

__all__ = ["MAX_JOBS_HINT", "AccountsVM", "VerifyResult"]

#: How long after a job changes state the board re-reads credits and slots.
LIVE_REFRESH_MS = 1500

#: accounts.md: Hailuo runs 1 (Free) or 2 (paid) videos at once; useapi suggested one
#: spare slot for jobs the site accepts while answering 502/504.
MAX_JOBS_HINT = ("Free plan: 2 (at most 3). Standard / Unlimited: 3 (at most 4). Hailuo itself "
                 "runs 1 video at a time on Free and 2 on paid plans; one spare slot absorbs jobs "
                 "the site accepts while it answers “busy”.")


class VerifyResult:
    def __init__(self, problems: dict[str, str], token: HailuoToken | None,
                 note: str = "") -> None:
        self.problems = problems
        self.token = token
        self.note = note

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if not self.ok or self.token is None:
            return ""
        t = self.token
        when = t.expires_at.astimezone().strftime("%d %b %Y %H:%M") if t.expires_at else "unknown"
        who = f"{t.name} " if t.name else ""
        text = f"Looks right: Hailuo account {who}(id {t.account}), token valid until {when}."
        return f"{text} {self.note}".strip()

    def __repr__(self) -> str:
        return f"VerifyResult(ok={self.ok}, account={self.token.account if self.token else None})"


def _account_of_remote(remote_id: str) -> str | None:
    # "user:<user>-minimax:<account>-video:<id>"
    try:
        return remote_id.split("-minimax:", 1)[1].split("-", 1)[0]
    except IndexError:
        return None


class AccountsVM(QObject):
    busyChanged = Signal(bool)
    #: a sentence for the banner above the table ("" = clear)
    loadProblem = Signal(str)
    rowsChanged = Signal()
    #: add / edit finished: ok, sentence (shown in the dialog)
    saveResult = Signal(bool, str)
    #: editing maxJobs needs the URL + JWT pasted again (account id)
    needsCredentials = Signal(str)
    #: delete finished: ok, sentence
    deleteResult = Signal(bool, str)

    def __init__(self, app_vm: AppVM, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.app = app_vm
        self.services = app_vm.services
        self.model = AccountsModel(self)
        self.busy = False
        self.loaded = False
        #: "now" for expiry checks (tests move it)
        self.clock: Callable[[], datetime] = lambda: datetime.now(UTC)
        self._credentials: dict[str, tuple[str, str]] = {}  # account -> (url, jwt), memory only
        self._row_errors: dict[str, tuple[Health, str]] = {}
        self._capacity_timer = QTimer(self)
        self._capacity_timer.setInterval(
            int(self.services.settings.capacity_refresh_seconds * 1000))
        self._capacity_timer.timeout.connect(self.refresh_capacity)
        # Countdowns move once a minute; nothing else wakes while idle.
        self._tick = QTimer(self)
        self._tick.setInterval(60_000)
        self._tick.timeout.connect(self.model.tick)
        self._tick.start()
        app_vm.statusChanged.connect(self._jobs_maybe_changed)
        self._jobs_running = False
        # Credits and running / free slots follow the jobs as they move (a job started
        # takes a slot, a finished one is charged): one quiet re-read shortly after a
        # burst of state changes, not one per event and not only on Refresh.
        self._live_timer = QTimer(self)
        self._live_timer.setSingleShot(True)
        self._live_timer.setInterval(LIVE_REFRESH_MS)
        self._live_timer.timeout.connect(self._refresh_quietly)
        app_vm.jobStateChanged.connect(self._job_moved)

    def __repr__(self) -> str:
        return f"AccountsVM(rows={self.model.rowCount()})"

    @property
    def client(self) -> Any:
        client = self.services.client
        if client is None:
            raise RuntimeError("Not connected.")
        return client

    def _set_busy(self, busy: bool) -> None:
        if busy != self.busy:
            self.busy = busy
            self.busyChanged.emit(busy)

    def has_credentials(self, account: str) -> bool:
        return account in self._credentials

    def shutdown(self) -> None:
        self._capacity_timer.stop()
        self._live_timer.stop()
        self._tick.stop()
        self._credentials.clear()
        self.services.runner.cancel_prefix("accounts:")

    # --- loading ------------------------------------------------------------------------
    def refresh(self) -> asyncio.Task[Any]:
        self._set_busy(True)
        return self.services.runner.start(
            "accounts:refresh", self._refresh(), error_context="Loading accounts", notify=False,
            on_error=self._load_failed, if_running="keep")

    def _job_moved(self) -> None:
        if self.loaded and not self._live_timer.isActive():
            self._live_timer.start()

    def _refresh_quietly(self) -> None:
        """Re-read the board without the busy indicator (nothing the person asked for)."""
        if self.services.client is None:
            return
        self.services.runner.start(
            "accounts:refresh", self._refresh(), error_context="Loading accounts", notify=False,
            on_error=lambda m: self.loadProblem.emit(f"Could not update the accounts: {m}"),
            if_running="keep")

    def _load_failed(self, message: str) -> None:
        self._set_busy(False)
        self.loadProblem.emit(f"Could not load the accounts: {human_reason(message)}")

    async def _refresh(self) -> None:
        client = self.client
        accounts = await client.accounts.list()
        try:
            availability: Any = await client.scheduler.available()
            capacity_problem = ""
        except Exception as exc:
            availability, capacity_problem = None, human_error(exc)
            log.warning("scheduler/available failed: %s", capacity_problem)
        features = await asyncio.gather(
            *(client.features.get(account=a.account) for a in accounts), return_exceptions=True)
        rows = []
        for acc, feat in zip(accounts, features, strict=True):
            rows.append(self._row(acc, feat, availability))
        self.model.set_rows(rows)
        self.loaded = True
        self.app.set_accounts_count(len(rows))
        self._set_busy(False)
        self.loadProblem.emit(
            f"Running / free slots could not be read: {capacity_problem}" if capacity_problem else "")
        self.rowsChanged.emit()

    def _row(self, acc: Any, feat: Any, availability: Any) -> AccountRow:
        jwt = acc.jwt
        user = jwt.user if jwt is not None else None
        row = AccountRow(
            account=str(acc.account),
            name=(user.name or "") if user is not None else "",
            expires_at=jwt.expires_at if jwt is not None else None,
            max_jobs=acc.maxJobs,
            supports=[label for label, flag in (("video", acc.supportVideo),
                                                ("chat", acc.supportChat),
                                                ("audio", acc.supportAudio),
                                                ("music", acc.supportMusic)) if flag],
        )
        self._apply_capacity(row, availability)
        feature_problem: tuple[Health, str] | None = None
        if isinstance(feat, BaseException):
            status = getattr(feat, "status", None)
            health = {412: Health.OUT_OF_CREDITS, 596: Health.ON_HOLD}.get(status or 0, Health.ERROR)
            feature_problem = (health, f"credits could not be read: {describe_error(feat)}")
        else:
            row.credits = feat.totalCredits
            row.plan = feat.memberName or ""
        row.health, row.problem = self._health(row, acc, feature_problem)
        return row

    def _apply_capacity(self, row: AccountRow, availability: Any) -> None:
        if availability is None:
            return
        running = sum(1 for e in availability.executing
                      if e.is_video and _account_of_remote(e.job_id or "") == row.account)
        for cap in availability.available:
            if str(cap.account) == row.account:
                row.executing = cap.executing if cap.executing is not None else running
                row.available = cap.available
                if cap.maxJobs is not None:
                    row.max_jobs = cap.maxJobs
                return
        # Accounts without a free slot are left out of the list (scheduler.md, inferred).
        row.executing = running
        row.available = max(0, (row.max_jobs or 0) - running)

    def _health(self, row: AccountRow, acc: Any,
                feature_problem: tuple[Health, str] | None) -> tuple[Health, str]:
        if acc.error:
            return Health.ON_HOLD, f"useapi.net reports: {acc.error}"
        if row.expiry_state(self.clock()) == "expired":
            return Health.TOKEN_EXPIRED, ("The Hailuo token expired. Copy a fresh Token header from "
                                          "hailuoai.video and add the account again.")
        paused = self._router_pause(row.account)
        if paused is not None:
            return paused
        if feature_problem is not None:
            return feature_problem
        if row.credits is not None and row.credits <= 0:
            return Health.OUT_OF_CREDITS, "No credits left on this Hailuo account."
        last = self._row_errors.get(row.account)
        if last is not None:
            return last
        return Health.OK, ""

    def _router_pause(self, account: str) -> tuple[Health, str] | None:
        engine = self.services.engine
        state = getattr(getattr(engine, "router", None), "accounts", {}).get(account)
        # The router's clock is time.monotonic (its default); AccountState.paused says it.
        if state is None or not state.paused(time.monotonic()):
            return None
        if state.pause_status == "no_credits":
            return Health.OUT_OF_CREDITS, state.pause_reason or "Out of credits (412)."
        return Health.ON_HOLD, state.pause_reason or "On hold (596)."

    # --- capacity auto-refresh ------------------------------------------------------------
    def refresh_capacity(self) -> asyncio.Task[Any] | None:
        if not self.loaded or self.services.client is None:
            return None
        return self.services.runner.start("accounts:capacity", self._refresh_capacity(),
                                          error_context="Refreshing capacity", notify=False,
                                          if_running="keep",
                                          on_error=lambda m: self.loadProblem.emit(
                                              f"Running / free slots could not be read: {m}"))

    async def _refresh_capacity(self) -> None:
        availability = await self.client.scheduler.available()
        for row in self.model.rows():
            self._apply_capacity(row, availability)
            self.model.update_row(row)

    def _jobs_maybe_changed(self) -> None:
        running = self.app.running_jobs > 0
        if running == self._jobs_running:
            return
        self._jobs_running = running
        if running:
            self._capacity_timer.start()
        else:
            self._capacity_timer.stop()
            self.refresh_capacity()  # one last read: the slots are free again

    # --- add / edit -----------------------------------------------------------------------
    @staticmethod
    def from_curl(text: str) -> tuple[str, str]:
        """(url, token) found in a pasted "Copy as cURL" command ("" when missing)."""
        parts = parse_curl(text)
        return parts.url or "", parts.token or ""

    def verify(self, url: str, token: str) -> VerifyResult:
        """Local checks before anything is sent (URL shape, JWT readable and not expired)."""
        problems, decoded = check_credentials(url, token)
        note = ""
        if decoded is not None and self.model.row_of(decoded.account) >= 0:
            note = "This account is already on the board: adding it again updates it."
        return VerifyResult(problems, decoded, note)

    def add_account(self, url: str, token: str, max_jobs: int) -> asyncio.Task[Any] | None:
        result = self.verify(url, token)
        if not result.ok:
            self.saveResult.emit(False, " ".join(result.problems.values()))
            return None
        return self.services.runner.start(
            "accounts:save", self._save(url.strip(), token.strip(), max_jobs, adding=True),
            error_context="Adding account", notify=False,
            on_error=lambda m: self.saveResult.emit(False, m))

    @property
    def can_add_demo(self) -> bool:
        """In the sandbox a demo Hailuo account is one click: there is no Hailuo login to
        copy a token from, and the sandbox signs its own tokens."""
        session = self.services.session
        sandbox = getattr(session, "sandbox", None) if session is not None else None
        return callable(getattr(sandbox, "make_hailuo_credentials", None))

    def add_demo_account(self, max_jobs: int = 2) -> asyncio.Task[Any] | None:
        """Register a new sandbox account the same way a real one is added (POST accounts
        with a /cursor URL and a JWT, over HTTP), so the board and the router see it as
        they would a real account."""
        session = self.services.session
        sandbox = getattr(session, "sandbox", None) if session is not None else None
        if sandbox is None:
            self.saveResult.emit(False, "Demo accounts exist only in the sandbox.")
            return None
        taken = {r.account for r in self.model.rows()}
        n = len(taken) + 1
        account = str(800_000_000 + n)
        while account in taken:
            n += 1
            account = str(800_000_000 + n)
        url, token = sandbox.make_hailuo_credentials(account, name=f"Demo account {n}")
        return self.add_account(url, token, max_jobs)

    def set_max_jobs(self, account: str, max_jobs: int, url: str = "",
                     token: str = "") -> asyncio.Task[Any] | None:
        """Re-POST with the new maxJobs. Uses the URL + JWT given, else the ones pasted earlier
        in this session; with neither, ``needsCredentials`` asks for them."""
        if url and token:
            result = self.verify(url, token)
            if not result.ok:
                self.saveResult.emit(False, " ".join(result.problems.values()))
                return None
            if result.token is not None and result.token.account != account:
                self.saveResult.emit(False, f"That token belongs to account {result.token.account}, "
                                            f"not {account}.")
                return None
        elif account in self._credentials:
            url, token = self._credentials[account]
        else:
            self.needsCredentials.emit(account)
            return None
        return self.services.runner.start(
            "accounts:save", self._save(url.strip(), token.strip(), max_jobs, adding=False),
            error_context="Changing max jobs", notify=False,
            on_error=lambda m: self.saveResult.emit(False, m))

    async def _save(self, url: str, token: str, max_jobs: int, *, adding: bool) -> None:
        if not 1 <= max_jobs <= 10:
            self.saveResult.emit(False, "Max jobs must be between 1 and 10.")
            return
        try:
            acc = await self.client.accounts.create(url=url, token=token, max_jobs=max_jobs)
        except Exception as exc:
            self.saveResult.emit(False, self._save_message(exc))
            return
        account = str(acc.account or "")
        if account:
            self._credentials[account] = (url, token)
            self._row_errors.pop(account, None)
        what = "added" if adding else "updated"
        self.saveResult.emit(True, f"Account {account} {what} (max jobs {acc.maxJobs or max_jobs}).")
        self.services.notifier.info("Accounts", f"Account {account} {what}.")
        await self._refresh()

    @staticmethod
    def _save_message(exc: BaseException) -> str:
        status = getattr(exc, "status", None)
        text = describe_error(exc)  # 400: the server's text says which field is wrong
        if status == 400:
            return (f"useapi.net refused the account. {text} Check that the URL is the whole "
                    "/cursor Request URL and the token is the Token header of that same request.")
        words = human_error(exc)
        if status == 401:
            return words
        if status == 404:
            return f"useapi.net could not find what it needed: {human_reason(text)}"
        if status in (412, 596):
            return f"{words} The account was not changed."
        return f"The account could not be saved: {words}"

    # --- delete -----------------------------------------------------------------------------
    def delete_account(self, account: str) -> asyncio.Task[Any]:
        return self.services.runner.start(
            f"accounts:delete:{account}", self._delete(account), error_context="Deleting account",
            notify=False, on_error=lambda m: self.deleteResult.emit(False, m))

    async def _delete(self, account: str) -> None:
        try:
            await self.client.accounts.delete(account)
        except Exception as exc:
            if getattr(exc, "status", None) == 404:
                message = f"Account {account} was already gone from useapi.net."
            else:
                self.deleteResult.emit(False, f"Account {account} was not deleted: "
                                              f"{human_error(exc)}")
                return
        else:
            message = f"Account {account} deleted from useapi.net."
        self._credentials.pop(account, None)
        self.deleteResult.emit(True, message)
        self.services.notifier.info("Accounts", message)
        await self._refresh()

    def note_error(self, account: str, health: Health, message: str) -> None:
        """Other parts of the app report an account problem (shown until the next success)."""
        self._row_errors[account] = (health, message)
        i = self.model.row_of(account)
        row = self.model.account_at(i)
        if row is not None:
            row.health, row.problem = health, message
            self.model.update_row(row)

