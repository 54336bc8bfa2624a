"""Every way a call can fail ends as one typed MiniMaxError with a readable message -
and none of them ever carries the API token."""

from __future__ import annotations

import logging
from pathlib import Path

import httpx
import pytest

from minimax_studio.api import errors as E
from minimax_studio.api.client import MiniMaxClient
from minimax_studio.api.retry import RetryPolicy

from .helpers import TOKEN, VIDEO_ID, Sleeps, json_response, make_client

STATUS_CASES = [
    (400, {"error": "Parameter options 2000p is not supported", "code": 400}, E.BadRequestError,
     "options 2000p"),
    (401, {"error": "Unauthorized", "code": 401}, E.AuthenticationError, "token was not accepted"),
    (404, {"error": "Not found.", "code": 404}, E.NotFoundError, "Not found"),
    (412, {"error": "Account does not have enough credits", "code": 412},
     E.InsufficientCreditsError, "credits"),
    (422, {"error": "Moderated prompt", "code": 422}, E.ModeratedError, "moderation"),
    (429, {"error": "Too many requests", "code": 429}, E.CapacityError, "capacity"),
    (502, {"error": "Hailuo site is too busy", "code": 502}, E.SiteBusyError, "busy"),
    (504, {"error": "timeout"}, E.SiteBusyError, "in time"),
    (596, {"error": "Account on hold", "code": 596}, E.AccountOnHoldError, "on hold"),
    (500, {"error": "Internal error", "code": 500}, E.ServerError, "failed (500)"),
]


@pytest.mark.asyncio
@pytest.mark.parametrize(("status", "body", "cls", "words"), STATUS_CASES,
                         ids=[str(c[0]) for c in STATUS_CASES])
async def test_status_maps_to_typed_error(status: int, body: dict, cls: type, words: str) -> None:
    client, rec = make_client(lambda r: json_response(body, status), retry=RetryPolicy.never())
    async with client:
        with pytest.raises(cls) as info:
            await client.videos.create({"prompt": "x"})
    err = info.value
    assert type(err) is cls
    assert err.status == status and err.body == body
    assert words.lower() in err.message.lower()
    assert err.endpoint == "POST videos/create"
    assert len(rec.requests) == 1


@pytest.mark.asyncio
@pytest.mark.parametrize("status", [502, 504, 500])
async def test_html_error_page_is_a_readable_status_error(status: int) -> None:
    page = f"<!DOCTYPE html><html><body><h1>{status} Bad Gateway</h1>cloudflare</body></html>"
    client, _ = make_client(lambda r: httpx.Response(status, text=page,
                                                     headers={"Content-Type": "text/html"}),
                            retry=RetryPolicy.never())
    async with client:
        with pytest.raises(E.APIStatusError) as info:
            await client.videos.get(VIDEO_ID)
    assert info.value.status == status
    assert "<" not in info.value.message  # no HTML soup in what the user reads
    assert info.value.body == page


@pytest.mark.asyncio
@pytest.mark.parametrize("payload", [b'{"videoId": "user:', b"<html>oops</html>", b"[1, 2"])
async def test_malformed_2xx_body(payload: bytes) -> None:
    client, _ = make_client(lambda r: httpx.Response(200, content=payload))
    async with client:
        with pytest.raises(E.MalformedResponseError) as info:
            await client.videos.get(VIDEO_ID)
        assert "not JSON" in info.value.message and "GET videos/{videoId}" in info.value.message
        assert not info.value.maybe_accepted
        with pytest.raises(E.MalformedResponseError) as info:
            await client.videos.create({"prompt": "x"})
        assert info.value.maybe_accepted  # a create answered 200: the job may exist


@pytest.mark.asyncio
async def test_json_of_the_wrong_shape_is_malformed() -> None:
    client, _ = make_client(lambda r: json_response(["not", "an", "object"]))
    async with client:
        with pytest.raises(E.MalformedResponseError, match="JSON object"):
            await client.videos.get(VIDEO_ID)
    client, _ = make_client(lambda r: json_response({"status": {"nested": True}}))
    async with client:
        with pytest.raises(E.MalformedResponseError, match="status"):
            await client.videos.get(VIDEO_ID)


def _raiser(exc: Exception):  # type: ignore[no-untyped-def]
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc
    return handler


