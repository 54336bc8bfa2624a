"""Checks an images/create body the way the service does (images.md), with the shared
helpers of ``validation`` (the video checks); every problem names the API field.

Every function here takes arbitrary input and returns problems; none raises."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .images import DEFAULT_IMAGE_MODEL, IMAGE_MODELS, MAX_QUANTITY, ImageModel
from .specs import Problem
from .validation import (
    _choices,
    _common,
    _filled,
    _gap_problems,
    _is_int,
    _prompt_problems,
    _show,
    _slot_number,
    _slot_values,
    coerce_form_values,
    find_mentions,
)

_IMAGE_SLOT = re.compile(r"referenceFileId(\d+)", re.ASCII)


def validate_image_request(body: Mapping[str, Any]) -> list[Problem]:
    """Problems with an images/create body (empty list = the service should accept it)."""
    if not isinstance(body, Mapping):
        return [Problem("body", "The request body must be a set of named fields.")]
    b = coerce_form_values(body)
    problems = _common(b, max_jobs=False)
    model_id = b.get("model") if _filled(b.get("model")) else DEFAULT_IMAGE_MODEL
    if not isinstance(model_id, str):
        return [Problem("model", f"model must be a model name; got {_show(model_id)}."),
                *problems]
    m = IMAGE_MODELS.get(model_id)
    if m is None:
        near = [k for k in IMAGE_MODELS if k.lower() == model_id.strip().lower()]
        hint = (f" Model names are case-sensitive: did you mean '{near[0]}'?" if near
                else " Choose one of " + _choices(tuple(IMAGE_MODELS)) + ".")
        return [Problem("model", f"model '{model_id}' is not an image model.{hint}"), *problems]

    prompt_problems, prompt = _prompt_problems(
        b.get("prompt"), limit=m.prompt_max, model_id=m.id, required=True,
        why_required="for every image")
    problems = prompt_problems + problems
    problems += _image_choice_problems(m, b)
    refs, slot_problems = _slot_values(b, _IMAGE_SLOT)
    problems += slot_problems
    problems += _image_slot_problems(m, b, refs)
    if prompt is not None:
        problems += _image_mention_problems(m, prompt, refs)
    return problems


def _image_choice_problems(m: ImageModel, b: Mapping[str, Any]) -> list[Problem]:
    out: list[Problem] = []
    ratio = b.get("aspectRatio")
    if _filled(ratio) and ratio not in m.aspect_ratios:
        out.append(Problem("aspectRatio", f"aspectRatio {_show(ratio)} is not offered by {m.id}; "
                                          f"choose {_choices(m.aspect_ratios)}."))
    resolution = b.get("resolution")
    if _filled(resolution):
        if not m.resolutions:
            out.append(Problem("resolution", f"resolution is not accepted by {m.id}."))
        elif resolution not in m.resolutions:
            out.append(Problem("resolution", f"resolution {_show(resolution)} is not offered by "
                                             f"{m.id}; choose {_choices(m.resolutions)}."))
    quality = b.get("quality")
    if _filled(quality):
        if not m.quality_levels:
            out.append(Problem("quality", f"quality is only for gpt-image-2; {m.id} does not "
                                          "accept it."))
        elif quality not in m.quality_levels:
            out.append(Problem("quality", f"quality {_show(quality)} is not offered; choose "
                                          f"{_choices(m.quality_levels)}."))
    quantity: Any = b.get("quantity")
    # Midjourney always makes 4 images; a quantity sent to it is still range-checked but
    # otherwise ignored (accepted, not refused): the docs say the models "always produce
    # 4", not that the field is rejected, and refusing would break reusing a request.
    if _filled(quantity) and not (_is_int(quantity) and 1 <= quantity <= MAX_QUANTITY):
        out.append(Problem("quantity", f"quantity must be a whole number from 1 to "
                                       f"{MAX_QUANTITY}; got {_show(quantity)}."))
    return out


def _image_slot_problems(m: ImageModel, b: Mapping[str, Any], refs: Mapping[str, str]) -> list[Problem]:
    out: list[Problem] = []
    character = b.get("characterFileId")
    if _filled(character):
        if not isinstance(character, str):
            out.append(Problem("characterFileId",
                               "characterFileId must be a file id or a file path (text)."))
        elif not m.character_reference:
            out.append(Problem("characterFileId", f"characterFileId is only for image-01; "
                                                  f"{m.id} takes referenceFileId1 … instead."))
    fields = [f"referenceFileId{n}" for n in range(1, m.max_references + 1)]
    for field in refs:
        if field in fields:
            continue
        n = _slot_number(field[len("referenceFileId"):])
        if not m.max_references:
            out.append(Problem(field, f"{field}: {m.id} takes no reference images"
                                      + (" (use characterFileId)." if m.character_reference
                                         else ".")))
        elif n == 0 or n > 16:
            out.append(Problem(field, f"{field} is not a field the API knows; reference slots "
                                      "run referenceFileId1 … referenceFileId16."))
        else:
            out.append(Problem(field, f"{field}: {m.id} takes at most {m.max_references} "
                                      f"reference images."))
    out += _gap_problems(fields, refs, "reference")
    return out


def _image_mention_problems(m: ImageModel, prompt: str, refs: Mapping[str, str]) -> list[Problem]:
    # Only @ImageN is a mention on images/create; @Video/@Audio there are plain text.
    mentions = [x for x in find_mentions(prompt) if x[0] == "image"]
    if not mentions:
        return []
    if not m.mentions:
        return [Problem("prompt", f"The prompt mentions {mentions[0][2]}, but {m.id} does not "
                                  "understand @Image mentions; describe the reference in words.")]
    count = sum(1 for f in refs if f in {f"referenceFileId{n}" for n in range(1, 17)})
    for _kind, n, written in mentions:
        if n == 0 or f"referenceFileId{n}" not in refs:
            return [Problem("prompt", f"The prompt mentions {written}, but {count or 'no'} reference "
                                      f"image{'' if count == 1 else 's'} "
                                      f"{'is' if count == 1 else 'are'} attached"
                                      f"{'' if n == 0 else f' (referenceFileId{n} is empty)'}.")]
    return []
