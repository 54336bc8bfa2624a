"""The Image tab: every image model by pointing and clicking (issue #5 §2)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel, QWidget

from minimax_studio.ui.tabs.form_tab import FieldRow, FormTab
from minimax_studio.viewmodels.image_form import MAX_QUANTITY

if TYPE_CHECKING:
    from minimax_studio.viewmodels.form_common import FormModel


class ImageTab(FormTab):
    title = "Image"

    def __init__(self, form: FormModel, parent: QWidget | None = None) -> None:
        super().__init__(form, parent)
        self.setObjectName("imageTab")
        self.iform = form
        self.aspect = self.add_combo("aspectRatio", "Aspect ratio")
        self.resolution = self.add_combo("resolution", "Resolution")
        self.quality = self.add_combo("quality", "Quality")
        self.quantity = self.add_spin("quantity", "Images", 1, MAX_QUANTITY)
        # Midjourney always makes 4: shown, not editable, so nobody wonders where 3 came from.
        self.fixed_quantity = QLabel(self.settings)
        self.fixed_quantity.setObjectName("fixedQuantity")
        self._add_row("fixedQuantity", FieldRow("Images", self.fixed_quantity, self.settings))
        self.finish_setup()

    def row_always_shown(self, field: str) -> bool:
        return field == "fixedQuantity" and self.iform.quantity_text is not None

    def update_rows(self) -> None:
        m = self.iform.model
        self.fill_combo(self.aspect, [(a, a) for a in m.aspect_ratios])
        self.fill_combo(self.resolution, [(r, r) for r in m.resolutions])
        self.fill_combo(self.quality, [(q, q.capitalize()) for q in m.quality_levels])
        self.fixed_quantity.setText(self.iform.quantity_text or "")
