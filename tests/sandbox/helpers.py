"""Small polling helpers for the sandbox tests."""

from __future__ import annotations

import time
from typing import Any

import httpx


def wait_final(api: httpx.Client, path: str, timeout: float = 5.0) -> dict[str, Any]:
    """Poll a video/image until statusFinal; return every observed state's last object."""
    deadline = time.monotonic() + timeout
    while True:
        r = api.get(path)
        assert r.status_code == 200, r.text
        obj: dict[str, Any] = r.json()
        if obj["statusFinal"]:
            return obj
        if time.monotonic() > deadline:
            raise AssertionError(f"{path} did not finish: {obj}")
        time.sleep(0.03)


def create_video(api: httpx.Client, **body: Any) -> str:
    body.setdefault("prompt", "a red kite over the sea")
    r = api.post("videos/create", json=body)
    assert r.status_code == 200, r.text
    return str(r.json()["videoId"])
