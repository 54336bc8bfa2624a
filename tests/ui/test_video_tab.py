"""The Video tab, driven like a person: pick a model, type, drop and paste files, read
what is wrong, press Ctrl+Enter."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage

from minimax_studio.api import catalog
from minimax_studio.ui.tabs.video_tab import VideoTab
from minimax_studio.viewmodels.form_common import VALUE_FIELDS
from minimax_studio.viewmodels.video_form import VideoFormModel
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
from tests.viewmodels.form_support import file_for, full_video_request

API_FIELD = re.compile(r"(?<![\w@])(?:\w*fileID\d*|aspectRatio|promptOptimization)(?!\w)")
FAMILIES: dict[str, list[str]] = {}
for _id, _m in catalog.VIDEO_MODELS.items():
    FAMILIES.setdefault(_m.family, []).append(_id)


def richest(family: str) -> str:
    """The family's model with the most inputs (exercises the most of the form)."""
    return max(FAMILIES[family], key=lambda i: len(catalog.VIDEO_MODELS[i].slots()))


@pytest.fixture
def engine() -> RecordingEngine:
    return RecordingEngine()


@pytest.fixture
def tab(qtbot: Any, qloop: Any, engine: RecordingEngine) -> Iterator[VideoTab]:
    form = VideoFormModel(engine=engine)
    t = VideoTab(form)
    qtbot.addWidget(t)
    t.resize(1100, 900)
    t.show()
    yield t
    form.close()


@pytest.mark.parametrize("family", list(FAMILIES))
def test_each_family_by_pointing_and_clicking(qtbot: Any, tab: VideoTab, engine: RecordingEngine,
                                              tmp_path: Path, family: str) -> None:
    model_id = richest(family)
    m = catalog.VIDEO_MODELS[model_id]
    pick_model(qtbot, tab, model_id)
    assert tab.picker.description.text() == m.description
    qtbot.keyClicks(tab.prompt.edit, "A paper boat drifts down a rainy street")
    # Only what the model accepts is on screen.
    assert tab.rows["options"].isVisible() == bool(m.options)
    assert tab.rows["resolution"].isVisible() == bool(m.resolutions)
    assert tab.rows["aspectRatio"].isVisible() == bool(m.aspect_ratios)
    if m.options:  # choose the last option from the combo box
        tab.options.setCurrentIndex(tab.options.count() - 1)
        assert tab.form.value("options") == list(m.options)[-1]
    # One file dropped on the first slot of each group; an image pasted where one fits.
    pasted = False
    for key, group in tab.groups.items():
        first = group.form.group_slots(key)[0]
        if key == "end_frame_fileID":
            continue
        widget = slot_widget(tab, first.field)
        if "image" in first.spec.kinds and not pasted and model_id != "Sora-2":
            img = QImage(640, 360, QImage.Format.Format_RGB32)
            img.fill(QColor("#ff8800"))
            paste_image(qtbot, widget, img)
            pasted = True
        else:
            drop_files(widget, [file_for(first.spec, model_id, tmp_path, 1)])
        settle(qtbot, tab)
    settle(qtbot, tab)
    assert all(s.status == "ok" for s in tab.form.slots() if s.filled), \
        [s.reason for s in tab.form.slots()]
    assert tab.cost.cost.text().startswith("Costs ")
    assert tab.generate.isEnabled(), tab.blocker.text()
    qtbot.waitUntil(lambda: "Runs on account 4242" in tab.cost.route.text())
    qtbot.keyClick(tab.prompt.edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(engine.submitted) == 1, timeout=3000)
    kind, sent = engine.submitted[0]
    assert kind == "video" and sent["model"] == model_id
    assert sent == tab.form.build_request()  # and the form kept every value
    assert "Job #1 queued" in tab.status.text()


