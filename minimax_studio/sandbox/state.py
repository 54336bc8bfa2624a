"""Everything the sandbox remembers: accounts, uploads and jobs, as plain dataclasses
that round-trip through JSON (``--state FILE``). Status is *not* stored: it is computed
from the clock (see lifecycle.py), so a restarted sandbox continues where it stopped."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, TypeVar

from minimax_studio.api.models import MediaStatus


@dataclass
class Account:
    account: str
    jwt_token: str  # the full Hailuo JWT; only ever output masked
    user: dict[str, Any]
    exp: float
    iat: float
    host: str
    search_params: str
    max_jobs: int
    credits: int = 1000
    paid: bool = True  # paid Hailuo plans get a watermark-free downloadURL
    error: str | None = None  # set -> create calls answer 596 (session error / on hold)
    support_video: bool = True
    created: float = 0.0
    character_file_ids: list[str] = field(default_factory=list)


@dataclass
class Upload:
    file_id: str
    hailuo_id: str
    account: str
    content_type: str
    size: int
    disk_name: str  # file name inside the sandbox's files dir
    created: float
    deleted: bool = False


@dataclass
class MediaJob:
    """One video or one image generation."""

    kind: str  # "video" | "image"
    hailuo_id: str
    composite_id: str
    account: str
    user: str
    model: str
    prompt: str
    request: dict[str, Any]
    created: float
    queue_s: float
    run_s: float
    queued_code: int = MediaStatus.QUEUED  # or PENDING
    processing_code: int = MediaStatus.PROCESSING  # or PROCESSING_12
    outcome: int = MediaStatus.COMPLETED  # a final MediaStatus (or lifecycle.UNDOCUMENTED_FINAL)
    outcome_message: str = ""
    aspect: str = "16:9"
    width: int = 0
    height: int = 0
    media_name: str = ""  # video clip file or image format ("png" / "jpeg")
    cost: int = 0
    paid: bool = True
    tracked: bool = True  # in GET scheduler until final; holds a maxJobs slot (videos)
    reply_url: str | None = None
    reply_ref: str | None = None
    cancelled_at: float | None = None
    deleted: bool = False
    post_moderated: bool = False  # after completion GET answers 404
    settled: bool = False  # final-state side effects (webhook, refund) done
    batch_id: str = ""
    origin_files: list[dict[str, Any]] = field(default_factory=list)
    file_id: str = ""  # images: a fileID usable by videos/create
    template_id: str | None = None  # videos made by videos/agent-create


@dataclass
class AgentJob:
    job_id: str
    account: str
    user: str
    created: float
    run_s: float
    request: dict[str, Any]
    fail_message: str | None = None  # set -> ends "failed" with this message
    fail_status: int = 500
    attachments: list[dict[str, Any]] = field(default_factory=list)  # planned outputs
    msg_content: str = ""
    project_id: str = ""
    section_id: str = ""
    chat_id: str = ""
    settled: bool = False


T = TypeVar("T")


def _load(cls: type[T], data: dict[str, Any]) -> T:
    names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    return cls(**{k: v for k, v in data.items() if k in names})


@dataclass
class State:
    user: str = "1234"
    accounts: dict[str, Account] = field(default_factory=dict)
    uploads: dict[str, Upload] = field(default_factory=dict)
    jobs: dict[str, MediaJob] = field(default_factory=dict)  # by composite id
    agent_jobs: dict[str, AgentJob] = field(default_factory=dict)
    clock_now: float = 0.0  # the virtual time when saved

    def to_json(self) -> dict[str, Any]:
        return {
            "version": 1,
            "user": self.user,
            "clock_now": self.clock_now,
            "accounts": [asdict(a) for a in self.accounts.values()],
            "uploads": [asdict(u) for u in self.uploads.values()],
            "jobs": [asdict(j) for j in self.jobs.values()],
            "agent_jobs": [asdict(j) for j in self.agent_jobs.values()],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> State:
        st = cls(user=str(data.get("user", "1234")), clock_now=float(data.get("clock_now", 0)))
        for a in data.get("accounts", []):
            acc = _load(Account, a)
            st.accounts[acc.account] = acc
        for u in data.get("uploads", []):
            up = _load(Upload, u)
            st.uploads[up.file_id] = up
        for j in data.get("jobs", []):
            job = _load(MediaJob, j)
            st.jobs[job.composite_id] = job
        for j in data.get("agent_jobs", []):
            aj = _load(AgentJob, j)
            st.agent_jobs[aj.job_id] = aj
        return st
