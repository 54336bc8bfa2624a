"""Fault injection from Python and over HTTP, prompt keywords, account states."""

from __future__ import annotations

import time

import httpx
import pytest

from minimax_studio.sandbox import Sandbox

from .helpers import create_video, wait_final


@pytest.mark.parametrize("status", [412, 422, 429, 502, 504, 596])
def test_documented_statuses_on_create(sandbox: Sandbox, api: httpx.Client, status: int) -> None:
    sandbox.faults.add(endpoint="videos/create", status=status, times=1)
    r = api.post("videos/create", json={"prompt": "x"})
    assert r.status_code == status
    assert r.json()["code"] == status and r.json()["error"]
    assert api.post("videos/create", json={"prompt": "x"}).status_code == 200  # times=1
    assert sandbox.received[-2].body == {"prompt": "x"}  # the failed call is still logged


def test_502_that_still_created_the_job(sandbox: Sandbox, api: httpx.Client) -> None:
    sandbox.clock.pause()
    sandbox.faults.add(endpoint="videos/create", status=502, times=1, create_anyway=True)
    assert api.post("videos/create", json={"prompt": "ghost job"}).status_code == 502
    tracked = api.get("scheduler").json()
    assert len(tracked) == 1
    assert api.get("videos").json()[0]["desc"] == "ghost job"


def test_latency_malformed_and_html(sandbox: Sandbox, api: httpx.Client) -> None:
    vid = create_video(api)
    sandbox.faults.add(endpoint="videos/{videoId}", latency=0.3, times=1)
    t0 = time.monotonic()
    assert api.get(f"videos/{vid}").status_code == 200
    assert time.monotonic() - t0 >= 0.3
    sandbox.faults.add(endpoint="videos/{videoId}", body="malformed", times=1)
    r = api.get(f"videos/{vid}")
    assert r.status_code == 200
    with pytest.raises(ValueError):
        r.json()
    sandbox.faults.add(endpoint="*", body="html", status=504, times=1)
    r = api.get("accounts")
    assert r.status_code == 504 and r.headers["content-type"].startswith("text/html")
    assert api.get("accounts").status_code == 200


def test_a_create_whose_reply_times_out_still_made_the_job(sandbox: Sandbox, api: httpx.Client) -> None:
    # Latency is a late reply, not a late arrival: the job exists although the caller
    # gave up, exactly once, with the body it sent.
    sandbox.clock.pause()
    sandbox.faults.add(endpoint="videos/create", latency=0.8, times=1)
    with pytest.raises(httpx.TimeoutException):
        api.post("videos/create", json={"prompt": "lost reply"}, timeout=0.2)
    assert [v["desc"] for v in api.get("videos").json()] == ["lost reply"]
    assert sandbox.received[-2].body == {"prompt": "lost reply"}


def test_slow_error_with_create_anyway_creates_before_the_wait(sandbox: Sandbox, api: httpx.Client) -> None:
    sandbox.clock.pause()
    sandbox.faults.add(endpoint="videos/create", status=504, latency=0.8, times=1,
                       create_anyway=True)
    with pytest.raises(httpx.TimeoutException):
        api.post("videos/create", json={"prompt": "queued anyway"}, timeout=0.2)
    assert [v["desc"] for v in api.get("videos").json()] == ["queued anyway"]


def test_slow_error_without_create_anyway_creates_nothing(sandbox: Sandbox, api: httpx.Client) -> None:
    sandbox.clock.pause()
    sandbox.faults.add(endpoint="videos/create", status=504, latency=0.3, times=1)
    t0 = time.monotonic()
    r = api.post("videos/create", json={"prompt": "never made"})
    assert r.status_code == 504 and time.monotonic() - t0 >= 0.3
    assert api.get("videos").json() == []
    assert sandbox.received[-2].body == {"prompt": "never made"}


def test_method_filter(sandbox: Sandbox, api: httpx.Client) -> None:
    sandbox.faults.add(endpoint="accounts", status=500, method="POST")
    assert api.get("accounts").status_code == 200


def test_drop_connection_mid_download(sandbox: Sandbox, api: httpx.Client) -> None:
    v = wait_final(api, f"videos/{create_video(api)}")
    sandbox.faults.add(endpoint="cdn", drop_after=1000, times=1)
    with pytest.raises(httpx.HTTPError):
        httpx.get(v["videoURL"])
    assert len(httpx.get(v["videoURL"]).content) > 1000  # next try is whole


def test_prompt_moderated_at_create_is_422(sandbox: Sandbox, api: httpx.Client) -> None:
    sandbox.faults.keywords.moderate.append("forbidden")
    r = api.post("videos/create", json={"prompt": "A FORBIDDEN dance"})
    assert r.status_code == 422
    assert api.get("features").json()["totalCredits"] == 1000  # nothing spent
    assert api.post("images/create", json={"prompt": "forbidden"}).status_code == 422


