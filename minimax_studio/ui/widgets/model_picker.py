"""A model picker grouped by family; each model with its one-line description.

A QComboBox (its popup is not a nested event loop, unlike a QMenu on a button): family
names are bold, unselectable rows; the popup draws "Label — description"; the closed box
shows the label and the description sits underneath.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont, QPalette, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from minimax_studio.ui.widgets.wheel_guard import guard_wheel

ModelIdRole = Qt.ItemDataRole.UserRole + 1
DescriptionRole = Qt.ItemDataRole.UserRole + 2


class _PopupDelegate(QStyledItemDelegate):
    def initStyleOption(self, option: QStyleOptionViewItem,
                        index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        desc = index.data(DescriptionRole)
        if index.data(ModelIdRole) is None:  # a family header
            option.font.setBold(True)
            # Not selectable, but not "disabled grey" either: a heading must be readable.
            pal = option.palette
            pal.setBrush(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text,
                         pal.brush(QPalette.ColorGroup.Active, QPalette.ColorRole.Text))
            option.palette = pal
        elif desc:
            option.text = f"    {option.text}  —  {desc}"


class ModelPicker(QWidget):
    modelPicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.combo = QComboBox(self)
        self.combo.setObjectName("modelPicker")
        guard_wheel(self.combo)  # scrolling the form never switches the model
        self.combo.setMaxVisibleItems(30)
        self.combo.setItemDelegate(_PopupDelegate(self.combo))
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(18)
        self.description = QLabel(self)
        self.description.setObjectName("modelDescription")
        self.description.setWordWrap(True)
        self.description.setStyleSheet("color: palette(placeholder-text);")
        self._items = QStandardItemModel(self)
        self.combo.setModel(self._items)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(self.combo)
        lay.addWidget(self.description)
        self.combo.currentIndexChanged.connect(self._on_index)

    def set_families(self, families: Sequence[tuple[str, Sequence[Any]]]) -> None:
        """``[(family, [model objects with id/label/description])]``."""
        self.combo.blockSignals(True)
        self._items.clear()
        bold = QFont()
        bold.setBold(True)
        for family, models in families:
            header = QStandardItem(family)
            header.setFlags(Qt.ItemFlag.NoItemFlags)
            header.setFont(bold)
            self._items.appendRow(header)
            for m in models:
                item = QStandardItem(m.label)
                item.setData(m.id, ModelIdRole)
                item.setData(m.description, DescriptionRole)
                item.setToolTip(m.description)
                self._items.appendRow(item)
        self.combo.blockSignals(False)
        self._fit_popup()

    def _fit_popup(self) -> None:
        """The popup is as wide as its longest "label — description" line (within the
        screen), so no description is cut off; the closed box stays narrow."""
        view = self.combo.view()
        if view is None:
            return
        fm = view.fontMetrics()
        widest = 0
        for r in range(self._items.rowCount()):
            item = self._items.item(r)
            desc = item.data(DescriptionRole)
            text = f"    {item.text()}  —  {desc}" if desc else item.text()
            widest = max(widest, fm.horizontalAdvance(text))
        screen = self.screen()
        limit = screen.availableGeometry().width() - 40 if screen is not None else 1600
        view.setMinimumWidth(min(widest + 48, limit))
        view.setTextElideMode(Qt.TextElideMode.ElideNone)

    def model_ids(self) -> list[str]:
        return [self._items.item(r).data(ModelIdRole) for r in range(self._items.rowCount())
                if self._items.item(r).data(ModelIdRole) is not None]

    def row_of(self, model_id: str) -> int:
        for r in range(self._items.rowCount()):
            if self._items.item(r).data(ModelIdRole) == model_id:
                return r
        return -1

    def current_model(self) -> str | None:
        data = self.combo.currentData(ModelIdRole)
        return str(data) if data is not None else None

    def set_current(self, model_id: str) -> None:
        row = self.row_of(model_id)
        if row >= 0:
            self.combo.blockSignals(True)
            self.combo.setCurrentIndex(row)
            self.combo.blockSignals(False)
            self._show_description(row)

    def _show_description(self, row: int) -> None:
        item = self._items.item(row) if row >= 0 else None
        self.description.setText(item.data(DescriptionRole) or "" if item else "")

    def _on_index(self, row: int) -> None:
        item = self._items.item(row) if row >= 0 else None
        if item is None or item.data(ModelIdRole) is None:
            return
        self._show_description(row)
        self.modelPicked.emit(str(item.data(ModelIdRole)))
