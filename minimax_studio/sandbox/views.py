"""JSON shapes the API returns, built from state + clock (field names exactly as in
videos.md, images.md, agent.md, scheduler.md, accounts.md)."""

from __future__ import annotations

from typing import Any

from minimax_studio.api.models import MediaStatus

from . import jwt as hjwt
from .clock import iso, mmss
from .core import Core
from .lifecycle import (
    MODERATED,
    agent_error,
    agent_final_at,
    agent_status,
    progress,
)
from .state import Account, AgentJob, MediaJob


def account_json(acc: Account) -> dict[str, Any]:
    out: dict[str, Any] = {
        "account": acc.account,
        "jwt": {
            "token": hjwt.mask(acc.jwt_token),
            "user": acc.user,
            "exp": acc.exp,
            "iat": acc.iat,
            "host": acc.host,
            "searchParams": acc.search_params,
            "iat_Issued": iso(acc.iat),
            "exp_Expire": iso(acc.exp),
        },
        "maxJobs": acc.max_jobs,
        "supportVideo": acc.support_video,
        "supportChat": False,
        "supportAudio": False,
        "supportMusic": False,
    }
    if acc.error:
        out["error"] = acc.error
    return out


def video_json(core: Core, job: MediaJob, *, in_list: bool = False) -> dict[str, Any]:
    p = progress(job, core.clock.now())
    out: dict[str, Any] = {
        "id": job.hailuo_id,
        "desc": job.prompt,
        "coverURL": "",
        "videoURL": "",
        "status": p.status,
        "statusLabel": p.label,
        "statusFinal": p.final,
        "message": p.message,
        "percent": p.percent,
        "width": 0,
        "height": 0,
        "originFiles": job.origin_files,
        "canAppeal": p.status in MODERATED,
        "canRetry": p.status == MediaStatus.FAILED,
        "modelID": job.model,
        "createTime": int(job.created * 1000),
        "videoId": job.composite_id,
    }
    if p.status == MediaStatus.COMPLETED:
        out["coverURL"] = core.cdn_url(f"cover/{job.hailuo_id}.jpg")
        out["videoURL"] = core.cdn_url(f"video/{job.hailuo_id}.mp4")
        if job.paid:
            out["downloadURL"] = core.cdn_url(f"video/{job.hailuo_id}_nowm.mp4")
        out["width"], out["height"] = job.width, job.height
    if in_list:
        out.pop("percent")  # videos.md: list items carry no percent
    return out


def image_json(core: Core, job: MediaJob) -> dict[str, Any]:
    p = progress(job, core.clock.now())
    done = p.status == MediaStatus.COMPLETED
    url = core.cdn_url(f"image/{job.hailuo_id}.{job.media_name}") if done else ""
    tags = [{"type": "normal", "tagIcon": "", "tagText": job.model}]
    if job.request.get("promptOptimization", True):
        tags.append({"type": "normal", "tagIcon": "", "tagText": "Enable Optimization"})
    return {
        "id": job.hailuo_id,
        "desc": job.prompt,
        "coverURL": core.cdn_url(f"cover/{job.hailuo_id}.jpg") if done else "",
        "videoURL": url,
        "status": p.status,
        "message": p.message,
        "percent": p.percent,
        "canRetry": p.status == MediaStatus.FAILED,
        "width": job.width if done else 0,
        "height": job.height if done else 0,
        "originFiles": job.origin_files,
        "canAppeal": p.status in MODERATED,
        "downloadURL": url if job.paid else "",
        "hasVoice": False,
        "modelID": job.model,
        "useOriginPrompt": False,
        "isBookmarked": False,
        "disableGenerateSimilar": False,
        "createTime": int(job.created * 1000),
        "postStatus": 0,
        "userID": int(job.account) if job.account.isdigit() else 0,
        "createType": 4,
        "promptImgURL": "",
        "extra": {"cameraMotions": [], "promptStruct": ""},
        "isVisitor": False,
        "videoURLs": {"feedURL": "", "downloadURLWithWatermark": url},
        "priority": 0,
        "generatorType": 1,
        "isInFolder": False,
        "batchID": job.batch_id,
        "aspectRatio": job.aspect,
        "fileID": job.file_id,
        "tags": tags,
        "duration": 0,
        "resolution": 0,
        "humanCheckStatus": 0,
        "userIDStr": job.account,
        "statusLabel": p.label,
        "statusFinal": p.final,
        "imageId": job.composite_id,
    }


