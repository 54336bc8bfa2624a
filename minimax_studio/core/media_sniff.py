"""What a file's bytes are, for the core's own checks (batch sheets, imports): the media
``media_probe`` recognises, and otherwise words for what it is instead (an HTML page a
link answered with, a text file put in a slot) — never judged by the file's name.
Every function here reads the disk: call it from a worker thread in a GUI.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from minimax_studio.core.media_probe import MediaInfo, ProbeError, describe_unknown, probe, sniff

#: files.md: "Size limit: up to 5 GB".
MAX_UPLOAD_BYTES = 5 * 1024**3
HEAD_BYTES = 64
_UNRECOGNISED = describe_unknown(b"\0" * 16)

#: The words for what a slot takes, by media kind.
KIND_WORDS = {
    "image": "a PNG, JPEG or WebP image",
    "video": "an MP4 video",
    "audio": "an MP3 or WAV audio file",
}

#: Media the API does not take as an upload, but that is still media of its kind (an
#: import keeps a GIF or a .mov result; it only refuses what is not media at all).
_OTHER_MEDIA = {"a GIF image": "image", "a BMP image": "image", "a WebM/MKV video": "video",
                "a QuickTime (.mov) video": "video", "an Ogg file": "audio", "a FLAC file": "audio"}
_KIND_OF_FORMAT = {"png": "image", "jpeg": "image", "webp": "image", "mp4": "video",
                   "mp3": "audio", "wav": "audio"}


def accepted_words(kinds: frozenset[str] | set[str]) -> str:
    words = [KIND_WORDS[k] for k in ("image", "video", "audio") if k in kinds]
    return " or ".join(words) if words else "nothing"


def describe_bytes(head: bytes) -> str:
    """'an HTML page', 'a GIF image', 'text, not media' … for bytes that are not media
    the API takes."""
    named = describe_unknown(head)
    if named != _UNRECOGNISED:
        return named
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<head", b"<body")):
        return "an HTML page"
    if text.startswith((b"{", b"[")):
        return "JSON text"
    if text.startswith(b"<"):
        return "XML or HTML text"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return named
    return "text, not media"


def media_kind(head: bytes) -> str | None:
    """"image" / "video" / "audio" for any media container we recognise, else None."""
    fmt = sniff(head)
    return _KIND_OF_FORMAT.get(fmt) if fmt else _OTHER_MEDIA.get(describe_bytes(head))


def read_head(path: Path) -> bytes | None:
    with contextlib.suppress(OSError), path.open("rb") as f:
        return f.read(HEAD_BYTES)
    return None


def probe_media(path: Path) -> MediaInfo:
    """``media_probe.probe`` (kind, size, pixel size, duration), with the sentence for a
    file that is not media naming what it is instead ("page.png is an HTML page.")."""
    try:
        return probe(path)
    except ProbeError as exc:
        head = read_head(path)
        if head is not None and sniff(head) is None:
            raise ProbeError(f"{path.name} is {describe_bytes(head)}.") from exc
        raise
