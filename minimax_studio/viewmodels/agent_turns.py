"""What one turn of an agent conversation reads as: a pure function of the stored turn
(``core.conversations.Turn``), the engine job of the try being shown, and the clock.

Kept free of Qt models so the wording of every state can be tested directly; the
transcript model caches one ``TurnView`` per row and rebuilds it only when its job changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from minimax_studio.core.jobs import JobState
from minimax_studio.viewmodels.job_rows import elapsed_seconds, format_elapsed

if TYPE_CHECKING:
    from minimax_studio.core.conversations import Turn
    from minimax_studio.core.jobs import Job

__all__ = ["EXPECTATION", "MEMORY_NOTE", "MediaView", "TurnView", "build_turn_view", "busy_account", "media_of"]

#: agent.md: "20–60 s for simple one-step tasks; 60 s–2 min for medium; 5+ min for
#: multi-step tasks using several models"; "longer than 15 minutes is expired".
EXPECTATION = ("Usually 20 s – 2 min; with several models 5 min or more. "
               "The agent gives up at 15 min.")
MEMORY_NOTE = ("The agent does not remember earlier turns: each message is sent on its own. "
               "To build on a result, use \"Continue from this result\" or \"Attach the last result\".")
NO_CANCEL = ("Cancel stops waiting here only: the API has no cancel, so the agent may still "
             "finish (and charge) on Hailuo.")
_EXPIRED_WORDS = ("timeout waiting", "expired")


@dataclass(frozen=True)
class MediaView:
    kind: str  # "image" | "video" | "audio" | "file" (another type)
    path: Path
    name: str
    width: int | None = None
    height: int | None = None
    duration: float | None = None
    model_name: str | None = None
    aspect_ratio: str | None = None
    resolution: str | None = None
    item_id: int | None = None

    @property
    def details(self) -> str:
        """"banana_2 · 16:9 · 1K · 1280×720" — the parts that are known."""
        parts = [p for p in (self.model_name, self.aspect_ratio, self.resolution) if p]
        if self.width and self.height:
            parts.append(f"{self.width}×{self.height}")
        if self.duration and self.kind != "image":
            parts.append(f"{self.duration:g} s")
        return " · ".join(parts)


@dataclass(frozen=True)
class TurnView:
    turn_id: int
    prompt: str
    files: tuple[str, ...]
    #: "pending" | "waiting" (429) | "done" | "failed" | "expired" | "cancelled" |
    #: "attention" | "unsent" | "missing"
    phase: str
    status: str  # one line: "Working… 0 min 42 s", "Finished in 1 min 05 s"
    detail: str = ""  # the sentence under it: what to expect, or why it failed
    text: str = ""  # the agent's msg_content (Markdown)
    media: tuple[MediaView, ...] = ()
    notes: tuple[str, ...] = ()
    try_index: int = 0
    try_count: int = 0
    job_id: int | None = None
    models: tuple[str, ...] = field(default_factory=tuple)

    @property
    def running(self) -> bool:
        return self.phase in ("pending", "waiting")

    @property
    def can_retry(self) -> bool:
        return not self.running


def _num(v: Any) -> Any:
    try:
        return float(v) if "." in str(v) else int(v)
    except (TypeError, ValueError):
        return None


def media_of(job: Job | None, answer: dict[str, Any] | None) -> tuple[MediaView, ...]:
    """The downloaded attachments of a job, with the answer's details where known."""
    if job is None:
        return ()
    details = (answer or {}).get("attachments") or {}
    out: list[MediaView] = []
    for d in job.downloads.values():
        if not isinstance(d, dict) or d.get("state") != "done" or not d.get("path"):
            continue
        path = Path(d["path"])
        meta = details.get(str(d.get("remote") or ""), {}) if isinstance(details, dict) else {}
        kind = str(d.get("kind") or "image")
        mime = str(d.get("mime") or meta.get("mime") or "")
        if mime and not mime.startswith(("image/", "video/", "audio/")):
            kind = "file"  # a type the docs do not show (answer notes say so); Open / Reveal work
        out.append(MediaView(kind=kind, path=path, name=meta.get("name") or path.name,
                             width=_num(d.get("width")) or None, height=_num(d.get("height")) or None,
                             duration=_num(d.get("duration")) or None, model_name=meta.get("model_name"),
                             aspect_ratio=meta.get("aspect_ratio"), resolution=meta.get("resolution"),
                             item_id=d.get("item_id")))
    return tuple(out)


