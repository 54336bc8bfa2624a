"""The one download-URL rule for an agent attachment (agent.md's "Download guidance"),
on the docs' own example answer; the engine plans its downloads by the same rule."""

from __future__ import annotations

import copy
from typing import Any

from minimax_studio.api.models import AgentJob
from minimax_studio.core.engine.kinds import ops_for
from minimax_studio.core.engine_config import EngineConfig
from minimax_studio.core.jobs import JobKind

# agent.md, GET agent/{jobId}, "completed" example (verbatim).
DOCS_EXAMPLE: dict[str, Any] = {
    "jobId": "p123456789-u12345-a67890-bot:minimax",
    "status": "completed",
    "created": "2025-11-23T12:34:56.789Z",
    "request": {"prompt": "Generate a video of a cat playing piano", "models": ["hailuo-2.3", "nano-banana-2"]},
    "response": {
        "projectID": "123456789", "sectionID": "987654321", "chatID": "456789123",
        "msg_content": "I've generated a video of a cat playing piano and an image variation.",
        "timestamp": 1732366496789, "elapsedTime": "02:15",
        "attachments": [
            {"attachmentID": "att_123456789", "type": 1, "status": 3,
             "file": {"fileName": "cat_piano_video.mp4", "fileUrl": "https://cdn.hailuoai.video/...mp4",
                      "type": "video/mp4",
                      "extra": {"width": "1280", "height": "720", "duration": "5.0", "fps": "24",
                                "no_watermark_url": "https://cdn.hailuoai.video/.../no_watermark.mp4",
                                "watermark_url": "https://cdn.hailuoai.video/.../watermark.mp4",
                                "thumbnail_url": "https://cdn.hailuoai.video/.../thumb.jpg"}}},
            {"attachmentID": "att_987654321", "type": 2, "status": 3,
             "file": {"fileName": "cat_piano_image.png", "fileUrl": "https://cdn.hailuoai.video/...png",
                      "type": "image/png",
                      "extra": {"model_name": "banana_2", "model_aspect_ratio": "16:9",
                                "model_resolution": "1K"}}},
        ],
    },
}


def test_the_clean_file_first_then_the_primary_url() -> None:
    video, image = AgentJob.model_validate(DOCS_EXAMPLE).attachments
    assert video.best_url == "https://cdn.hailuoai.video/.../no_watermark.mp4"
    assert video.url(prefer_clean=False) == "https://cdn.hailuoai.video/...mp4"
    assert image.best_url == image.url(prefer_clean=False) == "https://cdn.hailuoai.video/...png"


def test_the_nodes_documented_alternatives_when_file_has_no_link() -> None:
    data = copy.deepcopy(DOCS_EXAMPLE)
    att = data["response"]["attachments"][0]
    att["file"] = {"fileName": "v.mp4", "type": "video/mp4"}
    att["node"] = {"nodeID": "n1", "agentFile": {"id": "f", "name": "v.mp4", "url": "https://c/wm.mp4",
                                                 "noWatermarkUrl": "https://c/clean.mp4"}}
    (video, _) = AgentJob.model_validate(data).attachments
    assert video.best_url == "https://c/clean.mp4"
    assert video.url(prefer_clean=False) == "https://c/wm.mp4"


def test_the_engine_plans_downloads_by_the_same_rule() -> None:
    item = AgentJob.model_validate(DOCS_EXAMPLE)
    ops = ops_for(JobKind.AGENT)
    rid = "p123456789-u12345-a67890-bot:minimax"
    clean = ops.plan(rid, item, EngineConfig(prefer_no_watermark=True))
    marked = ops.plan(rid, item, EngineConfig(prefer_no_watermark=False))
    for plan, prefer in ((clean, True), (marked, False)):
        assert [(k, d["url"], d["kind"]) for k, d in plan.items()] == [
            (f"{rid}#{a.attachmentID}", a.url(prefer_clean=prefer), a.kind) for a in item.attachments]
    assert clean[f"{rid}#att_123456789"]["url"].endswith("no_watermark.mp4")
    assert marked[f"{rid}#att_123456789"]["url"].endswith("...mp4")
