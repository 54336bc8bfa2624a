"""The fast download path (api/fast_download.py) against real loopback servers, plain and
TLS: bytes on disk, the .part and resume, the fallback to httpx for what the fast path
does not take (chunked, close-delimited, redirects, proxies), and the errors a user reads.

The servers here are raw asyncio servers scripted per test, so a test can cut a body,
go silent, or send a head httpx's path must handle. Which path served a request shows
on the wire: the fast path sends ``Connection: close`` (no pool), httpx ``keep-alive``.
"""

from __future__ import annotations

import asyncio
import os
import random
import ssl
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from minimax_studio.api import errors as E
from minimax_studio.api.client import MiniMaxClient
from minimax_studio.api.transfer import InterruptedDownloadError, download_to

pytestmark = pytest.mark.asyncio

MiB = 1024 * 1024
DATA = random.Random(7).randbytes(5 * MiB + 12345)  # several buffers, not a multiple of one
TOKEN = "user:1234-fastpathsecretvalue"
PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


@dataclass
class Req:
    method: str
    target: str
    headers: dict[str, str]

    @property
    def fast(self) -> bool:
        """Sent by the fast path (httpx keeps its connections alive)."""
        return self.headers.get("connection", "").lower() == "close"


Handler = Callable[[Req, asyncio.StreamWriter], Awaitable[None]]


@dataclass
class Server:
    handler: Handler
    tls: ssl.SSLContext | None = None
    requests: list[Req] = field(default_factory=list)
    url: str = ""
    _server: asyncio.Server | None = None
    _tasks: set[asyncio.Task[Any]] = field(default_factory=set)

    async def start(self) -> Server:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0, ssl=self.tls)
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"{'https' if self.tls else 'http'}://127.0.0.1:{port}"
        return self

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in self._tasks:  # handlers a test left stalled
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()
            return
        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = lines[0].split(" ", 2)
        headers = {k.strip().lower(): v.strip()
                   for k, _, v in (ln.partition(":") for ln in lines[1:] if ln)}
        req = Req(method, target, headers)
        self.requests.append(req)
        try:
            await self.handler(req, writer)
            await writer.drain()
        except (ConnectionError, ssl.SSLError):
            pass
        except asyncio.CancelledError:
            pass  # stop() ends a stalled handler; asyncio 3.11 would log it as an error
        finally:
            writer.close()


