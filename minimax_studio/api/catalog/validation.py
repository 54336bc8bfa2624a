"""Checks a videos/create or images/create body the way the service does (emulator-notes
§5-§6, images.md) and says what is wrong in sentences that name the API field.

Every function here takes arbitrary input and returns problems; none raises. Bodies use
the API's own field names; file-slot values are any non-empty strings (file ids or local
paths — the app uploads later). Rules the docs only imply are marked *inferred*."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from . import videos
from .specs import Problem
from .videos import CAMERA_MOVES, MAX_MOVES_PER_GROUP, VIDEO_MODELS, VideoModel

MAX_REPLY_LENGTH = 1024
MAX_JOBS_RANGE = (1, 10)
#: Seedance video/audio references: each clip, and all clips together (seconds).
CLIP_SECONDS = (2.0, 15.0)
CLIPS_TOTAL_SECONDS = 15.0
#: Exact first-frame sizes Sora-2 accepts (videos.md).
SORA_FRAME_SIZES = ((1280, 720), (720, 1280))

_BOOL_FIELDS = ("promptOptimization", "async")
_INT_FIELDS = ("duration", "maxJobs", "quantity")
_TRUE = ("true", "1", "yes", "on")
_FALSE = ("false", "0", "no", "off")

# "@Image2", "@image002", "@VIDEO1" — not when glued to a word (an e-mail address).
_MENTION = re.compile(r"(?<![\w@])@(image|video|audio)(\d+)", re.IGNORECASE | re.ASCII)
_BRACKETS = re.compile(r"\[([^\[\]]*)\]")
_MOVE_NAMES = {m.strip("[]").lower() for m in CAMERA_MOVES}
_VIDEO_SLOT = re.compile(r"(fileID|videoFileID|audioFileID)(\d*)", re.ASCII)
# int() refuses strings over 4 300 digits with a bare ValueError (a traceback in a sheet
# check, a 500 in the sandbox): longer numbers than any the API has stay text / "too big".
_MAX_DIGITS = 9


# --- multipart coercion --------------------------------------------------------------

def coerce_form_values(body: Mapping[str, Any]) -> dict[str, Any]:
    """Multipart values are all strings; turn the booleans and numbers into what a JSON
    client would have sent, as the API does. Values that do not parse are left alone so
    validation can name them."""
    out = dict(body)
    for key in _BOOL_FIELDS:
        value = out.get(key)
        if isinstance(value, str):
            low = value.strip().lower()
            if low in _TRUE:
                out[key] = True
            elif low in _FALSE:
                out[key] = False
    for key in _INT_FIELDS:
        value = out.get(key)
        number = re.fullmatch(r"\s*([+-]?)(\d+)\s*", value, re.ASCII) \
            if isinstance(value, str) else None
        if number and _slot_number(number.group(2)) < 10 ** _MAX_DIGITS:
            out[key] = _slot_number(number.group(2)) * (-1 if number.group(1) == "-" else 1)
        elif isinstance(value, float) and value.is_integer():
            out[key] = int(value)
    return out


def _slot_number(digits: str) -> int:
    """A number written in ASCII digits (zero padding allowed); an absurdly long one is
    simply "too big" (10**_MAX_DIGITS)."""
    digits = digits.lstrip("0") or "0"
    return int(digits) if len(digits) <= _MAX_DIGITS else 10 ** _MAX_DIGITS


# --- small helpers --------------------------------------------------------------------

def _filled(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _choices(values: tuple[Any, ...]) -> str:
    items = [str(v) for v in values]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def _show(value: Any, limit: int = 40) -> str:
    text = repr(value) if not isinstance(value, str) else f"'{value}'"
    return text if len(text) <= limit else text[: limit - 1] + "…'"


def _common(b: Mapping[str, Any], *, max_jobs: bool) -> list[Problem]:
    out: list[Problem] = []
    if "promptOptimization" in b and _filled(b["promptOptimization"]) \
            and not isinstance(b["promptOptimization"], bool):
        out.append(Problem("promptOptimization",
                           "promptOptimization must be true or false."))
    for key in ("replyUrl", "replyRef"):
        value = b.get(key)
        if not _filled(value):
            continue
        if not isinstance(value, str):
            out.append(Problem(key, f"{key} must be text."))
        elif len(value) > MAX_REPLY_LENGTH:
            out.append(Problem(key, f"{key} is {len(value):,} characters long; the API "
                                    f"accepts at most {MAX_REPLY_LENGTH:,}."))
    if "account" in b and _filled(b["account"]) and not isinstance(b["account"], str):
        out.append(Problem("account", "account must be an account id (text)."))
    if max_jobs and _filled(b.get("maxJobs")):
        value = b["maxJobs"]
        lo, hi = MAX_JOBS_RANGE
        if not _is_int(value) or not lo <= value <= hi:
            out.append(Problem("maxJobs", f"maxJobs must be a whole number from {lo} to {hi}; "
                                          f"got {_show(value)}."))
    return out


def find_mentions(prompt: str) -> list[tuple[str, int, str]]:
    """[(kind, n, as written)] for every @ImageN / @VideoN / @AudioN in the prompt;
    case-insensitive and tolerant of zero padding (@ImAgE001 is @Image1)."""
    return [(m.group(1).lower(), _slot_number(m.group(2)), m.group(0))
            for m in _MENTION.finditer(prompt)]


def _prompt_problems(prompt: Any, *, limit: int, model_id: str, required: bool,
                     why_required: str) -> tuple[list[Problem], str | None]:
    """Type, presence and length; returns the prompt text when it is usable."""
    if not _filled(prompt):
        if required:
            return [Problem("prompt", f"A prompt is required {why_required}.")], None
        return [], None
    if not isinstance(prompt, str):
        return [Problem("prompt", "prompt must be text.")], None
    if len(prompt) > limit:
        return [Problem("prompt", f"The prompt is {len(prompt):,} characters long; {model_id} "
                                  f"accepts at most {limit:,}. Shorten it.")], prompt
    return [], prompt


def _slot_values(b: Mapping[str, Any], pattern: re.Pattern[str]) -> tuple[dict[str, Any], list[Problem]]:
    """The filled slot fields matching pattern, and problems for non-text values."""
    found: dict[str, Any] = {}
    problems: list[Problem] = []
    for key, value in b.items():
        if not isinstance(key, str) or not pattern.fullmatch(key) or not _filled(value):
            continue
        if not isinstance(value, str):
            problems.append(Problem(key, f"{key} must be a file id or a file path (text)."))
            continue
        found[key] = value
    return found, problems


def _gap_problems(fields: list[str], filled: Mapping[str, Any], noun: str) -> list[Problem]:
    """Slots must be filled in order with no gaps (documented for fileIDn and
    referenceFileIdN; for video/audio slots inferred, so @Video2 always means slot 2)."""
    out: list[Problem] = []
    for i, field in enumerate(fields):
        if field in filled:
            continue
        later = [f for f in fields[i + 1:] if f in filled]
        if later:
            out.append(Problem(later[0], f"{later[0]} is set but {field} is empty; fill the "
                                         f"{noun} slots in order with no gaps."))
        break
    return out


def _camera_problems(prompt: str) -> list[Problem]:
    out: list[Problem] = []
    for group in _BRACKETS.findall(prompt):
        parts = [p.strip().lower() for p in group.split(",") if p.strip()]
        if len(parts) > MAX_MOVES_PER_GROUP and all(p in _MOVE_NAMES for p in parts):
            out.append(Problem("prompt", f"The prompt's camera command [{group}] combines "
                                         f"{len(parts)} moves; at most {MAX_MOVES_PER_GROUP} "
                                         f"can share one bracket."))
    return out


# --- videos ---------------------------------------------------------------------------

def validate_video_request(body: Mapping[str, Any]) -> list[Problem]:
    """Problems with a videos/create body (empty list = the service should accept it)."""
    if not isinstance(body, Mapping):
        return [Problem("body", "The request body must be a set of named fields.")]
    b = coerce_form_values(body)
    problems = _common(b, max_jobs=True)
    model_id = b.get("model")
    if not _filled(model_id):
        model_id = videos.default_video_model(b)
    if not isinstance(model_id, str):
        return [Problem("model", f"model must be a model name; got {_show(model_id)}."),
                *problems]
    m = VIDEO_MODELS.get(model_id)
    if m is None:
        near = [k for k in VIDEO_MODELS if k.lower() == model_id.strip().lower()]
        hint = (f" Model names are case-sensitive: did you mean '{near[0]}'?" if near
                else " Choose one of " + _choices(tuple(VIDEO_MODELS)) + ".")
        return [Problem("model", f"model '{model_id}' is not a video model.{hint}"), *problems]

    slots, slot_type_problems = _slot_values(b, _VIDEO_SLOT)
    end_frame = b.get("end_frame_fileID")
    has_end = _filled(end_frame)
    if has_end and not isinstance(end_frame, str):
        slot_type_problems.append(Problem("end_frame_fileID",
                                          "end_frame_fileID must be a file id or a file path (text)."))
        has_end = False
    has_first = "fileID" in slots

    prompt_problems, prompt = _prompt_problems(
        b.get("prompt"), limit=m.prompt_max, model_id=m.id,
        required=not has_first and not m.reference_required,
        why_required="when no image (fileID) is given")
    problems = prompt_problems + problems
    problems += _video_choice_problems(m, b)
    problems += slot_type_problems
    problems += _video_slot_problems(m, b, slots, end_frame if has_end else None)
    if prompt is not None:
        problems += _video_mention_problems(m, prompt, slots)
        if m.camera_moves:
            problems += _camera_problems(prompt)
    return problems


def _video_choice_problems(m: VideoModel, b: Mapping[str, Any]) -> list[Problem]:
    out: list[Problem] = []
    options = b.get("options")
    if _filled(options):
        if not m.options:
            other = ("resolution and duration" if m.resolutions
                     else "no choices (fixed 720p, 6 s)")
            out.append(Problem("options", f"options is not accepted by {m.id}, which takes {other}."))
        elif options not in m.options:
            out.append(Problem("options", f"options {_show(options)} is not offered by {m.id}; "
                                          f"choose {_choices(m.options)}."))
    resolution = b.get("resolution")
    if _filled(resolution):
        value = str(resolution) if _is_int(resolution) or isinstance(resolution, str) else None
        if not m.resolutions:
            out.append(Problem("resolution", f"resolution is only for Seedance models; {m.id} "
                                             + ("sets it through options." if m.options
                                                else "has a fixed resolution.")))
        elif value not in m.resolutions:
            out.append(Problem("resolution", f"resolution {_show(resolution)} is not offered by "
                                             f"{m.id}; choose {_choices(m.resolutions)}."))
    duration = b.get("duration")
    if _filled(duration):
        if not m.durations:
            out.append(Problem("duration", f"duration is only for Seedance models; {m.id} "
                                           + ("sets it through options." if m.options
                                              else "has a fixed length.")))
        elif not _is_int(duration) or duration not in m.durations:
            out.append(Problem("duration", f"duration must be a whole number of seconds from "
                                           f"{m.durations[0]} to {m.durations[-1]}; got "
                                           f"{_show(duration)}."))
    ratio = b.get("aspectRatio")
    if _filled(ratio):
        if not m.aspect_ratios:
            out.append(Problem("aspectRatio", f"aspectRatio is not accepted by {m.id}; only Sora, "
                                              f"Veo and Seedance models take it."))
        elif ratio not in m.aspect_ratios:
            out.append(Problem("aspectRatio", f"aspectRatio {_show(ratio)} is not offered by "
                                              f"{m.id}; choose {_choices(m.aspect_ratios)}."))
    return out


def _video_slot_problems(m: VideoModel, b: Mapping[str, Any], slots: Mapping[str, str],
                         end_frame: str | None) -> list[Problem]:
    out: list[Problem] = []
    image_fields = [m.image_field(n) for n in range(1, m.max_image_refs + 1)]
    video_fields = [f"videoFileID{n}" for n in range(1, m.max_video_refs + 1)]
    audio_fields = [f"audioFileID{n}" for n in range(1, m.max_audio_refs + 1)]
    allowed = set(image_fields) | set(video_fields) | set(audio_fields)
    for field in slots:
        if field in allowed:
            continue
        match = _VIDEO_SLOT.fullmatch(field)
        base, num = (match.group(1), match.group(2)) if match else (field, "")
        if num.startswith("0") or (base == "fileID" and (num == "1" or (num and _slot_number(num) > 14))) \
                or (base != "fileID" and not num):
            out.append(Problem(field, f"{field} is not a field the API knows; image slots are "
                                      "fileID, fileID2 … fileID14, video and audio slots "
                                      "videoFileID1-3 and audioFileID1-3."))
        elif base == "fileID" and m.max_image_refs == 0:
            out.append(Problem(field, f"{field}: {m.id} makes video from text only and takes no "
                                      "image; choose an image-to-video model to start from one."))
        elif base == "fileID" and m.max_image_refs == 1:
            out.append(Problem(field, f"{field}: {m.id} takes a single image (fileID) only."))
        elif base == "fileID":
            out.append(Problem(field, f"{field}: {m.id} takes at most {m.max_image_refs} images "
                                      f"(fileID to fileID{m.max_image_refs})."))
        elif not m.max_video_refs and not m.max_audio_refs:
            kind = "video" if base == "videoFileID" else "audio"
            out.append(Problem(field, f"{field}: only Seedance models take {kind} references."))
        else:
            out.append(Problem(field, f"{field}: {m.id} takes at most 3 "
                                      + ("videos." if base == "videoFileID" else "audio clips.")))
    out += _gap_problems(image_fields, slots, "image")
    out += _gap_problems(video_fields, slots, "video")
    out += _gap_problems(audio_fields, slots, "audio")
    if m.reference_required and "fileID" not in slots:
        what = "a subject image" if m.kind == "subject" else "a first-frame image"
        out.append(Problem("fileID", f"{m.id} needs {what} in fileID."))
    if end_frame is not None:
        out += _end_frame_problems(m, b, slots, end_frame)
    return out


def _end_frame_problems(m: VideoModel, b: Mapping[str, Any], slots: Mapping[str, str],
                        end_frame: str) -> list[Problem]:
    field = "end_frame_fileID"
    if not m.supports_end_frame:
        takers = [k + (" (768p/1080p options)" if v.end_frame_options else "")
                  for k, v in VIDEO_MODELS.items() if v.supports_end_frame]
        return [Problem(field, f"{field}: {m.id} cannot take an end frame; "
                               f"{_choices(tuple(takers))} can.")]
    out: list[Problem] = []
    options = b.get("options") if isinstance(b.get("options"), str) else None
    if not m.end_frame_allowed_with(options):
        shown = options or f"{m.default_options} (the default)"
        out.append(Problem(field, f"{field}: {m.id} takes an end frame only with options "
                                  f"{_choices(m.end_frame_options)}, not {shown}."))
    if "fileID" not in slots:
        # Inferred: an end frame closes a first→last frame pair.
        out.append(Problem(field, f"{field} needs a first frame too; set fileID."))
    elif slots["fileID"].strip() == end_frame.strip():
        out.append(Problem(field, f"{field} must be a different file from fileID."))
    clips = [f for f in slots if f.startswith(("videoFileID", "audioFileID"))]
    if clips:
        out.append(Problem(field, f"{field} cannot be combined with video or audio references "
                                  f"({', '.join(sorted(clips))}); remove one or the other."))
    return out


def _video_mention_problems(m: VideoModel, prompt: str, slots: Mapping[str, str]) -> list[Problem]:
    mentions = find_mentions(prompt)
    if not mentions:
        return []
    if not m.mentions:
        # Documented for image models (400); for video models inferred — either way the
        # mention would do nothing, which the user should know before paying.
        written = mentions[0][2]
        return [Problem("prompt", f"The prompt mentions {written}, but {m.id} does not "
                                  "understand @-mentions; describe the reference in words.")]
    out: list[Problem] = []
    seen: set[tuple[str, int]] = set()
    for kind, n, written in mentions:
        if (kind, n) in seen:
            continue
        seen.add((kind, n))
        field = {"image": m.image_field(n) if n else "fileID0", "video": f"videoFileID{n}",
                 "audio": f"audioFileID{n}"}[kind]
        if n == 0 or field not in slots:
            count = sum(1 for f in slots if _slot_kind(f) == kind)
            noun = {"image": "image", "video": "video", "audio": "audio clip"}[kind]
            out.append(Problem("prompt", f"The prompt mentions {written}, but {count or 'no'} {noun}"
                                         f"{'' if count == 1 else 's'} "
                                         f"{'is' if count == 1 else 'are'} attached"
                                         f"{'' if n == 0 else f' ({field} is empty)'}."))
    return out


def _slot_kind(field: str) -> str:
    if field.startswith("videoFileID"):
        return "video"
    if field.startswith("audioFileID"):
        return "audio"
    return "image"


def check_reference_dimensions(model_id: str, field: str | int, width: int | None = None,
                               height: int | None = None) -> Problem | None:
    """A size problem with an image for this slot, if any (the body carries only ids, so
    callers that can read the picture ask here). Only Sora-2's first frame has a rule:
    exactly 1280×720 or 720×1280.

    Also accepts ``(model_id, width, height)`` — the slot is then ``fileID``."""
    if not isinstance(field, str):
        width, height = field, width
        field = "fileID"
    if model_id != "Sora-2" or field != "fileID" or width is None or height is None:
        return None
    if (width, height) in SORA_FRAME_SIZES:
        return None
    return Problem(field, f"{field}: Sora-2 needs a first frame of exactly 1280×720 or "
                          f"720×1280 pixels; this image is {width}×{height}.")


def check_media_duration(model_id: str, clips: Mapping[str, float]) -> list[Problem]:
    """Seedance reference clips: each 2–15 s and all of them together ≤ 15 s.
    ``clips`` maps a slot field (videoFileID1, audioFileID2 …) to its length in seconds;
    callers that can probe media use this, the body alone cannot tell."""
    m = VIDEO_MODELS.get(model_id)
    if m is None or not (m.max_video_refs or m.max_audio_refs):
        return []
    out: list[Problem] = []
    lo, hi = CLIP_SECONDS
    total = 0.0
    for field, seconds in clips.items():
        if not field.startswith(("videoFileID", "audioFileID")):
            continue
        total += seconds
        if not lo <= seconds <= hi:
            out.append(Problem(field, f"{field} is {seconds:.1f} s long; each reference clip "
                                      f"must last {lo:g} to {hi:g} seconds."))
    if total > CLIPS_TOTAL_SECONDS:
        last = [f for f in clips if f.startswith(("videoFileID", "audioFileID"))][-1]
        out.append(Problem(last, f"{last}: the video and audio references last {total:.1f} s "
                                 f"together; {m.id} accepts at most {CLIPS_TOTAL_SECONDS:g} s."))
    return out
