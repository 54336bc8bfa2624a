"""Is a request sendable, and what does it cost? Checked against the model catalog before
anything is journaled or sent (the batch command lists every problem of a sheet up front)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from minimax_studio.api import catalog
from minimax_studio.core.jobs import JobKind, file_id_account, file_slots

__all__ = ["InvalidRequest", "request_cost", "validate_request"]


class InvalidRequest(ValueError):
    """The request cannot be sent as it is; ``problems`` are readable sentences."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def validate_request(kind: JobKind, request: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    if kind is JobKind.AGENT:
        if not str(request.get("prompt") or "").strip():
            problems.append("prompt: the agent needs a prompt saying what to make.")
        if not request.get("models"):
            problems.append("models: choose at least one model the agent may use.")
        return problems
    fn = catalog.validate_video_request if kind is JobKind.VIDEO else catalog.validate_image_request
    problems.extend(f"{p.field}: {p.message}" if p.field and not p.message.startswith(p.field)
                    else p.message for p in fn(request))
    for slot, value in file_slots(request).items():
        if file_id_account(value) is None and not Path(value).is_file():
            problems.append(f"{slot}: the file {value} does not exist.")
    return problems


def request_cost(kind: JobKind, request: dict[str, Any]) -> tuple[str | None, int | None]:
    """(label, minimum credits) from the catalog, when it knows the price."""
    if kind is JobKind.AGENT:
        return None, None
    try:
        cost = catalog.video_cost(request) if kind is JobKind.VIDEO else catalog.image_cost(request)
    except Exception:  # a price we cannot compute must never block a job
        return None, None
    return cost.label, cost.min_credits
