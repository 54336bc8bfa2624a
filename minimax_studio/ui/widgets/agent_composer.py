"""The Agent tab's composer: a multi-line prompt (Ctrl+Enter sends), the models the agent
may use as toggles grouped video / image / audio, the account (automatic by default), and
attachments — dropped, pasted (Ctrl+V of an image or files) or chosen — shown as removable
chips with the reason a file cannot go.

Renders ``ComposerState``; every decision (checks, what Send needs) is the view-model's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QImage,
    QKeyEvent,
    QPixmap,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from minimax_studio.ui.theme import colors
from minimax_studio.ui.widgets.agent_turn_delegate import ThumbCache
from minimax_studio.ui.widgets.flow_layout import FlowLayout
from minimax_studio.ui.widgets.pasted_media import offers_media, pasted_media
from minimax_studio.viewmodels.agent_turns import MediaView
from minimax_studio.viewmodels.agent_vm import AGENT_MODEL_GROUPS, HINT

if TYPE_CHECKING:
    from minimax_studio.viewmodels.agent_vm import AgentVM

__all__ = ["AgentComposer", "ComposerText"]


class ComposerText(QPlainTextEdit):
    """Ctrl+Enter sends; pasting an image or files attaches them instead of inserting text."""

    submitRequested = Signal()
    filesPasted = Signal(list)
    imagePasted = Signal(QImage)

    def keyPressEvent(self, e: QKeyEvent) -> None:
        if e.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and e.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.submitRequested.emit()
            return
        super().keyPressEvent(e)

    def canInsertFromMimeData(self, source: QMimeData) -> bool:
        return offers_media(source) or super().canInsertFromMimeData(source)

    def insertFromMimeData(self, source: QMimeData) -> None:
        got = pasted_media(source)
        if got is None:
            super().insertFromMimeData(source)
        elif got.files:
            self.filesPasted.emit(got.files)
        else:
            self.imagePasted.emit(got.image)


class AgentComposer(QFrame):
    def __init__(self, vm: AgentVM, parent: QWidget | None = None, *, thumbs: ThumbCache | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("agentComposer")
        self._thumbs = thumbs
        if thumbs is not None:  # a chip shows its picture once the thumbnail is read
            thumbs.ready.connect(self._thumb_ready)
        self._chips_waiting = False
        self.setAcceptDrops(True)
        self.vm = vm
        state = vm.composer
        self.prompt = ComposerText(self)
        self.prompt.setObjectName("agentPrompt")
        self.prompt.setPlaceholderText("Ask the agent — e.g. \"a 16:9 video of waves at dusk, then a square "
                                       "poster of it\"")
        self.prompt.setMinimumHeight(64)
        self.prompt.setMaximumHeight(90)
        self.prompt.textChanged.connect(lambda: state.set_prompt(self.prompt.toPlainText()))
        self.prompt.submitRequested.connect(self.send)
        self.prompt.filesPasted.connect(state.add_files)
        self.prompt.imagePasted.connect(state.add_image)

        self.chips = QWidget(self)
        self.chips.setObjectName("agentAttachments")
        self.chips_layout = FlowLayout(self.chips, spacing=4)

        # Model toggles, grouped video / image / audio: one compact menu button per group
        # (15 ids as loose buttons took a third of the tab), each model a checkable entry.
        self.model_buttons: dict[str, QAction] = {}
        self.group_buttons: dict[str, QToolButton] = {}
        models_box = QWidget(self)
        # Flow layouts: the window may be narrow (the tab must not force a minimum width).
        models_row = FlowLayout(models_box, spacing=4)
        models_row.addWidget(QLabel("The agent may use:", models_box))
        for title, models in AGENT_MODEL_GROUPS:
            button = QToolButton(models_box)
            button.setObjectName(f"agentModels-{title.lower()}")
            button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
            menu = QMenu(button)
            for model_id, label, unverified in models:
                act = menu.addAction(label + ("  (unverified)" if unverified else ""))
                act.setCheckable(True)
                act.setObjectName(f"agentModel-{model_id}")
                act.setToolTip(model_id + (" — this id is not in the API docs; the real service may refuse it."
                                           if unverified else ""))
                act.toggled.connect(lambda on, m=model_id: state.set_model(m, on))
                self.model_buttons[model_id] = act
            menu.setToolTipsVisible(True)
            button.setMenu(menu)
            self.group_buttons[title] = button
            models_row.addWidget(button)
        self.models_box = models_box

        self.account = QComboBox(self)
        self.account.setObjectName("agentAccount")
        self.account.addItem("Account: automatic", None)
        self.account.setToolTip("Which of your Hailuo accounts runs the turn; automatic picks one that is free.")
        self.account.currentIndexChanged.connect(lambda _i: state.set_account(self.account.currentData()))
        vm.accountsChanged.connect(self._set_accounts)

        self.attach = QPushButton("Attach…", self)
        self.attach.setObjectName("agentAttach")
        self.attach.setToolTip("Attach images, videos or audio (or drop them here, or paste with Ctrl+V)")
        self.attach.clicked.connect(self._choose_files)
        self.attach_last = QPushButton("Attach the last result", self)
        self.attach_last.setObjectName("agentAttachLast")
        self.attach_last.setToolTip("The agent does not remember earlier turns: attach the newest result "
                                    "to build on it")
        self.attach_last.clicked.connect(vm.attach_last_result)
        self.send_button = QPushButton("Send", self)
        self.send_button.setObjectName("agentSend")
        self.send_button.setDefault(True)
        self.send_button.setToolTip("Send (Ctrl+Enter)")
        self.send_button.clicked.connect(self.send)
        self.hint = QLabel(HINT, self)
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: palette(placeholder-text);")
        self.blocker = QLabel(self)
        self.blocker.setObjectName("agentSendBlocker")
        self.blocker.setWordWrap(True)

        buttons_box = QWidget(self)
        buttons = FlowLayout(buttons_box, spacing=4)
        for w in (self.attach, self.attach_last, self.account, self.send_button):
            buttons.addWidget(w)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.setSpacing(4)
        lay.addWidget(self.prompt)
        lay.addWidget(models_box)
        lay.addWidget(self.chips)
        lay.addWidget(self.blocker)
        lay.addWidget(buttons_box)
        lay.addWidget(self.hint)
        state.changed.connect(self.update_view)
        vm.busyChanged.connect(lambda _b: self.update_view())
        self.update_view()

    # --- actions ----------------------------------------------------------------------------
    def send(self) -> None:
        self.vm.send()

    def _choose_files(self) -> None:
        dlg = QFileDialog(self, "Attach files for the agent")
        dlg.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dlg.setNameFilter("Media (*.png *.jpg *.jpeg *.webp *.mp4 *.mp3 *.wav);;All files (*)")
        dlg.filesSelected.connect(lambda files: self.vm.composer.add_files(files))
        dlg.open()

    def _set_accounts(self, accounts: list[str]) -> None:
        current = self.vm.composer.account
        self.account.blockSignals(True)
        self.account.clear()
        self.account.addItem("Account: automatic", None)
        for a in accounts:
            self.account.addItem(f"Account {a}", a)
        if current and current not in accounts:
            self.account.addItem(f"Account {current} (not found)", current)
        self.account.setCurrentIndex(max(0, self.account.findData(current)))
        self.account.blockSignals(False)

    # --- drag and drop ----------------------------------------------------------------------
    def dragEnterEvent(self, e: QDragEnterEvent) -> None:
        if offers_media(e.mimeData()):
            e.acceptProposedAction()

    def dropEvent(self, e: QDropEvent) -> None:
        got = pasted_media(e.mimeData())
        if got is not None and got.files:
            self.vm.composer.add_files(got.files)
        elif got is not None and got.image is not None:
            self.vm.composer.add_image(got.image)
        e.acceptProposedAction()

    # --- render -----------------------------------------------------------------------------
    def update_view(self) -> None:
        state = self.vm.composer
        if self.prompt.toPlainText() != state.prompt:
            self.prompt.blockSignals(True)
            self.prompt.setPlainText(state.prompt)
            self.prompt.blockSignals(False)
        for model_id, b in self.model_buttons.items():
            on = model_id in state.models
            if b.isChecked() != on:
                b.blockSignals(True)
                b.setChecked(on)
                b.blockSignals(False)
        for title, models in AGENT_MODEL_GROUPS:
            chosen = [label for model_id, label, _u in models if model_id in state.models]
            text = ", ".join(chosen) if len(chosen) <= 2 else f"{len(chosen)} models"
            self.group_buttons[title].setText(f"{title}: {text or 'none'}")
        i = self.account.findData(state.account)
        if i < 0 and state.account:
            self.account.addItem(f"Account {state.account}", state.account)
            i = self.account.count() - 1
        if i >= 0 and i != self.account.currentIndex():
            self.account.blockSignals(True)
            self.account.setCurrentIndex(i)
            self.account.blockSignals(False)
        self._render_chips()
        blocker = self.vm.send_blocker()
        self.send_button.setEnabled(blocker is None)
        self.send_button.setToolTip(blocker or "Send (Ctrl+Enter)")
        shown = blocker if blocker and (state.prompt.strip() or state.attachments) else ""
        self.blocker.setText(shown or "")
        self.blocker.setVisible(bool(shown))
        self.blocker.setStyleSheet(f"color: {colors().error};"
                                   if shown and "Checking" not in shown else "")

    def _thumb_ready(self) -> None:
        if self._chips_waiting:  # transcript thumbnails arrive here too: only redo if needed
            self._render_chips()

    def _render_chips(self) -> None:
        self._chips_waiting = False
        while self.chips_layout.count():
            item = self.chips_layout.takeAt(0)
            w = item.widget() if item is not None else None
            if w is not None:
                w.deleteLater()
        for a in self.vm.composer.attachments:
            chip = QFrame(self.chips)
            chip.setObjectName("agentChip")
            chip.setFrameShape(QFrame.Shape.StyledPanel)
            row = QHBoxLayout(chip)
            row.setContentsMargins(4, 1, 2, 1)
            what = {"image": "Image", "video": "Video", "audio": "Audio"}.get(
                a.kind or "", "Checking…" if a.checking else "Cannot send")
            image = self._thumbs.get(MediaView(a.kind, a.path, a.path.name)) \
                if self._thumbs is not None and a.kind == "image" else None
            if image is None and a.kind == "image" and self._thumbs is not None:
                self._chips_waiting = True
            if image is not None and not image.isNull():
                pic = QLabel(chip)
                pic.setPixmap(QPixmap.fromImage(image).scaled(
                    40, 32, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation))
                row.addWidget(pic)
            name = a.path.name if len(a.path.name) <= 36 else a.path.name[:18] + "…" + a.path.name[-14:]
            label = QLabel(f"{what}: {name}", chip)
            if a.reason:
                label.setStyleSheet(f"color: {colors().error};")  # the theme's: reads on dark
                label.setToolTip(a.reason)
            else:
                label.setToolTip(str(a.path))
            remove = QToolButton(chip)
            remove.setText("✕")
            remove.setToolTip(f"Remove {a.path.name}")
            remove.setAutoRaise(True)
            remove.clicked.connect(lambda _=False, p=a.path: self.vm.composer.remove(p))
            row.addWidget(label)
            row.addWidget(remove)
            self.chips_layout.addWidget(chip)
        self.chips.setVisible(bool(self.vm.composer.attachments))

    def paste_from_clipboard(self) -> None:
        """Ctrl+V anywhere on the tab (not only in the prompt)."""
        mime = QGuiApplication.clipboard().mimeData()
        if mime is not None:
            self.prompt.insertFromMimeData(mime)
