"""What the Video and Image tabs share: picker, prompt, settings with their inline
problems, reference slot groups, cost + account, and the Generate button that says why it
is disabled. The right-hand side (jobs panel, results) is set by the window.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import (
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QKeySequence,
    QShortcut,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from minimax_studio.ui.theme import colors
from minimax_studio.ui.widgets.cost_label import CostLabel
from minimax_studio.ui.widgets.flow_layout import FlowLayout
from minimax_studio.ui.widgets.focus_ring import install_focus_ring
from minimax_studio.ui.widgets.model_picker import ModelPicker
from minimax_studio.ui.widgets.pasted_media import local_files, pasted_media
from minimax_studio.ui.widgets.prompt_editor import PromptEditor
from minimax_studio.ui.widgets.slot_group import SlotGroup
from minimax_studio.ui.widgets.wheel_guard import guard_wheel
from minimax_studio.viewmodels.form_common import FIX_ACCOUNTS, FIX_ADD_ACCOUNT
from minimax_studio.viewmodels.job_rows import outcome_sentence

if TYPE_CHECKING:
    from minimax_studio.viewmodels.form_common import FormModel

def error_style() -> str:
    """Red that reads on the current theme's background (WCAG AA in light and dark)."""
    return f"color: {colors().error};"


#: A setting (label, editor, its problem sentence) never grows wider than this.
ROW_MAX_WIDTH = 300
#: The narrowest the form pane and the jobs/preview pane get when the splitter is dragged.
FORM_MIN_WIDTH = 320
SIDE_MIN_WIDTH = 260


def section(title: str, parent: QWidget) -> QLabel:
    label = QLabel(title, parent)
    label.setStyleSheet("font-weight: 700; font-size: 13px; margin-top: 6px;")
    return label


