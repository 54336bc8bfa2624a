"""Upload bodies (type from the bytes, streamed, size limits) and downloads (.part file,
Range resume, clean restart, length check, the token never sent to a CDN).

The downloads here run on an httpx.MockTransport, so they take the httpx path of
``download_to`` (the fast path only serves httpx's own connection pool); the same
behaviours over real sockets, on the fast path, are in test_fast_download.py."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from minimax_studio.api import errors as E
from minimax_studio.api.transfer import InterruptedDownloadError
from minimax_studio.api.upload_body import MAX_UPLOAD_BYTES, prepare_upload, sniff_content_type
from tests import media_files

from .helpers import BASE, FILE_ID, TOKEN, json_response, make_client


def _mp3_without_id3(path: Path) -> Path:
    data = (media_files.SAMPLES / "tone.mp3").read_bytes()
    size = ((data[6] & 0x7F) << 21) | ((data[7] & 0x7F) << 14) | ((data[8] & 0x7F) << 7) | (data[9] & 0x7F)
    body = data[10 + size:]
    assert body[0] == 0xFF
    path.write_bytes(body)
    return path


GOOD = [
    ("png", lambda p: media_files.png(p / "a.png"), "image/png"),
    ("jpeg", lambda p: media_files.jpeg(p / "a.jpg"), "image/jpeg"),
    ("webp", lambda p: media_files.webp(p / "a.webp"), "image/jpeg"),
    ("wav", lambda p: media_files.wav(p / "a.wav", 0.5), "audio/wav"),
    ("mp3-id3", lambda p: media_files.mp3(p / "a.mp3"), "audio/mpeg"),
    ("mp3-frame-sync", lambda p: _mp3_without_id3(p / "b.mp3"), "audio/mpeg"),
    ("mp4", lambda p: media_files.mp4(p / "a.mp4"), "video/mp4"),
]


@pytest.mark.parametrize(("kind", "make", "ctype"), GOOD, ids=[g[0] for g in GOOD])
def test_sniffs_real_files(kind: str, make, ctype: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = make(tmp_path)
    assert sniff_content_type(path.read_bytes()[:64]) == ctype
    # The name does not matter, only the bytes do.
    renamed = path.rename(tmp_path / "renamed.txt")
    assert prepare_upload(renamed).content_type == ctype


BAD = [
    ("gif", lambda p: media_files.gif(p / "a.gif")),
    ("text", lambda p: _write(p / "notes.png", b"just some text, not an image\n")),
    ("heic", lambda p: _write(p / "photo.mp4", b"\0\0\0\x18ftypheic\0\0\0\0mif1heic" + b"\0" * 64)),
    ("random", lambda p: _write(p / "x.mp3", b"\xff\xff\xff\xff" + b"\x13" * 100)),
]


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.asyncio
@pytest.mark.parametrize(("kind", "make"), BAD, ids=[b[0] for b in BAD])
async def test_unsupported_files_are_rejected_before_sending(kind: str, make, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = make(tmp_path)
    client, rec = make_client(lambda r: json_response({"fileID": FILE_ID}))
    async with client:
        with pytest.raises(E.UploadRejectedError) as info:
            await client.files.upload(path, content_type="image/png")
    assert rec.requests == []
    assert path.name in info.value.message and "PNG, JPEG or WebP" in info.value.message


@pytest.mark.asyncio
async def test_empty_missing_and_oversized_files_are_rejected(tmp_path: Path) -> None:
    empty = _write(tmp_path / "empty.png", b"")
    huge = tmp_path / "huge.mp4"
    with huge.open("wb") as fh:  # sparse: takes no disk space
        fh.write(b"\0\0\0\x18ftypisom")
        fh.truncate(MAX_UPLOAD_BYTES + 1)
    client, rec = make_client(lambda r: json_response({"fileID": FILE_ID}))
    async with client:
        with pytest.raises(E.UploadRejectedError, match="empty"):
            await client.files.upload(empty)
        with pytest.raises(E.UploadRejectedError, match="5 GB"):
            await client.files.upload(huge)
        with pytest.raises(E.UploadRejectedError, match="does not exist"):
            await client.files.upload(tmp_path / "gone.png")
        with pytest.raises(E.UploadRejectedError, match="folder"):
            await client.files.upload(tmp_path)
    assert rec.requests == []


@pytest.mark.asyncio
async def test_upload_is_streamed_in_chunks_with_progress(tmp_path: Path) -> None:
    path = tmp_path / "clip.mp4"
    path.write_bytes(media_files.mp4(tmp_path / "src.mp4").read_bytes() + b"\x01" * (1 << 20))
    size = path.stat().st_size
    body = prepare_upload(path, chunk_size=64 * 1024)
    chunks = [c async for c in body.chunks]
    assert all(len(c) <= 64 * 1024 for c in chunks) and len(chunks) > 10
    assert b"".join(chunks) == path.read_bytes() and body.size == size

    seen: list[tuple[int, int | None]] = []
    client, rec = make_client(lambda r: json_response({"fileID": FILE_ID}))
    async with client:
        await client.files.upload(path, progress=lambda s, t: seen.append((s, t)))
    assert rec.last.content == path.read_bytes()
    assert "Transfer-Encoding" not in rec.last.headers  # a declared length, not chunked
    assert [s for s, _ in seen] == sorted(s for s, _ in seen) and seen[-1] == (size, size)
    assert len(seen) > 2


@pytest.mark.asyncio
async def test_upload_of_bytes() -> None:
    data = (media_files.SAMPLES / "tone.wav").read_bytes()
    client, rec = make_client(lambda r: json_response({"fileID": FILE_ID, "ossPath": "o"}))
    async with client:
        up = await client.files.upload(data, account="555")
    assert rec.last.headers["Content-Type"] == "audio/wav" and rec.last.content == data
    assert up.fileID == FILE_ID


# --- downloads -------------------------------------------------------------------------------

DATA = bytes(range(256)) * 4096  # 1 MiB
CDN = "https://cdn.hailuoai.video/x/video.mp4"


def ranged_server(data: bytes, *, honor_range: bool = True, short_by: int = 0,
                  accept_ranges: bool = True):  # type: ignore[no-untyped-def]
    def handler(request: httpx.Request) -> httpx.Response:
        headers = {"Content-Type": "video/mp4"}
        if accept_ranges:
            headers["Accept-Ranges"] = "bytes"
        rng = request.headers.get("Range")
        if rng and honor_range:
            start = int(rng.removeprefix("bytes=").rstrip("-"))
            if start >= len(data):
                return httpx.Response(416, headers={"Content-Range": f"bytes */{len(data)}"})
            body = data[start:]
            headers["Content-Range"] = f"bytes {start}-{len(data) - 1}/{len(data)}"
            headers["Content-Length"] = str(len(body))
            return httpx.Response(206, content=body[:len(body) - short_by], headers=headers)
        headers["Content-Length"] = str(len(data))
        return httpx.Response(200, content=data[:len(data) - short_by], headers=headers)
    return handler


@pytest.mark.asyncio
async def test_download_writes_through_part_file(tmp_path: Path) -> None:
    client, rec = make_client(ranged_server(DATA))
    dest = tmp_path / "sub" / "v.mp4"
    seen: list[tuple[int, int | None]] = []
    async with client:
        out = await client.download(CDN, dest, progress=lambda d, t: seen.append((d, t)))
    assert out == dest and dest.read_bytes() == DATA
    assert not (tmp_path / "sub" / "v.mp4.part").exists()
    assert seen[0] == (0, len(DATA)) and seen[-1] == (len(DATA), len(DATA))
    assert "Range" not in rec.last.headers
    assert rec.last.headers["Accept-Encoding"] == "identity"


@pytest.mark.asyncio
async def test_download_resumes_a_part_file_with_range(tmp_path: Path) -> None:
    dest = tmp_path / "v.mp4"
    (tmp_path / "v.mp4.part").write_bytes(DATA[:300_000])
    client, rec = make_client(ranged_server(DATA))
    seen: list[tuple[int, int | None]] = []
    async with client:
        await client.download(CDN, dest, progress=lambda d, t: seen.append((d, t)))
    assert rec.last.headers["Range"] == "bytes=300000-"
    assert len(rec.requests) == 1
    assert dest.read_bytes() == DATA
    assert seen[0] == (300_000, len(DATA))


@pytest.mark.asyncio
async def test_download_restarts_cleanly_when_range_is_ignored(tmp_path: Path) -> None:
    dest = tmp_path / "v.mp4"
    (tmp_path / "v.mp4.part").write_bytes(b"stale bytes from another file" * 1000)
    client, rec = make_client(ranged_server(DATA, honor_range=False))
    async with client:
        await client.download(CDN, dest)
    assert rec.last.headers["Range"].startswith("bytes=")
    assert dest.read_bytes() == DATA


@pytest.mark.asyncio
async def test_download_with_complete_part_finishes_on_416(tmp_path: Path) -> None:
    dest = tmp_path / "v.mp4"
    (tmp_path / "v.mp4.part").write_bytes(DATA)
    client, _ = make_client(ranged_server(DATA))
    async with client:
        await client.download(CDN, dest)
    assert dest.read_bytes() == DATA


@pytest.mark.asyncio
@pytest.mark.parametrize("accept_ranges", [True, False])
async def test_short_body_is_an_error_and_part_kept_only_if_resumable(
        accept_ranges: bool, tmp_path: Path) -> None:
    dest = tmp_path / "v.mp4"
    client, _ = make_client(ranged_server(DATA, short_by=1000, accept_ranges=accept_ranges))
    async with client:
        with pytest.raises(InterruptedDownloadError) as info:
            await client.download(CDN, dest)
    assert isinstance(info.value, E.DownloadError) and info.value.resumable is accept_ranges
    assert "ended early" in info.value.message
    assert not dest.exists()
    assert (tmp_path / "v.mp4.part").exists() is accept_ranges


@pytest.mark.asyncio
async def test_http_error_leaves_nothing_behind(tmp_path: Path) -> None:
    dest = tmp_path / "v.mp4"
    client, _ = make_client(lambda r: httpx.Response(404, text="<html>404 Not Found</html>"))
    async with client:
        with pytest.raises(E.NotFoundError):
            await client.download(CDN, dest)
    assert list(tmp_path.iterdir()) == []


class _StallingBody(httpx.AsyncByteStream):
    """An error page whose body never arrives: the read times out."""

    async def __aiter__(self):  # type: ignore[no-untyped-def]
        raise httpx.ReadTimeout("timed out reading")
        yield b""  # pragma: no cover - makes this an async generator


@pytest.mark.asyncio
async def test_error_status_whose_body_times_out_is_still_a_typed_error(tmp_path: Path) -> None:
    dest = tmp_path / "v.mp4"
    client, _ = make_client(lambda r: httpx.Response(502, stream=_StallingBody()))
    async with client:
        with pytest.raises(E.SiteBusyError) as caught:
            await client.download(CDN, dest)
    assert "timed out reading" not in str(caught.value)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.asyncio
async def test_authorization_goes_only_to_the_api_host(tmp_path: Path) -> None:
    client, rec = make_client(ranged_server(b"x" * 10))
    async with client:
        await client.download(CDN, tmp_path / "a")
        await client.download(BASE + "/media/1", tmp_path / "b")
        await client.download("https://api.useapi.net/v2/other", tmp_path / "c")  # other path
        await client.download("https://api.useapi.net.evil.test/v1/minimax/x", tmp_path / "d")
        await client.download("http://api.useapi.net/v1/minimax/x", tmp_path / "e")  # plain http
    sent = [r.headers.get("Authorization") for r in rec.requests]
    assert sent == [None, f"Bearer {TOKEN}", None, None, None]


@pytest.mark.asyncio
async def test_redirect_to_cdn_drops_the_token(tmp_path: Path) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "api.useapi.net":
            return httpx.Response(302, headers={"Location": CDN})
        return httpx.Response(200, content=b"media")
    client, rec = make_client(handler)
    async with client:
        await client.download(BASE + "/redirect", tmp_path / "m")
    assert [r.url.host for r in rec.requests] == ["api.useapi.net", "cdn.hailuoai.video"]
    assert rec.requests[0].headers.get("Authorization") == f"Bearer {TOKEN}"
    assert "Authorization" not in rec.requests[1].headers
    assert (tmp_path / "m").read_bytes() == b"media"


@pytest.mark.asyncio
async def test_cancelled_download_keeps_its_part(tmp_path: Path) -> None:
    started = asyncio.Event()

    async def slow() -> object:
        yield DATA[:1000]
        started.set()
        await asyncio.sleep(10)
        yield DATA[1000:]

    class Stream(httpx.AsyncByteStream):
        async def __aiter__(self):  # type: ignore[no-untyped-def,override]
            async for chunk in slow():
                yield chunk

    client, _ = make_client(lambda r: httpx.Response(
        200, stream=Stream(), headers={"Content-Length": str(len(DATA)), "Accept-Ranges": "bytes"}))
    dest = tmp_path / "v.mp4"
    async with client:
        task = asyncio.create_task(client.download(CDN, dest))
        await asyncio.wait_for(started.wait(), 5)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert (tmp_path / "v.mp4.part").read_bytes() == DATA[:1000]
    assert not dest.exists()


def test_quicktime_and_heic_are_not_sent_as_mp4() -> None:
    """The API documents mp4 only: a .mov or an HEIC photo (same box layout) must be
    refused before upload, not sent as video/mp4 and rejected by Hailuo later."""
    from minimax_studio.api.upload_body import sniff_content_type

    def ftyp(brand: bytes) -> bytes:
        return b"\x00\x00\x00\x18ftyp" + brand + b"\x00\x00\x02\x00" + brand + b"isom"

    assert sniff_content_type(ftyp(b"isom")) == "video/mp4"
    assert sniff_content_type(ftyp(b"qt  ")) is None
    assert sniff_content_type(ftyp(b"heic")) is None
