"""Capacity (maxJobs), balancing, 429, scheduler endpoints."""

from __future__ import annotations

import httpx

from minimax_studio.sandbox import Sandbox

from .helpers import create_video


def test_max_jobs_capacity_and_429(sandbox: Sandbox, api: httpx.Client) -> None:
    sandbox.clock.pause()  # jobs stay running
    ids = [create_video(api) for _ in range(3)]
    r = api.post("videos/create", json={"prompt": "one too many"})
    assert r.status_code == 429 and r.json()["code"] == 429
    # images do not take a video slot
    assert api.post("images/create", json={"prompt": "still fine"}).status_code == 200
    # a per-request maxJobs raises the cap for that call
    assert api.post("videos/create", json={"prompt": "x", "maxJobs": 4}).status_code == 200
    listed = api.get("scheduler/").json()
    assert [e.get("videoId") for e in listed if "videoId" in e][:3] == ids
    assert any("imageId" in e for e in listed)
    assert all(e["elapsed"].count(":") == 1 and e["started"].endswith("Z") for e in listed)
    avail = api.get("scheduler/available").json()
    assert avail["available"] == []  # full accounts are not listed
    assert len(avail["executing"]) == len(listed)


def test_delete_scheduler_frees_the_slot(sandbox: Sandbox, api: httpx.Client) -> None:
    sandbox.clock.pause()
    ids = [create_video(api) for _ in range(3)]
    assert api.delete(f"scheduler/{ids[0]}").status_code == 204
    avail = api.get("scheduler/available").json()["available"]
    assert avail == [{"account": sandbox.demo_account_id, "maxJobs": 3, "executing": 2, "available": 1}]
    r = api.delete(f"scheduler/{ids[0]}")
    assert r.status_code == 404 and r.json()["error"] == f"Unable to locate running {ids[0]}"
    assert api.get(f"videos/{ids[0]}").json()["statusFinal"] is False  # still generating
    assert create_video(api)


def test_finished_jobs_leave_the_scheduler(sandbox: Sandbox, api: httpx.Client) -> None:
    sandbox.clock.pause()
    create_video(api, replyUrl="http://127.0.0.1:9/hook", replyRef="ref-1")
    entry = api.get("scheduler").json()[0]
    assert entry["replyUrl"] == "http://127.0.0.1:9/hook" and entry["replyRef"] == "ref-1"
    sandbox.clock.advance(3600)
    assert api.get("scheduler").json() == []


def test_random_balancing_fills_every_account(sandbox: Sandbox, api: httpx.Client,
                                              two_accounts: tuple[str, str]) -> None:
    sandbox.clock.pause()
    demo, other = two_accounts  # 3 + 2 slots
    used = [create_video(api).split("-minimax:")[1].split("-")[0] for _ in range(5)]
    assert sorted(used) == sorted([demo] * 3 + [other] * 2)
    assert api.post("videos/create", json={"prompt": "x"}).status_code == 429
    r = api.post("videos/create", json={"prompt": "x", "account": other})
    assert r.status_code == 429


def test_same_seed_same_ids() -> None:
    def run() -> list[str]:
        with Sandbox(speed=200, seed=77) as sb:
            sb.clock.pause()
            from .conftest import api_client

            with api_client(sb) as api:
                return [create_video(api).rsplit("-", 1)[0] for _ in range(2)] + [sb.token]

    assert run() == run()
