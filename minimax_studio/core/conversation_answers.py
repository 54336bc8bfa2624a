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

__all__ = ["answer_from_job", "fetch_answer"]


def _get(obj: Any, key: str) -> Any:
    if isinstance(obj, dict):
        return obj.get(key)
    value = getattr(obj, key, None)
    if value is None:
        extra = getattr(obj, "model_extra", None) or {}
        value = extra.get(key)
    return value


def _as_dict(obj: Any) -> Any:
    dump = getattr(obj, "model_dump", None)
    return dump(by_alias=True) if callable(dump) else obj


def answer_from_job(item: Any) -> dict[str, Any]:
    """``{"text", "elapsed", "attachments": {attachmentID: {...}}, "notes": [...]}``
    from a ``GET agent/{jobId}`` answer (a dict or the API model)."""
    item = _as_dict(item)
    response = _get(item, "response") or {}
    text = _get(response, "msg_content")
    out: dict[str, Any] = {"text": str(text) if isinstance(text, str | int | float) else "",
                           "elapsed": str(_get(response, "elapsedTime") or ""),
                           "attachments": {}, "notes": []}
    atts = _get(response, "attachments")
    if not isinstance(atts, list):
        atts = []
    skipped = 0
    for att in atts:
        f = _get(att, "file") or {}
        extra = _get(f, "extra") or {}
        if not isinstance(extra, dict):
            extra = {}
        url = _get(f, "fileUrl") or extra.get("no_watermark_url") or extra.get("watermark_url")
        mime = str(_get(f, "type") or "")
        if not url:
            skipped += 1
            continue
        att_id = str(_get(att, "attachmentID") or url)
        out["attachments"][att_id] = {
            "name": str(_get(f, "fileName") or ""), "mime": mime,
            "model_name": extra.get("model_name"), "aspect_ratio": extra.get("model_aspect_ratio"),
            "resolution": extra.get("model_resolution"),
            "width": extra.get("width"), "height": extra.get("height"), "duration": extra.get("duration"),
        }
        if mime and not mime.startswith(("image/", "video/", "audio/")):
            out["notes"].append(f"The agent sent {out['attachments'][att_id]['name'] or 'a file'} "
                                f"of a type the app does not show ({mime}); it is in the library.")
    if skipped:
        out["notes"].append(f"{skipped} attachment{'s' if skipped > 1 else ''} came without a "
                            "download link and cannot be shown.")
    return out


async def fetch_answer(client: Any, remote_id: str) -> dict[str, Any]:
    """Read the finished job once more for its text and attachment details. Raises the
    client's errors (MiniMaxError and subclasses: each carries a readable ``message``)."""
    return answer_from_job(await client.agent.get(remote_id))