def _failure_words(reason: str | None) -> tuple[str, str]:
    low = (reason or "").lower()
    if any(w in low for w in _EXPIRED_WORDS):
        return "expired", ("The agent did not finish within 15 minutes, so Hailuo gave up on this "
                           "turn. Retry, perhaps asking for less at once.")
    return "failed", reason or "The agent could not finish this turn."


def busy_account(reason: str | None) -> str | None:
    m = re.search(r"[Aa]ccount (\S+) is busy", reason or "")
    return m.group(1) if m else None


def build_turn_view(turn: Turn, job: Job | None, *, now: datetime | None = None,
                    busy_retry: float = 20.0, running: int | None = None) -> TurnView:
    """``running``: agent jobs running on the refusing account (``GET agent/jobs``), when known."""
    now = now or datetime.now(UTC)
    shown = turn.shown
    base: dict[str, Any] = {"turn_id": turn.id, "prompt": turn.prompt, "files": tuple(turn.files),
                            "try_index": turn.shown_index, "try_count": len(turn.tries),
                            "job_id": shown.job_id if shown else None, "models": tuple(turn.models)}
    if shown is None:
        if now.timestamp() - turn.created_at < 60:  # stored, its job being journaled right now
            return TurnView(phase="pending", status="Sending…", detail=EXPECTATION, **base)
        return TurnView(phase="unsent", status="Not sent", detail="This turn was never sent.", **base)
    if shown.job_id is None:
        return TurnView(phase="unsent", status="Not sent",
                        detail=shown.error or "This turn was not sent.", **base)
    if job is None:
        return TurnView(phase="missing", status="Job not found",
                        detail="The job of this turn is no longer in the journal (it was removed).", **base)
    elapsed = format_elapsed(elapsed_seconds(job, now))
    answer = shown.answer or {}
    notes = tuple(answer.get("notes") or ())
    st = job.state
    if st is JobState.QUEUED and job.reason and "429" in job.reason:
        # A 429 puts the job back in the queue without an account; the engine's reason
        # names the one that refused ("Account 123 is busy (429) …").
        account = job.account or busy_account(job.reason)
        where = f"on account {account}" if account else "on this account"
        how_many = f"{running} running" if running else "too many agent jobs running"
        return TurnView(phase="waiting", status=f"Waiting… {elapsed}",
                        detail=(f"The agent is busy {where} ({how_many}); "
                                f"trying again in about {busy_retry:.0f} s. The turn is kept."), **base)
    if not job.is_final and st is not JobState.NEEDS_ATTENTION:
        words = {JobState.QUEUED: "Queued", JobState.SUBMITTING: "Sending",
                 JobState.DOWNLOADING: "Downloading the results"}.get(st, "Working")
        detail = EXPECTATION
        if job.reason and st is JobState.QUEUED:
            detail = f"{job.reason} {EXPECTATION}"
        return TurnView(phase="pending", status=f"{words}… {elapsed}", detail=detail, **base)
    media = media_of(job, answer)
    text = str(answer.get("text") or "")
    if st is JobState.COMPLETED:
        if not media and not text:
            notes = (*notes, "The agent answered without text or attachments.")
        took = answer.get("elapsed") or elapsed
        return TurnView(phase="done", status=f"Finished in {took}", text=text, media=media,
                        notes=notes, **base)
    if st is JobState.CANCELLED:
        return TurnView(phase="cancelled", status="Cancelled here",
                        detail=("Stopped waiting for this turn. The API has no cancel, so the agent "
                                "may still finish (and charge) on Hailuo."),
                        **base)
    if st is JobState.NEEDS_ATTENTION:
        return TurnView(phase="attention", status="Needs attention", detail=job.reason or "",
                        text=text, media=media, notes=notes, **base)
    if st is JobState.MODERATED:
        return TurnView(phase="failed", status="Moderated", detail=job.reason or "Blocked by moderation.",
                        **base)
    phase, detail = _failure_words(job.reason)
    return TurnView(phase=phase, status="Expired" if phase == "expired" else "Failed", detail=detail,
                    **base)
