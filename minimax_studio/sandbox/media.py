"""Real media for finished jobs: small committed mp4/mp3/wav clips and images drawn with
Pillow that show the prompt, so a person looking at the app can tell results apart."""

from __future__ import annotations

import functools
import io
import os
import textwrap
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from minimax_studio.resources_path import resource

MEDIA_ENV = "MINIMAX_STUDIO_SANDBOX_MEDIA"


def media_root() -> Traversable:
    """The sandbox's clips: ``MINIMAX_STUDIO_SANDBOX_MEDIA`` if set (a folder of your own),
    else ``sandbox/`` in the shipped resources — inside the wheel or the bundle too."""
    override = os.environ.get(MEDIA_ENV)
    if override:
        return Path(override)
    return resource("sandbox")


@dataclass(frozen=True)
class Clip:
    name: str
    width: int
    height: int
    duration: float


# Made with ffmpeg (testsrc, h264 crf 42, SEI stripped, faststart); see resources/README.md.
CLIPS = {
    "16:9": Clip("clip_16x9.mp4", 256, 144, 3.0),
    "9:16": Clip("clip_9x16.mp4", 144, 256, 3.0),
    "1:1": Clip("clip_1x1.mp4", 192, 192, 3.0),
    "4:3": Clip("clip_4x3.mp4", 192, 144, 3.0),
}
# Ratios without their own clip use the closest one we ship.
_NEAREST = {"21:9": "16:9", "3:4": "9:16", "Auto": "16:9", "auto": "16:9", "5:4": "4:3",
            "3:2": "4:3", "2:3": "9:16", "4:5": "1:1"}
AUDIO = {"mp3": ("tone.mp3", "audio/mpeg", 3.0), "wav": ("tone.wav", "audio/wav", 1.5)}

MIME = {"mp4": "video/mp4", "png": "image/png", "jpeg": "image/jpeg", "jpg": "image/jpeg",
        "mp3": "audio/mpeg", "wav": "audio/wav"}
EXT_OF_MIME = {"image/png": "png", "image/jpeg": "jpeg", "audio/mpeg": "mp3",
               "audio/wav": "wav", "video/mp4": "mp4"}


def clip_for(aspect: str | None) -> Clip:
    key = aspect or "16:9"
    return CLIPS.get(key) or CLIPS[_NEAREST.get(key, "16:9")]


@functools.lru_cache(maxsize=16)
def read_resource(name: str) -> bytes:
    return media_root().joinpath(name).read_bytes()


def image_size(aspect: str | None, long_side: int = 512) -> tuple[int, int]:
    """Pixel size for a ratio like ``"16:9"``; ``auto`` means square."""
    try:
        a, b = (int(x) for x in (aspect or "1:1").split(":"))
    except ValueError:
        a, b = 1, 1
    if a >= b:
        w, h = long_side, round(long_side * b / a)
    else:
        w, h = round(long_side * a / b), long_side
    return w - w % 2, h - h % 2


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError):  # Pillow without FreeType
        return ImageFont.load_default()


def _palette(seed_text: str) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    h = sum(ord(c) * (i + 1) for i, c in enumerate(seed_text)) % 360
    import colorsys

    r, g, b = colorsys.hsv_to_rgb(h / 360, 0.55, 0.85)
    r2, g2, b2 = colorsys.hsv_to_rgb(((h + 40) % 360) / 360, 0.7, 0.35)
    return (int(r * 255), int(g * 255), int(b * 255)), (int(r2 * 255), int(g2 * 255), int(b2 * 255))


@functools.lru_cache(maxsize=64)
def render_image(prompt: str, width: int, height: int, fmt: str = "png",
                 caption: str = "") -> bytes:
    """A gradient card with the prompt written on it, as PNG or JPEG bytes."""
    top, bottom = _palette(prompt or caption)
    img = Image.new("RGB", (width, height), top)
    draw = ImageDraw.Draw(img)
    for y in range(height):
        t = y / max(1, height - 1)
        draw.line([(0, y), (width, y)], fill=tuple(int(top[i] * (1 - t) + bottom[i] * t)
                                                   for i in range(3)))
    size = max(12, min(width, height) // 14)
    font = _font(size)
    chars_per_line = max(8, int(width / (size * 0.55)))
    lines = textwrap.wrap(prompt or "(no prompt)", chars_per_line)[: max(1, height // (size * 2))]
    y = height // 8
    for line in lines:
        draw.text((width // 16 + 1, y + 1), line, fill=(0, 0, 0), font=font)
        draw.text((width // 16, y), line, fill=(255, 255, 255), font=font)
        y += int(size * 1.3)
    if caption:
        small = _font(max(10, size * 2 // 3))
        draw.text((width // 16, height - size * 2), caption, fill=(255, 255, 230), font=small)
    out = io.BytesIO()
    if fmt in ("jpeg", "jpg"):
        img.save(out, "JPEG", quality=80)
    else:
        img.save(out, "PNG", optimize=True)
    return out.getvalue()


def render_cover(prompt: str, aspect: str | None) -> bytes:
    w, h = image_size(aspect, long_side=320)
    return render_image(prompt, w, h, "jpeg", "cover")
