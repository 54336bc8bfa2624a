"""The receiving end of the fast download path (``fast_download``): an
``asyncio.BufferedProtocol`` that has the transport ``recv_into`` two preallocated 1 MiB
buffers and hands every full one to a writer thread while the other fills, plus the
errors the fast path raises. Split from ``fast_download`` (which decides whether to take a
download at all, connects and parses the head) so each stays one readable responsibility.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import os
import socket
import ssl
from collections.abc import Callable
from typing import IO, Any

import h11

from .file_writer import OrderedWriter

__all__ = ["BUFFER", "ERROR_BODY_LIMIT", "HEAD_LIMIT", "BodyCut", "ConnectFailed",
           "FastDownloadError", "ProgressFn", "TimedOut", "describe_connect_error"]

#: Size of each of the two receive buffers, and so of each disk write and the progress step.
BUFFER = 1024 * 1024
#: A response head longer than this is not one we handle (httpx/h11 allow 64 KiB too).
HEAD_LIMIT = 64 * 1024
#: Enough of an error body for the message (the caller keeps the first 2000 characters).
ERROR_BODY_LIMIT = 64 * 1024

ProgressFn = Callable[[int, int | None], Any]


class FastDownloadError(Exception):
    """Base of the fast path's failures; ``detail`` is readable and has no header in it."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class ConnectFailed(FastDownloadError):
    """No answer: the connection or the TLS handshake failed, or the server hung up first."""


class TimedOut(FastDownloadError):
    """Connecting, or waiting for the response head, took longer than the client allows."""


class BodyCut(FastDownloadError):
    """The body stopped before its Content-Length: the server closed or went silent."""