def _invalid_cases() -> list[tuple[str, dict[str, Any], str]]:
    """Every combination of the model's own choices, end frame on/off and prompt
    ok / too long / missing that the catalog refuses: (model, request, expected message)."""
    cases = []
    for model_id, m in catalog.VIDEO_MODELS.items():
        field = "options" if m.options else "resolution" if m.resolutions else None
        choices = list(getattr(m, field + "s" if field == "resolution" else "options")) if field else [None]
        slot_fields = [s.field for s in m.slots()]
        for choice in choices:
            for with_end in ([False, True] if "end_frame_fileID" in slot_fields else [False]):
                for prompt in ("ok", "long", "none"):
                    body: dict[str, Any] = dict(catalog.default_video_request(model_id))
                    if field:
                        body[field] = choice
                    if prompt == "ok":
                        body["prompt"] = "a fox"
                    elif prompt == "long":
                        body["prompt"] = "x" * (int(m.prompt_max) + 1)
                    else:
                        body.pop("prompt", None)
                    if "fileID" in slot_fields and prompt != "none":
                        body["fileID"] = "FIRST"
                    if with_end:
                        body["end_frame_fileID"] = "END"
                    problems = catalog.validate_video_request(body)
                    if problems:
                        cases.append((model_id, body, (problems[0].field, problems[0].message)))
    return cases


def test_every_invalid_combination_is_blocked_with_a_visible_reason(qtbot: Any, tab: VideoTab,
                                                                     tmp_path: Path) -> None:
    first = mf.png(tmp_path / "first.png", 1280, 720)
    end = mf.png(tmp_path / "end.png", 1280, 720, color="#000000")
    cases = _invalid_cases()
    assert len(cases) >= len(catalog.VIDEO_MODELS)  # at least the over-long prompt everywhere
    for model_id, body, (field, raw) in cases:
        real = {k: (str(first) if v == "FIRST" else str(end) if v == "END" else v)
                for k, v in body.items()}
        tab.form.load_request(real)
        settle(qtbot, tab)
        assert not tab.generate.isEnabled(), (model_id, body)
        assert tab.blocker.isVisible()
        text = visible_text(tab)
        key = field if field in VALUE_FIELDS or field in {s.field for s in tab.form.slots()} else ""
        message = tab.form.words_for(key, field, raw)
        assert message in text, (model_id, body, message, text)
        # In words, not API field names (those stay for the batch command and the log).
        assert not API_FIELD.search(text), (model_id, body, text)


def test_sora_square_image_reason_on_the_slot(qtbot: Any, tab: VideoTab, tmp_path: Path) -> None:
    pick_model(qtbot, tab, "Sora-2")
    qtbot.keyClicks(tab.prompt.edit, "waves at night")
    slot = slot_widget(tab, "fileID")
    drop_files(slot, [mf.png(tmp_path / "square.png", 1024, 1024)])
    settle(qtbot, tab)
    assert slot.reason.isVisible()
    assert "1280×720" in slot.reason.text() and "1024×1024" in slot.reason.text()
    assert not tab.generate.isEnabled()
    assert slot.reason.text() in tab.blocker.text()
    drop_files(slot, [mf.png(tmp_path / "wide.png", 1280, 720)])
    settle(qtbot, tab)
    assert not slot.reason.isVisible()
    assert tab.generate.isEnabled()


def test_dropping_several_files_reorder_and_remove(qtbot: Any, tab: VideoTab, tmp_path: Path) -> None:
    pick_model(qtbot, tab, "Seedance-2.0")
    a, b, c = (mf.png(tmp_path / f"{n}.png", color=col) for n, col in
               (("a", "#ff0000"), ("b", "#00ff00"), ("c", "#0000ff")))
    drop_files(slot_widget(tab, "fileID"), [a, b, c])
    settle(qtbot, tab)
    body = tab.form.build_request()
    assert [body.get(f) for f in ("fileID", "fileID2", "fileID3")] == [str(a), str(b), str(c)]
    group = tab.groups["fileID"]
    assert len(group.visible_slots()) == 4  # three thumbnails and one empty slot for the next
    qtbot.mouseClick(slot_widget(tab, "fileID").right, Qt.MouseButton.LeftButton)
    body = tab.form.build_request()
    assert [body.get(f) for f in ("fileID", "fileID2")] == [str(b), str(a)]
    qtbot.mouseClick(slot_widget(tab, "fileID").remove_btn, Qt.MouseButton.LeftButton)
    body = tab.form.build_request()
    assert [body.get(f) for f in ("fileID", "fileID2", "fileID3")] == [str(a), str(c), None]
    # The mention completer offers exactly the filled slots.
    tab.prompt.edit.setFocus()
    qtbot.keyClicks(tab.prompt.edit, "the fox from @Im")
    popup = tab.prompt.edit.completer.popup()
    qtbot.waitUntil(popup.isVisible, timeout=2000)
    offered = [popup.model().index(r, 0).data() for r in range(popup.model().rowCount())]
    assert offered == ["@Image1", "@Image2"]


