"""How long a job may be polled, and what to say when Hailuo ends one in a way the docs do
not list.

The docs' rule is "poll until ``statusFinal`` is true". Two ways that rule alone can hold
a job (and a ``maxJobs`` slot) for ever: a final status code the docs do not list (the
server says final, the code is unknown — it ends as failed, in the server's own words),
and a job the server never finishes (a per-kind upper bound on polling; past it the job
needs attention and "Check again" — ``Engine.recheck`` — looks again).
"""

from __future__ import annotations

from minimax_studio.api.models import AgentJob, Image, Video
from minimax_studio.core.engine_config import EngineConfig
from minimax_studio.core.jobs import JobKind
from minimax_studio.core.remote_items import FINAL, status_of

__all__ = ["is_final_item", "poll_limit", "poll_limit_reason", "undocumented_final_reason"]


def is_final_item(item: Video | Image | AgentJob) -> bool:
    """``statusFinal`` when the server sent it (the docs' rule), else the status table."""
    flag = getattr(item, "statusFinal", None)  # videos and images carry it
    if isinstance(flag, bool):
        return flag
    return status_of(item) in FINAL


def poll_limit(config: EngineConfig, kind: JobKind) -> float | None:
    """Seconds a job of ``kind`` may be polled (None: no limit)."""
    value = {JobKind.VIDEO: config.poll_limit_video, JobKind.IMAGE: config.poll_limit_image,
             JobKind.AGENT: config.poll_limit_agent}.get(kind)
    return float(value) if value else None


def _duration(seconds: float) -> str:
    if seconds >= 3600:
        h = seconds / 3600
        return f"{h:.0f} h" if h == int(h) else f"{h:.1f} h"
    if seconds >= 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds:.0f} s"


def poll_limit_reason(limit: float, item: Video | Image | AgentJob | None) -> str:
    label = getattr(item, "statusLabel", None)  # an agent job has none
    seen = f" (last seen: {label})" if label else ""
    return (f"Still not finished after {_duration(limit)} of checking{seen}. Hailuo may still "
            "finish it: “Check again” looks once more (nothing is sent or paid again).")


def undocumented_final_reason(item: Video | Image | AgentJob | None) -> str:
    """A final status the docs do not list, in the server's own words."""
    status = status_of(item) if item is not None else None
    label = getattr(item, "statusLabel", None)
    message = getattr(item, "message", None)
    said = "; ".join(str(x) for x in (label, message) if x) or "no reason given"
    code = f" {status}" if status is not None else ""
    return f"Hailuo ended it with status{code}, which its docs do not list: {said}."
