"""Creating jobs: decide up front (seeded) how long each phase lasts and how it ends."""

from __future__ import annotations

import re
from typing import Any

from minimax_studio.api.models import MediaStatus

from . import rules
from .core import Core
from .ids import composite
from .lifecycle import UNDOCUMENTED_FINAL
from .media import clip_for, image_size
from .state import Account, AgentJob, MediaJob

_IMAGE_LONG_SIDE = 512
#: Both documented codes of each phase, in the order the seeded choice has always used.
_QUEUED = (MediaStatus.QUEUED, MediaStatus.PENDING)
_PROCESSING = (MediaStatus.PROCESSING, MediaStatus.PROCESSING_12)


def _outcome(core: Core, prompt: str) -> tuple[int, str, bool]:
    """(final status, message, post-moderated) from the prompt keywords."""
    if core.faults.fails(prompt):
        return MediaStatus.FAILED, "Generation failed", False
    if core.faults.moderated_outcome(prompt):
        return MediaStatus.MODERATED_7, "Face Detected", False
    if core.faults.odd_final(prompt):
        return UNDOCUMENTED_FINAL, "This generation expired before it could start", False
    return MediaStatus.COMPLETED, "", core.faults.post_moderated(prompt)


def make_video_job(core: Core, acc: Account, user: str, body: dict[str, Any],
                   origin_files: list[dict[str, Any]], credits: int,
                   template_id: str | None = None, aspect: str | None = None) -> MediaJob:
    now = core.clock.now()
    prompt = str(body.get("prompt") or "")
    hid = core.ids.hailuo_id(now)
    queued, run = core.duration("video", prompt)
    outcome, message, post_mod = _outcome(core, prompt)
    aspect = aspect or rules.video_aspect(body)
    clip = clip_for(aspect)
    job = MediaJob(
        kind="video", hailuo_id=hid, composite_id=composite(user, acc.account, "video", hid),
        account=acc.account, user=user, model=str(body.get("model", "")), prompt=prompt,
        request={k: v for k, v in body.items() if k != "account"}, created=now,
        queue_s=queued, run_s=run,
        queued_code=core.rng.choice(_QUEUED), processing_code=core.rng.choice(_PROCESSING),
        outcome=outcome, outcome_message=message, aspect=aspect,
        width=clip.width, height=clip.height, media_name=clip.name, cost=credits,
        paid=acc.paid, reply_url=body.get("replyUrl") or core.config.default_reply_url,
        reply_ref=body.get("replyRef"), post_moderated=post_mod,
        origin_files=origin_files, template_id=template_id,
    )
    core.state.jobs[job.composite_id] = job
    core.dirty = True
    return job


def _image_format(model: str) -> str:
    # Hailuo serves most results as PNG; we use JPEG for the Midjourney / GPT families so
    # clients see both formats (inferred; the docs only show .png URLs).
    return "jpeg" if model.startswith(("midjourney", "gpt-image")) else "png"


def make_image_jobs(core: Core, acc: Account, user: str, body: dict[str, Any],
                    origin_files: list[dict[str, Any]], credits: int) -> list[MediaJob]:
    now = core.clock.now()
    prompt = str(body.get("prompt") or "")
    model = str(body.get("model", "image-01"))
    aspect = rules.image_aspect(body)
    quantity = rules.image_quantity(body)
    batch_id = core.ids.digits(18)
    outcome, message, post_mod = _outcome(core, prompt)
    w, h = image_size("1:1" if aspect.lower() == "auto" else aspect, _IMAGE_LONG_SIDE)
    jobs = []
    for _ in range(quantity):
        hid = core.ids.hailuo_id(now)
        queued, run = core.duration("image", prompt)
        job = MediaJob(
            kind="image", hailuo_id=hid, composite_id=composite(user, acc.account, "image", hid),
            account=acc.account, user=user, model=model, prompt=prompt,
            request={k: v for k, v in body.items() if k != "account"}, created=now,
            queue_s=queued, run_s=run, queued_code=core.rng.choice(_QUEUED),
            processing_code=core.rng.choice(_PROCESSING), outcome=outcome,
            outcome_message=message, aspect=aspect, width=w, height=h,
            media_name=_image_format(model), cost=credits // max(1, quantity), paid=acc.paid,
            reply_url=body.get("replyUrl") or core.config.default_reply_url,
            reply_ref=body.get("replyRef"), post_moderated=post_mod, batch_id=batch_id,
            origin_files=origin_files, file_id=composite(user, acc.account, "file", hid),
        )
        core.state.jobs[job.composite_id] = job
        jobs.append(job)
    core.dirty = True
    return jobs


