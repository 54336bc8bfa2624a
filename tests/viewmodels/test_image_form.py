"""The image form: per-model fields (quality, fixed quantity, character reference,
reference slots with @ImageN), pasted images, and Re-use settings round trips."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QColor, QImage

from minimax_studio.api import catalog
from minimax_studio.viewmodels.image_form import ImageFormModel
from tests.viewmodels.form_support import full_image_request

IMAGE_IDS = list(catalog.IMAGE_MODELS)


@pytest.fixture
def form(qloop: Any) -> Iterator[ImageFormModel]:
    f = ImageFormModel()
    yield f
    f.close()


def settle(qtbot: Any, form: ImageFormModel) -> None:
    qtbot.waitUntil(lambda: not form.busy, timeout=5000)


@pytest.mark.parametrize("model_id", IMAGE_IDS)
def test_form_offers_exactly_what_the_model_accepts(form: ImageFormModel, model_id: str) -> None:
    m = catalog.IMAGE_MODELS[model_id]
    form.set_model(model_id)
    fields = form.applicable_fields()
    assert ("quality" in fields) == bool(m.quality_levels)
    assert ("resolution" in fields) == bool(m.resolutions)
    assert ("quantity" in fields) == (not m.fixed_quantity)
    assert [s.field for s in form.slots()] == [s.field for s in m.slots()]
    if m.fixed_quantity:
        assert form.quantity_text == f"Always {m.fixed_quantity} images"
        assert "quantity" not in form.build_request()


@pytest.mark.parametrize("model_id", IMAGE_IDS)
def test_reuse_settings_round_trips_every_field(form: ImageFormModel, qtbot: Any,
                                                tmp_path: Path, model_id: str) -> None:
    request = full_image_request(model_id, tmp_path)
    form.load_request(request)
    settle(qtbot, form)
    assert form.build_request() == request
    assert not [s.reason for s in form.slots() if s.reason]


def test_cost_multiplies_by_quantity(form: ImageFormModel) -> None:
    model_id = next(i for i, m in catalog.IMAGE_MODELS.items() if not m.fixed_quantity)
    form.set_model(model_id)
    form.set_value("prompt", "a fox")
    form.set_value("quantity", 1)
    one = catalog.image_cost(form.build_request())
    form.set_value("quantity", 4)
    four = catalog.image_cost(form.build_request())
    assert form.cost_label == four.label
    assert four.min_credits == 4 * (one.min_credits or 0)


def test_a_pasted_image_is_saved_in_the_cache_and_fills_the_slot(
        form: ImageFormModel, qtbot: Any, app_home: Path) -> None:
    model_id = next(i for i, m in catalog.IMAGE_MODELS.items() if m.mentions)
    form.set_model(model_id)
    image = QImage(320, 200, QImage.Format.Format_RGB32)
    image.fill(QColor("#22aa55"))
    first = form.slots()[0].field
    form.set_slot_image(first, image)
    settle(qtbot, form)
    slot = form.slot(first)
    assert slot.status == "ok"
    assert slot.path is not None and slot.path.is_relative_to(app_home)
    assert QImage(str(slot.path)).pixelColor(5, 5) == QColor("#22aa55")
    assert form.filled_mentions() == ["@Image1"]


def test_prompt_is_required_but_not_shouted_before_typing(form: ImageFormModel) -> None:
    form.set_model(IMAGE_IDS[0])
    assert form.submit_blocker  # an empty prompt (and no engine) cannot generate
    assert form.visible_problem("prompt") is None
    form.set_value("prompt", "x")
    form.set_value("prompt", "")
    if "prompt" in form.problems():
        assert form.visible_problem("prompt") == form.problems()["prompt"]
