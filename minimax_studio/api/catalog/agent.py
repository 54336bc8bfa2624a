"""Model ids for ``POST agent`` (its ``models`` field, comma separated).

Only ``hailuo-2.3`` and ``nano-banana-2`` appear in the captured docs. The other families
the index page lists (May 2026) are here with ``captured=False``: their id strings are our
guess in the same lower-case style and may be refused by the real service, so the app
should offer them only behind an "unverified" label."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

AgentKind = Literal["video", "image", "audio"]


@dataclass(frozen=True)
class AgentModel:
    id: str
    kind: AgentKind
    label: str
    family: str
    #: True only when the id string itself was seen in useapi.net material.
    captured: bool


def _guess(id: str, kind: AgentKind, label: str, family: str) -> AgentModel:
    return AgentModel(id, kind, label, family, captured=False)


_ALL: tuple[AgentModel, ...] = (
    AgentModel("hailuo-2.3", "video", "Hailuo 2.3", "Hailuo", captured=True),
    AgentModel("nano-banana-2", "image", "Nano Banana 2", "Nano Banana", captured=True),
    _guess("hailuo-02", "video", "Hailuo 02", "Hailuo"),
    _guess("veo-3.1", "video", "Veo 3.1", "Veo"),
    _guess("sora-2", "video", "Sora 2", "Sora"),
    _guess("midjourney-v7", "image", "Midjourney V7", "Midjourney"),
    _guess("niji-7", "image", "NiJi 7", "Midjourney"),
    _guess("nano-banana-pro", "image", "Nano Banana Pro", "Nano Banana"),
    _guess("seedream-4.5", "image", "Seedream 4.5", "Seedream"),
    _guess("seedream-5.0", "image", "Seedream 5.0", "Seedream"),
    _guess("flux-kontext", "image", "FLUX.1 Kontext", "FLUX"),
    _guess("qwen", "image", "Qwen Image", "Qwen"),
    _guess("kolors", "image", "Kolors", "Kolors"),
    _guess("speech-2.5", "audio", "Speech 2.5 (TTS)", "Speech"),
    _guess("music-2.0", "audio", "Music 2.0", "Music"),
)

AGENT_MODELS: dict[str, AgentModel] = {m.id: m for m in _ALL}
CAPTURED_AGENT_MODELS: tuple[str, ...] = tuple(m.id for m in _ALL if m.captured)
