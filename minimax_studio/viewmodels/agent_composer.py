"""The Agent tab's composer: prompt, the models the agent may use, the account, and the
attached files — each checked from its bytes (type, size) before anything is sent.

Nothing here sends: ``AgentVM.send`` reads ``request()`` and clears the composer only once
the turn is journaled, so a refused send loses nothing the person typed or attached.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from minimax_studio.api.catalog.agent import AGENT_MODELS, CAPTURED_AGENT_MODELS
from minimax_studio.viewmodels.form_slots import save_pasted_image
from minimax_studio.viewmodels.media_check import MAX_UPLOAD_BYTES, accepted_words
from minimax_studio.viewmodels.media_probe import ProbeError, probe

__all__ = ["AGENT_MODEL_GROUPS", "MAX_ATTACHMENTS", "MAX_PROMPT_CHARS", "Attachment", "ComposerState", "check_attachment"]

#: The agent's prompt limit is not documented. A prompt longer than this is almost surely a
#: paste gone wrong (a 10 MB log), and sending it would only earn an opaque 400: say so here.
MAX_PROMPT_CHARS = 20_000
#: Not documented either; the docs' example sends two. Generous, but bounded.
MAX_ATTACHMENTS = 10

#: (kind title, [(id, label, unverified)]) for the composer's toggles.
AGENT_MODEL_GROUPS: list[tuple[str, list[tuple[str, str, bool]]]] = [
    (title, [(m.id, m.label, not m.captured) for m in AGENT_MODELS.values() if m.kind == kind])
    for kind, title in (("video", "Video"), ("image", "Image"), ("audio", "Audio"))
]

HINT = ("Say what to make — a video, an image, a song — and ask for a shape in words "
        "(\"16:9 video of waves\", \"square 4K poster\"). Ctrl+Enter sends.")


@dataclass(frozen=True)
class Attachment:
    path: Path
    kind: str | None = None  # image / video / audio once checked
    reason: str | None = None  # why it cannot be sent
    checking: bool = True

    @property
    def ok(self) -> bool:
        return not self.checking and self.reason is None


def check_attachment(path: Path) -> Attachment:
    """Blocking (reads the file): run in a thread."""
    path = Path(path)
    if not path.is_file():
        return Attachment(path, None, f"{path.name} is not a file (it may have been moved or deleted).", False)
    try:
        info = probe(path)
    except ProbeError as exc:
        return Attachment(path, None, f"{exc} The agent takes {accepted_words(('image', 'video', 'audio'))}.",
                          False)
    if info.size == 0:
        return Attachment(path, info.kind, f"{path.name} is empty.", False)
    if info.size > MAX_UPLOAD_BYTES:
        return Attachment(path, info.kind, f"{path.name} is {info.size / 1024**3:.1f} GB — files are "
                                           "limited to 5 GB.", False)
    return Attachment(path, info.kind, None, False)


def default_models() -> list[str]:
    return list(CAPTURED_AGENT_MODELS)


class ComposerState(QObject):
    changed = Signal()

    def __init__(self, spawn: Callable[[str, Coroutine[Any, Any, Any]], Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._spawn = spawn
        self.prompt = ""
        self.models: list[str] = default_models()
        self.account: str | None = None
        self.attachments: list[Attachment] = []
        self._n = 0

    # --- editing ----------------------------------------------------------------------------
    def set_prompt(self, text: str) -> None:
        if text != self.prompt:
            self.prompt = text
            self.changed.emit()

    def set_model(self, model_id: str, on: bool) -> None:
        models = [m for m in self.models if m != model_id] + ([model_id] if on else [])
        self.models = [m for m in AGENT_MODELS if m in models] + [m for m in models if m not in AGENT_MODELS]
        self.changed.emit()

    def set_models(self, models: Iterable[str]) -> None:
        self.models = list(dict.fromkeys(models))
        self.changed.emit()

    def set_account(self, account: str | None) -> None:
        self.account = account or None
        self.changed.emit()

    def add_files(self, paths: Iterable[Path | str]) -> None:
        for p in paths:
            path = Path(p)
            if any(a.path == path for a in self.attachments):
                continue
            if len(self.attachments) >= MAX_ATTACHMENTS:
                self.attachments.append(Attachment(path, None, f"At most {MAX_ATTACHMENTS} files per turn; "
                                                              f"remove one to attach {path.name}.", False))
                continue
            self.attachments.append(Attachment(path))
            self._n += 1
            self._spawn(f"agent:check:{self._n}", self._check(path))
        self.changed.emit()

    def add_image(self, image: QImage) -> None:
        """A pasted image: saved as PNG in the cache dir (in a thread), then attached."""
        self._n += 1
        self._spawn(f"agent:paste:{self._n}", self._paste(image))

    async def _paste(self, image: QImage) -> None:
        try:
            target = await asyncio.to_thread(save_pasted_image, image)
        except (OSError, ValueError):
            target = None
        if target is None:
            self.attachments.append(Attachment(Path("pasted image"), None, "The pasted image could not be saved.",
                                               False))
            self.changed.emit()
            return
        self.add_files([target])

    async def _check(self, path: Path) -> None:
        result = await asyncio.to_thread(check_attachment, path)
        for i, a in enumerate(self.attachments):
            if a.path == path:
                self.attachments[i] = result
                self.changed.emit()
                return

    def remove(self, path: Path | str) -> None:
        self.attachments = [a for a in self.attachments if a.path != Path(path)]
        self.changed.emit()

    def clear(self) -> None:
        """After a successful send: the prompt and files go; models and account stay."""
        self.prompt = ""
        self.attachments = []
        self.changed.emit()

    # --- reading ----------------------------------------------------------------------------
    @property
    def checking(self) -> bool:
        return any(a.checking for a in self.attachments)

    def problems(self) -> list[str]:
        """Why Send cannot go now, as sentences (empty: it can)."""
        out: list[str] = []
        text = self.prompt.strip()
        if not text:
            out.append("Write what the agent should make first.")
        elif len(self.prompt) > MAX_PROMPT_CHARS:
            out.append(f"The prompt is {len(self.prompt):,} characters long; the agent takes at most "
                       f"{MAX_PROMPT_CHARS:,}. Shorten it (was something pasted by mistake?).")
        if not self.models:
            out.append("Choose at least one model the agent may use.")
        out += [a.reason for a in self.attachments if a.reason]
        if self.checking:
            out.append("Checking the attached files…")
        return out

    def request(self) -> dict[str, Any]:
        """POST agent's own field names (``file`` is sent once per path)."""
        return {"prompt": self.prompt.strip(), "models": list(self.models),
                "files": [str(a.path) for a in self.attachments]}
