"""Streaming media downloads (the upload body of ``POST files`` is ``api.upload_body``).

Downloads stream into ``<dest>.part`` and ``os.replace`` it onto ``dest`` only when every
byte arrived (a half-written file never looks finished). A ``.part`` left by an
interrupted download is continued with ``Range``; a server that answers 200 instead of
206 gets a clean restart. unlink/replace run in a thread (PLATFORM-NOTES §4: removing or
truncating a big file blocks the event loop for 50-95 ms).

The body takes one of two paths; both share the decisions made from the status and
headers (``_plan``: 416, Range check, restart, error statuses) and the ending
(``_conclude``: length check, which errors keep the .part), so they behave the same:

- the fast path (``fast_download``): our own HTTP/1.1 connection whose transport
  ``recv_into``s two preallocated 1 MiB buffers; a writer thread writes one while the
  other fills. It exists because httpx's per-chunk Python work (h11, httpcore, anyio, a
  ``bytes`` object per chunk) held downloads to about a third of curl's throughput on a
  fast link; this path reaches curl's. It is taken for http(s) URLs that httpx would
  fetch directly (no proxy, no custom transport) and streams 200/206 answers with a
  Content-Length and identity encoding; a 416 or an error status is handled from the
  head it already has.
- httpx (``_download_httpx``) for everything else: proxies, mock transports, redirects,
  chunked, compressed or length-less bodies, heads the fast path cannot parse. Chunks
  are gathered into ~1 MiB batches that a worker thread writes (``_BackgroundWriter``).

On both paths disk writes go through one ``file_writer.OrderedWriter`` per download, on
its worker threads, never on the event loop: a kernel throttling a fast writer
(dirty-page limits) sleeps 20-150 ms inside ``write()``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import httpx

from . import fast_download
from .errors import (
    APIConnectionError,
    APITimeoutError,
    DownloadError,
    MiniMaxError,
    error_from_response,
)
from .file_writer import WRITERS as _WRITERS
from .file_writer import OrderedWriter
from .upload_body import ProgressFn

# --- downloads ------------------------------------------------------------------------------


WRITE_BATCH = 1024 * 1024


class _BackgroundWriter:
    """Batches for the double-buffer writer (``file_writer``): the loop gathers ~1 MiB
    while a worker writes the previous MiB."""

    def __init__(self, fh: BinaryIO) -> None:
        self._file = OrderedWriter(fh, _WRITERS)
        self._buf: list[bytes] = []
        self._size = 0

    async def write(self, chunk: bytes) -> None:
        self._buf.append(chunk)
        self._size += len(chunk)
        if self._size >= WRITE_BATCH:
            await self._submit()

    async def _submit(self) -> None:
        await self._wait()
        data = self._buf[0] if len(self._buf) == 1 else b"".join(self._buf)
        self._buf.clear()
        self._size = 0
        self._file.submit(data)

    async def _wait(self) -> None:
        pending = self._file.pending
        if pending is not None:
            await asyncio.wrap_future(pending)  # re-raises the worker's OSError

    async def flush(self) -> None:
        if self._buf:
            await self._submit()
        await self._wait()

    async def close(self) -> None:
        """Write what is still buffered and close, after the write in flight: on every
        exit, so an interrupted download keeps every received byte in its .part for the
        resume. Errors are left to the size check on resume; cancelled meanwhile, the
        worker still finishes (and we go on closing the response)."""
        rest = b"".join(self._buf)
        self._buf.clear()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.shield(asyncio.wrap_future(self._file.close(rest)))


def part_path(dest: Path) -> Path:
    return dest.with_name(dest.name + ".part")


class InterruptedDownloadError(DownloadError):
    """The body stopped before its end. ``resumable``: the ``.part`` file was kept and the
    next ``download`` of the same destination continues it with ``Range``."""

    def __init__(self, message: str, *, resumable: bool) -> None:
        super().__init__(message, endpoint="download")
        self.resumable = resumable


class _Restart(Exception):
    """The server ignored or rejected our Range: start again from byte 0."""


async def download_to(http: httpx.AsyncClient, url: str, dest: Path, *,
                      headers: dict[str, str] | None = None,
                      progress: ProgressFn | None = None,
                      timeout: httpx.Timeout | float | None = None,
                      redact: Callable[[str], str] = lambda s: s, fast: bool = True) -> Path:
    """Stream ``url`` to ``dest`` (see the module docstring). Returns ``dest``. ``http``
    carries the configuration (proxies, TLS trust, default headers, timeouts) of both
    paths and does the fallback requests. ``fast=False`` never tries the fast path (the
    ``fast_downloads`` setting: a way out should it ever misbehave with a server)."""
    dest = Path(dest)
    part = part_path(dest)
    await asyncio.to_thread(dest.parent.mkdir, parents=True, exist_ok=True)
    for _ in range(2):  # second round only after a refused Range
        try:
            return await _download_once(http, url, dest, part, headers or {}, progress,
                                        timeout, redact, fast)
        except _Restart:
            await asyncio.to_thread(part.unlink, missing_ok=True)
    raise DownloadError(f"The server kept refusing to send {dest.name}.", endpoint="download")


async def _download_once(http: httpx.AsyncClient, url: str, dest: Path, part: Path,
                         headers: dict[str, str], progress: ProgressFn | None,
                         timeout: httpx.Timeout | float | None,
                         redact: Callable[[str], str], fast: bool = True) -> Path:
    offset = part.stat().st_size if part.exists() else 0
    # identity: a compressed transfer would make Content-Length count other bytes than we write.
    req_headers = {**headers, "Accept-Encoding": "identity"}
    if offset:
        req_headers["Range"] = f"bytes={offset}-"
    request = http.build_request("GET", url, headers=req_headers,
                                 timeout=timeout if timeout is not None else httpx.USE_CLIENT_DEFAULT)
    answer = await _fast_answer(http, request, _timeouts(http, timeout), dest, redact) \
        if fast else None
    if answer is None:
        return await _download_httpx(http, request, dest, part, offset, progress, redact)
    try:
        return await _download_fast(answer, dest, part, offset, progress, redact)
    finally:
        answer.close()


def _timeouts(http: httpx.AsyncClient, timeout: httpx.Timeout | float | None) -> httpx.Timeout:
    if timeout is None:
        return http.timeout
    return timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)


@dataclass
class _Plan:
    """How to receive a body the server agreed to send."""

    mode: str  # "ab" continues the .part, "wb" starts it over
    done: int  # bytes already in the .part
    total: int | None
    resumable: bool


async def _plan(status: int, headers: httpx.Headers, offset: int, dest: Path, part: Path,
                read_body: Callable[[], Awaitable[bytes]],
                redact: Callable[[str], str]) -> _Plan | None:
    """The answer to a request with ``offset`` bytes already in the .part, decided from
    the head alone (both paths). ``None``: the .part held the whole file and is now
    ``dest``. Raises ``_Restart`` or the typed error of an error status."""
    if status == 416 and offset:
        total = _total_from_content_range(headers.get("Content-Range"))
        if total == offset:  # the .part already holds every byte
            await asyncio.to_thread(os.replace, part, dest)
            return None
        raise _Restart
    if status >= 300:
        text = redact((await read_body()).decode("utf-8", "replace"))[:2000]
        raise error_from_response(status, _maybe_json(text), endpoint="download")
    if status == 206 and offset:
        start = _start_from_content_range(headers.get("Content-Range"))
        if start != offset:
            raise _Restart
        mode, done = "ab", offset
    else:
        if offset:
            # 200 to a Range request: the server sends everything again.
            await asyncio.to_thread(part.unlink, missing_ok=True)
        mode, done = "wb", 0
    length = _int(headers.get("Content-Length"))
    if headers.get("Content-Encoding", "identity").lower() != "identity":
        length = None  # it counts compressed bytes; we write decoded ones
    total = done + length if length is not None else None
    resumable = status == 206 or headers.get("Accept-Ranges", "").lower() == "bytes"
    return _Plan(mode, done, total, resumable)


async def _conclude(broken: BaseException | None, done: int, plan: _Plan, dest: Path,
                    part: Path) -> Path:
    """After the body (both paths): the typed error of a failed download - keeping the
    .part only when it can resume - or the .part renamed onto ``dest``."""
    total, resumable = plan.total, plan.resumable
    if isinstance(broken, OSError):
        # The disk is full or the folder went away: nothing to resume.
        await asyncio.to_thread(part.unlink, missing_ok=True)
        raise DownloadError(f"Could not write {dest.name}: {broken.strerror or broken}.",
                            endpoint="download")
    if broken is not None:
        await _drop_unless(resumable, part)
        raise InterruptedDownloadError(
            f"The download of {dest.name} was interrupted after {_mb(done)}"
            + (f" of {_mb(total)}" if total else "")
            + ("; it can resume." if resumable else "."),
            resumable=resumable)
    if total is not None and done != total:
        keep = resumable and done < total
        await _drop_unless(keep, part)
        raise InterruptedDownloadError(
            f"The download of {dest.name} ended early: got {_mb(done)} of {_mb(total)}.",
            resumable=keep)
    await asyncio.to_thread(os.replace, part, dest)
    return dest


# --- the fast path ---------------------------------------------------------------------------


async def _fast_answer(http: httpx.AsyncClient, request: httpx.Request, timeout: httpx.Timeout,
                       dest: Path, redact: Callable[[str], str]) -> fast_download.Answer | None:
    """The response head from the fast path, or ``None`` to let httpx do the request: not
    eligible, or a head it does not stream (redirect, chunked, compressed, no length)."""
    failure: MiniMaxError | None = None
    try:
        answer = await fast_download.request(http, request, timeout)
    except fast_download.TimedOut:
        failure = _not_started(dest, None)
    except fast_download.ConnectFailed as exc:
        failure = _not_started(dest, redact(exc.detail))
    if failure is not None:
        raise failure  # outside the except block, like the httpx path
    if answer is not None and not (answer.streamable or answer.status >= 400):
        # Nothing was written yet, so asking again through httpx changes nothing for
        # the .part; only a 3xx/1xx/other 2xx or an unusual body framing gets here.
        answer.close()
        return None
    return answer


async def _download_fast(answer: fast_download.Answer, dest: Path, part: Path, offset: int,
                         progress: ProgressFn | None, redact: Callable[[str], str]) -> Path:
    plan = await _plan(answer.status, answer.headers, offset, dest, part,
                       answer.read_error_body, redact)
    if plan is None:
        return dest
    assert plan.total is not None  # streamable: a Content-Length of identity bytes
    if progress:
        progress(plan.done, plan.total)
    broken: BaseException | None = None
    fh = part.open(plan.mode)
    try:
        # receive_into closes fh in every case, after the last received byte is written.
        await answer.receive_into(fh, writers=_WRITERS, progress=progress, done=plan.done,
                                  total=plan.total)
    except (fast_download.BodyCut, OSError) as exc:
        broken = exc
    return await _conclude(broken, plan.done + answer.received, plan, dest, part)


# --- the httpx path --------------------------------------------------------------------------


def _not_started(dest: Path, why: str | None) -> MiniMaxError:
    """The download never got a response head: timed out (``why`` None) or could not
    connect (``why`` says how, already redacted). Same words on both paths."""
    if why is None:
        return APITimeoutError(f"The download of {dest.name} timed out before it started.",
                               endpoint="download")
    return APIConnectionError(f"The download of {dest.name} could not connect: {why}.",
                              endpoint="download")


async def _error_body(response: httpx.Response) -> bytes:
    """An error answer's body, or nothing when it does not arrive: the status alone makes
    the message, and a timeout here must not escape as a raw httpx exception."""
    try:
        return await response.aread()
    except httpx.HTTPError:
        return b""


async def _download_httpx(http: httpx.AsyncClient, request: httpx.Request, dest: Path,
                          part: Path, offset: int, progress: ProgressFn | None,
                          redact: Callable[[str], str]) -> Path:
    failure: MiniMaxError | None = None
    try:
        response = await http.send(request, stream=True, follow_redirects=True)
    except httpx.TimeoutException:
        failure = _not_started(dest, None)
    except httpx.HTTPError as exc:
        failure = _not_started(dest, redact(_describe(exc)))
    if failure is not None:
        # Raised outside the except block: the httpx exception must not ride along as
        # __context__ (its text may quote a header).
        raise failure
    try:
        plan = await _plan(response.status_code, response.headers, offset, dest, part,
                           lambda: _error_body(response), redact)
        if plan is None:
            return dest
        if progress:
            progress(plan.done, plan.total)
        done = plan.done
        broken: BaseException | None = None
        writer = _BackgroundWriter(part.open(plan.mode))  # type: ignore[arg-type]
        try:
            async for chunk in response.aiter_bytes():
                await writer.write(chunk)
                done += len(chunk)
                if progress:
                    progress(done, plan.total)
            await writer.flush()
        except (httpx.HTTPError, OSError) as exc:
            broken = exc
        finally:
            # The write in flight lands before the tail is appended and the file closed,
            # so a resume that starts right away sees the true size.
            await writer.close()
    finally:
        await response.aclose()
    return await _conclude(broken, done, plan, dest, part)


async def _drop_unless(keep: bool, part: Path) -> None:
    if not keep:
        await asyncio.to_thread(part.unlink, missing_ok=True)


def _describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return text or type(exc).__name__


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _start_from_content_range(value: str | None) -> int | None:
    # "bytes 100-199/200"
    if not value or not value.startswith("bytes "):
        return None
    return _int(value[6:].split("-", 1)[0].strip())


def _total_from_content_range(value: str | None) -> int | None:
    # "bytes */200" or "bytes 0-1/200"
    if not value or "/" not in value:
        return None
    return _int(value.rsplit("/", 1)[1].strip())


def _maybe_json(text: str) -> Any:
    import json

    try:
        return json.loads(text)
    except ValueError:
        return text


def _mb(n: int | None) -> str:
    if n is None:
        return "?"
    return f"{n / 1024**2:.1f} MB" if n >= 1024**2 else f"{n} bytes"