class FieldRow(QWidget):
    """A labelled setting with the sentence that says what is wrong with it, right below."""

    def __init__(self, title: str, editor: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.label = QLabel(title, self)
        self.problem = QLabel(self)
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(error_style())
        self.problem.hide()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(self.label)
        lay.addWidget(editor)
        lay.addWidget(self.problem)

    def set_problem(self, text: str | None) -> None:
        self.problem.setText(text or "")
        self.problem.setVisible(bool(text))


FIX_LABELS = {FIX_ADD_ACCOUNT: "Add account…", FIX_ACCOUNTS: "Open Accounts"}


class FormTab(QWidget):
    title = ""
    #: The person clicked the fix next to a blocked Generate (FIX_ADD_ACCOUNT / FIX_ACCOUNTS).
    fixRequested = Signal(str)

    def __init__(self, form: FormModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = form
        self.rows: dict[str, FieldRow] = {}
        self.groups: dict[str, SlotGroup] = {}

        self.body = QWidget()
        self.body.setObjectName("formBody")
        col = QVBoxLayout(self.body)
        col.setContentsMargins(12, 12, 12, 12)
        self.picker = ModelPicker(self.body)
        self.picker.set_families(form.families())  # type: ignore[attr-defined]
        self.prompt = PromptEditor(self.body)
        self.prompt_problem = QLabel(self.body)
        self.prompt_problem.setObjectName("promptProblem")
        self.prompt_problem.setWordWrap(True)
        self.prompt_problem.setStyleSheet(error_style())
        self.settings = QWidget(self.body)
        self.settings_box = QVBoxLayout(self.settings)
        self.settings_box.setContentsMargins(0, 0, 0, 0)
        # Settings wrap onto a new line instead of widening the form (Seedance has five).
        self.settings_area = QWidget(self.settings)
        self.settings_flow = FlowLayout(self.settings_area, spacing=12)
        self.settings_box.addWidget(self.settings_area)
        self.inputs_title = section("Inputs", self.body)
        self.inputs_hint = QLabel("Drop files from your file manager onto a slot, paste an image "
                                  "with Ctrl+V, or click a slot to choose a file.", self.body)
        self.inputs_hint.setWordWrap(True)
        self.inputs_hint.setStyleSheet("color: palette(placeholder-text);")
        self.inputs = QWidget(self.body)
        self.inputs_layout = QVBoxLayout(self.inputs)
        self.inputs_layout.setContentsMargins(0, 0, 0, 0)

        col.addWidget(section("Model", self.body))
        col.addWidget(self.picker)
        col.addWidget(section("Prompt", self.body))
        col.addWidget(self.prompt)
        col.addWidget(self.prompt_problem)
        col.addWidget(section("Settings", self.body))
        col.addWidget(self.settings)
        col.addWidget(self.inputs_title)
        col.addWidget(self.inputs_hint)
        col.addWidget(self.inputs)
        col.addStretch(1)

        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.body)

        # The bar under the form: always visible, however long the form is.
        self.general_problem = QLabel(self)
        self.general_problem.setObjectName("generalProblem")
        self.general_problem.setWordWrap(True)
        self.general_problem.setStyleSheet(error_style())
        self.cost = CostLabel(self)
        self.generate = QPushButton("Generate", self)
        self.generate.setObjectName("generate")
        self.generate.setDefault(True)
        self.generate.setMinimumHeight(34)
        self.generate.setToolTip("Ctrl+Enter")
        self.blocker = QLabel(self)
        self.blocker.setObjectName("generateBlocker")
        self.blocker.setWordWrap(True)
        self.fix = QPushButton(self)
        self.fix.setObjectName("generateFix")
        self.fix.hide()
        self.fix.clicked.connect(lambda: self.fixRequested.emit(self.form.submit_fix))
        self.status = QLabel(self)
        self.status.setObjectName("submitStatus")
        self.status.setWordWrap(True)
        bar = QFrame(self)
        bar.setFrameShape(QFrame.Shape.StyledPanel)
        bar_lay = QVBoxLayout(bar)
        bar_lay.addWidget(self.general_problem)
        line = QHBoxLayout()
        line.addWidget(self.cost, 1)
        line.addWidget(self.generate)
        bar_lay.addLayout(line)
        why = QHBoxLayout()
        why.addWidget(self.blocker, 1)
        why.addWidget(self.fix, 0, Qt.AlignmentFlag.AlignTop)
        bar_lay.addLayout(why)
        bar_lay.addWidget(self.status)

        left = QWidget(self)
        left_lay = QVBoxLayout(left)
        left_lay.setContentsMargins(0, 0, 0, 0)
        left_lay.addWidget(scroll, 1)
        left_lay.addWidget(bar)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(left)
        self.side = QWidget(self)
        self.side_layout = QVBoxLayout(self.side)
        self.side_layout.setContentsMargins(0, 0, 0, 0)
        self.splitter.addWidget(self.side)
        self.side.hide()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.splitter)

        self.focus_ring = install_focus_ring(self)
        # Files dropped anywhere on the form go to the first free slot that takes them;
        # Ctrl+V outside the prompt pastes into the first free image slot.
        self.setAcceptDrops(True)
        paste = QShortcut(QKeySequence(QKeySequence.StandardKey.Paste), self)
        paste.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        paste.activated.connect(self.paste)
        for seq in ("Ctrl+Return", "Ctrl+Enter"):
            sc = QShortcut(QKeySequence(seq), self)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(self.submit)
        self.picker.modelPicked.connect(form.set_model)
        self.prompt.textChanged.connect(lambda t: form.set_value("prompt", t))
        self.prompt.optimizationToggled.connect(lambda on: form.set_value("promptOptimization", on))
        self.prompt.submitRequested.connect(self.submit)
        self.prompt.edit.mediaPasted.connect(self._paste_from_prompt)
        self.generate.clicked.connect(self.submit)
        form.modelChanged.connect(self._on_model)
        form.valueChanged.connect(self._on_value)
        form.slotsChanged.connect(self._build_inputs)
        form.slotChanged.connect(self._on_slot)
        form.problemsChanged.connect(self._show_problems)
        form.costChanged.connect(self.cost.set_cost)
        form.routeChanged.connect(self.cost.set_route)
        form.canSubmitChanged.connect(self._on_can_submit)
        form.fixChanged.connect(self._on_fix)
        form.submitted.connect(self._on_submitted)
        form.submitFailed.connect(self._on_failed)
        form.lastJobChanged.connect(self._on_job_changed)
        form.message.connect(self._on_message)

    def finish_setup(self) -> None:
        """Subclasses call this once their setting rows exist."""
        self._on_model(self.form.model_id)
        self._build_inputs()
        for field in ("prompt", "promptOptimization", *self.rows):
            self._on_value(field, self.form.value(field))
        self.cost.set_cost(self.form.cost_label)
        self.cost.set_route(self.form.route_text)
        self._show_problems()
        blocker = self.form.submit_blocker
        self._on_can_submit(blocker is None, blocker or "")
        self._on_fix(self.form.submit_fix)

    def set_side_widget(self, widget: QWidget) -> None:
        """The jobs panel and results go to the right of the form."""
        self.side_layout.addWidget(widget)
        self.side.show()
        # The form needs ~420 px to lay its settings out; the rest (jobs and the result
        # preview) grows with the window. The proportions apply until the person drags
        # the handle (GenerateTab remembers that).
        self.splitter.setChildrenCollapsible(False)
        left = self.splitter.widget(0)
        if left is not None:
            left.setMinimumWidth(FORM_MIN_WIDTH)
        self.side.setMinimumWidth(SIDE_MIN_WIDTH)
        self.splitter.setStretchFactor(0, 9)
        self.splitter.setStretchFactor(1, 11)
        self.splitter.setSizes([450, 550])

    # --- settings rows --------------------------------------------------------------
    def add_combo(self, field: str, title: str) -> QComboBox:
        combo = QComboBox(self.settings)
        combo.setObjectName(field)
        guard_wheel(combo)
        combo.currentIndexChanged.connect(
            lambda _i, c=combo, f=field: self._combo_changed(f, c))
        self._add_row(field, FieldRow(title, combo, self.settings))
        return combo

    def add_spin(self, field: str, title: str, lo: int, hi: int, suffix: str = "") -> QSpinBox:
        spin = QSpinBox(self.settings)
        spin.setObjectName(field)
        guard_wheel(spin)
        spin.setRange(lo, hi)
        spin.setSuffix(suffix)
        spin.valueChanged.connect(lambda v, f=field: self.form.set_value(f, int(v)))
        self._add_row(field, FieldRow(title, spin, self.settings))
        return spin

    def _add_row(self, field: str, row_widget: FieldRow) -> None:
        """Settings sit side by side; hidden ones leave no gap."""
        self.rows[field] = row_widget
        row_widget.setMinimumWidth(150)
        row_widget.setMaximumWidth(ROW_MAX_WIDTH)  # a long problem sentence wraps, not widens
        row_widget.setParent(self.settings_area)
        self.settings_flow.addWidget(row_widget)

    def _combo_changed(self, field: str, combo: QComboBox) -> None:
        if combo.signalsBlocked() or combo.currentIndex() < 0:
            return
        self.form.set_value(field, combo.currentData())

    @staticmethod
    def fill_combo(combo: QComboBox, choices: Sequence[tuple[Any, str]]) -> None:
        combo.blockSignals(True)
        combo.clear()
        for value, label in choices:
            combo.addItem(label, value)
        combo.blockSignals(False)

    # --- form -> widgets ------------------------------------------------------------
    def update_rows(self) -> None:
        """Subclasses: set each row's choices and visibility for the current model."""

    def _on_model(self, model_id: str) -> None:
        self.picker.set_current(model_id)
        self.prompt.set_limit(int(self.form.model.prompt_max))
        self.update_rows()
        applicable = set(self.form.applicable_fields())
        for field, row in self.rows.items():
            row.setVisible(field in applicable or self.row_always_shown(field))
            self._on_value(field, self.form.value(field))

    def row_always_shown(self, field: str) -> bool:
        return False

    def _on_value(self, field: str, value: Any) -> None:
        if field == "prompt":
            self.prompt.set_text(value or "")
            return
        if field == "promptOptimization":
            self.prompt.set_optimization(True if value is None else bool(value))
            return
        row = self.rows.get(field)
        if row is None:
            return
        editor = row.editor
        editor.blockSignals(True)
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(0, editor.findData(value)))
        elif isinstance(editor, QSpinBox) and value is not None:
            editor.setValue(int(value))
        editor.blockSignals(False)

    def _build_inputs(self) -> None:
        for g in self.groups.values():
            self.form.slotChanged.disconnect(g._on_slot_changed)
        self.groups = {}
        # A new container per model: deleting the old one takes its tiles and nested row
        # layouts together (taking nested layouts apart by hand leaves dangling items).
        old = self.inputs
        self.inputs = QWidget(self.body)
        self.inputs_layout = QVBoxLayout(self.inputs)
        self.inputs_layout.setContentsMargins(0, 0, 0, 0)
        body_layout = self.body.layout()
        assert body_layout is not None
        body_layout.replaceWidget(old, self.inputs)
        old.hide()
        old.deleteLater()
        # Single slots (first frame, end frame, character) sit side by side and wrap when
        # the pane is narrow; a group of many (references) gets a block of its own, its
        # tiles wrapping under its title.
        singles: FlowLayout | None = None
        for key in self.form.group_keys():
            if len(self.form.group_slots(key)) == 1:
                if singles is None:
                    holder = QWidget(self.inputs)
                    singles = FlowLayout(holder, spacing=12)
                    self.inputs_layout.addWidget(holder)
                group = SlotGroup(self.form, key, holder)
                singles.addWidget(group)
            else:
                singles = None
                group = SlotGroup(self.form, key, self.inputs)
                self.inputs_layout.addWidget(group)
            self.groups[key] = group
        has = bool(self.groups)
        for w in (self.inputs_title, self.inputs_hint, self.inputs):
            w.setVisible(has)
        self.prompt.set_mentions(self.form.filled_mentions())
        self._show_problems()

    def _on_slot(self, field: str) -> None:
        self.prompt.set_mentions(self.form.filled_mentions())

    def _show_problems(self) -> None:
        problems = self.form.problems()
        self.prompt_problem.setText(self.form.visible_problem("prompt") or "")
        self.prompt_problem.setVisible(bool(self.prompt_problem.text()))
        shown = {"prompt"}
        for field, row in self.rows.items():
            row.set_problem(problems.get(field) if row.isVisibleTo(self) else None)
            if row.isVisibleTo(self):
                shown.add(field)
        for key, group in self.groups.items():
            msgs = []
            for s in self.form.group_slots(key):
                msg = problems.get(s.field)
                if msg and msg != s.reason:  # a refused file already says why on its tile
                    msgs.append(msg)
                if msg:
                    shown.add(s.field)
            group.set_problem(" ".join(dict.fromkeys(msgs)) or None)
        rest = [m for f, m in problems.items() if f not in shown]
        self.general_problem.setText("\n".join(rest))
        self.general_problem.setVisible(bool(rest))
        self.after_problems()

    def after_problems(self) -> None:
        """Subclasses: extra notes that depend on the current values."""

    def _on_can_submit(self, ok: bool, reason: str) -> None:
        self.generate.setEnabled(ok)
        # Warning colour, not grey hint text: this is the one thing between the person and
        # their result. Amber, not red — nothing failed, something is still to do.
        self.blocker.setStyleSheet(f"color: {colors().warning}; font-weight: 600;")
        self.blocker.setText("" if ok else f"Can’t generate yet: {reason}")
        self.blocker.setVisible(not ok)

    def _on_fix(self, fix: str) -> None:
        self.fix.setText(FIX_LABELS.get(fix, ""))
        self.fix.setVisible(fix in FIX_LABELS)

    def paste(self) -> bool:
        got = pasted_media(QGuiApplication.clipboard().mimeData())
        if got is not None and got.files:
            self.form.add_files(got.files)
            return True
        free = next((s.field for s in self.form.slots()
                     if not s.filled and "image" in s.spec.kinds), None)
        if got is not None and got.image is not None and free is not None:
            self.form.set_slot_image(free, got.image)
            return True
        return False

    def _paste_from_prompt(self) -> None:
        if not self.paste():
            self._on_message("The pasted picture was not added: this model has no free slot "
                             "that takes an image." if self.form.slots() else
                             "The pasted picture was not added: this model takes no images.")

    def dragEnterEvent(self, e: QDragEnterEvent) -> None:
        if local_files(e.mimeData()) and self.form.slots():
            e.acceptProposedAction()
        else:
            e.ignore()

    def dropEvent(self, e: QDropEvent) -> None:
        files = local_files(e.mimeData())
        if files:
            self.form.add_files(files)
            e.acceptProposedAction()

    def submit(self) -> None:
        self.status.clear()
        self.form.submit()
        self._show_problems()

    def _on_submitted(self, job: Any) -> None:
        self.status.setStyleSheet("")
        self.status.setText(f"Job #{getattr(job, 'id', '?')} queued — the form keeps its values "
                            "for your next variation.")

    def _on_job_changed(self, job: Any) -> None:
        text, tone = outcome_sentence(job)
        c = colors()
        self.status.setStyleSheet({"ok": f"color: {c.ok};", "error": f"color: {c.error};"}.get(tone, ""))
        self.status.setText(text)

    def _on_message(self, message: str) -> None:
        self.status.setStyleSheet("")
        self.status.setText(message)

    def _on_failed(self, message: str) -> None:
        self.status.setStyleSheet(error_style())
        self.status.setText(f"Not submitted: {message}")
