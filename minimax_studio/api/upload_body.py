"""The upload body of ``POST files``: the Content-Type is decided by the file's first
bytes, never by its name - a renamed file would otherwise be sent with a type Hailuo
rejects or, worse, accepts and fails on later. The body is an async generator of chunks
so a 5 GB video never sits in memory."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import UploadRejectedError

#: Called with (bytes done, total bytes or None) as a transfer goes on.
ProgressFn = Callable[[int, int | None], Any]

GB = 1024**3
#: POST files accepts up to 5 GB (files.md).
MAX_UPLOAD_BYTES = 5 * GB
UPLOAD_CHUNK = 256 * 1024
SNIFF_BYTES = 64

#: The Content-Types POST files accepts (files.md).
UPLOAD_TYPES = frozenset({"image/png", "image/jpeg", "audio/mpeg", "audio/wav", "video/mp4"})

# ISO-BMFF brands that are still images, not videos (HEIC/AVIF photos also start with ftyp).
# ISO-BMFF files that are not mp4 video: HEIC/AVIF still images, and QuickTime (.mov),
# which shares the box layout but is not among the documented upload types.
_NOT_MP4_BRANDS = frozenset({b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1",
                             b"msf1", b"avif", b"avis", b"qt  "})


def sniff_content_type(head: bytes) -> str | None:
    """The upload Content-Type for a file starting with ``head`` (>= 12 bytes), or None
    when it is not one of the types POST files takes."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        # Documented: ".webp files are uploaded with image/jpeg" (files.md).
        return "image/jpeg"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav"
    if head.startswith(b"ID3") or _is_mp3_frame(head):
        return "audio/mpeg"
    if head[4:8] == b"ftyp" and head[8:12] not in _NOT_MP4_BRANDS:
        return "video/mp4"
    return None


def _is_mp3_frame(head: bytes) -> bool:
    """An MPEG audio frame header: 11 sync bits, a valid layer, bitrate and sample rate
    (checking them keeps random bytes that start with 0xFFE from passing)."""
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version = (head[1] >> 3) & 0b11
    layer = (head[1] >> 1) & 0b11
    bitrate = head[2] >> 4
    sample_rate = (head[2] >> 2) & 0b11
    return version != 0b01 and layer != 0 and bitrate not in (0, 0xF) and sample_rate != 0b11


_KIND_NAMES = "PNG, JPEG or WebP images, MP3 or WAV audio, or MP4 video"


@dataclass
class UploadBody:
    """What goes into POST files: the type, the size and a one-shot chunk stream."""

    content_type: str
    size: int
    chunks: AsyncIterator[bytes]


def prepare_upload(source: Path | str | bytes | bytearray | memoryview, *,
                   progress: ProgressFn | None = None,
                   chunk_size: int = UPLOAD_CHUNK) -> UploadBody:
    """Check ``source`` and build its upload body. Raises ``UploadRejectedError`` with a
    sentence naming the file for anything POST files would refuse."""
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        ctype = sniff_content_type(data[:SNIFF_BYTES])
        _check(ctype, len(data), "The data")
        assert ctype is not None
        return UploadBody(ctype, len(data), _bytes_chunks(data, progress, chunk_size))
    path = Path(source)
    ctype, size = check_upload_file(path)
    return UploadBody(ctype, size, _file_chunks(path, size, progress, chunk_size))


def check_upload_file(path: Path) -> tuple[str, int]:
    """(Content-Type from the first bytes, size) of a file POST files would accept, else
    ``UploadRejectedError`` with a sentence naming the file. Cheap (a stat and a 64-byte
    read), so callers can refuse a wrong file before hashing or routing it."""
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(SNIFF_BYTES)
    except IsADirectoryError:
        raise UploadRejectedError(f"{path.name} is a folder, not a file.") from None
    except FileNotFoundError:
        raise UploadRejectedError(f"{path.name} does not exist (any more).") from None
    except OSError as exc:
        raise UploadRejectedError(f"{path.name} cannot be read: {exc.strerror or exc}.") from None
    ctype = sniff_content_type(head)
    _check(ctype, size, path.name)
    assert ctype is not None
    return ctype, size


def _check(ctype: str | None, size: int, name: str) -> None:
    if size == 0:
        raise UploadRejectedError(f"{name} is empty.")
    if size > MAX_UPLOAD_BYTES:
        raise UploadRejectedError(
            f"{name} is {size / GB:.1f} GB; uploads are limited to 5 GB.")
    if ctype is None:
        raise UploadRejectedError(f"{name} cannot be uploaded: only {_KIND_NAMES} are accepted.")


async def _bytes_chunks(data: bytes, progress: ProgressFn | None,
                        chunk_size: int) -> AsyncIterator[bytes]:
    view = memoryview(data)
    for start in range(0, len(data), chunk_size):
        chunk = bytes(view[start:start + chunk_size])
        yield chunk
        if progress:
            progress(start + len(chunk), len(data))


async def _file_chunks(path: Path, size: int, progress: ProgressFn | None,
                       chunk_size: int) -> AsyncIterator[bytes]:
    sent = 0
    # Reads stay inline: a 256 KiB read from the page cache takes well under a millisecond.
    with path.open("rb") as fh:
        while True:
            chunk = fh.read(chunk_size)
            if not chunk:
                break
            sent += len(chunk)
            if sent > size:
                # The file grew while uploading: the declared Content-Length would be a lie.
                raise UploadRejectedError(f"{path.name} changed while it was being uploaded.")
            yield chunk
            if progress:
                progress(sent, size)
    if sent != size:
        raise UploadRejectedError(f"{path.name} changed while it was being uploaded.")
