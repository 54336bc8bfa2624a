"""Thumbnails for the gallery, made off the event loop and cached on disk.

A thumbnail is keyed by the SHA-256 of the file it was made from, so the same picture
imported twice, or a library folder moved elsewhere, reuses the cached file. Images are
scaled with Pillow; a video uses its cover image when one is given (``coverURL`` downloaded
by the engine), else its first frame through ``ffmpeg`` when that is installed, else no
thumbnail (the gallery shows a placeholder).

Nothing here raises for a bad file: an undecodable, truncated or enormous input gives None.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import logging
import os
import shutil
import subprocess
import tempfile
import warnings
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, BinaryIO

from PIL import Image, ImageOps

from minimax_studio.atomic import atomic_write

log = logging.getLogger(__name__)

VIDEO_SUFFIXES = frozenset({".mp4", ".mov", ".webm", ".mkv", ".m4v", ".avi"})
#: Refuse to decode images above this many pixels (decompression bombs): 16k × 16k.
MAX_PIXELS = 268_435_456
FFMPEG_TIMEOUT_S = 20.0


def content_hash(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def _cache_path(cache_dir: Path, digest: str, size: int, ext: str) -> Path:
    # Two-level fan-out keeps directories small at 100 000 thumbnails.
    return cache_dir / digest[:2] / f"{digest[:40]}-{size}.{ext}"


def _save_atomically(img: Image.Image, dest: Path, fmt: str) -> None:
    def save(f: BinaryIO) -> None:
        if fmt == "JPEG":
            img.save(f, "JPEG", quality=85, optimize=True)
        else:
            img.save(f, "PNG", optimize=True)

    atomic_write(dest, save, prefix=".thumb-")


def _thumbnail_from_image(source: Path | bytes, cache_dir: Path, size: int,
                         digest: str) -> Path | None:
    for ext in ("jpg", "png"):
        cached = _cache_path(cache_dir, digest, size, ext)
        if cached.exists():
            return cached
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(source) if isinstance(source, bytes) else source) as img:
                if img.width * img.height > MAX_PIXELS:
                    log.info("Not thumbnailing an image of %dx%d: too large", img.width, img.height)
                    return None
                img.draft("RGB", (size * 2, size * 2))  # JPEG: decode at reduced scale
                img.seek(0)  # first frame of an animated GIF/WebP
                pic = ImageOps.exif_transpose(img)
                pic.thumbnail((size, size), Image.Resampling.LANCZOS)
                has_alpha = pic.mode in ("RGBA", "LA", "PA") or (
                    pic.mode == "P" and "transparency" in pic.info)
                if has_alpha:
                    pic = pic.convert("RGBA")
                    fmt, ext = "PNG", "png"
                else:
                    pic = pic.convert("RGB")
                    fmt, ext = "JPEG", "jpg"
                dest = _cache_path(cache_dir, digest, size, ext)
                _save_atomically(pic, dest, fmt)
                return dest
    except Exception as exc:  # any decoder error means "no thumbnail", never a crash
        log.info("No thumbnail (undecodable image): %s", exc)
        return None


def _video_first_frame(src: Path) -> bytes | None:
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        return None
    try:
        done = subprocess.run(
            [ffmpeg, "-v", "error", "-nostdin", "-i", str(src), "-frames:v", "1",
             "-f", "image2pipe", "-vcodec", "png", "-"],
            capture_output=True, timeout=FFMPEG_TIMEOUT_S, check=False,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        log.info("ffmpeg could not read %s: %s", src, exc)
        return None
    return done.stdout if done.returncode == 0 and done.stdout else None


def make_thumbnail_sync(src: Path, cache_dir: Path, size: int = 256,
                        cover: Path | None = None) -> Path | None:
    """Blocking version of ``make_thumbnail`` (call it from a worker thread only)."""
    try:
        src = Path(src)
        if cover is not None and Path(cover).is_file():
            return _thumbnail_from_image(Path(cover), cache_dir, size, content_hash(Path(cover)))
        if not src.is_file():
            return None
        digest = content_hash(src)
        if src.suffix.lower() not in VIDEO_SUFFIXES:
            return _thumbnail_from_image(src, cache_dir, size, digest)
        for ext in ("jpg", "png"):
            cached = _cache_path(cache_dir, digest, size, ext)
            if cached.exists():
                return cached
        frame = _video_first_frame(src)
        return _thumbnail_from_image(frame, cache_dir, size, digest) if frame else None
    except OSError as exc:  # unreadable source, full disk, read-only cache
        log.info("No thumbnail for %s: %s", src, exc)
        return None


async def make_thumbnail(src: Path, cache_dir: Path, size: int = 256,
                         cover: Path | None = None) -> Path | None:
    """A ``size``-pixel (longest side) JPEG, or PNG when the image has transparency, in
    ``cache_dir``; None when ``src`` cannot be decoded. For a video, ``cover`` is the
    downloaded cover image, when there is one. Runs in a worker thread."""
    return await asyncio.to_thread(make_thumbnail_sync, src, cache_dir, size, cover)


async def thumbnail_from_cover(download: Callable[[str, Path], Awaitable[Any]], url: str,
                               cache_dir: Path, size: int = 256) -> Path | None:
    """A video's thumbnail from its cover image at ``url``, fetched with ``download(url,
    dest)`` into ``cache_dir``. The fetched cover, and the ``.part`` a cut download leaves
    (downloads keep one to resume media; a cover is not worth resuming), are removed
    whatever happens, so nothing but finished thumbnails stays in the cache. Raises what
    ``download`` raises; callers treat a thumbnail as a nicety."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".cover-", suffix=".img", dir=cache_dir)
    os.close(fd)
    cover = Path(tmp)
    try:
        await download(url, cover)
        return await make_thumbnail(cover, cache_dir, size)
    finally:
        for leftover in (cover, cover.with_name(cover.name + ".part")):
            try:
                leftover.unlink()
            except OSError:
                pass