def test_camera_moves_combine_up_to_three(qtbot: Any, tab: VideoTab) -> None:
    director = next(i for i, m in catalog.VIDEO_MODELS.items() if m.camera_moves)
    pick_model(qtbot, tab, director)
    assert tab.prompt.moves_box.isVisible()
    chips = tab.prompt.chips
    for chip in chips[:3]:
        qtbot.mouseClick(chip, Qt.MouseButton.LeftButton)
    assert not chips[3].isEnabled()  # a fourth move cannot be added
    qtbot.mouseClick(tab.prompt.insert_moves, Qt.MouseButton.LeftButton)
    expected = "[" + ", ".join(c.text() for c in chips[:3]) + "]"
    assert expected in tab.prompt.text()
    assert tab.form.value("prompt") == tab.prompt.text()
    pick_model(qtbot, tab, next(i for i, m in catalog.VIDEO_MODELS.items() if not m.camera_moves))
    assert not tab.prompt.moves_box.isVisible()


@pytest.mark.parametrize("model_id", list(catalog.VIDEO_MODELS))
def test_reuse_settings_fills_every_widget(qtbot: Any, tab: VideoTab, tmp_path: Path,
                                           model_id: str) -> None:
    request = full_video_request(model_id, tmp_path)
    tab.form.load_request(request)
    settle(qtbot, tab)
    assert tab.picker.current_model() == model_id
    assert tab.prompt.text() == request["prompt"]
    assert tab.prompt.optimize.isChecked() is False
    for field in ("options", "resolution", "aspectRatio"):
        if field in request:
            assert tab.rows[field].editor.currentData() == request[field]
    if "duration" in request:
        assert tab.duration.value() == request["duration"]
    for field, value in request.items():
        if field.lower().endswith(("fileid", "fileid2")) or "FileID" in field or field.startswith("fileID"):
            assert slot_widget(tab, field).toolTip() == value
    assert tab.form.build_request() == request


def test_screenshot(qtbot: Any, tab: VideoTab, tmp_path: Path, artifacts_dir: Path) -> None:
    pick_model(qtbot, tab, "02")
    qtbot.keyClicks(tab.prompt.edit, "A lighthouse at dusk, waves crashing, slow dolly in")
    tab.options.setCurrentIndex(tab.options.findData("512p-6sec"))
    drop_files(slot_widget(tab, "fileID"), [mf.png(tmp_path / "first.png", 1280, 720)])
    drop_files(slot_widget(tab, "end_frame_fileID"), [mf.png(tmp_path / "end.png", 1280, 720, "#224")])
    settle(qtbot, tab)
    tab.grab().save(str(artifacts_dir / "video_tab_form_problem.png"))
    tab.options.setCurrentIndex(tab.options.findData("1080p-6sec"))
    settle(qtbot, tab)
    qtbot.waitUntil(lambda: bool(tab.cost.route.text()))
    tab.grab().save(str(artifacts_dir / "video_tab_form.png"))
    assert tab.generate.isEnabled()