@pytest.mark.asyncio
@pytest.mark.parametrize(("exc", "cls", "accepted"), [
    (httpx.ReadTimeout("read timed out"), E.APITimeoutError, True),
    (httpx.ConnectTimeout("connect timed out"), E.APITimeoutError, False),
    (httpx.ConnectError("[Errno 111] Connection refused"), E.APIConnectionError, False),
    (httpx.ReadError("connection reset"), E.APIConnectionError, True),
    (httpx.RemoteProtocolError("peer closed connection"), E.APIConnectionError, True),
])
async def test_transport_failures(exc: Exception, cls: type, accepted: bool) -> None:
    client, _ = make_client(_raiser(exc), retry=RetryPolicy.never())
    async with client:
        with pytest.raises(cls) as info:
            await client.videos.create({"prompt": "x"})
    assert type(info.value) is cls
    assert info.value.maybe_accepted is accepted
    assert info.value.retryable
    assert "POST videos/create" in info.value.message
    assert "api.useapi.net" in info.value.message


@pytest.mark.asyncio
async def test_real_connection_refused_and_real_timeout() -> None:
    import socket

    # A port nobody listens on: connection refused over real loopback.
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    async with MiniMaxClient(TOKEN, f"http://127.0.0.1:{port}/v1/minimax",
                             retry=RetryPolicy.never()) as client:
        with pytest.raises(E.APIConnectionError, match="could not connect"):
            await client.scheduler.list()
    # A listener that never answers: a read timeout.
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    try:
        url = f"http://127.0.0.1:{srv.getsockname()[1]}/v1/minimax"
        async with MiniMaxClient(TOKEN, url, timeout=0.2, retry=RetryPolicy.never()) as client:
            with pytest.raises(E.APITimeoutError, match="did not answer in time"):
                await client.scheduler.list()
    finally:
        srv.close()


@pytest.mark.asyncio
@pytest.mark.parametrize("token", ["", "   ", "user:1-abc def", "user:1-abc\ndef", "user:1-abcé"])
async def test_unusable_token_fails_before_sending(token: str) -> None:
    client, rec = make_client(lambda r: json_response({}), token=token)
    async with client:
        with pytest.raises(E.AuthenticationError) as info:
            await client.videos.get(VIDEO_ID)
    assert rec.requests == []
    if token.strip():
        assert token.strip() not in str(info.value) and token.strip() not in repr(info.value)


def test_token_is_stripped_of_surrounding_whitespace() -> None:
    client = MiniMaxClient(f"  {TOKEN}\n", "http://x/v1/minimax")
    assert client._auth_headers() == {"Authorization": f"Bearer {TOKEN}"}


SECRET = TOKEN.split("-", 1)[1]


def _leaky(mode: str):  # type: ignore[no-untyped-def]
    """Servers and transports that put the Authorization header into their answer."""
    def handler(request: httpx.Request) -> httpx.Response:
        auth = request.headers["Authorization"]
        if mode == "json-400":
            return json_response({"error": f"Bad token {auth}", "errorDetails": auth}, 400)
        if mode == "json-401":
            return json_response({"error": f"Unauthorized {auth}"}, 401)
        if mode == "html-502":
            return httpx.Response(502, text=f"<html>{auth}</html>")
        if mode == "text-200":
            return httpx.Response(200, text=f"oops {auth}")
        if mode == "json-200-bad":
            return json_response({"status": {"x": auth}})
        if mode == "connect":
            raise httpx.ConnectError(f"refused while sending {auth}")
        if mode == "read":
            raise httpx.ReadError(f"reset after {auth}")
        if mode == "protocol":
            raise httpx.LocalProtocolError(f"Illegal header value {auth!r}")
        if mode == "timeout":
            raise httpx.ReadTimeout(f"timed out {auth}")
        raise AssertionError(mode)
    return handler


@pytest.mark.asyncio
@pytest.mark.parametrize("mode", ["json-400", "json-401", "html-502", "text-200", "json-200-bad",
                                  "connect", "read", "protocol", "timeout"])
async def test_token_never_leaks_into_errors_or_logs(mode: str, caplog: pytest.LogCaptureFixture,
                                                     tmp_path: Path) -> None:
    caplog.set_level(logging.DEBUG)
    client, _ = make_client(_leaky(mode), sleeps=Sleeps())
    texts = [repr(client)]
    async with client:
        for call in (lambda: client.videos.get(VIDEO_ID), lambda: client.videos.create({"a": 1}),
                     lambda: client.download("https://api.useapi.net/v1/minimax/x", tmp_path / "f"),
                     lambda: client.accounts.create(url="u", token="eyJ.hailuo.secret", max_jobs=1)):
            try:
                await call()
            except E.MiniMaxError as exc:
                err = exc
            else:
                continue  # e.g. the download of a 200 text body simply succeeds
            texts += [str(err), repr(err), err.message, repr(err.body), repr(err.args),
                      repr(err.__cause__), repr(err.__context__), repr(vars(err))]
    texts += [r.getMessage() for r in caplog.records]
    blob = "\n".join(texts)
    assert SECRET not in blob
    assert TOKEN not in blob
    assert "eyJ.hailuo.secret" not in blob