def head(status: int, headers: dict[str, str], reason: str = "X") -> bytes:
    headers = {"Connection": "close", **headers}  # one request per connection, both paths
    lines = [f"HTTP/1.1 {status} {reason}"] + [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def file_handler(data: bytes, *, honor_range: bool = True, accept_ranges: bool = True,
                 cut_after: int | None = None, stall_after: int | None = None) -> Handler:
    """A CDN-like file: Range, 206/416, and on demand a body cut or stalled after N bytes."""
    async def handle(req: Req, w: asyncio.StreamWriter) -> None:
        hdrs = {"Content-Type": "video/mp4", "Connection": "close"}
        if accept_ranges:
            hdrs["Accept-Ranges"] = "bytes"
        start, status = 0, 200
        rng = req.headers.get("range")
        if rng and honor_range:
            start = int(rng.removeprefix("bytes=").rstrip("-"))
            if start >= len(data):
                w.write(head(416, {"Content-Range": f"bytes */{len(data)}", **hdrs}))
                return
            status = 206
            hdrs["Content-Range"] = f"bytes {start}-{len(data) - 1}/{len(data)}"
        body = data[start:]
        hdrs["Content-Length"] = str(len(body))
        w.write(head(status, hdrs))
        stop = cut_after if cut_after is not None else stall_after
        end = len(body) if stop is None else min(stop, len(body))
        for pos in range(0, end, 256 * 1024):
            w.write(body[pos:min(pos + 256 * 1024, end)])
            await w.drain()
        if cut_after is not None:
            # A flaky CDN hangs up mid-body (after flushing what it sent, TLS included).
            w.transport.close()
        elif stall_after is not None:
            await asyncio.sleep(30)  # silent, connection open
    return handle


@pytest_asyncio.fixture
async def serve() -> AsyncIterator[Callable[..., Awaitable[Server]]]:
    servers: list[Server] = []

    async def start(handler: Handler, tls: ssl.SSLContext | None = None) -> Server:
        server = await Server(handler, tls).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        await server.stop()


@pytest.fixture(autouse=True)
def no_env_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    """Proxies from the developer's environment would send loopback traffic astray."""
    for name in PROXY_VARS:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


def client() -> MiniMaxClient:
    return MiniMaxClient(TOKEN, "https://api.useapi.net/v1/minimax")


# --- the fast path ------------------------------------------------------------------------


async def test_full_download_is_streamed_through_the_fast_path(serve: Any, tmp_path: Path) -> None:
    server = await serve(file_handler(DATA))
    dest = tmp_path / "sub" / "v.mp4"
    seen: list[tuple[int, int | None]] = []
    async with client() as c:
        out = await c.download(f"{server.url}/v.mp4", dest, progress=lambda d, t: seen.append((d, t)))
    assert out == dest and dest.read_bytes() == DATA
    assert not (dest.parent / "v.mp4.part").exists()
    assert [r.fast for r in server.requests] == [True]  # one request, on our own connection
    req = server.requests[0]
    assert req.headers["accept-encoding"] == "identity" and "range" not in req.headers
    assert "authorization" not in req.headers  # a CDN link never sees the token
    assert req.headers["user-agent"].startswith("MiniMaxStudio/")  # httpx's defaults kept
    # Progress: the start, about one call per MiB, the end.
    assert seen[0] == (0, len(DATA)) and seen[-1] == (len(DATA), len(DATA))
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert len(seen) <= len(DATA) // MiB + 3


async def test_empty_body(serve: Any, tmp_path: Path) -> None:
    server = await serve(file_handler(b""))
    async with client() as c:
        await c.download(f"{server.url}/empty", tmp_path / "e.bin")
    assert (tmp_path / "e.bin").read_bytes() == b"" and server.requests[0].fast


async def test_resume_continues_the_part_with_range(serve: Any, tmp_path: Path) -> None:
    server = await serve(file_handler(DATA))
    dest = tmp_path / "v.mp4"
    (tmp_path / "v.mp4.part").write_bytes(DATA[:1_234_567])
    seen: list[tuple[int, int | None]] = []
    async with client() as c:
        await c.download(f"{server.url}/v.mp4", dest, progress=lambda d, t: seen.append((d, t)))
    assert server.requests[0].headers["range"] == "bytes=1234567-"
    assert len(server.requests) == 1 and server.requests[0].fast
    assert seen[0] == (1_234_567, len(DATA))
    assert dest.read_bytes() == DATA and not (tmp_path / "v.mp4.part").exists()


async def test_server_ignoring_range_restarts_cleanly(serve: Any, tmp_path: Path) -> None:
    server = await serve(file_handler(DATA, honor_range=False))
    dest = tmp_path / "v.mp4"
    (tmp_path / "v.mp4.part").write_bytes(b"stale bytes of another file" * 1000)
    async with client() as c:
        await c.download(f"{server.url}/v.mp4", dest)
    assert server.requests[0].headers["range"] == "bytes=27000-"
    assert dest.read_bytes() == DATA


async def test_complete_part_finishes_on_416(serve: Any, tmp_path: Path) -> None:
    server = await serve(file_handler(DATA))
    dest = tmp_path / "v.mp4"
    (tmp_path / "v.mp4.part").write_bytes(DATA)
    async with client() as c:
        await c.download(f"{server.url}/v.mp4", dest)
    assert dest.read_bytes() == DATA and len(server.requests) == 1


async def test_oversized_part_is_restarted_on_416(serve: Any, tmp_path: Path) -> None:
    server = await serve(file_handler(DATA))
    dest = tmp_path / "v.mp4"
    (tmp_path / "v.mp4.part").write_bytes(DATA + b"junk")  # longer than the file: not ours
    async with client() as c:
        await c.download(f"{server.url}/v.mp4", dest)
    assert dest.read_bytes() == DATA
    assert ["range" in r.headers for r in server.requests] == [True, False]


@pytest.mark.parametrize("accept_ranges", [True, False])
async def test_cut_body_is_an_error_and_part_kept_only_if_resumable(
        serve: Any, tmp_path: Path, accept_ranges: bool) -> None:
    cut = 1_500_000
    server = await serve(file_handler(DATA, cut_after=cut, accept_ranges=accept_ranges))
    dest = tmp_path / "v.mp4"
    async with client() as c:
        with pytest.raises(InterruptedDownloadError) as info:
            await c.download(f"{server.url}/v.mp4", dest)
    err = info.value
    assert err.resumable is accept_ranges and isinstance(err, E.DownloadError)
    assert err.message.startswith("The download of v.mp4 was interrupted after 1.4 MB of 5.0 MB")
    assert err.message.endswith("; it can resume." if accept_ranges else ".")
    assert err.__context__ is None
    assert not dest.exists()
    part = tmp_path / "v.mp4.part"
    if accept_ranges:
        assert part.read_bytes() == DATA[:cut]  # every received byte, for the resume
    else:
        assert not part.exists()


async def test_cut_then_resume_gives_identical_bytes(serve: Any, tmp_path: Path) -> None:
    cuts = iter([2 * MiB + 17, None])
    healthy = file_handler(DATA)

    async def flaky(req: Req, w: asyncio.StreamWriter) -> None:
        cut = next(cuts)
        await (file_handler(DATA, cut_after=cut) if cut else healthy)(req, w)

    server = await serve(flaky)
    dest = tmp_path / "v.mp4"
    async with client() as c:
        with pytest.raises(InterruptedDownloadError):
            await c.download(f"{server.url}/v.mp4", dest)
        await c.download(f"{server.url}/v.mp4", dest)
    assert server.requests[1].headers["range"] == f"bytes={2 * MiB + 17}-"
    assert dest.read_bytes() == DATA


async def test_error_status_with_json_body_is_typed_and_redacted(serve: Any, tmp_path: Path) -> None:
    async def api(req: Req, w: asyncio.StreamWriter) -> None:
        # A server (or proxy) that echoes the Authorization header into its error text.
        body = ('{"error": "Video not found for ' + req.headers.get("authorization", "")
                + '", "code": 404}').encode()
        w.write(head(404, {"Content-Type": "application/json", "Content-Length": str(len(body))}))
        w.write(body)

    server = await serve(api)
    dest = tmp_path / "v.mp4"
    async with MiniMaxClient(TOKEN, f"{server.url}/v1/minimax") as c:
        with pytest.raises(E.NotFoundError) as info:
            await c.download(f"{server.url}/v1/minimax/videos/1/download", dest)
    err = info.value
    assert server.requests[0].fast and server.requests[0].headers["authorization"] == f"Bearer {TOKEN}"
    assert err.message.startswith("Video not found for Bearer ***") and err.status == 404
    assert TOKEN not in repr(vars(err)) and "fastpathsecretvalue" not in str(err.body)
    assert list(tmp_path.iterdir()) == []
    assert len(server.requests) == 1  # answered from the fast path's head, not asked twice


async def test_chunked_error_body_is_read_too(serve: Any, tmp_path: Path) -> None:
    async def busy(req: Req, w: asyncio.StreamWriter) -> None:
        w.write(head(502, {"Content-Type": "application/json", "Transfer-Encoding": "chunked"}))
        body = b'{"error": "upstream busy"}'
        w.write(f"{len(body):x}\r\n".encode() + body + b"\r\n0\r\n\r\n")

    server = await serve(busy)
    async with client() as c:
        with pytest.raises(E.SiteBusyError, match="upstream busy"):
            await c.download(f"{server.url}/v.mp4", tmp_path / "v.mp4")
    assert len(server.requests) == 1


async def test_write_error_removes_the_part(serve: Any, tmp_path: Path) -> None:
    if not os.path.exists("/dev/full"):
        pytest.skip("needs /dev/full (a device whose writes fail with ENOSPC)")
    server = await serve(file_handler(DATA))
    part = tmp_path / "v.mp4.part"
    part.symlink_to("/dev/full")  # the .part lands on a full "disk"
    async with client() as c:
        with pytest.raises(E.DownloadError) as info:
            await c.download(f"{server.url}/v.mp4", tmp_path / "v.mp4")
    assert info.value.message == "Could not write v.mp4: No space left on device."
    assert not isinstance(info.value, InterruptedDownloadError)
    assert not part.exists() and not part.is_symlink()


# --- the fallback to httpx -------------------------------------------------------------------


async def test_chunked_body_falls_back_to_httpx(serve: Any, tmp_path: Path) -> None:
    async def chunked(req: Req, w: asyncio.StreamWriter) -> None:
        w.write(head(200, {"Transfer-Encoding": "chunked", "Connection": "close"}))
        for pos in range(0, len(DATA), 700_000):
            piece = DATA[pos:pos + 700_000]
            w.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
        w.write(b"0\r\n\r\n")

    server = await serve(chunked)
    dest = tmp_path / "v.mp4"
    seen: list[tuple[int, int | None]] = []
    async with client() as c:
        await c.download(f"{server.url}/v.mp4", dest, progress=lambda d, t: seen.append((d, t)))
    assert dest.read_bytes() == DATA
    assert [r.fast for r in server.requests] == [True, False]  # asked again through httpx
    assert seen[0] == (0, None) and seen[-1] == (len(DATA), None)


async def test_body_without_length_falls_back_to_httpx(serve: Any, tmp_path: Path) -> None:
    async def close_delimited(req: Req, w: asyncio.StreamWriter) -> None:
        w.write(b"HTTP/1.0 200 OK\r\nContent-Type: video/mp4\r\n\r\n" + DATA)

    server = await serve(close_delimited)
    async with client() as c:
        await c.download(f"{server.url}/v.mp4", tmp_path / "v.mp4")
    assert (tmp_path / "v.mp4").read_bytes() == DATA
    assert [r.fast for r in server.requests] == [True, False]


async def test_redirect_falls_back_to_httpx_which_follows_it(serve: Any, tmp_path: Path) -> None:
    files = file_handler(DATA)

    async def redirecting(req: Req, w: asyncio.StreamWriter) -> None:
        if req.target == "/short/v":
            w.write(head(302, {"Location": "/files/v.mp4", "Content-Length": "0"}))
        else:
            await files(req, w)

    server = await serve(redirecting)
    async with client() as c:
        await c.download(f"{server.url}/short/v", tmp_path / "v.mp4")
    assert (tmp_path / "v.mp4").read_bytes() == DATA
    assert [(r.target, r.fast) for r in server.requests] == [
        ("/short/v", True), ("/short/v", False), ("/files/v.mp4", False)]


async def test_env_proxy_sends_the_download_through_httpx(
        serve: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    origin = await serve(file_handler(b"never fetched directly"))
    proxy = await serve(file_handler(DATA))  # answers absolute-form requests itself
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.setenv("http_proxy", proxy.url)
    async with client() as c:  # env proxies are read when the client is made, as in httpx
        await c.download(f"{origin.url}/v.mp4", tmp_path / "v.mp4")
    assert (tmp_path / "v.mp4").read_bytes() == DATA
    assert origin.requests == []
    assert [r.target for r in proxy.requests] == [f"{origin.url}/v.mp4"]
    assert not proxy.requests[0].fast


async def test_no_proxy_host_takes_the_fast_path(
        serve: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    origin = await serve(file_handler(DATA))
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    async with client() as c:
        await c.download(f"{origin.url}/v.mp4", tmp_path / "v.mp4")
    assert (tmp_path / "v.mp4").read_bytes() == DATA
    assert [r.fast for r in origin.requests] == [True]


# --- HTTPS ---------------------------------------------------------------------------------


@pytest.fixture
def tls(tmp_path: Path) -> tuple[ssl.SSLContext, Path]:
    trustme = pytest.importorskip("trustme")
    ca = trustme.CA()
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost", "127.0.0.1").configure_cert(server_ctx)
    ca_file = tmp_path / "test-ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    return server_ctx, ca_file


async def test_https_download_with_a_trusted_ca(
        serve: Any, tmp_path: Path, tls: tuple[ssl.SSLContext, Path],
        monkeypatch: pytest.MonkeyPatch) -> None:
    server_ctx, ca_file = tls
    server = await serve(file_handler(DATA), tls=server_ctx)
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))  # honoured like httpx does
    url = server.url.replace("127.0.0.1", "localhost") + "/v.mp4"  # SNI + name check
    (tmp_path / "v.mp4.part").write_bytes(DATA[:777_777])
    async with client() as c:
        await c.download(url, tmp_path / "v.mp4")
    assert (tmp_path / "v.mp4").read_bytes() == DATA
    assert [r.fast for r in server.requests] == [True]
    assert server.requests[0].headers["range"] == "bytes=777777-"


async def test_https_cut_body_is_resumable(
        serve: Any, tmp_path: Path, tls: tuple[ssl.SSLContext, Path],
        monkeypatch: pytest.MonkeyPatch) -> None:
    server_ctx, ca_file = tls
    server = await serve(file_handler(DATA, cut_after=3 * MiB), tls=server_ctx)
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))
    async with client() as c:
        with pytest.raises(InterruptedDownloadError) as info:
            await c.download(f"{server.url}/v.mp4", tmp_path / "v.mp4")
    assert info.value.resumable
    assert (tmp_path / "v.mp4.part").read_bytes() == DATA[:3 * MiB]


