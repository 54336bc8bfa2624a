"""Timeouts per kind of call, in one place."""

from __future__ import annotations

import httpx

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
#: Downloads may sit on a slow CDN; the read timeout is per chunk, not per file.
DOWNLOAD_TIMEOUT = httpx.Timeout(60.0, connect=10.0)
#: Synchronous agent calls and agent-create streams may take 15 minutes (agent.md, videos.md).
LONG_TIMEOUT = httpx.Timeout(connect=10.0, read=16 * 60.0, write=60.0, pool=10.0)
#: Uploads: "roughly 1 minute per GB" (files.md); the write timeout is per chunk.
UPLOAD_TIMEOUT = httpx.Timeout(connect=10.0, read=5 * 60.0, write=120.0, pool=10.0)
