"""--state keeps accounts, jobs and uploads across restarts."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from minimax_studio.sandbox import Sandbox

from .conftest import api_client
from .helpers import create_video, wait_final


def test_state_survives_a_restart(tmp_path: Path) -> None:
    state = tmp_path / "sandbox.json"
    with Sandbox(speed=200, seed=3, state_file=state) as sb, api_client(sb) as api:
        token, demo = sb.token, sb.demo_account_id
        sb.add_account("2468", max_jobs=5)
        upload = api.post("files", params={"account": demo}, content=b"\xff\xd8jpeg",
                          headers={"Content-Type": "image/jpeg"}).json()
        done = wait_final(api, f"videos/{create_video(api, account=demo)}")
        sb.clock.pause()
        running = create_video(api, account=demo, prompt="still running")
        credits = api.get("features", params={"account": demo}).json()["totalCredits"]
    saved = json.loads(state.read_text())
    assert saved["accounts"] and (tmp_path / "sandbox.files").is_dir()
    assert token not in json.dumps(saved["accounts"])  # only the Hailuo JWTs, no API token there

    with Sandbox(speed=200, seed=3, state_file=state) as sb2, api_client(sb2) as api2:
        assert sb2.token == token and sb2.demo_account_id == demo
        assert set(api2.get("accounts").json()) == {demo, "2468"}
        assert api2.get(f"videos/{done['videoId']}").json()["status"] == 2
        assert wait_final(api2, f"videos/{running}")["status"] == 2  # finishes after restart
        assert api2.get("features", params={"account": demo}).json()["totalCredits"] == credits
        assert httpx.get(sb2.cdn_url + "/cdn/file/" + upload["fileID"].rsplit(":", 1)[1] + ".jpeg").content == b"\xff\xd8jpeg"
        r = api2.post("videos/create", json={"account": demo, "fileID": upload["fileID"], "prompt": "x"})
        assert r.status_code == 200


def test_without_state_file_nothing_is_written(tmp_path: Path) -> None:
    with Sandbox(speed=200, seed=3) as sb:
        files_dir = sb.core.files_dir
        assert files_dir.exists()
    assert not files_dir.exists()
