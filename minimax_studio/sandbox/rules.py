"""The sandbox's view of the model catalog: defaults, validation and prices.

All rules live in ``minimax_studio.api.catalog`` (one source of truth for the app and the
emulator); this module only applies the emulator-side defaults the spec leaves open
(first listed ``options`` value, first aspect ratio / resolution) and turns a price
range into the credits actually charged."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from minimax_studio.api import catalog

VIDEO_FILE_FIELDS = ("fileID", "end_frame_fileID", *(f"fileID{n}" for n in range(2, 15)),
                     *(f"videoFileID{n}" for n in range(1, 4)),
                     *(f"audioFileID{n}" for n in range(1, 4)))
IMAGE_FILE_FIELDS = ("characterFileId", *(f"referenceFileId{n}" for n in range(1, 17)))
MIDJOURNEY_QUANTITY = 4


def coerce(body: Mapping[str, Any]) -> dict[str, Any]:
    """Multipart values arrive as strings; make them what a JSON client would send."""
    return dict(catalog.coerce_form_values(dict(body)))


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def video_defaults(body: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in body.items() if not _blank(v)}
    if "model" not in out:
        out["model"] = "I2V-01" if out.get("fileID") else "T2V-01"
    model = catalog.VIDEO_MODELS.get(str(out["model"]))
    if model is not None:
        options = tuple(getattr(model, "options", ()) or ())
        if options and "options" not in out:
            # Default options are not captured; the first listed value (emulator-notes).
            out["options"] = options[0]
    return out


def image_defaults(body: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in body.items() if not _blank(v)}
    out.setdefault("model", "image-01")
    return out


def video_aspect(body: Mapping[str, Any]) -> str:
    model = catalog.VIDEO_MODELS.get(str(body.get("model")))
    ratios = tuple(getattr(model, "aspect_ratios", ()) or ()) if model else ()
    if not ratios:
        return "16:9"
    default = getattr(model, "default_aspect_ratio", None) or ratios[0]
    return str(body.get("aspectRatio") or default)


def image_aspect(body: Mapping[str, Any]) -> str:
    model = catalog.IMAGE_MODELS.get(str(body.get("model")))
    default = (getattr(model, "default_aspect_ratio", None) if model else None) or "1:1"
    return str(body.get("aspectRatio") or default)


def image_quantity(body: Mapping[str, Any]) -> int:
    model = catalog.IMAGE_MODELS.get(str(body.get("model")))
    fixed = getattr(model, "fixed_quantity", None) if model else None
    if fixed:
        return int(fixed)
    try:
        return int(body.get("quantity", 1))
    except (TypeError, ValueError):
        return 1


def problems_text(problems: list[Any]) -> str | None:
    if not problems:
        return None
    return " ".join(str(getattr(p, "message", p)) for p in problems)


def validate_video(body: Mapping[str, Any]) -> str | None:
    return problems_text(list(catalog.validate_video_request(body)))


def validate_image(body: Mapping[str, Any]) -> str | None:
    return problems_text(list(catalog.validate_image_request(body)))


def _charge(cost: Any) -> int:
    # Ranges ("25-80 credits, exact price not published") are charged at their low end.
    lo = getattr(cost, "min_credits", None)
    hi = getattr(cost, "max_credits", None)
    value = lo if lo is not None else hi
    return int(value or 0)


def video_credits(body: Mapping[str, Any]) -> int:
    return _charge(catalog.video_cost(body))


def image_credits(body: Mapping[str, Any]) -> int:
    """Total for the request (the catalog multiplies by quantity)."""
    return _charge(catalog.image_cost(body))


def video_models() -> list[str]:
    return list(catalog.VIDEO_MODELS)


def image_models() -> list[str]:
    return list(catalog.IMAGE_MODELS)


def agent_model_kind(model_id: str) -> str:
    """"video" / "image" / "audio" for an agent model id (catalog first, then by name)."""
    models = getattr(catalog, "AGENT_MODELS", {})
    model = models.get(model_id)
    kind = getattr(model, "kind", None) if model is not None else None
    if kind in ("video", "image", "audio"):
        return str(kind)
    low = model_id.lower()
    if any(w in low for w in ("hailuo", "veo", "sora", "seedance", "video")):
        return "video"
    if any(w in low for w in ("speech", "music", "audio", "tts", "song")):
        return "audio"
    return "image"
