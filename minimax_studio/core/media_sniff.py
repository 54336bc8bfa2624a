"""What a file's bytes are — for the core's own checks (batch sheets, imports), never by
its name.

The upload type comes from the client's sniffer (``api.transfer.sniff_content_type``), the
one place that decides what ``POST files`` takes; image sizes from Pillow's header read.
``viewmodels.media_probe`` does the same and more (clip durations) for the GUI's slots,
but the core may not import the viewmodels layer, so this is the small part the core needs.
Every function here reads the disk: call it from a worker thread in a GUI.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from minimax_studio.api.transfer import sniff_content_type

#: files.md: "Size limit: up to 5 GB".
MAX_UPLOAD_BYTES = 5 * 1024**3
HEAD_BYTES = 64

#: The words for what a slot takes, by media kind.
KIND_WORDS = {
    "image": "a PNG, JPEG or WebP image",
    "video": "an MP4 video",
    "audio": "an MP3 or WAV audio file",
}

_UNSUPPORTED = (
    (b"GIF87a", "a GIF image"), (b"GIF89a", "a GIF image"), (b"BM", "a BMP image"),
    (b"%PDF", "a PDF document"), (b"PK\x03\x04", "a ZIP archive"),
    (b"\x1aE\xdf\xa3", "a WebM/MKV video"), (b"OggS", "an Ogg file"), (b"fLaC", "a FLAC file"),
    (b"\x7fELF", "a program"),
)


@dataclass(frozen=True)
class Sniffed:
    kind: str  # "image" | "video" | "audio"
    content_type: str
    size: int
    width: int | None = None
    height: int | None = None


class NotMediaError(Exception):
    """The bytes are not media the API takes (or cannot be read). ``str()`` is a sentence."""


def kind_of(content_type: str) -> str:
    return content_type.split("/", 1)[0]


def accepted_words(kinds: frozenset[str] | set[str]) -> str:
    words = [KIND_WORDS[k] for k in ("image", "video", "audio") if k in kinds]
    return " or ".join(words) if words else "nothing"


def describe_bytes(head: bytes) -> str:
    """'an HTML page', 'a GIF image', 'text' … for bytes that are not supported media."""
    if not head:
        return "an empty file"
    for magic, name in _UNSUPPORTED:
        if head.startswith(magic):
            return name
    if head[4:8] == b"ftyp" and head[8:12] == b"qt  ":
        return "a QuickTime (.mov) video"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<head", b"<body")):
        return "an HTML page"
    if text.startswith((b"{", b"[")):
        return "JSON text"
    if text.startswith(b"<?xml") or text.startswith(b"<"):
        return "XML or HTML text"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return "not a recognised image, video or audio file"
    return "text, not media"


#: Media the API does not take as an upload, but that is still media of its kind (an
#: import keeps a GIF or a .mov result; it only refuses what is not media at all).
_OTHER_MEDIA = {"a GIF image": "image", "a BMP image": "image", "a WebM/MKV video": "video",
                "a QuickTime (.mov) video": "video", "an Ogg file": "audio", "a FLAC file": "audio"}


def media_kind(head: bytes) -> str | None:
    """"image" / "video" / "audio" for any media container we recognise, else None."""
    ctype = sniff_content_type(head)
    return kind_of(ctype) if ctype else _OTHER_MEDIA.get(describe_bytes(head))


def sniff_file(path: Path) -> Sniffed:
    """Kind, upload type, size and (images) pixel size of ``path``, from its bytes.
    Raises NotMediaError with a sentence naming the file."""
    name = path.name
    try:
        with path.open("rb") as f:
            head = f.read(HEAD_BYTES)
            size = path.stat().st_size
    except OSError as exc:
        raise NotMediaError(f"{name} cannot be read ({exc.strerror or exc}).") from exc
    ctype = sniff_content_type(head)
    if ctype is None:
        raise NotMediaError(f"{name} is {describe_bytes(head)}.")
    kind = kind_of(ctype)
    if kind != "image":
        return Sniffed(kind, ctype, size)
    try:
        with Image.open(path) as im:  # reads the header only
            return Sniffed(kind, ctype, size, int(im.width), int(im.height))
    except Image.DecompressionBombError as exc:
        raise NotMediaError(f"{name} is an image too large to be checked safely.") from exc
    except Exception as exc:  # Pillow raises many types for a damaged header (and bombs)
        raise NotMediaError(f"{name} starts like an image but is damaged.") from exc
