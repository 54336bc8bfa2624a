"""The Video tab's form: which fields the chosen video model takes, from the catalog."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject

from minimax_studio.api import catalog
from minimax_studio.viewmodels.form_common import FormModel, strip_field_prefix

#: The family order of the picker (issue #5 §1).
FAMILY_ORDER = ("Hailuo 01", "Hailuo 02", "Hailuo 2.3", "Veo 3.1", "Sora 2", "Seedance 2.0")


def option_label(option: str) -> str:
    """'768p-10sec' -> '768p · 10 s'; 'veo-4k-8sec' -> '4K · 8 s'."""
    m = re.fullmatch(r"(?:veo-)?(\w+?)-(\d+)sec", option)
    if not m:
        return option
    res = m.group(1)
    res = res.upper() if res.lower() == "4k" else res
    return f"{res} · {m.group(2)} s"


def resolution_label(resolution: str) -> str:
    return resolution if resolution.upper() == "4K" else f"{resolution}p"


class VideoFormModel(FormModel):
    kind = "video"

    def __init__(self, engine: Any = None, runner: Any = None,
                 parent: QObject | None = None, model_id: str | None = None) -> None:
        super().__init__(engine, runner, parent)
        self.set_model(model_id or self.default_model_id())

    @staticmethod
    def default_model_id() -> str:
        return "T2V-2.3" if "T2V-2.3" in catalog.VIDEO_MODELS else next(iter(catalog.VIDEO_MODELS))

    def models(self) -> Mapping[str, Any]:
        return catalog.VIDEO_MODELS

    def _default_request(self, model_id: str) -> dict[str, Any]:
        return dict(catalog.default_video_request(model_id))

    def _validate(self, body: Mapping[str, Any]) -> list[catalog.Problem]:
        return list(catalog.validate_video_request(body))

    def _cost_of(self, body: Mapping[str, Any]) -> catalog.Cost:
        return catalog.video_cost(body)

    def applicable_fields(self) -> tuple[str, ...]:
        m = self.model
        fields: list[str] = []
        if m.options:
            fields.append("options")
        if m.resolutions:
            fields.append("resolution")
        if m.durations:
            fields.append("duration")
        if m.aspect_ratios:
            fields.append("aspectRatio")
        return tuple(fields)

    def _allowed(self, field: str, value: Any) -> bool:
        m = self.model
        choices = {"options": m.options, "resolution": m.resolutions,
                   "duration": m.durations, "aspectRatio": m.aspect_ratios}.get(field)
        return choices is None or value in choices

    def _dimension_check(self, field: str) -> Callable[[int, int], str | None] | None:
        model_id = self.model_id

        def check(width: int, height: int) -> str | None:
            # The catalog owns the rule (Sora 2: exactly 1280×720 or 720×1280); it may
            # answer with a sentence or a Problem.
            found: Any = catalog.check_reference_dimensions(model_id, width, height)
            if found is None or isinstance(found, str):
                return found
            return strip_field_prefix(found.field, str(found.message))

        return check

    def slot_required(self, field: str) -> bool:
        return field == "fileID" and self.model.first_frame == "required"

    def use_as_first_frame(self, path: Path | str) -> None:
        """"Use as first frame" from the jobs panel or the gallery: when the current model
        takes no first frame, switch to the nearest one that does (same family first)."""
        if "fileID" not in self._slots or self.model.first_frame == "none":
            family = self.model.family
            takers = [m for m in catalog.VIDEO_MODELS.values() if m.first_frame != "none"]
            same = [m for m in takers if m.family == family]
            if not takers:
                return
            self.set_model((same or takers)[0].id)
        self.set_slot_file("fileID", path)

    # --- what the tab shows ---------------------------------------------------------
    def families(self) -> list[tuple[str, list[Any]]]:
        """[(family, [models])] in the picker's order."""
        groups: dict[str, list[Any]] = {}
        for m in catalog.VIDEO_MODELS.values():
            groups.setdefault(m.family, []).append(m)
        order = {f: i for i, f in enumerate(FAMILY_ORDER)}
        return sorted(groups.items(), key=lambda kv: order.get(kv[0], len(order)))

    @property
    def camera_moves(self) -> tuple[str, ...]:
        return tuple(catalog.CAMERA_MOVES) if self.model.camera_moves else ()

    def end_frame_note(self) -> str | None:
        """Why the end-frame slot cannot be used with the current options, if it cannot."""
        slot = self._slots.get("end_frame_fileID")
        if slot is None or slot.filled:
            return None
        probe = dict(self.build_request(), end_frame_fileID="end.png")
        if "fileID" not in probe:
            probe["fileID"] = "first.png"
        for p in self._validate(probe):
            if p.field == "end_frame_fileID":
                return self.words_for(p.field, p.field, p.message)
        return None
