"""Where a job is at a given moment. Nothing ticks: a job stores when it was created and
how long each phase lasts, and its status is computed from the clock on every read.
That keeps the sandbox deterministic for a seed and lets ``--state`` resume mid-job."""

from __future__ import annotations

from dataclasses import dataclass

from minimax_studio.api.models import MediaStatus

from .state import AgentJob, MediaJob

# The API's one status vocabulary (videos.md), shared with the client: the sandbox answers
# with the codes the app reads.
STATUS_LABEL: dict[int, str] = {s: s.label for s in MediaStatus}
FINAL_STATUSES = frozenset(s for s in MediaStatus if s.is_final)
#: A final status the docs do not list (prompt keyword ``sandbox:oddfinal``): clients must
#: stop on ``statusFinal``, not on the codes they know. Not a MediaStatus on purpose.
UNDOCUMENTED_FINAL = 9
STATUS_LABEL[UNDOCUMENTED_FINAL] = "expired"
MODERATED = frozenset(s for s in MediaStatus if s.is_moderated)

# Agent jobs that run longer are abandoned (agent.md: 15 min; 10 in the first version).
AGENT_TIMEOUT_S = 15 * 60
AGENT_RETENTION_S = 31 * 24 * 3600


@dataclass(frozen=True)
class Progress:
    status: int
    percent: int
    message: str

    @property
    def final(self) -> bool:
        return self.status in FINAL_STATUSES or self.status == UNDOCUMENTED_FINAL

    @property
    def label(self) -> str:
        return STATUS_LABEL.get(self.status, "unknown")


def natural_end(job: MediaJob) -> float:
    return job.created + job.queue_s + job.run_s


def final_at(job: MediaJob) -> float:
    end = natural_end(job)
    if job.cancelled_at is not None and job.cancelled_at < end:
        return job.cancelled_at
    return end


def _percent(job: MediaJob, now: float) -> int:
    started = job.created + job.queue_s
    if now <= started or job.run_s <= 0:
        return 0
    return max(1, min(99, int(100 * (now - started) / job.run_s)))


def progress(job: MediaJob, now: float) -> Progress:
    if job.cancelled_at is not None and job.cancelled_at < natural_end(job) \
            and now >= job.cancelled_at:
        # Cancel is documented without its outcome; we end it as failed - inferred.
        return Progress(MediaStatus.FAILED, _percent(job, job.cancelled_at), "Cancelled")
    if now >= natural_end(job):
        pct = 100 if job.outcome == MediaStatus.COMPLETED else _percent(job, natural_end(job) - 1e-6)
        return Progress(job.outcome, pct, job.outcome_message)
    if now < job.created + job.queue_s:
        return Progress(job.queued_code, 0, "In queue, your generation will start soon")
    pct = _percent(job, now)
    noun = "video" if job.kind == "video" else "image"
    return Progress(job.processing_code, pct, f"Generating your {noun}… {pct}%")


def is_running(job: MediaJob, now: float) -> bool:
    return not progress(job, now).final


def agent_final_at(job: AgentJob) -> float:
    return job.created + min(job.run_s, AGENT_TIMEOUT_S)


def agent_status(job: AgentJob, now: float) -> str:
    if now < agent_final_at(job):
        return "started"
    if job.run_s > AGENT_TIMEOUT_S or job.fail_message:
        return "failed"
    return "completed"


def agent_error(job: AgentJob) -> dict[str, object]:
    if job.run_s > AGENT_TIMEOUT_S:
        return {"message": "Timeout waiting for assistant response", "status": 504}
    return {"message": job.fail_message or "Agent failed", "status": job.fail_status}


def agent_expired(job: AgentJob, now: float) -> bool:
    return now - job.created > AGENT_RETENTION_S
