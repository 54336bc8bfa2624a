"""The Image tab, driven like a person: pick, type, paste a screenshot, drop references."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage

from minimax_studio.api import catalog
from minimax_studio.ui.tabs.image_tab import ImageTab
from minimax_studio.viewmodels.image_form import ImageFormModel
from tests import media_files as mf
from tests.ui.form_ui import (
    RecordingEngine,
    drop_files,
    paste_image,
    pick_model,
    settle,
    slot_widget,
    visible_text,
)
from tests.viewmodels.form_support import full_image_request

FAMILIES: dict[str, list[str]] = {}
for _id, _m in catalog.IMAGE_MODELS.items():
    FAMILIES.setdefault(_m.family, []).append(_id)


@pytest.fixture
def engine() -> RecordingEngine:
    return RecordingEngine()


@pytest.fixture
def tab(qtbot: Any, qloop: Any, engine: RecordingEngine) -> Iterator[ImageTab]:
    form = ImageFormModel(engine=engine)
    t = ImageTab(form)
    qtbot.addWidget(t)
    t.resize(1100, 850)
    t.show()
    yield t
    form.close()


def screenshot() -> QImage:
    img = QImage(800, 450, QImage.Format.Format_RGB32)
    img.fill(QColor("#3b82f6"))
    return img


@pytest.mark.parametrize("family", list(FAMILIES))
def test_each_family_by_pointing_and_clicking(qtbot: Any, tab: ImageTab, engine: RecordingEngine,
                                              tmp_path: Path, family: str) -> None:
    model_id = FAMILIES[family][0]
    m = catalog.IMAGE_MODELS[model_id]
    pick_model(qtbot, tab, model_id)
    qtbot.keyClicks(tab.prompt.edit, "A red fox in fresh snow, morning light")
    assert tab.rows["quality"].isVisible() == bool(m.quality_levels)
    assert tab.rows["resolution"].isVisible() == bool(m.resolutions)
    assert tab.rows["quantity"].isVisible() == (not m.fixed_quantity)
    assert tab.rows["fixedQuantity"].isVisible() == bool(m.fixed_quantity)
    if m.fixed_quantity:
        assert tab.fixed_quantity.text() == f"Always {m.fixed_quantity} images"
    else:
        tab.quantity.setValue(2)
    slots = tab.form.slots()
    if slots:  # paste a screenshot into the first slot, drop a file on the next
        paste_image(qtbot, slot_widget(tab, slots[0].field), screenshot())
        settle(qtbot, tab)
        if len(slots) > 1:
            drop_files(slot_widget(tab, slots[1].field), [mf.jpeg(tmp_path / "ref.jpg")])
            settle(qtbot, tab)
        assert all(s.status == "ok" for s in tab.form.slots() if s.filled)
        assert slot_widget(tab, slots[0].field).thumb.pixmap() is not None
    assert tab.generate.isEnabled(), tab.blocker.text()
    qtbot.keyClick(tab.prompt.edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(engine.submitted) == 1, timeout=3000)
    kind, sent = engine.submitted[0]
    assert kind == "image" and sent == tab.form.build_request()
    if not m.fixed_quantity:
        assert sent["quantity"] == 2
    if slots:
        assert Path(sent[slots[0].field]).suffix == ".png"  # the pasted screenshot, saved


def test_a_gif_is_refused_on_the_slot_in_words(qtbot: Any, tab: ImageTab, tmp_path: Path) -> None:
    model_id = next(i for i, m in catalog.IMAGE_MODELS.items() if m.slots())
    pick_model(qtbot, tab, model_id)
    qtbot.keyClicks(tab.prompt.edit, "x")
    first = tab.form.slots()[0].field
    widget = slot_widget(tab, first)
    drop_files(widget, [mf.gif(tmp_path / "anim.gif")])
    settle(qtbot, tab)
    assert widget.reason.isVisible() and "GIF image" in widget.reason.text()
    assert not tab.generate.isEnabled()
    assert "GIF image" in tab.blocker.text()


def test_invalid_prompts_are_blocked_with_a_visible_reason(qtbot: Any, tab: ImageTab) -> None:
    for model_id, m in catalog.IMAGE_MODELS.items():
        for prompt in ("", "x" * (int(m.prompt_max) + 1), "@Image1 in the rain"):
            body = dict(catalog.default_image_request(model_id), prompt=prompt)
            problems = catalog.validate_image_request(body)
            tab.form.load_request(body)
            tab.form.set_value("prompt", prompt)  # as if typed: the problem shows inline
            settle(qtbot, tab)
            if problems:
                assert not tab.generate.isEnabled(), (model_id, prompt)
                words = tab.form.words_for(problems[0].field, problems[0].field, problems[0].message)
                assert words in visible_text(tab), (model_id, prompt)


@pytest.mark.parametrize("model_id", list(catalog.IMAGE_MODELS))
def test_reuse_settings_fills_every_widget(qtbot: Any, tab: ImageTab, tmp_path: Path,
                                           model_id: str) -> None:
    request = full_image_request(model_id, tmp_path, refs=3)
    tab.form.load_request(request)
    settle(qtbot, tab)
    assert tab.picker.current_model() == model_id
    assert tab.prompt.text() == request["prompt"]
    for field in ("aspectRatio", "resolution", "quality"):
        if field in request:
            assert tab.rows[field].editor.currentData() == request[field]
    if "quantity" in request:
        assert tab.quantity.value() == request["quantity"]
    for s in tab.form.slots():
        if s.field in request:
            assert slot_widget(tab, s.field).toolTip() == request[s.field]
    assert tab.form.build_request() == request


def test_screenshot(qtbot: Any, tab: ImageTab, tmp_path: Path, artifacts_dir: Path) -> None:
    model_id = next((i for i, m in catalog.IMAGE_MODELS.items() if m.mentions), "image-01")
    pick_model(qtbot, tab, model_id)
    qtbot.keyClicks(tab.prompt.edit, "Put the cat from @Image1 on the sofa from @Image2")
    paste_image(qtbot, slot_widget(tab, tab.form.slots()[0].field), screenshot())
    settle(qtbot, tab)
    drop_files(slot_widget(tab, tab.form.slots()[1].field), [mf.png(tmp_path / "sofa.png", 900, 600, "#a0522d")])
    settle(qtbot, tab)
    qtbot.waitUntil(lambda: bool(tab.cost.route.text()))
    tab.grab().save(str(artifacts_dir / "image_tab_form.png"))
    assert tab.generate.isEnabled()