def job_json(core: Core, job: MediaJob, *, in_list: bool = False) -> dict[str, Any]:
    return video_json(core, job, in_list=in_list) if job.kind == "video" else image_json(core, job)


def scheduler_entry(core: Core, job: MediaJob) -> dict[str, Any]:
    key = "videoId" if job.kind == "video" else "imageId"
    out: dict[str, Any] = {key: job.composite_id, "started": iso(job.created),
                           "elapsed": mmss(core.clock.now() - job.created)}
    if job.reply_url:
        out["replyUrl"] = job.reply_url
    if job.reply_ref:
        out["replyRef"] = job.reply_ref
    return out


def attachment_json(core: Core, job: AgentJob, spec: dict[str, Any]) -> dict[str, Any]:
    att_id = spec["id"]
    kind = spec["kind"]
    if kind == "video":
        base = f"agent/{att_id}"
        file: dict[str, Any] = {
            "fileName": f"{spec['slug']}.mp4",
            "fileUrl": core.cdn_url(f"{base}_wm.mp4"),
            "type": "video/mp4",
            "extra": {
                "width": str(spec["width"]), "height": str(spec["height"]),
                "duration": f"{spec['duration']:.1f}", "fps": "12",
                "no_watermark_url": core.cdn_url(f"{base}.mp4"),
                "watermark_url": core.cdn_url(f"{base}_wm.mp4"),
                "thumbnail_url": core.cdn_url(f"{base}_thumb.jpg"),
            },
            "posterUrl": core.cdn_url(f"{base}_thumb.jpg"),
        }
        type_code = 1
    elif kind == "image":
        file = {
            "fileName": f"{spec['slug']}.png",
            "fileUrl": core.cdn_url(f"agent/{att_id}.png"),
            "type": "image/png",
            "extra": {"model_name": spec["model_name"], "model_aspect_ratio": spec["aspect"],
                      "model_resolution": spec.get("resolution", "1K")},
        }
        type_code = 2
    elif kind == "document":
        # sandbox:oddattach — a type the docs never show; served as 404 (nothing to fetch).
        file = {"fileName": f"{spec['slug']}.pdf", "fileUrl": core.cdn_url(f"agent/{att_id}.pdf"),
                "type": "application/pdf", "extra": {}}
        type_code = 9
    else:
        file = {
            "fileName": f"{spec['slug']}.mp3",
            "fileUrl": core.cdn_url(f"agent/{att_id}.mp3"),
            "type": "audio/mpeg",
            # The audio attachment type code is not captured; 3 is our guess.
            "extra": {"format": "mp3", "type": "music", "duration": "3.0"},
        }
        type_code = 3
    if spec.get("dead"):
        # sandbox:deadlink — every URL of this attachment answers 404 (expired CDN link).
        for key in ("fileUrl",):
            file[key] = core.cdn_url(f"agent/gone_{att_id}.bin")
        extra = file.get("extra") or {}
        for key in ("no_watermark_url", "watermark_url"):
            if key in extra:
                extra[key] = core.cdn_url(f"agent/gone_{att_id}.bin")
    return {"attachmentID": att_id, "type": type_code, "status": 3, "file": file}


def agent_json(core: Core, job: AgentJob) -> dict[str, Any]:
    now = core.clock.now()
    status = agent_status(job, now)
    out: dict[str, Any] = {"jobId": job.job_id, "status": status,
                           "created": iso(job.created), "request": job.request}
    if status == "completed":
        out["response"] = {
            "projectID": job.project_id,
            "sectionID": job.section_id,
            "chatID": job.chat_id,
            "msg_content": job.msg_content,
            "timestamp": int(agent_final_at(job) * 1000),
            "elapsedTime": mmss(agent_final_at(job) - job.created),
            "attachments": [attachment_json(core, job, s) for s in job.attachments],
        }
    elif status == "failed":
        err = agent_error(job)
        out["error"] = err
        out["code"] = err["status"]
    return out