_ASPECT_RE = re.compile(r"\b(21:9|16:9|9:16|4:3|3:4|1:1|3:2|2:3|5:4|4:5)\b")
_WANTS = {
    "video": ("video", "clip", "movie", "animation", "animate", "film"),
    "image": ("image", "picture", "photo", "drawing", "illustration", "poster", "portrait"),
    "audio": ("song", "music", "audio", "speech", "voice", "narrat", "sing", "track"),
}
_AGENT_MODEL_NAME = {"nano-banana-2": "banana_2", "nano-banana-pro": "banana_pro"}
#: Prompt words for answers with missing / odd fields (agent.md's model was written from
#: examples, so a client must survive them): no attachments at all; one more attachment of
#: a type the docs do not show (a PDF, type code 9); media whose ``fileUrl`` answers 404.
AGENT_NO_ATTACHMENTS = "sandbox:noattach"
AGENT_ODD_ATTACHMENT = "sandbox:oddattach"
AGENT_DEAD_LINK = "sandbox:deadlink"


def plan_attachments(core: Core, prompt: str, models: list[str]) -> list[dict[str, Any]]:
    """What the agent will hand back: one attachment per kind the prompt asks for and an
    allowed model can make (falls back to the first model's kind)."""
    low = prompt.lower()
    kinds: dict[str, str] = {}
    for model_id in models:
        kinds.setdefault(rules.agent_model_kind(model_id), model_id)
    wanted: list[str] = [k for k in ("video", "image", "audio")
                         if k in kinds and any(w in low for w in _WANTS[k])]
    if not wanted and models:
        wanted = [rules.agent_model_kind(models[0])]
    found = _ASPECT_RE.search(prompt)
    aspect = found.group(1) if found else "16:9"
    slug = re.sub(r"[^a-z0-9]+", "_", low)[:32].strip("_") or "result"
    if AGENT_NO_ATTACHMENTS in low:
        return []
    out: list[dict[str, Any]] = []
    for kind in wanted:
        spec: dict[str, Any] = {"id": f"att_{core.ids.digits(9)}", "kind": kind, "aspect": aspect,
                                "slug": f"{slug}_{kind}", "model": kinds.get(kind, ""),
                                "dead": AGENT_DEAD_LINK in low}
        if kind == "video":
            clip = clip_for(aspect)
            spec.update(width=clip.width, height=clip.height, duration=clip.duration,
                        clip=clip.name)
        elif kind == "image":
            w, h = image_size(aspect, _IMAGE_LONG_SIDE)
            spec.update(width=w, height=h,
                        model_name=_AGENT_MODEL_NAME.get(spec["model"], spec["model"]),
                        resolution="4K" if "4k" in low else "1K")
        out.append(spec)
    if AGENT_ODD_ATTACHMENT in low:
        out.append({"id": f"att_{core.ids.digits(9)}", "kind": "document", "aspect": aspect,
                    "slug": f"{slug}_notes", "model": ""})
    return out


def make_agent_job(core: Core, acc: Account, user: str, request: dict[str, Any]) -> AgentJob:
    now = core.clock.now()
    prompt = str(request.get("prompt", ""))
    queued, run = core.duration("agent", prompt)
    total = queued + run
    if core.faults.hangs(prompt):
        total = 10 * 3600.0  # never answers: ends by the 15-minute rule
    fail = "The assistant could not complete the request" if core.faults.fails(prompt) else None
    attachments = plan_attachments(core, prompt, list(request.get("models", [])))
    kinds = ", ".join(a["kind"] for a in attachments) or "nothing"
    job = AgentJob(
        job_id=core.ids.agent_job_id(user, acc.account), account=acc.account, user=user,
        created=now, run_s=total, request=request, fail_message=fail,
        attachments=attachments, project_id=core.ids.digits(9),
        section_id=core.ids.digits(9), chat_id=core.ids.digits(9),
        msg_content=f"Done! I generated the requested {kinds} for: {prompt[:200]}",
    )
    core.state.agent_jobs[job.job_id] = job
    core.dirty = True
    return job
