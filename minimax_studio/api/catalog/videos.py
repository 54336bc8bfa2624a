"""The 18 video models of ``POST videos/create`` (videos.md, July 2026 Postman list) and
the Director camera commands.

Spec gaps are decided here, once, and marked:
* default ``options`` per model are *not captured*: the first listed value is the
  default (emulator-notes §5), ``VideoModel.default_options_captured`` says so;
* whether I2V-2.3 / I2V-2.3-Fast / S2V models *require* an image is inferred;
* Seedance end frames are uncertain: ``SEEDANCE_END_FRAME_ALLOWED``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from .specs import AUDIO_KIND, IMAGE_KIND, VIDEO_KIND, SlotSpec

# Why a flag: the ``end_frame_fileID`` description lists only 02 / Veo-3.1 / Veo-3.1-Fast,
# yet Seedance's video/audio reference fields are "mutually exclusive with
# end_frame_fileID", which only makes sense if Seedance takes an end frame (first+last
# frame mode). We follow the second reading and offer the slot; set this to False (the
# package forwards ``catalog.SEEDANCE_END_FRAME_ALLOWED = False`` here) if the real
# service refuses it, and every form, validation and the sandbox follow.
SEEDANCE_END_FRAME_ALLOWED = True

#: Hailuo Director camera commands (Hailuo "how to prompt" tutorial / MiniMax Director
#: docs). Written into the prompt in square brackets; up to 3 moves may share one bracket
#: group, comma separated: "[Truck left,Pan right,Zoom in]".
CAMERA_MOVES: tuple[str, ...] = (
    "[Truck left]", "[Truck right]",
    "[Pan left]", "[Pan right]",
    "[Push in]", "[Pull out]",
    "[Pedestal up]", "[Pedestal down]",
    "[Tilt up]", "[Tilt down]",
    "[Zoom in]", "[Zoom out]",
    "[Shake]", "[Tracking shot]", "[Static shot]",
)
MAX_MOVES_PER_GROUP = 3


def combine_camera_moves(moves: list[str] | tuple[str, ...]) -> str:
    """"[Pan left]", "[Zoom in]" -> "[Pan left,Zoom in]" (at most 3 per group)."""
    names = [m.strip().strip("[]").strip() for m in moves]
    if len(names) > MAX_MOVES_PER_GROUP:
        raise ValueError(f"At most {MAX_MOVES_PER_GROUP} camera moves can be combined.")
    return "[" + ",".join(names) + "]"


FirstFrame = Literal["none", "optional", "required"]
EndFrame = Literal["no", "yes", "uncertain"]


@dataclass(frozen=True)
class VideoModel:
    id: str
    family: str
    label: str
    description: str
    #: "text" (T2V), "image" (I2V), "text_or_image", "subject" (S2V), "omni" (Seedance).
    kind: str
    #: The ``options`` strings; empty when the model takes no ``options`` field.
    options: tuple[str, ...] = ()
    #: Seedance only: ``resolution`` / ``duration`` instead of ``options``.
    resolutions: tuple[str, ...] = ()
    default_resolution: str | None = None
    durations: tuple[int, ...] = ()
    default_duration: int | None = None
    aspect_ratios: tuple[str, ...] = ()
    default_aspect_ratio: str | None = None
    #: Whether ``fileID`` is a first frame the model starts from.
    first_frame: FirstFrame = "none"
    #: ``fileID`` must be given (I2V first frame, S2V subject) — inferred for 2.3 / S2V.
    reference_required: bool = False
    end_frame: EndFrame = "no"
    #: Options with which an end frame is accepted; empty = with every option.
    end_frame_options: tuple[str, ...] = ()
    #: fileID, fileID2 … fileID<n>.
    max_image_refs: int = 0
    max_video_refs: int = 0
    max_audio_refs: int = 0
    #: @Image1 / @Video1 / @Audio1 prompt mentions (Seedance).
    mentions: bool = False
    prompt_max: int = 2000
    #: Director models: Hailuo camera commands in the prompt.
    camera_moves: bool = False
    #: What the form calls the ``fileID`` slot.
    image_label: str = "First frame"

    @property
    def default_options(self) -> str | None:
        return self.options[0] if self.options else None

    #: Defaults of ``options`` were never captured; the first listed value stands in.
    default_options_captured = False

    @property
    def supports_end_frame(self) -> bool:
        if self.end_frame == "uncertain":
            return SEEDANCE_END_FRAME_ALLOWED
        return self.end_frame == "yes"

    def end_frame_allowed_with(self, options: str | None) -> bool:
        """True when an end frame may go with these ``options`` (None = the default)."""
        if not self.supports_end_frame:
            return False
        if not self.end_frame_options:
            return True
        return (options or self.default_options) in self.end_frame_options

    def image_field(self, n: int) -> str:
        """Slot n (1-based) of the image list: fileID, fileID2, …"""
        return "fileID" if n == 1 else f"fileID{n}"

    def slots(self) -> list[SlotSpec]:
        out: list[SlotSpec] = []
        for n in range(1, self.max_image_refs + 1):
            label = self.image_label if self.max_image_refs == 1 else f"{self.image_label} {n}"
            out.append(SlotSpec(self.image_field(n), label, IMAGE_KIND,
                                f"@Image{n}" if self.mentions else None,
                                required=self.reference_required and n == 1))
        if self.supports_end_frame:
            out.append(SlotSpec("end_frame_fileID", "End frame", IMAGE_KIND))
        out += [SlotSpec(f"videoFileID{n}", f"Video {n}", VIDEO_KIND,
                         f"@Video{n}" if self.mentions else None)
                for n in range(1, self.max_video_refs + 1)]
        out += [SlotSpec(f"audioFileID{n}", f"Audio {n}", AUDIO_KIND,
                         f"@Audio{n}" if self.mentions else None)
                for n in range(1, self.max_audio_refs + 1)]
        return out


_HAILUO_02_OPTIONS = ("512p-6sec", "512p-10sec", "768p-6sec", "768p-10sec", "1080p-6sec")
_HAILUO_23_OPTIONS = ("768p-6sec", "768p-10sec", "1080p-6sec")
# The 512p-* and Sora 720p-Nsec spellings are expanded from the docs' shorthand (inferred).
_SORA_OPTIONS = ("720p-4sec", "720p-8sec", "720p-12sec")
_VEO_OPTIONS = ("veo-720p-8sec", "veo-1080p-8sec", "veo-4k-8sec")
_WIDE_TALL = ("16:9", "9:16")
_SEEDANCE_RATIOS = ("Auto", "21:9", "16:9", "4:3", "1:1", "3:4", "9:16")
_SEEDANCE_DURATIONS = tuple(range(4, 16))


def _hailuo01(id: str, label: str, description: str, kind: str, **kw: Any) -> VideoModel:
    return VideoModel(id, "Hailuo 01", label, description, kind, **kw)


def _seedance(id: str, label: str, description: str, resolutions: tuple[str, ...]) -> VideoModel:
    return VideoModel(
        id, "Seedance 2.0", label, description, "omni",
        resolutions=resolutions, default_resolution="720",
        durations=_SEEDANCE_DURATIONS, default_duration=5,
        aspect_ratios=_SEEDANCE_RATIOS, default_aspect_ratio="Auto",
        first_frame="optional", end_frame="uncertain",
        max_image_refs=9, max_video_refs=3, max_audio_refs=3,
        mentions=True, prompt_max=7500, image_label="Image")


def _veo(id: str, label: str, description: str, *, subject: bool) -> VideoModel:
    if subject:
        return VideoModel(id, "Veo 3.1", label, description, "subject", options=_VEO_OPTIONS,
                          aspect_ratios=_WIDE_TALL, default_aspect_ratio="16:9",
                          reference_required=True, max_image_refs=14, image_label="Subject")
    return VideoModel(id, "Veo 3.1", label, description, "text_or_image", options=_VEO_OPTIONS,
                      aspect_ratios=_WIDE_TALL, default_aspect_ratio="16:9",
                      first_frame="optional", end_frame="yes", max_image_refs=1)


_ALL: tuple[VideoModel, ...] = (
    _hailuo01("T2V-01", "Hailuo T2V-01", "Text to video, 720p, 6 s.", "text"),
    _hailuo01("I2V-01", "Hailuo I2V-01", "Animates a first-frame image, 720p, 6 s.", "image",
              first_frame="required", reference_required=True, max_image_refs=1),
    _hailuo01("I2V-01-live", "Hailuo I2V-01 Live", "Live-photo style animation of an image.",
              "image", first_frame="required", reference_required=True, max_image_refs=1),
    _hailuo01("I2V-01-Director", "Hailuo I2V-01 Director",
              "Image to video with camera commands in the prompt.", "image",
              first_frame="required", reference_required=True, max_image_refs=1,
              camera_moves=True),
    _hailuo01("T2V-01-Director", "Hailuo T2V-01 Director",
              "Text to video with camera commands in the prompt.", "text", camera_moves=True),
    _hailuo01("S2V-01", "Hailuo S2V-01", "Keeps one character (subject image) consistent.",
              "subject", reference_required=True, max_image_refs=1, image_label="Subject"),
    VideoModel("02", "Hailuo 02", "Hailuo 02",
               "Text or first frame to video, 512p–1080p; end frame with 768p/1080p.",
               "text_or_image", options=_HAILUO_02_OPTIONS, first_frame="optional",
               end_frame="yes", end_frame_options=("768p-6sec", "768p-10sec", "1080p-6sec"),
               max_image_refs=1),
    VideoModel("T2V-2.3", "Hailuo 2.3", "Hailuo T2V-2.3", "Text to video, 768p or 1080p.",
               "text", options=_HAILUO_23_OPTIONS),
    VideoModel("I2V-2.3", "Hailuo 2.3", "Hailuo I2V-2.3", "First frame to video, 768p or 1080p.",
               "image", options=_HAILUO_23_OPTIONS, first_frame="required",
               reference_required=True, max_image_refs=1),
    VideoModel("I2V-2.3-Fast", "Hailuo 2.3", "Hailuo I2V-2.3 Fast",
               "Cheaper, faster first frame to video.", "image", options=_HAILUO_23_OPTIONS,
               first_frame="required", reference_required=True, max_image_refs=1),
    VideoModel("Sora-2", "Sora 2", "OpenAI Sora 2",
               "Text or first frame to video, 4–12 s; a first frame must be exactly "
               "1280×720 or 720×1280.", "text_or_image", options=_SORA_OPTIONS,
               aspect_ratios=_WIDE_TALL, default_aspect_ratio="16:9", first_frame="optional",
               max_image_refs=1),
    _veo("Veo-3.1", "Google Veo 3.1", "Text or first/last frame to video with sound.",
         subject=False),
    _veo("Veo-3.1-Fast", "Google Veo 3.1 Fast", "Faster Veo 3.1 with sound.", subject=False),
    _veo("Veo-3.1-S2V", "Google Veo 3.1 Subjects", "Up to 14 subject images in one video.",
         subject=True),
    _veo("Veo-3.1-S2V-Fast", "Google Veo 3.1 Subjects Fast",
         "Faster Veo 3.1 with up to 14 subject images.", subject=True),
    _seedance("Seedance-2.0", "Seedance 2.0",
              "Text, images, video and audio references (@Image1, @Video1, @Audio1); up to 4K.",
              ("480", "720", "1080", "4K")),
    _seedance("Seedance-2.0-Fast", "Seedance 2.0 Fast", "Faster Seedance 2.0, 480p or 720p.",
              ("480", "720")),
    _seedance("Seedance-2.0-Mini", "Seedance 2.0 Mini", "Smallest Seedance 2.0, 480p or 720p.",
              ("480", "720")),
)

VIDEO_MODELS: dict[str, VideoModel] = {m.id: m for m in _ALL}


def default_video_model(body: Any) -> str:
    """The model the API uses when ``model`` is omitted: I2V-01 with a fileID, else T2V-01."""
    file_id = body.get("fileID") if hasattr(body, "get") else None
    return "I2V-01" if isinstance(file_id, str) and file_id.strip() else "T2V-01"


def default_video_request(model_id: str) -> dict[str, Any]:
    """A request with the model's default choices filled in (no prompt, no files)."""
    m = VIDEO_MODELS[model_id]
    body: dict[str, Any] = {"model": m.id}
    if m.options:
        body["options"] = m.default_options
    if m.resolutions:
        body["resolution"] = m.default_resolution
    if m.durations:
        body["duration"] = m.default_duration
    if m.aspect_ratios:
        body["aspectRatio"] = m.default_aspect_ratio
    return body
