"""An honest page for a tab whose feature has not landed (or cannot start yet): what will
be here, and why it is empty right now. ``MainWindow.set_tab`` replaces it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

__all__ = ["PLANNED", "PlaceholderTab"]

PLANNED: dict[str, tuple[str, list[str]]] = {
    "Video": ("Make videos with every Hailuo, Veo, Sora and Seedance model.", [
        "Pick a model and see its options, reference slots and credit cost before sending.",
        "Drop first / last frames and reference images; they are uploaded to the account that runs the job.",
        "A queue you can keep adding to, with progress, cancel and retry; results saved locally.",
    ]),
    "Image": ("Make images with image-01, Midjourney, Seedream, Nano Banana and GPT Image.", [
        "Resolution, aspect ratio, quality and reference images per model.",
        "Cost shown before you generate; every result downloaded into your library.",
    ]),
    "Agent": ("Chat with the MiniMax agent to plan and make media in several steps.", [
        "Send a prompt with attachments, follow the job, keep the files it produces.",
    ]),
    "Gallery": ("Everything you generated, on this computer, searchable.", [
        "Search by prompt, filter by model, date and favourites.",
        "Re-run or remix any item with exactly the same settings.",
    ]),
}


class PlaceholderTab(QWidget):
    def __init__(self, name: str, note: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"placeholder{name}")
        self.name = name
        summary, points = PLANNED.get(name, (f"{name} is coming.", []))
        title = QLabel(f"{name} — coming next", self)
        title.setStyleSheet("font-size: 18px; font-weight: 700;")
        lead = QLabel(summary, self)
        lead.setWordWrap(True)
        lead.setStyleSheet("font-size: 14px;")
        bullets = QLabel("".join(f"<p>• {p}</p>" for p in points), self)
        bullets.setWordWrap(True)
        bullets.setTextFormat(Qt.TextFormat.RichText)
        self.note = QLabel(note or "This part of MiniMax Studio is not built yet. "
                           "The Accounts tab already works.", self)
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: palette(placeholder-text);")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(40, 40, 40, 40)
        lay.setSpacing(12)
        lay.addWidget(title)
        lay.addWidget(lead)
        lay.addWidget(bullets)
        lay.addWidget(self.note)
        lay.addStretch(1)

    def set_note(self, text: str) -> None:
        self.note.setText(text)
