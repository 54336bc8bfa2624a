"""Range requests on the CDN routes, the benchmark blob and sink."""

from __future__ import annotations

import hashlib
import io
import wave

import httpx
import pytest

from minimax_studio.sandbox import Sandbox
from minimax_studio.sandbox.media import AUDIO, CLIPS, read_resource

from .helpers import create_video, wait_final


@pytest.fixture
def video_url(api: httpx.Client) -> str:
    return str(wait_final(api, f"videos/{create_video(api)}")["videoURL"])


def test_range_requests(video_url: str) -> None:
    whole = httpx.get(video_url)
    size = len(whole.content)
    assert whole.headers["accept-ranges"] == "bytes" and int(whole.headers["content-length"]) == size
    part = httpx.get(video_url, headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and part.content == whole.content[100:200]
    assert part.headers["content-range"] == f"bytes 100-199/{size}"
    assert part.headers["content-length"] == "100"
    tail = httpx.get(video_url, headers={"Range": "bytes=-50"})
    assert tail.status_code == 206 and tail.content == whole.content[-50:]
    rest = httpx.get(video_url, headers={"Range": f"bytes={size - 10}-"})
    assert rest.content == whole.content[-10:]
    beyond = httpx.get(video_url, headers={"Range": f"bytes={size}-"})
    assert beyond.status_code == 416 and beyond.headers["content-range"] == f"bytes */{size}"
    stale = httpx.get(video_url, headers={"Range": "bytes=0-9", "If-Range": '"other"'})
    assert stale.status_code == 200 and len(stale.content) == size
    fresh = httpx.get(video_url, headers={"Range": "bytes=0-9", "If-Range": whole.headers["etag"]})
    assert fresh.status_code == 206
    head = httpx.head(video_url)
    assert head.status_code == 200 and head.headers["content-length"] == str(size) and head.content == b""


def test_unknown_media_is_404(sandbox: Sandbox) -> None:
    assert httpx.get(f"{sandbox.cdn_url}/cdn/video/123.mp4").status_code == 404
    assert httpx.get(f"{sandbox.root_url}/cdn/nothing/x.png").status_code == 404


def test_committed_clips_are_small_real_mp4s() -> None:
    for aspect, clip in CLIPS.items():
        data = read_resource(clip.name)
        assert data[4:8] == b"ftyp" and 1000 < len(data) < 12_000, aspect
    name, _, _ = AUDIO["wav"]
    with wave.open(io.BytesIO(read_resource(name))) as w:
        assert w.getnframes() / w.getframerate() >= 1
    assert read_resource(AUDIO["mp3"][0])[:3] in (b"ID3", b"\xff\xfb", b"\xff\xf3")


def test_blob_is_deterministic_with_ranges(sandbox: Sandbox) -> None:
    url = f"{sandbox.root_url}/_sandbox/blob/1000000"
    whole = httpx.get(url).content
    assert len(whole) == 1_000_000 and whole[:3] == bytes([0, 1, 2]) and whole[251] == 0
    assert all(whole[i] == i % 251 for i in range(0, 1_000_000, 9973))
    part = httpx.get(url, headers={"Range": "bytes=500000-500099"})
    assert part.status_code == 206 and part.content == whole[500000:500100]
    assert httpx.get(f"{sandbox.root_url}/_sandbox/blob/abc").status_code == 400


def test_sink_counts_and_hashes_uploads(sandbox: Sandbox) -> None:
    data = bytes(range(256)) * 4096
    r = httpx.post(f"{sandbox.root_url}/_sandbox/sink", params={"sha256": 1}, content=data)
    assert r.json() == {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
