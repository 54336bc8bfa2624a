"""The forms by keyboard: Tab leaves the prompt and walks the form in reading order, every
stop shows that it has the focus, and Ctrl+V in the prompt puts a copied picture into the
first free slot instead of dropping it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage
from PySide6.QtWidgets import QApplication, QWidget

from minimax_studio.api import catalog
from minimax_studio.ui.tabs.video_tab import VideoTab
from minimax_studio.viewmodels.video_form import VideoFormModel
from tests.ui.form_ui import RecordingEngine, settle, slot_widget

#: A model with settings and a first-frame slot: every kind of focus stop.
MODEL = next(i for i, m in catalog.VIDEO_MODELS.items()
             if m.slots() and len(m.resolutions) > 1 and m.durations)


@pytest.fixture
def tab(qtbot: Any, qloop: Any) -> Iterator[VideoTab]:
    form = VideoFormModel(engine=RecordingEngine())
    t = VideoTab(form)
    qtbot.addWidget(t)
    t.resize(1024, 900)
    t.show()
    form.set_model(MODEL)
    t.activateWindow()
    qtbot.waitUntil(t.isActiveWindow)
    yield t
    form.close()


def focus_chain(qtbot: Any, tab: VideoTab, start: QWidget, stops: int = 14) -> list[QWidget]:
    start.setFocus()
    qtbot.waitUntil(start.hasFocus)
    seen: list[QWidget] = [start]
    for _ in range(stops):
        current = QApplication.focusWidget()
        assert current is not None
        qtbot.keyClick(current, Qt.Key.Key_Tab)
        nxt = QApplication.focusWidget()
        if nxt is None or nxt in seen or not tab.isAncestorOf(nxt):
            break
        seen.append(nxt)
    return seen


def test_tab_leaves_the_prompt_and_follows_the_form(qtbot: Any, tab: VideoTab) -> None:
    tab.prompt.edit.setFocus()
    qtbot.waitUntil(tab.prompt.edit.hasFocus)
    qtbot.keyClicks(tab.prompt.edit, "A kite")
    qtbot.keyClick(tab.prompt.edit, Qt.Key.Key_Tab)
    assert tab.prompt.text() == "A kite"  # no tab character typed
    assert not tab.prompt.edit.hasFocus()
    chain = focus_chain(qtbot, tab, tab.picker.combo)
    names = [w.objectName() for w in chain]
    # Reading order: model, prompt, its toggle, the settings, then the first slot.
    order = ["modelPicker", "prompt", "promptOptimization", "resolution", "duration"]
    positions = [names.index(n) for n in order if n in names]
    assert positions == sorted(positions), names
    assert len(positions) == len(order), names
    first_slot = slot_widget(tab, tab.form.slots()[0].field)
    assert first_slot in chain, names
    assert names.index(first_slot.objectName()) > names.index("duration")


def test_every_focus_stop_shows_the_focus(qtbot: Any, tab: VideoTab, artifacts_dir: Any) -> None:
    chain = focus_chain(qtbot, tab, tab.picker.combo)
    assert len(chain) >= 6
    unmarked = []
    for w in chain:
        # What a person sees: the widget and a few pixels around it (a ring may be drawn
        # just outside it), as painted on its parent.
        parent = w.parentWidget()
        assert parent is not None
        around = w.geometry().adjusted(-3, -3, 3, 3)
        w.setFocus()
        qtbot.waitUntil(w.hasFocus)
        focused = parent.grab(around).toImage()
        elsewhere = tab.picker.combo if w is tab.prompt.edit else tab.prompt.edit
        elsewhere.setFocus()
        qtbot.waitUntil(lambda w=w: not w.hasFocus())
        plain = parent.grab(around).toImage()
        if focused == plain:
            unmarked.append(w.objectName() or type(w).__name__)
    tab.rows["resolution"].editor.setFocus()
    qtbot.waitUntil(tab.rows["resolution"].editor.hasFocus)
    tab.grab().save(str(artifacts_dir / "form_focus_ring.png"))
    assert not unmarked, f"no visible focus on: {unmarked}"


def test_ctrl_v_in_the_prompt_fills_the_first_free_slot(qtbot: Any, tab: VideoTab) -> None:
    img = QImage(1280, 720, QImage.Format.Format_RGB32)
    img.fill(QColor("#3366cc"))
    QGuiApplication.clipboard().setImage(img)
    tab.prompt.edit.setFocus()
    qtbot.waitUntil(tab.prompt.edit.hasFocus)
    qtbot.keyClicks(tab.prompt.edit, "A kite")
    qtbot.keyClick(tab.prompt.edit, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot, tab)
    first = next(s for s in tab.form.slots() if "image" in s.spec.kinds)
    qtbot.waitUntil(lambda: tab.form.slot(first.field).filled, timeout=5000)
    assert tab.prompt.text() == "A kite"
    # Text still pastes as text.
    QGuiApplication.clipboard().setText(" over the sea")
    qtbot.keyClick(tab.prompt.edit, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert tab.prompt.text() == "A kite over the sea"
