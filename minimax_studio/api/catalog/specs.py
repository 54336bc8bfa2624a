"""The small value types every part of the catalog shares: a problem with a request and
one file slot of a model's form."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a request: the API field it is about and a sentence a person
    can act on. The sentence always contains the field name, because the sandbox sends
    it back as the 400 ``error`` text and batch users see API field names."""

    field: str
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class SlotSpec:
    """One file input of a model: the API field it fills, what the form calls it, which
    kinds of media it takes and the prompt mention that refers to it (Seedance / image
    models with @-mentions), if any."""

    field: str
    label: str
    kinds: frozenset[str]
    mention: str | None = None
    #: The request is refused without this slot (I2V first frame, S2V subject).
    required: bool = False


IMAGE_KIND = frozenset({"image"})
VIDEO_KIND = frozenset({"video"})
AUDIO_KIND = frozenset({"audio"})
