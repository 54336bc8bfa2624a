"""videos/characters, videos/agent-templates, videos/agent-create (event stream)."""

from __future__ import annotations

import json

import httpx

from minimax_studio.sandbox import Sandbox

from .helpers import wait_final


def test_characters_are_usable_as_subject_reference(sandbox: Sandbox, api: httpx.Client) -> None:
    chars = api.get("videos/characters", params={"page": 1, "pageSize": 10}).json()
    assert len(chars) == 1
    file = chars[0]["file"]
    assert httpx.get(file["cdnUrl"]).content[:4] == b"\x89PNG"
    r = api.post("videos/create", json={"model": "S2V-01", "fileID": file["fileID"], "prompt": "she waves"})
    assert r.status_code == 200, r.text
    assert api.get("videos/characters", params={"page": 2, "pageSize": 10}).json() == []


def test_templates_list_and_detail(api: httpx.Client) -> None:
    listing = api.get("videos/agent-templates").json()["videoList"]
    assert len(listing) == 2 and listing[0]["videoAsset"]["agentTemplateID"] == listing[0]["id"]
    assert httpx.get(listing[0]["videoAsset"]["videoURL"]).content[4:8] == b"ftyp"
    paged = api.get("videos/agent-templates", params={"limit": 1, "lastId": listing[0]["id"]}).json()
    assert [t["id"] for t in paged["videoList"]] == [listing[1]["id"]]
    detail = api.get("videos/agent-templates", params={"templateId": listing[1]["id"]}).json()
    assert any(i["name"] == "fileID" for i in detail["inputs"])
    assert api.get("videos/agent-templates", params={"templateId": "0"}).status_code == 400


def test_agent_create_streams_events_ending_in_the_video(sandbox: Sandbox, api: httpx.Client) -> None:
    template_id = api.get("videos/agent-templates").json()["videoList"][0]["id"]
    events = []
    with api.stream("POST", "videos/agent-create", json={"templateId": template_id,
                                                         "prompt": "a heist in space"}) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        for line in r.iter_lines():
            if line.startswith("data: "):
                events.append(json.loads(line[6:]))
    assert len(events) >= 2 and events[-1]["status"] == 2 and events[-1]["statusFinal"] is True
    assert events[-1]["videoURL"]
    assert wait_final(api, f"videos/{events[-1]['videoId']}")["status"] == 2


def test_agent_create_validation(api: httpx.Client) -> None:
    assert api.post("videos/agent-create", json={}).status_code == 400
    assert api.post("videos/agent-create", json={"templateId": "1"}).status_code == 400
    photo_template = "1122334455667799"
    r = api.post("videos/agent-create", json={"templateId": photo_template})
    assert r.status_code == 400 and "fileID" in r.json()["error"]
    r = api.post("videos/agent-create", json={"templateId": photo_template, "fileID": "x"})
    assert r.status_code == 400 and "ossPath" in r.json()["error"]
