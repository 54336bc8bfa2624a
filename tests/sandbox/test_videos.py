"""videos/create, videos, videos/{videoId}, DELETE, videos/cancel."""

from __future__ import annotations

import io
import time

import httpx
from PIL import Image

from minimax_studio.sandbox import Sandbox

from .helpers import create_video, wait_final


def test_video_runs_to_completion_and_serves_real_media(sandbox: Sandbox, api: httpx.Client) -> None:
    r = api.post("videos/create", json={"prompt": "a red kite over the sea"})
    assert r.status_code == 200
    video_id = r.json()["videoId"]
    account = sandbox.demo_account_id
    assert video_id.startswith(f"user:{sandbox.token.split('-')[0][5:]}-minimax:{account}-video:")
    assert r.json()["id"] == video_id.rsplit(":", 1)[1] and len(r.json()["id"]) == 18
    seen: list[tuple[int, int]] = []
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        v = api.get(f"videos/{video_id}").json()
        seen.append((v["status"], v["percent"]))
        if v["statusFinal"]:
            break
        assert v["statusLabel"] in ("queued", "pending", "processing")
        time.sleep(0.02)
    assert v["status"] == 2 and v["statusLabel"] == "completed" and v["percent"] == 100
    assert any(s in (1, 12) for s, _ in seen), seen  # passed through processing
    running = [p for s, p in seen if s in (1, 12)]
    assert running == sorted(running)  # percent only rises
    assert v["desc"] == "a red kite over the sea" and v["modelID"] == "T2V-01"
    mp4 = httpx.get(v["downloadURL"])
    assert mp4.status_code == 200 and mp4.headers["content-type"] == "video/mp4"
    assert mp4.content[4:8] == b"ftyp" and len(mp4.content) > 1000
    assert httpx.get(v["videoURL"]).content == mp4.content
    cover = Image.open(io.BytesIO(httpx.get(v["coverURL"]).content))
    assert cover.format == "JPEG" and cover.width > cover.height  # 16:9
    assert (v["width"], v["height"]) == (256, 144)


def test_media_is_served_from_a_different_origin_without_auth(sandbox: Sandbox, api: httpx.Client) -> None:
    v = wait_final(api, f"videos/{create_video(api)}")
    assert not v["videoURL"].startswith(sandbox.root_url)  # another port: "the CDN"
    httpx.get(v["videoURL"])
    assert sandbox.core.cdn_received[-1].authorization_sent is False


def test_free_plan_has_no_download_url(sandbox: Sandbox, api: httpx.Client) -> None:
    sandbox.set_account(str(sandbox.demo_account_id), paid=False)
    v = wait_final(api, f"videos/{create_video(api)}")
    assert v["status"] == 2 and v["videoURL"] and "downloadURL" not in v


def test_multipart_create_is_coerced(sandbox: Sandbox, api: httpx.Client) -> None:
    r = api.post("videos/create", files={"prompt": (None, "waves"), "promptOptimization": (None, "false"),
                                          "model": (None, "T2V-01")})
    assert r.status_code == 200, r.text
    assert sandbox.received[-1].body["promptOptimization"] == "false"
    assert sandbox.core.state.jobs[r.json()["videoId"]].request["promptOptimization"] is False


def test_validation_errors_name_the_field(api: httpx.Client) -> None:
    r = api.post("videos/create", json={"prompt": "x", "model": "T2V-99"})
    assert r.status_code == 400 and "model" in r.json()["error"]
    r = api.post("videos/create", json={"model": "T2V-01"})
    assert r.status_code == 400 and "prompt" in r.json()["error"]
    r = api.post("videos/create", json={"prompt": "x", "maxJobs": 11})
    assert r.status_code == 400 and "maxJobs" in r.json()["error"]
    r = api.post("videos/create", json={"prompt": "x", "replyRef": "r" * 1025})
    assert r.status_code == 400 and "replyRef" in r.json()["error"]
    r = api.post("videos/create", content=b"[1, 2]", headers={"Content-Type": "application/json"})
    assert r.status_code == 400


def test_list_is_newest_first_and_pages_with_last_video_id(api: httpx.Client) -> None:
    ids = [create_video(api, prompt=f"clip {n}") for n in range(3)]
    page1 = api.get("videos/", params={"limit": 2}).json()
    assert [v["videoId"] for v in page1] == [ids[2], ids[1]]
    assert "percent" not in page1[0]
    page2 = api.get("videos", params={"limit": 2, "lastVideoId": page1[-1]["id"]}).json()
    assert [v["videoId"] for v in page2] == [ids[0]]
    by_composite = api.get("videos", params={"lastVideoId": ids[1]}).json()
    assert [v["videoId"] for v in by_composite] == [ids[0]]
    assert api.get("videos", params={"limit": "x"}).status_code == 400


def test_delete_then_get_is_404_and_delete_always_200(api: httpx.Client) -> None:
    vid = create_video(api)
    assert api.delete(f"videos/{vid}").status_code == 200
    r = api.get(f"videos/{vid}")
    assert r.status_code == 404 and r.json() == {"error": "Not found.", "code": 404}
    assert api.delete(f"videos/{vid}").status_code == 200
    assert vid not in [v["videoId"] for v in api.get("videos").json()]


def test_cancel_running_video_ends_failed(sandbox: Sandbox, api: httpx.Client) -> None:
    sandbox.clock.pause()
    vid = create_video(api)
    r = api.post("videos/cancel", json={"videoId": vid})
    assert r.status_code == 200
    v = api.get(f"videos/{vid}").json()
    assert v["status"] == 3 and v["statusFinal"] is True
    assert api.post("videos/cancel", json={"videoId": vid}).status_code == 400  # not running
    unknown = vid[:-3] + "000"
    assert api.post("videos/cancel", json={"videoId": unknown}).status_code == 400
    assert api.post("videos/cancel", files={"videoId": (None, "garbage")}).status_code == 400


def test_bad_ids(sandbox: Sandbox, api: httpx.Client) -> None:
    assert api.get("videos/not-an-id").status_code == 400
    vid = create_video(api)
    other_user = "user:1-" + vid.split("-", 1)[1]
    assert api.get(f"videos/{other_user}").status_code == 400
    assert api.get(f"videos/{vid[:-2]}99").status_code == 404
    assert api.get("videos/" + vid.replace(":", "%3A")).status_code == 200  # decoded defensively


def test_aspect_ratio_picks_a_matching_clip(api: httpx.Client) -> None:
    vid = create_video(api, model="Seedance-2.0", aspectRatio="9:16", duration=5, resolution="480")
    v = wait_final(api, f"videos/{vid}")
    assert v["height"] > v["width"]
    r = api.post("videos/create", json={"prompt": "x", "model": "T2V-01", "options": "768p-6sec"})
    assert r.status_code == 400 and "options" in r.json()["error"]
