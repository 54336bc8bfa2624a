"""The sandbox's brain, shared by every route: state, clock, faults, account choice and
capacity. It runs on the server's event loop only; the public ``Sandbox`` object reaches
it from other threads through ``Sandbox._call``."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from minimax_studio.api.models import MediaStatus

from . import jwt as hjwt
from .clock import Clock
from .faults import STATUS_TEXT, Faults
from .ids import IdMaker, parse_composite, user_of_token
from .lifecycle import agent_status, is_running
from .state import Account, MediaJob, State, Upload

GB = 1024**3


class ApiError(Exception):
    """Becomes ``{"error": message, "code": status}`` with that HTTP status."""

    def __init__(self, status: int, message: str | None = None) -> None:
        super().__init__(message or STATUS_TEXT.get(status, "Error"))
        self.status = status
        self.message = message or STATUS_TEXT.get(status, "Error")


@dataclass
class Timings:
    """Base durations in virtual seconds (min, max); the clock's speed scales them."""

    video: tuple[float, float] = (60.0, 120.0)
    image: tuple[float, float] = (15.0, 30.0)
    agent: tuple[float, float] = (30.0, 90.0)
    queued_fraction: tuple[float, float] = (0.05, 0.2)  # share of the time spent queued


@dataclass
class Config:
    # GET files: upstream retired it in Mar 2025 and it returns nothing (files.md);
    # True lists the uploads in the documented shape instead.
    list_uploads: bool = False
    agent_max_running: int = 5  # "dynamic capacity" (agent.md): 429 above this many
    default_reply_url: str | None = None  # the useapi.net account-level replyUrl
    webhook_progress: bool = False  # also POST on progress changes (first docs version)
    max_upload_bytes: int = 5 * GB
    refund_failed: bool = True  # give the credits back when a job fails (inferred)


@dataclass
class Received:
    """One request the API endpoints received (for test assertions)."""

    method: str
    path: str
    query: dict[str, str]
    body: Any = None  # JSON/form fields (file parts summarised), or upload metadata
    account: str | None = None
    status: int | None = None


@dataclass
class CdnHit:
    method: str
    path: str
    range: str | None
    authorization_sent: bool  # a client must not leak its API token to the CDN host
    status: int | None = None


