"""The Image tab's form: which fields the chosen image model takes, from the catalog."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QObject

from minimax_studio.api import catalog
from minimax_studio.viewmodels.form_common import FormModel

MAX_QUANTITY = 4  # images.md: quantity 1–4


class ImageFormModel(FormModel):
    kind = "image"

    def __init__(self, engine: Any = None, runner: Any = None,
                 parent: QObject | None = None, model_id: str | None = None) -> None:
        super().__init__(engine, runner, parent)
        self.set_model(model_id or self.default_model_id())

    @staticmethod
    def default_model_id() -> str:
        return "image-01" if "image-01" in catalog.IMAGE_MODELS else next(iter(catalog.IMAGE_MODELS))

    def models(self) -> Mapping[str, Any]:
        return catalog.IMAGE_MODELS

    def _default_request(self, model_id: str) -> dict[str, Any]:
        return dict(catalog.default_image_request(model_id))

    def _validate(self, body: Mapping[str, Any]) -> list[catalog.Problem]:
        return list(catalog.validate_image_request(body))

    def _cost_of(self, body: Mapping[str, Any]) -> catalog.Cost:
        return catalog.image_cost(body)

    def applicable_fields(self) -> tuple[str, ...]:
        m = self.model
        fields: list[str] = []
        if m.aspect_ratios:
            fields.append("aspectRatio")
        if m.resolutions:
            fields.append("resolution")
        if m.quality_levels:
            fields.append("quality")
        if not m.fixed_quantity:
            fields.append("quantity")
        return tuple(fields)

    def _allowed(self, field: str, value: Any) -> bool:
        m = self.model
        choices = {"aspectRatio": m.aspect_ratios, "resolution": m.resolutions,
                   "quality": m.quality_levels}.get(field)
        if field == "quantity":
            return isinstance(value, int) and 1 <= value <= MAX_QUANTITY
        return choices is None or value in choices

    def families(self) -> list[tuple[str, list[Any]]]:
        groups: dict[str, list[Any]] = {}
        for m in catalog.IMAGE_MODELS.values():
            groups.setdefault(m.family, []).append(m)
        return list(groups.items())

    @property
    def quantity_text(self) -> str | None:
        """'Always 4 images' for models that ignore quantity (Midjourney)."""
        fixed = self.model.fixed_quantity
        return f"Always {fixed} images" if fixed else None
