"""Issue 9 case 4, the app's side: when the API does not answer, a waiting job's reason —
what its row in the jobs panel shows — says so in words, the same sentence the batch prints
and the status bar posts (``engine.contact``), heard once per change, not once per retry."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import pytest

from minimax_studio.api.client import MiniMaxClient
from minimax_studio.api.retry import RetryPolicy
from minimax_studio.core.engine import Engine
from minimax_studio.core.jobs import JobState
from minimax_studio.core.journal import Journal
from minimax_studio.core.library import Library
from tests.core.engine_rig import FAST

pytestmark = pytest.mark.asyncio


async def test_a_waiting_jobs_reason_says_the_api_cannot_be_reached(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/v1/minimax"
    client = MiniMaxClient("user:1-0123456789abcdef", url, retry=RetryPolicy.never())
    journal = await Journal.open(tmp_path / "journal.sqlite3")
    library = await Library.open(tmp_path / "library.sqlite3", tmp_path / "library")
    engine = Engine(client, journal, library, config=FAST)
    heard: list[str | None] = []
    engine.contact.listen(heard.append)
    try:
        await engine.start()
        job = await engine.submit("video", {"model": "T2V-01", "prompt": "a kite"})
        for _ in range(200):
            current = await engine.get(job.id)
            if current and (current.reason or "").startswith("Waiting: cannot reach"):
                break
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.3)  # several more refresh rounds fail meanwhile
        current = await engine.get(job.id)
        assert current is not None and current.state is JobState.QUEUED
        assert current.reason == heard[0]
        assert current.reason.startswith(f"Waiting: cannot reach the API at {url} (connection refused); retrying in")
        assert heard == [current.reason]  # one change, told once
        assert engine.contact.silent_for() > 0.3
        stored = await journal.get(job.id)  # a restarted app shows the same reason
        assert stored is not None and stored.reason == current.reason
    finally:
        await engine.close()
        await library.close()
        await journal.close()
        await client.aclose()