async def test_https_with_an_unknown_ca_is_refused_readably(
        serve: Any, tmp_path: Path, tls: tuple[ssl.SSLContext, Path],
        monkeypatch: pytest.MonkeyPatch) -> None:
    server_ctx, _ = tls
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    server = await serve(file_handler(DATA), tls=server_ctx)
    async with client() as c:
        with pytest.raises(E.APIConnectionError) as info:
            await c.download(f"{server.url}/v.mp4", tmp_path / "v.mp4")
    assert info.value.message.startswith(
        "The download of v.mp4 could not connect: the server's certificate was not accepted")
    assert info.value.__context__ is None
    assert list(tmp_path.iterdir()) == [tmp_path / "test-ca.pem"]


# --- timeouts, connection failures, cancellation -------------------------------------------


async def test_silent_body_is_a_resumable_read_timeout(serve: Any, tmp_path: Path) -> None:
    sent = 300_000
    server = await serve(file_handler(DATA, stall_after=sent))
    dest = tmp_path / "v.mp4"
    started = time.monotonic()
    async with httpx.AsyncClient() as http:
        with pytest.raises(InterruptedDownloadError) as info:
            await download_to(http, f"{server.url}/v.mp4", dest,
                              timeout=httpx.Timeout(10.0, read=0.3))
    assert time.monotonic() - started < 5
    assert info.value.resumable and info.value.message == (
        "The download of v.mp4 was interrupted after 300000 bytes of 5.0 MB; it can resume.")
    assert (tmp_path / "v.mp4.part").read_bytes() == DATA[:sent]
    assert server.requests[0].fast


