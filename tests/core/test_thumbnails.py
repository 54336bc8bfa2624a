"""Thumbnails from real images made with Pillow, from video covers and frames, and None for
files that cannot be decoded."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from minimax_studio.core.thumbnails import make_thumbnail

pytestmark = pytest.mark.asyncio


def _photo(path: Path, size: tuple[int, int], fmt: str, mode: str = "RGB") -> Path:
    img = Image.new(mode, size, (200, 40, 40, 255) if mode == "RGBA" else (200, 40, 40))
    for x in range(0, size[0], 7):  # some detail so the encoders do real work
        for y in range(0, size[1], 11):
            img.putpixel((x, y), (10, 200, 30, 128) if mode == "RGBA" else (10, 200, 30))
    img.save(path, fmt)
    return path


@pytest.mark.parametrize(("fmt", "ext"), [("PNG", "png"), ("JPEG", "jpg"), ("WEBP", "webp")])
async def test_image_becomes_a_256px_thumbnail(tmp_path: Path, fmt: str, ext: str) -> None:
    src = _photo(tmp_path / f"photo.{ext}", (1280, 720), fmt)
    thumb = await make_thumbnail(src, tmp_path / "cache")
    assert thumb is not None and thumb.is_relative_to(tmp_path / "cache")
    with Image.open(thumb) as t:
        assert t.format == "JPEG"
        assert t.size == (256, 144)  # aspect kept, longest side 256
        pixel = t.convert("RGB").getpixel((128, 3))
        assert isinstance(pixel, tuple)
        assert pixel[0] > 120 and pixel[2] < 100  # still the red picture


async def test_transparent_png_stays_png_with_alpha(tmp_path: Path) -> None:
    src = _photo(tmp_path / "logo.png", (300, 600), "PNG", mode="RGBA")
    thumb = await make_thumbnail(src, tmp_path / "cache", size=128)
    assert thumb is not None
    with Image.open(thumb) as t:
        assert t.format == "PNG" and t.mode == "RGBA" and t.size == (64, 128)


async def test_thumbnail_is_cached_by_content(tmp_path: Path) -> None:
    a = _photo(tmp_path / "a.png", (400, 400), "PNG")
    b = tmp_path / "b.png"
    shutil.copy(a, b)
    cache = tmp_path / "cache"
    ta = await make_thumbnail(a, cache)
    assert ta is not None
    mtime = ta.stat().st_mtime_ns
    tb = await make_thumbnail(b, cache)
    assert tb == ta and ta.stat().st_mtime_ns == mtime  # same content: reused, not redone
    c = _photo(tmp_path / "c.png", (400, 300), "PNG")
    assert await make_thumbnail(c, cache) != ta
    assert len([p for p in cache.rglob("*") if p.is_file()]) == 2


@pytest.mark.parametrize("content", [
    b"",
    b"not an image at all",
    b"\x89PNG\r\n\x1a\n" + b"\x00" * 40,  # PNG signature, garbage after
])
async def test_undecodable_file_gives_none(tmp_path: Path, content: bytes) -> None:
    src = tmp_path / "broken.png"
    src.write_bytes(content)
    assert await make_thumbnail(src, tmp_path / "cache") is None
    assert not [p for p in (tmp_path / "cache").rglob("*") if p.is_file()]


async def test_truncated_jpeg_gives_none_or_a_valid_thumbnail(tmp_path: Path) -> None:
    whole = _photo(tmp_path / "whole.jpg", (800, 600), "JPEG")
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(whole.read_bytes()[:300])
    thumb = await make_thumbnail(cut, tmp_path / "cache")
    assert thumb is None


async def test_missing_file_gives_none(tmp_path: Path) -> None:
    assert await make_thumbnail(tmp_path / "nope.png", tmp_path / "cache") is None


async def test_video_uses_its_cover_image(tmp_path: Path) -> None:
    video = tmp_path / "clip.mp4"
    video.write_bytes(b"\x00\x00\x00\x18ftypmp42 not really a video")
    cover = _photo(tmp_path / "cover.jpg", (1080, 1920), "JPEG")
    thumb = await make_thumbnail(video, tmp_path / "cache", cover=cover)
    assert thumb is not None
    with Image.open(thumb) as t:
        assert t.size == (144, 256)


async def test_broken_video_without_cover_gives_none(tmp_path: Path) -> None:
    video = tmp_path / "clip.mp4"
    video.write_bytes(b"garbage" * 100)
    assert await make_thumbnail(video, tmp_path / "cache") is None


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg not installed")
async def test_real_video_without_cover_uses_its_first_frame(tmp_path: Path) -> None:
    video = tmp_path / "clip.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "color=c=blue:s=320x240:d=0.2",
         "-pix_fmt", "yuv420p", str(video)], check=True, timeout=30)
    thumb = await make_thumbnail(video, tmp_path / "cache")
    assert thumb is not None
    with Image.open(thumb) as t:
        assert t.size == (256, 192)
        pixel = t.convert("RGB").getpixel((100, 100))
        assert isinstance(pixel, tuple)
        assert pixel[2] > 200 and pixel[0] < 60


# --- no .part left behind (issue 9, case 9) ----------------------------------------------------

async def test_a_cut_cover_download_leaves_nothing_in_the_thumbnail_cache(tmp_path: Path) -> None:
    from minimax_studio.sandbox import Sandbox
    from tests.core.engine_rig import make_rig

    sandbox = Sandbox(speed=200.0).start()
    try:
        async with make_rig(sandbox, tmp_path) as rig:
            # The video itself downloads whole (the first CDN request passes untouched);
            # every later one - the cover - is cut after 100 bytes.
            sandbox.faults.add("cdn", times=1)
            sandbox.faults.add("cdn", drop_after=100)
            job = await rig.run("video", {"model": "T2V-01", "prompt": "a lantern at night"})
            covers = [h for h in sandbox.core.cdn_received[1:]]
            assert job.state.value == "completed", job.reason
            assert covers, "the engine never asked for the cover"
            [item] = (await rig.library.page()).items
            assert item.path.is_file() and item.thumb_path is None  # no cover, no thumbnail
            assert [p.name for p in rig.config.thumbs_dir.rglob("*") if p.is_file()] == []
    finally:
        sandbox.stop()


async def test_a_videos_cover_becomes_its_thumbnail_and_is_not_kept(tmp_path: Path) -> None:
    from minimax_studio.sandbox import Sandbox
    from tests.core.engine_rig import make_rig

    sandbox = Sandbox(speed=200.0).start()
    try:
        async with make_rig(sandbox, tmp_path) as rig:
            job = await rig.run("video", {"model": "T2V-01", "prompt": "a lantern at night"})
            assert job.state.value == "completed", job.reason
            [item] = (await rig.library.page()).items
            assert item.thumb_path is not None
            with Image.open(item.thumb_path) as thumb:
                assert max(thumb.size) == 256
            # Only the thumbnail: the downloaded cover went once it was used.
            cached = [p for p in rig.config.thumbs_dir.rglob("*") if p.is_file()]
            assert cached == [item.thumb_path]
    finally:
        sandbox.stop()
