"""agent, agent/{jobId}, agent/jobs."""

from __future__ import annotations

import io
import time
from typing import Any

import httpx
from PIL import Image

from minimax_studio.sandbox import Sandbox


def agent_form(prompt: str, models: str, async_: bool = True, **extra: str) -> dict[str, Any]:
    files: dict[str, Any] = {"prompt": (None, prompt), "models": (None, models),
                             "async": (None, "true" if async_ else "false")}
    files.update({k: (None, v) for k, v in extra.items()})
    return files


def wait_agent(api: httpx.Client, job_id: str, timeout: float = 5) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        job: dict[str, Any] = api.get(f"agent/{job_id}").json()
        if job["status"] != "started" or time.monotonic() > deadline:
            return job
        time.sleep(0.03)


def test_async_job_completes_with_attachments(sandbox: Sandbox, api: httpx.Client) -> None:
    files = [("prompt", (None, "generate a 9:16 video and an image of a cat playing piano")),
             ("models", (None, "hailuo-2.3,nano-banana-2")), ("async", (None, "true")),
             ("file", ("ref1.png", b"\x89PNG....", "image/png")),
             ("file", ("ref2.png", b"\x89PNG..", "image/png"))]
    r = api.post("agent", files=files)
    assert r.status_code == 200, r.text
    job = r.json()
    assert job["status"] == "started" and job["request"]["models"] == ["hailuo-2.3", "nano-banana-2"]
    assert [f["name"] for f in job["request"]["file"]] == ["ref1.png", "ref2.png"]
    user, account = sandbox.token.split("-")[0][5:], sandbox.demo_account_id
    assert job["jobId"].endswith(f"-u{user}-a{account}-bot:minimax") and len(job["jobId"].split("-")[0]) == 10
    running = api.get("agent/jobs").json()
    assert running["executing"][account][0]["jobId"] == job["jobId"]
    assert running["summary"][account] == {"executing": 1} and account in running["accounts"]
    done = wait_agent(api, job["jobId"])
    assert done["status"] == "completed", done
    atts = done["response"]["attachments"]
    assert [a["type"] for a in atts] == [1, 2]
    video, image = atts
    assert httpx.get(video["file"]["extra"]["no_watermark_url"]).content[4:8] == b"ftyp"
    assert video["file"]["extra"]["height"] > video["file"]["extra"]["width"]  # strings, 9:16
    pic = Image.open(io.BytesIO(httpx.get(image["file"]["fileUrl"]).content))
    assert pic.format == "PNG" and image["file"]["extra"]["model_name"] == "banana_2"
    assert done["response"]["elapsedTime"].count(":") == 1
    assert api.get("agent/jobs").json()["executing"] == {}


def test_song_gives_an_audio_attachment(api: httpx.Client) -> None:
    r = api.post("agent", files=agent_form("generate a song about rain", "music-2.0"))
    done = wait_agent(api, r.json()["jobId"])
    audio = done["response"]["attachments"][0]
    assert audio["file"]["type"] == "audio/mpeg"
    assert len(httpx.get(audio["file"]["fileUrl"]).content) > 1000


def test_sync_call_holds_until_done(api: httpx.Client) -> None:
    r = api.post("agent", files=agent_form("generate an image of a boat", "nano-banana-2", async_=False))
    assert r.status_code == 200 and r.json()["status"] == "completed"


def test_required_fields_and_bad_ids(sandbox: Sandbox, api: httpx.Client) -> None:
    assert api.post("agent", files={"models": (None, "hailuo-2.3")}).status_code == 400
    r = api.post("agent", files={"prompt": (None, "make a video")})
    assert r.status_code == 400 and "models" in r.json()["error"]
    assert api.get("agent/nonsense").status_code == 400
    assert api.get("agent/p123456789-u1-a2-bot:minimax").status_code == 400  # other user
    user = sandbox.token.split("-")[0][5:]
    r = api.get(f"agent/p123456789-u{user}-a2-bot:minimax")
    assert r.status_code == 404 and r.json()["error"] == "Job not found or expired after 31 days"


def test_too_many_running_agent_jobs_is_429(sandbox: Sandbox, api: httpx.Client) -> None:
    sandbox.clock.pause()
    sandbox.config.agent_max_running = 2
    for _ in range(2):
        assert api.post("agent", files=agent_form("make a video", "hailuo-2.3")).status_code == 200
    assert api.post("agent", files=agent_form("make a video", "hailuo-2.3")).status_code == 429


def test_fifteen_minute_timeout_and_31_day_expiry(sandbox: Sandbox, api: httpx.Client) -> None:
    sandbox.clock.pause()
    job_id = api.post("agent", files=agent_form("sandbox:hang make a video", "hailuo-2.3")).json()["jobId"]
    sandbox.clock.advance(14 * 60)
    assert api.get(f"agent/{job_id}").json()["status"] == "started"
    sandbox.clock.advance(61)
    failed = api.get(f"agent/{job_id}").json()
    assert failed["status"] == "failed"
    assert failed["error"] == {"message": "Timeout waiting for assistant response", "status": 504}
    sandbox.clock.advance(31 * 86400)
    assert api.get(f"agent/{job_id}").status_code == 404


def test_failed_sync_job_answers_with_its_status(api: httpx.Client) -> None:
    r = api.post("agent", files=agent_form("sandbox:fail an image", "nano-banana-2", async_=False))
    assert r.status_code == 500 and r.json()["status"] == "failed"


def test_answers_with_missing_or_odd_fields(api: httpx.Client) -> None:
    """Keywords for the answers a client must survive: no attachments, an attachment of a
    type the docs do not show, and media whose links answer 404."""
    none = wait_agent(api, api.post("agent", files=agent_form("sandbox:noattach an image", "nano-banana-2"))
                      .json()["jobId"])
    assert none["status"] == "completed" and none["response"]["attachments"] == []
    assert none["response"]["msg_content"]
    odd = wait_agent(api, api.post("agent", files=agent_form("sandbox:oddattach an image", "nano-banana-2"))
                     .json()["jobId"])
    atts = odd["response"]["attachments"]
    assert [a["type"] for a in atts] == [2, 9] and atts[1]["file"]["type"] == "application/pdf"
    assert httpx.get(atts[1]["file"]["fileUrl"]).content.startswith(b"%PDF")
    dead = wait_agent(api, api.post("agent", files=agent_form("sandbox:deadlink a video", "hailuo-2.3"))
                      .json()["jobId"])
    f = dead["response"]["attachments"][0]["file"]
    for url in (f["fileUrl"], f["extra"]["no_watermark_url"], f["extra"]["watermark_url"]):
        assert httpx.get(url).status_code == 404
    assert httpx.get(f["extra"]["thumbnail_url"]).status_code == 200  # only the media are gone
