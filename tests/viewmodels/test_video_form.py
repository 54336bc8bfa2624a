"""The video form's state: only what the chosen model accepts, slots checked from real
files, the request it hands to the engine, and "Re-use settings" round trips."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from minimax_studio.api import catalog
from minimax_studio.viewmodels.form_common import SlotStatus
from minimax_studio.viewmodels.video_form import VideoFormModel, option_label
from tests import media_files as mf
from tests.viewmodels.form_support import full_video_request

VIDEO_IDS = list(catalog.VIDEO_MODELS)


class RecordingEngine:
    """Stands in for core.engine.Engine where only the hand-over is under test."""

    def __init__(self) -> None:
        self.submitted: list[tuple[str, dict[str, Any]]] = []

    async def submit(self, kind: str, request: dict[str, Any]) -> Any:
        self.submitted.append((kind, request))
        return SimpleNamespace(id=len(self.submitted))

    async def preview_route(self, kind: str, request: dict[str, Any]) -> Any:
        return SimpleNamespace(account="4242", reason="it has 2 free slots", cost=None)

    def events(self) -> AsyncIterator[Any]:
        async def nothing() -> AsyncIterator[Any]:
            return
            yield

        return nothing()


@pytest.fixture
def form(qloop: Any) -> Iterator[VideoFormModel]:
    f = VideoFormModel()
    yield f
    f.close()


def settle(qtbot: Any, form: VideoFormModel) -> None:
    qtbot.waitUntil(lambda: not form.busy, timeout=5000)


@pytest.mark.parametrize("model_id", VIDEO_IDS)
def test_form_offers_exactly_what_the_model_accepts(form: VideoFormModel, model_id: str) -> None:
    m = catalog.VIDEO_MODELS[model_id]
    form.set_model(model_id)
    fields = form.applicable_fields()
    assert ("options" in fields) == bool(m.options)
    assert ("resolution" in fields) == bool(m.resolutions)
    assert ("duration" in fields) == bool(m.durations)
    assert ("aspectRatio" in fields) == bool(m.aspect_ratios)
    assert [s.field for s in form.slots()] == [s.field for s in m.slots()]
    body = form.build_request()
    assert set(body) <= {"model", "promptOptimization", *fields}
    if m.options:
        assert body["options"] in m.options
    assert form.camera_moves == (tuple(catalog.CAMERA_MOVES) if m.camera_moves else ())


@pytest.mark.parametrize("model_id", VIDEO_IDS)
def test_reuse_settings_round_trips_every_field(form: VideoFormModel, qtbot: Any,
                                                tmp_path: Path, model_id: str) -> None:
    request = full_video_request(model_id, tmp_path)
    form.load_request(request)
    settle(qtbot, form)
    assert form.build_request() == request
    assert all(s.status == "ok" for s in form.slots() if s.filled), \
        [(s.field, s.reason) for s in form.slots() if s.reason]


def test_switching_model_keeps_prompt_and_compatible_choices(form: VideoFormModel, qtbot: Any,
                                                             tmp_path: Path) -> None:
    form.set_model("Veo-3.1")
    form.set_value("prompt", "a fox")
    form.set_value("aspectRatio", "9:16")
    form.set_slot_file("fileID", mf.png(tmp_path / "a.png", 720, 1280))
    form.set_model("Sora-2")
    settle(qtbot, form)
    body = form.build_request()
    assert body["prompt"] == "a fox"
    assert body["aspectRatio"] == "9:16"
    assert body["fileID"] == str(tmp_path / "a.png")
    assert body["options"] in catalog.VIDEO_MODELS["Sora-2"].options
    form.set_model("T2V-01")  # takes no options, no aspect ratio, no first frame
    assert form.build_request() == {"model": "T2V-01", "prompt": "a fox",
                                    **({"promptOptimization": True}
                                       if "promptOptimization" in form.build_request() else {})}


def test_sora_refuses_a_square_first_frame_in_words(form: VideoFormModel, qtbot: Any,
                                                    tmp_path: Path) -> None:
    form.set_model("Sora-2")
    form.set_value("prompt", "waves")
    form.set_slot_file("fileID", mf.png(tmp_path / "square.png", 1024, 1024))
    settle(qtbot, form)
    slot = form.slot("fileID")
    assert slot.status == "rejected"
    assert "1280×720" in (slot.reason or "") and "1024×1024" in (slot.reason or "")
    assert not (slot.reason or "").startswith("fileID"), "API field names are jargon on a slot"
    assert form.submit_blocker == f"{slot.spec.label}: {slot.reason}"
    form.set_slot_file("fileID", mf.png(tmp_path / "wide.png", 1280, 720))
    settle(qtbot, form)
    assert form.slot("fileID").status == "ok"
    assert "fileID" not in form.problems()


def test_seedance_clips_2_to_15_s_each_and_15_s_together(form: VideoFormModel, qtbot: Any,
                                                         tmp_path: Path) -> None:
    form.set_model("Seedance-2.0")
    form.set_value("prompt", "@Video1 with the voice of @Audio1")
    form.set_slot_file("videoFileID1", mf.mp4(tmp_path / "long.mp4", seconds=20))
    settle(qtbot, form)
    assert "20.0 s" in (form.slot("videoFileID1").reason or "")
    form.set_slot_file("videoFileID1", mf.mp4(tmp_path / "v.mp4", seconds=10))
    form.set_slot_file("audioFileID1", mf.wav(tmp_path / "a.wav", 8))
    settle(qtbot, form)
    assert form.slot("videoFileID1").status == form.slot("audioFileID1").status == "ok"
    assert "18.0 s" in (form.submit_blocker or "")
    form.set_slot_file("audioFileID1", mf.wav(tmp_path / "b.wav", 4))
    settle(qtbot, form)
    assert form.submit_blocker is None or "18.0" not in form.submit_blocker


@pytest.mark.parametrize(("name", "make", "verdict"), [
    ("wide.png", lambda p: mf.png(p, 1280, 720), SlotStatus.OK),
    ("square.png", lambda p: mf.png(p, 1024, 1024), SlotStatus.REJECTED),  # Sora wants 16:9
])
def test_a_dropped_file_goes_empty_checking_then_its_verdict(
        form: VideoFormModel, qtbot: Any, tmp_path: Path, name: str, make: Any,
        verdict: SlotStatus) -> None:
    """What the slot shows while a file is read in a thread: "Checking…" first, then either
    the thumbnail or the reason — never a verdict before the check, never stuck checking."""
    form.set_model("Sora-2")
    assert form.slot("fileID").status is SlotStatus.EMPTY
    seen: list[SlotStatus] = []

    def record(field: str) -> None:
        status = form.slot("fileID").status
        if field == "fileID" and (not seen or seen[-1] is not status):
            seen.append(status)

    form.slotChanged.connect(record)
    form.add_files([make(tmp_path / name)])  # what a drop on the form does
    qtbot.waitUntil(lambda: form.slot("fileID").status is verdict, timeout=5000)
    settle(qtbot, form)
    assert seen == [SlotStatus.CHECKING, verdict]
    assert (form.slot("fileID").reason is None) == (verdict is SlotStatus.OK)


def test_an_audio_file_is_refused_by_an_image_slot(form: VideoFormModel, qtbot: Any,
                                                   tmp_path: Path) -> None:
    form.set_model("I2V-01")
    form.set_slot_file("fileID", mf.mp3(tmp_path / "song.png"))  # the name lies; the bytes don't
    settle(qtbot, form)
    assert form.slot("fileID").status == "rejected"
    assert "MP3" in (form.slot("fileID").reason or "")


def test_dropped_files_fill_free_slots_by_kind_and_reorder(form: VideoFormModel, qtbot: Any,
                                                           tmp_path: Path) -> None:
    form.set_model("Seedance-2.0")
    a, b = mf.png(tmp_path / "a.png"), mf.png(tmp_path / "b.png", color="#ff0000")
    v, s = mf.mp4(tmp_path / "v.mp4"), mf.wav(tmp_path / "s.wav", 3)
    form.add_files([v, a, s, b])
    settle(qtbot, form)
    body = form.build_request()
    assert (body["fileID"], body["fileID2"]) == (str(a), str(b))
    assert body["videoFileID1"] == str(v) and body["audioFileID1"] == str(s)
    assert form.filled_mentions() == ["@Image1", "@Image2", "@Video1", "@Audio1"]
    form.move_slot("fileID2", -1)
    assert (form.build_request()["fileID"], form.build_request()["fileID2"]) == (str(b), str(a))
    form.clear_slot("fileID")  # the rest move up: the API wants no gaps
    body = form.build_request()
    assert body["fileID"] == str(a) and "fileID2" not in body


def test_cost_follows_the_settings(form: VideoFormModel) -> None:
    form.set_model("Seedance-2.0")
    form.set_value("prompt", "x")
    form.set_value("duration", 5)
    five = form.cost_label
    form.set_value("duration", 10)
    assert form.cost_label == catalog.video_cost(form.build_request()).label
    assert form.cost_label != five


def test_submit_hands_the_exact_request_and_keeps_the_values(form: VideoFormModel, qtbot: Any,
                                                             tmp_path: Path) -> None:
    engine = RecordingEngine()
    form.set_engine(engine)
    form.set_model("02")
    form.set_value("options", "1080p-6sec")
    form.set_value("prompt", "slow dolly in")
    first, last = mf.png(tmp_path / "first.png"), mf.png(tmp_path / "last.png", color="#000")
    form.set_slot_file("fileID", first)
    form.set_slot_file("end_frame_fileID", last)
    settle(qtbot, form)
    assert form.submit_blocker is None, form.problems()
    qtbot.waitUntil(lambda: form.route_text == "Runs on account 4242 because it has 2 free slots")
    with qtbot.waitSignal(form.submitted, timeout=3000):
        assert form.submit()
    expected = {"model": "02", "options": "1080p-6sec", "prompt": "slow dolly in",
                "fileID": str(first), "end_frame_fileID": str(last)}
    kind, sent = engine.submitted[0]
    assert kind == "video"
    assert {k: v for k, v in sent.items() if k != "promptOptimization"} == expected
    assert form.build_request() == sent  # the form keeps its values for the next variation


def test_option_labels_read_like_words() -> None:
    assert option_label("768p-10sec") == "768p · 10 s"
    assert option_label("veo-4k-8sec") == "4K · 8 s"


def test_use_as_first_frame_switches_to_a_model_that_takes_one(form: VideoFormModel, qtbot: Any,
                                                               tmp_path: Path) -> None:
    no_frame = next(i for i, m in catalog.VIDEO_MODELS.items() if m.first_frame == "none")
    form.set_model(no_frame)
    form.set_value("prompt", "the same fox, later")
    result = mf.png(tmp_path / "result.png", 1280, 720)
    form.use_as_first_frame(result)
    settle(qtbot, form)
    assert form.model.first_frame != "none"
    assert form.build_request()["fileID"] == str(result)
    assert form.build_request()["prompt"] == "the same fox, later"
