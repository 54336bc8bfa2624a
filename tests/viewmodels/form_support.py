"""Helpers shared by the form tests: a full request for any model (every field set to a
non-default choice, every slot filled with a real file of the right kind)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from minimax_studio.api import catalog
from tests import media_files as mf


def file_for(spec: Any, model_id: str, tmp_path: Path, n: int) -> Path:
    kinds = spec.kinds
    if "image" in kinds:
        w, h = (1280, 720) if model_id.startswith("Sora") else (640 + n, 360)
        return mf.png(tmp_path / f"{spec.field}.png", w, h, color=f"#{(n * 37) % 256:02x}4488")
    if "video" in kinds:
        return mf.mp4(tmp_path / f"{spec.field}.mp4", seconds=3)
    return mf.wav(tmp_path / f"{spec.field}.wav", 2.5)


def full_video_request(model_id: str, tmp_path: Path, *, all_slots: bool = True) -> dict[str, Any]:
    m = catalog.VIDEO_MODELS[model_id]
    req: dict[str, Any] = {"model": model_id, "prompt": f"A lighthouse at dusk ({model_id})",
                           "promptOptimization": False}
    if m.options:
        req["options"] = list(m.options)[-1]
    if m.resolutions:
        req["resolution"] = next(iter(m.resolutions))
    if m.durations:
        req["duration"] = list(m.durations)[-2]
    if m.aspect_ratios:
        req["aspectRatio"] = list(m.aspect_ratios)[-1]
    total_clip_seconds = 0.0
    for n, spec in enumerate(m.slots()):
        if not all_slots and n > 0:
            break
        if spec.field == "end_frame_fileID" and any(k in req for k in ("videoFileID1", "audioFileID1")):
            continue
        if not spec.kinds & {"image"}:
            if total_clip_seconds + 3 > 15:  # Seedance: clips together ≤ 15 s
                continue
            total_clip_seconds += 3
        req[spec.field] = str(file_for(spec, model_id, tmp_path, n))
    problems = catalog.validate_video_request(req)
    # Some slot combinations are mutually exclusive (end frame vs video/audio refs): drop the
    # slots the catalog refuses so the request is one a user could really send.
    for p in problems:
        if p.field in req and p.field not in ("model", "prompt"):
            req.pop(p.field)
    return req


def full_image_request(model_id: str, tmp_path: Path, *, refs: int | None = None) -> dict[str, Any]:
    m = catalog.IMAGE_MODELS[model_id]
    req: dict[str, Any] = {"model": model_id, "prompt": f"A red fox in snow ({model_id})",
                           "promptOptimization": False}
    if m.aspect_ratios:
        req["aspectRatio"] = list(m.aspect_ratios)[-1]
    if m.resolutions:
        req["resolution"] = list(m.resolutions)[-1]
    if m.quality_levels:
        req["quality"] = list(m.quality_levels)[-1]
    if not m.fixed_quantity:
        req["quantity"] = 3
    for n, spec in enumerate(m.slots()):
        if refs is not None and n >= refs:
            break
        req[spec.field] = str(file_for(spec, model_id, tmp_path, n))
    return req
