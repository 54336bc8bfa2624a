"""The fast download path's two ways out, against real loopback servers: the
``fast_downloads`` switch (every download through httpx), and declining — with one
warning in the log, not one per download — when httpx/httpcore no longer look the way
fast_download.py reads them. Which path served a request shows on the wire: the fast
path sends ``Connection: close``, httpx ``keep-alive``."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import httpx
import pytest

from minimax_studio.api import fast_download
from minimax_studio.api.client import MiniMaxClient
from minimax_studio.logs import RedactingFilter
from tests.api.test_fast_download import DATA, TOKEN, file_handler, no_env_proxies, serve

__all__ = ["no_env_proxies", "serve"]  # fixtures, used by name

pytestmark = pytest.mark.asyncio

WARNING = "Fast downloads are off for this run"


@pytest.fixture(autouse=True)
def fresh_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test is a fresh process as far as the once-per-process warning goes."""
    monkeypatch.setattr(fast_download, "_shape_warned", False)


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records
            if r.name == fast_download.__name__ and r.levelno == logging.WARNING]


async def test_switched_off_every_download_goes_through_httpx(
        serve: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    server = await serve(file_handler(DATA))
    async with MiniMaxClient(TOKEN, "https://api.useapi.net/v1/minimax",
                             fast_downloads=False) as c:
        for name in ("a.mp4", "b.mp4"):
            await c.download(f"{server.url}/{name}", tmp_path / name)
    assert (tmp_path / "a.mp4").read_bytes() == DATA == (tmp_path / "b.mp4").read_bytes()
    assert [r.fast for r in server.requests] == [False, False]
    assert warnings_of(caplog) == []  # a choice, not a fault: nothing to warn about


async def test_on_by_default(serve: Any, tmp_path: Path) -> None:
    server = await serve(file_handler(DATA))
    async with MiniMaxClient(TOKEN, "https://api.useapi.net/v1/minimax") as c:
        assert c.fast_downloads
        await c.download(f"{server.url}/a.mp4", tmp_path / "a.mp4")
    assert [r.fast for r in server.requests] == [True]


async def test_a_renamed_pool_field_declines_and_warns_once(
        serve: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """As if a new httpcore renamed one of the connection pool's fields the fast path
    reads: downloads still arrive (through httpx), and the log says why they are slower —
    once for the whole run, through the app's redacting handlers."""
    monkeypatch.setattr(fast_download, "_POOL_FIELDS",
                        (*fast_download._POOL_FIELDS, "_renamed_in_a_new_httpcore"))
    caplog.handler.addFilter(RedactingFilter())
    server = await serve(file_handler(DATA))
    async with MiniMaxClient(TOKEN, "https://api.useapi.net/v1/minimax") as c:
        for name in ("a.mp4", "b.mp4", "c.mp4"):
            await c.download(f"{server.url}/{name}", tmp_path / name)
    assert all((tmp_path / n).read_bytes() == DATA for n in ("a.mp4", "b.mp4", "c.mp4"))
    assert [r.fast for r in server.requests] == [False, False, False]
    records = warnings_of(caplog)
    assert len(records) == 1, [r.getMessage() for r in records]
    message = records[0].getMessage()
    assert message.startswith(WARNING) and "_renamed_in_a_new_httpcore" in message
    assert f"httpx {httpx.__version__}" in message
    assert TOKEN not in caplog.text


async def test_a_client_without_the_method_read_declines_and_warns(
        caplog: pytest.LogCaptureFixture) -> None:
    """As if a new httpx renamed AsyncClient._transport_for_url."""
    class NewerClient(httpx.AsyncClient):
        def __getattribute__(self, name: str) -> Any:
            if name == "_transport_for_url":
                raise AttributeError(name)
            return super().__getattribute__(name)

    async with NewerClient() as http:
        req = http.build_request("GET", "http://127.0.0.1:9/v.mp4")
        timeout = httpx.Timeout(5.0)
        assert await fast_download.request(http, req, timeout) is None
        assert await fast_download.request(http, req, timeout) is None
    records = warnings_of(caplog)
    assert len(records) == 1 and "_transport_for_url" in records[0].getMessage()


async def test_an_ordinary_decline_warns_nothing(
        serve: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A custom transport (or a proxy) is the caller's choice: httpx does the download and
    the log stays quiet."""
    class CustomTransport(httpx.AsyncHTTPTransport):
        pass

    server = await serve(file_handler(DATA))
    for options in ({"mounts": {"http://": CustomTransport()}},
                    {"proxy": "http://127.0.0.1:9"},  # httpcore's proxy pool
                    {"auth": ("a", "b")}):
        async with httpx.AsyncClient(**options) as http:
            req = http.build_request("GET", f"{server.url}/a.mp4")
            assert await fast_download.request(http, req, httpx.Timeout(5.0)) is None, options
    assert server.requests == [] and warnings_of(caplog) == []
