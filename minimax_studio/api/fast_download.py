"""A lean HTTP/1.1 GET for the body of a media download: the fast path of ``transfer.py``.

Why it exists: streamed through httpx, every chunk of a body passes h11, httpcore and
anyio and becomes a new ``bytes`` object; on a fast link (loopback, a LAN cache, a CDN
on fibre) that Python work caps a download at about a third of what curl gets from the
same server. Here an ``asyncio.BufferedProtocol`` has the transport ``recv_into`` two
preallocated 1 MiB buffers - no per-chunk objects, no copying in Python - and every full
buffer goes to a writer thread while the other one fills (double buffering; reading
pauses when both are busy, so a slow disk bounds memory at 2 MiB per download instead
of growing it).

It takes only the common case and says "not me" (``None``) for everything else, so that
``transfer.py`` falls back to httpx, which owns redirects, proxies, chunked or
compressed bodies and odd heads:

- before connecting (``_route``): an http(s) URL whose httpx transport is the plain
  connection pool - no proxy mounted for it (httpx mounts the ``trust_env`` proxies there,
  NO_PROXY already applied, so the same env decides for both paths), no mock or custom
  transport, no unix socket, local address, socket options or HTTP/2 - and a client
  without auth or event hooks. TLS uses that pool's own ``SSLContext``, so what is
  trusted is exactly what httpx trusts (certifi, ``SSL_CERT_FILE``/``SSL_CERT_DIR``, or
  the client's ``verify``), with SNI and host name checks.
- after the head (``Answer``): the caller streams only a 200/206 with a Content-Length,
  no Transfer-Encoding and an identity Content-Encoding, and handles a 416 or an error
  status from the head it already has (asking twice would use up a server's one-off
  answer). A 1xx, 3xx or unparseable head returns ``None``.

The eligibility checks read private httpx/httpcore attributes (pinned in pyproject.toml).
When those are not what this module expects it declines and logs one warning per process;
``download_to(fast=False)`` (the ``fast_downloads`` setting) skips this path altogether.
The receiving protocol and the errors are in ``fast_protocol``.

One connection per download with ``Connection: close``: a media file is big enough that
one TCP/TLS handshake is noise, and without a pool there is no idle connection to keep.
The request head is built by httpx (``build_request``: default headers, cookies, Host)
and serialized and the response head parsed by h11, so both stay strict HTTP/1.1.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import ssl
from dataclasses import dataclass
from typing import IO

import h11
import httpcore
import httpx

from .fast_protocol import (
    BUFFER,
    ERROR_BODY_LIMIT,
    HEAD_LIMIT,
    BodyCut,
    ConnectFailed,
    FastDownloadError,
    ProgressFn,
    TimedOut,
    _Protocol,
    describe_connect_error,
)

__all__ = ["BUFFER", "ERROR_BODY_LIMIT", "HEAD_LIMIT", "Answer", "BodyCut", "ConnectFailed",
           "FastDownloadError", "TimedOut", "request"]

# Goes through the app's log handlers, whose filter redacts every record (logs.py); the
# messages below hold no URL or header anyway.
log = logging.getLogger(__name__)
_shape_warned = False

#: Give a TLS peer this long to answer our close_notify after the body is complete.
_SSL_SHUTDOWN_TIMEOUT = 5.0


@dataclass(frozen=True)
class _Route:
    host: str
    port: int
    tls: ssl.SSLContext | None
    target: bytes
    headers: list[tuple[bytes, bytes]]


async def request(http: httpx.AsyncClient, req: httpx.Request,
                  timeout: httpx.Timeout) -> Answer | None:
    """Send ``req`` (a GET) on a connection of our own and wait for the response head.
    ``None`` when httpx should do it instead - nothing has been left open then. Raises
    ``ConnectFailed`` or ``TimedOut`` (asking httpx again would only wait twice as long)."""
    route = _route(http, req)
    if route is None:
        return None
    try:
        conn = h11.Connection(h11.CLIENT)
        head = conn.send(h11.Request(method="GET", target=route.target, headers=route.headers))
        head += conn.send(h11.EndOfMessage())
    except h11.ProtocolError:
        return None  # a header h11 refuses: httpx will say so, through the caller's redact
    proto = await _connect(route, timeout)
    try:
        proto.send(head)
        raw = await proto.wait_head()
    except BaseException:
        proto.abort()
        raise
    answer = _parse_head(conn, raw, proto) if raw is not None else None
    if answer is None:
        proto.abort()
    return answer


def _route(http: httpx.AsyncClient, req: httpx.Request) -> _Route | None:
    url = req.url
    if url.scheme not in ("http", "https") or req.method != "GET" or http.is_closed:
        return None
    if http.auth is not None or any(http.event_hooks.values()):
        return None
    # httpx and httpcore internals, read defensively: if a new version renames them we
    # fall back to httpx (slower) instead of guessing, and say so once in the log - the
    # only sign a user would otherwise have is downloads at a third of their speed.
    # tests/api/test_fast_download.py checks that the default client still takes this path.
    transport_for_url = getattr(http, "_transport_for_url", None)
    if not callable(transport_for_url):
        return _shape_changed("httpx.AsyncClient._transport_for_url is gone")
    transport = transport_for_url(url)
    if type(transport) is not httpx.AsyncHTTPTransport:
        return None  # a mock or custom transport, mounted by the caller: not ours to bypass
    pool = getattr(transport, "_pool", None)
    if not isinstance(pool, httpcore.AsyncConnectionPool):
        return _shape_changed("httpx.AsyncHTTPTransport._pool is no httpcore connection pool")
    if type(pool) is not httpcore.AsyncConnectionPool:
        return None  # a proxy: httpcore's proxy pools subclass the plain one
    missing = [name for name in _POOL_FIELDS if not hasattr(pool, name)]
    if missing:
        return _shape_changed(f"httpcore.AsyncConnectionPool has no {', '.join(missing)}")
    if pool._uds or pool._local_address or pool._socket_options or pool._http2 \
            or not pool._http1:
        return None  # a unix socket, a local address, socket options or HTTP/2 asked for
    tls: ssl.SSLContext | None = None
    if url.scheme == "https":
        tls = pool._ssl_context
        if not isinstance(tls, ssl.SSLContext):
            return _shape_changed("httpcore.AsyncConnectionPool._ssl_context is no SSLContext")
    headers = [(k, b"close" if k.lower() == b"connection" else v) for k, v in req.headers.raw]
    port = url.port or (443 if tls else 80)
    return _Route(url.raw_host.decode("ascii"), port, tls, url.raw_path, headers)


#: The connection pool settings the fast path must read to know it may stand in for httpx.
_POOL_FIELDS = ("_uds", "_local_address", "_socket_options", "_http1", "_http2", "_ssl_context")


def _shape_changed(what: str) -> _Route | None:
    """Decline (always ``None``) because httpx/httpcore no longer look as this module expects;
    warn once per process, not once per download."""
    global _shape_warned
    if not _shape_warned:
        _shape_warned = True
        log.warning("Fast downloads are off for this run: %s (httpx %s, httpcore %s). "
                    "Downloads still work through httpx, at about a third of the speed on a "
                    "fast link; pin the versions in pyproject.toml or update fast_download.py.",
                    what, httpx.__version__, httpcore.__version__)
    return None


async def _connect(route: _Route, timeout: httpx.Timeout) -> _Protocol:
    loop = asyncio.get_running_loop()
    proto = _Protocol(loop, timeout.read)
    failure: FastDownloadError | None = None
    try:
        async with asyncio.timeout(timeout.connect):
            await loop.create_connection(
                lambda: proto, route.host, route.port, ssl=route.tls,
                server_hostname=route.host if route.tls else None,
                ssl_shutdown_timeout=_SSL_SHUTDOWN_TIMEOUT if route.tls else None)
    except TimeoutError:
        failure = TimedOut("connecting took too long")
    except (OSError, ssl.SSLError) as exc:  # ssl.CertificateError is an OSError too
        failure = ConnectFailed(describe_connect_error(exc))
    except BaseException:
        proto.abort()  # cancelled just as the connection was made: do not leak it
        raise
    if failure is not None:
        proto.abort()
        raise failure  # outside the except block: the OSError does not ride along
    return proto


def _parse_head(conn: h11.Connection, raw: bytes, proto: _Protocol) -> Answer | None:
    try:
        conn.receive_data(raw)
        event = conn.next_event()
    except h11.ProtocolError:
        return None
    if not isinstance(event, h11.Response):
        return None  # a 1xx before the real answer, or not HTTP at all: let httpx decide
    headers = httpx.Headers([(bytes(k), bytes(v)) for k, v in event.headers])
    return Answer(event.status_code, headers, conn, proto)


class Answer:
    """A response head and the still-unread body behind it. Close it in every case."""

    def __init__(self, status: int, headers: httpx.Headers, conn: h11.Connection,
                 proto: _Protocol) -> None:
        self.status = status
        self.headers = headers
        self._conn = conn
        self._proto = proto

    @property
    def length(self) -> int | None:
        """The Content-Length when the body is plain bytes we can count and stream."""
        if "Transfer-Encoding" in self.headers:
            return None
        if self.headers.get("Content-Encoding", "identity").lower() != "identity":
            return None
        value = self.headers.get("Content-Length")
        return int(value) if value is not None and value.isdigit() else None

    @property
    def streamable(self) -> bool:
        return self.status in (200, 206) and self.length is not None

    @property
    def received(self) -> int:
        """Body bytes received so far; after ``receive_into`` every one is in the file."""
        return self._proto.received

    async def read_error_body(self, limit: int = ERROR_BODY_LIMIT) -> bytes:
        """Up to ``limit`` bytes of a (small) error body, whatever its framing; whatever
        arrived when the server closes, goes silent or breaks the framing."""
        return await self._proto.read_small_body(self._conn, limit)

    async def receive_into(self, fh: IO[bytes], *, writers: concurrent.futures.Executor,
                           progress: ProgressFn | None, done: int, total: int) -> None:
        """Stream the body to ``fh`` (writes run on ``writers``), report progress about
        every MiB, then close ``fh`` - also on failure or cancellation, and only after
        every received byte was written, so a resume sees the true size. Raises
        ``BodyCut``, the ``OSError`` of a failed write, or the progress callback's error."""
        length = self.length
        assert length is not None, "receive_into needs a streamable answer"
        await self._proto.receive_body(fh, writers, length, progress, done, total)

    def close(self) -> None:
        self._proto.abort()
