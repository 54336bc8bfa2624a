"""A group of reference slots that fill in order (fileID, fileID2, …): the filled ones as
thumbnails that can be reordered, plus one empty slot to drop the next file on.

Single slots (first frame, end frame, character) are a group of one.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QDragEnterEvent, QDropEvent, QImage
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from minimax_studio.ui.theme import colors
from minimax_studio.ui.widgets.drop_slot import DropSlot
from minimax_studio.ui.widgets.flow_layout import FlowLayout
from minimax_studio.ui.widgets.pasted_media import local_files
from minimax_studio.viewmodels.form_slots import SlotStatus

if TYPE_CHECKING:
    from minimax_studio.viewmodels.form_common import FormModel, SlotState


def slot_detail(state: SlotState) -> str | None:
    info = state.info
    if info is None:
        return None
    parts = [info.format.upper()]
    if info.width and info.height:
        parts.append(f"{info.width}×{info.height}")
    if info.duration is not None:
        parts.append(f"{info.duration:.1f} s")
    return " · ".join(parts)


class SlotGroup(QWidget):
    def __init__(self, form: FormModel, group: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = form
        self.group = group
        self.setObjectName(f"group:{group}")
        self.setAcceptDrops(True)
        self.title = QLabel(form.group_title(group), self)
        self.title.setObjectName("groupTitle")
        self.title.setWordWrap(True)
        single = len(form.group_slots(group)) == 1
        self.title.setVisible(not single)  # a lone tile's caption already says what it is for
        self.note = QLabel(self)
        self.note.setObjectName("groupNote")
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: palette(placeholder-text);")
        self.note.hide()
        self.problem = QLabel(self)
        self.problem.setObjectName("groupProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(f"color: {colors().error};")
        if single:  # keep the sentence as narrow as the tile it belongs to
            self.problem.setMaximumWidth(220)
            self.note.setMaximumWidth(220)
        self.problem.hide()
        self.area = QWidget(self)
        self.flow = FlowLayout(self.area, spacing=6)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(3)
        lay.addWidget(self.title)
        lay.addWidget(self.note)
        lay.addWidget(self.area)
        lay.addWidget(self.problem)
        self.widgets: dict[str, DropSlot] = {}
        for state in form.group_slots(group):
            w = DropSlot(state.field, form.slot_caption(state.field), state.spec.kinds, self.area)
            w.filesDropped.connect(lambda files, f=state.field: self._on_files(f, files))
            w.imagePasted.connect(lambda img, f=state.field: self._on_image(f, img))
            w.removeRequested.connect(lambda f=state.field: form.clear_slot(f))
            w.moveRequested.connect(lambda off, f=state.field: form.move_slot(f, off))
            self.flow.addWidget(w)
            self.widgets[state.field] = w
        form.slotChanged.connect(self._on_slot_changed)
        self.refresh()

    def set_note(self, text: str | None) -> None:
        self.note.setText(text or "")
        self.note.setVisible(bool(text))

    def set_problem(self, text: str | None) -> None:
        self.problem.setText(text or "")
        self.problem.setVisible(bool(text))

    def _on_slot_changed(self, field: str) -> None:
        if field in self.widgets:
            self.refresh()

    def refresh(self) -> None:
        """Filled slots, then the first empty one; the rest stay hidden until needed."""
        states = self.form.group_slots(self.group)
        filled = [s for s in states if s.filled]
        shown_empty = False
        for i, s in enumerate(states):
            w = self.widgets.get(s.field)
            if w is None:
                continue
            if s.filled:
                w.set_state(s.path, s.status, s.reason, slot_detail(s), s.thumb, s.progress)
                w.set_movable(i > 0, i < len(filled) - 1)
                w.show()
            elif not shown_empty:
                w.set_state(None, SlotStatus.EMPTY, s.reason, None, None, None)
                w.set_movable(False, False)
                w.show()
                shown_empty = True
            else:
                w.hide()
        self.flow.invalidate()
        self.area.updateGeometry()

    def visible_slots(self) -> list[DropSlot]:
        return [w for w in self.widgets.values() if not w.isHidden()]

    # --- several files for one slot: the rest go to the next free slots of the group ---
    def _on_files(self, field: str, files: list[Path]) -> None:
        if not files:
            return
        self.form.set_slot_file(field, files[0])
        if len(files) > 1:
            self.form.add_files(files[1:], group=self.group)

    def _on_image(self, field: str, image: QImage) -> None:
        self.form.set_slot_image(field, image)

    # --- dropping on the group's background (between tiles, on the title) ------------
    def dragEnterEvent(self, e: QDragEnterEvent) -> None:
        if local_files(e.mimeData()):
            e.acceptProposedAction()
        else:
            e.ignore()

    def dropEvent(self, e: QDropEvent) -> None:
        files = local_files(e.mimeData())
        if files:
            self.form.add_files(files, group=self.group)
            e.acceptProposedAction()
