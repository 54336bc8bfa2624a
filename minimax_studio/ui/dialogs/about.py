"""About: app, Qt, PySide6 and Python versions (what a bug report needs), and the log file."""

from __future__ import annotations

import platform
import sys

import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from minimax_studio import APP_NAME, __version__

__all__ = ["AboutDialog", "version_lines"]


def version_lines() -> list[tuple[str, str]]:
    return [
        (APP_NAME, __version__),
        ("Qt", qVersion()),
        ("PySide6", PySide6.__version__),
        ("Python", f"{platform.python_version()} ({sys.implementation.name})"),
        ("System", f"{platform.system()} {platform.release()}"),
    ]


class AboutDialog(QDialog):
    def __init__(self, log_file: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"About {APP_NAME}")
        title = QLabel(f"<h2>{APP_NAME}</h2>"
                       "<p>A desktop studio for Hailuo / MiniMax video and image generation "
                       "through the useapi.net MiniMax API v1.</p>", self)
        title.setWordWrap(True)
        rows = "".join(f"<tr><td><b>{k}</b>&nbsp;&nbsp;</td><td>{v}</td></tr>"
                       for k, v in version_lines())
        self.versions = QLabel(f"<table>{rows}</table>", self)
        self.versions.setObjectName("versions")
        self.versions.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay = QVBoxLayout(self)
        lay.addWidget(title)
        lay.addWidget(self.versions)
        if log_file:
            log = QLabel(f"Log file (tokens are removed from it):<br><code>{log_file}</code>", self)
            log.setWordWrap(True)
            log.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            lay.addWidget(log)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        lay.addWidget(buttons)
