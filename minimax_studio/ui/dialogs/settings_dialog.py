"""Settings: API address, download folder, theme, polling intervals. Opened with open()."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from minimax_studio.ui.theme import colors

if TYPE_CHECKING:
    from minimax_studio.viewmodels.app_vm import AppVM

__all__ = ["SettingsDialog"]

_THEMES = [("system", "Follow the system"), ("light", "Light"), ("dark", "Dark")]
_SECONDS = [
    ("poll_video_seconds", "Check running videos every"),
    ("poll_image_seconds", "Check running images every"),
    ("poll_agent_seconds", "Check agent jobs every"),
    ("capacity_refresh_seconds", "Refresh account capacity every"),
]


class SettingsDialog(QDialog):
    applied = Signal()

    def __init__(self, vm: AppVM, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vm = vm
        self.setWindowTitle("Settings")
        self.setMinimumWidth(560)
        s = vm.settings
        self.api_url = QLineEdit(s.api_base_url, self)
        self.api_url.setPlaceholderText("https://api.useapi.net/v1/minimax (default)")
        self.download_dir = QLineEdit(s.download_dir, self)
        self.download_dir.setPlaceholderText("the app's own library folder (default)")
        browse = QPushButton("Choose…", self)
        browse.clicked.connect(self._browse)
        dl_row = QHBoxLayout()
        dl_row.addWidget(self.download_dir, 1)
        dl_row.addWidget(browse)
        self.theme = QComboBox(self)
        for value, label in _THEMES:
            self.theme.addItem(label, value)
        self.theme.setCurrentIndex(max(0, [v for v, _ in _THEMES].index(s.theme)
                                       if s.theme in dict(_THEMES) else 0))
        self.spins: dict[str, QDoubleSpinBox] = {}
        form = QFormLayout()
        form.addRow("API address", self.api_url)
        form.addRow("Download folder", dl_row)
        form.addRow("Theme", self.theme)
        for key, label in _SECONDS:
            spin = QDoubleSpinBox(self)
            spin.setRange(2, 600)
            spin.setDecimals(0)
            spin.setSuffix(" s")
            spin.setValue(getattr(s, key))
            self.spins[key] = spin
            form.addRow(label, spin)
        # An escape hatch, not a tuning knob: the fast path is about 3x httpx on a fast
        # link, and declines by itself whenever it is unsure (see api/fast_download.py).
        self.fast_downloads = QCheckBox("Fast downloads (recommended)", self)
        self.fast_downloads.setChecked(s.fast_downloads)
        self.fast_downloads.setToolTip(
            "Receives finished videos and images on a connection of the app's own, about "
            "three times faster on a fast link. Turn it off only if downloads fail or stall "
            "with your network or proxy; they then take the standard, slower route.")
        form.addRow("Downloads", self.fast_downloads)
        self.problems = QLabel(self)
        self.problems.setObjectName("settingsProblems")
        self.problems.setWordWrap(True)
        self.problems.hide()
        note = QLabel("The API address, polling intervals and download setting apply the next "
                      "time the app connects. The token is never stored here: it lives in your system keyring.",
                      self)
        note.setWordWrap(True)
        note.setStyleSheet("color: palette(placeholder-text);")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.problems)
        lay.addWidget(note)
        lay.addWidget(buttons)

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "api_base_url": self.api_url.text().strip(),
            "download_dir": self.download_dir.text().strip(),
            "theme": self.theme.currentData(),
            "fast_downloads": self.fast_downloads.isChecked(),
        }
        out.update({k: float(spin.value()) for k, spin in self.spins.items()})
        return out

    def save(self) -> None:
        problems = self.vm.apply_settings(self.values())
        if problems:
            self.problems.setStyleSheet(f"color: {colors().error};")
            self.problems.setText("\n".join(problems.values()))
            self.problems.show()
            return
        self.applied.emit()
        self.accept()

    def _browse(self) -> None:
        # A non-modal file dialog: open() + signal, never exec() under the running loop.
        dlg = QFileDialog(self, "Download folder", self.download_dir.text())
        dlg.setFileMode(QFileDialog.FileMode.Directory)
        dlg.fileSelected.connect(self.download_dir.setText)
        dlg.open()