def describe_connect_error(exc: BaseException) -> str:
    """Why a connection failed, in words (no address, no header)."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"the server's certificate was not accepted ({exc.verify_message or exc.reason})"
    if isinstance(exc, ssl.SSLError):
        return f"the secure connection failed ({exc.reason or exc})"
    if isinstance(exc, socket.gaierror):
        return f"the server name could not be resolved ({exc.strerror or exc})"
    if isinstance(exc, ConnectionRefusedError):
        return "the connection was refused"
    if isinstance(exc, OSError) and exc.errno:
        # Not exc.strerror: asyncio puts "Connect call failed (address)" there.
        return os.strerror(exc.errno)
    if str(exc).startswith("Multiple exceptions:"):
        return "no address of the server accepted the connection"  # asyncio's summary
    return str(exc).strip() or type(exc).__name__


# Phases of a connection: waiting for the head, paused after it until the caller decides,
# streaming the body, the whole body received (writes may still be landing), reading a
# small error body, finished (bytes that still arrive are dropped).
_HEAD, _IDLE, _BODY, _TAIL, _SMALL, _DONE = range(6)


class _Protocol(asyncio.BufferedProtocol):
    """The receiving end. Callbacks do a few integer updates per chunk; the only
    per-MiB work is handing a full buffer to the writer thread and the progress call."""

    def __init__(self, loop: asyncio.AbstractEventLoop, read_timeout: float | None) -> None:
        self._loop = loop
        self._read_timeout = read_timeout
        self._bufs = (bytearray(BUFFER), bytearray(BUFFER))
        self._views = (memoryview(self._bufs[0]), memoryview(self._bufs[1]))
        # Bytes nobody needs any more (after the body, during a TLS shutdown) land here:
        # get_buffer must never hand out an empty buffer (asyncio fails the connection,
        # and a TLS transport would take it for the peer's close_notify).
        self._scratch = memoryview(bytearray(64 * 1024))
        self._phase = _HEAD
        self._cur = 0  # the buffer being filled
        self._fill = 0  # bytes in it
        self._remaining = 0  # body bytes still to receive
        self._length = 0
        self._transport: asyncio.Transport | None = None
        self._lost = False
        self._paused = False
        self._failure: BaseException | None = None
        self._waiter: asyncio.Future[None] | None = None
        self._last_rx = loop.time()
        self._watchdog: asyncio.TimerHandle | None = None
        self._head: bytes | None = None
        # Body streaming
        self._file: OrderedWriter | None = None  # the .part, written on the writer threads
        self._pending: concurrent.futures.Future[Any] | None = None  # the write in flight
        self._held = False  # the current buffer is full and waits for the write in flight
        self._progress: ProgressFn | None = None
        self._done0 = 0
        self._total = 0
        # Small bodies
        self._h11: h11.Connection | None = None
        self._small = bytearray()
        self._small_limit = 0

    # --- asyncio callbacks ------------------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def get_buffer(self, sizehint: int) -> memoryview:
        if self._phase == _BODY:
            end = self._fill + min(BUFFER - self._fill, self._remaining)
            return self._views[self._cur][self._fill:end]
        if self._phase in (_HEAD, _IDLE) and self._fill < BUFFER:
            # IDLE: reading is paused, but a TLS transport may deliver what it already
            # decrypted; it belongs to the body, so keep it after the head's leftover.
            limit = HEAD_LIMIT if self._phase == _HEAD else BUFFER
            return self._views[0][self._fill:limit]
        return self._scratch

    def buffer_updated(self, nbytes: int) -> None:
        self._last_rx = self._loop.time()
        phase = self._phase
        if phase == _BODY:
            self._fill += nbytes
            self._remaining -= nbytes
            if self._fill == BUFFER or not self._remaining:
                self._buffer_full()
        elif phase == _HEAD:
            self._head_bytes(nbytes)
        elif phase == _IDLE:
            self._fill += nbytes
        elif phase == _SMALL:
            self._small_bytes(bytes(self._scratch[:nbytes]))

    def eof_received(self) -> bool | None:
        return None  # let the transport close; connection_lost says what it means

    def connection_lost(self, exc: Exception | None) -> None:
        self._lost = True
        self._stop_watchdog()
        if self._phase == _HEAD:
            self._fail(ConnectFailed("the server closed the connection without answering"))
        elif self._phase == _BODY:
            self._fail(BodyCut(_lost_reason(exc)))
        elif self._phase == _SMALL:
            self._small_bytes(b"")

    # --- the head ---------------------------------------------------------------------------
    def send(self, data: bytes) -> None:
        assert self._transport is not None
        self._transport.write(data)
        self._last_rx = self._loop.time()
        self._arm_watchdog()

    async def wait_head(self) -> bytes | None:
        """The raw response head, or ``None`` when it is too long to be one we handle.
        The bytes after it stay in the first buffer and reading pauses there."""
        while self._phase == _HEAD:
            await self._wait()
        if self._failure is not None:
            failure, self._failure = self._failure, None
            raise failure
        return self._head

    def _head_bytes(self, nbytes: int) -> None:
        buf = self._bufs[0]
        start = max(0, self._fill - 3)
        self._fill += nbytes
        end = buf.find(b"\r\n\r\n", start, self._fill)
        if end < 0:
            if self._fill >= HEAD_LIMIT:
                self._head = None
                self._phase = _IDLE
                self._pause()
                self._wake()
            return
        end += 4
        self._head = bytes(buf[:end])
        rest = self._fill - end
        buf[:rest] = buf[end:self._fill]  # the body's first bytes move to the front
        self._fill = rest
        self._phase = _IDLE
        self._pause()  # until the caller knows what to do with the body
        self._wake()

    # --- a small body through h11 (error answers) ---------------------------------------------
    async def read_small_body(self, conn: h11.Connection, limit: int) -> bytes:
        self._h11, self._small_limit = conn, limit
        self._phase = _SMALL
        leftover = bytes(self._bufs[0][:self._fill])
        self._fill = 0
        self._small_bytes(leftover)
        if self._lost:
            self._small_bytes(b"")
        if self._phase == _SMALL:
            self._resume()
        while self._phase == _SMALL:
            await self._wait()
        self._failure = None  # a silent or broken error body still has its status
        return bytes(self._small[:limit])

    def _small_bytes(self, data: bytes) -> None:
        conn = self._h11
        if self._phase != _SMALL or conn is None:
            return
        try:
            conn.receive_data(data)
            while True:
                event = conn.next_event()
                if isinstance(event, h11.Data):
                    self._small += event.data
                    if len(self._small) >= self._small_limit:
                        break
                elif event is h11.NEED_DATA:
                    return
                else:  # EndOfMessage, ConnectionClosed, PAUSED
                    break
        except h11.ProtocolError:
            pass
        self._finish()

    # --- the body ----------------------------------------------------------------------------
    @property
    def received(self) -> int:
        return self._length - self._remaining

    async def receive_body(self, fh: IO[bytes], writers: concurrent.futures.Executor,
                           length: int, progress: ProgressFn | None, done: int,
                           total: int) -> None:
        self._file, self._progress = OrderedWriter(fh, writers), progress
        self._done0, self._total = done, total
        self._length = length
        self._fill = min(self._fill, length)  # the head's leftover is the body's start
        self._remaining = length - self._fill
        self._phase = _BODY
        if not self._remaining:
            self._buffer_full()
        elif self._lost:
            self._fail(BodyCut(_lost_reason(None)))
        else:
            self._resume()
        try:
            while self._phase in (_BODY, _TAIL):
                await self._wait()
        except asyncio.CancelledError:
            self.abort()
            await self._land_and_close()  # the .part keeps what arrived, for the resume
            raise
        self.abort()  # no-op after a complete body: the transport is closing already
        write_error = await self._land_and_close()
        # A failed write wins over a cut body: the .part is then not worth resuming.
        failure = write_error or self._failure
        if failure is not None:
            raise failure

    def _buffer_full(self) -> None:
        if not self._remaining:
            self._phase = _TAIL
            self._close_transport()  # every byte is here; nothing more to read
        if self._pending is not None:
            # Both buffers are busy: stop reading until the disk catches up (memory stays
            # at two buffers however slow the disk is).
            self._held = True
            self._pause()
            return
        self._submit()

    def _submit(self) -> None:
        assert self._file is not None
        view = self._views[self._cur][:self._fill]
        self._cur ^= 1
        self._fill = 0
        pending = self._file.submit(view)
        self._pending = pending
        pending.add_done_callback(self._written_in_thread)
        if self._progress is not None:
            try:
                self._progress(self._done0 + self.received, self._total)
            except Exception as exc:
                self._fail(exc)

    def _written_in_thread(self, fut: concurrent.futures.Future[Any]) -> None:
        with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits any more
            self._loop.call_soon_threadsafe(self._written, fut)

    def _written(self, fut: concurrent.futures.Future[Any]) -> None:
        if fut is not self._pending or self._phase == _DONE:
            return  # failed or cancelled meanwhile: _land_and_close looks at this write
        self._pending = None
        error = fut.exception()
        if error is not None:
            self._fail(error)
            return
        if self._held:
            self._held = False
            self._submit()
            if self._phase == _BODY:
                self._resume()
        elif self._phase == _TAIL:
            self._finish()

    async def _land_and_close(self) -> BaseException | None:
        """Let the write in flight land, then write the bytes still in the current buffer,
        then close the file - in this order, on a writer thread. Survives a cancellation:
        the job goes on and closes the file itself."""
        file, self._file = self._file, None
        assert file is not None
        self._pending = None
        tail = self._views[self._cur][:self._fill]
        self._fill = 0
        landed = file.close(tail)
        # Shielded: cancelled while landing, the job still writes the tail and closes.
        return await asyncio.shield(asyncio.wrap_future(landed))

    # --- plumbing ----------------------------------------------------------------------------
    async def _wait(self) -> None:
        self._waiter = self._loop.create_future()
        try:
            await self._waiter
        finally:
            self._waiter = None

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    def _fail(self, exc: BaseException) -> None:
        if self._phase == _DONE:
            return
        self._failure = exc
        self.abort()
        self._finish()

    def _finish(self) -> None:
        self._phase = _DONE
        self._stop_watchdog()
        self._wake()

    def _pause(self) -> None:
        if not self._paused and self._transport is not None:
            self._paused = True
            self._transport.pause_reading()

    def _resume(self) -> None:
        if self._paused and self._transport is not None:
            self._paused = False
            self._last_rx = self._loop.time()
            self._transport.resume_reading()

    def _close_transport(self) -> None:
        if self._transport is not None:
            self._transport.close()
        self._stop_watchdog()

    def abort(self) -> None:
        """Drop the connection now (a connection already closing after a complete body
        is left to finish its TLS shutdown). Later bytes, if any, go to the scratch buffer."""
        if self._transport is not None and not self._transport.is_closing():
            self._transport.abort()
        self._finish()

    # A read timeout is "no byte for read_timeout seconds while we want some", like httpx's.
    # One timer per connection, re-armed from the time of the last byte when it fires,
    # instead of a timer per chunk.
    def _arm_watchdog(self) -> None:
        if self._read_timeout is not None and self._phase != _DONE:
            self._watchdog = self._loop.call_at(self._last_rx + self._read_timeout, self._check)

    def _check(self) -> None:
        self._watchdog = None
        if self._phase == _DONE or self._read_timeout is None:
            return
        now = self._loop.time()
        if self._paused or self._phase in (_IDLE, _TAIL):
            self._last_rx = now  # waiting for the caller or our disk, not for the server
        elif now - self._last_rx >= self._read_timeout:
            self._timed_out()
            return
        self._arm_watchdog()

    def _timed_out(self) -> None:
        if self._phase == _HEAD:
            self._fail(TimedOut("the server did not answer in time"))
        elif self._phase == _BODY:
            self._fail(BodyCut("no data arrived for too long"))
        else:
            self.abort()  # a silent error body: keep what came

    def _stop_watchdog(self) -> None:
        if self._watchdog is not None:
            self._watchdog.cancel()
            self._watchdog = None


def _lost_reason(exc: BaseException | None) -> str:
    if exc is None:
        return "the server closed the connection"
    return f"the connection broke ({describe_connect_error(exc)})"
