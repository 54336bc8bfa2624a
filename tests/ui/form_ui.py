"""Driving the form tabs the way a person does: click the picker, type, drop files from a
file manager (a real QDropEvent with file URLs), paste from the clipboard."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication, QImage
from PySide6.QtWidgets import QApplication, QWidget

from minimax_studio.ui.tabs.form_tab import FormTab


class RecordingEngine:
    """Takes the place of core.engine.Engine where only the hand-over is under test."""

    def __init__(self) -> None:
        self.submitted: list[tuple[str, dict[str, Any]]] = []

    async def submit(self, kind: str, request: dict[str, Any]) -> Any:
        self.submitted.append((kind, dict(request)))
        return SimpleNamespace(id=len(self.submitted))

    async def preview_route(self, kind: str, request: dict[str, Any]) -> Any:
        return SimpleNamespace(account="4242", reason="it has 2 free slots", cost=None)

    def events(self) -> AsyncIterator[Any]:
        async def nothing() -> AsyncIterator[Any]:
            return
            yield

        return nothing()


def pick_model(qtbot: Any, tab: FormTab, model_id: str) -> None:
    """Open the picker's popup and click the model's row."""
    combo = tab.picker.combo
    qtbot.mouseClick(combo, Qt.MouseButton.LeftButton)
    view = combo.view()
    qtbot.waitUntil(view.isVisible, timeout=2000)
    row = tab.picker.row_of(model_id)
    index = combo.model().index(row, 0)
    # QComboBox's popup ignores a mouse release that comes within the double-click interval
    # of opening it (so the opening click cannot select); choose with the keyboard instead,
    # as a person using arrow keys + Enter does.
    view.setCurrentIndex(index)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: tab.form.model_id == model_id, timeout=2000)


def drop_files(widget: QWidget, paths: Sequence[Path]) -> None:
    """What a file manager sends: text/uri-list with file:// URLs."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    drop_mime(widget, mime)


def drop_mime(widget: QWidget, mime: QMimeData) -> None:
    """Drag-enter then drop ``mime`` on the middle of ``widget``; both must be accepted."""
    pos = QPointF(widget.rect().center())
    enter = QDragEnterEvent(pos.toPoint(), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, enter)
    assert enter.isAccepted(), f"{widget.objectName()} refused the drag"
    drop = QDropEvent(pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, drop)
    assert drop.isAccepted(), f"{widget.objectName()} refused the drop"


def paste_image(qtbot: Any, widget: QWidget, image: QImage) -> None:
    QGuiApplication.clipboard().setImage(image)
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)


def slot_widget(tab: FormTab, field: str) -> Any:
    for group in tab.groups.values():
        if field in group.widgets:
            return group.widgets[field]
    raise KeyError(field)


def settle(qtbot: Any, tab: FormTab) -> None:
    qtbot.waitUntil(lambda: not tab.form.busy, timeout=5000)


def visible_text(tab: FormTab) -> str:
    """Every visible label of the tab, as a person would read it."""
    from PySide6.QtWidgets import QLabel

    return "\n".join(lbl.text() for lbl in tab.findChildren(QLabel)
                     if lbl.isVisibleTo(tab) and lbl.text())
