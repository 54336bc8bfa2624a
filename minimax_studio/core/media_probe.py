"""What a local media file really is, read from its bytes — never from its name.

Pure stdlib + Pillow (image headers only), no Qt, no ffmpeg: the app must check a file
before it spends an upload on it, on any machine. Every function here blocks on disk
I/O, so callers run them through ``asyncio.to_thread`` (see ``viewmodels.media_check``);
batch sheets check their files with it too (``core.sheet_checks``), hence the core layer.

Durations:
- mp4: the ``mvhd`` box of ``moov`` (duration / timescale). ``moov`` may sit after a
  large ``mdat``; boxes are skipped by seeking, never read whole.
- wav: ``data`` chunk size / the ``fmt`` byte rate.
- mp3: a Xing/Info/VBRI frame count when the encoder wrote one, otherwise every MPEG
  audio frame header is walked (a few thousand 4-byte reads for a 15 s clip).
"""

from __future__ import annotations

import mmap
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from PIL import Image, UnidentifiedImageError

from minimax_studio.api.upload_body import sniff_content_type


class ProbeError(Exception):
    """The file is not what it claims, or cannot be read. ``str()`` is a sentence."""


@dataclass(frozen=True)
class MediaInfo:
    path: Path
    kind: str  # "image" | "video" | "audio"
    content_type: str  # the type the upload will carry: image/png, image/jpeg, ...
    format: str  # "png", "jpeg", "webp", "mp4", "mp3", "wav"
    size: int
    width: int | None = None
    height: int | None = None
    duration: float | None = None  # seconds, audio/video only


# (format, kind, upload content type). webp is uploaded as image/jpeg (files.md).
_FORMATS = {
    "png": ("image", "image/png"),
    "jpeg": ("image", "image/jpeg"),
    "webp": ("image", "image/jpeg"),
    "mp4": ("video", "video/mp4"),
    "mp3": ("audio", "audio/mpeg"),
    "wav": ("audio", "audio/wav"),
}

#: Formats we recognise but the API does not take — named so the message can say what it is.
_KNOWN_UNSUPPORTED = {
    b"GIF87a": "a GIF image",
    b"GIF89a": "a GIF image",
    b"BM": "a BMP image",
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a ZIP archive",
    b"\x1aE\xdf\xa3": "a WebM/MKV video",
    b"OggS": "an Ogg file",
    b"fLaC": "a FLAC file",
}


def sniff(head: bytes) -> str | None:
    """The format name from the first bytes (>= 32 bytes is enough), or None.

    What may be uploaded is decided once, by the client's sniffer (the engine uploads
    through it); this only names the format within the type it chose."""
    ctype = sniff_content_type(head)
    if ctype == "image/jpeg" and head[:4] == b"RIFF":
        return "webp"
    return _FORMAT_BY_TYPE.get(ctype) if ctype else None


_FORMAT_BY_TYPE = {"image/png": "png", "image/jpeg": "jpeg", "audio/wav": "wav",
                   "audio/mpeg": "mp3", "video/mp4": "mp4"}


def describe_unknown(head: bytes) -> str:
    for magic, name in _KNOWN_UNSUPPORTED.items():
        if head.startswith(magic):
            return name
    if head[4:8] == b"ftyp" and head[8:12] == b"qt  ":
        return "a QuickTime (.mov) video"
    if not head:
        return "an empty file"
    return "not a recognised image, video or audio file"