async def test_silent_server_times_out_before_the_download_starts(serve: Any, tmp_path: Path) -> None:
    async def silent(req: Req, w: asyncio.StreamWriter) -> None:
        await asyncio.sleep(30)

    server = await serve(silent)
    async with httpx.AsyncClient() as http:
        with pytest.raises(E.APITimeoutError) as info:
            await download_to(http, f"{server.url}/v.mp4", tmp_path / "v.mp4",
                              timeout=httpx.Timeout(10.0, read=0.3))
    assert info.value.message == "The download of v.mp4 timed out before it started."
    assert info.value.__context__ is None
    assert list(tmp_path.iterdir()) == []


async def test_refused_connection_is_a_readable_connection_error(tmp_path: Path) -> None:
    probe = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = probe.sockets[0].getsockname()[1]
    probe.close()
    await probe.wait_closed()  # the port is free now: nothing listens there
    async with client() as c:
        with pytest.raises(E.APIConnectionError) as info:
            await c.download(f"http://127.0.0.1:{port}/v.mp4", tmp_path / "v.mp4")
    assert info.value.message == "The download of v.mp4 could not connect: the connection was refused."
    assert info.value.__context__ is None and info.value.retryable


async def test_server_hanging_up_before_answering(serve: Any, tmp_path: Path) -> None:
    async def rude(req: Req, w: asyncio.StreamWriter) -> None:
        w.transport.abort()

    server = await serve(rude)
    async with client() as c:
        with pytest.raises(E.APIConnectionError, match="closed the connection without answering"):
            await c.download(f"{server.url}/v.mp4", tmp_path / "v.mp4")


