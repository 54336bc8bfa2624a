"""Real media files for form and slot tests, made without ffmpeg: images with Pillow, WAV
with the stdlib, MP4/MP3 copied from the sandbox's committed samples (an MP4's length is
set by rewriting its movie header, which is exactly what the app reads). Qt-free."""

from __future__ import annotations

import shutil
import struct
import wave
from pathlib import Path

from PIL import Image

SAMPLES = Path(__file__).resolve().parent.parent / "resources" / "sandbox"


def png(path: Path, width: int = 640, height: int = 360, color: str = "#3366cc") -> Path:
    Image.new("RGB", (width, height), color).save(path, "PNG")
    return path


def jpeg(path: Path, width: int = 640, height: int = 360) -> Path:
    Image.new("RGB", (width, height), "#cc6633").save(path, "JPEG")
    return path


def webp(path: Path, width: int = 320, height: int = 320) -> Path:
    Image.new("RGB", (width, height), "#33cc66").save(path, "WEBP")
    return path


def gif(path: Path) -> Path:
    Image.new("RGB", (64, 64), "#999999").save(path, "GIF")
    return path


def wav(path: Path, seconds: float, rate: int = 8000) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"\x00\x00" * int(seconds * rate))
    return path


def mp3(path: Path) -> Path:
    """A real ~3 s MP3."""
    shutil.copyfile(SAMPLES / "tone.mp3", path)
    return path


def mp4(path: Path, seconds: float | None = None) -> Path:
    """A real playable MP4 (3 s); with ``seconds``, its movie header claims that length."""
    data = bytearray((SAMPLES / "clip_16x9.mp4").read_bytes())
    if seconds is not None:
        at = data.index(b"mvhd") + 4
        if data[at] == 0:
            timescale = struct.unpack(">I", data[at + 12:at + 16])[0]
            data[at + 16:at + 20] = struct.pack(">I", int(seconds * timescale))
        else:
            timescale = struct.unpack(">I", data[at + 20:at + 24])[0]
            data[at + 24:at + 32] = struct.pack(">Q", int(seconds * timescale))
    path.write_bytes(bytes(data))
    return path
