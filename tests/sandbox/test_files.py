"""files: raw uploads, the retired list, delete, ownership of fileIDs."""

from __future__ import annotations

import httpx
import pytest

from minimax_studio.sandbox import Sandbox

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def test_upload_returns_file_id_and_serves_the_bytes(sandbox: Sandbox, api: httpx.Client) -> None:
    r = api.post("files/", content=PNG, headers={"Content-Type": "image/png"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["fileID"].startswith("user:") and f"-minimax:{sandbox.demo_account_id}-file:" in body["fileID"]
    assert httpx.get(body["ossPath"]).content == PNG
    assert sandbox.received[-1].body["size"] == len(PNG)


@pytest.mark.parametrize("ctype", ["audio/mpeg", "audio/wav", "video/mp4", "image/jpeg"])
def test_other_allowed_types(api: httpx.Client, ctype: str) -> None:
    assert api.post("files", content=b"data", headers={"Content-Type": ctype}).status_code == 200


@pytest.mark.parametrize("ctype", [None, "image/webp", "text/plain", "multipart/form-data"])
def test_unsupported_content_type_is_400(api: httpx.Client, ctype: str | None) -> None:
    headers = {"Content-Type": ctype} if ctype else {}
    r = api.post("files", content=b"data", headers=headers)
    assert r.status_code == 400 and "Content-Type" in r.json()["error"]


def test_empty_and_oversized_uploads_are_400(sandbox: Sandbox, api: httpx.Client) -> None:
    assert api.post("files", content=b"", headers={"Content-Type": "image/png"}).status_code == 400
    sandbox.config.max_upload_bytes = 10
    r = api.post("files", content=b"x" * 11, headers={"Content-Type": "image/png"})
    assert r.status_code == 400 and "large" in r.json()["error"]


def test_list_is_empty_like_upstream_unless_switched_on(sandbox: Sandbox, api: httpx.Client) -> None:
    file_id = api.post("files", content=PNG, headers={"Content-Type": "image/png"}).json()["fileID"]
    assert api.get("files").json() == []
    sandbox.config.list_uploads = True
    listed = api.get("files", params={"limit": 5}).json()
    assert file_id in [f["file_id"] for f in listed]
    assert {"file_name", "file_type", "cdn_url", "oss_path", "file_scene", "file_status"} <= set(listed[0])


def test_delete_always_200_and_removes_the_file(sandbox: Sandbox, api: httpx.Client) -> None:
    body = api.post("files", content=PNG, headers={"Content-Type": "image/png"}).json()
    assert api.delete(f"files/{body['fileID']}").status_code == 200
    assert api.delete(f"files/{body['fileID']}").status_code == 200
    assert httpx.get(body["ossPath"]).status_code == 404
    r = api.post("videos/create", json={"fileID": body["fileID"]})
    assert r.status_code == 400 and "fileID" in r.json()["error"]


def test_file_ids_belong_to_their_account(sandbox: Sandbox, api: httpx.Client,
                                          two_accounts: tuple[str, str]) -> None:
    demo, other = two_accounts
    file_id = api.post("files", params={"account": demo}, content=PNG,
                       headers={"Content-Type": "image/png"}).json()["fileID"]
    r = api.post("videos/create", json={"account": other, "fileID": file_id, "prompt": "x"})
    assert r.status_code == 400 and "belongs to account" in r.json()["error"]
    r = api.post("videos/create", json={"account": demo, "fileID": file_id, "prompt": "x"})
    assert r.status_code == 200
    assert api.post("files", content=PNG, headers={"Content-Type": "image/png"}).status_code == 400
