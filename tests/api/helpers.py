"""Shared bits for the client tests: a MiniMaxClient on an httpx.MockTransport that
records every request, and a sleep that only records."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx

from minimax_studio.api.client import MiniMaxClient
from minimax_studio.api.retry import RetryPolicy

TOKEN = "user:1234-abcdefghijklmnopqrstuv"
BASE = "https://api.useapi.net/v1/minimax"
VIDEO_ID = "user:1234-minimax:555-video:998877665544332211"
IMAGE_ID = "user:1234-minimax:555-image:112233"
FILE_ID = "user:1234-minimax:555-file:777"
AGENT_ID = "p123456789-u1234-a555-bot:minimax"

Handler = Callable[[httpx.Request], httpx.Response]


class Sleeps:
    """An injectable sleep that returns at once and remembers what it was asked."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


class Recorder:
    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.handler(request)

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]


def json_response(data: Any, status: int = 200) -> httpx.Response:
    return httpx.Response(status, content=json.dumps(data).encode(),
                          headers={"Content-Type": "application/json"})


def make_client(handler: Handler, *, token: str = TOKEN, sleeps: Sleeps | None = None,
                **kw: Any) -> tuple[MiniMaxClient, Recorder]:
    recorder = Recorder(handler)
    policy = kw.pop("retry", None) or RetryPolicy(sleep=sleeps or Sleeps(), random=lambda: 0.5)
    client = MiniMaxClient(token, BASE, transport=httpx.MockTransport(recorder), retry=policy, **kw)
    return client, recorder


def path_of(request: httpx.Request) -> bytes:
    """The raw path as it goes on the wire (no query)."""
    return request.url.raw_path.split(b"?", 1)[0]
