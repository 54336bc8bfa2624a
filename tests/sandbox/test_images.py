"""images/create, images, images/{imageId}, DELETE (soft)."""

from __future__ import annotations

import io

import httpx
from PIL import Image

from minimax_studio.sandbox import Sandbox

from .helpers import wait_final


def test_images_complete_with_real_pictures_at_the_requested_ratio(sandbox: Sandbox, api: httpx.Client) -> None:
    r = api.post("images/create", json={"prompt": "a lighthouse", "quantity": 2, "aspectRatio": "9:16"})
    assert r.status_code == 200, r.text
    ids = r.json()["imageIds"]
    assert len(ids) == 2 and all("-image:" in i for i in ids)
    images = [wait_final(api, f"images/{i}") for i in ids]
    assert {im["batchID"] for im in images} == {images[0]["batchID"]}
    for im in images:
        assert im["status"] == 2 and im["statusLabel"] == "completed" and im["imageId"] in ids
        assert im["fileID"].startswith("user:") and "-file:" in im["fileID"]
        pic = Image.open(io.BytesIO(httpx.get(im["downloadURL"]).content))
        assert pic.height > pic.width  # 9:16
        assert (pic.width, pic.height) == (im["width"], im["height"])
        assert im["videoURLs"]["downloadURLWithWatermark"] == im["videoURL"]


def test_image_file_id_feeds_image_to_video(api: httpx.Client) -> None:
    ids = api.post("images/create", json={"prompt": "a robot"}).json()["imageIds"]
    file_id = wait_final(api, f"images/{ids[0]}")["fileID"]
    r = api.post("videos/create", json={"fileID": file_id, "prompt": "it waves"})
    assert r.status_code == 200, r.text
    v = api.get(f"videos/{r.json()['videoId']}").json()
    assert v["originFiles"][0]["id"] == file_id and v["modelID"] == "I2V-01"


def test_soft_delete_hides_from_list_only(api: httpx.Client) -> None:
    ids = api.post("images/create", json={"prompt": "a fox"}).json()["imageIds"]
    listed = api.get("images/").json()["images"]
    assert ids[0] in [i["imageId"] for i in listed]
    assert api.delete(f"images/{ids[0]}").status_code == 200
    assert ids[0] not in [i["imageId"] for i in api.get("images").json()["images"]]
    assert api.get(f"images/{ids[0]}").status_code == 200
    assert api.delete(f"images/{ids[0][:-2]}00").status_code == 200


def test_image_paging(api: httpx.Client) -> None:
    ids = [api.post("images/create", json={"prompt": f"p{n}"}).json()["imageIds"][0] for n in range(3)]
    first = api.get("images", params={"limit": 2}).json()["images"]
    assert [i["imageId"] for i in first] == [ids[2], ids[1]]
    rest = api.get("images", params={"lastImageId": first[-1]["id"]}).json()["images"]
    assert [i["imageId"] for i in rest] == [ids[0]]


def test_image_validation(api: httpx.Client) -> None:
    r = api.post("images/create", json={"prompt": "x", "model": "dall-e"})
    assert r.status_code == 400 and "model" in r.json()["error"]
    r = api.post("images/create", json={"prompt": "x", "quantity": 9})
    assert r.status_code == 400 and "quantity" in r.json()["error"]
    r = api.post("images/create", json={"model": "image-01"})
    assert r.status_code == 400 and "prompt" in r.json()["error"]


def test_image_credits_are_spent(sandbox: Sandbox, api: httpx.Client) -> None:
    api.post("images/create", json={"prompt": "x", "quantity": 3})
    assert api.get("features").json()["totalCredits"] == 1000 - 3


def test_midjourney_always_makes_four_jpegs(api: httpx.Client) -> None:
    ids = api.post("images/create", json={"prompt": "a castle", "model": "midjourney-v7",
                                          "aspectRatio": "1:1"}).json()["imageIds"]
    assert len(ids) == 4
    im = wait_final(api, f"images/{ids[0]}")
    assert Image.open(io.BytesIO(httpx.get(im["videoURL"]).content)).format == "JPEG"


def test_quality_only_for_gpt_image_2(api: httpx.Client) -> None:
    r = api.post("images/create", json={"prompt": "x", "model": "image-01", "quality": "high"})
    assert r.status_code == 400 and "quality" in r.json()["error"]
    ok = api.post("images/create", json={"prompt": "x", "model": "gpt-image-2", "quality": "high"})
    assert ok.status_code == 200, ok.text
