"""A number thousands of digits long (past Python's 4 300-digit int-string limit) in any
count, duration, slot name or @mention is a sentence naming the field, never a ValueError —
in the app's checks and in the sandbox, whose multipart bodies arrive as strings."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from minimax_studio.api import catalog
from minimax_studio.sandbox import Sandbox

HUGE = "9" * 5000

CASES: list[tuple[str, dict[str, Any], str]] = [
    ("video", {"model": "Seedance-2.0", "prompt": "x", "duration": HUGE}, "duration"),
    ("video", {"model": "T2V-01", "prompt": "x", "maxJobs": HUGE}, "maxJobs"),
    ("image", {"model": "image-01", "prompt": "x", "quantity": HUGE}, "quantity"),
    ("video", {"model": "S2V-01", "prompt": "x", "fileID": "f", f"fileID{HUGE}": "f"},
     f"fileID{HUGE}"),
    ("image", {"model": "nano-banana-2", "prompt": "x", f"referenceFileId{HUGE}": "f"},
     f"referenceFileId{HUGE}"),
    ("image", {"model": "nano-banana-2", "prompt": f"like @image{HUGE}"}, "prompt"),
]


@pytest.mark.parametrize(("kind", "body", "field"), CASES)
def test_checks_name_the_field(kind: str, body: dict[str, Any], field: str) -> None:
    check = catalog.validate_video_request if kind == "video" else catalog.validate_image_request
    problems = check(body)
    assert field in [p.field for p in problems], problems
    assert all(p.message.endswith((".", "?")) for p in problems)
    cost = catalog.video_cost if kind == "video" else catalog.image_cost
    cost(body)  # the price line of a sheet or form must not raise either


@pytest.mark.parametrize(("kind", "body", "field"), CASES[:3])
def test_sandbox_answers_400_with_the_sentence(sandbox: Sandbox, kind: str,
                                               body: dict[str, Any], field: str) -> None:
    files = {k: (None, v) for k, v in body.items()}
    with httpx.Client(base_url=sandbox.base_url + "/", timeout=10,
                      headers={"Authorization": f"Bearer {sandbox.token}"}) as api:
        r = api.post(f"{kind}s/create", files=files)
    assert r.status_code == 400, r.text
    assert field in r.text and "whole number" in r.text


def test_zero_padding_is_still_the_number() -> None:
    """Only the digits that count are limited: 5000 zeros then 5 is 5, as int() would say."""
    body = catalog.coerce_form_values({"duration": "0" * 5000 + "5", "quantity": " +004 "})
    assert body == {"duration": 5, "quantity": 4}
