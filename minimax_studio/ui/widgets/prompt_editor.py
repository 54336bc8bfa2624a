"""The prompt: text, a character counter against the model's limit, the optimizer toggle,
``@Image1``… completion for the slots that hold a file, and camera-move chips for the
Director models (Hailuo reads up to 3 moves combined in one ``[…]``)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QMimeData, QStringListModel, Qt, Signal
from PySide6.QtGui import QKeyEvent, QTextCursor
from PySide6.QtWidgets import (
    QCheckBox,
    QCompleter,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from minimax_studio.ui.theme import colors
from minimax_studio.ui.widgets.flow_layout import FlowLayout
from minimax_studio.ui.widgets.pasted_media import offers_media, pasted_media

MAX_CAMERA_MOVES = 3


class PromptText(QPlainTextEdit):
    """A plain-text edit with an ``@`` completer; Ctrl+Enter asks to generate; Tab moves
    on to the next field (a prompt has no use for tab characters); a pasted picture or
    file goes to the form's slots instead of being dropped silently."""

    submitRequested = Signal()
    #: Ctrl+V of something that is not text (a screenshot, copied files).
    mediaPasted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.mentions = QStringListModel(self)
        self.completer = QCompleter(self.mentions, self)
        self.completer.setWidget(self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.completer.activated.connect(self.insert_completion)

    def set_mentions(self, mentions: Sequence[str]) -> None:
        self.mentions.setStringList(list(mentions))

    def mention_prefix(self) -> str | None:
        """The ``@word`` being typed right before the cursor, or None."""
        block = self.textCursor().block().text()
        col = self.textCursor().positionInBlock()
        start = block.rfind("@", 0, col)
        if start < 0:
            return None
        word = block[start:col]
        return word if all(c.isalnum() for c in word[1:]) else None

    def insert_completion(self, text: str) -> None:
        prefix = self.mention_prefix() or ""
        cur = self.textCursor()
        cur.movePosition(QTextCursor.MoveOperation.Left, QTextCursor.MoveMode.KeepAnchor, len(prefix))
        cur.insertText(text + " ")
        self.setTextCursor(cur)

    def canInsertFromMimeData(self, source: QMimeData) -> bool:
        return offers_media(source) or super().canInsertFromMimeData(source)

    def insertFromMimeData(self, source: QMimeData) -> None:
        if pasted_media(source) is not None:
            self.mediaPasted.emit()  # the form puts it in the first free slot that takes it
            return
        super().insertFromMimeData(source)

    def keyPressEvent(self, e: QKeyEvent) -> None:
        popup = self.completer.popup()
        assert popup is not None  # QCompleter always has one
        if popup.isVisible() and e.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter,
                                             Qt.Key.Key_Tab, Qt.Key.Key_Escape):
            e.ignore()  # the completer's popup handles these
            return
        if e.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and \
                e.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.submitRequested.emit()
            return
        super().keyPressEvent(e)
        prefix = self.mention_prefix()
        if prefix is None or not self.mentions.stringList():
            popup.hide()
            return
        self.completer.setCompletionPrefix(prefix)
        if self.completer.completionCount() == 0:
            popup.hide()
            return
        popup.setCurrentIndex(self.completer.completionModel().index(0, 0))
        rect = self.cursorRect()
        rect.setWidth(popup.sizeHintForColumn(0) + popup.verticalScrollBar().sizeHint().width())
        self.completer.complete(rect)


