"""Serving bytes with Range support and the "drop the connection after N bytes" fault."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

from aiohttp import web

from ..ranges import Unsatisfiable, parse_range

CHUNK = 256 * 1024
Reader = Callable[[int, int], AsyncIterator[bytes]]  # (start, end inclusive) -> chunks


def bytes_reader(data: bytes) -> Reader:
    async def read(start: int, end: int) -> AsyncIterator[bytes]:
        for pos in range(start, end + 1, CHUNK):
            yield data[pos:min(pos + CHUNK, end + 1)]
    return read


def file_reader(path: str) -> Reader:
    async def read(start: int, end: int) -> AsyncIterator[bytes]:
        with open(path, "rb") as fh:
            fh.seek(start)
            left = end - start + 1
            while left > 0:
                chunk = fh.read(min(CHUNK, left))
                if not chunk:
                    return
                left -= len(chunk)
                yield chunk
    return read


async def serve(request: web.Request, *, size: int, read: Reader, content_type: str,
                etag: str, drop_after: int | None = None) -> web.StreamResponse:
    base_headers = {"Accept-Ranges": "bytes", "ETag": f'"{etag}"',
                    "Cache-Control": "public, max-age=86400"}
    range_header = request.headers.get("Range")
    if_range = request.headers.get("If-Range")
    if if_range is not None and if_range.strip() != f'"{etag}"':
        range_header = None  # the file changed: send it whole (RFC 9110 §13.1.5)
    try:
        wanted = parse_range(range_header, size)
    except Unsatisfiable:
        return web.Response(status=416, headers={**base_headers, "Content-Range": f"bytes */{size}"})
    start, end = wanted if wanted else (0, size - 1)
    resp = web.StreamResponse(status=206 if wanted else 200, headers=base_headers)
    resp.content_type = content_type
    resp.content_length = max(0, end - start + 1)
    if wanted:
        resp.headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    await resp.prepare(request)
    if request.method == "HEAD" or size == 0:
        await resp.write_eof()
        return resp
    sent = 0
    async for chunk in read(start, end):
        if drop_after is not None and sent + len(chunk) > drop_after:
            await resp.write(chunk[: max(0, drop_after - sent)])
            # Injected fault: cut the connection mid-body, as a flaky CDN would.
            if request.transport is not None:
                request.transport.close()
            return resp
        await resp.write(chunk)
        sent += len(chunk)
    await resp.write_eof()
    return resp


_PERIOD = 251  # a prime, so the pattern never lines up with power-of-two chunk sizes
_PATTERN = bytes(range(_PERIOD)) * (CHUNK // _PERIOD + 2)


def blob_byte(i: int) -> int:
    """Byte ``i`` of ``GET /_sandbox/blob/<n>``: ``i % 251``."""
    return i % _PERIOD


def blob_reader() -> Reader:
    async def read(start: int, end: int) -> AsyncIterator[bytes]:
        pos = start
        while pos <= end:
            n = min(CHUNK, end + 1 - pos)
            off = pos % _PERIOD
            yield _PATTERN[off:off + n]
            pos += n
    return read
