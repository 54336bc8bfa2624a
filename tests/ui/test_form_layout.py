"""Every video and image model's form fits the window: at 1024×700 and 1600×1000, in the
light and the dark theme, no form needs a horizontal scrollbar and no label is cut off.
Each case is saved to test-artifacts/forms/ to look at.

The tab is rendered as the window mounts it: the form on the left of the splitter, a real
jobs area (panel over result pane, on an engine that never runs anything) on the right.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QLabel, QScrollArea

from minimax_studio.api import catalog
from minimax_studio.ui import theme
from minimax_studio.ui.tabs.form_tab import FormTab
from minimax_studio.ui.tabs.image_tab import ImageTab
from minimax_studio.ui.tabs.video_tab import VideoTab
from minimax_studio.ui.widgets.jobs_area import JobsArea
from minimax_studio.viewmodels.image_form import ImageFormModel
from minimax_studio.viewmodels.job_actions import JobActionsVM
from minimax_studio.viewmodels.jobs_model import JobsModel
from minimax_studio.viewmodels.video_form import VideoFormModel
from tests.ui.form_ui import RecordingEngine

SIZES = [(1024, 700), (1600, 1000)]
THEMES = ["light", "dark"]


def _build(kind: str) -> tuple[FormTab, Any]:
    engine = RecordingEngine()
    if kind == "video":
        form: Any = VideoFormModel(engine=engine)
        tab: FormTab = VideoTab(form)
    else:
        form = ImageFormModel(engine=engine)
        tab = ImageTab(form)
    model = JobsModel(engine, kind)  # type: ignore[arg-type]  # never started: an empty list
    area = JobsArea(model, JobActionsVM(engine, lambda coro: coro.close()))
    tab.set_side_widget(area)
    return tab, form


@pytest.fixture(params=["video", "image"])
def rig(request: Any, qtbot: Any, qloop: Any, qapp: QApplication) -> Iterator[tuple[str, FormTab]]:
    # The theme is applied before the widgets exist, as the app does at start (style
    # sheets naming palette colours resolve when a widget is polished).
    dark = request.node.callspec.params.get("dark", False)
    theme.apply_theme(qapp, "dark" if dark else "light")
    tab, form = _build(request.param)
    qtbot.addWidget(tab)
    tab.show()
    yield request.param, tab
    form.close()
    theme.apply_theme(qapp, "light")


def clipped_labels(tab: FormTab) -> list[str]:
    """Visible labels of the form pane whose text does not fit the space they were given."""
    out = []
    body = tab.body
    for label in body.findChildren(QLabel):
        if not label.isVisibleTo(tab) or not label.text() or not label.pixmap().isNull():
            continue
        w, h = label.width(), label.height()
        if label.wordWrap():
            need_h = label.heightForWidth(w)
            if need_h > h + 1:
                out.append(f"{label.objectName() or label.text()[:40]!r}: {h}px tall, needs {need_h}")
        else:
            need_w = label.minimumSizeHint().width()
            if need_w > w + 1:
                out.append(f"{label.objectName() or label.text()[:40]!r}: {w}px wide, needs {need_w}")
        # ... and the label lies inside the form's visible width.
        right = label.mapTo(body, label.rect().topRight()).x()
        if right > body.width():
            out.append(f"{label.text()[:40]!r} runs past the form's right edge")
    return out


def models(kind: str) -> list[str]:
    return list(catalog.VIDEO_MODELS if kind == "video" else catalog.IMAGE_MODELS)


@pytest.mark.parametrize("dark", [False, True], ids=THEMES)
def test_every_model_fits_without_a_horizontal_scrollbar(qtbot: Any, qapp: QApplication,
                                                         rig: tuple[str, FormTab], dark: bool,
                                                         artifacts_dir: Path) -> None:
    kind, tab = rig
    assert theme.is_dark() == dark
    out = artifacts_dir / "forms"
    out.mkdir(exist_ok=True)
    scroll = tab.body.parentWidget().parentWidget()
    assert isinstance(scroll, QScrollArea)
    problems: list[str] = []
    for model_id in models(kind):
        tab.form.set_model(model_id)
        for w, h in SIZES:
            tab.resize(w, h)
            qapp.processEvents()
            qapp.processEvents()
            bar = scroll.horizontalScrollBar()
            if bar.maximum() > 0:
                problems.append(f"{model_id} at {w}×{h}: horizontal scrollbar "
                                f"(form {tab.body.minimumSizeHint().width()}px in {scroll.viewport().width()}px)")
            problems += [f"{model_id} at {w}×{h}: {c}" for c in clipped_labels(tab)]
            name = model_id.replace("/", "_").replace(" ", "_")
            tab.grab().save(str(out / f"{kind}-{name}-{w}x{h}-{'dark' if dark else 'light'}.png"))
    assert not problems, "\n".join(problems)


def test_the_clipping_check_catches_a_cut_label(qtbot: Any, qapp: QApplication,
                                                rig: tuple[str, FormTab]) -> None:
    """The check above can fail: a label squeezed narrower than its text is reported."""
    _kind, tab = rig
    tab.resize(1024, 700)
    label = QLabel("A sentence far too long to fit in forty pixels", tab.body)
    label.setObjectName("squeezed")
    label.setFixedWidth(40)
    label.show()
    qapp.processEvents()
    assert any("squeezed" in c for c in clipped_labels(tab))
    label.deleteLater()






def test_the_picker_shows_whole_descriptions(qtbot: Any, qapp: QApplication,
                                             rig: tuple[str, FormTab], artifacts_dir: Path) -> None:
    from PySide6.QtCore import Qt

    from minimax_studio.ui.widgets.model_picker import DescriptionRole

    _kind, tab = rig
    tab.resize(1024, 700)
    combo = tab.picker.combo
    qtbot.mouseClick(combo, Qt.MouseButton.LeftButton)
    view = combo.view()
    assert view is not None
    qtbot.waitUntil(view.isVisible, timeout=2000)
    fm = view.fontMetrics()
    cut = []
    for r in range(combo.model().rowCount()):
        index = combo.model().index(r, 0)
        desc = index.data(DescriptionRole)
        if not desc:
            continue
        need = fm.horizontalAdvance(f"    {index.data()}  —  {desc}")
        if view.visualRect(index).width() < need:
            cut.append(f"{index.data()}: {view.visualRect(index).width()} < {need}")
    view.window().grab().save(str(artifacts_dir / f"picker-popup-{_kind}.png"))
    combo.hidePopup()
    assert not cut, cut