def test_files_dropped_on_the_form_find_their_slots(qtbot: Any, tab: VideoTab, tmp_path: Path) -> None:
    pick_model(qtbot, tab, "Seedance-2.0")
    image, clip, voice = (mf.png(tmp_path / "i.png"), mf.mp4(tmp_path / "c.mp4"),
                          mf.wav(tmp_path / "v.wav", 4))
    drop_files(tab, [voice, clip, image])  # onto the tab itself, not a slot
    settle(qtbot, tab)
    body = tab.form.build_request()
    assert (body["fileID"], body["videoFileID1"], body["audioFileID1"]) == \
        (str(image), str(clip), str(voice))
    # A file nothing takes still lands where its reason can be read.
    drop_files(tab, [mf.gif(tmp_path / "anim.gif")])
    settle(qtbot, tab)
    assert "GIF image" in slot_widget(tab, "fileID2").reason.text()
    # With every video slot full, a further clip is turned away with a sentence.
    drop_files(tab, [mf.mp4(tmp_path / f"more{n}.mp4") for n in range(3)])
    settle(qtbot, tab)
    assert "more2.mp4 was not added" in tab.status.text()


def _wheel(widget: Any, steps: int) -> None:
    """A real mouse-wheel event over the middle of ``widget`` (negative = scroll down)."""
    from PySide6.QtCore import QPoint, QPointF
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    pos = QPointF(widget.rect().center())
    ev = QWheelEvent(pos, QPointF(widget.mapToGlobal(pos.toPoint())), QPoint(0, 0),
                     QPoint(0, 120 * steps), Qt.MouseButton.NoButton,
                     Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, ev)


def test_the_wheel_scrolls_the_form_instead_of_changing_paid_settings(
        qtbot: Any, tab: VideoTab) -> None:
    model_id = next(i for i, m in catalog.VIDEO_MODELS.items()
                    if len(m.resolutions) > 1 and m.durations)
    pick_model(qtbot, tab, model_id)
    tab.resize(1024, 420)  # short: the form scrolls
    tab.activateWindow()
    qtbot.waitUntil(tab.isActiveWindow)
    tab.prompt.edit.setFocus()
    qtbot.waitUntil(tab.prompt.edit.hasFocus)
    scroll = tab.body.parentWidget().parentWidget().verticalScrollBar()  # type: ignore[union-attr]
    assert scroll.maximum() > 0
    before = (tab.resolution.currentIndex(), tab.duration.value(), tab.picker.combo.currentIndex(),
              tab.form.cost_label)
    for editor in (tab.resolution, tab.duration, tab.picker.combo):
        assert not editor.hasFocus()
        scroll.setValue(0)
        _wheel(editor, -1)
        assert scroll.value() > 0, f"{editor.objectName()}: the form did not scroll"
    after = (tab.resolution.currentIndex(), tab.duration.value(), tab.picker.combo.currentIndex(),
             tab.form.cost_label)
    assert after == before
    # Once the person clicks into it, the wheel changes it as usual.
    tab.duration.setFocus()
    qtbot.waitUntil(tab.duration.hasFocus)
    value = tab.duration.value()
    _wheel(tab.duration, 1 if value < tab.duration.maximum() else -1)
    assert tab.duration.value() != value


def test_attachments_survive_a_model_switch_or_are_named(qtbot: Any, tab: VideoTab,
                                                         tmp_path: Path) -> None:
    """A first frame moves to the new model's matching slot; what the new model cannot
    take is named in the note under Generate, never dropped silently."""
    with_image = [i for i, m in catalog.VIDEO_MODELS.items()
                  if any("image" in s.kinds for s in m.slots())]
    text_only = next(i for i, m in catalog.VIDEO_MODELS.items() if not m.slots())
    first, second = with_image[0], next(i for i in with_image[1:] if i != "Sora-2")
    pick_model(qtbot, tab, first)
    field = next(s.field for s in tab.form.slots() if "image" in s.spec.kinds)
    path = mf.png(tmp_path / "harbour.png", 1280, 720)
    tab.form.set_slot_file(field, path)
    settle(qtbot, tab)
    pick_model(qtbot, tab, second)
    settle(qtbot, tab)
    kept = [s for s in tab.form.slots() if s.path == path]
    assert kept, [(s.field, s.path) for s in tab.form.slots()]
    pick_model(qtbot, tab, text_only)
    settle(qtbot, tab)
    assert "harbour.png" in tab.status.text() and "left out" in tab.status.text()
    assert tab.status.isVisible()
