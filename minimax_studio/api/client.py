"""``MiniMaxClient``: the typed async client for the useapi.net MiniMax API v1.

One ``httpx.AsyncClient`` per ``MiniMaxClient``, made once (building one costs ~50 ms of
blocked event loop - PLATFORM-NOTES §4). Every call goes through ``request``: URL
building (ids raw in the path), the bearer header, the retry policy, and the mapping of
every failure to one typed ``MiniMaxError``.

The token is kept private and never formatted into anything: ``repr`` omits it, error
texts from the server or from httpx pass through ``redact`` first.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
from collections.abc import AsyncIterator, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

from .errors import (
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    MalformedResponseError,
    MiniMaxError,
    error_from_response,
)
from .redact import redact, redact_value, secret_parts
from .resources._base import segment
from .resources.accounts import Accounts, Features
from .resources.agent import Agent
from .resources.files import Files
from .resources.images import Images
from .resources.scheduler import Scheduler
from .resources.videos import Videos
from .retry import RetryPolicy
from .timeouts import DEFAULT_TIMEOUT, DOWNLOAD_TIMEOUT, LONG_TIMEOUT
from .transfer import ProgressFn, download_to

log = logging.getLogger("minimax_studio.api")

DEFAULT_BASE_URL = "https://api.useapi.net/v1/minimax"
BASE_URL_ENV = "MINIMAX_STUDIO_API_URL"
USER_AGENT = "MiniMaxStudio/0.1 (+httpx)"

# A header value must be visible ASCII; h11 would otherwise echo the value in its error.
_TOKEN_RE = re.compile(r"[\x21-\x7e]+")


def _params(params: Mapping[str, Any] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in (params or {}).items():
        if value is None:
            continue
        out[key] = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return out


@dataclass
class SSEEvent:
    """One server-sent event: ``data`` is the parsed JSON when it parses, else the text."""

    event: str | None
    data: Any


class MiniMaxClient:
    """Async client; use ``async with MiniMaxClient(token) as client:`` or ``aclose()``."""

    def __init__(self, token: str, base_url: str | None = None, *,
                 timeout: float | httpx.Timeout | None = None,
                 retry: RetryPolicy | None = None,
                 transport: httpx.AsyncBaseTransport | None = None,
                 fast_downloads: bool = True) -> None:
        self.__token = (token or "").strip()
        #: Downloads may take transfer's fast path (False: always through httpx).
        self.fast_downloads = fast_downloads
        self._secrets = secret_parts(self.__token)
        self.base_url = (base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL).rstrip("/")
        self._base = httpx.URL(self.base_url + "/")
        self.retry = retry or RetryPolicy()
        if timeout is None:
            self.timeout = DEFAULT_TIMEOUT
        elif isinstance(timeout, httpx.Timeout):
            self.timeout = timeout
        else:
            self.timeout = httpx.Timeout(timeout)
        self._http = httpx.AsyncClient(timeout=self.timeout, transport=transport,
                                       headers={"User-Agent": USER_AGENT},
                                       follow_redirects=False)
        self.accounts = Accounts(self)
        self.features = Features(self)
        self.files = Files(self)
        self.videos = Videos(self)
        self.images = Images(self)
        self.agent = Agent(self)
        self.scheduler = Scheduler(self)

    def __repr__(self) -> str:
        return f"MiniMaxClient(base_url={self.base_url!r})"

    async def __aenter__(self) -> MiniMaxClient:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    @property
    def is_closed(self) -> bool:
        return self._http.is_closed

    # --- building blocks -------------------------------------------------------------------
    def url(self, path: str) -> str:
        """Absolute URL for ``path`` relative to the base. Built by hand because httpx's
        base_url merge would read a leading ``user:`` of an id as a URL scheme."""
        return f"{self.base_url}/{path.lstrip('/')}"

    @property
    def secrets(self) -> list[str]:
        """What ``redact`` hides (for resource groups; never log this)."""
        return list(self._secrets)

    def _redact(self, text: str, extra: Iterable[str] = ()) -> str:
        return redact(text, [*self._secrets, *extra])

    def _auth_headers(self) -> dict[str, str]:
        if not self.__token:
            raise AuthenticationError("No useapi.net API token is set. Add it in Accounts.",
                                      status=401)
        if not _TOKEN_RE.fullmatch(self.__token):
            raise AuthenticationError(
                "The useapi.net API token contains spaces or characters that cannot be sent. "
                "Paste it again.", status=401)
        return {"Authorization": f"Bearer {self.__token}"}

    def is_api_url(self, url: str) -> bool:
        """True when ``url`` is under this client's base URL (same scheme, host, port and
        path prefix) - the only place the Authorization header may go."""
        try:
            target = httpx.URL(url)
        except (httpx.InvalidURL, TypeError, ValueError):
            return False
        base = self._base
        return (target.scheme == base.scheme and target.host == base.host
                and target.port == base.port
                and (target.raw_path + b"/").startswith(base.raw_path))

    # --- requests ------------------------------------------------------------------------------
    async def request(self, method: str, path: str, *, endpoint: str,
                      params: Mapping[str, Any] | None = None, json_body: Any = None,
                      files: list[tuple[str, Any]] | None = None, content: Any = None,
                      headers: Mapping[str, str] | None = None,
                      timeout: httpx.Timeout | None = None,
                      extra_secrets: Iterable[str] = ()) -> Any:
        """Send one API call (with retries when the policy allows them for ``method``).
        Returns the parsed JSON, or None for an empty 2xx body. ``endpoint`` names the
        call in messages, e.g. ``"GET videos/{videoId}"``."""
        method = method.upper()
        url = self.url(path)
        secrets = [*self._secrets, *extra_secrets]

        async def once() -> Any:
            return await self._send_once(method, url, endpoint=endpoint, params=params,
                                         json_body=json_body, files=files, content=content,
                                         headers=headers, timeout=timeout, secrets=secrets)

        return await self.retry.run(method, once, endpoint)

    async def _send_once(self, method: str, url: str, *, endpoint: str,
                         params: Mapping[str, Any] | None, json_body: Any,
                         files: list[tuple[str, Any]] | None, content: Any,
                         headers: Mapping[str, str] | None, timeout: httpx.Timeout | None,
                         secrets: list[str]) -> Any:
        all_headers = {**self._auth_headers(), **(headers or {})}
        started = time.monotonic()
        failure: MiniMaxError | None = None
        try:
            response = await self._http.request(
                method, url, params=_params(params), json=json_body, files=files,
                content=content, headers=all_headers,
                timeout=timeout if timeout is not None else httpx.USE_CLIENT_DEFAULT)
        except MiniMaxError:
            raise  # e.g. the upload body found the file changed
        except httpx.HTTPError as exc:
            failure = self._transport_error(exc, method, endpoint, secrets)
        except httpx.InvalidURL:
            failure = APIConnectionError(f"The API address {self.base_url!r} is not a valid URL.",
                                         endpoint=endpoint)
        if failure is not None:
            # Raised outside the except block so the httpx exception (whose text may quote
            # a header) is not attached as __context__.
            log.info("%s failed: %s", endpoint, failure.message)
            raise failure
        elapsed = (time.monotonic() - started) * 1000
        log.debug("%s -> %s in %.0f ms", endpoint, response.status_code, elapsed)
        return self._decode(response, method, endpoint, secrets)

    def _transport_error(self, exc: httpx.HTTPError, method: str, endpoint: str,
                         secrets: list[str]) -> APIConnectionError:
        host = self._base.host or "the API"
        if isinstance(exc, httpx.TimeoutException):
            never_sent = isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout)
            message = f"{endpoint}: {host} did not answer in time."
            if method == "POST" and not never_sent:
                message += " The job may still have been created; check before sending it again."
            err: APIConnectionError = APITimeoutError(message, endpoint=endpoint)
            if never_sent:
                err.maybe_accepted = False  # the request never left this machine
            return err
        if isinstance(exc, httpx.ConnectError):
            return APIConnectionError(
                f"{endpoint}: could not connect to {host} ({redact(_describe(exc), secrets)}).",
                endpoint=endpoint)
        if isinstance(exc, httpx.UnsupportedProtocol):
            return APIConnectionError(
                f"The API address {self.base_url!r} does not start with http:// or https://.",
                endpoint=endpoint)
        if isinstance(exc, httpx.LocalProtocolError):
            # Its text may quote a header value (our token): never pass it on.
            return APIConnectionError(f"{endpoint}: the request could not be sent.",
                                      endpoint=endpoint)
        err = APIConnectionError(
            f"{endpoint}: the connection to {host} was lost ({redact(_describe(exc), secrets)}).",
            endpoint=endpoint)
        if method == "POST":
            err.maybe_accepted = True  # the request was sent; the answer was lost
        return err

    def _decode(self, response: httpx.Response, method: str, endpoint: str,
                secrets: list[str]) -> Any:
        raw = response.content
        status = response.status_code
        if 200 <= status < 300:
            if status == 204 or not raw.strip():
                return None
            try:
                return json.loads(raw)
            except ValueError:
                preview = redact(raw[:80].decode("utf-8", "replace"), secrets).strip()
                err = MalformedResponseError(
                    f"{endpoint}: the server answered {status} with something that is not "
                    f"JSON ({preview!r}).", status=status,
                    body=redact(raw[:2000].decode("utf-8", "replace"), secrets), endpoint=endpoint)
                err.maybe_accepted = method == "POST"
                raise err from None
        text = redact(raw[:4000].decode("utf-8", "replace"), secrets)
        body: Any
        try:
            body = redact_value(json.loads(raw), secrets)
        except ValueError:
            body = text
        exc = error_from_response(status, body, endpoint=endpoint)
        log.info("%s -> %s: %s", endpoint, status, exc.message)
        raise exc

    async def stream_events(self, method: str, path: str, *, endpoint: str,
                            json_body: Any = None,
                            timeout: httpx.Timeout | None = None) -> AsyncIterator[SSEEvent]:
        """Send one call whose answer is ``text/event-stream`` and yield its events.
        Never retried (only used by a create call). A plain JSON answer (the endpoint's
        first version) is yielded as a single event."""
        url = self.url(path)
        secrets = list(self._secrets)
        headers = {**self._auth_headers(), "Accept": "text/event-stream, application/json"}
        failure: APIConnectionError
        try:
            async with self._http.stream(method, url, json=json_body, headers=headers,
                                         timeout=timeout or LONG_TIMEOUT) as response:
                if response.status_code >= 300 or "text/event-stream" not in \
                        response.headers.get("Content-Type", ""):
                    await response.aread()
                    data = self._decode(response, method, endpoint, secrets)
                    if data is not None:
                        yield SSEEvent(None, data)
                    return
                async for event in parse_sse(response.aiter_lines()):
                    yield event
            return
        except MiniMaxError:
            raise
        except httpx.HTTPError as exc:
            failure = self._transport_error(exc, method, endpoint, secrets)
            failure.maybe_accepted = not isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout)
        raise failure  # outside the except block: no httpx __context__

    async def download(self, url: str, dest: Path | str, *,
                       progress: ProgressFn | None = None) -> Path:
        """Stream ``url`` to ``dest`` via ``dest.part`` (resumed with Range when a part
        exists). The Authorization header goes only to URLs under the API base URL; CDN
        links never see the token (httpx also drops it on cross-origin redirects)."""
        headers = self._auth_headers() if self.is_api_url(url) else {}
        return await download_to(self._http, url, Path(dest), headers=headers,
                                 progress=progress, timeout=DOWNLOAD_TIMEOUT,
                                 redact=self._redact, fast=self.fast_downloads)


async def parse_sse(lines: AsyncIterator[str]) -> AsyncIterator[SSEEvent]:
    """A tolerant server-sent-events reader: ``data:`` lines joined until a blank line,
    ``event:`` names kept, comments and unknown fields skipped. The event format of
    videos/agent-create is not captured (videos.md), so every payload is tried as JSON
    and kept as text when it is not."""
    data: list[str] = []
    name: str | None = None
    async for line in lines:
        line = line.rstrip("\r\n")
        if not line:
            if data:
                yield SSEEvent(name, _json_or_text("\n".join(data)))
            data, name = [], None
            continue
        if line.startswith(":"):
            continue
        field, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if field == "data":
            data.append(value)
        elif field == "event":
            name = value
    if data:  # a stream that ends without the final blank line
        yield SSEEvent(name, _json_or_text("\n".join(data)))


def _json_or_text(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def _describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return text or type(exc).__name__


__all__ = ["BASE_URL_ENV", "DEFAULT_BASE_URL", "MiniMaxClient", "SSEEvent", "parse_sse", "segment"]
