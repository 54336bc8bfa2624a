"""The one reading of a paste / drop that the slots, the form, the prompt and the Agent
composer share: files first, else a picture that decodes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QMimeData, QUrl
from PySide6.QtGui import QColor, QImage

from minimax_studio.ui.widgets.pasted_media import offers_media, pasted_media


def _picture() -> QImage:
    img = QImage(8, 6, QImage.Format.Format_RGB32)
    img.fill(QColor("red"))
    return img


def test_copied_files_win_over_the_icon_a_file_manager_adds(qapp: Any, tmp_path: Path) -> None:
    pic = tmp_path / "a.png"
    _picture().save(str(pic))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(pic)), QUrl("https://example.com/b.png")])
    mime.setImageData(_picture())
    got = pasted_media(mime)
    assert got is not None and got.files == [pic] and got.image is None


def test_a_screenshot_is_taken_as_a_picture_only_where_pictures_go(qapp: Any) -> None:
    mime = QMimeData()
    mime.setImageData(_picture())
    got = pasted_media(mime)
    assert got is not None and got.image is not None and got.image.size().width() == 8
    assert offers_media(mime)
    assert pasted_media(mime, images=False) is None  # e.g. an audio-only slot
    assert not offers_media(mime, images=False)


def test_text_or_a_web_link_is_no_media(qapp: Any) -> None:
    mime = QMimeData()
    mime.setText("a prompt")
    mime.setUrls([QUrl("https://example.com/b.png")])
    assert pasted_media(mime) is None and not offers_media(mime)
    assert pasted_media(None) is None
