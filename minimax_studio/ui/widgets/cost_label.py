"""Cost and account of the next generation, shown right above the Generate button."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class CostLabel(QWidget):
    """Two lines: "Costs 25 credits" and "Runs on account 123 because it has 2 free slots"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cost = QLabel(self)
        self.cost.setObjectName("costText")
        self.cost.setStyleSheet("font-weight: 600;")
        self.route = QLabel(self)
        self.route.setObjectName("routeText")
        self.route.setWordWrap(True)
        self.route.setStyleSheet("color: palette(placeholder-text);")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(self.cost)
        lay.addWidget(self.route)
        self.set_route("")

    def set_cost(self, label: str) -> None:
        self.cost.setText(f"Costs {label}" if label else "")

    def set_route(self, text: str) -> None:
        self.route.setText(text)
        self.route.setVisible(bool(text))