class PromptEditor(QWidget):
    textChanged = Signal(str)
    optimizationToggled = Signal(bool)
    submitRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = PromptText(self)
        self.edit.setObjectName("prompt")
        self.edit.setPlaceholderText("Describe the shot: subject, action, setting, light, camera…")
        self.edit.setMinimumHeight(70)
        self.edit.setMaximumHeight(130)
        self.counter = QLabel(self)
        self.counter.setObjectName("promptCounter")
        self.optimize = QCheckBox("Let Hailuo improve the prompt", self)
        self.optimize.setObjectName("promptOptimization")
        self.optimize.setToolTip("promptOptimization: Hailuo rewrites the prompt before generating.")
        self.mention_hint = QLabel(self)
        self.mention_hint.setStyleSheet("color: palette(placeholder-text);")
        self.mention_hint.setWordWrap(True)

        self.moves_box = QWidget(self)
        self.moves_box.setObjectName("cameraMoves")
        moves_lay = QVBoxLayout(self.moves_box)
        moves_lay.setContentsMargins(0, 0, 0, 0)
        self.moves_title = QLabel(f"Camera moves (up to {MAX_CAMERA_MOVES} combined):", self.moves_box)
        self.chips_area = QWidget(self.moves_box)
        self.chips_layout = FlowLayout(self.chips_area, spacing=4)
        self.insert_moves = QPushButton(self.moves_box)
        self.insert_moves.setObjectName("insertCameraMoves")
        moves_lay.addWidget(self.moves_title)
        moves_lay.addWidget(self.chips_area)
        moves_lay.addWidget(self.insert_moves, 0, Qt.AlignmentFlag.AlignLeft)
        self.chips: list[QToolButton] = []

        bottom = QHBoxLayout()
        bottom.addWidget(self.optimize)
        bottom.addStretch(1)
        bottom.addWidget(self.counter)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.edit)
        lay.addLayout(bottom)
        lay.addWidget(self.mention_hint)
        lay.addWidget(self.moves_box)

        self._limit = 0
        self.edit.textChanged.connect(self._on_text)
        self.edit.submitRequested.connect(self.submitRequested)
        self.optimize.toggled.connect(self.optimizationToggled)
        self.insert_moves.clicked.connect(self._insert_moves)
        self.set_camera_moves(())
        self.set_mentions(())

    # --- state from the form ---------------------------------------------------------
    def set_text(self, text: str) -> None:
        if text != self.edit.toPlainText():
            self.edit.setPlainText(text)

    def text(self) -> str:
        return self.edit.toPlainText()

    def set_limit(self, limit: int) -> None:
        self._limit = limit
        self._update_counter()

    def set_optimization(self, on: bool) -> None:
        self.optimize.blockSignals(True)
        self.optimize.setChecked(on)
        self.optimize.blockSignals(False)

    def set_mentions(self, mentions: Sequence[str]) -> None:
        self.edit.set_mentions(mentions)
        if mentions:
            self.mention_hint.setText("Type @ to mention a reference: " + ", ".join(mentions))
        self.mention_hint.setVisible(bool(mentions))

    def set_camera_moves(self, moves: Sequence[str]) -> None:
        for chip in self.chips:
            chip.deleteLater()
        self.chips = []
        for move in moves:
            chip = QToolButton(self.chips_area)
            chip.setText(move)
            chip.setCheckable(True)
            chip.setObjectName(f"move:{move}")
            chip.toggled.connect(self._on_chip)
            self.chips_layout.addWidget(chip)
            self.chips.append(chip)
        self.moves_box.setVisible(bool(moves))
        self._on_chip()

    # --- internals ------------------------------------------------------------------
    def selected_moves(self) -> list[str]:
        return [c.text() for c in self.chips if c.isChecked()]

    def _on_chip(self) -> None:
        chosen = self.selected_moves()
        full = len(chosen) >= MAX_CAMERA_MOVES
        for c in self.chips:
            c.setEnabled(c.isChecked() or not full)
        self.insert_moves.setEnabled(bool(chosen))
        self.insert_moves.setText(f"Insert [{', '.join(chosen)}]" if chosen
                                  else "Pick moves, then insert them at the cursor")

    def _insert_moves(self) -> None:
        chosen = self.selected_moves()
        if not chosen:
            return
        self.edit.textCursor().insertText(f"[{', '.join(chosen)}]")
        for c in self.chips:
            c.setChecked(False)
        self.edit.setFocus()

    def _on_text(self) -> None:
        self._update_counter()
        self.textChanged.emit(self.edit.toPlainText())

    def _update_counter(self) -> None:
        n = len(self.edit.toPlainText())
        over = self._limit and n > self._limit
        self.counter.setText(f"{n:,} / {self._limit:,} characters" if self._limit else f"{n:,}")
        self.counter.setStyleSheet(f"color: {colors().error}; font-weight: 600;" if over else "")