@dataclass
class Core:
    state: State
    clock: Clock
    rng: random.Random
    files_dir: Path
    tokens: set[str]
    faults: Faults = field(default_factory=Faults)
    config: Config = field(default_factory=Config)
    timings: Timings = field(default_factory=Timings)
    received: list[Received] = field(default_factory=list)
    cdn_received: list[CdnHit] = field(default_factory=list)
    api_base: str = ""
    cdn_base: str = ""
    dirty: bool = False
    paid_default: bool = True

    def __post_init__(self) -> None:
        self.ids = IdMaker(self.rng)

    # --- auth ------------------------------------------------------------------------
    def user_for(self, authorization: str | None) -> str | None:
        if not authorization or not authorization.startswith("Bearer "):
            return None
        token = authorization[len("Bearer "):].strip()
        if token not in self.tokens:
            return None
        return user_of_token(token)

    # --- accounts --------------------------------------------------------------------
    def register_account(self, url: str, token: str, max_jobs: int, *,
                         credits: int = 1000, paid: bool | None = None) -> Account:
        """POST accounts: the account id is the JWT's user.id (accounts.md)."""
        try:
            payload = hjwt.decode_payload(token)
        except hjwt.JwtError as exc:
            raise ApiError(400, f"Invalid token: {exc}") from None
        parts = urlsplit(url.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ApiError(400, "Invalid url: expected the full https://hailuoai.video/…/cursor?… request URL")
        user = dict(payload["user"])
        account_id = str(user["id"])
        now = self.clock.now()
        exp = float(payload.get("exp", now + 30 * 86400))
        # Expired session tokens are refused up front (inferred: useapi would fail later).
        if exp < now:
            raise ApiError(400, "Invalid token: the Hailuo session token has expired, capture a fresh one")
        previous = self.state.accounts.get(account_id)
        acc = Account(
            account=account_id, jwt_token=token.strip(), user=user, exp=exp,
            iat=float(payload.get("iat", now)), host=parts.hostname, search_params=parts.query,
            max_jobs=max_jobs,
            credits=previous.credits if previous else credits,
            paid=(previous.paid if previous else self.paid_default) if paid is None else paid,
            created=previous.created if previous else now,
            character_file_ids=previous.character_file_ids if previous else [],
        )
        self.state.accounts[account_id] = acc
        self.dirty = True
        return acc

    def account_for_endpoint(self, given: str | None) -> Account:
        """Per-account endpoints: ``account`` optional with one account, required with
        several (400 — status inferred)."""
        accounts = self.state.accounts
        if given:
            acc = accounts.get(given)
            if acc is None:
                # Unknown account: 404 or 400 is not captured; 400 like other bad params.
                raise ApiError(400, f"Account {given} is not configured")
            return acc
        if not accounts:
            raise ApiError(404, "Configuration not found")
        if len(accounts) > 1:
            raise ApiError(400, "Parameter account is required when several accounts are configured")
        return next(iter(accounts.values()))

    def running_videos(self, account: str) -> list[MediaJob]:
        now = self.clock.now()
        return [j for j in self.state.jobs.values()
                if j.kind == "video" and j.account == account and j.tracked
                and not j.deleted and is_running(j, now)]

    def capacity(self, acc: Account, max_jobs: int | None = None) -> int:
        limit = max_jobs if max_jobs is not None else acc.max_jobs
        return limit - len(self.running_videos(acc.account))

    def account_for_video(self, given: str | None, max_jobs: int | None) -> Account:
        """videos/create & agent-create: the given account, else a random one with a free
        slot (README "Account selection")."""
        if given:
            acc = self.state.accounts.get(given)
            if acc is None:
                raise ApiError(400, f"Account {given} is not configured")
            self.check_usable(acc)
            if self.capacity(acc, max_jobs) <= 0:
                raise ApiError(429, f"Account {given} is busy: all {max_jobs or acc.max_jobs} job slots are in use")
            return acc
        if not self.state.accounts:
            raise ApiError(404, "Configuration not found")
        video_accounts = [a for a in self.state.accounts.values() if a.support_video]
        # Accounts in error are left out of balancing (inferred); if nothing else
        # remains the caller hears 596 rather than a misleading "busy".
        healthy = [a for a in video_accounts if not a.error]
        if video_accounts and not healthy:
            self.check_usable(video_accounts[0])
        free = [a for a in healthy if self.capacity(a, max_jobs) > 0]
        if not free:
            raise ApiError(429, "All accounts are busy, try again later")
        return self.rng.choice(sorted(free, key=lambda a: a.account))

    def check_usable(self, acc: Account) -> None:
        if acc.error:
            raise ApiError(596, f"Account {acc.account} is on hold: {acc.error}")

    def charge(self, acc: Account, credits: int) -> None:
        if acc.credits < credits:
            raise ApiError(412, f"Account {acc.account} does not have enough credits "
                                f"({acc.credits} left, {credits} needed)")
        acc.credits -= credits
        self.dirty = True

    # --- files -----------------------------------------------------------------------
    def resolve_file(self, file_id: str, account: str, field_name: str) -> dict[str, Any]:
        """A fileID sent to a create call -> its originFiles entry. Unknown ids and ids of
        another account are refused (emulator-notes §5: files belong to one account)."""
        comp = parse_composite(file_id)
        if comp is None or comp.kind != "file":
            raise ApiError(400, f"{field_name}: {file_id!r} is not a fileID (expected user:…-minimax:…-file:…)")
        if comp.account != account:
            # Inferred: Hailuo cannot see another account's uploads.
            raise ApiError(400, f"{field_name}: file belongs to account {comp.account}, "
                                f"but this job runs on account {account}")
        upload = self.state.uploads.get(file_id)
        if upload is not None and not upload.deleted:
            ext = {"image/jpeg": "jpeg", "image/png": "png", "audio/mpeg": "mp3",
                   "audio/wav": "wav", "video/mp4": "mp4"}.get(upload.content_type, "bin")
            return {"id": file_id, "url": self.cdn_url(f"file/{upload.hailuo_id}.{ext}"), "type": ext}
        for job in self.state.jobs.values():
            if job.kind == "image" and job.file_id == file_id:
                from .lifecycle import progress  # local: avoid a cycle in type checkers

                if progress(job, self.clock.now()).status != MediaStatus.COMPLETED:
                    raise ApiError(400, f"{field_name}: the image {job.composite_id} is not completed")
                return {"id": file_id, "url": self.cdn_url(f"image/{job.hailuo_id}.{job.media_name}"),
                        "type": job.media_name}
        raise ApiError(400, f"{field_name}: file {file_id} not found")

    def new_upload(self, account: str, user: str, content_type: str, size: int,
                   disk_name: str, hailuo_id: str) -> Upload:
        from .ids import composite

        up = Upload(file_id=composite(user, account, "file", hailuo_id), hailuo_id=hailuo_id,
                    account=account, content_type=content_type, size=size,
                    disk_name=disk_name, created=self.clock.now())
        self.state.uploads[up.file_id] = up
        self.dirty = True
        return up

    # --- jobs ------------------------------------------------------------------------
    def duration(self, kind: str, prompt: str) -> tuple[float, float]:
        """(queued seconds, processing seconds) for a new job."""
        lo, hi = getattr(self.timings, kind)
        total = self.rng.uniform(lo, hi)
        if self.faults.slow(prompt):
            total *= 10
        if self.faults.stuck(prompt):
            total *= 1e6
        q_lo, q_hi = self.timings.queued_fraction
        queued = total * self.rng.uniform(q_lo, q_hi)
        return queued, total - queued

    def running_agent_jobs(self) -> int:
        now = self.clock.now()
        return sum(1 for j in self.state.agent_jobs.values() if agent_status(j, now) == "started")

    # --- urls ------------------------------------------------------------------------
    def cdn_url(self, path: str) -> str:
        return f"{self.cdn_base}/cdn/{path}"