async def test_cancelled_download_keeps_what_arrived(serve: Any, tmp_path: Path) -> None:
    sent = MiB + 4321  # a full buffer already written, and a partial one in memory
    arrived = asyncio.Event()
    server = await serve(file_handler(DATA, stall_after=sent))
    dest = tmp_path / "v.mp4"

    def progress(done: int, total: int | None) -> None:
        if done >= MiB:
            arrived.set()

    async with client() as c:
        task = asyncio.create_task(c.download(f"{server.url}/v.mp4", dest, progress=progress))
        await asyncio.wait_for(arrived.wait(), 5)
        await asyncio.sleep(0.3)  # the last 4321 bytes are on the loopback too
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert (tmp_path / "v.mp4.part").read_bytes() == DATA[:sent]
        assert not dest.exists()
        # ... and the next download continues from there.
        server.handler = file_handler(DATA)
        await c.download(f"{server.url}/v.mp4", dest)
    assert server.requests[-1].headers["range"] == f"bytes={sent}-"
    assert dest.read_bytes() == DATA


async def test_parallel_downloads_stay_separate(serve: Any, tmp_path: Path) -> None:
    blobs = [random.Random(i).randbytes(3 * MiB + i) for i in range(4)]

    async def by_name(req: Req, w: asyncio.StreamWriter) -> None:
        await file_handler(blobs[int(req.target.rsplit("/", 1)[1])])(req, w)

    server = await serve(by_name)
    async with client() as c:
        await asyncio.gather(*(c.download(f"{server.url}/b/{i}", tmp_path / f"{i}.bin")
                               for i in range(4)))
    assert [(tmp_path / f"{i}.bin").read_bytes() == blobs[i] for i in range(4)] == [True] * 4
    assert all(r.fast for r in server.requests)
