"""What a slot accepts, decided from the file's bytes (never its name), before any upload."""

from __future__ import annotations

from pathlib import Path

import pytest

from minimax_studio.viewmodels.media_check import check_file, clips_total_problem
from minimax_studio.viewmodels.media_probe import ProbeError, probe
from tests import media_files as mf

IMAGE = frozenset({"image"})
VIDEO = frozenset({"video"})
AUDIO = frozenset({"audio"})


@pytest.mark.parametrize(
    ("make", "kind", "ctype"),
    [
        (lambda p: mf.png(p / "x.png"), "image", "image/png"),
        (lambda p: mf.jpeg(p / "x.jpg"), "image", "image/jpeg"),
        (lambda p: mf.webp(p / "x.webp"), "image", "image/jpeg"),  # files.md: webp goes up as jpeg
        (lambda p: mf.mp4(p / "x.mp4"), "video", "video/mp4"),
        (lambda p: mf.mp3(p / "x.mp3"), "audio", "audio/mpeg"),
        (lambda p: mf.wav(p / "x.wav", 3), "audio", "audio/wav"),
    ],
)
def test_probe_reads_kind_and_upload_type_from_bytes(tmp_path: Path, make, kind, ctype) -> None:
    info = probe(make(tmp_path))
    assert (info.kind, info.content_type) == (kind, ctype)


def test_a_png_named_mp4_is_still_an_image(tmp_path: Path) -> None:
    disguised = mf.png(tmp_path / "holiday.mp4")
    result = check_file(disguised, VIDEO)
    assert not result.ok
    assert "PNG image" in (result.reason or "") and "MP4 video" in (result.reason or "")


def test_durations_match_the_files(tmp_path: Path) -> None:
    assert probe(mf.mp4(tmp_path / "a.mp4")).duration == pytest.approx(3.0)
    assert probe(mf.mp4(tmp_path / "b.mp4", seconds=12.5)).duration == pytest.approx(12.5)
    assert probe(mf.wav(tmp_path / "c.wav", 7.25)).duration == pytest.approx(7.25)
    assert probe(mf.mp3(tmp_path / "d.mp3")).duration == pytest.approx(3.0, abs=0.1)


def test_image_dimensions(tmp_path: Path) -> None:
    info = probe(mf.png(tmp_path / "a.png", 1280, 720))
    assert (info.width, info.height) == (1280, 720)
    info = probe(mf.mp4(tmp_path / "a.mp4"))
    assert (info.width, info.height) == (256, 144)


def test_unsupported_and_broken_files_are_named(tmp_path: Path) -> None:
    result = check_file(mf.gif(tmp_path / "a.gif"), IMAGE)
    assert "GIF image" in (result.reason or "")
    assert "PNG, JPEG or WebP" in (result.reason or "")
    text = tmp_path / "notes.png"
    text.write_text("hello")
    assert "not a recognised" in (check_file(text, IMAGE).reason or "")
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(mf.mp4(tmp_path / "ok.mp4").read_bytes()[:40])
    with pytest.raises(ProbeError):
        probe(broken)
    assert check_file(tmp_path / "gone.png", IMAGE).reason == \
        "gone.png is not a file (it may have been moved or deleted)."


@pytest.mark.parametrize(("seconds", "ok"), [(1.0, False), (2.0, True), (15.0, True), (16.0, False)])
def test_reference_clips_must_be_2_to_15_seconds(tmp_path: Path, seconds: float, ok: bool) -> None:
    video = check_file(mf.mp4(tmp_path / "v.mp4", seconds=seconds), VIDEO)
    audio = check_file(mf.wav(tmp_path / "a.wav", seconds), AUDIO)
    assert video.ok is ok and audio.ok is ok
    if not ok:
        assert "2–15 s" in (video.reason or "")


def test_clips_together_at_most_15_seconds() -> None:
    assert clips_total_problem([7.0, 8.0]) is None
    assert "16.0 s" in (clips_total_problem([10.0, 6.0]) or "")


def test_dimension_rule_comes_from_the_caller(tmp_path: Path) -> None:
    def sora(w: int, h: int) -> str | None:
        return None if (w, h) in ((1280, 720), (720, 1280)) else f"wrong {w}×{h}"

    assert check_file(mf.png(tmp_path / "ok.png", 720, 1280), IMAGE, dimension_check=sora).ok
    bad = check_file(mf.png(tmp_path / "sq.png", 1024, 1024), IMAGE, dimension_check=sora)
    assert bad.reason == "wrong 1024×1024"
