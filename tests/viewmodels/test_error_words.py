"""Errors in words for people: one sentence, no status numbers, no endpoint, no API field
names, the server's text not repeated — the raw text stays for Details."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from minimax_studio.api.client import MiniMaxClient
from minimax_studio.api.errors import APIConnectionError, error_from_response
from minimax_studio.core.jobs import Job, JobKind, JobState
from minimax_studio.viewmodels.error_words import OFFLINE, human_error, human_reason, plain_fields
from minimax_studio.viewmodels.job_rows import outcome_sentence, row_view


@pytest.mark.asyncio
async def test_offline_reads_as_cant_reach_useapi() -> None:
    client = MiniMaxClient("user:1-abcdefghijklmnopqrstu", "http://127.0.0.1:9/v1/minimax")
    try:
        with pytest.raises(APIConnectionError) as info:
            await client.accounts.list()
    finally:
        await client.aclose()
    assert "Errno" in info.value.message or "connect" in info.value.message  # the raw one
    assert human_error(info.value) == OFFLINE == "Can’t reach useapi.net — check your connection."
    assert human_reason(info.value.message) == OFFLINE
    assert human_error(httpx.ConnectError("boom")) != ""


@pytest.mark.parametrize(("status", "body", "words"), [
    (412, {"error": "Account 1 does not have enough credits (5 left, 60 needed)"}, "run out of credits"),
    (422, {"error": "prompt rejected by moderation"}, "moderation refused it"),
    (596, {"error": "Account 1 is on hold: session error"}, "sign in at hailuoai.video"),
    (500, {"error": "Internal"}, "useapi.net had a problem"),
])
def test_statuses_read_as_one_sentence_without_numbers(status: int, body: dict[str, str],
                                                      words: str) -> None:
    exc = error_from_response(status, body, endpoint="videos/create")
    assert str(status) in exc.message  # the raw message (Details) keeps the number
    for text in (human_error(exc), human_reason(exc.message), human_reason(f"Not sent: {exc.message}")):
        assert words in text
        assert str(status) not in text
        assert "Server said" not in text and body["error"] not in text
        assert len(re.findall(r"[.!?](?:\s|$)", text)) == 1, text  # one sentence


def test_field_names_become_words() -> None:
    assert plain_fields("A prompt is required when no image (fileID) is given.") == \
        "A prompt is required when no image is given."
    assert plain_fields("end_frame_fileID needs a first frame too; set fileID.",
                        {"fileID": "First frame", "end_frame_fileID": "End frame"}) == \
        "End frame needs a first frame too; set First frame."
    assert plain_fields("aspectRatio 4:3 is not offered") == "aspect ratio 4:3 is not offered"
    assert plain_fields("mention @Image1 in the prompt") == "mention @Image1 in the prompt"
    assert human_reason("videos/create: the request could not be sent.") == \
        "The request could not be sent."


def test_job_rows_and_the_generate_note_use_the_words() -> None:
    job = Job(id=7, kind=JobKind.VIDEO, state=JobState.FAILED,
              request={"model": "T2V-01", "prompt": "x"}, cost="25 credits",
              reason="Not sent: The Hailuo account does not have enough credits (412). "
                     "Server said: Account 1 does not have enough credits")
    view = row_view(job, "1 s")
    assert view.reason == "Not sent: The Hailuo account has run out of credits."
    assert view.cost == "not charged"
    text, tone = outcome_sentence(job)
    assert tone == "error" and "412" not in text and "not charged" in text
    done = Job(id=8, kind=JobKind.IMAGE, state=JobState.COMPLETED,
               request={"model": "midjourney-v7", "prompt": "x"}, cost="8 credits")
    assert row_view(done, "1 s").cost == "8 credits charged"
    assert row_view(done, "1 s").model.endswith("×4")  # Midjourney makes four


def test_notices_read_in_words_and_keep_the_details(qtbot: Any, qloop: Any) -> None:
    from minimax_studio.viewmodels.notifier import Notifier
    from minimax_studio.viewmodels.tasks import TaskRunner

    notifier = Notifier()
    runner = TaskRunner(notifier)

    async def hold() -> None:
        raise error_from_response(596, {"error": "Account is on hold", "code": 596})

    runner.start("y", hold(), error_context="Generating")
    qtbot.waitUntil(lambda: notifier.latest() is not None)
    notice = notifier.history[-1]
    assert "(596)" in notice.message  # Details (log, copy)
    assert notice.text == "Generating: Hailuo paused this account — sign in at hailuoai.video to see why."