def test_failed_and_moderated_outcomes_refund(sandbox: Sandbox, api: httpx.Client) -> None:
    failed = wait_final(api, f"videos/{create_video(api, prompt='sandbox:fail please')}")
    assert failed["status"] == 3 and failed["statusLabel"] == "failed" and "videoURL" in failed
    moderated = wait_final(api, f"videos/{create_video(api, prompt='sandbox:face close-up')}")
    assert moderated["status"] == 7 and moderated["statusLabel"] == "moderated"
    assert moderated["message"] == "Face Detected"
    deadline = time.monotonic() + 2
    while api.get("features").json()["totalCredits"] != 1000 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert api.get("features").json()["totalCredits"] == 1000


def test_post_moderation_makes_a_finished_video_vanish(sandbox: Sandbox, api: httpx.Client) -> None:
    vid = create_video(api, prompt="sandbox:postmod scene")
    v = wait_final(api, f"videos/{vid}")
    assert v["status"] == 2
    sandbox.clock.advance(600)
    assert api.get(f"videos/{vid}").status_code == 404
    assert vid not in [x["videoId"] for x in api.get("videos").json()]
    assert httpx.get(v["videoURL"]).status_code == 404


def test_account_states_412_and_596(sandbox: Sandbox, api: httpx.Client) -> None:
    demo = str(sandbox.demo_account_id)
    sandbox.set_account(demo, credits=10)
    r = api.post("videos/create", json={"prompt": "x"})
    assert r.status_code == 412 and "credits" in r.json()["error"]
    sandbox.set_account(demo, credits=1000, error="Account on hold")
    assert api.post("videos/create", json={"prompt": "x"}).status_code == 596
    assert api.post("images/create", json={"prompt": "x"}).status_code == 596
    assert api.get("accounts").json()[demo]["error"] == "Account on hold"
    sandbox.set_account(demo, error=None)
    assert api.post("videos/create", json={"prompt": "x"}).status_code == 200


def test_control_over_http(sandbox: Sandbox, api: httpx.Client) -> None:
    root = sandbox.root_url
    help_text = httpx.get(f"{root}/_sandbox/").text
    assert "local emulator" in help_text and "/_sandbox/faults" in help_text
    r = httpx.post(f"{root}/_sandbox/faults", json={"endpoint": "videos/create", "status": 429})
    assert r.status_code == 201
    assert api.post("videos/create", json={"prompt": "x"}).status_code == 429
    assert httpx.get(f"{root}/_sandbox/faults").json()["faults"][0]["status"] == 429
    assert httpx.delete(f"{root}/_sandbox/faults").status_code == 204
    assert api.post("videos/create", json={"prompt": "x"}).status_code == 200
    demo = sandbox.demo_account_id
    httpx.post(f"{root}/_sandbox/faults", json={"account": demo, "credits": 0})
    assert api.post("videos/create", json={"prompt": "x"}).status_code == 412
    httpx.post(f"{root}/_sandbox/faults", json={"keywords": {"moderate": ["spiders"]}})
    assert httpx.post(f"{root}/_sandbox/faults", json={"bogus": 1}).status_code == 400
    log = httpx.get(f"{root}/_sandbox/requests").json()
    assert log[-1]["path"] == "/v1/minimax/videos/create" and log[-1]["status"] == 412
    assert log[-1]["account"] == demo


def test_received_log_has_method_path_query_body_account(sandbox: Sandbox, api: httpx.Client) -> None:
    api.get("videos", params={"limit": 5})
    rec = sandbox.received[-1]
    assert (rec.method, rec.path, rec.query, rec.account) == ("GET", "/v1/minimax/videos", {"limit": "5"},
                                                              sandbox.demo_account_id)
    url, token = sandbox.make_hailuo_credentials("1001")
    api.post("accounts", json={"url": url, "token": token, "maxJobs": 1})
    assert token not in str(sandbox.received[-1])  # the Hailuo JWT is not logged


def test_clock_control_over_http(sandbox: Sandbox, api: httpx.Client) -> None:
    root = sandbox.root_url
    assert httpx.post(f"{root}/_sandbox/clock", json={"pause": True}).json()["paused"] is True
    vid = create_video(api)
    assert api.get(f"videos/{vid}").json()["statusFinal"] is False
    r = httpx.post(f"{root}/_sandbox/clock", json={"advance": 600, "speed": 5, "pause": False})
    assert r.json()["speed"] == 5 and r.json()["paused"] is False
    assert api.get(f"videos/{vid}").json()["status"] == 2
    assert httpx.post(f"{root}/_sandbox/clock", json={"speed": -1}).status_code == 400
