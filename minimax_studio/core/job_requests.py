"""Is a request sendable, and what does it cost? Checked against the model catalog before
anything is journaled or sent (the batch command lists every problem of a sheet up front)."""

from __future__ import annotations

import errno
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
        if file_id_account(value) is None and (problem := _missing_file(slot, value)):
            problems.append(problem)
    return problems


def _missing_file(slot: str, value: str) -> str | None:
    """None when ``value`` is a file; else why not, as a sentence. The OS may refuse even to
    look (a name over 255 bytes, a path over 4096, a folder we may not enter): that is a
    problem with the request, never an OSError out of the check."""
    try:
        if Path(value).is_file():
            return None
    except OSError as exc:
        shown = value if len(value) <= 60 else value[:57] + "…"
        if exc.errno == errno.ENAMETOOLONG:
            return f"{slot}: {shown} is too long to be a file path."
        return f"{slot}: the file {shown} cannot be read ({exc.strerror or exc})."
    return f"{slot}: the file {value} does not exist."


def request_cost(kind: JobKind, request: dict[str, Any]) -> tuple[str | None, int | None]:
    """(label, minimum credits) from the catalog, when it knows the price."""
    if kind is JobKind.AGENT:
        return None, None
    try:
        cost = catalog.video_cost(request) if kind is JobKind.VIDEO else catalog.image_cost(request)
    except Exception:  # a price we cannot compute must never block a job
        return None, None
    return cost.label, cost.min_credits
