"""The one reading of a paste or a drop: files copied in a file manager come first, else a
picture (a screenshot, an image copied in a browser). The form's slots, the form itself,
the prompt editor and the Agent composer all ask here, so they agree on what a paste is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QMimeData
from PySide6.QtGui import QImage, QPixmap

__all__ = ["Pasted", "local_files", "offers_media", "pasted_media"]


def local_files(mime: QMimeData) -> list[Path]:
    """The local files among the mime data's URLs (remote URLs are not ours to fetch)."""
    return [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()]


@dataclass(frozen=True)
class Pasted:
    """Files, or else one picture — never both (files win: a file manager also offers an
    icon of what it copied)."""

    files: list[Path] = field(default_factory=list)
    image: QImage | None = None


def offers_media(mime: QMimeData | None, *, images: bool = True) -> bool:
    """Whether ``mime`` may carry something to take — cheap enough for a drag that is only
    hovering (the picture is not decoded)."""
    if mime is None:
        return False
    return bool(local_files(mime)) or (images and mime.hasImage())


def pasted_media(mime: QMimeData | None, *, images: bool = True) -> Pasted | None:
    """What ``mime`` carries that we take: its local files, else (when ``images``) its
    picture if it decodes; None when there is neither."""
    if mime is None:
        return None
    files = local_files(mime)
    if files:
        return Pasted(files=files)
    if images and mime.hasImage():
        data = mime.imageData()  # a QImage, on some platforms a QPixmap
        image = data.toImage() if isinstance(data, QPixmap) else data
        if isinstance(image, QImage) and not image.isNull():
            return Pasted(image=image)
    return None
