"""agent.md: ``POST agent`` (multipart, repeatable ``file``), ``GET agent/{jobId}``,
``GET agent/jobs``."""

from __future__ import annotations

import mimetypes
from collections.abc import Iterable
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any

from ..errors import UploadRejectedError
from ..models import AgentJob, AgentJobs
from ..timeouts import LONG_TIMEOUT
from ..upload_body import sniff_content_type
from ._base import Resource, segment

#: A file to attach: a path, or (file name, bytes[, content type]).
AgentFile = Path | str | tuple[str, bytes] | tuple[str, bytes, str]


class Agent(Resource):
    async def create(self, prompt: str, models: Iterable[str] | str, files: Iterable[AgentFile] = (),
                     async_: bool = True, account: str | None = None,
                     reply_url: str | None = None, reply_ref: str | None = None) -> AgentJob:
        """Start an agent job. Sent as multipart/form-data (the only documented form),
        even without files; each file is one more ``file`` part. With ``async_=False`` the
        call blocks until the job ends (up to 15 minutes). Never retried."""
        model_list = models if isinstance(models, str) else ",".join(m for m in models if m)
        fields: list[tuple[str, Any]] = [("prompt", (None, prompt)), ("models", (None, model_list)),
                                         ("async", (None, "true" if async_ else "false"))]
        for name, value in (("account", account), ("replyUrl", reply_url), ("replyRef", reply_ref)):
            if value is not None:
                fields.append((name, (None, value)))
        with ExitStack() as stack:
            for item in files:
                fields.append(("file", _file_part(item, stack)))
            data = await self._client.request(
                "POST", "agent", endpoint="POST agent", files=fields,
                timeout=None if async_ else LONG_TIMEOUT)
        return self._parse(AgentJob, data, what="POST agent answer")

    async def get(self, job_id: str) -> AgentJob:
        data = await self._client.request("GET", f"agent/{segment(job_id)}",
                                          endpoint="GET agent/{jobId}")
        return self._parse(AgentJob, data, what="GET agent/{jobId} answer")

    async def jobs(self) -> AgentJobs:
        """Jobs still running (status ``started``), grouped by account."""
        data = await self._client.request("GET", "agent/jobs", endpoint="GET agent/jobs")
        return self._parse(AgentJobs, data or {}, what="GET agent/jobs answer")


def _file_part(item: AgentFile, stack: ExitStack) -> tuple[str, IO[bytes] | bytes, str]:
    if isinstance(item, tuple):
        name, data = item[0], item[1]
        ctype = item[2] if len(item) > 2 else _guess(name, data[:64])  # type: ignore[misc]
        return name, data, ctype
    path = Path(item)
    try:
        fh = stack.enter_context(path.open("rb"))
        head = fh.read(64)
        fh.seek(0)
    except OSError as exc:
        raise UploadRejectedError(f"{path.name} cannot be read: {exc.strerror or exc}.") from None
    return path.name, fh, _guess(path.name, head)


def _guess(name: str, head: bytes) -> str:
    # The agent takes files the upload endpoint does not (e.g. text), so fall back to the
    # name and then to a generic type instead of refusing.
    return sniff_content_type(head) or mimetypes.guess_type(name)[0] or "application/octet-stream"