def probe(path: Path) -> MediaInfo:
    """Kind, upload content type, size, dimensions and duration of ``path``."""
    path = Path(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(64)
            fmt = sniff(head)
            if fmt is None:
                raise ProbeError(f"{path.name} is {describe_unknown(head)}.")
            kind, ctype = _FORMATS[fmt]
            if kind == "image":
                width, height = _image_size(path)
                return MediaInfo(path, kind, ctype, fmt, size, width, height)
            if fmt == "mp4":
                duration, dims = _mp4_probe(f, size)
                w, h = dims if dims else (None, None)
                return MediaInfo(path, kind, ctype, fmt, size, w, h, duration)
            if fmt == "wav":
                return MediaInfo(path, kind, ctype, fmt, size, duration=_wav_duration(f))
            return MediaInfo(path, kind, ctype, fmt, size, duration=_mp3_duration(f, size))
    except OSError as e:
        raise ProbeError(f"{path.name} cannot be read ({e.strerror or e}).") from e


# --- images ---------------------------------------------------------------------------

def _image_size(path: Path) -> tuple[int, int]:
    try:
        with Image.open(path) as im:  # reads the header only
            return int(im.width), int(im.height)
    except (UnidentifiedImageError, SyntaxError, ValueError) as e:
        raise ProbeError(f"{path.name} looks like an image but is damaged.") from e


# --- mp4 ------------------------------------------------------------------------------

def _boxes(f: BinaryIO, start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    """Yield (type, payload_start, payload_end) for the boxes in [start, end)."""
    pos = start
    while pos + 8 <= end:
        f.seek(pos)
        hdr = f.read(8)
        if len(hdr) < 8:
            return
        size, btype = struct.unpack(">I4s", hdr)
        header = 8
        if size == 1:
            ext = f.read(8)
            if len(ext) < 8:
                return
            size = struct.unpack(">Q", ext)[0]
            header = 16
        elif size == 0:
            size = end - pos
        if size < header:
            return
        yield btype, pos + header, min(pos + size, end)
        pos += size


def _mp4_probe(f: BinaryIO, file_size: int) -> tuple[float, tuple[int, int] | None]:
    for btype, s, e in _boxes(f, 0, file_size):
        if btype != b"moov":
            continue
        duration: float | None = None
        dims: tuple[int, int] | None = None
        for ctype, cs, ce in _boxes(f, s, e):
            if ctype == b"mvhd":
                duration = _mvhd_duration(f, cs, ce)
            elif ctype == b"trak" and dims is None:
                dims = _trak_dims(f, cs, ce)
        if duration is None:
            break
        return duration, dims
    raise ProbeError("this MP4 has no readable duration (no movie header) — is it complete?")


def _mvhd_duration(f: BinaryIO, start: int, end: int) -> float:
    f.seek(start)
    data = f.read(min(end - start, 32))
    if len(data) < 20:
        raise ProbeError("this MP4's movie header is truncated.")
    if data[0] == 1:
        if len(data) < 32:
            raise ProbeError("this MP4's movie header is truncated.")
        timescale, duration = struct.unpack(">IQ", data[20:32])
    else:
        timescale, duration = struct.unpack(">II", data[12:20])
    if timescale == 0:
        raise ProbeError("this MP4's movie header has no time scale.")
    return duration / timescale


def _trak_dims(f: BinaryIO, start: int, end: int) -> tuple[int, int] | None:
    for btype, s, e in _boxes(f, start, end):
        if btype == b"tkhd" and e - s >= 84:
            f.seek(e - 8)
            w, h = struct.unpack(">II", f.read(8))
            w, h = w >> 16, h >> 16  # 16.16 fixed point
            if w and h:
                return w, h
    return None


# --- wav ------------------------------------------------------------------------------

def _wav_duration(f: BinaryIO) -> float:
    f.seek(12)
    byte_rate = 0
    while True:
        hdr = f.read(8)
        if len(hdr) < 8:
            break
        cid, size = struct.unpack("<4sI", hdr)
        if cid == b"fmt ":
            fmt = f.read(size)
            if len(fmt) >= 12:
                byte_rate = struct.unpack("<I", fmt[8:12])[0]
            if size % 2:
                f.seek(1, 1)
            continue
        if cid == b"data":
            if not byte_rate:
                break
            return size / byte_rate
        f.seek(size + (size % 2), 1)
    raise ProbeError("this WAV file has no readable audio data.")


# --- mp3 ------------------------------------------------------------------------------

_BITRATES = {  # kbps, index 1..14, keyed by (mpeg1?, layer)
    (True, 1): (32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),
    (True, 2): (32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    (True, 3): (32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (False, 1): (32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),
    (False, 2): (8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
    (False, 3): (8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


@dataclass(frozen=True)
class _Frame:
    length: int
    samples: int
    rate: int
    mpeg1: bool
    mono: bool


def _mp3_header(buf: bytes | mmap.mmap, pos: int) -> _Frame | None:
    if pos + 4 > len(buf):
        return None
    b1, b2, b3 = buf[pos + 1], buf[pos + 2], buf[pos + 3]
    if buf[pos] != 0xFF or (b1 & 0xE0) != 0xE0:
        return None
    version, layer_bits = (b1 >> 3) & 3, (b1 >> 1) & 3
    bitrate_idx, rate_idx, padding = b2 >> 4, (b2 >> 2) & 3, (b2 >> 1) & 1
    if version == 1 or layer_bits == 0 or bitrate_idx in (0, 15) or rate_idx == 3:
        return None
    layer = 4 - layer_bits
    mpeg1 = version == 3
    bitrate = _BITRATES[(mpeg1, layer)][bitrate_idx - 1] * 1000
    rate = _RATES[version][rate_idx]
    if layer == 1:
        samples = 384
        length = (12 * bitrate // rate + padding) * 4
    else:
        samples = 1152 if (layer == 2 or mpeg1) else 576
        length = samples // 8 * bitrate // rate + padding
    return _Frame(length, samples, rate, mpeg1, (b3 >> 6) == 3)


def _mp3_duration(f: BinaryIO, size: int) -> float:
    if size == 0:
        raise ProbeError("this MP3 file is empty.")
    with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as buf:
        pos = 0
        if buf[:3] == b"ID3" and size >= 10:
            tag = buf[6:10]
            pos = 10 + ((tag[0] << 21) | (tag[1] << 14) | (tag[2] << 7) | tag[3])
            if buf[5] & 0x10:
                pos += 10  # footer present
        # Resync: some files carry padding between the tag and the first frame.
        limit = min(size, pos + 64 * 1024)
        first = None
        while pos < limit:
            first = _mp3_header(buf, pos)
            if first and _mp3_header(buf, pos + first.length) is not None:
                break
            first = None
            pos += 1
        if first is None:
            raise ProbeError("this MP3 file has no readable audio frames.")
        vbr_frames = _xing_frames(buf, pos, first)
        if vbr_frames:
            return vbr_frames * first.samples / first.rate
        seconds = 0.0
        while (frame := _mp3_header(buf, pos)) is not None and frame.length > 0:
            seconds += frame.samples / frame.rate
            pos += frame.length
        return seconds


def _xing_frames(buf: mmap.mmap, pos: int, frame: _Frame) -> int | None:
    """Frame count from a Xing/Info (LAME, ffmpeg) or VBRI (Fraunhofer) header."""
    side = (32 if not frame.mono else 17) if frame.mpeg1 else (17 if not frame.mono else 9)
    x = pos + 4 + side
    if buf[x:x + 4] in (b"Xing", b"Info"):
        flags = struct.unpack(">I", buf[x + 4:x + 8])[0]
        if flags & 1:
            return int(struct.unpack(">I", buf[x + 8:x + 12])[0])
    v = pos + 4 + 32
    if buf[v:v + 4] == b"VBRI":
        return int(struct.unpack(">I", buf[v + 14:v + 18])[0])
    return None
