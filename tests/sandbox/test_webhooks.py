"""replyUrl callbacks on final states."""

from __future__ import annotations

import time

import httpx

from minimax_studio.sandbox import Sandbox

from .helpers import create_video, wait_final


def wait_hooks(sb: Sandbox, n: int, timeout: float = 3) -> None:
    deadline = time.monotonic() + timeout
    while (len(sb.webhooks) < n or any(h.status is None and h.error is None for h in sb.webhooks)) \
            and time.monotonic() < deadline:
        time.sleep(0.02)


def test_webhook_posts_the_final_object_with_reply_ref(sandbox: Sandbox, api: httpx.Client) -> None:
    hook = f"{sandbox.root_url}/_sandbox/sink"
    vid = create_video(api, replyUrl=hook, replyRef="job-42")
    wait_final(api, f"videos/{vid}")
    wait_hooks(sandbox, 1)
    assert len(sandbox.webhooks) == 1
    sent = sandbox.webhooks[0]
    assert sent.url == hook and sent.status == 200
    assert sent.payload["videoId"] == vid and sent.payload["status"] == 2
    assert sent.payload["replyRef"] == "job-42"


def test_untracked_jobs_send_no_webhook_and_failures_are_recorded(sandbox: Sandbox, api: httpx.Client) -> None:
    sandbox.clock.pause()
    quiet = create_video(api, replyUrl=f"{sandbox.root_url}/_sandbox/sink")
    assert api.delete(f"scheduler/{quiet}").status_code == 204
    create_video(api, replyUrl="http://127.0.0.1:9/closed-port")
    sandbox.clock.resume()
    sandbox.clock.advance(3600)
    wait_hooks(sandbox, 1)
    time.sleep(0.2)
    assert len(sandbox.webhooks) == 1
    assert sandbox.webhooks[0].status is None and sandbox.webhooks[0].error


def test_agent_webhook(sandbox: Sandbox, api: httpx.Client) -> None:
    hook = f"{sandbox.root_url}/_sandbox/sink"
    files = {"prompt": (None, "make an image"), "models": (None, "nano-banana-2"),
             "async": (None, "true"), "replyUrl": (None, hook), "replyRef": (None, "a1")}
    job_id = api.post("agent", files=files).json()["jobId"]
    sandbox.clock.advance(3600)
    wait_hooks(sandbox, 1)
    assert sandbox.webhooks[0].payload["jobId"] == job_id
    assert sandbox.webhooks[0].payload["status"] == "completed"
    assert sandbox.webhooks[0].payload["replyRef"] == "a1"
