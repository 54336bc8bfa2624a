"""The 9 image models of ``POST images/create`` (images.md, May 2026 matrix + July 2026
Postman list).

Default ``resolution`` per model is *not captured*: the first listed value stands in
(``default_resolution_captured`` is False), as emulator-notes suggests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .specs import IMAGE_KIND, SlotSpec

MAX_QUANTITY = 4


@dataclass(frozen=True)
class ImageModel:
    id: str
    family: str
    label: str
    description: str
    #: Empty for midjourney (the field is not accepted).
    resolutions: tuple[str, ...]
    aspect_ratios: tuple[str, ...]
    #: referenceFileId1 … referenceFileId<n>; 0 when the model takes none.
    max_references: int = 0
    #: image-01's single ``characterFileId``.
    character_reference: bool = False
    #: @Image1 … in the prompt name referenceFileId1 …
    mentions: bool = False
    prompt_max: int = 2000
    #: gpt-image-2 only: the ``quality`` field.
    quality_levels: tuple[str, ...] = ()
    #: midjourney always makes 4 images, whatever ``quantity`` says.
    fixed_quantity: int | None = None

    #: Not captured; the first listed resolution stands in.
    default_resolution_captured = False

    @property
    def default_resolution(self) -> str | None:
        return self.resolutions[0] if self.resolutions else None

    @property
    def default_aspect_ratio(self) -> str | None:
        # Documented: the first value in the table is the default.
        return self.aspect_ratios[0] if self.aspect_ratios else None

    @property
    def default_quality(self) -> str | None:
        return "low" if self.quality_levels else None  # documented default

    def slots(self) -> list[SlotSpec]:
        if self.character_reference:
            return [SlotSpec("characterFileId", "Character", IMAGE_KIND)]
        return [SlotSpec(f"referenceFileId{n}", f"Reference {n}", IMAGE_KIND,
                         f"@Image{n}" if self.mentions else None)
                for n in range(1, self.max_references + 1)]


_NANO_RATIOS = ("auto", "16:9", "5:4", "4:3", "3:2", "1:1", "2:3", "3:4", "4:5", "9:16", "21:9")
_MJ_RATIOS = ("auto", "21:9", "16:9", "5:4", "4:3", "3:2", "1:1", "2:3", "3:4", "4:5", "9:16")

_ALL: tuple[ImageModel, ...] = (
    ImageModel("image-01", "MiniMax", "MiniMax image-01",
               "Hailuo's own model; optional character photo.", ("HD",),
               ("16:9", "4:3", "1:1", "3:4", "9:16", "21:9"), character_reference=True),
    ImageModel("nano-banana-2", "Nano Banana", "Nano Banana 2",
               "Google image model; up to 14 references named @Image1…", ("512P", "1K", "2K", "4K"),
               _NANO_RATIOS, max_references=14, mentions=True, prompt_max=7500),
    ImageModel("nano-banana-pro", "Nano Banana", "Nano Banana Pro",
               "Google's larger image model; up to 14 references.", ("1K", "2K", "4K"),
               _NANO_RATIOS, max_references=14, mentions=True, prompt_max=7500),
    ImageModel("gpt-image-1.5", "GPT Image", "GPT Image 1.5",
               "OpenAI image model; Low/Medium/High quality, up to 3 references.",
               ("Low", "Medium", "High"), ("auto", "1:1", "3:2", "2:3"), max_references=3),
    ImageModel("gpt-image-2", "GPT Image", "GPT Image 2",
               "OpenAI image model; up to 16 references, quality low/medium/high.",
               ("1K", "2K", "4K"),
               ("16:9", "21:9", "5:4", "4:3", "3:2", "1:1", "2:3", "3:4", "4:5", "9:16"),
               max_references=16, mentions=True, prompt_max=7500,
               quality_levels=("low", "medium", "high")),
    ImageModel("seedream-4.5", "Seedream", "Seedream 4.5", "ByteDance image model, 2K or 4K.",
               ("2K", "4K"), _NANO_RATIOS, max_references=14, mentions=True),
    ImageModel("seedream-5.0", "Seedream", "Seedream 5.0", "ByteDance image model, 2K or 3K.",
               ("2K", "3K"), _MJ_RATIOS, max_references=14, mentions=True),
    ImageModel("midjourney-v7", "Midjourney", "Midjourney V7",
               "Always 4 images; plain prose prompts (no -- flags).", (), _MJ_RATIOS,
               max_references=14, prompt_max=5000, fixed_quantity=MAX_QUANTITY),
    ImageModel("midjourney-niji7", "Midjourney", "Midjourney Niji 7",
               "Anime-style Midjourney; always 4 images.", (), _MJ_RATIOS,
               max_references=14, prompt_max=5000, fixed_quantity=MAX_QUANTITY),
)

IMAGE_MODELS: dict[str, ImageModel] = {m.id: m for m in _ALL}
DEFAULT_IMAGE_MODEL = "image-01"


def default_image_request(model_id: str) -> dict[str, Any]:
    """A request with the model's default choices filled in (no prompt, no files)."""
    m = IMAGE_MODELS[model_id]
    body: dict[str, Any] = {"model": m.id}
    if m.aspect_ratios:
        body["aspectRatio"] = m.default_aspect_ratio
    if m.resolutions:
        body["resolution"] = m.default_resolution
    if m.quality_levels:
        body["quality"] = m.default_quality
    if not m.fixed_quantity:
        body["quantity"] = 1
    return body
