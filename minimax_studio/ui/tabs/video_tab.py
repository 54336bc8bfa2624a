"""The Video tab: every video model by pointing and clicking (issue #5 §1)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel, QWidget

from minimax_studio.ui.tabs.form_tab import FormTab
from minimax_studio.viewmodels.video_form import option_label, resolution_label

if TYPE_CHECKING:
    from minimax_studio.viewmodels.form_common import FormModel

ASPECT_WORDS = {"16:9": "16:9 landscape", "9:16": "9:16 portrait", "1:1": "1:1 square",
                "21:9": "21:9 cinema", "4:3": "4:3", "3:4": "3:4", "Auto": "Auto (from the inputs)"}


class VideoTab(FormTab):
    title = "Video"

    def __init__(self, form: FormModel, parent: QWidget | None = None) -> None:
        super().__init__(form, parent)
        self.setObjectName("videoTab")
        self.vform = form
        self.options = self.add_combo("options", "Resolution and length")
        self.resolution = self.add_combo("resolution", "Resolution")
        self.duration = self.add_spin("duration", "Length", 4, 15, suffix=" s")
        self.aspect = self.add_combo("aspectRatio", "Aspect ratio")
        # Hailuo 01 models take no options: say so instead of showing an empty section.
        self.fixed_note = QLabel("Fixed output: 720p, 6 s — this model takes no options.",
                                 self.settings)
        self.fixed_note.setObjectName("fixedOutput")
        self.fixed_note.setStyleSheet("color: palette(placeholder-text);")
        self.settings_box.addWidget(self.fixed_note)
        self.finish_setup()

    def update_rows(self) -> None:
        m = self.vform.model
        self.fill_combo(self.options, [(o, option_label(o)) for o in m.options])
        self.fill_combo(self.resolution, [(r, resolution_label(r)) for r in m.resolutions])
        if m.durations:
            self.duration.setRange(min(m.durations), max(m.durations))
        self.fill_combo(self.aspect, [(a, ASPECT_WORDS.get(a, a)) for a in m.aspect_ratios])
        self.fixed_note.setVisible(not self.vform.applicable_fields())
        self.prompt.set_camera_moves(self.vform.camera_moves)

    def after_problems(self) -> None:
        group = self.groups.get("end_frame_fileID")
        if group is not None:
            group.set_note(self.vform.end_frame_note())
