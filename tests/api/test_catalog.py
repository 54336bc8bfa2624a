"""The model catalog against the spec (videos.md, images.md, README credit table,
emulator-notes §5-§6): every model accepts its own defaults, every combination the
spec forbids is refused with a sentence naming the field, and every published price
comes out exactly."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minimax_studio.api import catalog
from minimax_studio.api.catalog import Cost, Problem

VIDEO_IDS = [
    "T2V-01", "I2V-01", "I2V-01-live", "I2V-01-Director", "T2V-01-Director", "S2V-01", "02",
    "T2V-2.3", "I2V-2.3", "I2V-2.3-Fast", "Sora-2", "Veo-3.1", "Veo-3.1-Fast", "Veo-3.1-S2V",
    "Veo-3.1-S2V-Fast", "Seedance-2.0", "Seedance-2.0-Fast", "Seedance-2.0-Mini",
]
IMAGE_IDS = [
    "image-01", "nano-banana-2", "nano-banana-pro", "gpt-image-1.5", "gpt-image-2",
    "seedream-4.5", "seedream-5.0", "midjourney-v7", "midjourney-niji7",
]
SEEDANCE = ["Seedance-2.0", "Seedance-2.0-Fast", "Seedance-2.0-Mini"]


@pytest.fixture(autouse=True)
def _no_price_overrides() -> Iterator[None]:
    catalog.set_price_overrides({})
    yield
    catalog.set_price_overrides({})


def video(model: str, **fields: Any) -> dict[str, Any]:
    body = dict(catalog.default_video_request(model), prompt="a lighthouse at dusk")
    if catalog.VIDEO_MODELS[model].reference_required:
        body["fileID"] = "user:1-minimax:2-file:first"
    body.update(fields)
    return {k: v for k, v in body.items() if v is not None}


def image(model: str, **fields: Any) -> dict[str, Any]:
    body = dict(catalog.default_image_request(model), prompt="a red fox in snow")
    body.update(fields)
    return {k: v for k, v in body.items() if v is not None}


def fields_of(problems: list[Problem]) -> set[str]:
    return {p.field for p in problems}


# --- the data ------------------------------------------------------------------------

def test_every_documented_model_is_there_and_nothing_else() -> None:
    assert list(catalog.VIDEO_MODELS) == VIDEO_IDS
    assert list(catalog.IMAGE_MODELS) == IMAGE_IDS
    assert catalog.CAPTURED_AGENT_MODELS == ("hailuo-2.3", "nano-banana-2")
    assert {m.kind for m in catalog.AGENT_MODELS.values()} == {"video", "image", "audio"}
    assert all(not m.captured for k, m in catalog.AGENT_MODELS.items()
               if k not in catalog.CAPTURED_AGENT_MODELS)


@pytest.mark.parametrize(("model", "options"), [
    ("02", ("512p-6sec", "512p-10sec", "768p-6sec", "768p-10sec", "1080p-6sec")),
    ("T2V-2.3", ("768p-6sec", "768p-10sec", "1080p-6sec")),
    ("I2V-2.3-Fast", ("768p-6sec", "768p-10sec", "1080p-6sec")),
    ("Sora-2", ("720p-4sec", "720p-8sec", "720p-12sec")),
    ("Veo-3.1-S2V-Fast", ("veo-720p-8sec", "veo-1080p-8sec", "veo-4k-8sec")),
    ("T2V-01", ()), ("Seedance-2.0", ()),
])
def test_options_lists_and_uncaptured_default_is_the_first(model: str, options: tuple[str, ...]) -> None:
    m = catalog.VIDEO_MODELS[model]
    assert m.options == options
    assert m.default_options == (options[0] if options else None)
    assert m.default_options_captured is False
    assert catalog.default_video_request(model).get("options") == m.default_options


def test_seedance_resolution_duration_and_ratios() -> None:
    std, fast, mini = (catalog.VIDEO_MODELS[i] for i in SEEDANCE)
    assert std.resolutions == ("480", "720", "1080", "4K")
    assert fast.resolutions == mini.resolutions == ("480", "720")
    for m in (std, fast, mini):
        assert m.durations == tuple(range(4, 16)) and m.default_duration == 5
        assert m.default_resolution == "720" and m.default_aspect_ratio == "Auto"
        assert m.prompt_max == 7500 and m.mentions
    assert catalog.VIDEO_MODELS["Sora-2"].aspect_ratios == ("16:9", "9:16")
    assert catalog.VIDEO_MODELS["02"].aspect_ratios == ()


def test_slots_name_the_api_fields_and_their_mentions() -> None:
    s2v = [s.field for s in catalog.VIDEO_MODELS["Veo-3.1-S2V"].slots()]
    assert s2v == ["fileID", *(f"fileID{n}" for n in range(2, 15))]
    seed = {s.field: s for s in catalog.VIDEO_MODELS["Seedance-2.0"].slots()}
    assert seed["fileID"].mention == "@Image1" and seed["fileID9"].mention == "@Image9"
    assert "fileID10" not in seed
    assert seed["videoFileID3"].kinds == frozenset({"video"}) and seed["videoFileID3"].mention == "@Video3"
    assert seed["audioFileID1"].kinds == frozenset({"audio"})
    assert "end_frame_fileID" in seed  # SEEDANCE_END_FRAME_ALLOWED defaults to True
    assert [s.field for s in catalog.VIDEO_MODELS["02"].slots()] == ["fileID", "end_frame_fileID"]
    assert [s.field for s in catalog.VIDEO_MODELS["Veo-3.1-Fast"].slots()] == ["fileID", "end_frame_fileID"]
    assert catalog.VIDEO_MODELS["T2V-2.3"].slots() == []
    assert catalog.VIDEO_MODELS["I2V-01"].slots()[0].required
    limits = {k: len(m.slots()) for k, m in catalog.IMAGE_MODELS.items()}
    assert limits["gpt-image-2"] == 16 and limits["gpt-image-1.5"] == 3 and limits["seedream-5.0"] == 14
    assert [s.field for s in catalog.IMAGE_MODELS["image-01"].slots()] == ["characterFileId"]
    assert catalog.IMAGE_MODELS["nano-banana-pro"].slots()[1].mention == "@Image2"
    assert catalog.IMAGE_MODELS["midjourney-v7"].slots()[0].mention is None


def test_director_models_have_camera_moves() -> None:
    assert {k for k, m in catalog.VIDEO_MODELS.items() if m.camera_moves} == {
        "T2V-01-Director", "I2V-01-Director"}
    for move in ("[Truck left]", "[Pan right]", "[Push in]", "[Pull out]", "[Pedestal up]",
                 "[Tilt down]", "[Zoom in]", "[Shake]", "[Tracking shot]", "[Static shot]"):
        assert move in catalog.CAMERA_MOVES
    assert catalog.combine_camera_moves(["[Pan left]", "[Zoom in]"]) == "[Pan left,Zoom in]"
    with pytest.raises(ValueError):
        catalog.combine_camera_moves(["[Pan left]", "[Zoom in]", "[Shake]", "[Push in]"])


# --- valid requests --------------------------------------------------------------------

@pytest.mark.parametrize("model", VIDEO_IDS)
def test_every_video_models_default_request_is_valid(model: str) -> None:
    assert catalog.validate_video_request(video(model)) == []


@pytest.mark.parametrize("model", IMAGE_IDS)
def test_every_image_models_default_request_is_valid(model: str) -> None:
    assert catalog.validate_image_request(image(model)) == []


@pytest.mark.parametrize("model", VIDEO_IDS)
def test_every_choice_and_full_slot_set_is_valid(model: str) -> None:
    m = catalog.VIDEO_MODELS[model]
    for choice in m.options or (None,):
        for res in m.resolutions or (None,):
            body = video(model, options=choice, resolution=res)
            for slot in m.slots():
                if slot.field == "end_frame_fileID" and not m.end_frame_allowed_with(choice):
                    continue
                if slot.field == "end_frame_fileID" and m.max_video_refs:
                    continue  # exclusive with clips; checked below
                body[slot.field] = f"file-{slot.field}"
            assert catalog.validate_video_request(body) == [], body
    if m.supports_end_frame:
        body = video(model, fileID="a", end_frame_fileID="b",
                     options=m.end_frame_options[-1] if m.end_frame_options else m.default_options)
        assert catalog.validate_video_request(body) == []


@pytest.mark.parametrize("model", IMAGE_IDS)
def test_every_image_choice_and_full_reference_set_is_valid(model: str) -> None:
    m = catalog.IMAGE_MODELS[model]
    for ratio in m.aspect_ratios:
        for res in m.resolutions or (None,):
            for quality in m.quality_levels or (None,):
                body = image(model, aspectRatio=ratio, resolution=res, quality=quality, quantity=4)
                body.update({s.field: f"f{n}" for n, s in enumerate(m.slots())})
                assert catalog.validate_image_request(body) == [], body


@pytest.mark.parametrize("body", [
    {"prompt": "waves"},  # model defaults to T2V-01
    {"fileID": "f"},  # model defaults to I2V-01; prompt optional with an image
    video("Seedance-2.0", prompt="x" * 7500, duration=15, resolution="4K"),
    video("Seedance-2.0", resolution=1080),  # a JSON number is what useapi's script means
    video("Seedance-2.0", prompt="@Image1 meets @image2 in @VIDEO1, voice of @audio001",
          fileID="a", fileID2="b", videoFileID1="c", audioFileID1="d"),
    video("Seedance-2.0-Fast", fileID="a", end_frame_fileID="b"),
    video("T2V-01-Director", prompt="[Truck left,Pan right,Zoom in] a city street"),
    video("T2V-2.3", prompt="[one, two, three, four] is not a camera command"),
    video("Sora-2", aspectRatio="9:16", fileID="a"),
    video("T2V-01", prompt="mail me@image1.com"),  # not a mention: glued to a word
    video("I2V-01", prompt=""),  # an image alone is enough
    video("T2V-01", replyUrl="https://x/" + "a" * 1014, replyRef="r" * 1024, maxJobs=10),
    video("02", options="1080p-6sec", fileID="a", end_frame_fileID="b", promptOptimization=False),
])
def test_valid_video_requests(body: dict[str, Any]) -> None:
    assert catalog.validate_video_request(body) == []


@pytest.mark.parametrize("body", [
    {"prompt": "a cat"},  # model defaults to image-01
    image("nano-banana-2", prompt="@ImAgE001 and @image2", referenceFileId1="a", referenceFileId2="b"),
    image("midjourney-v7", quantity=2),  # accepted; midjourney still makes 4 (see cost)
    image("image-01", characterFileId="face"),
    image("gpt-image-2", prompt="x" * 7500, quality="high", resolution="4K"),
    image("midjourney-niji7", prompt="x" * 5000),
    image("seedream-4.5", prompt="@Image1 @Image2 @Image3", referenceFileId1="a",
          referenceFileId2="b", referenceFileId3="c"),
])
def test_valid_image_requests(body: dict[str, Any]) -> None:
    assert catalog.validate_image_request(body) == []


# --- invalid requests --------------------------------------------------------------------

INVALID_VIDEO: list[tuple[dict[str, Any], str]] = [
    ({"prompt": "x", "model": "T2V-99"}, "model"),
    ({"prompt": "x", "model": "t2v-01"}, "model"),
    ({"prompt": "x", "model": 5}, "model"),
    ({"model": "T2V-01"}, "prompt"),
    ({"model": "T2V-01", "prompt": "   "}, "prompt"),
    ({"model": "T2V-01", "prompt": 5}, "prompt"),
    (video("T2V-01", prompt="x" * 2001), "prompt"),
    (video("Veo-3.1", prompt="x" * 2001), "prompt"),
    (video("Seedance-2.0", prompt="x" * 7501), "prompt"),
    (video("T2V-01", options="768p-6sec"), "options"),
    (video("Seedance-2.0", options="768p-6sec"), "options"),
    (video("02", options="1080p-10sec"), "options"),
    (video("T2V-2.3", options="512p-6sec"), "options"),
    (video("Sora-2", options="veo-720p-8sec"), "options"),
    (video("02", resolution="720"), "resolution"),
    (video("T2V-01", resolution="720"), "resolution"),
    (video("Seedance-2.0-Fast", resolution="1080"), "resolution"),
    (video("Seedance-2.0-Mini", resolution="4K"), "resolution"),
    (video("Seedance-2.0", resolution="720p"), "resolution"),
    (video("Sora-2", duration=8), "duration"),
    (video("Seedance-2.0", duration=3), "duration"),
    (video("Seedance-2.0", duration=16), "duration"),
    (video("Seedance-2.0", duration=4.5), "duration"),
    (video("Seedance-2.0", duration="five"), "duration"),
    (video("Seedance-2.0", duration=True), "duration"),
    (video("T2V-01", aspectRatio="16:9"), "aspectRatio"),
    (video("02", aspectRatio="16:9"), "aspectRatio"),
    (video("Sora-2", aspectRatio="1:1"), "aspectRatio"),
    (video("Veo-3.1", aspectRatio="21:9"), "aspectRatio"),
    (video("Seedance-2.0", aspectRatio="auto"), "aspectRatio"),
    (video("T2V-2.3", fileID="a", end_frame_fileID="b"), "end_frame_fileID"),
    (video("I2V-2.3", end_frame_fileID="b"), "end_frame_fileID"),
    (video("Sora-2", fileID="a", end_frame_fileID="b"), "end_frame_fileID"),
    (video("Veo-3.1-S2V", end_frame_fileID="b"), "end_frame_fileID"),
    (video("I2V-01", end_frame_fileID="b"), "end_frame_fileID"),
    (video("02", options="512p-6sec", fileID="a", end_frame_fileID="b"), "end_frame_fileID"),
    (video("02", options="512p-10sec", fileID="a", end_frame_fileID="b"), "end_frame_fileID"),
    ({"model": "02", "prompt": "x", "fileID": "a", "end_frame_fileID": "b"}, "end_frame_fileID"),
    (video("Veo-3.1", end_frame_fileID="b"), "end_frame_fileID"),
    (video("Veo-3.1", fileID="same", end_frame_fileID="same"), "end_frame_fileID"),
    (video("Seedance-2.0", fileID="a", end_frame_fileID="b", videoFileID1="v"), "end_frame_fileID"),
    (video("Seedance-2.0", fileID="a", end_frame_fileID="b", audioFileID1="v"), "end_frame_fileID"),
    (video("T2V-01", fileID="a"), "fileID"),
    (video("T2V-2.3", fileID="a"), "fileID"),
    (video("I2V-01", fileID=None), "fileID"),
    (video("I2V-2.3-Fast", fileID=None), "fileID"),
    (video("S2V-01", fileID=None), "fileID"),
    (video("Veo-3.1-S2V", fileID=None), "fileID"),
    (video("I2V-01", fileID2="b"), "fileID2"),
    (video("Sora-2", fileID="a", fileID2="b"), "fileID2"),
    (video("Seedance-2.0", **{f"fileID{n}": "x" for n in range(2, 11)}, fileID="a"), "fileID10"),
    (video("Veo-3.1-S2V", fileID15="x"), "fileID15"),
    (video("Veo-3.1-S2V", fileID1="x"), "fileID1"),
    (video("Veo-3.1-S2V", fileID3="x"), "fileID3"),  # fileID2 empty
    (video("Seedance-2.0", fileID2="x"), "fileID2"),  # fileID empty
    (video("Seedance-2.0", videoFileID2="x"), "videoFileID2"),
    (video("Seedance-2.0", audioFileID3="x", audioFileID1="y"), "audioFileID3"),
    (video("Seedance-2.0", videoFileID4="x"), "videoFileID4"),
    (video("Veo-3.1", videoFileID1="v"), "videoFileID1"),
    (video("02", audioFileID1="a"), "audioFileID1"),
    (video("Seedance-2.0", fileID=7), "fileID"),
    (video("T2V-2.3", prompt="@Image1 in the rain"), "prompt"),
    (video("Veo-3.1-S2V", prompt="@Image1 and @Image2"), "prompt"),
    (video("Seedance-2.0", prompt="@Image2 dances", fileID="a"), "prompt"),
    (video("Seedance-2.0", prompt="@Image0 dances", fileID="a"), "prompt"),
    (video("Seedance-2.0", prompt="in @Video1", fileID="a"), "prompt"),
    (video("Seedance-2.0", prompt="voice of @Audio2", audioFileID1="a"), "prompt"),
    (video("T2V-01-Director", prompt="[Pan left,Pan right,Zoom in,Shake] a street"), "prompt"),
    (video("T2V-01", replyUrl="h" * 1025), "replyUrl"),
    (video("T2V-01", replyRef="r" * 1025), "replyRef"),
    (video("T2V-01", maxJobs=0), "maxJobs"),
    (video("T2V-01", maxJobs=11), "maxJobs"),
    (video("T2V-01", maxJobs="lots"), "maxJobs"),
    (video("T2V-01", promptOptimization="maybe"), "promptOptimization"),
]


@pytest.mark.parametrize(("body", "field"), INVALID_VIDEO)
def test_invalid_video_requests_name_the_field(body: dict[str, Any], field: str) -> None:
    problems = catalog.validate_video_request(body)
    assert field in fields_of(problems), problems
    for p in problems:
        assert p.field in p.message, p
        assert p.message.endswith((".", "?")) and "Traceback" not in p.message


INVALID_IMAGE: list[tuple[dict[str, Any], str]] = [
    ({"prompt": "x", "model": "dall-e"}, "model"),
    ({"prompt": "x", "model": "Image-01"}, "model"),
    ({"model": "image-01"}, "prompt"),
    (image("nano-banana-2", prompt=""), "prompt"),
    (image("image-01", prompt="x" * 2001), "prompt"),
    (image("seedream-4.5", prompt="x" * 2001), "prompt"),
    (image("midjourney-v7", prompt="x" * 5001), "prompt"),
    (image("gpt-image-2", prompt="x" * 7501), "prompt"),
    (image("gpt-image-2", aspectRatio="auto"), "aspectRatio"),
    (image("image-01", aspectRatio="5:4"), "aspectRatio"),
    (image("gpt-image-1.5", aspectRatio="16:9"), "aspectRatio"),
    (image("seedream-5.0", resolution="4K"), "resolution"),
    (image("nano-banana-pro", resolution="512P"), "resolution"),
    (image("midjourney-v7", resolution="1K"), "resolution"),
    (image("gpt-image-1.5", resolution="low"), "resolution"),
    (image("nano-banana-2", quality="high"), "quality"),
    (image("gpt-image-1.5", quality="high"), "quality"),
    (image("gpt-image-2", quality="ultra"), "quality"),
    (image("image-01", quantity=0), "quantity"),
    (image("image-01", quantity=5), "quantity"),
    (image("image-01", quantity=9), "quantity"),
    (image("image-01", quantity="two"), "quantity"),
    (image("midjourney-v7", quantity=7), "quantity"),
    (image("gpt-image-1.5", **{f"referenceFileId{n}": "x" for n in range(1, 5)}), "referenceFileId4"),
    (image("nano-banana-2", **{f"referenceFileId{n}": "x" for n in range(1, 16)}), "referenceFileId15"),
    (image("gpt-image-2", **{f"referenceFileId{n}": "x" for n in range(1, 18)}), "referenceFileId17"),
    (image("nano-banana-pro", referenceFileId2="x"), "referenceFileId2"),
    (image("seedream-4.5", referenceFileId1="x", referenceFileId3="y"), "referenceFileId3"),
    (image("image-01", referenceFileId1="x"), "referenceFileId1"),
    (image("nano-banana-2", characterFileId="x"), "characterFileId"),
    (image("midjourney-v7", prompt="@Image1 as a knight", referenceFileId1="x"), "prompt"),
    (image("gpt-image-1.5", prompt="@image1 in oil", referenceFileId1="x"), "prompt"),
    (image("image-01", prompt="@Image1 in the rain"), "prompt"),
    (image("nano-banana-pro", prompt="@Image3 on @Image1", referenceFileId1="a",
           referenceFileId2="b"), "prompt"),
    (image("nano-banana-2", prompt="@Image1 smiling"), "prompt"),
    (image("image-01", replyRef="r" * 1025), "replyRef"),
]


@pytest.mark.parametrize(("body", "field"), INVALID_IMAGE)
def test_invalid_image_requests_name_the_field(body: dict[str, Any], field: str) -> None:
    problems = catalog.validate_image_request(body)
    assert field in fields_of(problems), problems
    for p in problems:
        assert p.field in p.message, p


def test_problem_messages_are_specific() -> None:
    [p] = catalog.validate_video_request({"prompt": "x", "model": "veo-3.1"})
    assert "did you mean 'Veo-3.1'" in p.message
    [p] = catalog.validate_video_request(video("02", options="512p-6sec", fileID="a",
                                               end_frame_fileID="b"))
    assert "768p-6sec, 768p-10sec or 1080p-6sec" in p.message and "512p-6sec" in p.message
    [p] = catalog.validate_video_request(video("T2V-01", prompt="x" * 2001))
    assert p.message == ("The prompt is 2,001 characters long; T2V-01 accepts at most 2,000. "
                         "Shorten it.")
    [p] = catalog.validate_image_request(image("nano-banana-pro", prompt="@Image3 here",
                                               referenceFileId1="a", referenceFileId2="b"))
    assert "@Image3" in p.message and "2 reference images are attached" in p.message
    assert str(p) == p.message


def test_seedance_end_frame_flag_switches_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    body = video("Seedance-2.0", fileID="a", end_frame_fileID="b")
    assert catalog.validate_video_request(body) == []
    monkeypatch.setattr(catalog, "SEEDANCE_END_FRAME_ALLOWED", False)
    assert catalog.SEEDANCE_END_FRAME_ALLOWED is False
    assert "end_frame_fileID" not in [s.field for s in catalog.VIDEO_MODELS["Seedance-2.0"].slots()]
    assert fields_of(catalog.validate_video_request(body)) == {"end_frame_fileID"}
    assert catalog.validate_video_request(video("Veo-3.1", fileID="a", end_frame_fileID="b")) == []


# --- multipart ---------------------------------------------------------------------------

def test_coerce_form_values_turns_multipart_strings_into_api_types() -> None:
    out = catalog.coerce_form_values({
        "promptOptimization": "false", "duration": "10", "maxJobs": " 3 ", "quantity": "2",
        "async": "TRUE", "prompt": "true story", "resolution": "720", "fileID": "12"})
    assert out == {"promptOptimization": False, "duration": 10, "maxJobs": 3, "quantity": 2,
                   "async": True, "prompt": "true story", "resolution": "720", "fileID": "12"}
    assert catalog.coerce_form_values({"duration": "ten", "promptOptimization": "perhaps"}) == {
        "duration": "ten", "promptOptimization": "perhaps"}


def test_multipart_bodies_validate_like_json() -> None:
    form = {"model": "Seedance-2.0", "prompt": "sea", "duration": "12", "resolution": "1080",
            "promptOptimization": "true", "maxJobs": "2"}
    assert catalog.validate_video_request(form) == []
    assert catalog.video_cost(form) == catalog.video_cost(catalog.coerce_form_values(form))
    assert catalog.video_cost(form).min_credits == 27 * 12
    assert fields_of(catalog.validate_video_request(dict(form, duration="16"))) == {"duration"}
    assert catalog.validate_image_request({"prompt": "x", "quantity": "4"}) == []
    assert fields_of(catalog.validate_image_request({"prompt": "x", "quantity": "5"})) == {"quantity"}


# --- media the body cannot show ------------------------------------------------------------

def test_sora_first_frame_must_be_exactly_720p() -> None:
    assert catalog.check_reference_dimensions("Sora-2", "fileID", 1280, 720) is None
    assert catalog.check_reference_dimensions("Sora-2", "fileID", 720, 1280) is None
    p = catalog.check_reference_dimensions("Sora-2", "fileID", 1920, 1080)
    assert p is not None and p.field == "fileID" and "1280×720" in p.message and "1920×1080" in p.message
    assert catalog.check_reference_dimensions("Veo-3.1", "fileID", 1920, 1080) is None
    assert catalog.check_reference_dimensions("Sora-2", 1000, 1000) is not None  # short form
    assert catalog.check_reference_dimensions("Sora-2", 1280, 720) is None


def test_seedance_clip_lengths() -> None:
    ok = {"videoFileID1": 5.0, "audioFileID1": 10.0}
    assert catalog.check_media_duration("Seedance-2.0", ok) == []
    assert fields_of(catalog.check_media_duration("Seedance-2.0", {"videoFileID1": 1.5})) == {"videoFileID1"}
    assert fields_of(catalog.check_media_duration("Seedance-2.0-Mini", {"audioFileID2": 15.5})) == {"audioFileID2"}
    over = catalog.check_media_duration("Seedance-2.0-Fast", {"videoFileID1": 8, "audioFileID1": 8})
    assert [p.field for p in over] == ["audioFileID1"] and "16.0 s together" in over[0].message
    assert catalog.check_media_duration("Veo-3.1", {"videoFileID1": 1}) == []


# --- costs --------------------------------------------------------------------------------

PUBLISHED: list[tuple[dict[str, Any], int]] = [
    *[(video(m), 25) for m in ("T2V-01", "I2V-01", "I2V-01-live", "S2V-01", "T2V-01-Director",
                               "I2V-01-Director")],
    *[(video(m, options="768p-6sec"), 25) for m in ("02", "T2V-2.3", "I2V-2.3")],
    (video("Sora-2", options="720p-4sec"), 40), (video("Sora-2", options="720p-8sec"), 80),
    (video("Sora-2", options="720p-12sec"), 120),
    *[(video(m, options=f"veo-{r}-8sec"), p) for m in ("Veo-3.1", "Veo-3.1-S2V")
      for r, p in (("720p", 120), ("1080p", 120), ("4k", 180))],
    *[(video(m, options=f"veo-{r}-8sec"), p) for m in ("Veo-3.1-Fast", "Veo-3.1-S2V-Fast")
      for r, p in (("720p", 60), ("1080p", 60), ("4k", 90))],
    (video("Seedance-2.0-Fast", resolution="480", duration=10), 40),
    (video("Seedance-2.0-Fast", resolution="720", duration=10), 100),
    (video("Seedance-2.0-Fast", resolution="480", duration=10, fileID="a"), 70),
    (video("Seedance-2.0-Fast", resolution="720", duration=10, videoFileID1="v"), 150),
    (video("Seedance-2.0", resolution="480", duration=4), 20),
    (video("Seedance-2.0", resolution="720", duration=5), 60),
    (video("Seedance-2.0", resolution="1080", duration=15), 405),
    (video("Seedance-2.0", resolution="480", duration=4, audioFileID1="a"), 36),
    (video("Seedance-2.0", resolution="720", duration=5, fileID="a"), 95),
    (video("Seedance-2.0", resolution="1080", duration=15, fileID="a", end_frame_fileID="b"), 675),
    ({"prompt": "sea", "model": "Seedance-2.0"}, 60),  # documented defaults: 720, 5 s
]


@pytest.mark.parametrize(("body", "credits"), PUBLISHED)
def test_published_video_prices(body: dict[str, Any], credits: int) -> None:
    cost = catalog.video_cost(body)
    assert cost.exact and cost.min_credits == cost.max_credits == credits
    assert cost.label == f"{credits:,} credits"


PUBLISHED_IMAGES: list[tuple[dict[str, Any], int]] = [
    (image("image-01"), 1), (image("midjourney-v7"), 3 * 4), (image("midjourney-niji7", quantity=1), 12),
    (image("seedream-4.5", resolution="4K"), 4), (image("seedream-5.0", resolution="3K"), 4),
    (image("nano-banana-2", resolution="512P"), 4), (image("nano-banana-2", resolution="1K"), 4),
    (image("nano-banana-2", resolution="2K"), 5), (image("nano-banana-2", resolution="4K"), 8),
    (image("nano-banana-pro", resolution="1K"), 6), (image("nano-banana-pro", resolution="2K"), 6),
    (image("nano-banana-pro", resolution="4K"), 10),
    (image("gpt-image-1.5", resolution="Low"), 4), (image("gpt-image-1.5", resolution="Medium"), 8),
    (image("gpt-image-1.5", resolution="High"), 15),
    *[(image("gpt-image-2", quality=q, resolution=r), p)
      for q, prices in (("low", (2, 5, 10)), ("medium", (8, 20, 40)), ("high", (30, 80, 160)))
      for r, p in zip(("1K", "2K", "4K"), prices, strict=True)],
    ({"prompt": "x", "model": "gpt-image-2", "resolution": "2K"}, 5),  # quality defaults to low
    (image("nano-banana-2", resolution="4K", quantity=3), 24),
    (image("image-01", quantity=4), 4),
]


@pytest.mark.parametrize(("body", "credits"), PUBLISHED_IMAGES)
def test_published_image_prices_times_quantity(body: dict[str, Any], credits: int) -> None:
    cost = catalog.image_cost(body)
    assert cost.exact and cost.min_credits == credits, cost


@pytest.mark.parametrize(("body", "low", "high"), [
    (video("02", options="1080p-6sec"), 25, 80),
    (video("02", options="512p-10sec"), 25, 80),
    (video("T2V-2.3", options="768p-10sec"), 25, 80),
    (video("I2V-2.3", options="1080p-6sec"), 25, 80),
    (video("I2V-2.3-Fast", options="1080p-6sec"), 15, 50),
    (video("I2V-2.3-Fast", options="768p-6sec"), 15, 15),  # inferred bottom of 15–50
    (video("Seedance-2.0", resolution="4K", duration=10), 270, 1000),
    (video("Seedance-2.0", resolution="4K", duration=10, fileID="a"), 450, 1000),
])
def test_unpublished_prices_are_ranges_and_say_so(body: dict[str, Any], low: int, high: int) -> None:
    cost = catalog.video_cost(body)
    assert (cost.min_credits, cost.max_credits) == (low, high)
    assert not cost.exact and "not published" in cost.label and cost.note


def test_labels() -> None:
    assert catalog.video_cost(video("02", options="1080p-6sec")).label == \
        "25–80 credits (exact price not published)"
    assert catalog.video_cost(video("I2V-2.3-Fast", options="768p-6sec")).label == \
        "about 15 credits (exact price not published)"
    assert catalog.image_cost(image("image-01")).label == "1 credit"
    assert Cost(None, None, "").label == "Price not published"
    assert Cost(None, 50, "", published=False).label == "up to 50 credits (exact price not published)"
    # A choice not yet made spans published prices: a range, but no guess.
    open_choice = catalog.video_cost({"model": "Sora-2", "prompt": "x"})
    assert (open_choice.min_credits, open_choice.max_credits) == (40, 120)
    assert open_choice.label == "40–120 credits"
    total = catalog.video_cost(video("T2V-01")) + catalog.video_cost(video("02", options="1080p-6sec"))
    assert (total.min_credits, total.max_credits) == (50, 105)


def test_seedance_later_4k_figure_and_mini_are_explained() -> None:
    four_k = catalog.video_cost(video("Seedance-2.0", resolution="4K"))
    assert "100" in four_k.note and "later" in four_k.note
    mini = catalog.video_cost(video("Seedance-2.0-Mini"))
    assert mini.min_credits is None and mini.max_credits is None
    assert mini.label == "Price not published" and "Mini" in mini.note


def test_price_overrides_fill_in_what_is_not_published() -> None:
    assert "Seedance-2.0-Mini/720/text" in catalog.unpublished_price_keys()
    catalog.set_price_overrides({"Seedance-2.0-Mini/720/text": 3, "02/1080p-6sec": 60,
                                 "image-01": 2})
    mini = catalog.video_cost(video("Seedance-2.0-Mini", duration=10))
    assert mini.exact and mini.min_credits == 30 and "settings" in mini.note
    assert catalog.video_cost(video("02", options="1080p-6sec")).label == "60 credits"
    assert catalog.image_cost(image("image-01", quantity=3)).min_credits == 6
    assert catalog.price_overrides()["02/1080p-6sec"] == 60
    with pytest.raises(ValueError):
        catalog.set_price_overrides({"02/1080p-6sec": -1})
    with pytest.raises(ValueError):
        catalog.set_price_overrides({"02/1080p-6sec": "cheap"})  # type: ignore[dict-item]
    catalog.set_price_overrides({})
    assert not catalog.video_cost(video("02", options="1080p-6sec")).exact


def test_costs_of_nonsense_never_raise() -> None:
    assert catalog.video_cost({"model": "nope"}).min_credits is None
    assert catalog.image_cost({"model": ["x"]}).min_credits is None
    unknown_length = catalog.video_cost(video("Seedance-2.0", duration="long"))
    assert (unknown_length.min_credits, unknown_length.max_credits) == (12 * 4, 12 * 15)
    bad = catalog.video_cost(video("Seedance-2.0", duration=99, resolution="8K"))
    assert (bad.min_credits, bad.max_credits) == (5 * 4, 100 * 15)  # 4K upper bound


# --- property: arbitrary input only ever yields Problems -------------------------------------

_KEYS = st.sampled_from([
    "model", "prompt", "options", "resolution", "duration", "aspectRatio", "fileID",
    "end_frame_fileID", "fileID2", "fileID9", "fileID10", "fileID14", "fileID15", "fileID0",
    "videoFileID1", "videoFileID3", "videoFileID0", "audioFileID1", "audioFileID4",
    "promptOptimization", "maxJobs", "replyUrl", "replyRef", "account", "quality", "quantity",
    "characterFileId", "referenceFileId1", "referenceFileId2", "referenceFileId16",
    "referenceFileId17", "referenceFileId0", "async",
]) | st.text(max_size=12) | st.integers() | st.none()
_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 20), st.floats(allow_nan=True),
    st.sampled_from([*VIDEO_IDS, *IMAGE_IDS, "4K", "720", "16:9", "auto", "low", "768p-6sec",
                     "@Image1 @video2 @AUDIO03 [Pan left,Pan right,Zoom in,Shake]", "", " "]),
    st.text(max_size=30), st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(_KEYS, _VALUES, max_size=10))
def test_validation_and_costs_never_raise(body: dict[Any, Any]) -> None:
    for fn in (catalog.validate_video_request, catalog.validate_image_request):
        problems = fn(body)
        assert isinstance(problems, list)
        for p in problems:
            assert isinstance(p, Problem) and p.message and p.field
    assert isinstance(catalog.video_cost(body), Cost)
    assert isinstance(catalog.image_cost(body), Cost)
    assert isinstance(catalog.video_cost(body).label, str)


@pytest.mark.parametrize("body", [None, [], "model=T2V-01", 5])
def test_non_mapping_bodies_are_one_problem(body: Any) -> None:
    assert fields_of(catalog.validate_video_request(body)) == {"body"}
    assert fields_of(catalog.validate_image_request(body)) == {"body"}
    assert catalog.video_cost(body).min_credits is None
