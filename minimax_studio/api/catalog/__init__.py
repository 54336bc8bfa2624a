"""The model catalog: every video, image and agent model the useapi.net MiniMax API
offers, what each accepts, how a request is checked and what it costs.

The single source for the forms, request validation, the cost estimate, the batch
command and the sandbox emulator. Pure data and functions, standard library only (the
sandbox imports it). Modules: ``videos`` / ``images`` / ``agent`` (the data),
``validation`` (Problems with a request body), ``costs`` (credits).

``catalog.SEEDANCE_END_FRAME_ALLOWED`` reads and writes the flag in ``videos`` (see there
why it exists), so ``catalog.SEEDANCE_END_FRAME_ALLOWED = False`` or pytest's
``monkeypatch.setattr(catalog, ...)`` changes every form, check and the sandbox at once.
"""

from __future__ import annotations

import sys
import types
from typing import Any

from . import videos as _videos
from .agent import AGENT_MODELS, CAPTURED_AGENT_MODELS, AgentModel
from .costs import (
    NOT_PUBLISHED,
    PUBLISHED_PRICES,
    UNPUBLISHED_PRICES,
    Cost,
    image_cost,
    price_overrides,
    set_price_overrides,
    unpublished_price_keys,
    video_cost,
)
from .image_validation import validate_image_request
from .images import (
    DEFAULT_IMAGE_MODEL,
    IMAGE_MODELS,
    MAX_QUANTITY,
    ImageModel,
    default_image_request,
)
from .specs import Problem, SlotSpec
from .validation import (
    CLIP_SECONDS,
    CLIPS_TOTAL_SECONDS,
    MAX_REPLY_LENGTH,
    check_media_duration,
    check_reference_dimensions,
    coerce_form_values,
    find_mentions,
    validate_video_request,
)
from .videos import (
    CAMERA_MOVES,
    MAX_MOVES_PER_GROUP,
    VIDEO_MODELS,
    VideoModel,
    combine_camera_moves,
    default_video_model,
    default_video_request,
)

__all__ = [
    "AGENT_MODELS", "CAMERA_MOVES", "CAPTURED_AGENT_MODELS", "CLIPS_TOTAL_SECONDS",
    "CLIP_SECONDS", "DEFAULT_IMAGE_MODEL", "IMAGE_MODELS", "MAX_MOVES_PER_GROUP",
    "MAX_QUANTITY", "MAX_REPLY_LENGTH", "NOT_PUBLISHED", "PUBLISHED_PRICES",
    "SEEDANCE_END_FRAME_ALLOWED", "UNPUBLISHED_PRICES", "VIDEO_MODELS", "AgentModel", "Cost",
    "ImageModel", "Problem", "SlotSpec", "VideoModel", "check_media_duration",
    "check_reference_dimensions", "coerce_form_values", "combine_camera_moves",
    "default_image_request", "default_video_model", "default_video_request", "find_mentions",
    "image_cost", "price_overrides", "set_price_overrides", "unpublished_price_keys",
    "validate_image_request", "validate_video_request", "video_cost",
]

_FORWARDED = "SEEDANCE_END_FRAME_ALLOWED"
SEEDANCE_END_FRAME_ALLOWED: bool


def __getattr__(name: str) -> Any:
    if name == _FORWARDED:
        return _videos.SEEDANCE_END_FRAME_ALLOWED
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class _CatalogModule(types.ModuleType):
    """Writes to the flag land in ``videos``, where the models read it."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name == _FORWARDED:
            _videos.SEEDANCE_END_FRAME_ALLOWED = bool(value)
            return
        super().__setattr__(name, value)

    def __delattr__(self, name: str) -> None:
        if name != _FORWARDED:
            super().__delattr__(name)


sys.modules[__name__].__class__ = _CatalogModule
