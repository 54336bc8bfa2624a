"""The agent's answer to one turn, as the transcript shows it.

The engine downloads an agent job's attachments into the library but keeps no copy of the
answer's text (``response.msg_content``) or of each attachment's details (the model actually
used, ``file.extra.model_name``; aspect ratio; resolution). Those are read once with
``GET agent/{jobId}`` after the job ends (jobs are kept 31 days) and cached in the
conversation store.

Tolerant by design: every field of ``response`` is optional here; the agent.md model was
written from examples and the audio attachment's ``type`` code is not captured. What
cannot be used becomes a sentence in ``notes`` instead of an exception.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from minimax_studio.api.client import MiniMaxClient
from minimax_studio.api.models import AgentJob

__all__ = ["answer_from_job", "fetch_answer"]


def answer_from_job(item: AgentJob | dict[str, Any]) -> dict[str, Any]:
    """``{"text", "elapsed", "attachments": {attachmentID: {...}}, "notes": [...]}``
    from a ``GET agent/{jobId}`` answer (the API model, or the docs' JSON as a dict)."""
    out: dict[str, Any] = {"text": "", "elapsed": "", "attachments": {}, "notes": []}
    if isinstance(item, dict):
        try:
            item = AgentJob.model_validate(item)
        except ValidationError:  # the model is lenient; a shape it still refuses has no answer
            out["notes"].append("The agent's answer could not be read.")
            return out
    response = item.response
    if response is None:
        return out
    out["text"] = response.msg_content or ""
    out["elapsed"] = response.elapsedTime or ""
    skipped = 0
    for att in response.attachments:
        # The engine's rule (agent.md's download guidance): any documented link will do here.
        url = att.best_url
        if not url:
            skipped += 1
            continue
        f = att.file
        extra = f.extra if f else None
        mime = (f.type if f else None) or ""
        name = (f.fileName if f else None) or ""
        att_id = att.attachmentID or url
        out["attachments"][att_id] = {
            "name": name, "mime": mime,
            "model_name": extra.model_name if extra else None,
            "aspect_ratio": extra.model_aspect_ratio if extra else None,
            "resolution": extra.model_resolution if extra else None,
            "width": extra.width if extra else None, "height": extra.height if extra else None,
            "duration": extra.duration if extra else None,
        }
        if att.kind is None and mime:
            out["notes"].append(f"The agent also sent {name or 'a file'} ({mime}), which is not "
                                "a video, image or audio; it was not downloaded.")
    if skipped:
        out["notes"].append(f"{skipped} attachment{'s' if skipped > 1 else ''} came without a "
                            "download link and cannot be shown.")
    return out


async def fetch_answer(client: MiniMaxClient, remote_id: str) -> dict[str, Any]:
    """Read the finished job once more for its text and attachment details. Raises the
    client's errors (MiniMaxError and subclasses: each carries a readable ``message``)."""
    return answer_from_job(await client.agent.get(remote_id))
