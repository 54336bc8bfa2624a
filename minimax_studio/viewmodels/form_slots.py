"""Reference slots of a form: which file sits in which API field, its check verdict and
thumbnail, and the edits a person makes (drop, paste, replace, reorder, remove).

Slots that differ only by a trailing number (fileID, fileID2 …) form a group that fills
in order with no gaps — the API refuses gaps — so removing or moving a file shifts the
others. Every file is checked in a thread before it counts (``media_check``).
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage, QImageReader

from minimax_studio.api import catalog
from minimax_studio.paths import app_paths
from minimax_studio.viewmodels.form_kinds import FormKind
from minimax_studio.viewmodels.media_check import SlotCheck, check_file_async
from minimax_studio.viewmodels.media_probe import MediaInfo, ProbeError, probe

_GROUP_NAMES = {  # titles of groups of many slots (a lone slot uses its own label)
    "fileID": "Reference images",
    "videoFileID": "Reference videos (MP4, 2–15 s each)",
    "audioFileID": "Reference audio (MP3 or WAV, 2–15 s each)",
    "referenceFileId": "Reference images",
}



def slot_group(field: str) -> str:
    """Slots that differ only by a trailing number form one reorderable group:
    fileID/fileID2…, videoFileID1…, referenceFileId1…"""
    return re.sub(r"\d+$", "", field)


class SlotStatus(StrEnum):
    """Where a slot's file is on its way to counting: nothing yet, being read in a thread,
    accepted, or refused (``SlotState.reason`` says why)."""

    EMPTY = "empty"
    CHECKING = "checking"
    OK = "ok"
    REJECTED = "rejected"


@dataclass(frozen=True)
class SlotState:
    spec: catalog.SlotSpec
    path: Path | None = None
    status: SlotStatus = SlotStatus.EMPTY
    reason: str | None = None
    info: MediaInfo | None = None
    progress: int | None = None  # upload percent while the engine uploads it
    thumb: QImage | None = None  # a small preview for image files, made in a thread

    @property
    def field(self) -> str:
        return self.spec.field

    @property
    def filled(self) -> bool:
        return self.path is not None


class SlotEditing:
    """The slot half of ``FormModel`` (a mixin: it shares the form's state and signals)."""

    _slots: dict[str, SlotState]
    slotChanged: Any
    message: Any
    spec: FormKind
    model: Any

    def set_model(self, model_id: str) -> None:
        raise NotImplementedError

    def build_request(self) -> dict[str, Any]:
        raise NotImplementedError

    def _validate(self, body: Any) -> list[catalog.Problem]:
        raise NotImplementedError

    def words_for(self, key: str, field: str, message: str) -> str:
        raise NotImplementedError

    def start(self, key: str, coro: Coroutine[Any, Any, Any]) -> Any:
        raise NotImplementedError

    def _revalidate(self) -> None:
        raise NotImplementedError

    def _dimension_check(self, field: str) -> Callable[[int, int], str | None] | None:
        return None

    def slots(self) -> list[SlotState]:
        return list(self._slots.values())

    def slot(self, field: str) -> SlotState:
        return self._slots[field]

    def group_slots(self, group: str) -> list[SlotState]:
        return [s for s in self._slots.values() if slot_group(s.field) == group]

    def slot_caption(self, field: str) -> str:
        """'First frame (optional)', 'Image 2 (@Image2)' — what the tile says it is for."""
        spec = self._slots[field].spec
        label = str(spec.label)
        if spec.mention and spec.mention.lower() not in label.lower():
            label = f"{label} ({spec.mention})"
        elif len(self.group_slots(slot_group(field))) == 1 and "(" not in label:
            label += " (required)" if self.slot_required(field) else " (optional)"
        return label

    def slot_required(self, field: str) -> bool:
        return False

    def use_as_first_frame(self, path: Path | str) -> None:
        """"Use as first frame" from the jobs panel or the gallery: when the current model
        takes no first frame, switch to the nearest one that does (same family first)."""
        takes = self.spec.takes_first_frame
        if "fileID" not in self._slots or not takes(self.model):
            takers = [m for m in self.spec.models.values() if takes(m)]
            if not takers:
                return
            same = [m for m in takers if m.family == self.model.family]
            self.set_model((same or takers)[0].id)
        self.set_slot_file("fileID", path)

    def end_frame_note(self) -> str | None:
        """Why the end-frame slot cannot be used with the current options, if it cannot."""
        slot = self._slots.get("end_frame_fileID")
        if slot is None or slot.filled:
            return None
        probe_body = dict(self.build_request(), end_frame_fileID="end.png")
        probe_body.setdefault("fileID", "first.png")
        for p in self._validate(probe_body):
            if p.field == "end_frame_fileID":
                return self.words_for(p.field, p.field, p.message)
        return None

    def group_title(self, group: str) -> str:
        """'Reference images — up to 9, mention them as @Image1…@Image9'."""
        specs = [s.spec for s in self.group_slots(group)]
        if not specs:
            return ""
        if len(specs) == 1:
            return self.slot_caption(specs[0].field)
        base = _GROUP_NAMES.get(group) or re.sub(r"\s*\(?@\w+\)?|\s*\d+$", "", specs[0].label)
        title = f"{base} — up to {len(specs)}"
        if specs[0].mention and specs[-1].mention:
            title += f"; mention them in the prompt as {specs[0].mention}…{specs[-1].mention}"
        return title

    def group_keys(self) -> list[str]:
        """The slot groups of the current model, in the catalog's order."""
        keys: list[str] = []
        for f in self._slots:
            g = slot_group(f)
            if g not in keys:
                keys.append(g)
        return keys

    def filled_mentions(self) -> list[str]:
        return [s.spec.mention for s in self._slots.values() if s.filled and s.spec.mention]


    def set_slot_file(self, field: str, path: Path | str) -> None:
        """Put a file (a dropped file, a library item…) in a slot; it is checked in a
        thread and the slot shows the verdict."""
        state = self._slots[field]
        path = Path(path)
        self._set_slot(replace(state, path=path, status=SlotStatus.CHECKING, reason=None, info=None,
                               progress=None, thumb=None))
        self.start(f"check:{field}", self._check_slot(field, path))

    async def _check_slot(self, field: str, path: Path) -> None:
        state = self._slots.get(field)
        if state is None:
            return
        try:
            result: SlotCheck = await check_file_async(
                path, state.spec.kinds, dimension_check=self._dimension_check(field))
        except Exception as e:  # an unexpected reader failure still ends as a sentence
            result = SlotCheck(path, None, f"{path.name} could not be checked ({e}).")
        current = self._slots.get(field)
        if current is None or current.path != path:
            return  # replaced while we were reading the file
        status = SlotStatus.OK if result.ok else SlotStatus.REJECTED
        thumb = None
        if result.info is not None and result.info.kind == "image":
            thumb = await asyncio.to_thread(load_thumbnail, path)
        current = self._slots.get(field)
        if current is None or current.path != path:
            return
        self._set_slot(replace(current, status=status, reason=result.reason, info=result.info,
                               thumb=thumb))
        self._revalidate()

    def add_files(self, paths: Iterable[Path | str], group: str | None = None) -> None:
        """Files dropped on the form (or on a slot group): each goes to the first empty slot
        that takes its kind — two images dropped on a first+end frame model fill both."""
        self.start("add-files", self._add_files([Path(p) for p in paths], group))

    async def _add_files(self, paths: list[Path], group: str | None) -> None:
        for path in paths:
            try:
                info: MediaInfo | None = await asyncio.to_thread(probe, path)
            except (ProbeError, OSError):
                info = None
            target = self._first_free_slot(info.kind if info else None, group)
            if target is None:
                self.message.emit(f"{path.name} was not added: no free slot takes "
                                  f"{'this kind of file' if info else 'it'}.")
                continue
            self.set_slot_file(target, path)

    def _first_free_slot(self, kind: str | None, group: str | None) -> str | None:
        for s in self._slots.values():
            if s.filled or (group is not None and slot_group(s.field) != group):
                continue
            if kind is None or kind in s.spec.kinds:
                return s.field
        return None

    def set_slot_image(self, field: str, image: QImage) -> None:
        """A pasted image: saved as PNG in the cache dir (in a thread), then checked."""
        self.start(f"paste:{field}", self._paste(field, image))

    async def _paste(self, field: str, image: QImage) -> None:
        try:
            target = await asyncio.to_thread(save_pasted_image, image)
        except (OSError, ValueError):
            target = None
        if target is None:
            state = self._slots[field]
            self._set_slot(replace(state, status=SlotStatus.REJECTED, path=None,
                                   reason="The pasted image could not be saved."))
            return
        self.set_slot_file(field, target)

    def clear_slot(self, field: str) -> None:
        """Remove a file; later slots of the same group move up (the API wants no gaps)."""
        group = self.group_slots(slot_group(field))
        paths = [s for s in group if s.filled and s.field != field]
        self._refill_group(group, paths)

    def move_slot(self, field: str, offset: int) -> None:
        """Move a filled slot ``offset`` places within its group (reorder references)."""
        group = self.group_slots(slot_group(field))
        filled = [s for s in group if s.filled]
        idx = next((i for i, s in enumerate(filled) if s.field == field), None)
        if idx is None:
            return
        new = max(0, min(len(filled) - 1, idx + offset))
        if new == idx:
            return
        filled.insert(new, filled.pop(idx))
        self._refill_group(group, filled)

    def _refill_group(self, group: list[SlotState], contents: list[SlotState]) -> None:
        for i, slot in enumerate(group):
            src = contents[i] if i < len(contents) else None
            new = (replace(slot, path=src.path, status=src.status, reason=src.reason,
                           info=src.info, progress=src.progress, thumb=src.thumb)
                   if src else SlotState(slot.spec))
            if new != slot:
                self._set_slot(new)
        self._revalidate()

    def set_upload_progress(self, percent: int | None, field: str | None = None) -> None:
        """The engine's upload progress for the job just submitted, shown on the slot (or
        on every filled slot when the engine does not say which file it is uploading)."""
        for s in self._slots.values():
            if s.filled and (field is None or s.field == field):
                self._set_slot(replace(s, progress=percent))

    def _set_slot(self, state: SlotState) -> None:
        self._slots[state.field] = state
        self.slotChanged.emit(state.field)


THUMB_SIZE = QSize(300, 200)


def load_thumbnail(path: Path) -> QImage | None:
    """A small QImage of an image file; decoded at reduced size (runs in a thread)."""
    reader = QImageReader(str(path))
    size = reader.size()
    if size.isValid():
        reader.setScaledSize(size.scaled(THUMB_SIZE, Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    return None if image.isNull() else image


def save_pasted_image(image: QImage) -> Path | None:
    """Save a pasted image as a PNG in the cache dir (in a thread); its path, or None."""
    d = app_paths().cache_dir / "pasted"
    d.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    n = 1
    while (target := d / f"pasted-{stamp}-{n}.png").exists():
        n += 1
    return target if image.save(str(target)) else None  # PNG, from the suffix
